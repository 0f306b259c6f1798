"""ZVT links: whole APDUs over a transport.

Over TCP an APDU goes as it is. Over a serial line it goes in a frame with a CRC; each
frame is answered with ACK (06) or NAK (15) and sent again after a NAK or silence.
"""

from __future__ import annotations

import abc
import logging
import time
from urllib.parse import urlsplit

from devices.zvt.apdu import Apdu, data_length, decode_apdu, header_size
from devices.zvt.errors import LinkError, LinkTimeout
from devices.zvt.framing import ACK, DLE, ETX, NAK, STX, encode_frame, frame_crc
from devices.zvt.transport import DEFAULT_TCP_PORT, SerialTransport, TcpTransport, Transport

logger = logging.getLogger(__name__)

T1_ACK_TIMEOUT_S = 5.0  # T1: how long a sender waits for ACK/NAK after a frame before sending it again
T2_BYTE_TIMEOUT_S = 1.0  # T2: the longest gap between two bytes of one frame or APDU
MAX_SEND_ATTEMPTS = 3  # a frame is sent at most this often (NAK or no answer), then the link has failed
MAX_BAD_FRAMES = 3  # a receiver NAKs a broken frame this often, then gives up


class Link(abc.ABC):
    """Moves whole APDUs over a transport."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self._buffer = b""

    def open(self) -> None:
        """Open the transport."""
        self._buffer = b""
        self.transport.open()

    def close(self) -> None:
        """Close the transport."""
        self.transport.close()

    @abc.abstractmethod
    def send(self, apdu: Apdu) -> None:
        """Deliver one APDU."""

    @abc.abstractmethod
    def receive(self, timeout: float) -> Apdu:
        """Return the next APDU; LinkTimeout when none starts within timeout."""

    def _read_byte(self, timeout: float) -> int | None:
        if not self._buffer:
            self._buffer = self.transport.read(512, timeout)
            if not self._buffer:
                return None
        byte, self._buffer = self._buffer[0], self._buffer[1:]
        return byte

    def _read_exact(self, size: int, timeout: float) -> bytes:
        out = bytearray()
        while len(out) < size:
            byte = self._read_byte(timeout)
            if byte is None:
                raise LinkTimeout(f"APDU cut short: {len(out)} of {size} bytes arrived")
            out.append(byte)
        return bytes(out)


class TcpLink(Link):
    """APDUs as they are, one after the other (the TCP transport protocol)."""

    def send(self, apdu: Apdu) -> None:
        """Write the APDU."""
        self.transport.write(apdu.encode())

    def receive(self, timeout: float) -> Apdu:
        """Read one APDU by its length field."""
        first = self._read_byte(timeout)
        if first is None:
            raise LinkTimeout(f"no message within {timeout:g} s")
        head = bytes([first]) + self._read_exact(2, T2_BYTE_TIMEOUT_S)
        size = header_size(head)
        assert size is not None
        head += self._read_exact(size - 3, T2_BYTE_TIMEOUT_S)
        return decode_apdu(head + self._read_exact(data_length(head), T2_BYTE_TIMEOUT_S))


class SerialLink(Link):
    """APDUs in DLE STX ... DLE ETX CRC frames, each acknowledged with ACK or NAK."""

    def send(self, apdu: Apdu) -> None:
        """Write the frame until the other side ACKs it; LinkError after MAX_SEND_ATTEMPTS."""
        frame = encode_frame(apdu.encode())
        for attempt in range(1, MAX_SEND_ATTEMPTS + 1):
            self.transport.write(frame)
            answer = self._await_ack()
            if answer == ACK:
                return
            logger.info("terminal link: %s %s (attempt %d of %d)", apdu.name(),
                        "NAKed" if answer == NAK else "not acknowledged", attempt, MAX_SEND_ATTEMPTS)
        raise LinkError(f"{apdu.name()} was not acknowledged after {MAX_SEND_ATTEMPTS} attempts")

    def _await_ack(self) -> int | None:
        deadline = time.monotonic() + T1_ACK_TIMEOUT_S
        while (left := deadline - time.monotonic()) > 0:
            byte = self._read_byte(left)
            if byte in (ACK, NAK):
                return byte
        return None

    def receive(self, timeout: float) -> Apdu:
        """Read one frame, check its CRC, answer ACK (or NAK and wait for it again)."""
        deadline = time.monotonic() + timeout
        bad = 0
        while True:
            if not self._await_start(deadline):
                raise LinkTimeout(f"no message within {timeout:g} s")
            body, crc = self._read_frame_body()
            if crc == frame_crc(body):
                self.transport.write(bytes([ACK]))
                return decode_apdu(body)
            bad += 1
            self.transport.write(bytes([NAK]))
            logger.info("terminal link: frame with a bad CRC, NAKed (%d of %d)", bad, MAX_BAD_FRAMES)
            if bad >= MAX_BAD_FRAMES:
                raise LinkError(f"{MAX_BAD_FRAMES} frames in a row had a bad CRC")
            deadline = max(deadline, time.monotonic() + T1_ACK_TIMEOUT_S)

    def _await_start(self, deadline: float) -> bool:
        previous = None
        while (left := deadline - time.monotonic()) > 0:
            byte = self._read_byte(left)
            if previous == DLE and byte == STX:
                return True
            previous = byte
        return False

    def _read_frame_body(self) -> tuple[bytes, bytes]:
        body = bytearray()
        while True:
            byte = self._read_byte(T2_BYTE_TIMEOUT_S)
            if byte is None:
                raise LinkTimeout("frame cut short")
            if byte != DLE:
                body.append(byte)
                continue
            follow = self._read_byte(T2_BYTE_TIMEOUT_S)
            if follow == DLE:
                body.append(DLE)
            elif follow == ETX:
                return bytes(body), self._read_exact(2, T2_BYTE_TIMEOUT_S)
            else:
                raise LinkError(f"DLE followed by {follow!r} inside a frame")


def open_link(connection: str) -> Link:
    """Return an opened link for `tcp://host:port` or a serial device path / pyserial URL."""
    if connection.startswith("tcp://"):
        parts = urlsplit(connection)
        if not parts.hostname:
            raise ValueError(f"terminal connection {connection!r} has no host (tcp://host:20007)")
        link: Link = TcpLink(TcpTransport(parts.hostname, parts.port or DEFAULT_TCP_PORT))
    else:
        link = SerialLink(SerialTransport(connection))
    link.open()
    return link
