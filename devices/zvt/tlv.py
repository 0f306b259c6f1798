"""BER-TLV as ZVT's BMP 06 uses it: tags of one or more bytes, lengths of 1 to 3 bytes."""

from __future__ import annotations

from dataclasses import dataclass, field

from devices.zvt.errors import MalformedApdu

CONSTRUCTED = 0x20  # bit 6 of the first tag byte: the value is a list of TLVs


@dataclass(frozen=True, slots=True)
class Tlv:
    """One data object: a tag with raw bytes or, when constructed, children."""

    tag: int
    value: bytes = b""
    children: tuple[Tlv, ...] = field(default_factory=tuple)

    @property
    def constructed(self) -> bool:
        """Return True when the tag says the value holds TLVs."""
        return bool(_tag_bytes(self.tag)[0] & CONSTRUCTED)

    def find(self, tag: int) -> list[Tlv]:
        """Return every child (at any depth) with a tag."""
        found = []
        for child in self.children:
            if child.tag == tag:
                found.append(child)
            found.extend(child.find(tag))
        return found


def _tag_bytes(tag: int) -> bytes:
    return tag.to_bytes(max(1, (tag.bit_length() + 7) // 8), "big")


def encode_length(size: int) -> bytes:
    """Return a BER length: one byte below 0x80, else 81 xx or 82 xx xx."""
    if size < 0x80:
        return bytes([size])
    if size <= 0xFF:
        return bytes([0x81, size])
    if size <= 0xFFFF:
        return bytes([0x82]) + size.to_bytes(2, "big")
    raise ValueError(f"TLV value of {size} bytes is too long")


def encode_tlv(items: list[Tlv] | tuple[Tlv, ...]) -> bytes:
    """Return the bytes of a list of data objects."""
    out = bytearray()
    for item in items:
        value = encode_tlv(item.children) if item.children else item.value
        out += _tag_bytes(item.tag) + encode_length(len(value)) + value
    return bytes(out)


def decode_tlv(raw: bytes) -> tuple[Tlv, ...]:
    """Return the data objects in raw bytes, descending into constructed ones."""
    items = []
    offset = 0
    while offset < len(raw):
        first = raw[offset]
        end = offset + 1
        if first & 0x1F == 0x1F:  # multi-byte tag: following bytes with bit 8 set continue it
            while end < len(raw) and raw[end] & 0x80:
                end += 1
            end += 1
        if end > len(raw):
            raise MalformedApdu(f"TLV tag cut short at byte {offset}")
        tag = int.from_bytes(raw[offset:end], "big")
        size, offset = _read_length(raw, end)
        value = raw[offset:offset + size]
        if len(value) != size:
            raise MalformedApdu(f"TLV {tag:X} announces {size} bytes but has {len(value)}")
        offset += size
        children = decode_tlv(value) if first & CONSTRUCTED else ()
        items.append(Tlv(tag, bytes(value), children))
    return tuple(items)


def _read_length(raw: bytes, offset: int) -> tuple[int, int]:
    if offset >= len(raw):
        raise MalformedApdu("TLV length missing")
    first = raw[offset]
    if first < 0x80:
        return first, offset + 1
    count = first & 0x7F
    if count not in (1, 2) or offset + 1 + count > len(raw):
        raise MalformedApdu(f"bad TLV length {raw[offset:offset + 3].hex(' ')}")
    return int.from_bytes(raw[offset + 1:offset + 1 + count], "big"), offset + 1 + count
