"""POST /api/v1/baskets/price and order intake price the same way, down to the cent."""

from __future__ import annotations

import pytest

from hub.contracts.money import format_money
from hub.contracts.pricing import PricedBasketOut

from tests.support.devices import order_data

WEEKDAY_4PM = "2026-11-23T16:00:00Z"  # a Monday; the test store's zone is UTC


def price(client, lines, channel="kiosk", **extra):
    response = client.post("/api/v1/baskets/price", json={"lines": lines, "channel": channel, **extra})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.parametrize("origin", ["kiosk", "counter", "app", "web", "phone", "marketplace"])
def test_accepted_order_total_equals_the_priced_basket_on_every_channel(client, origin):
    lines = [{"sku": "LATTE-M", "qty": 2, "modifiers": ["OAT"]}, {"sku": "CROISSANT", "qty": 3},
             {"sku": "MEAL-DEAL", "qty": 1}, {"sku": "BEANS-HOUSE-250", "qty": 1}]
    basket = price(client, lines, origin, customer={"loyalty_id": "L-1002"})
    data = order_data(origin=origin, lines=lines, customer={"loyalty_id": "L-1002"})
    accepted = client.post("/api/v1/orders", json=data).get_json()
    assert accepted["total"] == basket["total"]
    stored = client.get(f"/api/v1/orders/{data['order_id']}").get_json()
    assert stored["total"] == basket["total"] and stored["tax"] == basket["tax"]
    assert stored["pricing"]["discounts"] == basket["discounts"]


def test_priced_basket_names_each_discount_and_tax_rate(client):
    basket = price(client, [{"sku": "LATTE-M", "qty": 1}, {"sku": "CROISSANT", "qty": 3}], at="2026-11-23T09:00:00Z")
    given = {d["promotion"]: d["amount"]["amount"] for d in basket["discounts"]}
    assert given == {"breakfast-deal": 160, "pastry-3for2": 260}
    assert {t["code"] for t in basket["taxes"]} == {"VAT19", "VAT7"}
    assert basket["total"]["amount"] == 400 + 780 - 420
    assert basket["lines"][0]["modifiers"] == []


def test_hint_says_what_is_missing(client):
    basket = price(client, [{"sku": "CROISSANT", "qty": 2}])
    assert {"promotion": "pastry-3for2", "message": "add 1 more pastry to get 3 pastries for the price of 2",
            "kind": "add_more", "name": "3 pastries for the price of 2", "count": 1, "noun": "pastry", "amount": 0} in basket["hints"]


def test_a_spend_hint_carries_the_amount_so_a_page_can_say_it_in_its_language(client):
    basket = price(client, [{"sku": "BURGER", "qty": 2}])
    [spend] = [h for h in basket["hints"] if h["kind"] == "spend_more"]
    assert spend["amount"] > 0 and spend["message"].startswith(f"spend {format_money(spend['amount'], 'EUR', 'en')} more")


def test_an_accepted_order_says_its_hints_as_the_priced_basket_did(client):
    lines = [{"sku": "BURGER", "qty": 2}]
    basket = price(client, lines, "app")
    data = order_data(origin="app", lines=lines)
    assert client.post("/api/v1/orders", json=data).status_code == 201
    stored = client.get(f"/api/v1/orders/{data['order_id']}").get_json()
    assert stored["pricing"]["hints"] == basket["hints"] and basket["hints"]
    PricedBasketOut.model_validate(stored["pricing"])  # `message` is required on the wire


def test_happy_hour_applies_in_its_window_on_its_channels(client):
    lines = [{"sku": "MUFFIN-BLUE", "qty": 1}]
    assert price(client, lines, at=WEEKDAY_4PM)["discount"]["amount"] == 145
    assert price(client, lines, "web", at=WEEKDAY_4PM)["discount"]["amount"] == 0
    assert price(client, lines, at="2026-11-23T17:00:00Z")["discount"]["amount"] == 0


def test_gold_member_gets_the_exclusive_discount_only_when_it_is_better(client):
    lines = [{"sku": "BURGER", "qty": 2}]
    gold = price(client, lines, customer={"loyalty_id": "L-1001"})
    assert [d["promotion"] for d in gold["discounts"]] == ["gold-15"]
    assert price(client, lines)["discounts"] == []


def test_promotion_switched_on_applies_to_the_next_basket_without_restart(client):
    lines = [{"sku": "TUMBLER", "qty": 1}]
    assert price(client, lines, "web")["discounts"] == []
    assert client.put("/api/v1/promotions/web-launch", json={"active": True}).status_code == 200
    assert [d["promotion"] for d in price(client, lines, "web")["discounts"]] == ["web-launch"]
    listed = {p["id"]: p["active"] for p in client.get("/api/v1/promotions").get_json()["promotions"]}
    assert listed["web-launch"] is True
    assert client.put("/api/v1/promotions/nope", json={"active": True}).status_code == 404


