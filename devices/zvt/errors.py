"""Why a ZVT exchange failed.

    ZvtError
     ├── MalformedApdu        bytes that are not a valid APDU or BMP
     ├── LinkError            the link failed
     │    ├── ConnectionLost  the other side closed the connection or the port went away
     │    └── LinkTimeout     nothing (or no ACK) arrived in time
     └── TerminalRefused      the terminal answered 84 xx 00 (busy, not possible, ...)
"""

from __future__ import annotations


class ZvtError(Exception):
    """Base of every ZVT error."""


class MalformedApdu(ZvtError):
    """Bytes that do not decode as the specification says."""


class LinkError(ZvtError):
    """The transport or its framing failed."""


class ConnectionLost(LinkError):
    """The connection was closed or the port went away."""


class LinkTimeout(LinkError):
    """Nothing arrived in time."""


class TerminalRefused(ZvtError):
    """The terminal refused a command with a negative acknowledgement (84 xx 00)."""

    def __init__(self, code: int) -> None:
        super().__init__(f"the terminal refused the command (84 {code:02X} 00)")
        self.code = code
