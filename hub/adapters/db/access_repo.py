"""Accounts, account sessions, enrolled devices and claim codes in SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from hub.adapters.db.access_tables import account_sessions, accounts, claim_codes, enrolled_devices
from hub.domain.access import Account, EnrolledDevice, Role
from hub.domain.enrolment import AccountSession, ClaimCode
from hub.services.access_ports import AccessRepository

_DEVICE_COLUMNS = ("device_id", "role", "created_at", "enrolled_at", "revoked_at", "last_seen_at")


class SqlAccessRepository(AccessRepository):
    """Read and write accounts and devices on the unit of work's connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add_account(self, account: Account) -> None:
        self._c.execute(insert(accounts).values(username=account.username, role=account.role.value,
                                                password_hash=account.password_hash, created_at=account.created_at,
                                                disabled_at=account.disabled_at))

    def account(self, username: str) -> Account | None:
        row = self._c.execute(select(accounts).where(accounts.c.username == username)).mappings().first()
        return _account(row) if row else None

    def accounts(self) -> list[Account]:
        return [_account(r) for r in self._c.execute(select(accounts).order_by(accounts.c.username)).mappings()]

    def set_password(self, username: str, password_hash: str) -> bool:
        done = self._c.execute(update(accounts).where(accounts.c.username == username)
                               .values(password_hash=password_hash))
        return done.rowcount == 1

    def disable_account(self, username: str, at: datetime) -> bool:
        done = self._c.execute(update(accounts)
                               .where((accounts.c.username == username) & accounts.c.disabled_at.is_(None))
                               .values(disabled_at=at))
        return done.rowcount == 1

    def add_session(self, session: AccountSession) -> None:
        self._c.execute(insert(account_sessions).values(
            token_hash=session.token_hash, username=session.username, created_at=session.created_at,
            expires_at=session.expires_at, ended_at=session.ended_at))

    def session(self, token_hash: str) -> AccountSession | None:
        row = self._c.execute(select(account_sessions)
                              .where(account_sessions.c.token_hash == token_hash)).mappings().first()
        return AccountSession(**row) if row else None

    def end_session(self, token_hash: str, at: datetime) -> bool:
        done = self._c.execute(update(account_sessions)
                               .where((account_sessions.c.token_hash == token_hash)
                                      & account_sessions.c.ended_at.is_(None))
                               .values(ended_at=at))
        return done.rowcount == 1

    def end_sessions_of(self, username: str, at: datetime) -> int:
        done = self._c.execute(update(account_sessions)
                               .where((account_sessions.c.username == username)
                                      & account_sessions.c.ended_at.is_(None))
                               .values(ended_at=at))
        return done.rowcount

    def device(self, device_id: str) -> EnrolledDevice | None:
        return self._one_device(enrolled_devices.c.device_id == device_id)

    def devices(self) -> list[EnrolledDevice]:
        rows = self._c.execute(select(enrolled_devices).order_by(enrolled_devices.c.device_id)).mappings()
        return [_device(r) for r in rows]

    def device_by_credential(self, credential_hash: str) -> EnrolledDevice | None:
        return self._one_device(enrolled_devices.c.credential_hash == credential_hash)

    def _one_device(self, where) -> EnrolledDevice | None:
        row = self._c.execute(select(enrolled_devices).where(where)).mappings().first()
        return _device(row) if row else None

    def add_device(self, device: EnrolledDevice) -> None:
        self._c.execute(insert(enrolled_devices).values(
            device_id=device.device_id, role=device.role.value, created_at=device.created_at,
            enrolled_at=device.enrolled_at, revoked_at=device.revoked_at, last_seen_at=device.last_seen_at))

    def enrol_device(self, device_id: str, role: Role, credential_hash: str | None, at: datetime) -> None:
        self._c.execute(update(enrolled_devices).where(enrolled_devices.c.device_id == device_id)
                        .values(role=role.value, enrolled_at=at, revoked_at=None, last_seen_at=None,
                                credential_hash=credential_hash))

    def revoke_device(self, device_id: str, at: datetime) -> bool:
        done = self._c.execute(update(enrolled_devices)
                               .where((enrolled_devices.c.device_id == device_id)
                                      & enrolled_devices.c.revoked_at.is_(None))
                               .values(revoked_at=at, credential_hash=None))
        return done.rowcount == 1

    def touch_device(self, device_id: str, at: datetime) -> None:
        self._c.execute(update(enrolled_devices).where(enrolled_devices.c.device_id == device_id)
                        .values(last_seen_at=at))

    def add_claim(self, claim: ClaimCode) -> None:
        self._c.execute(insert(claim_codes).values(
            code_hash=claim.code_hash, device_id=claim.device_id, role=claim.role.value,
            created_at=claim.created_at, expires_at=claim.expires_at, used_at=claim.used_at))

    def claim(self, code_hash: str) -> ClaimCode | None:
        row = self._c.execute(select(claim_codes).where(claim_codes.c.code_hash == code_hash)).mappings().first()
        return _claim(row) if row else None

    def use_claim(self, code_hash: str, at: datetime) -> bool:
        # The WHERE on used_at makes a second claim in a racing transaction change nothing.
        done = self._c.execute(update(claim_codes)
                               .where((claim_codes.c.code_hash == code_hash) & claim_codes.c.used_at.is_(None)
                                      & (claim_codes.c.expires_at > at))
                               .values(used_at=at))
        return done.rowcount == 1

    def drop_claims(self, device_id: str, at: datetime) -> int:
        done = self._c.execute(update(claim_codes)
                               .where((claim_codes.c.device_id == device_id) & claim_codes.c.used_at.is_(None))
                               .values(used_at=at))
        return done.rowcount

    def pending_claims(self, now: datetime) -> list[ClaimCode]:
        rows = self._c.execute(select(claim_codes)
                               .where(claim_codes.c.used_at.is_(None) & (claim_codes.c.expires_at > now))
                               .order_by(claim_codes.c.expires_at)).mappings()
        return [_claim(r) for r in rows]


def _account(row) -> Account:
    return Account(row["username"], Role(row["role"]), row["password_hash"], row["created_at"], row["disabled_at"])


def _device(row) -> EnrolledDevice:
    values = {name: row[name] for name in _DEVICE_COLUMNS}
    return EnrolledDevice(**{**values, "role": Role(row["role"])})


def _claim(row) -> ClaimCode:
    return ClaimCode(row["code_hash"], row["device_id"], Role(row["role"]), row["created_at"], row["expires_at"],
                     row["used_at"])
