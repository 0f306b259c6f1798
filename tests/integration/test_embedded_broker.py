"""Real paho-mqtt clients (and a few raw sockets) against the embedded MQTT broker."""

from __future__ import annotations

import logging
import queue
import socket
import threading
import time

import paho.mqtt.client as mqtt
import pytest

from hub.adapters.mqtt.broker_codec import decode, encode, encode_remaining_length
from hub.adapters.mqtt.broker_packets import (
    Connack, Connect, Disconnect, Message, Packet, Pingreq, Pingresp, Puback, Pubcomp, Publish, Pubrec,
    Pubrel, Suback, Subscribe,
)
from hub.adapters.mqtt.broker_sessions import INFLIGHT_WINDOW
from hub.adapters.mqtt.embedded_broker import EmbeddedBroker

HOST = "127.0.0.1"
TIMEOUT = 5.0  # only ever waited in full when a test is failing


class Probe:
    """Connect a paho client and record what the broker sends it."""

    def __init__(self, port: int, client_id: str, *, clean_session: bool = True, manual_ack: bool = False,
                 username: str | None = None, password: str | None = None,
                 will: tuple[str, bytes, int, bool] | None = None) -> None:
        self.paho = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=clean_session,
            protocol=mqtt.MQTTv311, manual_ack=manual_ack, reconnect_on_failure=False,
        )
        self.messages: queue.Queue[mqtt.MQTTMessage] = queue.Queue()
        self.disconnected = threading.Event()
        self._connacks: queue.Queue = queue.Queue()
        self._subacks: queue.Queue = queue.Queue()
        self._unsubacks: queue.Queue = queue.Queue()
        self.paho.on_connect = lambda c, u, flags, rc, p: self._connacks.put((rc, flags.session_present))
        self.paho.on_subscribe = lambda c, u, mid, codes, p: self._subacks.put([code.value for code in codes])
        self.paho.on_unsubscribe = lambda c, u, mid, codes, p: self._unsubacks.put(mid)
        self.paho.on_message = lambda c, u, message: self.messages.put(message)
        self.paho.on_disconnect = lambda *args: self.disconnected.set()
        if username is not None:
            self.paho.username_pw_set(username, password)
        if will is not None:
            self.paho.will_set(*will)
        self.paho.connect(HOST, port)
        self.paho.loop_start()
        self.reason, self.session_present = self._connacks.get(timeout=TIMEOUT)

    def subscribe(self, *filters: tuple[str, int]) -> list[int]:
        """Subscribe and return the SUBACK's return codes."""
        self.paho.subscribe(list(filters))
        return self._subacks.get(timeout=TIMEOUT)

    def unsubscribe(self, *filters: str) -> None:
        """Unsubscribe and wait for the UNSUBACK."""
        self.paho.unsubscribe(list(filters))
        self._unsubacks.get(timeout=TIMEOUT)

    def publish(self, topic: str, payload: bytes, qos: int = 1, retain: bool = False) -> None:
        """Publish and wait until the broker has acknowledged it."""
        info = self.paho.publish(topic, payload, qos, retain)
        info.wait_for_publish(TIMEOUT)
        assert info.is_published()

    def receive(self) -> mqtt.MQTTMessage:
        """Return the next message, failing the test if none comes."""
        return self.messages.get(timeout=TIMEOUT)

    def payloads_until(self, marker: bytes) -> list[bytes]:
        """Return the payloads received before the marker, which proves nothing else was on the way."""
        payloads = []
        while (payload := self.receive().payload) != marker:
            payloads.append(payload)
        return payloads

    def close(self) -> None:
        """Disconnect cleanly and stop the network thread."""
        self.paho.disconnect()
        self.paho.loop_stop()


