"""Open a printer named by a connection URL through python-escpos: tcp, usb, serial or file."""

from __future__ import annotations

import logging
import socket
from urllib.parse import parse_qs, urlsplit

from escpos.exceptions import Error as EscposError
from escpos.printer import File, Network, Serial

from devices.printers.status import DLE_EOT

logger = logging.getLogger(__name__)


class PrinterUnavailable(Exception):
    """The printer cannot be reached or stopped taking bytes."""


class _AppendFile(File):
    """escpos's File truncates on open; a spool file must keep earlier jobs."""

    def open(self, raise_not_found: bool = True) -> None:
        try:
            self.device = open(self.devfile, "ab")
        except OSError as exc:
            self.device = None
            raise PrinterUnavailable(f"cannot open {self.devfile}: {exc}") from exc


def parse_connection(url: str) -> tuple[str, dict]:
    """Split a connection URL into (scheme, escpos keyword arguments); raise ValueError naming the problem."""
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if parts.scheme == "tcp":
        if not parts.hostname:
            raise ValueError(f"connection {url!r}: tcp needs a host, e.g. tcp://192.168.1.50:9100")
        return "tcp", {"host": parts.hostname, "port": parts.port or 9100}
    if parts.scheme == "serial":
        if not parts.path:
            raise ValueError(f"connection {url!r}: serial needs a device, e.g. serial:///dev/ttyUSB0?baudrate=19200")
        return "serial", {"devfile": parts.path, "baudrate": int(query.get("baudrate", 19200))}
    if parts.scheme == "usb":
        try:
            vendor, product = (int(x, 16) for x in parts.netloc.split(":"))
        except ValueError:
            raise ValueError(f"connection {url!r}: usb needs vendor:product in hex, e.g. usb://04b8:0202") from None
        return "usb", {"idVendor": vendor, "idProduct": product}
    if parts.scheme == "file":
        return "file", {"devfile": parts.path}
    raise ValueError(f"connection {url!r}: use tcp://, usb://, serial:// or file://")


class PrinterLink:
    """One connection to one printer; reopened after any error."""

    def __init__(self, url: str, timeout_s: float = 2.0) -> None:
        self.url = url
        self.scheme, self._kwargs = parse_connection(url)
        self.timeout_s = timeout_s
        self._printer = None

    @property
    def reads_status(self) -> bool:
        """Tell whether this kind of connection can carry DLE EOT answers back."""
        return self.scheme != "file"

    def _open(self):
        if self._printer is not None:
            return self._printer
        if self.scheme == "tcp":
            printer = Network(timeout=self.timeout_s, **self._kwargs)
        elif self.scheme == "serial":
            printer = Serial(timeout=self.timeout_s, **self._kwargs)
        elif self.scheme == "usb":
            from escpos.printer import Usb  # needs libusb; only imported for USB printers

            printer = Usb(timeout=int(self.timeout_s * 1000), **self._kwargs)
        else:
            printer = _AppendFile(**self._kwargs)
        try:
            printer.open(raise_not_found=True)
        except (EscposError, OSError) as exc:
            raise PrinterUnavailable(str(exc).replace("\n", " ")) from exc
        self._printer = printer
        return printer

    def write(self, data: bytes) -> None:
        """Send bytes; raise PrinterUnavailable when they cannot be handed over."""
        printer = self._open()
        try:
            printer._raw(data)
        except Exception as exc:  # socket, serial and usb errors share no base class
            self.close()
            raise PrinterUnavailable(f"sending failed: {exc}") from exc

    def ask(self, n: int) -> int | None:
        """Send DLE EOT n and return the answer byte, or None when none comes in time."""
        if not self.reads_status:
            return None
        printer = self._open()
        try:
            printer._raw(DLE_EOT + bytes([n]))
            if self.scheme == "serial":
                answer = printer.device.read(1)  # escpos reads 16 and so always waits the full timeout
            else:
                answer = printer._read()
        except (socket.timeout, TimeoutError):
            answer = b""
        except Exception as exc:
            self.close()
            raise PrinterUnavailable(f"status request failed: {exc}") from exc
        if not answer:
            self.close()  # a late answer must not be read as the next question's
            return None
        return answer[-1]

    def close(self) -> None:
        """Close the connection; the next call reopens it."""
        printer, self._printer = self._printer, None
        if printer is not None:
            try:
                printer.close()
            except Exception:  # closing a broken link may fail again; it is gone either way
                logger.debug("closing %s failed", self.url, exc_info=True)
