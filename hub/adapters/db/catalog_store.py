"""The catalog in SQL, cached in memory and reloaded when its version changes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Connection, delete, insert, select, update

from hub.adapters.catalog_file import CatalogImport, build_import, promotion_from
from hub.adapters.db import commerce_tables as ct
from hub.adapters.db import catalog_tables
from hub.contracts.catalog import CatalogFile
from hub.domain.catalog import Catalog, CatalogItem
from hub.domain.promotions import Promotion

VERSION_KEY = "catalog_version"
PROMOTIONS_KEY = "promotions_version"
T = TypeVar("T")
_BASE = ("sku", "name", "price", "tax_rate_bp", "station", "prep_seconds", "available")


class CatalogCache:
    """Hold what every unit of work reads and few change: the catalog, promotions, and other versioned reads.

    Each is kept with the version counter (in hub_state) it was read at; one read of the counters
    per transaction tells whether another process or an earlier transaction changed it.
    """

    def __init__(self) -> None:
        self._kept: dict[str, tuple[int, Any]] = {}
        self._lock = threading.Lock()

    def current(self, connection: Connection) -> Catalog:
        """Return the catalog, reloading it if another process imported a new one."""
        return self.kept(connection, VERSION_KEY, lambda db: load_catalog(db, read_counter(db, VERSION_KEY)))

    def promotions(self, connection: Connection) -> list[Promotion]:
        """Return every promotion, reloaded when one was imported or switched."""
        return list(self.kept(connection, PROMOTIONS_KEY, _read_promotions))

    def kept(self, connection: Connection, key: str, load: Callable[[Connection], T]) -> T:
        """Return what `load` read at the current version of counter `key`, reading again once it moved.

        Whoever writes what `load` reads must bump_counter(key) in the same transaction. What `load`
        returns is shared between threads, so it must not be changed: return a tuple or frozenset.
        """
        version = read_counter(connection, key)
        with self._lock:
            hit = self._kept.get(key)
            if hit is not None and hit[0] == version:
                return hit[1]
        value = load(connection)
        if not changed_here(connection, key):  # an uncommitted change may still be rolled back
            with self._lock:
                self._kept[key] = (version, value)
        return value


def _read_promotions(connection: Connection) -> tuple[Promotion, ...]:
    rows = connection.execute(select(ct.promotions).order_by(ct.promotions.c.position)).mappings()
    return tuple(promotion_from({**row["definition"], "active": row["active"]}) for row in rows)


@dataclass
class _Counters:
    """hub_state's version counters as one transaction sees them, and which of them it bumped."""

    transaction: Any
    values: dict[str, int]
    bumped: set[str] = field(default_factory=set)


_SELECT_COUNTERS = select(catalog_tables.settings_kv.c.key, catalog_tables.settings_kv.c.value)
_COUNTERS = "passline_counters"  # where a connection keeps its transaction's counters (Connection.info)


def _counters(connection: Connection) -> _Counters:
    """Read every counter once per transaction: a unit of work asks for three or four of them."""
    memo = connection.info.get(_COUNTERS)
    transaction = connection.get_transaction()
    if memo is not None and transaction is not None and memo.transaction is transaction:
        return memo
    values = {}
    for key, value in connection.execute(_SELECT_COUNTERS):
        try:
            values[key] = int(value)
        except (TypeError, ValueError):
            continue  # not a counter
    memo = _Counters(connection.get_transaction(), values)
    connection.info[_COUNTERS] = memo
    return memo


def read_counter(connection: Connection, key: str) -> int:
    """Return a version counter kept in hub_state (0 when never set), as this transaction sees it."""
    return _counters(connection).values.get(key, 0)


def bump_counter(connection: Connection, key: str) -> int:
    """Add one to a version counter and return it."""
    memo = _counters(connection)
    version = memo.values.get(key, 0) + 1
    if version == 1:
        connection.execute(insert(catalog_tables.settings_kv).values(key=key, value=str(version)))
    else:
        connection.execute(update(catalog_tables.settings_kv).where(catalog_tables.settings_kv.c.key == key).values(value=str(version)))
    memo.values[key] = version
    memo.bumped.add(key)
    return version


