"""A scripted MQTT device for tests: sends raw payloads and collects what the hub answers."""

from __future__ import annotations

import json
import queue
import threading
import uuid
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt

from hub.contracts import topics
from hub.contracts.envelope import envelope


class TestDevice:
    """A device logged in to a broker, subscribed to its own replies."""

    __test__ = False

    def __init__(self, url, store: str, device_id: str, *, extra_topics: tuple[str, ...] = ()) -> None:
        """Log in at url, or at the URL url(device_id) returns (a DeviceUrls making the device's own login)."""
        url = url(device_id) if callable(url) else url
        self.store = store
        self.device_id = device_id
        self.replies: queue.Queue[dict] = queue.Queue()
        self.received: queue.Queue[tuple[str, bytes]] = queue.Queue()
        self._subscribed = threading.Event()
        parts = urlsplit(url)
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"test-{device_id}", protocol=mqtt.MQTTv311)
        if parts.username:
            self.client.username_pw_set(parts.username, parts.password)
        self._topics = [topics.device_in(store, device_id, "reply"), *extra_topics]
        self.client.on_connect = lambda c, *_: c.subscribe([(t, 1) for t in self._topics])
        self.client.on_subscribe = lambda *_: self._subscribed.set()
        self.client.on_message = self._on_message
        self.client.connect(parts.hostname, parts.port)
        self.client.loop_start()
        assert self._subscribed.wait(10), f"{device_id} could not subscribe at {url}"

    def _on_message(self, _c, _u, message) -> None:
        self.received.put((message.topic, message.payload))
        if message.topic.endswith("/in/reply"):
            self.replies.put(json.loads(message.payload))

    def send_raw(self, payload: bytes | str, kind: str = "order") -> None:
        """Publish any payload on this device's out topic."""
        self.client.publish(topics.device_out(self.store, self.device_id, kind), payload, qos=1).wait_for_publish(5)

    def submit(self, data: dict, message_id: str | None = None) -> dict:
        """Send an order.submit envelope and return the envelope sent."""
        message = envelope("order.submit", data)
        if message_id:
            message["id"] = message_id
        self.send_raw(json.dumps(message))
        return message

    def reply(self, timeout: float = 10) -> dict:
        """Return the next reply, failing the test if none comes."""
        try:
            return self.replies.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"{self.device_id} got no reply within {timeout} s") from None

    def close(self) -> None:
        """Disconnect."""
        self.client.disconnect()
        self.client.loop_stop()


def order_data(**overrides) -> dict:
    """Return a valid order: two oat lattes, takeaway, from a kiosk."""
    data = {
        "order_id": str(uuid.uuid4()),
        "origin": "kiosk",
        "fulfilment": "takeaway",
        "lines": [{"sku": "LATTE-M", "qty": 2, "modifiers": ["OAT"], "note": "extra hot"}],
    }
    data.update(overrides)
    return data
