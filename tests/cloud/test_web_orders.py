"""The web shop's pickup orders: placed at HQ, on the store's feed, moved on by the store, status back at HQ."""

from __future__ import annotations

from tests.support.cloud import Hq, at, web_order


def status(event_id: str, order_id: str, value: str, minutes: int) -> dict:
    return {"kind": "pickup_status", "id": event_id, "order_id": order_id, "status": value, "at": at(minutes)}


def place(hq: Hq, body: dict):
    return hq.client.post("/api/v1/web-orders", json=body, headers=hq.admin())


def test_a_web_order_reaches_only_its_stores_feed_with_its_payment_state(hq: Hq):
    berlin, hamburg = hq.enrol("berlin"), hq.enrol("hamburg")
    placed = place(hq, web_order())
    assert placed.status_code == 201 and placed.json["status"] == "placed"
    changes = hq.read_all("berlin", "web_orders", berlin)
    assert [(c["kind"], c["key"]) for c in changes] == [("web_order", "W-1")]
    body = changes[0]["body"]
    assert (body["payment"], body["customer"]["name"], body["total"]["amount"], body["status"]) == (
        "paid", "Ada L.", 900, "placed")
    assert hq.read_all("hamburg", "web_orders", hamburg) == []


def test_placing_the_same_web_order_again_is_one_order_and_other_content_is_refused(hq: Hq):
    berlin = hq.enrol("berlin")
    assert place(hq, web_order()).status_code == 201
    assert place(hq, web_order()).status_code == 200
    refused = place(hq, web_order(payment="unpaid"))
    assert refused.status_code == 409 and refused.json["code"] == "web_order_exists"
    assert len(hq.read_all("berlin", "web_orders", berlin)) == 1
    wrong_store = place(hq, web_order("W-2", store="atlantis"))
    assert wrong_store.status_code == 422 and wrong_store.json["field"] == "store"
    preset = place(hq, web_order("W-3", status="ready"))
    assert preset.status_code == 422 and preset.json["field"] == "status"


def test_the_stores_status_flows_back_to_hq_in_order_and_never_backwards(hq: Hq):
    berlin = hq.enrol("berlin")
    place(hq, web_order())
    moves = [status("s-1", "W-1", "accepted", 1), status("s-2", "W-1", "ready", 9)]
    assert [r["outcome"] for r in hq.post_events("berlin", berlin, moves).json["results"]] == ["committed"] * 2
    back = hq.post_events("berlin", berlin, [status("s-3", "W-1", "accepted", 10)]).json["results"][0]
    assert (back["outcome"], back["code"], back["field"]) == ("refused", "status_not_allowed", "status")
    hq.post_events("berlin", berlin, [status("s-4", "W-1", "collected", 12)])

    view = hq.client.get("/api/v1/web-orders/W-1", headers=hq.admin()).json
    assert view["status"] == "collected"
    assert [(h["status"], h["event_id"]) for h in view["history"]] == [
        ("accepted", "s-1"), ("ready", "s-2"), ("collected", "s-4")]
    assert len(hq.read_all("berlin", "web_orders", berlin)) == 1, "the store's own moves are not echoed to it"


def test_a_store_cannot_move_another_stores_web_order(hq: Hq):
    hq.enrol("berlin")
    hamburg = hq.enrol("hamburg")
    place(hq, web_order())
    result = hq.post_events("hamburg", hamburg, [status("s-1", "W-1", "ready", 1)]).json["results"][0]
    assert (result["code"], result["field"]) == ("web_order_unknown", "order_id")


def test_hq_cancels_a_web_order_the_customer_called_off_and_the_store_reads_it(hq: Hq):
    berlin = hq.enrol("berlin")
    place(hq, web_order("W-1"))
    place(hq, web_order("W-2"))
    hq.post_events("berlin", berlin, [status("s-1", "W-1", "ready", 1), status("s-2", "W-2", "collected", 2)])
    cancelled = hq.client.post("/api/v1/web-orders/W-1/cancel", headers=hq.admin())
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    too_late = hq.client.post("/api/v1/web-orders/W-2/cancel", headers=hq.admin())
    assert too_late.status_code == 422 and too_late.json["code"] == "status_not_allowed"
    changes = hq.read_all("berlin", "web_orders", berlin)
    assert [(c["key"], c["body"]["status"]) for c in changes] == [("W-1", "placed"), ("W-2", "placed"),
                                                                   ("W-1", "cancelled")]
    late = hq.post_events("berlin", berlin, [status("s-3", "W-1", "collected", 5)]).json["results"][0]
    assert late["code"] == "status_not_allowed"


def test_a_store_token_cannot_place_web_orders(hq: Hq):
    berlin = hq.enrol("berlin")
    assert hq.client.post("/api/v1/web-orders", json=web_order(), headers=berlin).status_code == 403