def changed_here(connection: Connection, key: str) -> bool:
    """Say whether this transaction bumped a counter (what it guards is then not committed yet)."""
    return key in _counters(connection).bumped


def catalog_version(connection: Connection) -> int:
    """Return the version counter bumped by every import."""
    return read_counter(connection, VERSION_KEY)


def get_setting(connection: Connection, key: str, default: Any) -> Any:
    """Return a commerce setting."""
    value = connection.execute(select(ct.commerce_settings.c.value).where(ct.commerce_settings.c.key == key)).scalar()
    return default if value is None else value


def put_setting(connection: Connection, key: str, value: Any) -> None:
    """Store a commerce setting."""
    connection.execute(delete(ct.commerce_settings).where(ct.commerce_settings.c.key == key))
    connection.execute(insert(ct.commerce_settings).values(key=key, value=value))


def item_document(item: CatalogItem) -> dict[str, Any]:
    """Return an item as the catalog file writes it."""
    doc: dict[str, Any] = {
        "sku": item.sku, "name": item.name, "price": item.price.amount, "tax_rate_bp": item.tax_rate_bp,
        "tax_category": item.tax_category, "station": item.station, "prep_seconds": item.prep_seconds,
        "category": item.category,
        "modifiers": [{"code": m.code, "name": m.name, "price_delta": m.price_delta, "group": m.group, "parent": m.parent}
                      for m in item.modifiers.values()],
        "modifier_groups": [{"code": g.code, "name": g.name, "min": g.min_choices, "max": g.max_choices,
                             "default": g.default} for g in item.groups.values()],
        "prices": [{"amount": p.amount, "location": p.location, "channel": p.channel} for p in item.prices],
        "parts": [{"sku": p.sku, "qty": p.qty} for p in item.parts],
        "variant_of": item.variant_of, "variant": dict(item.variant), "allergens": list(item.allergens),
        "dietary": list(item.dietary), "image": item.image, "description": item.description, "gtin": item.gtin,
        "serial_tracked": item.serial_tracked, "available": item.available, "bin": item.bin,
        "pairs_with": list(item.pairs_with),
    }
    return doc


def load_catalog(connection: Connection, version: int = 0) -> Catalog:
    """Read every item with its details, the tax policy and the store's location."""
    rows = list(connection.execute(select(catalog_tables.catalog_items)).mappings())
    if not rows:
        return Catalog(version=version)
    modifiers: dict[str, list[dict]] = {}
    for row in connection.execute(select(catalog_tables.catalog_modifiers)).mappings():
        modifiers.setdefault(row["sku"], []).append({"code": row["code"], "name": row["name"], "price_delta": row["price_delta"]})
    document = get_setting(connection, "document", {})
    items = []
    for row in rows:
        details = dict(row["details"] or {})
        extra = details.pop("modifier_links", {})
        mods = [{**m, **extra.get(m["code"], {})} for m in modifiers.get(row["sku"], [])]
        items.append({"sku": row["sku"], "name": row["name"], "price": row["price_amount"], "tax_rate_bp": row["tax_rate_bp"],
                      "station": row["station"], "prep_seconds": row["prep_seconds"], "available": row["available"],
                      "modifiers": mods, **details})
    known = {row["sku"] for row in rows}
    # Stock rows of items a later import dropped stay as history; they do not make an item tracked.
    tracked = [{"sku": sku, "on_hand": 0} for sku in connection.execute(select(ct.stock_levels.c.sku).distinct()).scalars()
               if sku in known]
    parsed = CatalogFile.model_validate({"currency": rows[0]["currency"], "taxes": document.get("taxes", {}),
                                         "language": document.get("language", "en"), "texts": document.get("texts", {}),
                                         "items": items, "stock": tracked})
    built = build_import(parsed, get_setting(connection, "location", None), whole_file=False)
    built.catalog.version = version
    return built.catalog


