"""The consumer answers a kiosk as soon as its order is committed; live screens are told after."""

from __future__ import annotations

import json
import uuid

from hub.adapters.mqtt.connection import ReceivedMessage
from hub.contracts.envelope import envelope
from hub.domain.presence import Presence
from hub.entrypoints.mqtt_consumer import MqttConsumer
from hub.services.handler_table import ORDER_INTAKE
from tests.fakes import FakeUnitOfWork, cafe_catalog, fake_bus


class RecordingConnection:
    """Writes what the consumer sends, in order, into a shared log."""

    def __init__(self, log: list) -> None:
        self.log = log

    def publish(self, topic: str, message: dict, *, retain: bool = False) -> None:
        self.log.append(("publish", topic, message["type"]))

    def ack(self, message: ReceivedMessage) -> None:
        self.log.append(("ack", message.mid))


def order_message(mid: int, order_id: str) -> ReceivedMessage:
    request = envelope("order.submit", {"order_id": order_id, "origin": "kiosk", "fulfilment": "takeaway",
                                        "lines": [{"sku": "LATTE-M", "qty": 1}]})
    return ReceivedMessage("passline/s1/device/kiosk-1/out/order", json.dumps(request).encode(), mid, 1, False)


def consumer_with(tmp_path, log: list, notify) -> tuple[MqttConsumer, FakeUnitOfWork]:
    uow = FakeUnitOfWork(cafe_catalog())
    bus = fake_bus(tmp_path, uow, ORDER_INTAKE, notify=notify)
    consumer = MqttConsumer(bus, Presence(), "s1")
    consumer.connection = RecordingConnection(log)
    return consumer, uow


def test_the_kiosk_gets_its_reply_and_ack_before_live_screens_hear_of_the_order(tmp_path):
    log: list = []
    consumer, uow = consumer_with(tmp_path, log, lambda kind, data: log.append(("notify", kind)))
    consumer._handle([order_message(7, str(uuid.uuid4())), order_message(8, str(uuid.uuid4()))])
    assert uow.committed == 1
    assert log[:4] == [
        ("publish", "passline/s1/device/kiosk-1/in/reply", "order.accepted"), ("ack", 7),
        ("publish", "passline/s1/device/kiosk-1/in/reply", "order.accepted"), ("ack", 8),
    ]
    assert [entry for entry in log[4:] if entry == ("notify", "order.accepted")] == [("notify", "order.accepted")] * 2
    assert all(entry[0] == "notify" for entry in log[4:])


def test_a_failing_screen_update_neither_loses_the_reply_nor_stops_the_next_order(tmp_path):
    log: list = []

    def broken_notify(kind, data):
        raise RuntimeError("socket closed")

    consumer, uow = consumer_with(tmp_path, log, broken_notify)
    consumer._handle([order_message(1, str(uuid.uuid4()))])
    consumer._handle([order_message(2, str(uuid.uuid4()))])
    assert log == [("publish", "passline/s1/device/kiosk-1/in/reply", "order.accepted"), ("ack", 1),
                   ("publish", "passline/s1/device/kiosk-1/in/reply", "order.accepted"), ("ack", 2)]
    assert len(uow.orders.orders) == 2
