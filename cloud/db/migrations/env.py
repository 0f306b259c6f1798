"""Alembic environment for HQ's database."""

from cloud.db.engine import make_engine
from cloud.db.tables import metadata
from passline_shared.migrations import run_environment

VERSION_TABLE = "cloud_alembic_version"  # its own, so HQ and a hub could even share one database

run_environment(metadata, make_engine, version_table=VERSION_TABLE)
