"""The demo's simulated cashier: at an enrolled counter, signed in with a PIN, confirming remote orders."""

from __future__ import annotations

import json
import random
import time
import urllib.error
import urllib.request

from devices.simulators.crew_screen import CALL_TIMEOUT_S

CONFIRM_S = (20.0, 60.0)  # the cashier gets to a waiting remote order


class Cashier:
    """A cashier at an enrolled counter who confirms each waiting remote order with the hub's suggested time."""

    def __init__(self, url: str, device_id: str, cookie: str, pin: str, rng: random.Random | None = None) -> None:
        self._url = url
        self._device_id = device_id
        self._cookie = cookie
        self._pin = pin
        self._rng = rng or random.Random()
        self._token: str | None = None
        self._due: dict[str, float] = {}
        self.confirmed = 0

    def work(self) -> None:
        """Confirm the remote orders that have waited long enough for the cashier to get to them."""
        now = time.monotonic()
        for order in self._request("GET", "/api/v1/incoming")["orders"]:
            due = self._due.setdefault(order["order_id"], now + self._rng.uniform(*CONFIRM_S))
            if now >= due:
                self._request("POST", f"/api/v1/orders/{order['order_id']}/confirm",
                              {"minutes": order["suggested_minutes"]})
                self._due.pop(order["order_id"], None)
                self.confirmed += 1

    def _request(self, method: str, path: str, body: dict | None = None, signing_in: bool = False) -> dict:
        if self._token is None and not signing_in:
            self._sign_in()
        headers = {"Cookie": self._cookie, "Content-Type": "application/json"}
        if self._token and not signing_in:
            headers["Authorization"] = f"Bearer {self._token}"
        request = urllib.request.Request(self._url + path, method=method, headers=headers,
                                         data=json.dumps(body).encode() if body is not None else None)
        try:
            with urllib.request.urlopen(request, timeout=CALL_TIMEOUT_S) as answer:
                return json.load(answer)
        except urllib.error.HTTPError as exc:
            if exc.code == 401 and not signing_in:
                self._token = None  # the session ended: sign in again next time
            raise

    def _sign_in(self) -> None:
        reply = self._request("POST", "/api/v1/staff/sessions", {"pin": self._pin, "device_id": self._device_id},
                              signing_in=True)
        self._token = reply["token"]
