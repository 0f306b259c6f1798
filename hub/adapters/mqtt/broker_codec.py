"""Encode and decode MQTT 3.1.1 packets between bytes and broker_packets dataclasses."""

from __future__ import annotations

import asyncio
import struct

from hub.adapters.mqtt.broker_packets import (
    CONNACK, CONNECT, DISCONNECT, PINGREQ, PINGRESP, PROTOCOL_LEVELS, PUBACK, PUBCOMP, PUBLISH,
    PUBREC, PUBREL, SUBACK, SUBSCRIBE, UNSUBACK, UNSUBSCRIBE, Connack, Connect, Disconnect,
    MalformedPacket, Message, Packet, PacketTooLarge, Pingreq, Pingresp, Puback, Pubcomp, Publish,
    Pubrec, Pubrel, Suback, Subscribe, Unsuback, Unsubscribe, UnsupportedProtocol,
)

# The largest value four bytes of variable-length integer can carry (spec 2.2.3).
MAX_REMAINING_LENGTH = 268_435_455

# Fixed-header flags the spec requires (2.2.2); PUBLISH carries its own.
_REQUIRED_FLAGS = {PUBREL: 0b0010, SUBSCRIBE: 0b0010, UNSUBSCRIBE: 0b0010}


async def read_packet(reader: asyncio.StreamReader, max_size: int) -> tuple[int, bytes]:
    """Read one packet's first byte and body, refusing bodies above max_size bytes."""
    # Every packet is at least two bytes, so the first length byte comes with the header.
    head = await reader.readexactly(2)
    digit = head[1]
    length = digit & 0x7F
    multiplier = 128
    count = 1
    while digit & 0x80:
        if count == 4:
            raise MalformedPacket("remaining length longer than four bytes")
        digit = (await reader.readexactly(1))[0]
        length += (digit & 0x7F) * multiplier
        multiplier *= 128
        count += 1
    if length > max_size:
        raise PacketTooLarge(f"remaining length {length} is above the limit of {max_size}")
    body = await reader.readexactly(length) if length else b""
    return head[0], body


def encode_remaining_length(length: int) -> bytes:
    """Encode a remaining length as the spec's variable-length integer."""
    if not 0 <= length <= MAX_REMAINING_LENGTH:
        raise ValueError(f"remaining length {length} out of range")
    out = bytearray()
    while True:
        digit, length = length % 128, length // 128
        if not length:
            out.append(digit)
            return bytes(out)
        out.append(digit | 0x80)


def encode_publish(
    topic: str, payload: bytes, qos: int, retain: bool, dup: bool, packet_id: int | None
) -> bytes:
    """Encode a PUBLISH without building a dataclass (the broker's hot path)."""
    name = topic.encode()
    variable = struct.pack("!H", len(name)) + name
    if qos:
        variable += struct.pack("!H", packet_id)
    first = PUBLISH << 4 | dup << 3 | qos << 1 | retain
    return _frame(first, variable + payload)


def encode_id_packet(kind: int, packet_id: int) -> bytes:
    """Encode a packet that carries only a packet id (PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK)."""
    return struct.pack("!BBH", kind << 4 | _REQUIRED_FLAGS.get(kind, 0), 2, packet_id)


def encode(packet: Packet) -> bytes:
    """Encode any packet to the bytes sent on the wire."""
    match packet:
        case Publish():
            return encode_publish(
                packet.topic, packet.payload, packet.qos, packet.retain, packet.dup,
                packet.packet_id,
            )
        case Connect():
            return _frame(CONNECT << 4, _encode_connect(packet))
        case Connack():
            return _frame(CONNACK << 4, bytes([packet.session_present, packet.return_code]))
        case Puback() | Pubrec() | Pubrel() | Pubcomp() | Unsuback():
            return encode_id_packet(_ID_ONLY_KINDS[type(packet)], packet.packet_id)
        case Subscribe():
            body = b"".join(_string(f) + bytes([q]) for f, q in packet.topics)
            return _frame(SUBSCRIBE << 4 | 0b0010, struct.pack("!H", packet.packet_id) + body)
        case Suback():
            return _frame(SUBACK << 4, struct.pack("!H", packet.packet_id) + bytes(packet.return_codes))
        case Unsubscribe():
            body = b"".join(_string(f) for f in packet.filters)
            return _frame(UNSUBSCRIBE << 4 | 0b0010, struct.pack("!H", packet.packet_id) + body)
        case Pingreq():
            return bytes([PINGREQ << 4, 0])
        case Pingresp():
            return bytes([PINGRESP << 4, 0])
        case Disconnect():
            return bytes([DISCONNECT << 4, 0])
    raise TypeError(f"not an MQTT packet: {packet!r}")


def decode(first: int, body: bytes) -> Packet:
    """Decode a packet from its first byte and body; raise MalformedPacket if invalid."""
    kind, flags = first >> 4, first & 0x0F
    if kind == PUBLISH:
        return _decode_publish(flags, body)
    decoder = _DECODERS.get(kind)
    if decoder is None:
        raise MalformedPacket(f"reserved packet type {kind}")
    if flags != _REQUIRED_FLAGS.get(kind, 0):
        raise MalformedPacket(f"invalid flags {flags:#x} for packet type {kind}")
    cursor = _Cursor(body)
    packet = decoder(cursor)
    if not cursor.at_end():
        raise MalformedPacket(f"{len(body) - cursor.pos} unexpected bytes after packet type {kind}")
    return packet


def _frame(first: int, body: bytes) -> bytes:
    return bytes([first]) + encode_remaining_length(len(body)) + body


def _string(text: str) -> bytes:
    return _binary(text.encode())


