"""The menu a kiosk reads, its live availability, and loyalty sign-in with rewards."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy import insert

from hub.adapters.db import commerce_tables as ct
from hub.contracts.catalog import MemberIn
from tests.support.identities import screen_socket


def test_menu_lists_items_with_channel_prices_choices_and_page_settings(client):
    menu = client.get("/api/v1/menu?channel=kiosk").get_json()
    assert menu["currency"] == "EUR" and menu["categories"][0] == "coffee"
    burger = next(item for item in menu["items"] if item["sku"] == "BURGER")
    assert burger["price"] == 990
    assert burger["groups"] == [{"code": "doneness", "name": "doneness", "min": 1, "max": 1, "default": "WELL"}]
    meal = next(item for item in menu["items"] if item["sku"] == "MEAL-DEAL")
    assert [p["name"] for p in meal["parts"]] == ["Cheeseburger", "Fries", "Cola 0.33 l"]
    assert menu["settings"]["idle_s"] == 60 and menu["settings"]["languages"] == ["en", "de"]
    assert [r["points"] for r in menu["loyalty"]["rewards"]] == [100, 250, 500]
    assert menu["availability"]["sold_out"] == []


def test_the_counter_reads_the_same_menu_with_barcodes(client):
    menu = client.get("/api/v1/menu?channel=counter").get_json()
    cola = next(item for item in menu["items"] if item["sku"] == "COLA")
    assert (menu["channel"], cola["gtin"], cola["price"]) == ("counter", "5000112000603", 320)


def test_sold_out_goes_to_live_pages_as_an_availability_event(app, client):
    page = screen_socket(app, "/hub")
    first = page.get_received("/hub")
    assert [m["name"] for m in first] == ["availability"]  # the snapshot on connect
    client.put("/api/v1/items/CROISSANT/sold-out", json={"sold_out": True})
    events = [m for m in page.get_received("/hub") if m["name"] == "availability"]
    assert "CROISSANT" in events[-1]["args"][0]["sold_out"]
    page.disconnect(namespace="/hub")


def test_member_signs_in_by_card_code_and_sees_rewards_they_can_redeem(client):
    member = client.get("/api/v1/loyalty/find?member_id=L-1001").get_json()
    assert member["name"] == "Ada Lovelace" and member["points"] == 500
    assert [(r["code"], r["redeemable"]) for r in member["rewards"]] == [("R100", True), ("R250", True), ("R500", True)]
    poor = client.get("/api/v1/loyalty/find?member_id=L-1002").get_json()
    assert not any(r["redeemable"] for r in poor["rewards"])


def test_unknown_member_code_is_refused_plainly(client):
    reply = client.get("/api/v1/loyalty/find?member_id=NOPE")
    assert reply.status_code == 404 and "NOPE" in reply.get_json()["message"]


def test_redeeming_a_reward_takes_its_points_off_the_price(client):
    reply = client.post("/api/v1/baskets/price", json={
        "lines": [{"sku": "BURGER", "qty": 1, "modifiers": ["WELL"]}], "channel": "kiosk",
        "customer": {"loyalty_id": "L-1001"}, "redeem_points": 250})
    priced = reply.get_json()
    assert any(d["promotion"] == "loyalty-reward" and d["amount"]["amount"] == 250 for d in priced["discounts"])


def test_member_signs_in_by_phone_in_national_or_international_form(client):
    assert client.get("/api/v1/loyalty/find?phone=%2B49 170 1234567").get_json()["member_id"] == "L-1001"
    assert client.get("/api/v1/loyalty/find?phone=0170-1234567").get_json()["member_id"] == "L-1001"
    reply = client.get("/api/v1/loyalty/find?phone=0170 0000000")
    assert reply.status_code == 404 and reply.get_json()["field"] == "phone"


def test_a_phone_two_members_share_asks_for_the_member_card(client):
    hub = client.application.config["PASSLINE_HUB"]
    with hub.engine.begin() as db:  # a second member who gave the same number, written the national way
        db.execute(insert(ct.loyalty_members).values(member_id="L-1003", name="Grace Hopper", tier="member", points=0,
                                                     phone="01701234567"))
    reply = client.get("/api/v1/loyalty/find?phone=0170 1234567")
    assert (reply.status_code, reply.get_json()["code"], reply.get_json()["field"]) == (409, "ambiguous", "phone")
    assert client.get("/api/v1/loyalty/find?member_id=L-1003").get_json()["name"] == "Grace Hopper"


def test_a_member_phone_that_is_not_a_number_is_refused():
    with pytest.raises(ValidationError, match="is not a phone number"):
        MemberIn.model_validate({"member_id": "L-1", "name": "X", "tier": "member", "phone": "call me"})


def test_menu_in_german_names_items_choices_allergens_and_categories_from_the_catalog_texts(client):
    menu = client.get("/api/v1/menu?channel=kiosk&lang=de").get_json()
    assert menu["lang"] == "de"
    latte = next(item for item in menu["items"] if item["sku"] == "LATTE-M")
    assert latte["name"] == "Latte (mittel)"
    assert latte["description"] == "Espresso mit heißer Milch und feinem Milchschaum."
    assert [g["name"] for g in latte["groups"]] == ["Milch", "Extras"]
    assert [m["name"] for m in latte["modifiers"]][:2] == ["Hafermilch", "Sojamilch"]
    assert (latte["allergens"], latte["allergen_names"]) == (["milk"], ["Milch"])
    assert latte["dietary_names"] == ["vegetarisch"]
    meal = next(item for item in menu["items"] if item["sku"] == "MEAL-DEAL")
    assert [p["name"] for p in meal["parts"]] == ["Cheeseburger", "Pommes frites", "Cola 0,33 l"]
    assert menu["category_names"]["cold-drink"] == "Kalte Getränke"
    assert [r["name"] for r in menu["loyalty"]["rewards"]] == ["1,00 Rabatt", "2,50 Rabatt", "5,00 Rabatt"]
    english = client.get("/api/v1/menu?channel=kiosk").get_json()
    latte_en = next(item for item in english["items"] if item["sku"] == "LATTE-M")
    assert (latte_en["name"], latte_en["groups"][0]["name"]) == ("Latte (medium)", "milk")
    assert latte_en["description"] == "Espresso with steamed milk and a thin layer of foam."


def test_a_basket_priced_in_german_names_its_taxes_items_and_deals_in_german(client):
    basket = {"channel": "kiosk", "lines": [{"sku": "BURGER", "qty": 1, "modifiers": ["WELL"]},
                                             {"sku": "CROISSANT", "qty": 2}]}
    german = client.post("/api/v1/baskets/price?lang=de", json=basket).get_json()
    english = client.post("/api/v1/baskets/price", json=basket).get_json()
    assert german["total"] == english["total"]
    assert [t["name"] for t in german["taxes"]] == ["MwSt. 7 %"]
    assert [t["name"] for t in english["taxes"]] == ["VAT 7 %"]
    assert [ln["name"] for ln in german["lines"]] == ["Cheeseburger", "Buttercroissant"]
    hint = next(h for h in german["hints"] if h["promotion"] == "pastry-3for2")
    assert (hint["name"], hint["noun"]) == ("3 Gebäckstücke zum Preis von 2", "Gebäck")
