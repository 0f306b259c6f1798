"""Every table of the hub on its one MetaData, for Alembic's env.py and the test that compares it with the migrations."""

from __future__ import annotations

from hub.adapters.db import (  # noqa: F401 - imported for the tables they define on the metadata
    access_tables,
    catalog_tables,
    cloud_tables,
    commerce_tables,
    day_tables,
    dead_letters,
    device_jobs_tables,
    kitchen_store,
    order_tables,
    payments_tables,
    printing_tables,
    report_tables,
    staff_tables,
)
from hub.adapters.db.metadata import metadata

__all__ = ["metadata"]
