"""Topic matching, validation and packet encoding of the embedded MQTT broker."""

import asyncio

import pytest

from hub.adapters.mqtt.broker_codec import (
    MAX_REMAINING_LENGTH, decode, encode, encode_remaining_length, read_packet,
)
from hub.adapters.mqtt.broker_packets import (
    Connack, Connect, Disconnect, MalformedPacket, Message, PacketTooLarge, Pingreq, Pingresp,
    Puback, Pubcomp, Publish, Pubrec, Pubrel, Suback, Subscribe, Unsuback, Unsubscribe,
    UnsupportedProtocol,
)
from hub.adapters.mqtt.broker_topics import (
    RetainedMessages, SubscriptionIndex, is_valid_topic_filter, is_valid_topic_name, topic_matches,
)


@pytest.mark.parametrize(
    ("topic_filter", "topic", "expected"),
    [
        ("store/orders", "store/orders", True),
        ("store/orders", "store/Orders", False),
        ("store/+", "store/orders", True),
        ("store/+", "store/orders/7", False),
        ("store/+/state", "store/kiosk1/state", True),
        ("+", "orders", True),
        ("+", "/orders", False),
        ("+/+", "/orders", True),
        ("/+", "/orders", True),
        ("store/+", "store/", True),
        ("store/#", "store", True),
        ("store/#", "store/orders/7/lines", True),
        ("store/#", "stores/orders", False),
        ("#", "store/orders", True),
        ("#", "$SYS/uptime", False),
        ("+/uptime", "$SYS/uptime", False),
        ("$SYS/#", "$SYS/uptime", True),
        ("$SYS/+", "$SYS/uptime", True),
        ("store/orders/+", "store/orders", False),
    ],
)
def test_filter_matches_topic_as_the_spec_says(topic_filter, topic, expected):
    assert topic_matches(topic_filter, topic) is expected


@pytest.mark.parametrize(
    ("topic_filter", "valid"),
    [
        ("store/orders", True), ("#", True), ("+", True), ("store/+/state", True),
        ("store/#", True), ("/", True), ("+/+/#", True),
        ("", False), ("store/#/state", False), ("store#", False), ("store/ord+", False),
        ("store/\x00", False), ("##", False),
    ],
)
def test_topic_filter_validation(topic_filter, valid):
    assert is_valid_topic_filter(topic_filter) is valid


@pytest.mark.parametrize(
    ("topic", "valid"),
    [("store/orders", True), ("/", True), ("$SYS/x", True),
     ("", False), ("store/+", False), ("store/#", False), ("a\x00b", False)],
)
def test_topic_name_validation(topic, valid):
    assert is_valid_topic_name(topic) is valid


def test_index_gives_each_subscriber_its_highest_matching_qos():
    index = SubscriptionIndex()
    index.add("store/orders", "kitchen", 0)
    index.add("store/#", "kitchen", 1)
    index.add("store/+", "counter", 0)
    index.add("other", "printer", 1)

    assert index.match("store/orders") == {"kitchen": 1, "counter": 0}
    index.remove("store/#", "kitchen")
    assert index.match("store/orders") == {"kitchen": 0, "counter": 0}
    index.remove("store/orders", "kitchen")
    index.remove("never/subscribed", "kitchen")
    assert index.match("store/orders") == {"counter": 0}
    assert len(index) == 2


def test_retained_messages_are_replaced_and_cleared_by_an_empty_payload():
    retained = RetainedMessages()
    retained.store(Message("menu/1", b"old", 1, True))
    retained.store(Message("menu/1", b"new", 1, True))
    retained.store(Message("menu/2", b"two", 0, True))
    retained.store(Message("$SYS/version", b"1", 0, True))

    assert retained.matching("menu/1") == [Message("menu/1", b"new", 1, True)]
    assert sorted(m.topic for m in retained.matching("#")) == ["menu/1", "menu/2"]
    retained.store(Message("menu/1", b"", 0, True))
    assert [m.topic for m in retained.matching("menu/+")] == ["menu/2"]
    assert len(retained) == 2


@pytest.mark.parametrize(
    ("length", "encoded"),
    [
        (1, b"\x01"), (127, b"\x7f"), (128, b"\x80\x01"), (16_383, b"\xff\x7f"),
        (16_384, b"\x80\x80\x01"), (2_097_151, b"\xff\xff\x7f"), (2_097_152, b"\x80\x80\x80\x01"),
        (MAX_REMAINING_LENGTH, b"\xff\xff\xff\x7f"),
    ],
)
def test_remaining_length_uses_the_spec_encoding(length, encoded):
    assert encode_remaining_length(length) == encoded
    if length <= 2_097_152:  # reading the largest body would only cost a quarter gigabyte
        assert _read(b"\x30" + encoded + b"x" * length, max_size=length)[1] == b"x" * length
    with pytest.raises(PacketTooLarge, match=str(length)):
        _read(b"\x30" + encoded, max_size=length - 1)


