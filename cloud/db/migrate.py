"""Run HQ's Alembic migrations (its own chain, apart from the hub's)."""

from __future__ import annotations

from pathlib import Path

from passline_shared import migrations

MIGRATIONS = Path(__file__).with_name("migrations")


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring HQ's schema up to a revision (the newest by default)."""
    migrations.upgrade(MIGRATIONS, database_url, revision)
