"""The catalog in SQL, cached in memory and reloaded when its version changes."""

from __future__ import annotations

import threading

from sqlalchemy import Connection, delete, insert, select, update

from hub.adapters.db import schema
from hub.domain.catalog import Catalog, CatalogItem, Modifier
from hub.domain.money import Money

VERSION_KEY = "catalog_version"
_SELECT_VERSION = select(schema.settings_kv.c.value).where(schema.settings_kv.c.key == VERSION_KEY)


class CatalogCache:
    """Hold the current catalog; one cheap version read per unit of work keeps it fresh."""

    def __init__(self) -> None:
        self._catalog = Catalog()
        self._version: int | None = None
        self._lock = threading.Lock()

    def current(self, connection: Connection) -> Catalog:
        """Return the catalog, reloading it if another process imported a new one."""
        version = catalog_version(connection)
        with self._lock:
            if version != self._version:
                self._catalog = load_catalog(connection, version)
                self._version = version
            return self._catalog


def catalog_version(connection: Connection) -> int:
    """Return the version counter bumped by every import."""
    value = connection.execute(_SELECT_VERSION).scalar()
    return int(value) if value is not None else 0


def load_catalog(connection: Connection, version: int = 0) -> Catalog:
    """Read every item with its modifiers."""
    modifiers: dict[str, dict[str, Modifier]] = {}
    for row in connection.execute(select(schema.catalog_modifiers)).mappings():
        modifiers.setdefault(row["sku"], {})[row["code"]] = Modifier(row["code"], row["name"], row["price_delta"])
    items = [
        CatalogItem(
            sku=row["sku"],
            name=row["name"],
            price=Money(row["price_amount"], row["currency"]),
            tax_rate_bp=row["tax_rate_bp"],
            station=row["station"],
            prep_seconds=row["prep_seconds"],
            modifiers=modifiers.get(row["sku"], {}),
            available=row["available"],
        )
        for row in connection.execute(select(schema.catalog_items)).mappings()
    ]
    return Catalog(items, version)


def replace_catalog(connection: Connection, catalog: Catalog) -> int:
    """Replace the whole catalog in the caller's transaction and return the new version."""
    connection.execute(delete(schema.catalog_modifiers))
    connection.execute(delete(schema.catalog_items))
    items = list(catalog)
    connection.execute(
        insert(schema.catalog_items),
        [
            {
                "sku": item.sku,
                "name": item.name,
                "price_amount": item.price.amount,
                "currency": item.price.currency,
                "tax_rate_bp": item.tax_rate_bp,
                "station": item.station,
                "prep_seconds": item.prep_seconds,
                "available": item.available,
            }
            for item in items
        ],
    )
    rows = [
        {"sku": item.sku, "code": m.code, "name": m.name, "price_delta": m.price_delta}
        for item in items
        for m in item.modifiers.values()
    ]
    if rows:
        connection.execute(insert(schema.catalog_modifiers), rows)
    version = catalog_version(connection) + 1
    if version == 1:
        connection.execute(insert(schema.settings_kv).values(key=VERSION_KEY, value=str(version)))
    else:
        connection.execute(
            update(schema.settings_kv).where(schema.settings_kv.c.key == VERSION_KEY).values(value=str(version))
        )
    return version
