"""BMP fields: a one-byte tag followed by a value whose size the tag defines.

Text from a terminal (receipt lines, display texts, card names) is in code page 437, the
character set of the ZVT specification's default: `84 94 81 E1` reads "äöüß".
Card data is never kept: BMP 22 (card number) is decoded to a masked number that shows
at most the last four digits, and track data, CVC and expiry date decode to None.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from devices.zvt.bcd import from_bcd, read_var_length, to_bcd, var_length
from devices.zvt.errors import MalformedApdu
from devices.zvt.tlv import Tlv, decode_tlv, encode_length, encode_tlv

TIMEOUT = 0x01
MAX_STATUS_INFOS = 0x02
SERVICE_BYTE = 0x03
AMOUNT = 0x04
PUMP_NUMBER = 0x05
TLV_CONTAINER = 0x06
TRACE_NUMBER = 0x0B
TIME = 0x0C
DATE = 0x0D
EXPIRY_DATE = 0x0E
CARD_SEQUENCE_NUMBER = 0x17
PAYMENT_TYPE = 0x19
CARD_NUMBER = 0x22
TRACK_2 = 0x23
TRACK_3 = 0x24
RESULT_CODE = 0x27
TERMINAL_ID = 0x29
CONTRACT_NUMBER = 0x2A
TRACK_1 = 0x2D
ORIGINAL_TRACE = 0x37
CVC = 0x3A
AUTH_ATTRIBUTE = 0x3B  # "AID": the authorisation code, 8 bytes
ADDITIONAL_TEXT = 0x3C
CURRENCY = 0x49
RECEIPT_NUMBER = 0x87
TURNOVER_NUMBER = 0x88
CARD_TYPE = 0x8A
CARD_NAME = 0x8B
CARD_TYPE_ID = 0x8C
AID_PARAMETER = 0xBA

TEXT_ENCODING = "cp437"  # ZVT's default character set; latin-1 would read 84 94 81 E1 as control characters and "á"

SENSITIVE = frozenset({TRACK_1, TRACK_2, TRACK_3, CVC, EXPIRY_DATE})  # decoded to None, never kept


@dataclass(frozen=True, slots=True)
class Field:
    """How one BMP's value is laid out."""

    name: str
    kind: str  # bcd, bin, ascii, pan, tlv
    size: int = 0  # fixed size in bytes; 0 for variable
    var: int = 0  # 2 = LLVAR, 3 = LLLVAR


FIELDS: dict[int, Field] = {
    TIMEOUT: Field("timeout", "bin", 1),
    MAX_STATUS_INFOS: Field("max_status_infos", "bin", 1),
    SERVICE_BYTE: Field("service_byte", "bin", 1),
    AMOUNT: Field("amount", "bcd", 6),
    PUMP_NUMBER: Field("pump_number", "bin", 1),
    TLV_CONTAINER: Field("tlv", "tlv"),
    TRACE_NUMBER: Field("trace_no", "bcd", 3),
    TIME: Field("time", "bcd", 3),
    DATE: Field("date", "bcd", 2),
    EXPIRY_DATE: Field("expiry", "bcd", 2),
    CARD_SEQUENCE_NUMBER: Field("card_sequence_no", "bcd", 2),
    PAYMENT_TYPE: Field("payment_type", "bin", 1),
    CARD_NUMBER: Field("masked_pan", "pan", var=2),
    TRACK_2: Field("track_2", "bin", var=2),
    TRACK_3: Field("track_3", "bin", var=3),
    RESULT_CODE: Field("result_code", "bin", 1),
    TERMINAL_ID: Field("terminal_id", "bcd", 4),
    CONTRACT_NUMBER: Field("contract_no", "ascii", 15),
    TRACK_1: Field("track_1", "bin", var=2),
    ORIGINAL_TRACE: Field("original_trace_no", "bcd", 3),
    CVC: Field("cvc", "bcd", 2),
    AUTH_ATTRIBUTE: Field("auth_code", "ascii", 8),
    ADDITIONAL_TEXT: Field("additional_text", "ascii", var=3),
    CURRENCY: Field("currency_code", "bcd", 2),
    RECEIPT_NUMBER: Field("receipt_no", "bcd", 2),
    TURNOVER_NUMBER: Field("turnover_no", "bcd", 3),
    CARD_TYPE: Field("card_type", "bin", 1),
    CARD_NAME: Field("card_name", "ascii", var=2),
    CARD_TYPE_ID: Field("card_type_id", "bin", 1),
    AID_PARAMETER: Field("aid_parameter", "bin", 5),
}

PAN_MASK_NIBBLE = 0xE  # terminals mask card-number digits with E
PAN_PAD_NIBBLE = 0xF  # an odd number of digits ends with F


def mask_pan(digits: str) -> str:
    """Return a card number with every character but the last four replaced by '*'."""
    visible = digits[-4:]
    return "*" * (len(digits) - len(visible)) + visible


_DIGIT_RUN = re.compile(r"\d(?:[ -]?\d){12,18}")  # 13 to 19 digits, maybe grouped by spaces or dashes


