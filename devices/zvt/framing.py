"""The serial frame: DLE STX <APDU with DLE doubled> DLE ETX <CRC low> <CRC high>.

The CRC is CRC-CCITT (polynomial x^16 + x^12 + x^5 + 1) in its bit-reversed form
(0x8408), starting at 0, over the APDU bytes (not doubled) and the ETX byte.
"""

from __future__ import annotations

DLE = 0x10
STX = 0x02
ETX = 0x03
ACK = 0x06
NAK = 0x15

CRC_POLYNOMIAL_REVERSED = 0x8408


def _table() -> tuple[int, ...]:
    rows = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ CRC_POLYNOMIAL_REVERSED if crc & 1 else crc >> 1
        rows.append(crc)
    return tuple(rows)


_CRC_TABLE = _table()


def crc16(data: bytes) -> int:
    """Return the ZVT CRC of data."""
    crc = 0
    for byte in data:
        crc = (crc >> 8) ^ _CRC_TABLE[(crc ^ byte) & 0xFF]
    return crc


def frame_crc(apdu: bytes) -> bytes:
    """Return the two CRC bytes (low first) that close the frame of an APDU."""
    return crc16(apdu + bytes([ETX])).to_bytes(2, "little")


def stuff(data: bytes) -> bytes:
    """Return data with every DLE doubled."""
    return data.replace(bytes([DLE]), bytes([DLE, DLE]))


def encode_frame(apdu: bytes) -> bytes:
    """Return the serial frame carrying an APDU's bytes."""
    return bytes([DLE, STX]) + stuff(apdu) + bytes([DLE, ETX]) + frame_crc(apdu)
