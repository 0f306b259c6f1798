"""Barcode scanners: serial (one code per line) or a USB keyboard-wedge read from evdev."""

from __future__ import annotations

import fcntl
import logging
import os
import struct
import threading

from devices.agent.hardware_interface import Hardware, JobOutcome, Report
from devices.peripherals.serial_reader import SerialInput
from hub.contracts.device_events import SCAN
from hub.contracts.jobs import JobOut

logger = logging.getLogger(__name__)

MAX_CODE = 200


class SerialScanner(SerialInput):
    """A scanner on a serial port that ends each code with CR or LF."""

    kind = "scanner"
    what = "scanner"

    def __init__(self, name: str, options: dict, report: Report) -> None:
        super().__init__(name, options, report)
        self._buffer = b""

    def feed(self, data: bytes) -> None:
        """Report one scan per complete line."""
        self._buffer += data
        while True:
            cut = min((i for i in (self._buffer.find(b"\r"), self._buffer.find(b"\n")) if i >= 0), default=-1)
            if cut < 0:
                self._buffer = self._buffer[-MAX_CODE:]
                return
            code, self._buffer = self._buffer[:cut], self._buffer[cut + 1:]
            text = code.decode("ascii", errors="replace").strip()
            if text:
                self.report(SCAN, {"hardware": self.name, "code": text[:MAX_CODE]})


# struct input_event on 64-bit Linux: timeval (two longs), type, code, value.
_EVENT = struct.Struct("llHHi")
_EV_KEY, _KEY_DOWN = 1, 1
_EVIOCGRAB = 0x40044590  # keep the scanner's keystrokes away from the kiosk's browser
_DIGITS = {2: "1", 3: "2", 4: "3", 5: "4", 6: "5", 7: "6", 8: "7", 9: "8", 10: "9", 11: "0", 12: "-"}
_LETTERS = dict(zip((16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 30, 31, 32, 33, 34, 35, 36, 37, 38,
                     44, 45, 46, 47, 48, 49, 50), "QWERTYUIOPASDFGHJKLZXCVBNM"))
_ENTER = (28, 96)


class KeyboardScanner(Hardware):
    """A keyboard-wedge scanner read from its /dev/input/event* device, one code per Enter."""

    kind = "scanner"
    job_kinds: tuple[str, ...] = ()

    def __init__(self, name: str, options: dict, report: Report) -> None:
        super().__init__(name, options, report)
        if not options.get("device"):
            raise ValueError(f"hardware {name!r}: needs `device`, e.g. /dev/input/by-id/usb-...-event-kbd")
        self.device = str(options["device"])
        self._stop = threading.Event()
        self._error: str | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Read key events in the background."""
        self._thread = threading.Thread(target=self._loop, name=f"scanner-{self.name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop reading."""
        self._stop.set()

    def health(self) -> dict:
        """Return whether the input device is open."""
        return {"online": self._error is None, "device": self.device, "error": self._error}

    def run(self, job: JobOut) -> JobOutcome:
        """Refuse: a scanner takes no jobs."""
        return JobOutcome(False, "not_supported", f"{self.name} takes no jobs.")

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                fd = os.open(self.device, os.O_RDONLY)
            except OSError:
                self._error = f"Scanner {self.name} is not connected at {self.device}."
                self._stop.wait(2.0)
                continue
            self._error = None
            try:
                fcntl.ioctl(fd, _EVIOCGRAB, 1)
            except OSError:
                logger.debug("%s cannot be grabbed (not an input device?)", self.device)
            try:
                self._read(fd)
            finally:
                os.close(fd)

    def _read(self, fd: int) -> None:
        code, pending, shift = "", b"", False
        while not self._stop.is_set():
            chunk = os.read(fd, _EVENT.size * 16)
            if not chunk:
                self._stop.wait(0.05)  # a FIFO with no writer; a real device blocks instead
                continue
            pending += chunk
            while len(pending) >= _EVENT.size:
                _, _, type_, key, value = _EVENT.unpack_from(pending)
                pending = pending[_EVENT.size:]
                if type_ != _EV_KEY:
                    continue
                if key in (42, 54):
                    shift = value != 0
                elif value == _KEY_DOWN and key in _ENTER:
                    if code:
                        self.report(SCAN, {"hardware": self.name, "code": code[:MAX_CODE]})
                    code = ""
                elif value == _KEY_DOWN:
                    char = _DIGITS.get(key) or _LETTERS.get(key, "")
                    code += char if shift or not char.isalpha() else char.lower()
