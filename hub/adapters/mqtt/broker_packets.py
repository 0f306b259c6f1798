"""Describe MQTT 3.1.1 control packets as frozen dataclasses for the embedded broker.

Exceptions:

    ProtocolError          a client broke the protocol; close its connection
    └── MalformedPacket    the bytes do not form a valid packet
        └── PacketTooLarge the remaining length is above the broker's limit
    UnsupportedProtocol    a CONNECT for a protocol level the broker does not speak
"""

from __future__ import annotations

from dataclasses import dataclass

CONNECT, CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP = range(1, 8)
SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK, PINGREQ, PINGRESP, DISCONNECT = range(8, 15)

SUBSCRIPTION_FAILURE = 0x80

# Protocol name -> the one level it may carry: 3.1.1 and its predecessor 3.1.
PROTOCOL_LEVELS = {"MQTT": 4, "MQIsdp": 3}


class ProtocolError(ValueError):
    """Raise when a client breaks MQTT 3.1.1 and its connection must close."""


class MalformedPacket(ProtocolError):
    """Raise when bytes do not form a valid MQTT 3.1.1 packet."""


class PacketTooLarge(MalformedPacket):
    """Raise when a packet's remaining length is above the accepted maximum."""


class UnsupportedProtocol(Exception):
    """Raise for a CONNECT whose protocol level the broker does not speak."""

    def __init__(self, name: str, level: int) -> None:
        super().__init__(f"unsupported protocol {name!r} level {level}")
        self.level = level


@dataclass(frozen=True, slots=True)
class Message:
    """An application message: a PUBLISH's content, a will or a retained message."""

    topic: str
    payload: bytes
    qos: int = 0
    retain: bool = False


@dataclass(frozen=True, slots=True)
class Connect:
    """Open a session (client to broker)."""

    client_id: str
    clean_session: bool = True
    keepalive: int = 60
    username: str | None = None
    password: bytes | None = None
    will: Message | None = None
    protocol_level: int = 4


@dataclass(frozen=True, slots=True)
class Connack:
    """Answer a CONNECT."""

    return_code: int = 0
    session_present: bool = False


@dataclass(frozen=True, slots=True)
class Publish:
    """Carry an application message in either direction."""

    topic: str
    payload: bytes = b""
    qos: int = 0
    retain: bool = False
    dup: bool = False
    packet_id: int | None = None


@dataclass(frozen=True, slots=True)
class Puback:
    """Acknowledge a QoS 1 PUBLISH."""

    packet_id: int


@dataclass(frozen=True, slots=True)
class Pubrec:
    """Acknowledge receipt of a QoS 2 PUBLISH."""

    packet_id: int


@dataclass(frozen=True, slots=True)
class Pubrel:
    """Release a QoS 2 PUBLISH."""

    packet_id: int


@dataclass(frozen=True, slots=True)
class Pubcomp:
    """Complete a QoS 2 exchange."""

    packet_id: int


@dataclass(frozen=True, slots=True)
class Subscribe:
    """Ask for messages matching topic filters, each with a requested QoS."""

    packet_id: int
    topics: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Suback:
    """Grant (or refuse with 0x80) each filter of a SUBSCRIBE."""

    packet_id: int
    return_codes: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Unsubscribe:
    """Remove subscriptions."""

    packet_id: int
    filters: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Unsuback:
    """Acknowledge an UNSUBSCRIBE."""

    packet_id: int


@dataclass(frozen=True, slots=True)
class Pingreq:
    """Keep the connection alive."""


@dataclass(frozen=True, slots=True)
class Pingresp:
    """Answer a PINGREQ."""


@dataclass(frozen=True, slots=True)
class Disconnect:
    """Close the connection cleanly, discarding the will."""


Packet = (
    Connect | Connack | Publish | Puback | Pubrec | Pubrel | Pubcomp | Subscribe | Suback
    | Unsubscribe | Unsuback | Pingreq | Pingresp | Disconnect
)
