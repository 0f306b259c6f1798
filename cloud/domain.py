"""The headquarters' rules, in plain Python: secrets, scopes, ledger balances and stock from moves."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

STORE_TOKEN_PREFIX = "plst_"  # tells a leaked store token apart in logs and scanners
ACCOUNT_TOKEN_PREFIX = "plhq_"
ENROLMENT_CODE_BYTES = 15  # 120 bits: typed once by store IT, guessed never


def new_secret(prefix: str = "", nbytes: int = 32) -> tuple[str, str]:
    """Return (secret for its holder, hash to store); 256 random bits need no salt, only the hash is kept."""
    secret = prefix + secrets.token_urlsafe(nbytes)
    return secret, secret_hash(secret)


def new_enrolment_code() -> tuple[str, str]:
    """Return (a one-time enrolment code in groups of five, its hash)."""
    raw = secrets.token_hex(ENROLMENT_CODE_BYTES).upper()
    code = "-".join(raw[i:i + 5] for i in range(0, len(raw), 5))
    return code, secret_hash(normal_code(code))


def normal_code(code: str) -> str:
    """Return an enrolment code as typed, without dashes, spaces or case."""
    return "".join(code.split()).replace("-", "").upper()


def secret_hash(secret: str) -> str:
    """Return the stored form of a token or code."""
    return hashlib.sha256(secret.encode()).hexdigest()


def same_hash(left: str, right: str) -> bool:
    """Compare two hashes in constant time."""
    return hmac.compare_digest(left, right)


def body_fingerprint(body: dict) -> str:
    """Return a digest of an event's body that is the same for the same content, whatever the key order."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def owns_location(store: str, location: str) -> bool:
    """Tell whether a stock location belongs to a store: its own code, or a place inside it."""
    return location == store or location.startswith(store + "/")


@dataclass(frozen=True)
class Audience:
    """Who reads a change: every store (store None), or one store."""

    store: str | None = None


def scope_changes(old: list[str] | None, new: list[str] | None, *, existed: bool) -> tuple[list[Audience], list[Audience]]:
    """Return (audiences that must see a deletion, audiences that must see the new state) when a scope changes.

    A scope is None for every store, or a list of stores. A store reading its feed from the start must end on the
    right state: so a chain-wide object narrowed to some stores is first deleted for everyone, then written for them.
    """
    deletes: list[Audience] = []
    if existed:
        if old is None and new is not None:
            deletes = [Audience(None)]
        elif old is not None:
            kept = set(new) if new is not None else set(old)
            deletes = [Audience(store) for store in sorted(set(old) - kept)]
    writes = [Audience(None)] if new is None else [Audience(store) for store in sorted(set(new))]
    return deletes, writes


def balance(points: Iterable[int]) -> int:
    """Return a member's balance: the sum of their ledger."""
    return sum(points)


@dataclass(frozen=True)
class Move:
    """A stock move's signed deltas at a location."""

    location: str
    sku: str
    on_hand: int = 0
    reserved: int = 0
    in_transit: int = 0


@dataclass(frozen=True)
class Level:
    """Stock of one SKU at one location."""

    location: str
    sku: str
    on_hand: int
    reserved: int
    in_transit: int

    @property
    def available(self) -> int:
        """Return what can still be sold: on hand less what is reserved."""
        return self.on_hand - self.reserved


def stock_levels(moves: Iterable[Move]) -> list[Level]:
    """Sum moves into levels per (location, sku), sorted by location then SKU."""
    totals: dict[tuple[str, str], list[int]] = {}
    for move in moves:
        total = totals.setdefault((move.location, move.sku), [0, 0, 0])
        total[0] += move.on_hand
        total[1] += move.reserved
        total[2] += move.in_transit
    return [Level(loc, sku, *values) for (loc, sku), values in sorted(totals.items())]


# Which pickup status may follow which: a store moves a web order on, never back; collected and cancelled are final.
PICKUP_NEXT: dict[str, frozenset[str]] = {
    "placed": frozenset({"accepted", "ready", "collected", "cancelled"}),
    "accepted": frozenset({"ready", "collected", "cancelled"}),
    "ready": frozenset({"collected", "cancelled"}),
    "collected": frozenset(),
    "cancelled": frozenset(),
}


def pickup_may_become(current: str, new: str) -> bool:
    """Tell whether a web order may go from one status to another (the same status again changes nothing)."""
    return new == current or new in PICKUP_NEXT[current]


LOCKOUT_ATTEMPTS = 5  # wrong passwords for one account name ...
LOCKOUT_WINDOW_S = 300  # ... within 5 minutes lock its sign-in until the oldest of them is 5 minutes old


def sign_in_locked_until(failures: list[datetime], now: datetime) -> datetime | None:
    """Return until when sign-in is locked after these recent failures, or None when it is not."""
    window = timedelta(seconds=LOCKOUT_WINDOW_S)
    recent = sorted(at for at in failures if now - at < window)
    if len(recent) < LOCKOUT_ATTEMPTS:
        return None
    return recent[-LOCKOUT_ATTEMPTS] + window
