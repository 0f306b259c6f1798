"""Stock per location, summed from the stores' moves."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from cloud.db.tables import stock_moves
from cloud.domain import Level


def stock_levels(conn: Connection, *, sku: str | None = None, store: str | None = None) -> list[Level]:
    """Return levels per (location, sku), for one SKU and/or one store's locations, summed in the database."""
    query = (select(stock_moves.c.location, stock_moves.c.sku, func.sum(stock_moves.c.on_hand),
                    func.sum(stock_moves.c.reserved), func.sum(stock_moves.c.in_transit))
             .group_by(stock_moves.c.location, stock_moves.c.sku)
             .order_by(stock_moves.c.location, stock_moves.c.sku))
    if sku is not None:
        query = query.where(stock_moves.c.sku == sku)
    if store is not None:
        query = query.where(stock_moves.c.store == store)  # a store only ever records moves at its own places
    return [Level(loc, item, int(a), int(b), int(c)) for loc, item, a, b, c in conn.execute(query)]
