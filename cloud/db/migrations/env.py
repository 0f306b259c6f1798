"""Alembic environment for HQ's database."""

from alembic import context
from sqlalchemy import pool

from cloud.db.engine import make_engine
from cloud.db.tables import metadata

config = context.config
VERSION_TABLE = "cloud_alembic_version"  # its own, so HQ and a hub could even share one database


def run_migrations_offline() -> None:
    """Write the migration SQL without a database."""
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata, literal_binds=True,
                      version_table=VERSION_TABLE)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate a live database in one transaction."""
    engine = make_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                          version_table=VERSION_TABLE)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
