"""Recommendations: learned from what the store's orders hold together, else the catalog's pairings."""

from __future__ import annotations

from collections import Counter

from hub.domain.recommendations import BoughtTogether, recommend
from tests.support.devices import order_data


def suggest(client, *skus, channel="kiosk"):
    reply = client.get(f"/api/v1/recommendations?skus={','.join(skus)}&channel={channel}")
    assert reply.status_code == 200, reply.get_json()
    return [item["sku"] for item in reply.get_json()["items"]]


def order(client, *skus):
    data = order_data(origin="counter", lines=[{"sku": sku, "qty": 1} for sku in skus])
    assert client.post("/api/v1/orders", json=data).status_code == 201


def test_with_no_orders_yet_the_catalog_pairings_are_suggested(client):
    assert suggest(client, "BURGER") == ["FRIES", "COLA"]


def test_items_bought_together_come_before_the_configured_pairings(client):
    for _ in range(3):
        order(client, "BURGER", "OJ-FRESH")
    order(client, "BURGER", "SOUP-DAY")  # once is chance: not learned
    assert suggest(client, "BURGER") == ["OJ-FRESH", "FRIES", "COLA"]


def test_new_orders_are_learned_between_two_requests(client):
    assert suggest(client, "ESPRESSO") == ["CROISSANT", "COOKIE"]
    for _ in range(2):
        order(client, "ESPRESSO", "MUFFIN-BLUE")
    assert suggest(client, "ESPRESSO")[0] == "MUFFIN-BLUE"


def test_never_suggests_what_is_in_the_cart_or_sold_out(client):
    assert client.put("/api/v1/items/FRIES/sold-out", json={"sold_out": True}).status_code == 200
    assert suggest(client, "BURGER", "COLA") == []
    assert suggest(client, "BURGER") == ["COLA"]


def test_a_bundle_in_the_cart_never_brings_its_own_parts(client):
    for _ in range(2):
        order(client, "BURGER", "FRIES", "COLA", "OJ-FRESH")
    assert suggest(client, "MEAL-DEAL") == ["OJ-FRESH"]


def test_unknown_channel_is_refused_naming_it(client):
    reply = client.get("/api/v1/recommendations?skus=BURGER&channel=moon")
    assert reply.status_code == 422 and reply.get_json()["field"] == "channel"


def test_the_window_forgets_the_oldest_orders():
    learned = BoughtTogether(window=2)
    learned.add(1, ["A", "B"])
    learned.add(2, ["A", "B"])
    assert learned.together_with(["A"]) == Counter({"B": 2})
    learned.add(3, ["A", "C"])
    learned.add(4, ["A", "C"])
    assert learned.together_with(["A"]) == Counter({"C": 2})


def test_recommend_orders_learned_by_count_then_pairings_without_repeats():
    learned = Counter({"X": 5, "Y": 2, "Z": 1})
    assert recommend(["A"], learned, {"A": ["Z", "X", "W"]}, {"X", "Y", "Z", "W"}, limit=4) == ["X", "Y", "Z", "W"]
    assert recommend(["A"], learned, {}, {"Y"}, limit=3) == ["Y"]


def test_the_first_reading_starts_at_the_window_and_later_ones_read_only_new_orders(client, hub):
    from hub.adapters.db.bought_together import BoughtTogetherReader

    for skus in (("BURGER", "COLA"), ("BURGER", "FRIES"), ("BURGER", "FRIES")):
        order(client, *skus)
    reader = BoughtTogetherReader(window=2)
    with hub.uow_factory() as uow:
        learned = reader.refresh(uow.order_baskets)
    assert len(learned) == 2 and learned.together_with(["BURGER"]) == Counter({"FRIES": 2})
    order(client, "BURGER", "COLA")
    with hub.uow_factory() as uow:
        assert reader.refresh(uow.order_baskets).together_with(["BURGER"]) == Counter({"FRIES": 1, "COLA": 1})
