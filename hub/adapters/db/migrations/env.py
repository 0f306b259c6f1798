"""Alembic environment: migrate the database named in the config."""

from hub.adapters.db.all_tables import metadata
from hub.adapters.db.engine import make_engine
from passline_shared.migrations import run_environment

run_environment(metadata, make_engine)
