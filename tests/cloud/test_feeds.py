"""Feeds by cursor: every change once, in order, page by page, and only what the store may see."""

from __future__ import annotations

import pytest

from cloud.contracts import Feed
from tests.support.cloud import Hq, web_order

CATEGORY = {"code": "coffee", "names": {"en": "Coffee", "de": "Kaffee"}}


def item(sku: str, name: str = "Latte") -> dict:
    return {"sku": sku, "names": {"en": name, "de": name}, "category": "coffee", "tax_code": "food",
            "station": "bar", "prep_seconds": 90, "allergens": ["milk"],
            "variants": [{"sku": f"{sku}-L", "names": {"en": "large", "de": "groß"}, "variant": {"size": "L"}}],
            "modifier_groups": ["milk"], "images": [{"url": "/img/latte.jpg", "alt": {"en": "a latte"}}]}


def promotion(code: str, stores: list[str] | None) -> dict:
    return {"code": code, "names": {"en": "Happy hour"}, "stores": stores,
            "starts_at": "2026-12-01T00:00:00+00:00", "ends_at": "2027-01-01T00:00:00+00:00",
            "rule": {"id": code, "name": "Happy hour", "kind": "percent", "value": 1000, "scope": "item",
                     "targets": ["LATTE"], "windows": [{"days": ["mon", "tue", "wed", "thu", "fri"],
                                                        "start": "15:00", "end": "17:00"}]}}


def fill_every_feed(hq: Hq) -> dict[str, list[str]]:
    """Make five changes in every feed; return the keys each feed must show, in order."""
    hq.put("categories", CATEGORY)
    hq.put("modifier_groups", {"code": "milk", "names": {"en": "Milk"}, "max_choices": 1,
                               "modifiers": [{"code": "OAT", "names": {"en": "Oat", "de": "Hafer"}, "price_delta": 50}]})
    for n in range(2):
        hq.put("items", item(f"SKU{n}"))
    hq.put("bundles", {"sku": "BREAKFAST", "names": {"en": "Breakfast"}, "category": "coffee",
                       "parts": [{"sku": "SKU0"}, {"sku": "SKU1", "qty": 2}]})
    for n in range(5):
        hq.put("prices", {"sku": f"SKU{n}", "price": {"amount": 300 + n, "currency": "EUR"}})
        hq.put("promotions", promotion(f"P{n}", None))
        hq.put("taxes", {"jurisdiction": "DE", "tax_code": f"t{n}", "rate_bp": 700 + n})
    for n in range(3):
        hq.put("tiers", {"code": f"tier{n}", "names": {"en": f"Tier {n}"}, "threshold": n * 100})
    for n in range(2):
        hq.put("members", {"member_id": f"M{n}", "name": f"Member {n}"})
    for n in range(5):  # the store must exist: a web order is placed for pickup at it
        reply = hq.client.post("/api/v1/web-orders", headers=hq.admin(), json=web_order(f"W{n}"))
        assert reply.status_code == 201, reply.json
    return {
        "catalog": ["coffee", "milk", "SKU0", "SKU1", "BREAKFAST"],
        "prices": [f"SKU{n}|*|*" for n in range(5)],
        "promotions": [f"P{n}" for n in range(5)],
        "taxes": [f"DE|t{n}" for n in range(5)],
        "loyalty": ["tier0", "tier1", "tier2", "M0", "M1"],
        "web_orders": [f"W{n}" for n in range(5)],
    }


@pytest.mark.parametrize("page_size", [1, 2, 200])
def test_every_feed_pages_by_cursor_with_each_change_once_in_order(hq: Hq, page_size: int):
    store = hq.enrol("berlin")
    expected = fill_every_feed(hq)
    assert set(expected) == set(Feed.__members__)
    for feed, keys in expected.items():
        changes = hq.read_all("berlin", feed, store, limit=page_size)
        assert [change["key"] for change in changes] == keys, feed
        cursors = [int(change["cursor"]) for change in changes]
        assert cursors == sorted(set(cursors)), f"{feed}: cursors must grow"


def test_a_page_says_more_until_the_last_and_resuming_gives_only_what_is_new(hq: Hq):
    store = hq.enrol("berlin")
    fill_every_feed(hq)
    first = hq.feed("berlin", "prices", store, limit=3).json
    assert [c["key"] for c in first["changes"]] == ["SKU0|*|*", "SKU1|*|*", "SKU2|*|*"] and first["more"] is True
    second = hq.feed("berlin", "prices", store, after=first["next_cursor"], limit=3).json
    assert [c["key"] for c in second["changes"]] == ["SKU3|*|*", "SKU4|*|*"] and second["more"] is False
    idle = hq.feed("berlin", "prices", store, after=second["next_cursor"]).json
    assert idle["changes"] == [] and idle["next_cursor"] == second["next_cursor"] and idle["more"] is False

    hq.put("prices", {"sku": "SKU1", "price": {"amount": 999, "currency": "EUR"}})
    news = hq.feed("berlin", "prices", store, after=second["next_cursor"]).json["changes"]
    assert [(c["key"], c["body"]["price"]["amount"]) for c in news] == [("SKU1|*|*", 999)]


def test_a_change_carries_the_object_and_a_deletion_says_so(hq: Hq):
    store = hq.enrol("berlin")
    hq.put("categories", CATEGORY)
    hq.put("items", item("LATTE"))
    hq.delete("items", "LATTE")
    changes = hq.read_all("berlin", "catalog", store)
    assert [(c["kind"], c["key"], c["deleted"]) for c in changes] == [
        ("category", "coffee", False), ("item", "LATTE", False), ("item", "LATTE", True)]
    assert changes[1]["body"]["names"] == {"en": "Latte", "de": "Latte"}
    assert changes[1]["body"]["variants"][0]["sku"] == "LATTE-L"
    assert changes[1]["body"]["images"][0]["alt"] == {"en": "a latte"}
    assert changes[2]["body"] is None


def test_a_store_sees_chain_prices_and_its_own_but_not_another_stores(hq: Hq):
    berlin, hamburg = hq.enrol("berlin"), hq.enrol("hamburg")
    hq.put("prices", {"sku": "LATTE", "price": {"amount": 450, "currency": "EUR"}})
    hq.put("prices", {"sku": "LATTE", "store": "berlin", "channel": "web", "price": {"amount": 420, "currency": "EUR"}})
    hq.put("prices", {"sku": "LATTE", "store": "hamburg", "price": {"amount": 480, "currency": "EUR"}})
    seen = {store: [(c["key"], c["body"]["price"]["amount"]) for c in hq.read_all(store, "prices", headers)]
            for store, headers in (("berlin", berlin), ("hamburg", hamburg))}
    assert seen == {"berlin": [("LATTE|*|*", 450), ("LATTE|berlin|web", 420)],
                    "hamburg": [("LATTE|*|*", 450), ("LATTE|hamburg|*", 480)]}


def test_a_promotion_reaches_the_stores_in_its_scope_and_leaves_those_dropped_from_it(hq: Hq):
    berlin, hamburg, munich = hq.enrol("berlin"), hq.enrol("hamburg"), hq.enrol("munich")
    hq.put("promotions", promotion("HAPPY", None))
    hq.put("promotions", promotion("HAPPY", ["berlin", "hamburg"]))
    hq.put("promotions", promotion("HAPPY", ["berlin"]))

    def final_state(store: str, headers: dict) -> dict:
        state: dict = {}
        for change in hq.read_all(store, "promotions", headers):
            state.pop(change["key"], None) if change["deleted"] else state.update({change["key"]: change["body"]})
        return state

    assert final_state("berlin", berlin)["HAPPY"]["stores"] == ["berlin"]
    assert final_state("hamburg", hamburg) == {}
    assert final_state("munich", munich) == {}


def test_a_store_reads_the_tax_rates_of_its_own_jurisdiction(hq: Hq):
    berlin, vienna = hq.enrol("berlin", jurisdiction="DE"), hq.enrol("vienna", jurisdiction="AT")
    hq.put("taxes", {"jurisdiction": "DE", "tax_code": "food", "rate_bp": 700})
    hq.put("taxes", {"jurisdiction": "AT", "tax_code": "food", "rate_bp": 1000})
    assert [c["body"]["rate_bp"] for c in hq.read_all("berlin", "taxes", berlin)] == [700]
    assert [c["body"]["rate_bp"] for c in hq.read_all("vienna", "taxes", vienna)] == [1000]


def test_a_cursor_that_is_not_one_is_refused_naming_it(hq: Hq):
    store = hq.enrol("berlin")
    reply = hq.feed("berlin", "catalog", store, after="yesterday")
    assert reply.status_code == 400 and reply.json["code"] == "invalid_cursor" and reply.json["field"] == "after"
    reply = hq.feed("berlin", "catalog", store, limit=0)
    assert reply.status_code == 400 and reply.json["field"] == "limit"
    reply = hq.feed("berlin", "gossip", store)
    assert reply.status_code == 404 and reply.json["code"] == "unknown_feed"


def test_an_invalid_object_is_refused_naming_the_field(hq: Hq):
    reply = hq.client.put("/api/v1/hq/prices", json={"sku": "LATTE", "price": {"amount": 450, "currency": "euro"}},
                          headers=hq.admin())
    assert reply.status_code == 422
    assert reply.json["field"] == "price.currency" and "price.currency" in reply.json["message"]


def test_a_promotion_carries_the_hubs_own_rule_and_a_mismatched_one_is_refused(hq: Hq):
    store = hq.enrol("berlin")
    hq.put("promotions", promotion("HAPPY", None))
    rule = hq.read_all("berlin", "promotions", store)[0]["body"]["rule"]
    assert (rule["kind"], rule["value"], rule["windows"][0]["start"], rule["stackable"]) == ("percent", 1000, "15:00", True)
    wrong = promotion("HAPPY", None)
    wrong["rule"]["id"] = "OTHER"
    reply = hq.client.put("/api/v1/hq/promotions", json=wrong, headers=hq.admin())
    assert reply.status_code == 422 and "rule.id must be the promotion's code" in reply.json["message"]
    bad_day = promotion("HAPPY", None)
    bad_day["rule"]["windows"][0]["days"] = ["someday"]
    reply = hq.client.put("/api/v1/hq/promotions", json=bad_day, headers=hq.admin())
    assert reply.status_code == 422 and reply.json["field"] == "rule.windows[0].days"
