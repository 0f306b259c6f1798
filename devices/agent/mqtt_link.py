"""The agent's MQTT session: its own login, a persistent QoS 1 session, status with a last will."""

from __future__ import annotations

import json
import logging
import ssl
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as mqtt

from hub.contracts import topics
from hub.contracts.envelope import envelope

logger = logging.getLogger(__name__)

RECONNECT_MAX_S = 10  # a store's broker restarts in seconds; do not wait minutes to come back


class AgentLink:
    """Connect as the device, keep `device/<id>/in/#` subscribed, publish status and events."""

    def __init__(self, url: str, store: str, device_id: str, on_message: Callable[[str, bytes], None],
                 on_connected: Callable[[], None], ca_file: str | None = None) -> None:
        self.store = store
        self.device_id = device_id
        self._on_message = on_message
        self._on_connected = on_connected
        parts = urlsplit(url)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or (8883 if parts.scheme == "mqtts" else 1883)
        # Persistent session: jobs queued by the broker while the agent was away are delivered on reconnect.
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"agent-{device_id}",
                                  protocol=mqtt.MQTTv311, clean_session=False)
        if parts.username:
            self.client.username_pw_set(unquote(parts.username), unquote(parts.password or "") or None)
        if parts.scheme == "mqtts":  # the broker's certificate and name, checked against the store CA (or the system's)
            self.client.tls_set(ca_certs=ca_file, cert_reqs=ssl.CERT_REQUIRED)
        self.client.reconnect_delay_set(1, RECONNECT_MAX_S)
        self.client.will_set(topics.device_status(store, device_id),
                             json.dumps(envelope("device.status", {"state": "offline", "kind": None})), qos=1, retain=True)
        self.client.on_connect = self._connected
        self.client.on_disconnect = self._disconnected
        self.client.on_message = lambda _c, _u, msg: self._on_message(msg.topic, msg.payload)
        self.connected = False
        self._stopping = False  # a disconnect we asked for is no news

    def start(self) -> None:
        """Connect in the background; paho reconnects on its own."""
        self.client.connect_async(self._host, self._port, keepalive=15)
        self.client.loop_start()

    def _connected(self, client, _userdata, _flags, reason_code, _props) -> None:
        if reason_code.is_failure:
            logger.error("broker refused agent %s: %s (check the login in mqtt_url)", self.device_id, reason_code)
            return
        self.connected = True
        client.subscribe(topics.device_in(self.store, self.device_id, "#"), qos=1)
        logger.info("agent %s connected to %s:%s", self.device_id, self._host, self._port)
        self._on_connected()

    def _disconnected(self, _client, _userdata, _flags, reason_code, _props) -> None:
        self.connected = False
        if self._stopping:
            logger.debug("agent %s disconnected (stopping)", self.device_id)
            return
        logger.warning("agent %s lost the broker (%s); reconnecting", self.device_id, reason_code)

    def publish_status(self, data: dict) -> None:
        """Publish the retained device status."""
        self.client.publish(topics.device_status(self.store, self.device_id),
                            json.dumps(envelope("device.status", data)), qos=1, retain=True)

    def publish_event(self, event: dict) -> None:
        """Publish an event envelope on `device/<id>/out/event`."""
        self.client.publish(topics.device_out(self.store, self.device_id, "event"), json.dumps(event), qos=1)

    def stop(self) -> None:
        """Say offline, then disconnect."""
        self._stopping = True
        if self.connected:
            info = self.client.publish(topics.device_status(self.store, self.device_id),
                                       json.dumps(envelope("device.status", {"state": "offline"})), qos=1, retain=True)
            try:
                info.wait_for_publish(2)
            except (RuntimeError, ValueError):
                pass
        self.client.disconnect()
        self.client.loop_stop()
