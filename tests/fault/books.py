"""What the fault tests check at the end: the database and the devices agree, every order once."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections import Counter, defaultdict
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt

from hub.contracts import topics
from hub.contracts.envelope import envelope


class PatientDevice:
    """A device on a persistent session: what it sent stays queued at the broker, and so do its replies.

    It sends each order once (QoS 1) and never again, so whatever arrives came through the
    broker's own queue, not through a resend.
    """

    def __init__(self, url: str, store: str, device_id: str) -> None:
        self.store, self.device_id = store, device_id
        self.replies: dict[str, list[dict]] = defaultdict(list)  # envelope id -> replies to it
        self.sent: dict[str, dict] = {}  # envelope id -> order data
        self._lock = threading.Lock()
        self._subscribed = threading.Event()
        self.connects = 0
        parts = urlsplit(url)
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=device_id, clean_session=False,
                                  protocol=mqtt.MQTTv311)
        if parts.username:
            self.client.username_pw_set(parts.username, parts.password)
        self.client.reconnect_delay_set(0.1, 1.0)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = lambda *_: self._subscribed.set()
        self.client.on_message = self._on_message
        self.client.connect(parts.hostname, parts.port, keepalive=5)
        self.client.loop_start()
        assert self._subscribed.wait(10), f"{device_id} could not subscribe"

    def _on_connect(self, client, _u, _f, code, _p) -> None:
        if not code.is_failure:
            self.connects += 1
            client.subscribe(topics.device_in(self.store, self.device_id, "reply"), qos=1)

    def _on_message(self, _c, _u, message) -> None:
        reply = json.loads(message.payload)
        with self._lock:
            self.replies[reply.get("re") or ""].append(reply)

    def submit(self, data: dict) -> None:
        """Send one order with QoS 1 and wait until the broker has it."""
        message = envelope("order.submit", data)
        with self._lock:
            self.sent[message["id"]] = data
        info = self.client.publish(topics.device_out(self.store, self.device_id, "order"), json.dumps(message), qos=1)
        info.wait_for_publish(10)
        assert info.is_published(), f"{self.device_id}: the broker did not take the order"

    def numbers(self) -> dict[str, list[str]]:
        """Return, per order id, the number of every order.accepted reply."""
        with self._lock:
            return {data["order_id"]: [r["data"]["number"] for r in self.replies.get(message_id, [])
                                       if r.get("type") == "order.accepted"]
                    for message_id, data in self.sent.items()}

    def errors(self) -> list[dict]:
        """Return every reply that was not order.accepted."""
        with self._lock:
            return [r for replies in self.replies.values() for r in replies if r.get("type") != "order.accepted"]

    def close(self) -> None:
        """Disconnect (the session stays at the broker)."""
        self.client.disconnect()
        self.client.loop_stop()


def stored_orders(database: Path) -> list[tuple[str, str, str]]:
    """Return (order_id, number, business_day) of every stored order."""
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        return db.execute("SELECT order_id, number, business_day FROM orders").fetchall()


def assert_once_each(database: Path, told: dict[str, list[str]]) -> None:
    """Check that every order a device sent is stored once, with the one number the device was told."""
    rows = stored_orders(database)
    stored = Counter(order_id for order_id, _, _ in rows)
    number = {order_id: n for order_id, n, _ in rows}
    assert [i for i, k in stored.items() if k > 1] == [], "orders stored more than once"
    assert sorted(set(told) - set(stored)) == [], "orders sent but not stored"
    assert sorted(set(stored) - set(told)) == [], "orders stored that no device sent"
    unanswered = sorted(i for i, numbers in told.items() if not numbers)
    assert unanswered == [], "orders whose device never heard they were accepted"
    told_otherwise = {i: (sorted(set(n)), number[i]) for i, n in told.items() if set(n) != {number[i]}}
    assert told_otherwise == {}, "a device was told another number than the books hold (told, stored)"
    per_day = defaultdict(list)
    for _, n, day in rows:
        per_day[day].append(n)
    for day, numbers in per_day.items():
        assert [n for n, k in Counter(numbers).items() if k > 1] == [], f"numbers given twice on {day}"


def wait_for(check, timeout: float, message: str, every: float = 0.05) -> None:
    """Wait until check() is true, failing with message after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, message() if callable(message) else message
        time.sleep(every)

