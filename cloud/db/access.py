"""Stores, their enrolment codes and tokens, and HQ accounts with their sessions; secrets by hash only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, select, update

from cloud.db.tables import account_sessions, accounts, sign_in_failures, store_credentials, stores
from cloud.domain import (
    ACCOUNT_TOKEN_PREFIX,
    LOCKOUT_WINDOW_S,
    STORE_TOKEN_PREFIX,
    new_enrolment_code,
    new_secret,
    normal_code,
    secret_hash,
)

ENROLMENT_CODE_LIFETIME = timedelta(days=7)  # long enough to post to a store, short enough to not linger


@dataclass(frozen=True)
class StoreRow:
    """A store of the chain."""

    code: str
    name: str
    jurisdiction: str


def add_store(conn: Connection, code: str, *, name: str, jurisdiction: str, at: datetime) -> tuple[StoreRow, bool]:
    """Create a store, or keep the existing one (its jurisdiction updated when given); return (store, created)."""
    existing = find_store(conn, code)
    if existing is None:
        conn.execute(stores.insert().values(code=code, name=name, jurisdiction=jurisdiction, created_at=at))
        return StoreRow(code, name, jurisdiction), True
    return existing, False


def find_store(conn: Connection, code: str) -> StoreRow | None:
    """Return a store by its code, or None."""
    row = conn.execute(select(stores).where(stores.c.code == code)).first()
    return StoreRow(row.code, row.name, row.jurisdiction) if row else None


def list_stores(conn: Connection) -> list[StoreRow]:
    """Return every store, by code."""
    return [StoreRow(row.code, row.name, row.jurisdiction) for row in conn.execute(select(stores).order_by(stores.c.code))]


def issue_enrolment_code(conn: Connection, store: str, at: datetime) -> str:
    """Return a new one-time enrolment code for a store (only its hash is kept)."""
    code, digest = new_enrolment_code()
    conn.execute(store_credentials.insert().values(hash=digest, store=store, kind="code", created_at=at,
                                                   expires_at=at + ENROLMENT_CODE_LIFETIME))
    return code


def redeem_enrolment_code(conn: Connection, code: str, at: datetime) -> tuple[str, str] | None:
    """Spend a code and return (store, new store token); None when the code is unknown, used, revoked or expired."""
    digest = secret_hash(normal_code(code))
    # One UPDATE both checks and spends the code, so two hubs racing with one code cannot both win.
    spent = conn.execute(
        update(store_credentials)
        .where(store_credentials.c.hash == digest, store_credentials.c.kind == "code",
               store_credentials.c.used_at.is_(None), store_credentials.c.revoked_at.is_(None),
               store_credentials.c.expires_at > at)
        .values(used_at=at).returning(store_credentials.c.store)
    ).scalar()
    if spent is None:
        return None
    token, token_digest = new_secret(STORE_TOKEN_PREFIX)
    conn.execute(store_credentials.insert().values(hash=token_digest, store=spent, kind="token", created_at=at))
    return spent, token


def store_of_token(conn: Connection, token: str) -> StoreRow | None:
    """Return the store a live token belongs to, or None."""
    row = conn.execute(
        select(stores).join(store_credentials, store_credentials.c.store == stores.c.code)
        .where(store_credentials.c.hash == secret_hash(token), store_credentials.c.kind == "token",
               store_credentials.c.revoked_at.is_(None))
    ).first()
    return StoreRow(row.code, row.name, row.jurisdiction) if row else None


def revoke_store(conn: Connection, store: str, at: datetime) -> int:
    """Revoke every token and unused code of a store at once; return how many."""
    return conn.execute(
        update(store_credentials)
        .where(store_credentials.c.store == store, store_credentials.c.revoked_at.is_(None),
               store_credentials.c.used_at.is_(None))
        .values(revoked_at=at)
    ).rowcount


def add_account(conn: Connection, name: str, password_hash: str, at: datetime) -> bool:
    """Open an HQ account; False when the name is taken."""
    if conn.execute(select(accounts.c.name).where(accounts.c.name == name)).first():
        return False
    conn.execute(accounts.insert().values(name=name, password_hash=password_hash, created_at=at))
    return True


def password_hash_of(conn: Connection, name: str) -> str | None:
    """Return an account's stored password hash, or None when there is no such account."""
    return conn.execute(select(accounts.c.password_hash).where(accounts.c.name == name)).scalar()


def set_password_hash(conn: Connection, name: str, password_hash: str) -> None:
    """Store a rehashed password (argon2 parameters raised since it was set)."""
    conn.execute(update(accounts).where(accounts.c.name == name).values(password_hash=password_hash))


def open_session(conn: Connection, name: str, expires_at: datetime) -> str:
    """Return a new bearer token for an account."""
    token, digest = new_secret(ACCOUNT_TOKEN_PREFIX)
    conn.execute(account_sessions.insert().values(hash=digest, account=name, expires_at=expires_at))
    return token


def account_of_token(conn: Connection, token: str, at: datetime) -> str | None:
    """Return the account a live session token belongs to, or None."""
    return conn.execute(select(account_sessions.c.account).where(
        account_sessions.c.hash == secret_hash(token), account_sessions.c.expires_at > at)).scalar()


def close_session(conn: Connection, token: str) -> None:
    """End a session."""
    conn.execute(account_sessions.delete().where(account_sessions.c.hash == secret_hash(token)))


def recent_failures(conn: Connection, name: str, now: datetime) -> list[datetime]:
    """Return the times of an account name's wrong passwords within the lockout window."""
    since = now - timedelta(seconds=LOCKOUT_WINDOW_S)
    return list(conn.execute(select(sign_in_failures.c.at).where(sign_in_failures.c.name == name,
                                                                 sign_in_failures.c.at > since)).scalars())


def record_failure(conn: Connection, name: str, now: datetime) -> None:
    """Count a wrong password for a name, and forget its failures older than the window."""
    since = now - timedelta(seconds=LOCKOUT_WINDOW_S)
    conn.execute(sign_in_failures.delete().where(sign_in_failures.c.name == name, sign_in_failures.c.at <= since))
    conn.execute(sign_in_failures.insert().values(name=name, at=now))


def clear_failures(conn: Connection, name: str) -> None:
    """Forget a name's wrong passwords after it signed in."""
    conn.execute(sign_in_failures.delete().where(sign_in_failures.c.name == name))