def test_remaining_length_above_the_maximum_cannot_be_encoded():
    with pytest.raises(ValueError):
        encode_remaining_length(MAX_REMAINING_LENGTH + 1)


def test_five_length_bytes_are_malformed():
    with pytest.raises(MalformedPacket):
        _read(b"\x30\xff\xff\xff\xff\x01")


def test_a_body_above_the_limit_is_refused_before_it_is_read():
    with pytest.raises(PacketTooLarge):
        _read(b"\x30" + encode_remaining_length(2_000_000), max_size=1_000_000)


@pytest.mark.parametrize(
    "packet",
    [
        Connect("kiosk-1"),
        Connect("agent", clean_session=False, keepalive=5, username="agent", password=b"s\x00cret",
                will=Message("devices/agent/status", b"offline", 1, True)),
        Connect("old", protocol_level=3),
        Connack(0, True), Connack(5, False),
        Publish("store/orders", b"{}"),
        Publish("store/orders", b"\x00\xff", qos=1, retain=True, dup=True, packet_id=65535),
        Publish("store/orders", b"", qos=2, packet_id=1),
        Publish("store/orders", b"x" * 200_000, qos=1, packet_id=7),
        Puback(1), Pubrec(2), Pubrel(3), Pubcomp(4), Unsuback(5),
        Subscribe(10, (("store/#", 1), ("kitchen/+/state", 2))),
        Suback(10, (1, 0x80)),
        Unsubscribe(11, ("store/#", "a")),
        Pingreq(), Pingresp(), Disconnect(),
    ],
)
def test_packet_round_trips_through_bytes(packet):
    first, body = _read(encode(packet), max_size=MAX_REMAINING_LENGTH)
    assert decode(first, body) == packet


def test_packets_have_the_exact_bytes_of_the_spec():
    assert encode(Connect("a")) == b"\x10\x0d\x00\x04MQTT\x04\x02\x00\x3c\x00\x01a"
    assert encode(Puback(10)) == b"\x40\x02\x00\x0a"
    assert encode(Pubrel(10)) == b"\x62\x02\x00\x0a"
    assert encode(Publish("a/b", b"hi", qos=1, retain=True, packet_id=1)) == b"\x33\x09\x00\x03a/b\x00\x01hi"
    assert encode(Pingreq()) == b"\xc0\x00"


def test_mqtt5_connect_is_an_unsupported_protocol_not_a_malformed_packet():
    mqtt5 = b"\x00\x04MQTT\x05\x02\x00\x3c\x00\x00\x01a"
    with pytest.raises(UnsupportedProtocol) as raised:
        decode(0x10, mqtt5)
    assert raised.value.level == 5


@pytest.mark.parametrize(
    ("first", "body"),
    [
        (0x10, b"\x00\x04MQTX\x04\x02\x00\x3c\x00\x01a"),  # unknown protocol name
        (0x10, b"\x00\x04MQTT\x04\x03\x00\x3c\x00\x01a"),  # reserved connect flag
        (0x10, b"\x00\x04MQTT\x04\x42\x00\x3c\x00\x01a\x00\x01p"),  # password without user name
        (0x10, b"\x00\x04MQTT\x04\x02\x00\x3c\x00\x05a"),  # client id runs past the end
        (0x10, b"\x00\x04MQTT\x04\x02\x00\x3c\x00\x01aXX"),  # trailing bytes
        (0x36, b"\x00\x01a\x00\x01"),  # PUBLISH with QoS 3
        (0x32, b"\x00\x01a\x00\x00"),  # QoS 1 PUBLISH with packet id 0
        (0x30, b"\x00\x02\xc3\x28"),  # topic is not UTF-8
        (0x80, b"\x00\x01\x00\x01a\x01"),  # SUBSCRIBE with flags 0
        (0x82, b"\x00\x01\x00\x01a\x03"),  # requested QoS 3
        (0x82, b"\x00\x01"),  # SUBSCRIBE without filters
        (0xA2, b"\x00\x01"),  # UNSUBSCRIBE without filters
        (0xF0, b""),  # reserved packet type 15
        (0x00, b""),  # reserved packet type 0
        (0x40, b"\x00"),  # PUBACK too short
    ],
)
def test_malformed_packets_are_refused(first, body):
    with pytest.raises(MalformedPacket):
        decode(first, body)


def _read(data: bytes, max_size: int = 1024) -> tuple[int, bytes]:
    async def read() -> tuple[int, bytes]:
        reader = asyncio.StreamReader(limit=2**20)
        reader.feed_data(data)
        reader.feed_eof()
        return await read_packet(reader, max_size)

    return asyncio.run(read())
