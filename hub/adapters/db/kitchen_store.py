"""Display sequence numbers and applied display actions, in SQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Column, Connection, Integer, String, Table, bindparam, insert, select, update

from hub.adapters.db import order_tables
from hub.adapters.db.metadata import metadata
from passline_shared.tables import UtcDateTime
from hub.services.ports import DisplayStore

display_sequences = Table(
    "display_sequences",
    metadata,
    Column("view", String(80), primary_key=True),
    Column("seq", Integer, nullable=False),
)

display_actions = Table(
    "display_actions",
    metadata,
    Column("action_id", String(64), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("target", String(36), nullable=False),
    Column("applied_at", UtcDateTime(), nullable=False),
)

_SELECT_SEQ = select(display_sequences.c.seq).where(display_sequences.c.view == bindparam("view"))
_SELECT_ALL_SEQS = select(display_sequences.c.view, display_sequences.c.seq)
_UPDATE_SEQ = update(display_sequences).where(display_sequences.c.view == bindparam("v")).values(seq=bindparam("seq"))


class SqlDisplayStore(DisplayStore):
    """Sequences in `display_sequences`, applied actions in `display_actions`."""

    def __init__(self, connection: Connection, before_read: Callable[[], None] = lambda: None) -> None:
        self._db = connection
        self._before_read = before_read  # writes the unit of work's new orders, so queries over tickets see them
        self._seqs: dict[str, int] = {}
        self._all_read = False  # an order is on three or four views: one read of the few views' numbers, not one each
        # A batch of orders numbers many changes per view; one UPDATE per view at commit, not one per change.
        self._dirty: set[str] = set()

    def next_seq(self, view: str) -> int:
        """Return the next change number of a view, starting at 1."""
        if not self._all_read:
            self._seqs = {row.view: row.seq for row in self._db.execute(_SELECT_ALL_SEQS)} | self._seqs
            self._all_read = True
        last = self._seqs.get(view)
        if last is None:  # a view's first change ever
            self._db.execute(insert(display_sequences), {"view": view, "seq": 0})
            last = 0
        self._seqs[view] = last + 1
        self._dirty.add(view)
        return last + 1

    def flush(self) -> None:
        """Write each view's last number once; called by the unit of work just before it commits."""
        if self._dirty:
            self._db.execute(_UPDATE_SEQ, [{"v": view, "seq": self._seqs[view]} for view in sorted(self._dirty)])
            self._dirty.clear()

    def current_seq(self, view: str) -> int:
        """Return a view's last change number (0 when it never changed)."""
        if view in self._seqs:
            return self._seqs[view]
        return self._db.execute(_SELECT_SEQ, {"view": view}).scalar() or 0

    def applied(self, action_id: str) -> bool:
        """Say whether an action id was applied before."""
        found = self._db.execute(select(display_actions.c.action_id).where(display_actions.c.action_id == action_id))
        return found.first() is not None

    def record(self, action_id: str, kind: str, target: str, at: datetime) -> None:
        """Remember that an action was applied."""
        self._db.execute(insert(display_actions), {"action_id": action_id, "kind": kind, "target": target, "applied_at": at})

    def recently_bumped(self, station: str, since: datetime, limit: int) -> list[str]:
        """Return the order ids of a station's tickets bumped since a time, newest first."""
        self._before_read()
        tickets = order_tables.tickets
        rows = self._db.execute(
            select(tickets.c.order_id)
            .where(tickets.c.station == station, tickets.c.status == "done", tickets.c.done_at >= since)
            .order_by(tickets.c.done_at.desc())
            .limit(limit)
        )
        return [row[0] for row in rows]

    def due_orders(self, now: datetime) -> list[str]:
        """Return the ids of open orders with a waiting, unheld ticket due to fire by now."""
        self._before_read()
        tickets, orders = order_tables.tickets, order_tables.orders
        rows = self._db.execute(
            select(tickets.c.order_id).distinct()
            .join(orders, orders.c.order_id == tickets.c.order_id)
            .where(
                tickets.c.status == "queued",
                tickets.c.held.is_(False),
                tickets.c.fire_at <= now,
                tickets.c.fire_at > tickets.c.accepted_at,  # due at acceptance: on screen already
                orders.c.status.in_(("accepted", "in_progress")),
            )
        )
        return [row[0] for row in rows]
