"""Read what recent orders held, for the bought-together recommendations; only orders not seen yet are read."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import Engine, select

from hub.adapters.db import order_tables
from hub.domain.recommendations import BoughtTogether


class BoughtTogetherReader:
    """Keep a BoughtTogether up to date from the orders table, reading each order once."""

    def __init__(self, engine: Engine, window: int | None = None) -> None:
        self._engine = engine
        self.learned = BoughtTogether(window) if window else BoughtTogether()
        self._lock = threading.Lock()

    def together_with(self, skus: list[str]) -> Counter[str]:
        """Learn the orders not read yet, then count, per other item, the orders it shared with these items."""
        with self._lock:  # the web server's threads share one reader
            self._read_new()
            return self.learned.together_with(skus)

    def refresh(self) -> BoughtTogether:
        """Learn the orders that arrived since the last call (the latest `window` on the first) and return the counts."""
        with self._lock:
            self._read_new()
            return self.learned

    def _read_new(self) -> None:
        with self._engine.connect() as connection:
            start = self.learned.last_seq
            if start == 0:
                # First call: skip straight to the window instead of reading the whole history.
                oldest = connection.execute(select(order_tables.orders.c.seq).order_by(order_tables.orders.c.seq.desc())
                                            .offset(self.learned.window).limit(1)).scalar()
                start = oldest or 0
            rows = connection.execute(
                select(order_tables.orders.c.seq, order_tables.order_lines.c.sku)
                .join(order_tables.order_lines, order_tables.order_lines.c.order_id == order_tables.orders.c.order_id)
                .where(order_tables.orders.c.seq > start, order_tables.orders.c.status != "cancelled")
                .order_by(order_tables.orders.c.seq)
            ).all()
            seq, skus = None, []
            for row_seq, sku in rows:
                if row_seq != seq and seq is not None:
                    self.learned.add(seq, skus)
                    skus = []
                seq = row_seq
                skus.append(sku)
            if seq is not None:
                self.learned.add(seq, skus)
