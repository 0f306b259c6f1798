"""Alembic environment: migrate the database named in the config."""

from hub.adapters.db.engine import make_engine
from hub.adapters.db.schema import metadata
from passline_shared.migrations import run_environment

run_environment(metadata, make_engine)
