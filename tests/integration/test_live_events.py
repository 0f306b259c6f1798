"""Screens connected over Socket.IO hear about new orders at once."""

from __future__ import annotations

from hub.entrypoints.web.app import LIVE_NAMESPACE
from tests.support.devices import order_data
from tests.support.identities import screen_socket


def test_new_order_is_announced_to_connected_screens(app, client):
    screen = screen_socket(app, LIVE_NAMESPACE)
    assert screen.is_connected(LIVE_NAMESPACE)
    created = client.post("/api/v1/orders", json=order_data()).get_json()
    client.post("/api/v1/orders", json={**order_data(), "order_id": created["order_id"]})  # a repeat: no new event
    events = [e for e in screen.get_received(LIVE_NAMESPACE) if e["name"] == "order.accepted"]
    assert [e["args"][0] for e in events] == [{"order_id": created["order_id"], "number": "A001"}]
