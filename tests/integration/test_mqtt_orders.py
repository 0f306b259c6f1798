"""Order intake over MQTT: a Mosquitto of the store's own and the one the hub supervises, the same tests on both."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from hub.contracts import topics
from hub.entrypoints.catalog_import import import_catalog
from tests.conftest import make_settings, prepare_database, require_mosquitto, start_hub
from tests.support.devices import TestDevice, order_data
from tests.support.identities import owner_client
from tests.support.mosquitto import dev_broker, device_urls


@pytest.fixture(params=["mosquitto", "supervised"])
def store(request, tmp_path):
    """A running hub with messaging on either broker; yields (hub, device urls, web client).

    Device urls: the anonymous broker's URL, or a DeviceUrls making each device's own login."""
    broker = None
    if request.param == "mosquitto":
        require_mosquitto()
        broker = dev_broker(tmp_path / "mosquitto")
        broker.start()
        settings = make_settings(tmp_path, mqtt_url=broker.url)
    else:
        settings = make_settings(tmp_path, broker_host="127.0.0.1", broker_port="0")
    prepare_database(settings)
    hub, app = start_hub(settings)
    url = broker.url if broker else device_urls(hub)
    yield hub, url, owner_client(app)
    hub.stop()
    if broker:
        broker.stop()


@pytest.fixture
def kiosk(store):
    hub, url, _ = store
    url = url if broker_is_anonymous(url) else url.observer("kiosk-1")  # it watches the hub's dead letters too
    device = TestDevice(url, hub.settings.store, "kiosk-1", extra_topics=(topics.deadletter(hub.settings.store),))
    yield device
    device.close()


def test_order_over_mqtt_is_accepted_with_number_total_and_tickets(store, kiosk):
    sent = kiosk.submit(order_data())
    reply = kiosk.reply()
    assert reply["type"] == "order.accepted"
    assert reply["re"] == sent["id"]
    assert reply["data"]["number"] == "A001"
    assert reply["data"]["status"] == "accepted"
    assert reply["data"]["total"] == {"amount": 900, "currency": "EUR"}
    assert [t["station"] for t in reply["data"]["tickets"]] == ["bar"]
    _, _, client = store
    stored = client.get(f"/api/v1/orders/{sent['data']['order_id']}").get_json()
    assert stored["source"] == "kiosk-1"


def test_same_order_sent_twice_is_one_order_with_one_number(store, kiosk):
    data = order_data()
    first = kiosk.submit(data)
    first_reply = kiosk.reply()
    second = kiosk.submit(data)
    second_reply = kiosk.reply()
    assert second_reply["re"] == second["id"] != first["id"]
    assert second_reply["data"] == first_reply["data"]
    _, _, client = store
    assert len(client.get("/api/v1/queue").get_json()["orders"]) == 1


def test_same_order_id_with_other_content_is_a_conflict(kiosk):
    data = order_data()
    kiosk.submit(data)
    kiosk.reply()
    kiosk.submit({**data, "fulfilment": "dine_in"})
    reply = kiosk.reply()
    assert reply["type"] == "error"
    assert reply["data"]["code"] == "conflict"
    assert reply["data"]["field"] == "order_id"


def test_payload_that_is_not_json_gets_an_error_and_a_deadletter_copy(kiosk):
    kiosk.send_raw(b"\xff\xfe not json")
    reply = kiosk.reply()
    assert reply["type"] == "error"
    assert reply["re"] is None
    assert reply["data"]["code"] == "invalid_json"
    deadletter = _next_on(kiosk, "/hub/deadletter")
    assert deadletter["data"]["error"]["code"] == "invalid_json"
    assert deadletter["data"]["topic"].endswith("/device/kiosk-1/out/order")


def test_envelope_without_type_names_the_field_and_keeps_the_id(kiosk):
    message_id = str(uuid.uuid4())
    kiosk.send_raw(json.dumps({"v": 1, "id": message_id, "at": "2026-11-22T12:00:00Z", "data": order_data()}))
    reply = kiosk.reply()
    assert reply["re"] == message_id
    assert reply["data"] == {"code": "invalid_payload", "message": "type is required", "field": "type"}


def test_bad_quantity_names_the_field(kiosk):
    kiosk.submit(order_data(lines=[{"sku": "LATTE-M", "qty": 0}]))
    assert kiosk.reply()["data"] == {
        "code": "invalid_payload",
        "message": "lines[0].qty must be between 1 and 99",
        "field": "lines[0].qty",
    }


def test_unknown_sku_and_modifier_are_refused_by_name(kiosk):
    kiosk.submit(order_data(lines=[{"sku": "NOPE", "qty": 1}]))
    reply = kiosk.reply()["data"]
    assert (reply["code"], reply["field"]) == ("unknown_sku", "lines[0].sku")
    assert "NOPE" in reply["message"]
    kiosk.submit(order_data(lines=[{"sku": "LATTE-M", "qty": 1, "modifiers": ["OAT", "GOLD"]}]))
    reply = kiosk.reply()["data"]
    assert (reply["code"], reply["field"]) == ("unknown_modifier", "lines[0].modifiers[1]")


def test_sold_out_item_is_refused_as_unavailable(store, kiosk, tmp_path):
    hub, _, _ = store
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps({"currency": "EUR", "items": [
        {"sku": "COOKIE", "name": "Cookie", "price": 220, "tax_rate_bp": 700, "station": "pastry",
         "prep_seconds": 20, "available": False}]}))
    import_catalog(hub.settings, catalog)
    kiosk.submit(order_data(lines=[{"sku": "COOKIE", "qty": 1}]))
    reply = kiosk.reply()["data"]
    assert (reply["code"], reply["field"]) == ("unavailable", "lines[0].sku")
    assert "Cookie" in reply["message"]


def test_garbage_never_stops_the_hub(kiosk):
    for payload in (b"", b"null", b"[]", b'{"v": 2}', b'{"v":1,"id":"x"}', b"\x00" * 1000, json.dumps({"deep": [[[[[]]]]]})):
        kiosk.send_raw(payload)
    kiosk.send_raw(json.dumps({"v": 1}), kind="event")  # not an envelope, on the device-event topic
    kiosk.send_raw(json.dumps({"v": 1}), kind="unknown")  # a topic the hub has no handler for: ignored
    for _ in range(8):
        assert kiosk.reply()["type"] == "error"
    kiosk.submit(order_data())
    assert kiosk.reply()["type"] == "order.accepted"


def test_devices_show_online_and_offline_from_their_retained_status(store):
    hub, url, client = store
    printer = TestDevice(url, hub.settings.store, "printer-1")
    status = {"v": 1, "id": str(uuid.uuid4()), "type": "device.status", "at": "2026-11-22T12:00:00Z",
              "data": {"state": "online", "kind": "printer", "health": {"paper": "low"}}}
    printer.client.publish(topics.device_status(hub.settings.store, "printer-1"), json.dumps(status), qos=1, retain=True)
    device = _wait_for_device(client, "printer-1", online=True)
    assert device["kind"] == "printer"
    assert device["health"] == {"paper": "low"}
    status["data"] = {"state": "offline", "error": "cover open"}
    printer.client.publish(topics.device_status(hub.settings.store, "printer-1"), json.dumps(status), qos=1, retain=True)
    assert _wait_for_device(client, "printer-1", online=False)["error"] == "cover open"
    printer.close()


def test_hub_status_is_retained_online_then_offline_when_it_stops(store):
    hub, url, _ = store
    url = url if broker_is_anonymous(url) else url.observer("watcher")
    watcher = TestDevice(url, hub.settings.store, "watcher", extra_topics=(topics.hub_status(hub.settings.store),))
    topic, payload = watcher.received.get(timeout=10)
    assert topic == topics.hub_status(hub.settings.store)
    assert json.loads(payload)["data"]["state"] == "online"
    hub.connection.stop()
    topic, payload = watcher.received.get(timeout=10)
    assert json.loads(payload)["data"]["state"] == "offline"
    watcher.close()


def broker_is_anonymous(url) -> bool:
    return isinstance(url, str)


def _next_on(device: TestDevice, suffix: str, timeout: float = 10) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        topic, payload = device.received.get(timeout=max(0.01, deadline - time.monotonic()))
        if topic.endswith(suffix):
            return json.loads(payload)
    raise AssertionError(f"nothing on {suffix}")


def _wait_for_device(client, device_id: str, *, online: bool, timeout: float = 10) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for device in client.get("/api/v1/devices").get_json()["devices"]:
            if device["device_id"] == device_id and device["online"] is online:
                return device
        time.sleep(0.05)
    raise AssertionError(f"{device_id} never showed online={online}")


def test_order_waits_unacknowledged_while_the_database_refuses_and_is_taken_after(store, kiosk):
    from tests.support.failing_database import refusing_inserts

    hub, _, client = store
    with refusing_inserts(hub.engine, "tickets", "disk full"):
        sent = kiosk.submit(order_data())
        with pytest.raises(AssertionError, match="no reply"):
            kiosk.reply(timeout=1.5)
    reply = kiosk.reply(timeout=10)
    assert (reply["type"], reply["re"], reply["data"]["number"]) == ("order.accepted", sent["id"], "A001")
    assert client.get(f"/api/v1/orders/{sent['data']['order_id']}").status_code == 200
