"""The shipped Mosquitto config, run for real: dynamic security logins, per-device ACL, wills, persistence."""

from __future__ import annotations

import queue
import socket
import threading
import time

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion

from hub.adapters.mqtt.dynsec import DynamicSecurityLogins
from hub.config import MqttTarget
from hub.contracts.validation import MAX_JSON_BYTES
from hub.domain.access import Role
from tests.support.mosquitto import MosquittoProcess, mosquitto_binary, production_broker

pytestmark = pytest.mark.mosquitto

STORE = "store-7"
ROOT = f"passline/{STORE}"
LOGINS: dict[str, str] = {}  # filled by the broker fixture: the hub's password and the devices' made through dynsec
# Upper bound on every wait; a passing test waits only as long as delivery takes.
WAIT = 5.0
# autosave_on_changes writes from the broker's main loop shortly after the
# PUBACK; this leaves it ample time before the crash.
AUTOSAVE_GRACE = 1.5


class Peer:
    """A paho-mqtt client that records what it receives, with event-based waits."""

    def __init__(
        self,
        broker: MosquittoProcess,
        username: str | None,
        password: str | None = None,
        *,
        client_id: str | None = None,
        clean_session: bool = True,
        will: tuple[str, bytes] | None = None,
    ):
        self.broker = broker
        self.name = client_id or username or "anonymous"
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=self.name,
            clean_session=clean_session,
            protocol=MQTTProtocolVersion.MQTTv311,
            # A refused or dropped peer must stay down, not retry in the background.
            reconnect_on_failure=False,
        )
        if username is not None:
            self.client.username_pw_set(username, password)
        if will is not None:
            self.client.will_set(will[0], will[1], qos=1, retain=True)
        self.messages: queue.Queue[tuple[str, bytes]] = queue.Queue()
        self._connack: queue.Queue[tuple[mqtt.ReasonCode, bool]] = queue.Queue()
        self._subacked: set[int] = set()
        self._subacked_changed = threading.Condition()
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.on_subscribe = self._on_subscribe

    def connect(self) -> tuple[mqtt.ReasonCode, bool]:
        """Connect and return the CONNACK's reason code and session-present flag."""
        self.client.connect(self.broker.host, self.broker.port, keepalive=30)
        self.client.loop_start()
        return self._connack.get(timeout=WAIT)

    def subscribe(self, *filters: str) -> None:
        """Subscribe at QoS 1 and wait for the SUBACK."""
        _, mid = self.client.subscribe([(topic, 1) for topic in filters])
        with self._subacked_changed:
            assert self._subacked_changed.wait_for(lambda: mid in self._subacked, WAIT), f"no SUBACK for {filters}"

    def publish(self, topic: str, payload: bytes, *, retain: bool = False) -> None:
        """Publish at QoS 1 and wait for the broker's PUBACK."""
        info = self.client.publish(topic, payload, qos=1, retain=retain)
        info.wait_for_publish(WAIT)
        assert info.is_published(), f"no PUBACK for {topic}"

    def receive(self) -> tuple[str, bytes]:
        """Return the next message received, failing after WAIT seconds."""
        try:
            return self.messages.get(timeout=WAIT)
        except queue.Empty:
            pytest.fail(f"{self.name} received nothing within {WAIT} s")

    def received_before(self, control: tuple[str, bytes]) -> list[tuple[str, bytes]]:
        """Wait for the control message; return what arrived before it."""
        earlier = []
        while (message := self.receive()) != control:
            earlier.append(message)
        return earlier

    def drop(self) -> None:
        """Lose the connection without a DISCONNECT, as a crashed device does."""
        self.client.socket().shutdown(socket.SHUT_RDWR)
        self.client.loop_stop()

    def close(self) -> None:
        """Disconnect cleanly, stop the network thread and release the sockets."""
        self.client.disconnect()
        self.client.loop_stop()
        # paho closes loop_start()'s socket pair only here or in __del__, which a
        # reference cycle can postpone until after the sockets warn as unclosed.
        self.client.reinitialise()

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        self._connack.put((reason_code, flags.session_present))

    def _on_message(self, client, userdata, message) -> None:
        self.messages.put((message.topic, message.payload))

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties) -> None:
        with self._subacked_changed:
            self._subacked.add(mid)
            self._subacked_changed.notify_all()


