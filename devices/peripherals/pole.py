"""A serial customer pole display (2 x 20 characters): the line just added and the total."""

from __future__ import annotations

import logging
import threading

import serial
from pydantic import ValidationError

from devices.agent.hardware_interface import Hardware, JobOutcome, Report
from devices.printers.words import word
from hub.contracts.device_events import DISPLAY, PoleDisplayShow
from hub.contracts.jobs import JobOut
from hub.contracts.money import format_money

logger = logging.getLogger(__name__)

INIT = b"\x1b@"
UPPER, LOWER = b"\x1bQA", b"\x1bQB"  # ESC Q A / ESC Q B: write a whole line (Epson DM-D command set)
CODE_PAGES = {"cp858": 19, "cp437": 0, "cp850": 2, "cp1252": 16}


class PoleDisplay(Hardware):
    """An ESC/POS-compatible customer display on a serial port."""

    kind = "display"
    job_kinds = (DISPLAY,)

    def __init__(self, name: str, options: dict, report: Report) -> None:
        super().__init__(name, options, report)
        if not options.get("port"):
            raise ValueError(f"hardware {name!r}: needs `port`, e.g. /dev/ttyUSB1")
        self.port = str(options["port"])
        self.baudrate = int(options.get("baudrate", 9600))
        self.columns = int(options.get("columns", 20))
        self.codec = str(options.get("code_page", "cp858")).lower()
        if self.codec not in CODE_PAGES:
            raise ValueError(f"hardware {name!r}: code_page must be one of {', '.join(CODE_PAGES)}")
        self._lock = threading.Lock()
        self._serial: serial.Serial | None = None
        self._error: str | None = None

    def stop(self) -> None:
        """Close the port."""
        if self._serial is not None:
            self._serial.close()

    def health(self) -> dict:
        """Return whether the last write worked."""
        return {"online": self._error is None, "port": self.port, "error": self._error}

    def _fit(self, left: str, right: str = "") -> bytes:
        room = max(self.columns - len(right) - (1 if right else 0), 0)
        text = left[:room].ljust(room) + (" " + right if right else "")
        text = text.replace("\u00a0", " ")  # Babel's no-break space in `2,90 €`: the display's code page may lack it
        return text[:self.columns].encode(self.codec, errors="replace")

    def frame(self, show: PoleDisplayShow) -> bytes:
        """Return the bytes that put the two lines on the display."""
        top = self._fit(show.line or "", format_money(show.amount, show.currency, show.language) if show.amount is not None else "")
        bottom = self._fit(word(show.language, "total"), format_money(show.total, show.currency, show.language))
        return INIT + b"\x1bt" + bytes([CODE_PAGES[self.codec]]) + UPPER + top + b"\r" + LOWER + bottom + b"\r"

    def run(self, job: JobOut) -> JobOutcome:
        """Show the line and the total."""
        try:
            show = PoleDisplayShow.model_validate(job.payload)
        except ValidationError as exc:
            return JobOutcome(False, "invalid_payload", f"The hub sent a display job this agent cannot read: {exc.errors()[0]['msg']}")
        with self._lock:
            try:
                if self._serial is None:
                    self._serial = serial.Serial(self.port, self.baudrate, timeout=1, write_timeout=2)
                self._serial.write(self.frame(show))
                self._serial.flush()
            except (serial.SerialException, OSError) as exc:
                if self._serial is not None:
                    self._serial.close()
                self._serial = None
                self._error = f"Customer display {self.name} is not connected at {self.port}."
                logger.warning("%s: %s", self.name, exc)
                return JobOutcome(False, "offline", self._error)
        self._error = None
        return JobOutcome(True)
