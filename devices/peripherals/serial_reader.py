"""A serial input device read on its own thread, reopened when it is unplugged and plugged back."""

from __future__ import annotations

import logging
import threading

import serial

from devices.agent.hardware_interface import Hardware, JobOutcome, Report
from hub.contracts.jobs import JobOut

logger = logging.getLogger(__name__)

REOPEN_S = 2.0  # a USB-serial adapter comes back within a second or two of being replugged


class SerialInput(Hardware):
    """Read bytes from `port` and hand them to feed(); no jobs."""

    job_kinds: tuple[str, ...] = ()
    what = "device"  # words for messages: "bump bar", "scanner"

    def __init__(self, name: str, options: dict, report: Report) -> None:
        super().__init__(name, options, report)
        if not options.get("port"):
            raise ValueError(f"hardware {name!r}: needs `port`, e.g. /dev/ttyUSB0")
        self.port = str(options["port"])
        self.baudrate = int(options.get("baudrate", 9600))
        self.reopen_s = float(options.get("reopen_s", REOPEN_S))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._serial: serial.Serial | None = None
        self._error: str | None = f"{self.what.capitalize()} {name} is not connected yet."

    def start(self) -> None:
        """Start reading in the background."""
        self._thread = threading.Thread(target=self._loop, name=f"{self.kind}-{self.name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop reading and close the port."""
        self._stop.set()
        port = self._serial
        if port is not None:
            try:
                port.cancel_read()
            except (AttributeError, OSError):
                pass
        if self._thread:
            self._thread.join(3)

    def health(self) -> dict:
        """Return whether the port is open, and the problem if not."""
        return {"online": self._error is None, "port": self.port, "error": self._error}

    def run(self, job: JobOut) -> JobOutcome:
        """Refuse: input devices take no jobs."""
        return JobOutcome(False, "not_supported", f"{self.name} takes no jobs.")

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._serial = serial.Serial(self.port, self.baudrate, timeout=0.2)
            except (serial.SerialException, OSError) as exc:
                self._error = f"{self.what.capitalize()} {self.name} is not connected at {self.port}: check its cable."
                logger.debug("cannot open %s: %s", self.port, exc)
                self._stop.wait(self.reopen_s)
                continue
            self._error = None
            try:
                while not self._stop.is_set():
                    data = self._serial.read(64)
                    if data:
                        self.feed(data)
            except (serial.SerialException, OSError) as exc:
                self._error = f"{self.what.capitalize()} {self.name} was disconnected from {self.port}."
                logger.warning("%s: %s", self.name, exc)
            finally:
                self._serial.close()
                self._serial = None

    def feed(self, data: bytes) -> None:
        """Turn received bytes into events."""
        raise NotImplementedError
