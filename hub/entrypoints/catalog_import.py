"""Import a catalog file into the database in one transaction, and export it again."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sqlalchemy import select

from hub.adapters.catalog_file import CSV_COLUMNS, read_catalog_import
from hub.adapters.db import commerce_tables as ct
from hub.adapters.db.catalog_store import get_setting, item_document, load_catalog, replace_catalog
from hub.adapters.db.engine import make_engine
from hub.config import Settings


def import_catalog(settings: Settings, path: Path) -> tuple[int, int]:
    """Replace the catalog with a file's items; return (items, new version). Nothing changes on error."""
    imported = read_catalog_import(path, location=settings.store)
    engine = make_engine(settings.database_url)
    try:
        with engine.begin() as connection:
            version = replace_catalog(connection, imported)
    finally:
        engine.dispose()
    return len(imported.catalog), version


def export_catalog(settings: Settings, path: Path) -> int:
    """Write the stored catalog to a JSON file, or a CSV file when the name ends in .csv; return the item count."""
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            catalog = load_catalog(connection)
            document = get_setting(connection, "document", {})
            stock_rows = list(connection.execute(select(ct.stock_levels)).mappings())
            serials: dict[str, list[str]] = {}
            for sku, serial in connection.execute(select(ct.stock_serials.c.sku, ct.stock_serials.c.serial)
                                                  .where(ct.stock_serials.c.status.in_(("in_stock", "reserved")))):
                serials.setdefault(sku, []).append(serial)
            promotions = [row for row in connection.execute(select(ct.promotions).order_by(ct.promotions.c.position)).mappings()]
            loyalty = get_setting(connection, "loyalty", {})
            members = [dict(r) for r in connection.execute(select(ct.loyalty_members)).mappings()]
            safety = get_setting(connection, "safety_stock", {})
    finally:
        engine.dispose()
    items = [item_document(item) for item in catalog]
    currency = next(iter(catalog)).price.currency if len(catalog) else "EUR"
    if path.suffix.lower() == ".csv":
        on_hand = {r["sku"]: r["on_hand"] for r in stock_rows}
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, CSV_COLUMNS)
            writer.writeheader()
            for item in items:
                writer.writerow({
                    **{k: item.get(k) for k in CSV_COLUMNS if k in item and not isinstance(item.get(k), (list, dict))},
                    "currency": currency,
                    "modifiers": "|".join(f"{m['code']}:{m['name']}:{m['price_delta']}" for m in item["modifiers"]),
                    "allergens": "|".join(item["allergens"]), "dietary": "|".join(item["dietary"]),
                    "on_hand": on_hand.get(item["sku"], ""),
                })
        return len(items)
    stock = [{"sku": r["sku"], "on_hand": r["on_hand"], "in_transit": r["in_transit"], "location": r["location"],
              "serials": serials.get(r["sku"], [])} for r in stock_rows]
    doc = {"currency": currency, "language": document.get("language", "en"), "taxes": document.get("taxes", {}),
           "safety_stock": safety, "items": items,
           "promotions": [{**r["definition"], "active": r["active"]} for r in promotions], "stock": stock,
           "loyalty": {**loyalty, "members": [{k: m[k] for k in ("member_id", "name", "tier", "points", "phone") if m.get(k) is not None} for m in members]},
           "texts": document.get("texts", {})}
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(items)