@pytest.fixture
def broker(tmp_path):
    if mosquitto_binary() is None:
        pytest.fail("mosquitto is not installed: run .ci/run, or apt-get install mosquitto mosquitto-clients")
    broker, hub_logins = production_broker(tmp_path, store=STORE)
    broker.start()
    admin = MqttTarget(host=broker.host, port=broker.port, username="hub-admin", password=hub_logins["hub-admin"])
    device_logins = DynamicSecurityLogins(lambda: admin, store=STORE)
    LOGINS.clear()
    LOGINS["hub"] = hub_logins["hub"]
    for device_id in ("kiosk-1", "kiosk-2"):
        LOGINS[device_id] = device_logins.create(device_id, Role.AGENT).password
    yield broker
    broker.stop()
    # Shown by pytest only when the test failed.
    print(f"--- mosquitto stderr ({broker.log_path}) ---\n{broker.log()}")


@pytest.fixture
def connect(broker):
    peers: list[Peer] = []

    def connect(username: str | None, password: str | None = None, **options) -> Peer:
        peer = Peer(broker, username, password if password is not None else LOGINS.get(username or ""), **options)
        reason_code, _ = peer.connect()
        assert not reason_code.is_failure, f"{username} refused: {reason_code}"
        peers.append(peer)
        return peer

    yield connect
    for peer in peers:
        peer.close()


def _refused(broker: MosquittoProcess, username: str | None, password: str | None) -> mqtt.ReasonCode:
    peer = Peer(broker, username, password)
    try:
        reason_code, _ = peer.connect()
    finally:
        peer.close()
    return reason_code


def test_anonymous_connection_is_refused(broker):
    reason_code = _refused(broker, None, None)

    assert reason_code.is_failure
    assert reason_code.getName() == "Not authorized"


def test_wrong_password_is_refused(broker):
    reason_code = _refused(broker, "kiosk-1", LOGINS["kiosk-2"])

    assert reason_code.is_failure
    # Mosquitto 2.0 answers a v3.1.1 client "not authorized" (5), not "bad password" (4).
    assert reason_code.getName() == "Not authorized"


def test_device_order_reaches_the_hub(connect):
    hub = connect("hub")
    hub.subscribe(f"{ROOT}/#")
    kiosk = connect("kiosk-1")

    kiosk.publish(f"{ROOT}/device/kiosk-1/out/order", b'{"id": "order-1"}')

    assert hub.receive() == (f"{ROOT}/device/kiosk-1/out/order", b'{"id": "order-1"}')


def test_a_message_larger_than_the_hub_takes_is_dropped_by_the_broker_and_the_next_one_arrives(connect):
    hub = connect("hub")
    hub.subscribe(f"{ROOT}/#")
    kiosk = connect("kiosk-1")
    order_topic = f"{ROOT}/device/kiosk-1/out/order"
    largest = b'"' + b"x" * (MAX_JSON_BYTES - 2) + b'"'

    kiosk.publish(order_topic, b'"' + b"x" * MAX_JSON_BYTES + b'"')  # acknowledged, then dropped
    kiosk.publish(order_topic, largest)
    kiosk.publish(order_topic, b'{"id": "order-2"}')

    assert hub.received_before((order_topic, b'{"id": "order-2"}')) == [(order_topic, largest)]


def test_device_receives_its_replies_and_the_broadcasts(connect):
    hub = connect("hub")
    kiosk = connect("kiosk-1")
    kiosk.subscribe(f"{ROOT}/device/kiosk-1/in/#", f"{ROOT}/broadcast/#")

    hub.publish(f"{ROOT}/device/kiosk-1/in/reply", b"reply")
    hub.publish(f"{ROOT}/broadcast/availability", b"sold out: fries")

    assert kiosk.receive() == (f"{ROOT}/device/kiosk-1/in/reply", b"reply")
    assert kiosk.receive() == (f"{ROOT}/broadcast/availability", b"sold out: fries")


