"""Order intake over HTTP, against a real SQLite database made by the migrations."""

from __future__ import annotations

import uuid

from tests.support.devices import order_data


def test_new_order_is_created_with_number_total_and_tickets(client):
    response = client.post("/api/v1/orders", json=order_data())
    assert response.status_code == 201
    body = response.get_json()
    assert body["number"] == "A001"
    assert body["status"] == "accepted"
    assert body["total"] == {"amount": 900, "currency": "EUR"}
    assert [t["station"] for t in body["tickets"]] == ["bar"]
    assert body["lines"][0]["modifiers"] == ["OAT"]
    assert body["lines"][0]["note"] == "extra hot"


def test_same_order_id_twice_is_one_order(client):
    data = order_data()
    first = client.post("/api/v1/orders", json=data)
    second = client.post("/api/v1/orders", json=data)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.get_json()["number"] == first.get_json()["number"]
    assert second.get_json()["tickets"] == first.get_json()["tickets"]
    third = client.post("/api/v1/orders", json=order_data())
    assert third.get_json()["number"] == "A002"


def test_same_order_id_with_other_content_is_a_conflict(client):
    data = order_data()
    client.post("/api/v1/orders", json=data)
    changed = {**data, "lines": [{"sku": "ESPRESSO", "qty": 1}]}
    response = client.post("/api/v1/orders", json=changed)
    assert response.status_code == 409
    assert response.get_json()["code"] == "conflict"
    assert response.get_json()["field"] == "order_id"
    assert client.get(f"/api/v1/orders/{data['order_id']}").get_json()["lines"][0]["sku"] == "LATTE-M"


def test_invalid_quantity_names_the_field(client):
    response = client.post("/api/v1/orders", json=order_data(lines=[{"sku": "LATTE-M", "qty": 100}]))
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "invalid_payload"
    assert body["field"] == "lines[0].qty"
    assert body["message"] == "lines[0].qty must be between 1 and 99"


def test_every_problem_is_listed(client):
    response = client.post("/api/v1/orders", json={"origin": "bicycle", "lines": []})
    fields = {problem["field"] for problem in response.get_json()["errors"]}
    assert {"order_id", "origin", "fulfilment", "lines"} <= fields


def test_unknown_sku_and_modifier_are_named(client):
    unknown = client.post("/api/v1/orders", json=order_data(lines=[{"sku": "LATTE-M", "qty": 1}, {"sku": "PIZZA", "qty": 1}]))
    assert unknown.status_code == 422
    assert unknown.get_json()["code"] == "unknown_sku"
    assert unknown.get_json()["field"] == "lines[1].sku"
    assert "PIZZA" in unknown.get_json()["message"]
    modifier = client.post("/api/v1/orders", json=order_data(lines=[{"sku": "ESPRESSO", "qty": 1, "modifiers": ["OAT"]}]))
    assert modifier.get_json()["code"] == "unknown_modifier"
    assert modifier.get_json()["field"] == "lines[0].modifiers[0]"
    assert "OAT" in modifier.get_json()["message"]


def test_body_that_is_not_json_is_refused(client):
    response = client.post("/api/v1/orders", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["code"] == "invalid_json"


def test_refused_orders_leave_nothing_behind(client):
    client.post("/api/v1/orders", json=order_data(lines=[{"sku": "PIZZA", "qty": 1}]))
    accepted = client.post("/api/v1/orders", json=order_data())
    assert accepted.get_json()["number"] == "A001"


def test_get_order_shows_status_and_tickets(client):
    data = order_data(lines=[{"sku": "LATTE-M", "qty": 1}, {"sku": "BAGEL-SALMON", "qty": 1}])
    client.post("/api/v1/orders", json=data)
    body = client.get(f"/api/v1/orders/{data['order_id']}").get_json()
    assert body["status"] == "accepted"
    assert [(t["station"], t["status"]) for t in body["tickets"]] == [("bar", "queued"), ("kitchen", "queued")]
    assert body["total"] == {"amount": 1090, "currency": "EUR"}


def test_unknown_order_is_404(client):
    assert client.get(f"/api/v1/orders/{uuid.uuid4()}").status_code == 404
    assert client.get("/api/v1/orders/not-a-uuid").status_code == 404


def test_queue_puts_rush_and_earlier_deadlines_first(client):
    slow = order_data(lines=[{"sku": "SALAD-CAESAR", "qty": 1}])
    quick = order_data(lines=[{"sku": "ESPRESSO", "qty": 1}])
    rushed = order_data(lines=[{"sku": "SALAD-CAESAR", "qty": 1}], rush=True)
    for data in (slow, quick, rushed):
        client.post("/api/v1/orders", json=data)
    queue = [o["order_id"] for o in client.get("/api/v1/queue").get_json()["orders"]]
    assert queue == [rushed["order_id"], quick["order_id"], slow["order_id"]]


def test_database_failure_is_a_clear_503_and_nothing_half_stored(client, hub):
    from sqlalchemy import text

    from tests.support.failing_database import refusing_inserts

    data = order_data()
    with refusing_inserts(hub.engine, "tickets"):
        response = client.post("/api/v1/orders", json=data)
        assert response.status_code == 503
        assert response.get_json()["code"] == "internal"
    with hub.engine.begin() as db:
        assert db.execute(text("SELECT count(*) FROM orders")).scalar() == 0
    assert client.post("/api/v1/orders", json=data).get_json()["number"] == "A001"
