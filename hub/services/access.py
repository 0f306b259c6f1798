"""Access: accounts and their sessions, claim-code enrolment, revocation, and who makes a request."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from hub.domain import enrolment as rules
from hub.domain import staff as staff_rules
from hub.domain.access import ANONYMOUS, MQTT_ROLES, SCREEN_ROLES, Account, EnrolledDevice, Identity, Role
from hub.domain.enrolment import (
    AccessRefused,
    AccountSession,
    AddAccount,
    ChangePassword,
    ClaimCode,
    ClaimDevice,
    CreateClaim,
    DisableAccount,
    InvalidClaim,
    RevokeDevice,
    SignInAccount,
    SignOutAccount,
)
from hub.services.access_ports import DeviceLogins, MqttLogin
from hub.services.ports import Clock, UnitOfWork

logger = logging.getLogger(__name__)

# argon2-cffi's own default: argon2id, 64 MiB, 3 passes (~0.1 s here). Tests pass profiles.CHEAPEST.
PRODUCTION_HASHING = profiles.RFC_9106_LOW_MEMORY
ClaimSecret = Callable[[], bytes]


def password_hasher(parameters=PRODUCTION_HASHING) -> PasswordHasher:
    """Return the argon2id hasher for account passwords."""
    return PasswordHasher.from_parameters(parameters)


def dependencies(claim_secret: ClaimSecret, device_logins: DeviceLogins | None,
                 hasher: PasswordHasher | None) -> dict[str, object]:
    """Return what this module's handlers take by name; the hub's secret is read on first use, then kept."""
    return {"device_logins": device_logins, "password_hasher": hasher or password_hasher(),
            "claim_secret": functools.cache(claim_secret)}


@dataclass(frozen=True, slots=True)
class AccountSignedIn:
    """A session started: the token goes to the browser's cookie once, the hub keeps its hash."""

    token: str
    account: Account
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class ClaimIssued:
    """A claim code made: shown to store IT once, kept only as its HMAC."""

    device_id: str
    role: Role
    code: str
    expires_at: datetime

    def __repr__(self) -> str:
        return f"ClaimIssued(device_id={self.device_id!r}, role={self.role!r}, code=***)"


@dataclass(frozen=True, slots=True)
class Claimed:
    """What a device got for its code: a cookie (screen), a bearer token (gateway), a broker login (MQTT)."""

    device_id: str
    role: Role
    cookie: str | None = None
    token: str | None = None
    mqtt: MqttLogin | None = None

    def __repr__(self) -> str:
        return f"Claimed(device_id={self.device_id!r}, role={self.role!r})"


@dataclass(frozen=True, slots=True)
class Revoked:
    """A device revoked; `broker` says what became of its broker login (removed, failed, not_removed, none)."""

    device_id: str
    role: Role
    broker: str


def add_account(command: AddAccount, uow: UnitOfWork, clock: Clock, password_hasher: PasswordHasher) -> Account:
    """Open an account; a username is taken once."""
    username = rules.check_username(command.username)
    role = rules.check_account_role(command.role)
    rules.check_password(command.password)
    if uow.access.account(username) is not None:
        raise AccessRefused("username_taken", f"username: {username} already has an account", 409, "username")
    account = Account(username, role, password_hasher.hash(command.password), clock())
    uow.access.add_account(account)
    logger.info("account %s added as %s", username, role.value)
    return account


def change_password(command: ChangePassword, uow: UnitOfWork, clock: Clock,
                    password_hasher: PasswordHasher) -> Account:
    """Set an account's password and end its sessions, so an old password's sessions die with it."""
    rules.check_password(command.password)
    account = _account(uow, command.username)
    uow.access.set_password(account.username, password_hasher.hash(command.password))
    ended = uow.access.end_sessions_of(account.username, clock())
    logger.info("password of %s changed; %d session(s) ended", account.username, ended)
    return account


def disable_account(command: DisableAccount, uow: UnitOfWork, clock: Clock) -> bool:
    """Stop an account signing in and end its sessions; False when it was disabled already."""
    account = _account(uow, command.username)
    now = clock()
    changed = uow.access.disable_account(account.username, now)
    uow.access.end_sessions_of(account.username, now)
    logger.info("account %s disabled", account.username)
    return changed


