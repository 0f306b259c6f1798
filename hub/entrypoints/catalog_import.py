"""Import a catalog file into the database in one transaction."""

from __future__ import annotations

from pathlib import Path

from hub.adapters.catalog_file import read_catalog_file
from hub.adapters.db.catalog_store import replace_catalog
from hub.adapters.db.engine import make_engine
from hub.config import Settings


def import_catalog(settings: Settings, path: Path) -> tuple[int, int]:
    """Replace the catalog with a file's items; return (items, new version). Nothing changes on error."""
    catalog = read_catalog_file(path)
    engine = make_engine(settings.database_url)
    try:
        with engine.begin() as connection:
            version = replace_catalog(connection, catalog)
    finally:
        engine.dispose()
    return len(catalog), version
