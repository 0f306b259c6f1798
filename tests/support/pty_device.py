"""A pseudo-terminal standing in for a serial device: the driver opens `path`, the test plays the device."""

from __future__ import annotations

import os
import select
import time
import tty


class PtyDevice:
    """The device end (master) of a pty whose other end (`path`) the driver opens."""

    def __init__(self) -> None:
        self.master, self._slave = os.openpty()
        tty.setraw(self._slave)  # no echo, no CR/LF translation: bytes pass as on a real serial line
        self.path = os.ttyname(self._slave)

    def send(self, data: bytes) -> None:
        """Send bytes to the driver, as the device does."""
        os.write(self.master, data)

    def read_until(self, predicate, timeout: float = 5.0) -> bytes:
        """Collect what the driver writes until predicate(bytes) holds."""
        data = b""
        deadline = time.monotonic() + timeout
        while not predicate(data):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"device got only {data!r}")
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                data += os.read(self.master, 4096)
        return data

    def close(self) -> None:
        """Close both ends."""
        for fd in (self.master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass
