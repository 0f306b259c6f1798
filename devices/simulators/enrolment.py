"""How a simulated demo device enrols: it exchanges its claim code once, as a real device does, and keeps the answer.

The demo hub hands each device not enrolled yet a one-time claim code (hub.contracts.demo.CLAIMS_ENV);
the device posts it to `/api/v1/devices/claim` and keeps the reply (its broker login, token or screen
cookie) in `<credentials folder>/<device id>.json`, mode 0600. On the next start it reads that file.
"""

from __future__ import annotations

import json
import logging
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

from devices.agent.__main__ import login_url
from hub.contracts.demo import CLAIMS_ENV, CREDENTIALS_ENV, HUB_URL_ENV

logger = logging.getLogger(__name__)

WAIT_FOR_HUB_S = 120.0  # the hub starts its web server and broker while the devices start: keep trying this long
RETRY_S = 1.0


class NotEnrolled(Exception):
    """The device has neither a claim code nor a kept enrolment; the message says what to do."""


def hub_url() -> str:
    """Return the hub's HTTP address the demo gave its devices."""
    return os.environ.get(HUB_URL_ENV, "http://127.0.0.1:8000")


def enrolment(device_id: str, *, mqtt: bool = False) -> dict:
    """Return the device's claim reply: exchanged now with its claim code, or the one kept from before."""
    folder = Path(os.environ.get(CREDENTIALS_ENV, "."))
    kept = folder / f"{device_id}.json"
    code = json.loads(os.environ.get(CLAIMS_ENV) or "{}").get(device_id)
    if code is None:
        try:
            return json.loads(kept.read_text())
        except (OSError, ValueError):
            raise NotEnrolled(f"{device_id} is not enrolled and has no claim code: restart the demo") from None
    reply = exchange(code, mqtt=mqtt)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = kept.with_name(f".{kept.name}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(reply, out)
    os.replace(temporary, kept)
    logger.info("%s enrolled as %s", device_id, reply.get("role"))
    return reply


def broker_url(reply: dict) -> str:
    """Return `mqtt://login:password@host:port` from a claim reply with a broker login."""
    return login_url(reply["mqtt"], hub_url())


def wait_until_ready(deadline: float) -> None:
    """Wait until the hub answers and has its broker: a claim tried sooner counts against the address's limit."""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{hub_url()}/api/v1/live", timeout=5) as answer:
                if json.load(answer).get("ready"):
                    return
        except (OSError, ValueError):
            pass  # the web server is not up yet
        time.sleep(RETRY_S)


def exchange(code: str, *, mqtt: bool = False) -> dict:
    """Post the claim code once the hub is ready; wait if it still starts (503) or asks to slow down (429)."""
    body = {"code": code, **({"mqtt": True} if mqtt else {})}
    deadline = time.monotonic() + WAIT_FOR_HUB_S
    wait_until_ready(deadline)
    while True:
        request = urllib.request.Request(f"{hub_url()}/api/v1/devices/claim", method="POST",
                                         data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
        wait = RETRY_S
        try:
            with urllib.request.urlopen(request, timeout=15) as answer:
                reply = json.loads(answer.read())
                cookie = answer.headers.get("Set-Cookie")
            if cookie:
                reply["cookie"] = cookie.split(";")[0]
            return reply
        except urllib.error.HTTPError as exc:
            if exc.code not in (429, 503):
                raise NotEnrolled(f"the hub refused the claim ({exc.code}): {exc.read().decode(errors='replace')}") from None
            wait = float(exc.headers.get("Retry-After") or RETRY_S)
        except (urllib.error.URLError, OSError):
            pass  # the web server is not up yet
        if time.monotonic() + wait > deadline:
            raise NotEnrolled(f"the hub at {hub_url()} did not take the claim within {WAIT_FOR_HUB_S:.0f} s")
        time.sleep(wait)
