"""Accounts and device enrolment: the rules for names, roles, claim codes and tokens, and their commands.

Every secret here (password, claim code, token) is random or typed by a person, goes to its owner
once, and is kept only as a hash; the commands' reprs never show one.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from hub.domain.access import ACCOUNT_ROLES, DEVICE_ROLES, EnrolledDevice, Role
from hub.domain.errors import Refused
from hub.domain.staff import new_token, token_hash  # one way to make and keep every token

# No 0/O, 1/I/L, 5/S or 2/Z: a code read off one screen and typed on another is typed right.
CLAIM_ALPHABET = "346789ABCDEFGHJKMNPQRTUVWXY"
CLAIM_LENGTH = 10  # 27^10 ≈ 2^47: with 10 tries a minute per source, guessing takes ages
CLAIM_TTL = timedelta(minutes=30)  # time to walk from the back office to the device, not to leave it lying about
CLAIM_TTL_MAX = timedelta(days=7)  # a code mailed to a branch; longer is a password, not a claim
ACCOUNT_SESSION_TTL = timedelta(hours=12)  # one working day; sign-out ends it sooner
DEVICE_COOKIE_TTL = timedelta(days=400)  # browsers cap cookies at 400 days; revocation is what ends it
LAST_SEEN_EVERY = timedelta(minutes=1)  # a busy screen writes last_seen_at at most once a minute
SEEN_LATELY = timedelta(minutes=2)  # a screen polls at least every minute: two minutes quiet is offline
GATEWAY_PREFIX = "pld_"  # tells a gateway's bearer token from a staff session token
PASSWORD_MIN = 10
PASSWORD_MAX = 256  # argon2 hashes any length; this caps the work one request can ask for

_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")
_DEVICE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")  # an MQTT login and topic level too


class AccessRefused(Refused):
    """An account or enrolment action the hub will not do: a wire code, a message, an HTTP status, the field."""


class InvalidClaim(AccessRefused):
    """A claim code that is wrong, used or expired: one answer for all three, so none is hinted."""

    def __init__(self) -> None:
        super().__init__("invalid_claim", "code: this claim code is not valid (wrong, used or expired): "
                                          "ask store IT for a new one", 400, "code")


@dataclass(frozen=True, slots=True)
class AccountSession:
    """A signed-in account, found by the hash of its cookie's token."""

    token_hash: str
    username: str
    created_at: datetime
    expires_at: datetime
    ended_at: datetime | None = None

    def live(self, now: datetime) -> bool:
        """Return whether the session may still act."""
        return self.ended_at is None and now < self.expires_at


@dataclass(frozen=True, slots=True)
class ClaimCode:
    """A one-time code that enrols one device with one role, found by its HMAC."""

    code_hash: str
    device_id: str
    role: Role
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


def seen_lately(device: EnrolledDevice, now: datetime) -> bool:
    """Return whether an enrolled HTTP device (screen, gateway) made a request in the last two minutes."""
    return device.state == "enrolled" and device.last_seen_at is not None and now - device.last_seen_at < SEEN_LATELY


def check_username(username: object) -> str:
    """Return a username of 2 to 32 lower-case letters, digits, '.', '_' or '-', or refuse."""
    if not isinstance(username, str) or not _USERNAME.match(username):
        raise AccessRefused("invalid_payload", "username must be 2 to 32 characters: lower-case letters, digits, "
                                               "'.', '_' or '-', starting with a letter", field="username")
    return username


def check_account_role(role: object) -> Role:
    """Return an account role (owner or store_it), or refuse naming the choices."""
    if role not in {r.value for r in ACCOUNT_ROLES}:
        raise AccessRefused("invalid_payload", f"role must be owner or store_it, got {role!r}", field="role")
    return Role(role)


def check_device_id(device_id: object) -> str:
    """Return a device id usable as an MQTT login and topic level, or refuse."""
    if not isinstance(device_id, str) or not _DEVICE_ID.match(device_id):
        raise AccessRefused("invalid_payload", "device_id must be 1 to 64 letters, digits, '.', '_' or '-', "
                                               "starting with a letter or digit", field="device_id")
    return device_id