def _account(uow: UnitOfWork, username: str) -> Account:
    account = uow.access.account(username)
    if account is None:
        raise AccessRefused("not_found", f"username: no account {username!r}", 404, "username")
    return account


@functools.lru_cache(maxsize=4)
def _decoy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("no such account, same work")


def sign_in_account(command: SignInAccount, uow: UnitOfWork, clock: Clock,
                    password_hasher: PasswordHasher) -> AccountSignedIn:
    """Start a session for a right username and password; a wrong one of either gets the same answer."""
    account = uow.access.account(command.username) if isinstance(command.username, str) else None
    stored = account.password_hash if account is not None else _decoy_hash(password_hasher)  # same time either way
    try:
        password_hasher.verify(stored, command.password)
        right = account is not None and account.active
    except (VerificationError, InvalidHashError):
        right = False
    if not right:
        logger.warning("failed sign-in for account %s", command.username if account is not None else "(unknown)")
        raise AccessRefused("wrong_password", "username or password is wrong (or the account is disabled)", 401,
                            "password")
    if password_hasher.check_needs_rehash(account.password_hash):
        uow.access.set_password(account.username, password_hasher.hash(command.password))
    now = clock()
    token, hashed = rules.new_token()
    expires = now + rules.ACCOUNT_SESSION_TTL
    uow.access.add_session(AccountSession(hashed, account.username, now, expires))
    logger.info("account %s signed in", account.username)
    return AccountSignedIn(token, account, expires)


def sign_out_account(command: SignOutAccount, uow: UnitOfWork, clock: Clock) -> bool:
    """End a session; False when it had ended already or never was."""
    return uow.access.end_session(rules.token_hash(command.token), clock())


def create_claim(command: CreateClaim, uow: UnitOfWork, clock: Clock, claim_secret: ClaimSecret) -> ClaimIssued:
    """Make a one-time code for a device id and role; it replaces the device's older unused codes."""
    device_id = rules.check_device_id(command.device_id)
    role = rules.check_device_role(command.role)
    ttl = rules.check_claim_ttl(command.ttl)
    now = clock()
    if uow.access.device(device_id) is None:
        uow.access.add_device(EnrolledDevice(device_id, role, now))
    uow.access.drop_claims(device_id, now)
    code = rules.new_claim_code()
    uow.access.add_claim(ClaimCode(rules.claim_hash(claim_secret(), code), device_id, role, now, now + ttl))
    logger.info("claim code made for %s as %s, good until %s", device_id, role.value, now + ttl)
    return ClaimIssued(device_id, role, code, now + ttl)


def claim_device(command: ClaimDevice, uow: UnitOfWork, clock: Clock, claim_secret: ClaimSecret,
                 device_logins: DeviceLogins | None) -> Claimed:
    """Spend a code once and hand the device its credentials; the device's older credentials stop working."""
    now = clock()
    code = rules.normal_claim_code(command.code)
    hashed = rules.claim_hash(claim_secret(), code) if code else None
    claim = uow.access.claim(hashed) if hashed else None
    if claim is None or claim.used_at is not None or now >= claim.expires_at:
        logger.warning("a claim code was refused (wrong, used or expired)")
        raise InvalidClaim()
    role, device_id = claim.role, claim.device_id
    wants_mqtt = role in (Role.AGENT, Role.GADGET) or (role is Role.GATEWAY and command.mqtt)
    if wants_mqtt and device_logins is None:
        raise AccessRefused("broker_unavailable", f"{device_id} needs a broker login and the hub cannot make one "
                                                  "now: try again once the broker runs", 503)
    if not uow.access.use_claim(hashed, now):  # another claim spent it between the read and here
        raise InvalidClaim()
    before = uow.access.device(device_id)
    cookie = token = None
    if role in SCREEN_ROLES:
        cookie, credential = rules.new_token()
    elif role is Role.GATEWAY:
        token, credential = rules.new_token(rules.GATEWAY_PREFIX)
    else:
        credential = None
    uow.access.enrol_device(device_id, role, credential, now)
    mqtt = _broker_login(device_logins, device_id, role) if wants_mqtt else None
    if not wants_mqtt and before is not None and before.enrolled_at and before.role in MQTT_ROLES:
        _remove_login(device_logins, device_id)  # re-enrolled without MQTT: the old broker login goes
    logger.info("device %s enrolled as %s", device_id, role.value)
    return Claimed(device_id, role, cookie, token, mqtt)


