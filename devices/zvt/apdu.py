"""The ZVT APDU: control field (CLASS, INSTR), length, data."""

from __future__ import annotations

from dataclasses import dataclass

from devices.zvt.errors import MalformedApdu

EXTENDED_LENGTH = 0xFF  # a length byte of FF means: the real length follows in two bytes, low byte first
MAX_SHORT_LENGTH = 0xFE
MAX_LENGTH = 0xFFFF

# ECR -> terminal
REGISTRATION = (0x06, 0x00)
AUTHORISATION = (0x06, 0x01)
REVERSAL = (0x06, 0x30)
REFUND = (0x06, 0x31)
END_OF_DAY = (0x06, 0x50)
ABORT = (0x06, 0xB0)
STATUS_ENQUIRY = (0x05, 0x01)
# terminal -> ECR
STATUS_INFORMATION = (0x04, 0x0F)
INTERMEDIATE_STATUS = (0x04, 0xFF)
COMPLETION = (0x06, 0x0F)
ABORT_FROM_TERMINAL = (0x06, 0x1E)
PRINT_LINE = (0x06, 0xD1)
PRINT_TEXT_BLOCK = (0x06, 0xD3)
# both ways
POSITIVE_ACK_CLASS = 0x80  # 80 00 00
NEGATIVE_ACK_CLASS = 0x84  # 84 xx 00, xx says why

NAMES = {
    REGISTRATION: "registration",
    AUTHORISATION: "authorisation",
    REVERSAL: "reversal",
    REFUND: "refund",
    END_OF_DAY: "end-of-day",
    ABORT: "abort",
    STATUS_ENQUIRY: "status enquiry",
    STATUS_INFORMATION: "status information",
    INTERMEDIATE_STATUS: "intermediate status",
    COMPLETION: "completion",
    ABORT_FROM_TERMINAL: "abort (terminal)",
    PRINT_LINE: "print line",
    PRINT_TEXT_BLOCK: "print text block",
}


@dataclass(frozen=True, slots=True)
class Apdu:
    """One application protocol data unit."""

    cls: int
    instr: int
    data: bytes = b""

    @property
    def command(self) -> tuple[int, int]:
        """Return the control field as (CLASS, INSTR)."""
        return (self.cls, self.instr)

    @property
    def is_ack(self) -> bool:
        """Return True for the positive acknowledgement 80 00 00."""
        return self.cls == POSITIVE_ACK_CLASS and self.instr == 0x00

    @property
    def is_nak(self) -> bool:
        """Return True for a negative acknowledgement 84 xx 00."""
        return self.cls == NEGATIVE_ACK_CLASS

    def name(self) -> str:
        """Return what the APDU is, for logs."""
        if self.is_ack:
            return "ack"
        if self.is_nak:
            return f"nak {self.instr:02X}"
        return NAMES.get(self.command, f"{self.cls:02X} {self.instr:02X}")

    def encode(self) -> bytes:
        """Return the APDU's bytes, with the extended length form for data over 254 bytes."""
        size = len(self.data)
        if size <= MAX_SHORT_LENGTH:
            length = bytes([size])
        elif size <= MAX_LENGTH:
            length = bytes([EXTENDED_LENGTH]) + size.to_bytes(2, "little")
        else:
            raise MalformedApdu(f"APDU data of {size} bytes is longer than {MAX_LENGTH}")
        return bytes([self.cls, self.instr]) + length + self.data


def ack() -> Apdu:
    """Return the positive acknowledgement 80 00 00."""
    return Apdu(POSITIVE_ACK_CLASS, 0x00)


def nak(code: int) -> Apdu:
    """Return the negative acknowledgement 84 <code> 00."""
    return Apdu(NEGATIVE_ACK_CLASS, code)


def header_size(head: bytes) -> int | None:
    """Return the size of the header (control field and length) once its first 3 bytes are known."""
    if len(head) < 3:
        return None
    return 5 if head[2] == EXTENDED_LENGTH else 3


def data_length(header: bytes) -> int:
    """Return the data length a complete header announces."""
    if header[2] == EXTENDED_LENGTH:
        if len(header) < 5:
            raise MalformedApdu("extended length (FF) without its two length bytes")
        return int.from_bytes(header[3:5], "little")
    return header[2]


def decode_apdu(raw: bytes) -> Apdu:
    """Return the APDU in raw bytes; the length must match exactly."""
    size = header_size(raw)
    if size is None or len(raw) < size:
        raise MalformedApdu(f"an APDU needs at least {size or 3} bytes, got {len(raw)}: {raw.hex(' ')}")
    length = data_length(raw[:size])
    if len(raw) != size + length:
        raise MalformedApdu(f"APDU {raw[0]:02X} {raw[1]:02X} announces {length} data bytes but has {len(raw) - size}")
    return Apdu(raw[0], raw[1], bytes(raw[size:]))
