"""Wait for what another process or thread does (a printer, the agent, the hub's relay)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(check: Callable[[], T], timeout: float = 30.0, every: float = 0.05) -> T:
    """Call check() until it returns something true and return that; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(every)


def eventually(check: Callable[[], T], what: str, timeout: float = 20.0) -> T:
    """Return check()'s first true answer, or fail naming what never happened."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = check()
        if answer:
            return answer
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {timeout} s")
