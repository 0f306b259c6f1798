"""Held baskets: the counter parks a basket, lists what is parked, and recalls each one exactly once."""

from __future__ import annotations

from tests.support.staff import sign_in

BASKET = {"lines": [{"sku": "LATTE-M", "qty": 2, "modifiers": ["OAT"]}], "discounts": [], "note": "back in 5"}


def test_a_held_basket_comes_back_as_it_was_once_and_then_is_gone(client, hub):
    token = sign_in(client, hub)
    held = client.post("/api/v1/held-baskets", json={"device_id": "counter-1", "label": "blue jacket", "basket": BASKET},
                       headers={"Authorization": f"Bearer {token}"})
    assert held.status_code == 201
    held_id = held.get_json()["held_id"]
    listed = client.get("/api/v1/held-baskets?device_id=counter-1").get_json()["held"]
    assert [(h["held_id"], h["label"], h["staff_id"]) for h in listed] == [(held_id, "blue jacket", "staff-sam")]
    assert client.get("/api/v1/held-baskets?device_id=counter-2").get_json()["held"] == []
    recalled = client.post(f"/api/v1/held-baskets/{held_id}/recall")
    assert recalled.status_code == 200 and recalled.get_json()["basket"] == BASKET
    assert client.get("/api/v1/held-baskets").get_json()["held"] == []
    again = client.post(f"/api/v1/held-baskets/{held_id}/recall")
    assert (again.status_code, again.get_json()["code"]) == (404, "not_found")
    assert "recalled already" in again.get_json()["message"]


def test_baskets_are_listed_oldest_first_across_tills(client):
    for till, label in (("counter-1", "first"), ("counter-2", "second"), ("counter-1", "third")):
        assert client.post("/api/v1/held-baskets", json={"device_id": till, "label": label, "basket": {}}).status_code == 201
    assert [h["label"] for h in client.get("/api/v1/held-baskets").get_json()["held"]] == ["first", "second", "third"]


def test_a_basket_needs_a_label_and_a_dead_session_is_refused(client, hub):
    no_label = client.post("/api/v1/held-baskets", json={"device_id": "counter-1", "label": "", "basket": {}})
    assert (no_label.status_code, no_label.get_json()["field"]) == (422, "label")
    stale = client.post("/api/v1/held-baskets", json={"device_id": "counter-1", "label": "x", "basket": {}},
                        headers={"Authorization": "Bearer not-a-session"})
    assert (stale.status_code, stale.get_json()["code"]) == (401, "not_signed_in")
    assert client.get("/api/v1/held-baskets").get_json()["held"] == []
