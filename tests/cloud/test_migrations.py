"""HQ's migrations make exactly the tables the code uses, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, select

from cloud.db.tables import FEEDS, feed_counters, metadata


def test_the_migrated_schema_matches_the_tables_in_the_code(database_url: str):
    engine = create_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": "cloud_alembic_version"})
        differences = compare_metadata(context, metadata)
        counters = set(conn.execute(select(feed_counters.c.feed)).scalars())
    engine.dispose()
    assert differences == []
    assert counters == set(FEEDS), "every feed has its cursor counter"