def test_device_cannot_read_another_devices_topics(connect):
    hub = connect("hub")
    hub.subscribe(f"{ROOT}/#")
    kiosk_1 = connect("kiosk-1")
    kiosk_1.subscribe(f"{ROOT}/device/kiosk-1/in/#")
    snoop = connect("kiosk-2")
    # Dynamic security refuses these two in the SUBACK; broadcast/# is the snoop's to read, and brings the control.
    snoop.subscribe(f"{ROOT}/device/kiosk-1/#", f"{ROOT}/#", f"{ROOT}/broadcast/#")

    kiosk_1.publish(f"{ROOT}/device/kiosk-1/out/order", b"order")
    kiosk_1.publish(f"{ROOT}/device/kiosk-1/status", b"online", retain=True)
    assert hub.receive() == (f"{ROOT}/device/kiosk-1/out/order", b"order")
    assert hub.receive() == (f"{ROOT}/device/kiosk-1/status", b"online")
    hub.publish(f"{ROOT}/device/kiosk-1/in/reply", b"reply")
    assert kiosk_1.receive() == (f"{ROOT}/device/kiosk-1/in/reply", b"reply")
    control = (f"{ROOT}/broadcast/ready", b"control")
    hub.publish(*control)

    assert snoop.received_before(control) == []


def test_device_cannot_write_into_another_devices_or_the_hubs_topics(connect):
    hub = connect("hub")
    hub.subscribe(f"{ROOT}/#")
    kiosk_1 = connect("kiosk-1")
    kiosk_1.subscribe(f"{ROOT}/device/kiosk-1/in/#", f"{ROOT}/broadcast/#")
    forger = connect("kiosk-2")

    for topic in ("device/kiosk-1/out/order", "device/kiosk-1/in/reply", "device/kiosk-1/status", "hub/status"):
        forger.publish(f"{ROOT}/{topic}", b"forged")
    hub_control = (f"{ROOT}/device/kiosk-2/out/event", b"control")
    forger.publish(*hub_control)
    kiosk_control = (f"{ROOT}/broadcast/ready", b"control")
    hub_saw = hub.received_before(hub_control)
    hub.publish(*kiosk_control)

    assert hub_saw == []
    assert kiosk_1.received_before(kiosk_control) == []


def test_device_last_will_on_its_status_reaches_the_hub(connect):
    hub = connect("hub")
    hub.subscribe(f"{ROOT}/device/+/status")
    kiosk = connect("kiosk-1", will=(f"{ROOT}/device/kiosk-1/status", b"offline"))

    kiosk.drop()

    assert hub.receive() == (f"{ROOT}/device/kiosk-1/status", b"offline")


def test_device_cannot_leave_a_last_will_on_another_devices_status(connect):
    hub = connect("hub")
    hub.subscribe(f"{ROOT}/#")
    forger = connect("kiosk-2", will=(f"{ROOT}/device/kiosk-1/status", b"offline"))
    honest = connect("kiosk-1", client_id="kiosk-1-b", will=(f"{ROOT}/device/kiosk-1/status", b"control"))

    forger.drop()
    honest.drop()
    honest_will = hub.receive()
    # The forger dropped first; a round trip through the broker after the honest
    # will leaves no room for the forged one to be still on its way.
    control = (f"{ROOT}/broadcast/ready", b"control")
    hub.publish(*control)

    assert honest_will == (f"{ROOT}/device/kiosk-1/status", b"control")
    assert hub.received_before(control) == []


def test_acknowledged_message_for_offline_hub_survives_a_broker_crash(broker, connect):
    hub = connect("hub", clean_session=False)
    hub.subscribe(f"{ROOT}/#")
    hub.close()
    kiosk = connect("kiosk-1")
    kiosk.publish(f"{ROOT}/device/kiosk-1/out/order", b'{"id": "order-1"}')
    kiosk.close()
    time.sleep(AUTOSAVE_GRACE)

    broker.kill()
    broker.start()
    hub = Peer(broker, "hub", LOGINS["hub"], clean_session=False)
    reason_code, session_present = hub.connect()
    try:
        assert not reason_code.is_failure
        assert session_present
        assert hub.receive() == (f"{ROOT}/device/kiosk-1/out/order", b'{"id": "order-1"}')
    finally:
        hub.close()
