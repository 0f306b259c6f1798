"""Stock per location: reserve on accept, release on cancel, consume on complete, 86, availability."""

from __future__ import annotations

import json
import time

from hub.contracts import topics
from hub.entrypoints.web.app import create_app
from tests.conftest import make_settings, prepare_database
from tests.integration.commerce_support import cancel, complete
from tests.support.devices import TestDevice, order_data
from tests.support.mosquitto import device_urls
from tests.support.staff import approval
from tests.support.identities import owner_client

DECAF = "BEANS-DECAF-250"  # 6 on hand; web holds back 2, marketplace 3


def stock(client, sku):
    return client.get("/api/v1/availability").get_json()["stock"][sku]


def order(client, sku, qty, origin="counter"):
    data = order_data(origin=origin, lines=[{"sku": "LATTE-M", "qty": 1}, {"sku": sku, "qty": qty}])
    return data, client.post("/api/v1/orders", json=data)


def test_accepting_an_order_reserves_and_each_channel_keeps_its_safety_stock(client):
    _, response = order(client, DECAF, 2)
    assert response.status_code == 201
    assert stock(client, DECAF) == {"kiosk": 4, "counter": 4, "app": 4, "web": 2, "marketplace": 1}


def test_more_than_a_channel_may_sell_is_refused_naming_the_line_and_nothing_is_written(client, hub):
    data, response = order(client, DECAF, 5, origin="web")
    assert response.status_code == 422
    assert response.get_json() == {"code": "unavailable", "field": "lines[1].sku",
                                   "message": "lines[1].sku: Decaf beans 250 g (BEANS-DECAF-250) has only 4 left"}
    assert client.get(f"/api/v1/orders/{data['order_id']}").status_code == 404
    assert stock(client, DECAF)["counter"] == 6
    _, walk_in = order(client, DECAF, 6, origin="counter")
    assert walk_in.status_code == 201  # walk-in sales still sell the last unit


def test_cancel_releases_and_complete_consumes(client, hub):
    first, _ = order(client, DECAF, 2)
    second, _ = order(client, DECAF, 1)
    cancel(hub, first["order_id"])
    complete(hub, second["order_id"])
    with hub.uow_factory() as uow:
        level = uow.commerce.stock([DECAF])[(DECAF, "test")]
    assert (level.on_hand, level.reserved) == (5, 0)
    assert stock(client, DECAF)["counter"] == 5


def test_serial_tracked_units_keep_their_serials_through_sale_and_return(client, hub):
    data, response = order(client, "GRINDER-HAND", 2)
    assert response.status_code == 201
    with hub.uow_factory() as uow:
        assert uow.commerce.serials("GRINDER-HAND", "test", "reserved", order_id=data["order_id"]) == ["HG-0001", "HG-0002"]
    paid = client.post(f"/api/v1/orders/{data['order_id']}/tenders", json={"kind": "cash", "amount": 15000})
    assert paid.get_json()["due"] == 0
    complete(hub, data["order_id"])
    with hub.uow_factory() as uow:
        assert uow.commerce.serials("GRINDER-HAND", "test", "sold", order_id=data["order_id"]) == ["HG-0001", "HG-0002"]
    refund = client.post(f"/api/v1/orders/{data['order_id']}/refunds", json={"lines": [{"index": 1, "qty": 1}],
                                                                        "approval": approval(client, hub)})
    assert refund.status_code == 201, refund.get_json()
    with hub.uow_factory() as uow:
        assert uow.commerce.serials("GRINDER-HAND", "test", "in_stock") == ["HG-0001", "HG-0003"]
        assert uow.commerce.stock(["GRINDER-HAND"])[("GRINDER-HAND", "test")].on_hand == 2


def test_selling_the_last_unit_sells_it_out_and_staff_can_86_by_hand(client):
    order(client, DECAF, 6)
    assert DECAF in client.get("/api/v1/availability").get_json()["sold_out"]
    _, refused = order(client, DECAF, 1)
    assert refused.get_json()["code"] == "unavailable"
    marked = client.put("/api/v1/items/CROISSANT/sold-out", json={"sold_out": True})
    assert marked.status_code == 200 and "CROISSANT" in marked.get_json()["by_hand"]
    _, croissant = order(client, "CROISSANT", 1)
    assert croissant.get_json()["code"] == "unavailable" and croissant.get_json()["field"] == "lines[1].sku"
    client.put("/api/v1/items/CROISSANT/sold-out", json={"sold_out": False})
    assert order(client, "CROISSANT", 1)[1].status_code == 201
    assert client.put("/api/v1/items/NOPE/sold-out", json={"sold_out": True}).get_json()["code"] == "unknown_sku"


def test_availability_is_a_retained_broadcast_from_start_and_on_every_change(tmp_path):
    settings = make_settings(tmp_path, broker_host="127.0.0.1", broker_port="0")
    prepare_database(settings)
    from hub.bootstrap import bootstrap

    hub = bootstrap(settings)
    client = owner_client(create_app(hub=hub, start_messaging=True))
    try:
        assert hub.connection.wait_connected(10)
        topic = topics.broadcast("test", "availability")
        late = TestDevice(device_urls(hub), "test", "kiosk-9", extra_topics=(topic,))
        assert json.loads(_next(late, topic))["data"]["sold_out"] == []
        client.put("/api/v1/items/MUFFIN-BLUE/sold-out", json={"sold_out": True})
        assert json.loads(_next(late, topic))["data"]["by_hand"] == ["MUFFIN-BLUE"]
        late.close()
        later = TestDevice(device_urls(hub), "test", "kiosk-10", extra_topics=(topic,))
        assert json.loads(_next(later, topic))["data"]["sold_out"] == ["MUFFIN-BLUE"]  # retained
        later.close()
    finally:
        hub.stop()


def _next(device: TestDevice, topic: str, timeout: float = 10) -> bytes:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got_topic, payload = device.received.get(timeout=max(0.01, deadline - time.monotonic()))
        if got_topic == topic:
            return payload
    raise AssertionError(f"nothing on {topic}")


def test_a_delivery_moves_in_transit_to_on_hand(client):
    got = client.post("/api/v1/stock/BEANS-HOUSE-250/receive", json={"qty": 48}).get_json()
    assert (got["on_hand"], got["in_transit"]) == (548, 0)
    assert stock(client, "BEANS-HOUSE-250")["counter"] == 548
    listed = {row["sku"]: row for row in client.get("/api/v1/stock").get_json()["stock"]}
    assert listed["BEANS-HOUSE-250"]["location"] == "test" and listed["GRINDER-HAND"]["on_hand"] == 3
    assert client.post("/api/v1/stock/CROISSANT/receive", json={"qty": 5}).status_code == 404