def scrub_text(text: str) -> str:
    """Return text (a receipt line) with any card-number-like digit run masked to its last four digits."""
    def mask(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group())
        return mask_pan(digits)

    return _DIGIT_RUN.sub(mask, text)


def encode_pan(masked: str) -> bytes:
    """Return a (masked) card number as packed nibbles: digits, E for '*', F padding."""
    nibbles = [PAN_MASK_NIBBLE if c == "*" else int(c) for c in masked]
    if len(nibbles) % 2:
        nibbles.append(PAN_PAD_NIBBLE)
    return bytes((nibbles[i] << 4) | nibbles[i + 1] for i in range(0, len(nibbles), 2))


def decode_pan(raw: bytes) -> str:
    """Return BMP 22's value as a masked card number showing at most the last four digits."""
    chars = []
    for byte in raw:
        for nibble in (byte >> 4, byte & 0x0F):
            if nibble == PAN_PAD_NIBBLE:
                continue
            chars.append("*" if nibble == PAN_MASK_NIBBLE else str(nibble) if nibble <= 9 else "*")
    return mask_pan("".join(chars))


def encode_text(text: str) -> bytes:
    """Return text as a terminal sends it (CP437); a character CP437 lacks becomes "?"."""
    return text.encode(TEXT_ENCODING, errors="replace")


def decode_text(raw: bytes) -> str:
    """Return the text of bytes a terminal sent (CP437, where every byte is a character)."""
    return raw.decode(TEXT_ENCODING)


def encode_value(tag: int, value: Any) -> bytes:
    """Return one BMP (tag and value) as bytes."""
    spec = FIELDS.get(tag)
    if spec is None:
        raise ValueError(f"BMP {tag:02X} is not supported")
    if spec.kind == "tlv":
        body = encode_tlv(value)
        return bytes([tag]) + encode_length(len(body)) + body
    if spec.kind == "bcd":
        body = to_bcd(value, spec.size)
    elif spec.kind == "bin":
        body = bytes([value]) if isinstance(value, int) else bytes(value)
    elif spec.kind == "ascii":
        body = encode_text(value)
        if spec.size:
            body = body[:spec.size].ljust(spec.size, b"\x00")
    elif spec.kind == "pan":
        body = encode_pan(value)
    else:  # pragma: no cover - the table above has no other kinds
        raise AssertionError(spec.kind)
    if spec.var:
        return bytes([tag]) + var_length(len(body), spec.var) + body
    if len(body) != spec.size:
        raise ValueError(f"BMP {tag:02X} ({spec.name}) takes {spec.size} bytes, got {len(body)}")
    return bytes([tag]) + body


def encode_bmps(fields: Iterable[tuple[int, Any]]) -> bytes:
    """Return a sequence of BMPs as bytes, in the order given."""
    return b"".join(encode_value(tag, value) for tag, value in fields)


def decode_bmps(raw: bytes, offset: int = 0) -> list[tuple[int, Any]]:
    """Return the BMPs in raw[offset:] as (tag, value): digits as str, amounts as int, card data masked."""
    fields: list[tuple[int, Any]] = []
    while offset < len(raw):
        tag = raw[offset]
        spec = FIELDS.get(tag)
        if spec is None:
            raise MalformedApdu(f"unknown BMP {tag:02X} at byte {offset}")
        offset += 1
        if spec.kind == "tlv":
            size, offset = _ber_length(raw, offset)
        elif spec.var:
            size = read_var_length(raw, offset, spec.var)
            offset += spec.var
        else:
            size = spec.size
        body = raw[offset:offset + size]
        if len(body) != size:
            raise MalformedApdu(f"BMP {tag:02X} ({spec.name}) needs {size} bytes, has {len(body)}")
        offset += size
        fields.append((tag, _decode_value(tag, spec, body)))
    return fields


def _decode_value(tag: int, spec: Field, body: bytes) -> Any:
    if tag in SENSITIVE:
        return None
    if spec.kind == "tlv":
        return decode_tlv(body)
    if spec.kind == "pan":
        return decode_pan(body)
    if spec.kind == "bcd":
        digits = from_bcd(body)
        return int(digits) if tag == AMOUNT else digits
    if spec.kind == "ascii":
        return decode_text(body.rstrip(b"\x00")).strip()
    return body[0] if spec.size == 1 else bytes(body)


def _ber_length(raw: bytes, offset: int) -> tuple[int, int]:
    first = raw[offset] if offset < len(raw) else None
    if first is None:
        raise MalformedApdu("BMP 06 without a length")
    if first < 0x80:
        return first, offset + 1
    count = first & 0x7F
    return int.from_bytes(raw[offset + 1:offset + 1 + count], "big"), offset + 1 + count


def as_dict(fields: Iterable[tuple[int, Any]]) -> dict[str, Any]:
    """Return decoded BMPs by field name (the last one wins), leaving out sensitive ones."""
    return {FIELDS[tag].name: value for tag, value in fields if tag not in SENSITIVE}


__all__ = ["Tlv", "FIELDS", "encode_bmps", "decode_bmps", "as_dict", "mask_pan", "encode_text", "decode_text"]
