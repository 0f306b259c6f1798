"""Every bad input over HTTP gets a 4xx naming the problem: 400 for what cannot be read, 422 naming the field."""

from __future__ import annotations

import logging
import re
import uuid

import pytest
from sqlalchemy import text

from tests.support.devices import order_data

NESTED = "[" * 3000 + "]" * 3000
YEAR_ONE = "0001-01-01T00:00:00+14:00"  # a real date whose UTC time lies before year 1
BASKET = {"lines": [{"sku": "LATTE-M", "qty": 1}], "channel": "counter"}


def orders_in(hub) -> int:
    with hub.engine.connect() as db:
        return db.execute(text("SELECT count(*) FROM orders")).scalar_one()


def test_json_nested_too_deep_is_a_400_that_says_so_on_every_route_that_takes_a_body(app, client, hub):
    routes = [(rule, method) for rule in app.url_map.iter_rules() for method in sorted(rule.methods & {"POST", "PUT"})]
    assert len(routes) > 20
    for rule, method in routes:
        path = re.sub(r"<[^>]+>", "x", rule.rule)
        response = client.open(path, method=method, data=NESTED, content_type="application/json")
        assert response.status_code in (400, 401, 403), (method, rule.rule, response.status_code)
        if response.status_code == 400:
            assert response.get_json() == {"code": "invalid_json", "field": None,
                                           "message": "the request body is nested more than 32 levels deep"}
    assert orders_in(hub) == 0


@pytest.mark.parametrize("body, message", [
    ('{"order_id": ' + "9" * 5000 + "}", "the request body has a number of 5000 digits (at most 1000)"),
    ('{"order_id": NaN}', "the request body has NaN, which is not a JSON number"),
    ('{"order_id": 1e999}', "the request body has a number too large to read: 1e999"),
    ('{"order_id": ', "the request body is not valid JSON: Expecting value at line 1 column 14"),
])
def test_json_that_cannot_be_read_is_a_400_saying_why(client, body, message):
    response = client.post("/api/v1/orders", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["message"] == message


def test_a_basket_nested_too_deep_gets_json_not_an_error_page(client):
    response = client.post("/api/v1/baskets/price", data=NESTED, content_type="application/json")
    assert (response.status_code, response.mimetype) == (400, "application/json")


def test_a_body_over_a_megabyte_is_refused_as_too_large(client):
    response = client.post("/api/v1/orders", data="[" + "1," * 600_000 + "1]", content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["message"] == "the request body is larger than the hub takes (1024 KiB)"


def test_a_promised_time_before_year_one_in_utc_is_a_422_naming_the_field(client, hub):
    response = client.post("/api/v1/orders", json=order_data(promised_at=YEAR_ONE))
    assert response.status_code == 422
    assert response.get_json()["field"] == "promised_at"
    assert response.get_json()["message"] == "promised_at must be a time between 1970 and 2999, e.g. 2026-11-22T12:00:00Z"
    assert orders_in(hub) == 0
    priced = client.post("/api/v1/baskets/price", json={**BASKET, "at": "9999-12-31T23:59:59-14:00"})
    assert (priced.status_code, priced.get_json()["field"]) == (422, "at")


@pytest.mark.parametrize("path, body, field", [
    ("/api/v1/gift-cards", {"code": "GIFT-0001", "amount": 10**19, "currency": "EUR"}, "amount"),
    ("/api/v1/gift-cards", {"code": "GIFT-0001", "amount": 10**999, "currency": "EUR"}, "amount"),
    ("/api/v1/orders", order_data(redeem_points=10**19), "redeem_points"),
    ("/api/v1/baskets/price", {**BASKET, "redeem_points": 10**19}, "redeem_points"),
    ("/api/v1/baskets/price", {**BASKET, "discounts": [{"amount": 10**19, "reason": "damaged"}]}, "discounts[0].amount"),
    ("/api/v1/baskets/price", {**BASKET, "discounts": [{"line": 10**19, "percent": 10, "reason": "damaged"}]}, "discounts[0].line"),
    ("/api/v1/stock/BEANS-HOUSE-250/receive", {"qty": 10**19}, "qty"),
    ("/api/v1/devices", {"device_id": "kiosk-9", "role": "kiosk", "ttl_minutes": 10**19}, "ttl_minutes"),
])
def test_numbers_past_what_a_store_can_hold_are_a_422_naming_the_field(client, hub, path, body, field):
    response = client.post(path, json=body)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.get_json()["field"] == field
    assert field.split(".")[-1].split("[")[0] in response.get_json()["message"]


def test_a_tender_or_refund_past_what_a_store_can_hold_is_a_422_naming_the_field(client):
    order = client.post("/api/v1/orders", json=order_data()).get_json()
    tender = client.post(f"/api/v1/orders/{order['order_id']}/tenders", json={"kind": "cash", "amount": 10**19})
    assert (tender.status_code, tender.get_json()["field"]) == (422, "amount")
    refund = client.post(f"/api/v1/orders/{order['order_id']}/refunds", json={"lines": [{"index": 0, "qty": 10**19}]})
    assert (refund.status_code, refund.get_json()["field"]) == (422, "lines[0].qty")
    payment = client.post(f"/api/v1/orders/{order['order_id']}/payments", json={"device_id": "kiosk-1", "amount": 10**19})
    assert (payment.status_code, payment.get_json()["field"]) == (422, "amount")


def test_a_quoted_ready_time_before_year_one_is_a_422_naming_the_field(client):
    order = client.post("/api/v1/orders", json=order_data(origin="web", fulfilment="pickup")).get_json()
    response = client.post(f"/api/v1/orders/{order['order_id']}/confirm", json={"ready_at": YEAR_ONE})
    assert (response.status_code, response.get_json()["field"]) == (422, "ready_at")


def test_an_unexpected_failure_under_the_api_is_a_json_500_in_words_with_the_traceback_logged(client, hub, monkeypatch, caplog):
    def broken(command):
        raise ZeroDivisionError("a bug in a handler")

    monkeypatch.setattr(hub.bus, "handle", broken)  # the edge: the bus the view calls
    with caplog.at_level(logging.ERROR):
        response = client.post("/api/v1/orders", json=order_data())
    assert (response.status_code, response.mimetype) == (500, "application/json")
    assert response.get_json()["code"] == "internal"
    assert "nothing was stored" in response.get_json()["message"]
    failure = next(r for r in caplog.records if r.getMessage() == "request POST /api/v1/orders failed")
    assert failure.exc_info[0] is ZeroDivisionError


def test_an_unknown_order_id_in_a_path_is_a_404_not_a_500(client):
    response = client.get(f"/api/v1/orders/{uuid.uuid4()}x")
    assert response.status_code == 404