class RawClient:
    """Speak MQTT over a bare socket, for what paho will not send."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection((HOST, port), timeout=TIMEOUT)

    def send(self, data: bytes | Packet) -> None:
        """Send raw bytes or an encoded packet."""
        self.sock.sendall(data if isinstance(data, bytes) else encode(data))

    def receive(self) -> Packet:
        """Read and decode the next packet from the broker."""
        first, length, multiplier = self._exactly(1)[0], 0, 1
        while True:
            digit = self._exactly(1)[0]
            length += (digit & 0x7F) * multiplier
            multiplier *= 128
            if not digit & 0x80:
                return decode(first, self._exactly(length))

    def closed_by_broker(self) -> bool:
        """Tell whether the broker closed the socket (a hang fails the test by timeout)."""
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True

    def _exactly(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            assert chunk, "the broker closed the connection"
            data += chunk
        return data


@pytest.fixture
def broker():
    """Run an embedded broker on a free port for one test."""
    broker = EmbeddedBroker(port=0)
    broker.start()
    yield broker
    broker.stop()


@pytest.fixture
def connect(broker):
    """Return a factory of Probes on the broker, all closed after the test."""
    probes = []

    def make(client_id: str, **options) -> Probe:
        probe = Probe(options.pop("port", broker.port), client_id, **options)
        probes.append(probe)
        return probe

    yield make
    for probe in probes:
        probe.close()


@pytest.fixture
def raw(broker):
    """Return a factory of raw sockets to the broker, all closed after the test."""
    clients = []

    def make() -> RawClient:
        clients.append(RawClient(broker.port))
        return clients[-1]

    yield make
    for client in clients:
        client.sock.close()


def wait_until(condition, timeout: float = TIMEOUT) -> None:
    """Poll a condition about the broker that no client can observe directly."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def test_qos0_and_qos1_messages_reach_the_subscriber_at_the_granted_qos(connect):
    kitchen = connect("kitchen")
    assert kitchen.subscribe(("orders/new", 1), ("orders/done", 0), ("orders/paid", 2)) == [1, 0, 1]
    kiosk = connect("kiosk")

    kiosk.publish("orders/new", b"order 1", qos=1)
    kiosk.publish("orders/new", b"order 2", qos=0)
    kiosk.publish("orders/done", b"order 0", qos=1)
    kiosk.publish("orders/paid", b"order 3", qos=2)

    received = [kitchen.receive() for _ in range(4)]
    assert [(m.topic, m.payload, m.qos, m.retain) for m in received] == [
        ("orders/new", b"order 1", 1, False),
        ("orders/new", b"order 2", 0, False),
        ("orders/done", b"order 0", 0, False),
        ("orders/paid", b"order 3", 1, False),
    ]


def test_wildcards_match_whole_levels_only(connect):
    display = connect("display")
    display.subscribe(("store/+/orders", 1), ("devices/#", 1))
    kiosk = connect("kiosk")
    for topic in ["store/1/orders", "store/1/2/orders", "store/orders", "devices", "devices/printer/status",
                  "device/x", "store/2/orders"]:
        kiosk.publish(topic, topic.encode())
    kiosk.publish("devices/end", b"end")

    assert display.payloads_until(b"end") == [
        b"store/1/orders", b"devices", b"devices/printer/status", b"store/2/orders",
    ]


def test_leading_wildcards_do_not_match_dollar_topics(connect):
    everything = connect("everything")
    everything.subscribe(("#", 1), ("+/status", 1))
    system = connect("system")
    system.subscribe(("$SYS/#", 1))
    agent = connect("agent")

    agent.publish("$SYS/status", b"system")
    agent.publish("kiosk/status", b"kiosk")

    assert everything.payloads_until(b"kiosk") == []
    assert system.receive().topic == "$SYS/status"


def test_unsubscribed_topics_are_no_longer_delivered(connect):
    display = connect("display")
    display.subscribe(("orders/#", 1), ("marker", 1))
    display.unsubscribe("orders/#")
    kiosk = connect("kiosk")
    kiosk.publish("orders/1", b"order")
    kiosk.publish("marker", b"marker")

    assert display.payloads_until(b"marker") == []


def test_retained_message_reaches_later_subscribers_with_the_retain_flag(broker, connect):
    live = connect("live")
    live.subscribe(("menu/#", 1))
    admin = connect("admin")
    admin.publish("menu/burger", b"9.50", qos=1, retain=True)
    admin.publish("menu/fries", b"3.00", qos=0, retain=True)

    message = live.receive()
    assert (message.topic, message.retain) == ("menu/burger", False)  # an established subscription
    late = connect("late")
    late.subscribe(("menu/burger", 1))
    message = late.receive()
    assert (message.payload, message.qos, message.retain) == (b"9.50", 1, True)
    lower = connect("lower")
    lower.subscribe(("menu/+", 0))
    assert sorted((m.topic, m.qos, m.retain) for m in [lower.receive(), lower.receive()]) == [
        ("menu/burger", 0, True), ("menu/fries", 0, True),
    ]
    assert broker.stats()["retained"] == 2