def test_bad_basket_is_refused_naming_the_line(client):
    response = client.post("/api/v1/baskets/price", json={"lines": [{"sku": "LATTE-M", "qty": 1, "modifiers": ["OAT", "SOY"]}],
                                                        "channel": "kiosk"})
    assert response.status_code == 422
    assert response.get_json()["field"] == "lines[0].modifiers"
    unknown = client.post("/api/v1/baskets/price", json={"lines": [{"sku": "PIZZA", "qty": 1}], "channel": "kiosk"})
    assert unknown.get_json()["code"] == "unknown_sku" and unknown.get_json()["field"] == "lines[0].sku"


def test_meal_deal_is_one_price_and_each_part_goes_to_its_station(client):
    data = order_data(lines=[{"sku": "MEAL-DEAL", "qty": 1}])
    body = client.post("/api/v1/orders", json=data).get_json()
    assert body["total"]["amount"] == 1290
    assert [t["station"] for t in body["tickets"]] == ["grill", "fryer", "bar"]
    assert sum(line["total"]["amount"] for line in body["lines"]) == 1290


def test_meal_deal_is_taxed_part_by_part_and_the_order_keeps_the_shares(client):
    lines = [{"sku": "MEAL-DEAL", "qty": 1}]
    basket = price(client, lines)
    parts = [(p["sku"], p["net"]["amount"], p["tax_codes"]) for p in basket["lines"][0]["parts"]]
    # 12.90 over 9.90 / 3.90 / 3.20 of parts; 7 % VAT in 7.51 + 2.96, 19 % in 2.43.
    assert parts == [("BURGER", 751, ["VAT7"]), ("FRIES", 296, ["VAT7"]), ("COLA", 243, ["VAT19"])]
    assert {t["code"]: t["amount"]["amount"] for t in basket["taxes"]} == {"VAT7": 68, "VAT19": 39}
    data = order_data(lines=lines)
    assert client.post("/api/v1/orders", json=data).status_code == 201
    stored = client.get(f"/api/v1/orders/{data['order_id']}").get_json()
    assert stored["tax"] == basket["tax"] == {"amount": 107, "currency": "EUR"}
    assert stored["pricing"]["lines"][0]["parts"] == basket["lines"][0]["parts"]
    assert [(line["sku"], line["total"]["amount"]) for line in stored["lines"]] == [
        ("BURGER", 751), ("FRIES", 296), ("COLA", 243)]


def test_replies_follow_the_documented_contracts(client):
    from hub.contracts.pricing import Availability, PricedBasketOut

    basket = price(client, [{"sku": "LATTE-M", "qty": 1}, {"sku": "CROISSANT", "qty": 3}])
    assert PricedBasketOut.model_validate(basket).total.amount == basket["total"]["amount"]
    assert Availability.model_validate(client.get("/api/v1/availability").get_json()).stock["BEANS-DECAF-250"]["web"] == 4


def test_tax_exempt_order_pays_the_net_price(client, hub):
    from tests.support.staff import approval

    lines = [{"sku": "LATTE-M", "qty": 1}]
    basket = price(client, lines, tax_exempt=True)
    accepted = client.post("/api/v1/orders", json=order_data(
        lines=lines, tax_exempt=True, tax_exempt_reason="certificate 12-345",
        tax_exempt_approval=approval(client, hub, "tax_exempt"))).get_json()
    assert accepted["total"] == basket["total"] == {"amount": 400 - 64, "currency": "EUR"}
    assert accepted["tax"]["amount"] == 0


def test_usage_limit_counts_accepted_orders_and_a_cancel_gives_the_use_back(client, hub, tmp_path):
    import json

    from hub.demo import DEMO_CATALOG
    from hub.entrypoints.catalog_import import import_catalog
    from tests.integration.commerce_support import cancel

    doc = json.loads(DEMO_CATALOG.read_text())
    launch = next(p for p in doc["promotions"] if p["id"] == "web-launch")
    launch.update(active=True, usage_limit=1)
    limited = tmp_path / "limited.json"
    limited.write_text(json.dumps(doc))
    import_catalog(hub.settings, limited)
    lines = [{"sku": "MUG-PASSLINE", "qty": 1}]
    first = order_data(origin="web", lines=lines)
    assert client.post("/api/v1/orders", json=first).get_json()["total"]["amount"] == 1490 - 149
    assert client.post("/api/v1/orders", json=order_data(origin="web", lines=lines)).get_json()["total"]["amount"] == 1490
    cancel(hub, first["order_id"])
    assert [d["promotion"] for d in price(client, lines, "web")["discounts"]] == ["web-launch"]
