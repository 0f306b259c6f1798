"""Tables for accounts, their sessions, enrolled devices and claim codes: hashes only, never a secret."""

from __future__ import annotations

from sqlalchemy import Column, String, Table

from hub.adapters.db.metadata import metadata
from passline_shared.tables import UtcDateTime

accounts = Table(
    "accounts",
    metadata,
    Column("username", String(32), primary_key=True),
    Column("role", String(16), nullable=False, comment="owner | store_it"),
    Column("password_hash", String(200), nullable=False, comment="argon2id; never the password"),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("disabled_at", UtcDateTime()),
)

account_sessions = Table(
    "account_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True, comment="sha256 of the cookie's token; never the token"),
    Column("username", String(32), nullable=False, index=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("ended_at", UtcDateTime()),
)

enrolled_devices = Table(
    "enrolled_devices",
    metadata,
    Column("device_id", String(64), primary_key=True),
    Column("role", String(16), nullable=False, comment="hub.domain.access.DEVICE_ROLES"),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("enrolled_at", UtcDateTime()),
    Column("revoked_at", UtcDateTime()),
    Column("last_seen_at", UtcDateTime()),
    Column("credential_hash", String(64), unique=True,
           comment="sha256 of the screen's cookie or the gateway's bearer token; null for broker-only devices"),
)

claim_codes = Table(
    "claim_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True, comment="HMAC-SHA256 of the code with the hub's secret"),
    Column("device_id", String(64), nullable=False, index=True),
    Column("role", String(16), nullable=False, comment="the role the device gets when it claims"),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("used_at", UtcDateTime(), comment="set once, by the one claim that spent it (or a newer code, a revoke)"),
)
