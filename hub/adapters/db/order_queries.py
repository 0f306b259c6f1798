"""Finding orders in SQL: those that wait, those whose hold ran out, and the counter's search."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select, true

from hub.adapters.db import order_tables
from hub.domain.order_holds import OrderQuery
from hub.domain.orders import Order, OrderStatus


class OrderQueries:
    """Queries of SqlOrderRepository beyond the kitchen's; they flush new orders first and share its loaded orders."""

    def waiting(self, hold: str, limit: int = 200) -> list[Order]:
        """Return `received` orders waiting for a hold (payment, confirmation), oldest first."""
        self.flush()
        return self._select((order_tables.orders.c.status == OrderStatus.RECEIVED.value) & (order_tables.orders.c.hold == hold),
                            limit, newest_first=False)

    def holds_run_out(self, now: datetime, limit: int = 50) -> list[Order]:
        """Return `received` orders whose payment hold ran out by now, oldest first."""
        self.flush()
        c = order_tables.orders.c
        return self._select((c.status == OrderStatus.RECEIVED.value) & (c.hold_until <= now), limit, newest_first=False)

    def holds_beyond(self, latest: datetime, limit: int = 50) -> list[Order]:
        """Return `received` orders whose payment hold ends after `latest` (set before the clock went back)."""
        self.flush()
        c = order_tables.orders.c
        return self._select((c.status == OrderStatus.RECEIVED.value) & (c.hold_until > latest), limit, newest_first=False)

    def search(self, query: OrderQuery | None, business_day: str | None, limit: int = 50) -> list[Order]:
        """Return orders matching a number, customer name, phone digits or loyalty id, newest first."""
        self.flush()
        c = order_tables.orders.c
        where = true()
        if query is not None and query.text:
            found = [func.lower(c.customer_name).contains(query.text.lower(), autoescape=True),
                     c.loyalty_id == query.text]
            if query.number:
                found.append(c.number == query.number)
            if query.number_tail:
                found.append(c.number.like(f"%{query.number_tail}"))  # letters, then always three digits
            if query.digits:
                found.append(c.phone_digits.contains(query.digits, autoescape=True))
            where = or_(*found)
        if business_day is not None:
            where = where & (c.business_day == business_day)
        return self._select(where, limit, newest_first=True)

    def _select(self, where, limit: int, newest_first: bool) -> list[Order]:
        seq = order_tables.orders.c.seq
        rows = self._db.execute(
            select(order_tables.orders).where(where).order_by(seq.desc() if newest_first else seq).limit(limit)
        ).mappings().all()
        orders = self._load(rows)
        for order in orders:
            self._seen.setdefault(order.order_id, order)
        return [self._seen[order.order_id] for order in orders]