def _broker_login(device_logins: DeviceLogins, device_id: str, role: Role) -> MqttLogin:
    try:
        return device_logins.create(device_id, role)
    except Exception:  # noqa: BLE001 - the claim is rolled back, so the code stays good for a retry
        logger.exception("could not make a broker login for %s", device_id)
        raise AccessRefused("broker_unavailable", f"{device_id} needs a broker login and the broker did not "
                                                  "answer: try again in a minute", 503) from None


def _remove_login(device_logins: DeviceLogins | None, device_id: str) -> str:
    if device_logins is None:
        logger.warning("no broker connection: the broker login of %s was not removed", device_id)
        return "not_removed"
    try:
        device_logins.remove(device_id)
    except Exception:  # noqa: BLE001 - the cookie and token are dead already; say so and go on
        logger.exception("could not remove the broker login of %s", device_id)
        return "failed"
    return "removed"


def revoke_device(command: RevokeDevice, uow: UnitOfWork, clock: Clock,
                  device_logins: DeviceLogins | None) -> Revoked:
    """End a device's cookie, token, unused codes and broker login at once."""
    device = uow.access.device(command.device_id)
    if device is None:
        raise AccessRefused("not_found", f"device_id: no device {command.device_id!r}", 404, "device_id")
    now = clock()
    uow.access.revoke_device(device.device_id, now)
    uow.access.drop_claims(device.device_id, now)
    broker = _remove_login(device_logins, device.device_id) if device.role in MQTT_ROLES else "none"
    logger.info("device %s revoked (broker login: %s)", device.device_id, broker)
    return Revoked(device.device_id, device.role, broker)


def identify(uow: UnitOfWork, *, account_token: str | None, device_token: str | None, bearer: str | None,
             now: datetime) -> Identity:
    """Return who sends a request: a gateway's bearer, an account's cookie, or a screen's cookie (with its staff).

    A device seen here gets its last_seen_at noted at most once a minute; that write is committed on the
    caller's unit of work.
    """
    if bearer and bearer.startswith(rules.GATEWAY_PREFIX):
        gateway = _live_device(uow, bearer, now)
        return _device_identity(gateway) if gateway is not None and gateway.role is Role.GATEWAY else ANONYMOUS
    if account_token:
        session = uow.access.session(rules.token_hash(account_token))
        account = uow.access.account(session.username) if session is not None and session.live(now) else None
        if account is not None and account.active:
            return Identity(kind="account", name=account.username, role=account.role)
    screen = _live_device(uow, device_token, now) if device_token else None
    if screen is None or screen.role not in SCREEN_ROLES:
        return ANONYMOUS
    return _device_identity(screen, _staff_at(uow, bearer, screen.device_id, now) if bearer else None)


def _live_device(uow: UnitOfWork, token: str, now: datetime) -> EnrolledDevice | None:
    device = uow.access.device_by_credential(rules.token_hash(token))
    if device is None or device.state != "enrolled":
        return None
    if device.last_seen_at is None or now - device.last_seen_at >= rules.LAST_SEEN_EVERY:
        uow.access.touch_device(device.device_id, now)
        uow.commit()
    return device


def _staff_at(uow: UnitOfWork, bearer: str, device_id: str, now: datetime) -> staff_rules.StaffMember | None:
    """Return the member whose live session was opened on this very device, or None."""
    session = uow.staff.session(staff_rules.token_hash(bearer))
    if session is None or not session.live(now) or session.device_id != device_id:
        return None
    member = uow.staff.member(session.staff_id)
    return member if member is not None and member.active else None


def _device_identity(device: EnrolledDevice, member: staff_rules.StaffMember | None = None) -> Identity:
    if member is None:
        return Identity(kind="device", name=device.device_id, role=device.role)
    return Identity(kind="device", name=device.device_id, role=device.role, staff_id=member.staff_id,
                    staff_role=Role(member.role))