def test_empty_retained_payload_clears_the_topic(broker, connect):
    admin = connect("admin")
    admin.publish("menu/burger", b"9.50", retain=True)
    admin.publish("menu/burger", b"", retain=True)
    admin.publish("menu/fries", b"3.00", retain=True)

    late = connect("late")
    late.subscribe(("menu/#", 1))
    assert late.receive().topic == "menu/fries"
    assert broker.stats()["retained"] == 1


def test_will_is_published_when_a_client_drops_without_disconnect(connect, raw):
    watcher = connect("watcher")
    watcher.subscribe(("devices/+/status", 1))
    agent = raw()
    agent.send(Connect("agent", will=Message("devices/agent/status", b"offline", 1, True)))
    assert agent.receive() == Connack(0, False)

    agent.sock.close()

    message = watcher.receive()
    assert (message.topic, message.payload, message.qos) == ("devices/agent/status", b"offline", 1)
    late = connect("late")
    late.subscribe(("devices/agent/status", 1))
    assert late.receive().retain


def test_will_is_discarded_after_a_clean_disconnect(broker, connect, raw):
    watcher = connect("watcher")
    watcher.subscribe(("devices/+/status", 1))
    agent = raw()
    agent.send(Connect("agent", will=Message("devices/agent/status", b"offline", 1, False)))
    assert agent.receive() == Connack(0, False)

    agent.send(Disconnect())
    assert agent.closed_by_broker()
    wait_until(lambda: broker.stats()["clients"] == 1)
    watcher.publish("devices/watcher/status", b"marker")

    assert watcher.payloads_until(b"marker") == []


def test_will_is_published_when_the_keepalive_runs_out(connect, raw):
    watcher = connect("watcher")
    watcher.subscribe(("devices/+/status", 1))
    agent = raw()
    agent.send(Connect("agent", keepalive=1, will=Message("devices/agent/status", b"offline", 0, False)))
    assert agent.receive() == Connack(0, False)
    agent.send(Pingreq())
    assert agent.receive() == Pingresp()

    started = time.monotonic()
    assert watcher.receive().payload == b"offline"  # after 1.5 s of silence
    assert time.monotonic() - started > 1.0
    assert agent.closed_by_broker()


def test_persistent_session_gets_messages_sent_while_offline_in_order(broker, connect):
    printer = connect("printer", clean_session=False)
    printer.subscribe(("orders/#", 1))
    printer.close()
    kiosk = connect("kiosk")
    for number in range(5):
        kiosk.publish(f"orders/{number}", str(number).encode(), qos=1)
    assert broker.stats()["queued"] == 5

    printer = connect("printer", clean_session=False)

    assert printer.session_present
    assert [printer.receive().payload for _ in range(5)] == [b"0", b"1", b"2", b"3", b"4"]


def test_more_messages_than_the_inflight_window_arrive_in_order(broker, connect):
    printer = connect("printer")
    printer.subscribe(("orders", 1))
    kiosk = connect("kiosk")
    for number in range(300):
        kiosk.paho.publish("orders", str(number).encode(), qos=1)

    assert [int(printer.receive().payload) for _ in range(300)] == list(range(300))
    wait_until(lambda: broker.stats()["queued"] == 0)


def test_at_most_a_window_of_messages_awaits_acknowledgement(connect, raw):
    printer = raw()
    printer.send(Connect("printer"))
    assert printer.receive() == Connack(0, False)
    printer.send(Subscribe(1, (("orders", 1),)))
    assert printer.receive() == Suback(1, (1,))
    kiosk = connect("kiosk")
    for number in range(INFLIGHT_WINDOW + 50):
        kiosk.paho.publish("orders", str(number).encode(), qos=1)
    kiosk.publish("orders", b"last")  # every message is routed once this is acknowledged

    window = [printer.receive() for _ in range(INFLIGHT_WINDOW)]
    printer.send(Pingreq())
    assert printer.receive() == Pingresp()  # nothing beyond the window was sent
    printer.send(Puback(window[0].packet_id))
    assert printer.receive().payload == str(INFLIGHT_WINDOW).encode()


