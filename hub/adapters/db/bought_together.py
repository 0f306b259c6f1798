"""Read what recent orders held, for the bought-together recommendations; only orders not seen yet are read."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import Connection, select

from hub.adapters.db import order_tables
from hub.domain.recommendations import BoughtTogether


class SqlOrderBaskets:
    """What orders held (their SKUs, by arrival), read on the unit of work's connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def start_of_window(self, window: int) -> int:
        """Return the arrival number just before the latest `window` orders (0 when there are fewer)."""
        orders = order_tables.orders
        oldest = self._c.execute(select(orders.c.seq).order_by(orders.c.seq.desc()).offset(window).limit(1)).scalar()
        return oldest or 0

    def after(self, seq: int) -> list[tuple[int, list[str]]]:
        """Return (arrival number, SKUs) of every order that arrived after `seq` and was not cancelled, in order."""
        orders, lines = order_tables.orders, order_tables.order_lines
        rows = self._c.execute(
            select(orders.c.seq, lines.c.sku)
            .join(lines, lines.c.order_id == orders.c.order_id)
            .where(orders.c.seq > seq, orders.c.status != "cancelled")
            .order_by(orders.c.seq)
        ).all()
        baskets: list[tuple[int, list[str]]] = []
        for row_seq, sku in rows:
            if not baskets or baskets[-1][0] != row_seq:
                baskets.append((row_seq, []))
            baskets[-1][1].append(sku)
        return baskets


class BoughtTogetherReader:
    """Keep a BoughtTogether up to date from the orders' baskets, reading each order once."""

    def __init__(self, window: int | None = None) -> None:
        self.learned = BoughtTogether(window) if window else BoughtTogether()
        self._lock = threading.Lock()

    def together_with(self, baskets: SqlOrderBaskets, skus: list[str]) -> Counter[str]:
        """Learn the orders not read yet, then count, per other item, the orders it shared with these items."""
        with self._lock:  # the web server's threads share one reader
            self._read_new(baskets)
            return self.learned.together_with(skus)

    def refresh(self, baskets: SqlOrderBaskets) -> BoughtTogether:
        """Learn the orders that arrived since the last call (the latest `window` on the first) and return the counts."""
        with self._lock:
            self._read_new(baskets)
            return self.learned

    def _read_new(self, baskets: SqlOrderBaskets) -> None:
        start = self.learned.last_seq
        if start == 0:
            # First call: skip straight to the window instead of reading the whole history.
            start = baskets.start_of_window(self.learned.window)
        for seq, skus in baskets.after(start):
            self.learned.add(seq, skus)