def replace_catalog(connection: Connection, catalog: Catalog | CatalogImport) -> int:
    """Replace the catalog (and, from a full import, taxes, promotions, stock, loyalty) in the caller's transaction."""
    imported = catalog if isinstance(catalog, CatalogImport) else CatalogImport(catalog, {"taxes": {}})
    items = list(imported.catalog)
    connection.execute(delete(catalog_tables.catalog_modifiers))
    connection.execute(delete(catalog_tables.catalog_items))
    rows = []
    for item in items:
        doc = item_document(item)
        details = {k: v for k, v in doc.items() if k not in _BASE and k != "modifiers"}
        details["modifier_links"] = {m["code"]: {"group": m["group"], "parent": m["parent"]} for m in doc["modifiers"]}
        rows.append({"sku": item.sku, "name": item.name, "price_amount": item.price.amount,
                     "currency": item.price.currency, "tax_rate_bp": item.tax_rate_bp, "station": item.station,
                     "prep_seconds": item.prep_seconds, "available": item.available, "details": details})
    connection.execute(insert(catalog_tables.catalog_items), rows)
    modifier_rows = [{"sku": item.sku, "code": m.code, "name": m.name, "price_delta": m.price_delta}
                     for item in items for m in item.modifiers.values()]
    if modifier_rows:
        connection.execute(insert(catalog_tables.catalog_modifiers), modifier_rows)
    _store_commerce(connection, imported)
    return bump_counter(connection, VERSION_KEY)


def _store_commerce(connection: Connection, imported: CatalogImport) -> None:
    doc = imported.document
    put_setting(connection, "document", {"taxes": doc.get("taxes", {}), "language": doc.get("language", "en"),
                                         "texts": doc.get("texts", {})})
    put_setting(connection, "location", imported.catalog.location)
    put_setting(connection, "safety_stock", doc.get("safety_stock", {}))
    loyalty = doc.get("loyalty", {})
    put_setting(connection, "loyalty", {k: v for k, v in loyalty.items() if k != "members"})
    uses = dict(connection.execute(select(ct.promotions.c.promo_id, ct.promotions.c.uses)).all())
    connection.execute(delete(ct.promotions))
    promos = [{"promo_id": p["id"], "position": i, "active": p["active"], "definition": p, "uses": uses.get(p["id"], 0)}
              for i, p in enumerate(doc.get("promotions", []))]
    if promos:
        connection.execute(insert(ct.promotions), promos)
    bump_counter(connection, PROMOTIONS_KEY)
    for member in loyalty.get("members", []):
        exists = connection.execute(select(ct.loyalty_members.c.member_id)
                                    .where(ct.loyalty_members.c.member_id == member["member_id"])).first()
        if exists is None:
            connection.execute(insert(ct.loyalty_members).values(**member))
        else:
            connection.execute(update(ct.loyalty_members).where(ct.loyalty_members.c.member_id == member["member_id"])
                               .values(name=member["name"], tier=member["tier"], phone=member.get("phone")))
    for entry in imported.stock:
        key = (ct.stock_levels.c.sku == entry["sku"]) & (ct.stock_levels.c.location == entry["location"])
        if connection.execute(select(ct.stock_levels.c.sku).where(key)).first() is None:
            connection.execute(insert(ct.stock_levels).values(sku=entry["sku"], location=entry["location"],
                                                              on_hand=entry["on_hand"], reserved=0,
                                                              in_transit=entry["in_transit"]))
        else:
            # A stock count from the file sets what is on the shelf; reservations of open orders stay.
            connection.execute(update(ct.stock_levels).where(key).values(on_hand=entry["on_hand"],
                                                                          in_transit=entry["in_transit"]))
        if entry["serials"]:
            connection.execute(delete(ct.stock_serials).where(
                (ct.stock_serials.c.sku == entry["sku"]) & (ct.stock_serials.c.status == "in_stock")))
            # A serial already sold or reserved keeps its state: the file is older than that sale.
            known = set(connection.execute(select(ct.stock_serials.c.serial)
                                           .where(ct.stock_serials.c.sku == entry["sku"])).scalars())
            fresh = [s for s in entry["serials"] if s not in known]
            if fresh:
                connection.execute(insert(ct.stock_serials), [
                    {"sku": entry["sku"], "serial": s, "location": entry["location"], "status": "in_stock",
                     "order_id": None} for s in fresh])