def test_unacknowledged_message_is_resent_with_dup_after_reconnect(connect):
    printer = connect("printer", clean_session=False, manual_ack=True)
    printer.subscribe(("orders", 1))
    kiosk = connect("kiosk")
    kiosk.publish("orders", b"order 1")
    first = printer.receive()  # never acknowledged
    printer.close()
    kiosk.publish("orders", b"order 2")

    printer = connect("printer", clean_session=False)

    again, queued = printer.receive(), printer.receive()
    assert (again.payload, again.dup, again.mid) == (b"order 1", True, first.mid)
    assert (queued.payload, queued.dup) == (b"order 2", False)


def test_queue_of_an_offline_session_keeps_the_newest_messages(connect):
    small = EmbeddedBroker(port=0, max_queued_messages=3)
    small.start()
    try:
        printer = connect("printer", clean_session=False, port=small.port)
        printer.subscribe(("orders", 1))
        printer.close()
        kiosk = connect("kiosk", port=small.port)
        for number in range(5):
            kiosk.publish("orders", str(number).encode())

        printer = connect("printer", clean_session=False, port=small.port)
        assert [printer.receive().payload for _ in range(3)] == [b"2", b"3", b"4"]
    finally:
        small.stop()


def test_clean_session_discards_the_previous_session_and_its_queue(broker, connect):
    printer = connect("printer", clean_session=False)
    printer.subscribe(("orders", 1))
    printer.close()
    connect("kiosk").publish("orders", b"stale order")

    printer = connect("printer", clean_session=True)
    assert not printer.session_present
    printer.subscribe(("orders", 1))
    connect("kiosk2").publish("orders", b"fresh order")

    assert printer.receive().payload == b"fresh order"
    printer.close()
    wait_until(lambda: broker.stats()["sessions"] == 2)  # only the two kiosks remain


def test_same_client_id_takes_over_and_the_old_connection_leaves_its_will(connect):
    watcher = connect("watcher")
    watcher.subscribe(("devices/+/status", 1))
    old = connect("agent", will=("devices/agent/status", b"offline", 1, False))

    new = connect("agent")

    assert old.disconnected.wait(TIMEOUT)
    assert watcher.receive().payload == b"offline"
    new.subscribe(("orders", 1))
    watcher.publish("orders", b"for the new one")
    assert new.receive().payload == b"for the new one"


def test_bad_password_is_refused_as_not_authorized(caplog):
    caplog.set_level(logging.DEBUG)
    broker = EmbeddedBroker(port=0, authenticate=lambda client_id, user, password: password == b"s3cret-pw")
    broker.start()
    try:
        refused = Probe(broker.port, "kiosk", username="kiosk", password="wrong-pw")
        accepted = Probe(broker.port, "kiosk2", username="kiosk", password="s3cret-pw")
        refused.close()
        accepted.close()
    finally:
        broker.stop()

    assert str(refused.reason) == "Not authorized"
    assert not accepted.reason.is_failure
    assert "s3cret-pw" not in caplog.text and "wrong-pw" not in caplog.text


def test_authorize_refuses_a_subscription_and_a_publish():
    def authorize(username, client_id, action, topic):
        return not topic.startswith("admin/")

    broker = EmbeddedBroker(port=0, authorize=authorize)
    broker.start()
    try:
        watcher = Probe(broker.port, "watcher")
        assert watcher.subscribe(("orders/#", 1), ("admin/#", 1), ("#", 0)) == [1, 0x80, 0]
        kiosk = Probe(broker.port, "kiosk")
        kiosk.publish("admin/reset", b"refused", qos=1)  # still acknowledged
        kiosk.publish("orders/1", b"marker", qos=1)
        assert watcher.payloads_until(b"marker") == []
        watcher.close()
        kiosk.close()
    finally:
        broker.stop()