def check_device_role(role: object) -> Role:
    """Return a device role, or refuse naming the choices."""
    choices = sorted(r.value for r in DEVICE_ROLES)
    if role not in choices:
        raise AccessRefused("invalid_payload", f"role must be one of {', '.join(choices)}, got {role!r}", field="role")
    return Role(role)


def check_password(password: object) -> str:
    """Return a password of 10 to 256 characters, or refuse (without repeating it)."""
    if not isinstance(password, str) or not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise AccessRefused("invalid_payload", f"password must be {PASSWORD_MIN} to {PASSWORD_MAX} characters",
                            field="password")
    return password


def check_claim_ttl(ttl: timedelta) -> timedelta:
    """Return a claim code's lifetime between 1 minute and 7 days, or refuse."""
    if not timedelta(minutes=1) <= ttl <= CLAIM_TTL_MAX:
        raise AccessRefused("invalid_payload", "ttl_minutes must be 1 to 10080 (7 days)", field="ttl_minutes")
    return ttl


def new_claim_code() -> str:
    """Return a fresh random claim code."""
    return "".join(secrets.choice(CLAIM_ALPHABET) for _ in range(CLAIM_LENGTH))


def normal_claim_code(typed: str) -> str | None:
    """Return a typed code as issued (upper case, no spaces or dashes), or None when it cannot be one."""
    code = "".join(typed.split()).replace("-", "").upper() if isinstance(typed, str) else ""
    return code if len(code) == CLAIM_LENGTH and all(c in CLAIM_ALPHABET for c in code) else None


def claim_hash(secret: bytes, code: str) -> str:
    """Return the stored form of a claim code: HMAC-SHA256 with the hub's secret, since 47 bits alone are guessable offline."""
    return hmac.new(secret, f"claim:{code}".encode(), hashlib.sha256).hexdigest()


def new_password() -> str:
    """Return a strong random password for a new account (about 120 bits)."""
    return secrets.token_urlsafe(15)


# Commands: named as orders; handled in hub/services/access.py.

@dataclass(frozen=True, slots=True)
class AddAccount:
    """Open an account for an owner or store IT."""

    username: str
    role: str
    password: str

    def __repr__(self) -> str:
        return f"AddAccount(username={self.username!r}, role={self.role!r})"


@dataclass(frozen=True, slots=True)
class ChangePassword:
    """Set an account's password; its sessions end."""

    username: str
    password: str

    def __repr__(self) -> str:
        return f"ChangePassword(username={self.username!r})"


@dataclass(frozen=True, slots=True)
class DisableAccount:
    """Stop an account signing in; its sessions end."""

    username: str


@dataclass(frozen=True, slots=True)
class SignInAccount:
    """Start an account's session with its password."""

    username: str
    password: str

    def __repr__(self) -> str:
        return f"SignInAccount(username={self.username!r})"


@dataclass(frozen=True, slots=True)
class SignOutAccount:
    """End the session a cookie's token belongs to."""

    token: str

    def __repr__(self) -> str:
        return "SignOutAccount()"


@dataclass(frozen=True, slots=True)
class CreateClaim:
    """Make a one-time code that enrols a device id with a role."""

    device_id: str
    role: str
    ttl: timedelta = CLAIM_TTL


@dataclass(frozen=True, slots=True)
class ClaimDevice:
    """Exchange a claim code for the device's credentials, once."""

    code: str
    mqtt: bool = False  # a gateway asks for a broker login as well

    def __repr__(self) -> str:
        return f"ClaimDevice(mqtt={self.mqtt!r})"


@dataclass(frozen=True, slots=True)
class RevokeDevice:
    """End a device's cookie, token and broker login at once."""

    device_id: str


def pairing_url(hub_url: str, code: str) -> str:
    """Return the pairing page's address with the code in the fragment, which browsers never send or log."""
    return f"{hub_url.rstrip('/')}/pair#code={code}"
