"""Drive HQ's app the way a hub and an HQ account do: over its HTTP API."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from flask import Flask
from sqlalchemy import Engine

from cloud.db.access import add_account, add_store, issue_enrolment_code

ADMIN, ADMIN_PASSWORD = "chain-admin", "correct horse battery staple"
_ids = itertools.count(1)


@dataclass
class Hq:
    """HQ's app with helpers; `admin` signs in on first use."""

    app: Flask
    engine: Engine
    clock: object
    _admin_token: str | None = field(default=None, init=False)

    @property
    def client(self):
        """Return a test client of HQ's app."""
        return self.app.test_client()

    def admin(self) -> dict:
        """Return the headers of a signed-in HQ account (opening the account first)."""
        if self._admin_token is None:
            with self.engine.begin() as conn:
                add_account(conn, ADMIN, self.app.config["CLOUD_PASSWORDS"].hash(ADMIN_PASSWORD), self.clock())
            reply = self.client.post("/api/v1/session", json={"name": ADMIN, "password": ADMIN_PASSWORD})
            assert reply.status_code == 201, reply.json
            self._admin_token = reply.json["token"]
        return {"Authorization": f"Bearer {self._admin_token}"}

    def enrol(self, store: str, jurisdiction: str = "DE") -> dict:
        """Add a store, enrol it with a fresh code, and return its token's headers."""
        with self.engine.begin() as conn:
            add_store(conn, store, name=store.title(), jurisdiction=jurisdiction, at=self.clock())
            code = issue_enrolment_code(conn, store, self.clock())
        reply = self.client.post("/api/v1/enrol", json={"code": code})
        assert reply.status_code == 201, reply.json
        return {"Authorization": f"Bearer {reply.json['token']}"}

    def put(self, collection: str, body: dict) -> dict:
        """Create or replace one object of the chain as HQ."""
        reply = self.client.put(f"/api/v1/hq/{collection}", json=body, headers=self.admin())
        assert reply.status_code == 200, reply.json
        return reply.json

    def delete(self, collection: str, key: str) -> None:
        """Delete one object of the chain as HQ."""
        reply = self.client.delete(f"/api/v1/hq/{collection}/{key}", headers=self.admin())
        assert reply.status_code == 204, reply.json

    def feed(self, store: str, feed: str, headers: dict, *, after: str | None = None, limit: int | None = None):
        """Return one page of a feed as the test client's response."""
        query = {key: value for key, value in (("after", after), ("limit", limit)) if value is not None}
        return self.client.get(f"/api/v1/stores/{store}/feeds/{feed}", query_string=query, headers=headers)

    def read_all(self, store: str, feed: str, headers: dict, *, limit: int = 200, after: str | None = None) -> list[dict]:
        """Read a feed to its end, page by page; return every change."""
        found: list[dict] = []
        while True:
            reply = self.feed(store, feed, headers, after=after, limit=limit)
            assert reply.status_code == 200, reply.json
            found += reply.json["changes"]
            after = reply.json["next_cursor"]
            if not reply.json["more"]:
                return found

    def post_events(self, store: str, headers: dict, events: list[dict]):
        """Post a batch of events; return the response."""
        return self.client.post(f"/api/v1/stores/{store}/events", json={"events": events}, headers=headers)


def at(minutes: int = 0) -> str:
    """Return a time on the test day as ISO text."""
    return (datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc) + timedelta(minutes=minutes)).isoformat()


def new_id(prefix: str) -> str:
    """Return an id no other test event has."""
    return f"{prefix}-{next(_ids)}"


def order(order_id: str, *, total: int = 450, sku: str = "LATTE") -> dict:
    """Return an order event of one line."""
    return {"kind": "order", "id": order_id, "number": "A001", "origin": "kiosk", "placed_at": at(),
            "lines": [{"sku": sku, "qty": 1, "unit_price": {"amount": total, "currency": "EUR"}}],
            "total": {"amount": total, "currency": "EUR"}}


def payment(payment_id: str, order_id: str, amount: int = 450) -> dict:
    """Return a card payment event for an order."""
    return {"kind": "payment", "id": payment_id, "order_id": order_id, "method": "card",
            "amount": {"amount": amount, "currency": "EUR"}, "paid_at": at(1)}


def stock_move(move_id: str, location: str, sku: str, **deltas: int) -> dict:
    """Return a stock move event."""
    return {"kind": "stock_move", "id": move_id, "location": location, "sku": sku, "reason": "sale",
            "moved_at": at(), **deltas}


def loyalty_entry(entry_id: str, member_id: str, points: int, minutes: int = 0) -> dict:
    """Return a loyalty accrual (positive) or redemption (negative)."""
    return {"kind": "loyalty_entry", "id": entry_id, "member_id": member_id, "points": points, "at": at(minutes)}


def web_order(order_id: str = "W-1", store: str = "berlin", **changes) -> dict:
    """Return a paid web order of two lattes for pickup at a store."""
    return {"order_id": order_id, "store": store, "placed_at": at(), "pickup_at": at(30),
            "customer": {"name": "Ada L.", "phone": "+49 30 1234567"},
            "lines": [{"sku": "LATTE", "qty": 2, "unit_price": {"amount": 450, "currency": "EUR"}}],
            "total": {"amount": 900, "currency": "EUR"}, "payment": "paid", **changes}
