"""A real HQ (`passline cloud serve` on a SQLite file) with an HQ account, driven over its HTTP API as a chain's office would."""

from __future__ import annotations

import sqlite3
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests

from cloud.db.migrate import upgrade
from tests.support.cloud_process import PASSLINE, HqProcess

ADMIN, ADMIN_PASSWORD = "chain-office", "a long enough password for HQ"


class HqServer(HqProcess):
    """HQ in its own process, its database a file the test can read, and an HQ account signed in."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.database_path = folder / "hq.db"
        url = f"sqlite:///{self.database_path}"
        upgrade(url)
        super().__init__(folder, url)
        self._admin: dict | None = None
        self.cli("accounts", "add", ADMIN, "--password-stdin", stdin=ADMIN_PASSWORD + "\n")

    def cli(self, *args: str, stdin: str | None = None) -> str:
        """Run `passline cloud ...` on HQ's database; return what it printed."""
        done = subprocess.run([PASSLINE, "cloud", *args], env=self.env, input=stdin, capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def enrolment_code(self, store: str, jurisdiction: str = "DE") -> str:
        """Add a store (or keep it) and return a fresh one-time enrolment code for its hub."""
        printed = self.cli("stores", "add", store, "--name", store.title(), "--jurisdiction", jurisdiction)
        return printed.split("shown this once): ", 1)[1].split()[0]

    def admin(self) -> dict:
        """Return the headers of the signed-in HQ account."""
        if self._admin is None:
            reply = requests.post(f"{self.url}/api/v1/session", json={"name": ADMIN, "password": ADMIN_PASSWORD},
                                  timeout=10)
            assert reply.status_code == 201, reply.text
            self._admin = {"Authorization": f"Bearer {reply.json()['token']}"}
        return self._admin

    def put(self, collection: str, body: dict) -> None:
        """Create or replace one object of the chain."""
        reply = requests.put(f"{self.url}/api/v1/hq/{collection}", json=body, headers=self.admin(), timeout=10)
        assert reply.status_code == 200, reply.text

    def place_web_order(self, body: dict) -> None:
        """Place the web shop's order for pickup at a store."""
        reply = requests.post(f"{self.url}/api/v1/web-orders", json=body, headers=self.admin(), timeout=10)
        assert reply.status_code in (200, 201), reply.text

    def web_order(self, order_id: str) -> dict:
        """Return a web order with its status and history."""
        reply = requests.get(f"{self.url}/api/v1/web-orders/{order_id}", headers=self.admin(), timeout=10)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def post(self, path: str, body: dict) -> dict:
        """POST to HQ's API as the HQ account; return the answer's body."""
        reply = requests.post(f"{self.url}{path}", json=body, headers=self.admin(), timeout=10)
        assert reply.status_code in (200, 201), reply.text
        return reply.json()

    def get(self, path: str) -> dict:
        """GET from HQ's API as the HQ account."""
        reply = requests.get(f"{self.url}{path}", headers=self.admin(), timeout=10)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def stored_events(self, store: str) -> list[tuple[str, str]]:
        """Return (kind, id) of every event HQ stored for a store, read from its database."""
        with sqlite3.connect(self.database_path) as db:
            return [tuple(row) for row in db.execute("SELECT kind, id FROM events WHERE store = ?", (store,))]


def a_small_menu(hq: HqServer, *, latte_price: int = 450) -> None:
    """Put a coffee menu at HQ: a tax rate, a category, a latte and a croissant with chain-wide prices."""
    hq.put("taxes", {"jurisdiction": "DE", "tax_code": "food", "rate_bp": 700})
    hq.put("categories", {"code": "coffee", "names": {"en": "Coffee", "de": "Kaffee"}})
    hq.put("items", {"sku": "LATTE", "names": {"en": "Latte", "de": "Milchkaffee"}, "category": "coffee",
                     "tax_code": "food", "station": "bar", "prep_seconds": 90})
    hq.put("items", {"sku": "CROISSANT", "names": {"en": "Croissant"}, "category": "coffee", "tax_code": "food",
                     "station": "bar", "prep_seconds": 0})
    hq.put("prices", {"sku": "LATTE", "price": {"amount": latte_price, "currency": "EUR"}})
    hq.put("prices", {"sku": "CROISSANT", "price": {"amount": 250, "currency": "EUR"}})


def hours(n: float) -> str:
    """Return a time n hours from now, as HQ takes it."""
    return (datetime.now(timezone.utc) + timedelta(hours=n)).isoformat()
