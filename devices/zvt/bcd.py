"""Packed BCD and the F-prefixed LLVAR/LLLVAR lengths ZVT uses."""

from __future__ import annotations

from devices.zvt.errors import MalformedApdu


def to_bcd(value: int | str, size: int) -> bytes:
    """Return a number as `size` bytes of packed BCD, zero-padded on the left."""
    digits = str(value)
    if not digits.isdigit():
        raise ValueError(f"BCD needs digits, got {digits!r}")
    if len(digits) > size * 2:
        raise ValueError(f"{digits} does not fit in {size} BCD bytes")
    return bytes.fromhex(digits.zfill(size * 2))


def from_bcd(raw: bytes) -> str:
    """Return the digits of packed BCD bytes."""
    digits = raw.hex()
    if not digits.isdigit():
        raise MalformedApdu(f"not BCD: {raw.hex(' ')}")
    return digits


def var_length(size: int, digits: int) -> bytes:
    """Return an LLVAR (digits=2) or LLLVAR (digits=3) length: each digit as F<digit>."""
    text = str(size)
    if len(text) > digits:
        raise ValueError(f"{size} bytes do not fit a {'L' * digits}VAR length")
    return bytes(0xF0 | int(d) for d in text.zfill(digits))


def read_var_length(raw: bytes, offset: int, digits: int) -> int:
    """Return the length in an LLVAR/LLLVAR prefix at offset."""
    prefix = raw[offset:offset + digits]
    if len(prefix) < digits or any(b & 0xF0 != 0xF0 or b & 0x0F > 9 for b in prefix):
        raise MalformedApdu(f"bad {'L' * digits}VAR length at byte {offset}: {prefix.hex(' ')}")
    return int("".join(str(b & 0x0F) for b in prefix))
