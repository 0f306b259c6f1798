"""Staff at the counter: roles and what they may do, PINs, sessions and one-use manager approvals.

Roles map to permissions in one table (ROLE_PERMISSIONS), the seam for the fuller staff model
that comes later: code asks `may(role, permission)`, never compares role names.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from hub.domain.errors import OrderRefused, Refused

ROLES = ("cashier", "manager")
APPROVAL_ACTIONS = ("discount", "refund", "void", "tax_exempt", "gift_card", "day_close", "points_offline")

# What each role may do. "approve:<action>" lets a member's PIN authorise another's action once.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "cashier": frozenset({"sell", "take_payment", "hold_basket", "print_receipt", "open_drawer"}),
    "manager": frozenset({"sell", "take_payment", "hold_basket", "print_receipt", "open_drawer",
                          "approve:discount", "approve:refund", "approve:void", "approve:tax_exempt",
                          "approve:gift_card", "approve:day_close", "approve:points_offline", "manage_staff"}),
}

SESSION_TTL = timedelta(hours=12)  # one shift; signing out ends it sooner
APPROVAL_TTL = timedelta(minutes=5)  # long enough to finish the sale the manager looked at, no longer
LOCKOUT_ATTEMPTS = 5  # wrong PINs at one till, or from one source address, before it locks
LOCKOUT_WINDOW = timedelta(minutes=5)
# A till's id comes from the page, so guessing could hop from id to id: the source address is
# throttled as well. Past this many wrong PINs across the whole store (many sources), every further
# attempt waits STORE_SLOW_DELAY after the last wrong one: guessing slows to a crawl, yet no one
# can lock every till by failing on purpose.
STORE_SLOW_ATTEMPTS = 20
STORE_SLOW_DELAY = timedelta(seconds=3)
STORE_KEY = "*store"  # the throttle key that counts every wrong PIN in the store
# PBKDF2 rounds: a sign-in checks the PIN against every member's hash, so each check must stay in
# the low milliseconds; the lockout, not the hash, is what stops guessing a 4-digit PIN.
PIN_ROUNDS = 20_000
PIN_DIGITS = (4, 8)


class StaffRefused(Refused):
    """A staff action the hub will not do: a wire code, a message, an HTTP status, and the field."""

    retry_after_s: int | None = None  # for a 429: whole seconds until trying again makes sense (Retry-After)


@dataclass(frozen=True, slots=True)
class StaffMember:
    """Someone who works the counter; the PIN is kept only as a salted hash."""

    staff_id: str
    name: str
    role: str
    pin_hash: str
    active: bool = True

    def view(self) -> dict:
        """Return what pages may see of a member (never the PIN hash)."""
        return {"staff_id": self.staff_id, "name": self.name, "role": self.role}


@dataclass(frozen=True, slots=True)
class StaffSession:
    """A signed-in member at one till, found by the hash of its bearer token."""

    token_hash: str
    staff_id: str
    device_id: str
    started_at: datetime
    expires_at: datetime
    ended_at: datetime | None = None

    def live(self, now: datetime) -> bool:
        """Return whether the session may still act."""
        return self.ended_at is None and now < self.expires_at


@dataclass(frozen=True, slots=True)
class Approval:
    """A manager's one-use consent to one action, found by the hash of its token."""

    token_hash: str
    staff_id: str
    action: str
    device_id: str
    granted_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    used_for: str | None = None


def may(role: str, permission: str) -> bool:
    """Return whether a role has a permission."""
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


def check_role(role: str) -> str:
    """Return a known role, or refuse naming the choices."""
    if role not in ROLES:
        raise StaffRefused("invalid_payload", f"role must be one of {', '.join(ROLES)}, got {role!r}", field="role")
    return role


