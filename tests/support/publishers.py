"""Devices that keep sending orders until the hub answers each one: for fault tests and benchmarks.

Each device behaves like a well-written kiosk: it sends several orders at once, sends the
SAME envelope again when no reply comes in time, and rides out a broker that goes away.
Everything it sends and hears is recorded per order id, so a test can compare it with the
books.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt

from hub.contracts import topics
from hub.contracts.envelope import envelope

DEFAULT_WINDOW = 20  # orders in flight per device: enough to keep the hub's batches full
DEFAULT_RESEND_AFTER_S = 3.0  # a device's patience before it sends the same order again
RECONNECT_MIN_S = 0.1  # come back quickly once the broker is back: the test waits on it
RECONNECT_MAX_S = 1.0
KEEPALIVE_S = 5  # notice a broker that vanished without closing the socket
TICK_S = 0.05  # how often the sender looks for overdue orders when nothing else wakes it


@dataclass
class OrderRecord:
    """One order as a device saw it: the envelope it sends, how often, and what came back."""

    order_id: str
    message: dict
    sends: int = 0
    last_sent: float = 0.0
    numbers: list[str] = field(default_factory=list)  # the number of every order.accepted reply
    errors: list[dict] = field(default_factory=list)  # the data of every error reply

    @property
    def answered(self) -> bool:
        """Tell whether an order.accepted reply arrived."""
        return bool(self.numbers)


class Tally:
    """Count first replies across devices, so a test can wait for the n-th one."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.answered = 0

    def count(self) -> None:
        """Note one more order that got its first reply."""
        with self._changed:
            self.answered += 1
            self._changed.notify_all()

    def wait_for(self, answered: int, timeout: float) -> bool:
        """Wait until at least this many orders were answered; return False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: self.answered >= answered, timeout)


class RetryingPublisher:
    """A device sending its orders with QoS 1, a window of outstanding ones, and resends."""

    def __init__(
        self,
        url: str,
        store: str,
        device_id: str,
        orders: Iterable[dict],
        tally: Tally,
        *,
        window: int = DEFAULT_WINDOW,
        resend_after: float = DEFAULT_RESEND_AFTER_S,
    ) -> None:
        self.device_id = device_id
        self.records: dict[str, OrderRecord] = {}
        self.connects = 0
        self.stray_replies: list[dict] = []  # replies to nothing this device sent
        self._by_message_id: dict[str, OrderRecord] = {}
        for data in orders:
            message = envelope("order.submit", data)
            record = OrderRecord(order_id=data["order_id"], message=message)
            self.records[record.order_id] = record
            self._by_message_id[message["id"]] = record
        self._pending = deque(self.records.values())
        self._in_flight: dict[str, OrderRecord] = {}
        self._tally = tally
        self._window = window
        self._resend_after = resend_after
        self._out_topic = topics.device_out(store, device_id, "order")
        self._reply_topic = topics.device_in(store, device_id, "reply")
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._connected = threading.Event()
        self._stopping = threading.Event()
        self._sender: threading.Thread | None = None
        parts = urlsplit(url)
        self._address = (parts.hostname, parts.port or 1883)
        self._client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=f"fault-{device_id}",
            protocol=mqtt.MQTTv311,
            clean_session=True,  # replies missed while away are recovered by sending again
        )
        if parts.username:
            self._client.username_pw_set(parts.username, parts.password)
        self._client.reconnect_delay_set(RECONNECT_MIN_S, RECONNECT_MAX_S)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message

    def start(self) -> None:
        """Connect in the background and start sending once connected."""
        self._client.connect_async(*self._address, keepalive=KEEPALIVE_S)
        self._client.loop_start()
        self._sender = threading.Thread(target=self._send_loop, name=f"sender-{self.device_id}", daemon=True)
        self._sender.start()

    def stop(self) -> None:
        """Stop sending, disconnect and stop paho's thread."""
        self._stopping.set()
        self._wake.set()
        if self._sender is not None:
            self._sender.join(5)
        self._client.disconnect()
        self._client.loop_stop()

    def _send_loop(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(TICK_S)
            self._wake.clear()
            if not self._connected.is_set():
                continue  # overdue orders go out the moment the connection is back
            now = time.monotonic()
            with self._lock:
                due = [r for r in self._in_flight.values() if now - r.last_sent >= self._resend_after]
                while self._pending and len(self._in_flight) < self._window:
                    record = self._pending.popleft()
                    self._in_flight[record.order_id] = record
                    due.append(record)
                for record in due:
                    record.sends += 1
                    record.last_sent = now
            # Publish outside our lock: paho calls on_message under its own locks.
            for record in due:
                self._client.publish(self._out_topic, json.dumps(record.message), qos=1)

    def _on_connect(self, client, _userdata, _flags, reason_code, _properties) -> None:
        if reason_code.is_failure:
            return
        # A clean session forgets subscriptions, so subscribe on every connect; the broker
        # handles our SUBSCRIBE before any PUBLISH sent after it, so no reply is missed.
        client.subscribe(self._reply_topic, qos=1)
        self.connects += 1
        self._connected.set()
        self._wake.set()

    def _on_disconnect(self, *_args) -> None:
        self._connected.clear()

    def _on_message(self, _client, _userdata, message: mqtt.MQTTMessage) -> None:
        try:
            reply = json.loads(message.payload)
        except ValueError:
            self.stray_replies.append({"payload": message.payload.decode(errors="replace")})
            return
        with self._lock:
            record = self._by_message_id.get(reply.get("re") or "")
            if record is None:
                self.stray_replies.append(reply)
                return
            first = not record.answered
            if reply.get("type") == "order.accepted" and reply["data"].get("order_id") == record.order_id:
                record.numbers.append(reply["data"]["number"])
                self._in_flight.pop(record.order_id, None)
            else:
                record.errors.append(reply.get("data", {}))  # stays in flight: sent again when due
            answered_now = first and record.answered
        if answered_now:
            self._tally.count()
            self._wake.set()


class Fleet:
    """Several devices sharing a list of orders, each sending its share."""

    def __init__(self, url, store: str, orders: Sequence[dict], *, devices: int = 5, **options) -> None:
        """url: one broker URL for all, or a function of the device id giving each device its own login."""
        self.tally = Tally()
        self.total = len(orders)
        self.publishers = [
            RetryingPublisher(url(f"kiosk-{n + 1}") if callable(url) else url, store, f"kiosk-{n + 1}",
                              orders[n::devices], self.tally, **options)
            for n in range(devices)
        ]

    def start(self) -> None:
        """Start every device."""
        for publisher in self.publishers:
            publisher.start()

    def stop(self) -> None:
        """Stop every device."""
        for publisher in self.publishers:
            publisher.stop()

    def wait_answered(self, answered: int, timeout: float) -> bool:
        """Wait until this many orders have a reply; return False on timeout."""
        return self.tally.wait_for(answered, timeout)

    def records(self) -> dict[str, OrderRecord]:
        """Return every order's record by order id."""
        return {order_id: r for p in self.publishers for order_id, r in p.records.items()}

    def unanswered(self) -> list[OrderRecord]:
        """Return the orders still without an order.accepted reply."""
        return [r for r in self.records().values() if not r.answered]

    def summary(self) -> dict[str, int]:
        """Count what the devices did: sends, resends, replies, duplicates, errors, reconnects."""
        records = self.records().values()
        sends = sum(r.sends for r in records)
        replies = sum(len(r.numbers) for r in records)
        return {
            "orders": len(records),
            "sends": sends,
            "resends": sends - sum(1 for r in records if r.sends),
            "orders_resent": sum(1 for r in records if r.sends > 1),
            "replies": replies,
            "duplicate_replies": replies - sum(1 for r in records if r.answered),
            "error_replies": sum(len(r.errors) for r in records),
            "stray_replies": sum(len(p.stray_replies) for p in self.publishers),
            "connects": sum(p.connects for p in self.publishers),
        }
