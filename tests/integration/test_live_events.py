"""Screens connected over Socket.IO hear about new orders at once."""

from __future__ import annotations

from hub.domain.access import Role
from hub.entrypoints.web.app import LIVE_NAMESPACE
from tests.support.devices import order_data
from tests.support.identities import screen_client, screen_socket


def test_new_order_is_announced_to_connected_screens(app, client):
    screen = screen_socket(app, LIVE_NAMESPACE)
    assert screen.is_connected(LIVE_NAMESPACE)
    created = client.post("/api/v1/orders", json=order_data()).get_json()
    client.post("/api/v1/orders", json={**order_data(), "order_id": created["order_id"]})  # a repeat: no new event
    events = [e for e in screen.get_received(LIVE_NAMESPACE) if e["name"] == "order.accepted"]
    assert [e["args"][0] for e in events] == [{"order_id": created["order_id"], "number": "A001"}]


def test_a_kiosk_hears_what_is_sold_out_but_not_every_order_while_a_counter_hears_both(app, client):
    kiosk = screen_socket(app, LIVE_NAMESPACE, screen_client(app, "kiosk-1", Role.KIOSK))
    counter = screen_socket(app, LIVE_NAMESPACE, screen_client(app, "counter-1", Role.COUNTER))
    kiosk.get_received(LIVE_NAMESPACE), counter.get_received(LIVE_NAMESPACE)  # the snapshots on connecting

    created = client.post("/api/v1/orders", json=order_data()).get_json()
    client.put("/api/v1/items/CROISSANT/sold-out", json={"sold_out": True})

    heard_by_kiosk = [e["name"] for e in kiosk.get_received(LIVE_NAMESPACE)]
    heard_by_counter = {e["name"]: e["args"][0] for e in counter.get_received(LIVE_NAMESPACE)}
    assert heard_by_kiosk == ["availability"]
    assert heard_by_counter["order.accepted"] == {"order_id": created["order_id"], "number": "A001"}
    assert "availability" in heard_by_counter
