"""Byte transports to a terminal: TCP, pyserial (device path, pty, URL), a raw file descriptor.

A transport moves bytes: open, close, write, read(size, timeout). Links (link.py) move APDUs over them.
"""

from __future__ import annotations

import abc
import logging
import os
import select
import socket

from devices.zvt.errors import ConnectionLost

logger = logging.getLogger(__name__)

DEFAULT_TCP_PORT = 20007
SERIAL_BAUDRATE = 9600  # the spec's default line: 9600 baud, 8 data bits, no parity, 2 stop bits
CONNECT_TIMEOUT_S = 5.0


class Transport(abc.ABC):
    """A byte pipe to a terminal (or, in the simulator, to a cash register)."""

    @abc.abstractmethod
    def open(self) -> None:
        """Connect; raise ConnectionLost when the other side cannot be reached."""

    @abc.abstractmethod
    def close(self) -> None:
        """Disconnect; closing twice is fine."""

    @abc.abstractmethod
    def write(self, data: bytes) -> None:
        """Send all of data."""

    @abc.abstractmethod
    def read(self, size: int, timeout: float) -> bytes:
        """Return up to size bytes, b"" when none came in time; raise ConnectionLost at the end."""


class TcpTransport(Transport):
    """ZVT over TCP (port 20007 by default), or an accepted socket in the simulator."""

    def __init__(self, host: str, port: int = DEFAULT_TCP_PORT, *, sock: socket.socket | None = None) -> None:
        self.host, self.port = host, port
        self._sock = sock

    def open(self) -> None:
        """Connect to host:port."""
        if self._sock is not None:
            return
        try:
            self._sock = socket.create_connection((self.host, self.port), timeout=CONNECT_TIMEOUT_S)
        except OSError as exc:
            raise ConnectionLost(f"cannot connect to the terminal at {self.host}:{self.port}: {exc}") from exc
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def close(self) -> None:
        """Close the socket."""
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None

    def write(self, data: bytes) -> None:
        """Send all of data."""
        if self._sock is None:
            raise ConnectionLost("not connected")
        try:
            self._sock.settimeout(CONNECT_TIMEOUT_S)
            self._sock.sendall(data)
        except OSError as exc:
            raise ConnectionLost(f"connection to the terminal lost while sending: {exc}") from exc

    def read(self, size: int, timeout: float) -> bytes:
        """Return up to size bytes, b"" on timeout."""
        if self._sock is None:
            raise ConnectionLost("not connected")
        try:
            self._sock.settimeout(max(timeout, 0.001))
            data = self._sock.recv(size)
        except TimeoutError:
            return b""
        except OSError as exc:
            raise ConnectionLost(f"connection to the terminal lost: {exc}") from exc
        if not data:
            raise ConnectionLost("the terminal closed the connection")
        return data


class SerialTransport(Transport):
    """ZVT over a serial line through pyserial: a device path (a pty too) or a pyserial URL."""

    def __init__(self, url: str, baudrate: int = SERIAL_BAUDRATE) -> None:
        self.url, self.baudrate = url, baudrate
        self._port = None

    def open(self) -> None:
        """Open the port."""
        import serial

        try:
            self._port = serial.serial_for_url(
                self.url, baudrate=self.baudrate, bytesize=serial.EIGHTBITS,
                parity=serial.PARITY_NONE, stopbits=serial.STOPBITS_TWO, timeout=0,
            )
        except (serial.SerialException, OSError, ValueError) as exc:
            raise ConnectionLost(f"cannot open the terminal's serial port {self.url}: {exc}") from exc

    def close(self) -> None:
        """Close the port."""
        if self._port is not None:
            try:
                self._port.close()
            finally:
                self._port = None

    def write(self, data: bytes) -> None:
        """Send all of data."""
        import serial

        if self._port is None:
            raise ConnectionLost("serial port not open")
        try:
            self._port.write(data)
            self._port.flush()
        except (serial.SerialException, OSError) as exc:
            raise ConnectionLost(f"serial port {self.url} failed: {exc}") from exc

    def read(self, size: int, timeout: float) -> bytes:
        """Return up to size bytes, b"" on timeout."""
        import serial

        if self._port is None:
            raise ConnectionLost("serial port not open")
        try:
            # pyserial's read(n) waits for all n bytes; wait for the first only, then take what is there
            self._port.timeout = max(timeout, 0.001)
            first = self._port.read(1)
            waiting = self._port.in_waiting if first else 0
            return first + (self._port.read(min(waiting, size - 1)) if waiting else b"")
        except (serial.SerialException, OSError) as exc:
            raise ConnectionLost(f"serial port {self.url} failed: {exc}") from exc


class FdTransport(Transport):
    """A raw file descriptor, such as the master side of a pseudo-terminal."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._wake_r, self._wake_w = os.pipe()  # written by close() to end a blocked read at once

    def open(self) -> None:
        """Nothing to open: the descriptor is open already."""

    def close(self) -> None:
        """End any blocked read; the descriptor itself stays with its owner."""
        try:
            os.write(self._wake_w, b"x")
        except OSError:
            pass

    def write(self, data: bytes) -> None:
        """Send all of data."""
        try:
            while data:
                data = data[os.write(self.fd, data):]
        except OSError as exc:
            raise ConnectionLost(f"pty write failed: {exc}") from exc

    def read(self, size: int, timeout: float) -> bytes:
        """Return up to size bytes, b"" on timeout."""
        try:
            ready, _, _ = select.select([self.fd, self._wake_r], [], [], max(timeout, 0))
            if self._wake_r in ready:
                raise ConnectionLost("closed")
            if not ready:
                return b""
            data = os.read(self.fd, size)
        except OSError as exc:  # EIO once the other side has closed its end
            raise ConnectionLost(f"pty read failed: {exc}") from exc
        if not data:
            raise ConnectionLost("pty closed")
        return data
