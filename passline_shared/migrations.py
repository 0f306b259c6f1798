"""Run a chain of Alembic migrations (the hub's, or HQ's) and the environment its scripts run in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import Engine, MetaData, pool


def alembic_config(migrations: Path, database_url: str) -> Config:
    """Return an Alembic config for a folder of migrations and a database."""
    config = Config()
    config.set_main_option("script_location", str(migrations))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(migrations: Path, database_url: str, revision: str = "head") -> None:
    """Bring a database up to a revision of a chain of migrations (the newest by default)."""
    command.upgrade(alembic_config(migrations, database_url), revision)


def run_environment(metadata: MetaData, make_engine: Callable[..., Engine], version_table: str = "alembic_version") -> None:
    """Run the migrations an Alembic env.py was called for: as SQL text offline, else on the live database."""
    config = context.config
    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata, literal_binds=True,
                          version_table=version_table)
        with context.begin_transaction():
            context.run_migrations()
        return
    # One transaction for the whole upgrade; render_as_batch so SQLite can alter tables too.
    engine = make_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                          version_table=version_table)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