def _binary(data: bytes) -> bytes:
    if len(data) > 0xFFFF:
        raise ValueError("MQTT strings and binary fields are at most 65535 bytes")
    return struct.pack("!H", len(data)) + data


def _encode_connect(packet: Connect) -> bytes:
    name = "MQIsdp" if packet.protocol_level == 3 else "MQTT"
    will = packet.will
    flags = packet.clean_session << 1
    payload = _string(packet.client_id)
    if will is not None:
        flags |= 0x04 | will.qos << 3 | will.retain << 5
        payload += _string(will.topic) + _binary(will.payload)
    if packet.username is not None:
        flags |= 0x80
        payload += _string(packet.username)
    if packet.password is not None:
        flags |= 0x40
        payload += _binary(packet.password)
    header = _string(name) + bytes([packet.protocol_level, flags])
    return header + struct.pack("!H", packet.keepalive) + payload


class _Cursor:
    """Read fields from a packet body, raising MalformedPacket when it runs short."""

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise MalformedPacket("packet ends early")
        self.pos += 1
        return self.data[self.pos - 1]

    def uint16(self) -> int:
        if self.pos + 2 > len(self.data):
            raise MalformedPacket("packet ends early")
        (value,) = struct.unpack_from("!H", self.data, self.pos)
        self.pos += 2
        return value

    def binary(self) -> bytes:
        size = self.uint16()
        if self.pos + size > len(self.data):
            raise MalformedPacket("string runs past the end of the packet")
        self.pos += size
        return self.data[self.pos - size:self.pos]

    def string(self) -> str:
        try:
            return self.binary().decode()
        except UnicodeDecodeError as exc:
            raise MalformedPacket("string is not well-formed UTF-8") from exc

    def rest(self) -> bytes:
        data, self.pos = self.data[self.pos:], len(self.data)
        return data

    def at_end(self) -> bool:
        return self.pos == len(self.data)


def _decode_publish(flags: int, body: bytes) -> Publish:
    qos = (flags >> 1) & 0b11
    if qos == 3:
        raise MalformedPacket("PUBLISH with QoS 3")
    cursor = _Cursor(body)
    topic = cursor.string()
    packet_id = None
    if qos:
        packet_id = cursor.uint16()
        if not packet_id:
            raise MalformedPacket("PUBLISH with packet id 0")
    return Publish(topic, cursor.rest(), qos, bool(flags & 1), bool(flags & 0b1000), packet_id)


def _decode_connect(cursor: _Cursor) -> Connect:
    name = cursor.string()
    level = cursor.byte()
    if name not in PROTOCOL_LEVELS:
        raise MalformedPacket(f"unknown protocol name {name!r}")
    if level != PROTOCOL_LEVELS[name]:
        raise UnsupportedProtocol(name, level)
    flags = cursor.byte()
    will_flag, will_qos, will_retain = flags & 0x04, (flags >> 3) & 0b11, bool(flags & 0x20)
    if flags & 0x01:
        raise MalformedPacket("reserved CONNECT flag set")
    if will_qos == 3 or (not will_flag and (will_qos or will_retain)):
        raise MalformedPacket("will QoS or retain set inconsistently")
    if flags & 0x40 and not flags & 0x80:
        raise MalformedPacket("password without user name")
    keepalive = cursor.uint16()
    client_id = cursor.string()
    will = Message(cursor.string(), cursor.binary(), will_qos, will_retain) if will_flag else None
    username = cursor.string() if flags & 0x80 else None
    password = cursor.binary() if flags & 0x40 else None
    return Connect(client_id, bool(flags & 0x02), keepalive, username, password, will, level)


def _decode_connack(cursor: _Cursor) -> Connack:
    flags = cursor.byte()
    return Connack(cursor.byte(), bool(flags & 1))


def _decode_subscribe(cursor: _Cursor) -> Subscribe:
    packet_id = cursor.uint16()
    topics = []
    while not cursor.at_end():
        topic_filter, qos = cursor.string(), cursor.byte()
        if qos > 2:
            raise MalformedPacket(f"requested QoS byte {qos:#x} is invalid")
        topics.append((topic_filter, qos))
    if not topics:
        raise MalformedPacket("SUBSCRIBE without a topic filter")
    return Subscribe(packet_id, tuple(topics))


def _decode_unsubscribe(cursor: _Cursor) -> Unsubscribe:
    packet_id = cursor.uint16()
    filters = []
    while not cursor.at_end():
        filters.append(cursor.string())
    if not filters:
        raise MalformedPacket("UNSUBSCRIBE without a topic filter")
    return Unsubscribe(packet_id, tuple(filters))


def _decode_suback(cursor: _Cursor) -> Suback:
    return Suback(cursor.uint16(), tuple(cursor.rest()))


_ID_ONLY_KINDS = {Puback: PUBACK, Pubrec: PUBREC, Pubrel: PUBREL, Pubcomp: PUBCOMP, Unsuback: UNSUBACK}

_DECODERS = {
    CONNECT: _decode_connect,
    CONNACK: _decode_connack,
    PUBACK: lambda c: Puback(c.uint16()),
    PUBREC: lambda c: Pubrec(c.uint16()),
    PUBREL: lambda c: Pubrel(c.uint16()),
    PUBCOMP: lambda c: Pubcomp(c.uint16()),
    SUBSCRIBE: _decode_subscribe,
    SUBACK: _decode_suback,
    UNSUBSCRIBE: _decode_unsubscribe,
    UNSUBACK: lambda c: Unsuback(c.uint16()),
    PINGREQ: lambda c: Pingreq(),
    PINGRESP: lambda c: Pingresp(),
    DISCONNECT: lambda c: Disconnect(),
}
