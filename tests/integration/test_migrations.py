"""The hub's migrations make exactly the tables the code uses."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from hub.adapters.db.all_tables import metadata
from hub.adapters.db.migrate import upgrade


def test_the_migrated_schema_matches_the_tables_in_the_code(tmp_path):
    url = f"sqlite:///{tmp_path / 'passline.db'}"
    upgrade(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert differences == []
