"""The access ports: the accounts and devices repository, and the broker's device logins."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime

from hub.domain.access import Account, EnrolledDevice, Role
from hub.domain.enrolment import AccountSession, ClaimCode


@dataclass(frozen=True)
class MqttLogin:
    """A device's own broker login, handed to it once (the url may carry the login too)."""

    url: str
    username: str
    password: str

    def __repr__(self) -> str:
        return f"MqttLogin(url={self.url.split('@')[-1]!r}, username={self.username!r}, password=***)"


class DeviceLogins(abc.ABC):
    """Make and remove devices' broker logins (Mosquitto's dynamic security in production)."""

    @abc.abstractmethod
    def create(self, device_id: str, role: Role) -> MqttLogin:
        """Make or replace the device's broker login."""

    @abc.abstractmethod
    def remove(self, device_id: str) -> None:
        """Delete it and disconnect the device now."""

    def ensure_roles(self) -> None:
        """Make sure the broker knows the roles device logins are given (when the hub starts)."""


class AccessRepository(abc.ABC):
    """Where accounts, their sessions, enrolled devices and claim codes live, inside the caller's unit of work."""

    @abc.abstractmethod
    def add_account(self, account: Account) -> None:
        """Store a new account."""

    @abc.abstractmethod
    def account(self, username: str) -> Account | None:
        """Return one account, or None."""

    @abc.abstractmethod
    def accounts(self) -> list[Account]:
        """Return every account by username."""

    @abc.abstractmethod
    def set_password(self, username: str, password_hash: str) -> bool:
        """Replace an account's password hash; False when there is no such account."""

    @abc.abstractmethod
    def disable_account(self, username: str, at: datetime) -> bool:
        """Disable an account unless it already is; False when nothing changed."""

    @abc.abstractmethod
    def add_session(self, session: AccountSession) -> None:
        """Store a new account session."""

    @abc.abstractmethod
    def session(self, token_hash: str) -> AccountSession | None:
        """Return an account session by its token's hash, or None."""

    @abc.abstractmethod
    def end_session(self, token_hash: str, at: datetime) -> bool:
        """End a live session; False when it was not live."""

    @abc.abstractmethod
    def end_sessions_of(self, username: str, at: datetime) -> int:
        """End every live session of an account; return how many."""

    @abc.abstractmethod
    def device(self, device_id: str) -> EnrolledDevice | None:
        """Return one device, or None."""

    @abc.abstractmethod
    def devices(self) -> list[EnrolledDevice]:
        """Return every device by id."""

    @abc.abstractmethod
    def device_by_credential(self, credential_hash: str) -> EnrolledDevice | None:
        """Return the device holding a cookie or bearer token (by its hash), or None."""

    @abc.abstractmethod
    def add_device(self, device: EnrolledDevice) -> None:
        """Store a device not known before (pending)."""

    @abc.abstractmethod
    def enrol_device(self, device_id: str, role: Role, credential_hash: str | None, at: datetime) -> None:
        """Mark a device enrolled with a role and its one credential; any older credential stops working."""

    @abc.abstractmethod
    def revoke_device(self, device_id: str, at: datetime) -> bool:
        """Revoke a device and drop its credential; False when it was revoked already."""

    @abc.abstractmethod
    def touch_device(self, device_id: str, at: datetime) -> None:
        """Note that a device was just seen."""

    @abc.abstractmethod
    def add_claim(self, claim: ClaimCode) -> None:
        """Store a new claim code (its hash)."""

    @abc.abstractmethod
    def claim(self, code_hash: str) -> ClaimCode | None:
        """Return a claim code by its hash, or None."""

    @abc.abstractmethod
    def use_claim(self, code_hash: str, at: datetime) -> bool:
        """Spend a live claim code; True only for the one call that spent it, even across transactions."""

    @abc.abstractmethod
    def drop_claims(self, device_id: str, at: datetime) -> int:
        """Spend every unused code of a device (a newer one replaces them, or it was revoked); return how many."""

    @abc.abstractmethod
    def pending_claims(self, now: datetime) -> list[ClaimCode]:
        """Return the codes not used and not expired, soonest expiry first."""