def check_pin(pin: str) -> str:
    """Return a PIN of 4 to 8 digits, or refuse (without repeating it)."""
    low, high = PIN_DIGITS
    if not isinstance(pin, str) or not pin.isdigit() or not low <= len(pin) <= high or not pin.isascii():
        raise StaffRefused("invalid_payload", f"pin must be {low} to {high} digits", field="pin")
    return pin


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """Return `pbkdf2_sha256$rounds$salt$hash` for a PIN, with a fresh random salt."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, PIN_ROUNDS)
    return f"pbkdf2_sha256${PIN_ROUNDS}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    """Return whether a PIN matches a stored hash, in constant time."""
    try:
        scheme, rounds, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256":
        return False
    candidate = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), int(rounds))
    return hmac.compare_digest(candidate.hex(), digest)


def new_token(prefix: str = "") -> tuple[str, str]:
    """Return (token for the holder, hash to store); 256 random bits, so a plain sha256 is enough, and only the hash is kept."""
    token = prefix + secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    """Return the stored form of a staff session, approval, account session, device or gateway token."""
    return hashlib.sha256(token.encode()).hexdigest()


def till_key(device_id: str) -> str:
    """Return the throttle key of a till (its device id, as wrong PINs were always kept)."""
    # Device ids start with a letter or digit (contracts.staff.DeviceId): they never collide with `@` or `*` keys.
    return device_id


def source_key(source: str) -> str:
    """Return the throttle key of a source address."""
    return f"@{source}"[:64]


def store_wait(failures: list[datetime], now: datetime) -> timedelta | None:
    """Return how long the next attempt must wait under the store-wide cap, or None to go ahead."""
    recent = [at for at in failures if now - at < LOCKOUT_WINDOW]
    if len(recent) < STORE_SLOW_ATTEMPTS:
        return None
    wait = max(recent) + STORE_SLOW_DELAY - now
    return wait if wait > timedelta(0) else None


def locked(failures: list[datetime], now: datetime) -> bool:
    """Return whether a till or a source has had too many wrong PINs in the lockout window."""
    return sum(1 for at in failures if now - at < LOCKOUT_WINDOW) >= LOCKOUT_ATTEMPTS


def unlocks_at(failures: list[datetime], now: datetime) -> datetime:
    """Return when a locked device may try again (the window after the oldest failure that still counts)."""
    recent = sorted(at for at in failures if now - at < LOCKOUT_WINDOW)
    return recent[-LOCKOUT_ATTEMPTS] + LOCKOUT_WINDOW


# Commands: named as orders; handled in hub/services/staff.py.

@dataclass(frozen=True, slots=True)
class AddStaff:
    """Take on a member with a role and a PIN no one else uses."""

    staff_id: str
    name: str
    role: str
    pin: str  # hashed by the handler, never stored or logged as is

    def __repr__(self) -> str:
        return f"AddStaff(staff_id={self.staff_id!r}, name={self.name!r}, role={self.role!r})"


@dataclass(frozen=True, slots=True)
class SignIn:
    """Start a session at a till with a PIN."""

    pin: str
    device_id: str
    source: str | None = None  # the client's address, throttled like the till

    def __repr__(self) -> str:
        return f"SignIn(device_id={self.device_id!r}, source={self.source!r})"


@dataclass(frozen=True, slots=True)
class SignOut:
    """End the session a bearer token belongs to."""

    token: str

    def __repr__(self) -> str:
        return "SignOut()"


@dataclass(frozen=True, slots=True)
class GrantApproval:
    """A manager's PIN authorises one action at a till, once, for a few minutes."""

    pin: str
    action: str
    device_id: str
    source: str | None = None  # the client's address, throttled like the till

    def __repr__(self) -> str:
        return f"GrantApproval(action={self.action!r}, device_id={self.device_id!r}, source={self.source!r})"


@dataclass(frozen=True, slots=True)
class UseApproval:
    """Spend a manager's approval on one action (a refund), in that action's transaction."""

    approval: str
    action: str
    used_for: str

    def __repr__(self) -> str:
        return f"UseApproval(action={self.action!r}, used_for={self.used_for!r})"


@dataclass(frozen=True, slots=True)
class RunApproved:
    """Run a command (a refund) only with a manager's approval for its action, spent in the same transaction."""

    approval: str | None
    action: str
    command: object
    used_for: str

    def __repr__(self) -> str:
        return f"RunApproved(action={self.action!r}, command={self.command!r})"


class ApprovalRequired(OrderRefused):
    """An order's discounts go over the store's limit and no valid manager approval came with it."""

    code = "approval_required"
    status = 403


class NotSignedIn(OrderRefused):
    """An order names a staff session that ended or never was, or gives discounts without one."""

    code = "not_signed_in"
    status = 401

