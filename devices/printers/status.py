"""Read a printer's real-time status (DLE EOT) and say what it means.

python-escpos's paper_status() returns the same 0 for "out of paper" and for "no
answer"; here a missing answer is its own state, so a silent printer is never
taken for one that just needs paper.
"""

from __future__ import annotations

from dataclasses import dataclass

DLE_EOT = b"\x10\x04"
PRINTER = 1  # DLE EOT 1: printer status
OFFLINE_CAUSE = 2  # DLE EOT 2: why it is offline
PAPER = 4  # DLE EOT 4: roll paper sensors

_FIXED_MASK, _FIXED_BITS = 0x93, 0x12  # bits 0,1,4,7 every status byte carries


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer said about itself; `answered` False means it said nothing."""

    answered: bool
    online: bool = False
    cover_open: bool = False
    paper: str = "unknown"  # ok | low | out | unknown
    drawer_pin3_high: bool = False  # DLE EOT 1 bit 2: the drawer switch; which level means open depends on the drawer

    def problem(self, name: str) -> tuple[str, str] | None:
        """Return (error code, words for a manager) when the printer cannot print now."""
        if not self.answered:
            return "offline", f"Printer {name} does not answer: check that it is switched on and connected."
        if self.cover_open:
            return "cover_open", f"Printer {name} has its cover open: close the cover."
        if self.paper == "out":
            return "paper_out", f"Printer {name} is out of paper: put in a new roll."
        if not self.online:
            return "offline", f"Printer {name} is offline: check it for an error light."
        return None

    def health(self) -> dict:
        """Return the status as health fields for the agent's retained status."""
        return {"online": self.answered and self.online, "paper": self.paper, "cover_open": self.cover_open,
                "answering": self.answered}


def _valid(byte: int | None) -> bool:
    return byte is not None and byte & _FIXED_MASK == _FIXED_BITS


def interpret(printer: int | None, cause: int | None, paper: int | None) -> PrinterStatus:
    """Turn the answers to DLE EOT 1, 2 and 4 (None = no answer) into a status."""
    if not _valid(printer):
        return PrinterStatus(answered=False)
    cover_open = _valid(cause) and bool(cause & 0x04)
    paper_state = "unknown"
    if _valid(paper):
        paper_state = "out" if paper & 0x60 else "low" if paper & 0x0C else "ok"
    if _valid(cause) and cause & 0x20:
        paper_state = "out"
    return PrinterStatus(answered=True, online=not printer & 0x08, cover_open=cover_open, paper=paper_state,
                         drawer_pin3_high=bool(printer & 0x04))


def status_byte(n: int, *, online: bool = True, cover_open: bool = False, paper: str = "ok", drawer_high: bool = False) -> int:
    """Return the byte a printer in this state answers to DLE EOT n (used by the simulator)."""
    byte = _FIXED_BITS
    if n == PRINTER:
        byte |= (0x08 if not online else 0) | (0x04 if drawer_high else 0)
    elif n == OFFLINE_CAUSE:
        byte |= (0x04 if cover_open else 0) | (0x20 if paper == "out" else 0) | (0x40 if not online else 0)
    elif n == PAPER:
        byte |= 0x60 if paper == "out" else 0x0C if paper == "low" else 0
    return byte
