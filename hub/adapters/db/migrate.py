"""Run Alembic migrations: the only way Passline's schema is created or changed."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from passline_shared import migrations

MIGRATIONS = Path(__file__).with_name("migrations")


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database schema up to a revision (the newest by default)."""
    migrations.upgrade(MIGRATIONS, database_url, revision)


@cache
def newest_revision() -> str:
    """Return the newest migration's revision (read from the scripts once per process)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def schema_state(engine: Engine) -> tuple[str | None, str]:
    """Return (the database's revision, the newest revision)."""
    head = newest_revision()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current, head