def test_garbage_from_one_socket_does_not_disturb_other_clients(connect, raw):
    display = connect("display")
    display.subscribe(("orders", 1))
    before_connect, after_connect, oversized, bad_topic = raw(), raw(), raw(), raw()
    for client in (after_connect, oversized, bad_topic):
        client.send(Connect(f"raw-{id(client)}"))
        assert client.receive() == Connack(0, False)

    before_connect.send(b"\xff\xff\xff\xff\xff\xffGET / HTTP/1.1\r\n\r\n")
    after_connect.send(b"\x82\x05\x00\x01\x00\x01a\x07")  # SUBSCRIBE with QoS 7
    oversized.send(b"\x30" + encode_remaining_length(2 * 1024 * 1024) + b"\x00")
    bad_topic.send(Publish("orders/+", b"wildcard in a topic name"))

    for client in (before_connect, after_connect, oversized, bad_topic):
        assert client.closed_by_broker()
    connect("kiosk").publish("orders", b"still works")
    assert display.receive().payload == b"still works"
    assert not display.disconnected.is_set()


def test_qos2_publish_resent_before_pubrel_is_delivered_once(connect, raw):
    display = connect("display")
    display.subscribe(("orders", 2))
    kiosk = raw()
    kiosk.send(Connect("kiosk"))
    assert kiosk.receive() == Connack(0, False)

    kiosk.send(Publish("orders", b"once", qos=2, packet_id=7))
    assert kiosk.receive() == Pubrec(7)
    kiosk.send(Publish("orders", b"once", qos=2, dup=True, packet_id=7))
    assert kiosk.receive() == Pubrec(7)
    kiosk.send(Pubrel(7))
    assert kiosk.receive() == Pubcomp(7)
    kiosk.send(Publish("orders", b"marker"))

    message = display.receive()
    assert (message.payload, message.qos) == (b"once", 1)
    assert display.payloads_until(b"marker") == []


def test_mqtt5_connect_is_refused_with_return_code_1(raw):
    client = raw()
    client.send(b"\x10\x0e\x00\x04MQTT\x05\x02\x00\x3c\x00\x00\x01a")  # properties length 0, id "a"

    assert client.receive() == Connack(1, False)
    assert client.closed_by_broker()


def test_empty_client_id_needs_a_clean_session(connect, raw):
    client = raw()
    client.send(Connect("", clean_session=False))
    assert client.receive() == Connack(2, False)
    assert client.closed_by_broker()

    anonymous = connect("")
    assert not anonymous.reason.is_failure
    anonymous.subscribe(("orders", 1))
    anonymous.publish("orders", b"to myself")
    assert anonymous.receive().payload == b"to myself"


def test_mqtt31_clients_are_accepted(raw):
    client = raw()
    client.send(Connect("legacy", protocol_level=3))
    assert client.receive() == Connack(0, False)


def test_stop_closes_clients_and_releases_the_port():
    broker = EmbeddedBroker(port=0)
    broker.start()
    port = broker.port
    client = Probe(port, "kiosk")

    broker.stop()
    broker.stop()

    assert client.disconnected.wait(TIMEOUT)
    client.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((HOST, port), timeout=TIMEOUT)
    again = EmbeddedBroker(port=port)
    again.start()
    try:
        assert again.url == f"mqtt://{HOST}:{port}"
        assert not Probe(port, "kiosk").reason.is_failure
    finally:
        again.stop()


def test_starting_on_a_taken_port_raises_a_clear_oserror(broker):
    with pytest.raises(OSError, match=f"cannot listen on {HOST}:{broker.port}"):
        EmbeddedBroker(port=broker.port).start()


def test_stats_count_clients_sessions_and_queued_messages(broker, connect):
    assert broker.stats() == {"clients": 0, "sessions": 0, "queued": 0, "retained": 0}
    printer = connect("printer", clean_session=False)
    printer.subscribe(("orders", 1))
    printer.close()
    kiosk = connect("kiosk")
    kiosk.publish("orders", b"1")
    wait_until(lambda: broker.stats()["clients"] == 1)

    assert broker.stats() == {"clients": 1, "sessions": 2, "queued": 1, "retained": 0}
