"""Talk to headquarters over its HTTP API (docs/cloud-api.md): enrol, read feeds, send events.

Errors:

    HqError                 anything that went wrong talking to HQ
    ├── HqUnreachable       no answer: refused, reset, timed out, or a 5xx (HQ stored nothing: try again)
    └── HqRefused           HQ answered 4xx with its error `code` and words (`message`)
"""

from __future__ import annotations

import http.client
import json
import logging
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 10.0  # a page of 200 changes or a batch of 500 events answers well within this
USER_AGENT = "passline-hub"


class HqError(Exception):
    """Talking to headquarters failed."""


class HqUnreachable(HqError):
    """HQ did not answer (status None), or answered that it failed (5xx): nothing was stored, try again later."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class HqRefused(HqError):
    """HQ answered with an error reply (4xx)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{message} ({code}, HTTP {status})")
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status and decoded JSON body."""

    status: int
    body: Any


class HttpTransport:
    """One keep-alive HTTP(S) connection to HQ; the seam tests replace."""

    def __init__(self, base_url: str, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"HQ's address must start with http:// or https:// and name a host, got {base_url!r}")
        self._parts = parts
        self._timeout_s = timeout_s
        self._connection: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            host, port = self._parts.hostname, self._parts.port
            if self._parts.scheme == "https":
                self._connection = http.client.HTTPSConnection(host, port, timeout=self._timeout_s,
                                                               context=ssl.create_default_context())
            else:
                self._connection = http.client.HTTPConnection(host, port, timeout=self._timeout_s)
        return self._connection

    def request(self, method: str, path: str, *, body: Any = None, token: str | None = None) -> Reply:
        """Send one request and return HQ's answer; a broken connection is opened again once."""
        payload = None if body is None else json.dumps(body, separators=(",", ":")).encode()
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if payload is not None:
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        full_path = self._parts.path.rstrip("/") + path
        try:
            connection = self._connect()
            connection.request(method, full_path, body=payload, headers=headers)
            answer = connection.getresponse()
            raw = answer.read()
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            raise HqUnreachable(f"no answer from HQ at {self._parts.netloc}: {exc or type(exc).__name__}") from None
        if answer.getheader("Connection", "").lower() == "close":
            self.close()
        try:
            decoded = json.loads(raw) if raw else None
        except ValueError:
            decoded = None
        return Reply(answer.status, decoded)

    def close(self) -> None:
        """Drop the connection (the next request opens a new one)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class HqClient:
    """HQ's API as the hub uses it; `token` is the store token (None only to enrol)."""

    def __init__(self, transport: HttpTransport, store: str | None = None, token: str | None = None) -> None:
        self._transport = transport
        self.store = store
        self._token = token

    def __repr__(self) -> str:
        return f"HqClient(store={self.store!r}, token=***)"

    def _call(self, method: str, path: str, body: Any = None, *, ok: tuple[int, ...] = (200,)) -> Any:
        reply = self._transport.request(method, path, body=body, token=self._token)
        if reply.status >= 500:
            raise HqUnreachable(f"HQ failed (HTTP {reply.status}); nothing was stored", reply.status)
        if reply.status not in ok:
            error = reply.body if isinstance(reply.body, dict) else {}
            raise HqRefused(reply.status, str(error.get("code", "http_error")),
                            str(error.get("message", f"HQ answered HTTP {reply.status}")))
        return reply.body

    def enrol(self, code: str) -> tuple[str, str]:
        """Exchange a one-time enrolment code for (store, store token)."""
        body = self._call("POST", "/api/v1/enrol", {"code": code}, ok=(201,))
        return str(body["store"]), str(body["token"])

    def store_info(self) -> dict:
        """Return the store as HQ knows it (its name and jurisdiction): proof that the token works."""
        return self._call("GET", f"/api/v1/stores/{self.store}")

    def feed(self, feed: str, after: str | None, limit: int) -> dict:
        """Return one page of a feed after a cursor (from the start when None)."""
        query = {"limit": limit, **({"after": after} if after else {})}
        return self._call("GET", f"/api/v1/stores/{self.store}/feeds/{feed}?{urlencode(query)}")

    def send_events(self, events: list[dict]) -> list[dict]:
        """Send a batch of events in order; return HQ's result for each, in the same order."""
        body = self._call("POST", f"/api/v1/stores/{self.store}/events", {"events": events})
        results = body.get("results") if isinstance(body, dict) else None
        if not isinstance(results, list) or len(results) != len(events):
            raise HqUnreachable("HQ's answer to a batch did not hold one result per event")
        return results

    def close(self) -> None:
        """Close the connection to HQ."""
        self._transport.close()
