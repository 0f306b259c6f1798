"""Remote orders a cashier accepts with a quoted time, or rejects; the sender is told over MQTT."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from hub.bootstrap import bootstrap
from hub.contracts.displays import NAMESPACE
from hub.entrypoints.web.app import LIVE_NAMESPACE, create_app
from tests.conftest import make_settings, prepare_database, start_hub
from tests.support.devices import TestDevice, order_data
from tests.support.identities import owner_client, screen_socket
from tests.support.mosquitto import device_urls

CONFIRM = '[counter]\nremote_orders = "confirm"\nquote_step_minutes = 5\n'
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)


def burger(**overrides) -> dict:
    """An app order of one burger (8 minutes on the grill) for pickup."""
    return order_data(**{"origin": "app", "fulfilment": "pickup", "lines": [{"sku": "BURGER", "qty": 1}], **overrides})


@pytest.fixture
def counter(settings):
    """A hub that holds remote orders for a cashier, on a fixed clock; yields (hub, app, client)."""
    (settings.data_dir / "frontdesk.toml").write_text(CONFIRM)
    hub = bootstrap(settings, clock=lambda: NOW)
    app = create_app(hub=hub)
    app.config["TESTING"] = True
    yield hub, app, owner_client(app)
    hub.stop()


@pytest.fixture
def mqtt_store(tmp_path):
    """A running hub with its supervised broker that holds remote orders; yields (hub, client, app device)."""
    settings = make_settings(tmp_path, broker_host="127.0.0.1", broker_port="0")
    prepare_database(settings)
    (settings.data_dir / "frontdesk.toml").write_text(CONFIRM)
    hub, app = start_hub(settings)
    device = TestDevice(device_urls(hub)("app-gateway", "gateway"), settings.store, "app-gateway")
    yield hub, owner_client(app), device
    device.close()
    hub.stop()


def test_a_remote_order_waits_in_the_incoming_list_with_a_quote_from_the_kitchens_load(counter):
    hub, app, client = counter
    first = client.post("/api/v1/orders", json=burger(customer={"name": "Lee", "phone": "+49 171 555"}))
    assert first.status_code == 201, first.json
    assert (first.json["status"], first.json["hold"]) == ("received", "confirmation")
    [listed] = client.get("/api/v1/incoming").json["orders"]
    assert {k: listed[k] for k in ("number", "origin", "fulfilment", "suggested_minutes", "suggested_ready_at")} == {
        "number": "A001", "origin": "app", "fulfilment": "pickup", "suggested_minutes": 10,
        "suggested_ready_at": "2026-11-22T12:10:00Z"}
    assert listed["lines"] == [{"sku": "BURGER", "name": "Cheeseburger", "qty": 1, "modifiers": ["Well done"],
                               "modifier_codes": ["WELL"], "note": None}]  # codes: a till names them in its language
    assert listed["customer"] == {"loyalty_id": None, "name": "Lee", "phone": "+49 171 555"}
    assert listed["total"]["amount"] == first.json["total"]["amount"]
    # A counter burger already on the grill: the next remote one waits behind it.
    walk_in = client.post("/api/v1/orders", json=order_data(origin="counter", lines=[{"sku": "BURGER", "qty": 1}]))
    assert walk_in.json["status"] == "accepted"
    second = client.post("/api/v1/orders", json=burger()).json
    listed = client.get("/api/v1/incoming").json["orders"]
    assert [(o["number"], o["suggested_minutes"]) for o in listed] == [("A001", 20), ("A003", 20)]
    assert listed[1]["order_id"] == second["order_id"]
    assert client.get("/api/v1/queue").json["orders"][0]["number"] == "A002"


def test_a_requested_later_time_is_what_gets_suggested(counter):
    hub, app, client = counter
    client.post("/api/v1/orders", json=burger(promised_at="2026-11-22T13:00:00Z"))
    [listed] = client.get("/api/v1/incoming").json["orders"]
    assert (listed["suggested_minutes"], listed["suggested_ready_at"]) == (60, "2026-11-22T13:00:00Z")


def test_confirming_sends_it_to_the_kitchen_with_the_quoted_time_and_updates_every_counter(counter):
    hub, app, client = counter
    live = screen_socket(app, LIVE_NAMESPACE)
    order = client.post("/api/v1/orders", json=burger()).json
    kds = screen_socket(app, NAMESPACE)
    assert kds.emit("join", {"view": "kds:grill"}, namespace=NAMESPACE, callback=True)["cards"] == []
    reply = client.post(f"/api/v1/orders/{order['order_id']}/confirm", json={"minutes": 25})
    assert reply.status_code == 200, reply.json
    assert (reply.json["status"], reply.json["hold"], reply.json["promised_at"], reply.json["quoted_at"]) == (
        "accepted", None, "2026-11-22T12:25:00Z", "2026-11-22T12:00:00Z")
    assert client.get("/api/v1/incoming").json["orders"] == []
    assert [o["number"] for o in client.get("/api/v1/queue").json["orders"]] == ["A001"]
    snapshot = kds.emit("join", {"view": "kds:grill"}, namespace=NAMESPACE, callback=True)
    assert [(c["number"], c["promised_at"]) for c in snapshot["cards"]] == [("A001", "2026-11-22T12:25:00+00:00")]
    names = [e["name"] for e in live.get_received(LIVE_NAMESPACE)]
    assert names.count("incoming.changed") == 2 and "order.accepted" in names  # once on arrival, once on confirm
    again = client.post(f"/api/v1/orders/{order['order_id']}/confirm", json={"minutes": 25})
    assert (again.status_code, again.json["code"]) == (409, "not_held")


def test_a_quote_must_be_one_time_in_the_future(counter):
    hub, app, client = counter
    order = client.post("/api/v1/orders", json=burger()).json
    url = f"/api/v1/orders/{order['order_id']}/confirm"
    for body, field in (({}, "ready_at"), ({"minutes": 5, "ready_at": "2026-11-22T12:30:00Z"}, "ready_at"),
                        ({"ready_at": "2026-11-22T11:00:00Z"}, "ready_at"), ({"ready_at": "soon"}, "ready_at"),
                        ({"minutes": -5}, "minutes"), ({"minutes": "5"}, "minutes")):
        reply = client.post(url, json=body)
        assert (reply.status_code, reply.json["code"], reply.json["field"]) == (422, "invalid_quote", field), body
    reply = client.post(url, json={"ready_at": "2026-11-22T12:40:00+00:00"})
    assert reply.json["promised_at"] == "2026-11-22T12:40:00Z"


def test_rejecting_needs_a_reason_cancels_it_and_releases_its_stock(counter):
    hub, app, client = counter
    stock = lambda: client.get("/api/v1/availability").json["stock"]["BEANS-DECAF-250"]["app"]  # noqa: E731
    before = stock()
    order = client.post("/api/v1/orders", json=order_data(origin="web", fulfilment="ship",
                                                          lines=[{"sku": "BEANS-DECAF-250", "qty": 1}])).json
    assert stock() == before - 1
    no_reason = client.post(f"/api/v1/orders/{order['order_id']}/reject", json={"reason": "  "})
    assert (no_reason.status_code, no_reason.json["code"], no_reason.json["field"]) == (422, "reason_required", "reason")
    reply = client.post(f"/api/v1/orders/{order['order_id']}/reject", json={"reason": "Out of decaf today"})
    assert reply.status_code == 200, reply.json
    assert (reply.json["status"], reply.json["rejection"]) == ("cancelled", "Out of decaf today")
    assert stock() == before
    assert client.get("/api/v1/incoming").json["orders"] == []


def test_a_kiosk_or_counter_order_is_never_held_for_confirmation(counter):
    hub, app, client = counter
    for origin in ("kiosk", "counter"):
        assert client.post("/api/v1/orders", json=order_data(origin=origin)).json["status"] == "accepted"
    assert client.get("/api/v1/incoming").json["orders"] == []


def test_the_sender_hears_received_then_accepted_with_the_promised_time(mqtt_store):
    hub, client, device = mqtt_store
    sent = device.submit(burger())
    first = device.reply()
    assert (first["type"], first["re"], first["data"]["status"], first["data"]["hold"]) == (
        "order.accepted", sent["id"], "received", "confirmation")
    order_id = sent["data"]["order_id"]
    ready_at = (datetime.now(timezone.utc) + timedelta(minutes=30)).replace(microsecond=0)
    reply = client.post(f"/api/v1/orders/{order_id}/confirm", json={"ready_at": ready_at.isoformat()})
    assert reply.status_code == 200, reply.json
    told = device.reply()
    assert (told["type"], told.get("re"), told["data"]["status"], told["data"]["hold"]) == (
        "order.accepted", None, "accepted", None)
    assert told["data"]["number"] == first["data"]["number"]
    assert told["data"]["promised_at"] == ready_at.isoformat().replace("+00:00", "Z")


def test_the_sender_hears_why_its_order_was_rejected(mqtt_store):
    hub, client, device = mqtt_store
    sent = device.submit(burger(origin="marketplace", fulfilment="delivery"))
    first = device.reply()
    order_id = sent["data"]["order_id"]
    reply = client.post(f"/api/v1/orders/{order_id}/reject", json={"reason": "Grill is down"})
    assert reply.status_code == 200, reply.json
    told = device.reply()
    assert told["type"] == "order.rejected"
    assert told["data"] == {"order_id": order_id, "number": first["data"]["number"], "reason": "Grill is down"}
    # The same order sent again (a retry) is answered with what it is now.
    device.submit(sent["data"])
    assert device.reply()["data"]["status"] == "cancelled"


def test_an_order_waiting_for_its_payment_is_not_the_cashiers_to_confirm(counter):
    hub, app, client = counter
    order = client.post("/api/v1/orders", json=order_data(release="when_paid")).json
    assert order["hold"] == "payment"
    for action, body in (("confirm", {"minutes": 5}), ("reject", {"reason": "no"})):
        reply = client.post(f"/api/v1/orders/{order['order_id']}/{action}", json=body)
        assert (reply.status_code, reply.json["code"]) == (409, "not_waiting_for_confirmation")
    assert client.get(f"/api/v1/orders/{order['order_id']}").json["status"] == "received"
