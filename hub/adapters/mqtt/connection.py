"""The hub's one MQTT connection: persistent session, QoS 1, acknowledged after commit."""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as mqtt

from hub.adapters.contract_check import check_mqtt
from hub.config import MqttTarget
from hub.contracts import topics
from hub.contracts.envelope import envelope

logger = logging.getLogger(__name__)

KEEPALIVE_S = 15  # the broker publishes our "offline" will within ~1.5x this after a crash
RECONNECT_MIN_S = 0.5
RECONNECT_MAX_S = 5  # a store wants the hub back within seconds of the broker restarting
OUTBOUND_INFLIGHT = 1000  # replies in flight at once; paho's default of 20 throttles bursts


@dataclass(frozen=True, slots=True)
class ReceivedMessage:
    """A message the hub received and has not acknowledged yet."""

    topic: str
    payload: bytes
    mid: int
    qos: int
    retain: bool
    generation: int = 0  # which connection it came on: packet ids are only meaningful there


class HubConnection:
    """Connect as the hub, announce presence, subscribe to devices, and publish JSON."""

    def __init__(
        self,
        target: MqttTarget,
        *,
        store: str,
        version: str,
        on_message: Callable[[ReceivedMessage], None],
        client_id: str | None = None,
    ) -> None:
        self._target = target
        self._store = store
        self._version = version
        self._on_message = on_message
        self._connected = threading.Event()
        self._stopping = False  # a disconnect we asked for is no news
        self._generation = 0
        self._last_error: str | None = "not connected yet"
        self._client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id or f"passline-hub-{store}",
            clean_session=False,  # the broker keeps our queue while the hub restarts
            protocol=mqtt.MQTTv311,
            manual_ack=True,  # acknowledge only once an order is committed
        )
        if target.username:
            self._client.username_pw_set(target.username, target.password)
        if target.tls:  # the broker's certificate and host name are checked against the store CA
            self._client.tls_set(ca_certs=target.ca_file)
        self._client.will_set(topics.hub_status(store), self._status_payload("offline"), qos=1, retain=True)
        self._client.reconnect_delay_set(RECONNECT_MIN_S, RECONNECT_MAX_S)
        self._client.max_inflight_messages_set(OUTBOUND_INFLIGHT)
        self._client.max_queued_messages_set(0)
        # paho leaves Nagle's algorithm on; the hub's packets (replies, acknowledgements) are small
        # and each is wanted at once, so none may wait for the previous one's TCP acknowledgement.
        self._client.on_socket_open = _no_delay
        self._client.on_connect = self._handle_connect
        self._client.on_disconnect = self._handle_disconnect
        self._client.on_message = self._handle_message

    @property
    def connected(self) -> bool:
        """Return True while the broker connection is up."""
        return self._connected.is_set()

    @property
    def last_error(self) -> str | None:
        """Return why the connection is down, in words, or None while it is up."""
        return None if self.connected else self._last_error

    def start(self) -> None:
        """Connect in the background; paho reconnects on its own after any drop."""
        logger.info("connecting to the MQTT broker at %s as %s", self._target.address, self._target.username or "anonymous")
        self._client.connect_async(self._target.host, self._target.port, keepalive=KEEPALIVE_S)
        self._client.loop_start()

    def wait_connected(self, timeout: float) -> bool:
        """Wait until connected; return False on timeout."""
        return self._connected.wait(timeout)

    def stop(self) -> None:
        """Say offline, disconnect cleanly and stop the network thread."""
        self._stopping = True
        if self.connected:
            info = self._client.publish(topics.hub_status(self._store), self._status_payload("offline"), qos=1, retain=True)
            try:
                info.wait_for_publish(timeout=2)
            except RuntimeError:
                pass
        self._client.disconnect()
        self._client.loop_stop()
        self._connected.clear()

    def publish(self, topic: str, message: dict[str, Any], *, retain: bool = False) -> None:
        """Publish a JSON message with QoS 1 (queued by paho while disconnected)."""
        check_mqtt(topic, message)
        self._client.publish(topic, json.dumps(message, separators=(",", ":")), qos=1, retain=retain)

    def ack(self, message: ReceivedMessage) -> None:
        """Acknowledge a message whose effect is committed, if it came on this connection.

        After a reconnect the broker reuses packet ids, so acknowledging an id from an
        earlier connection could confirm a different, uncommitted message. The broker
        redelivers what the old connection left unacknowledged, and a repeated order is
        the same order, so skipping is safe.
        """
        if message.qos == 0:
            return
        if message.generation != self._generation:
            logger.debug("not acknowledging mid %s from an earlier connection; the broker redelivers it", message.mid)
            return
        self._client.ack(message.mid, message.qos)

    def _status_payload(self, state: str) -> str:
        message = envelope("hub.status", {"state": state, "version": self._version, "store": self._store})
        check_mqtt(topics.hub_status(self._store), message)
        return json.dumps(message, separators=(",", ":"))

    def _handle_connect(self, client, _userdata, flags, reason_code, _properties) -> None:
        if reason_code.is_failure:
            self._last_error = f"the broker refused the hub's login: {reason_code}"
            logger.error("MQTT connection to %s refused: %s", self._target.address, reason_code)
            return
        self._generation += 1
        base = f"passline/{self._store}/device/+"
        client.subscribe([(f"{base}/out/#", 1), (f"{base}/status", 1)])
        client.publish(topics.hub_status(self._store), self._status_payload("online"), qos=1, retain=True)
        self._connected.set()
        logger.info("connected to the MQTT broker at %s (session present: %s)", self._target.address, flags.session_present)

    def _handle_disconnect(self, _client, _userdata, _flags, reason_code, _properties) -> None:
        self._connected.clear()
        self._last_error = f"lost the broker connection: {reason_code}"
        if self._stopping:
            logger.debug("disconnected from the MQTT broker at %s (stopping)", self._target.address)
            return
        logger.warning("disconnected from the MQTT broker at %s: %s; reconnecting", self._target.address, reason_code)

    def _handle_message(self, _client, _userdata, message: mqtt.MQTTMessage) -> None:
        self._on_message(
            ReceivedMessage(
                topic=message.topic,
                payload=message.payload,
                mid=message.mid,
                qos=message.qos,
                retain=bool(message.retain),
                generation=self._generation,
            )
        )


def _no_delay(_client, _userdata, sock) -> None:
    """Send every MQTT packet at once (TCP_NODELAY); the hub's packets are small and urgent."""
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except (OSError, AttributeError):  # a TLS or unix socket may not take the option; Nagle then stays on
        logger.debug("TCP_NODELAY not available on the broker connection")
