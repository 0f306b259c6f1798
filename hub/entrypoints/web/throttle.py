"""A per-source rate limit kept in memory: so many attempts in a sliding window, then wait."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from flask import Flask, current_app, request

from hub.entrypoints.web.replies import ApiProblem

DEFAULT_LIMIT = 10  # a person retyping a code or a password needs a few tries, a guesser needs millions
DEFAULT_WINDOW_S = 60.0
MAX_SOURCES = 10_000  # beyond this many addresses the oldest are forgotten, so memory stays bounded
EXTENSION = "passline_throttles"


class Throttle:
    """Count attempts per source (an address) and say how long to wait once a source used up its window."""

    def __init__(self, limit: int = DEFAULT_LIMIT, window_s: float = DEFAULT_WINDOW_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._attempts: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def attempt(self, source: str) -> int | None:
        """Count one attempt; return None to go ahead, or the whole seconds to wait before the next one."""
        now = self._clock()
        with self._lock:
            seen = self._attempts.pop(source, None) or deque()
            while seen and now - seen[0] >= self.window_s:
                seen.popleft()
            self._attempts[source] = seen  # re-inserted: the dict's order is least recently tried first
            if len(seen) >= self.limit:
                return max(1, math.ceil(seen[0] + self.window_s - now))
            seen.append(now)
            while len(self._attempts) > MAX_SOURCES:
                del self._attempts[next(iter(self._attempts))]
        return None


THROTTLED = ("claim", "sign_in")  # counted apart, so claim guessing cannot starve the owner's sign-in


def install(app: Flask) -> None:
    """Give an app its own attempt counters."""
    app.extensions[EXTENSION] = {kind: Throttle() for kind in THROTTLED}


def count_attempt(kind: str) -> None:
    """Count one attempt of a kind from this request's address; raise the 429 when it tried too often."""
    wait = current_app.extensions[EXTENSION][kind].attempt(request.remote_addr or "unknown")
    if wait is not None:
        raise ApiProblem(429, "too_many_attempts", f"too many attempts from this address: try again in {wait} s",
                         retry_after_s=wait)
