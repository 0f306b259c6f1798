"""The outbox in SQL: events for headquarters, written in the sale's transaction, and what the sender needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update

from hub.adapters.db import commerce_tables as ct
from hub.adapters.db.cloud_tables import cloud_outbox, cloud_state
from hub.services.cloud_ports import Outbox

MARKS = {"stock_moves": ct.stock_moves.c.move_id, "loyalty_entries": ct.loyalty_entries.c.entry_id}
# How a hub stock move changes HQ's three quantities, and the reason HQ keeps.
MOVE_DELTAS = {
    "receive": ((1, 0, 0), "receipt"),
    "reserve": ((0, 1, 0), "sale"),
    "release": ((0, -1, 0), "release"),
    "consume": ((-1, -1, 0), "sale"),
    "restock": ((1, 0, 0), "refund"),
    "adjust": ((1, 0, 0), "count"),
}


def read_state(connection: Connection, key: str, default: Any = None) -> Any:
    """Return one value of the link's state (a cursor, a mark, a time)."""
    value = connection.execute(select(cloud_state.c.value).where(cloud_state.c.key == key)).scalar()
    return default if value is None else value


def write_state(connection: Connection, key: str, value: Any) -> None:
    """Keep one value of the link's state in the caller's transaction."""
    if connection.execute(select(cloud_state.c.key).where(cloud_state.c.key == key)).first() is None:
        connection.execute(insert(cloud_state).values(key=key, value=value))
    else:
        connection.execute(update(cloud_state).where(cloud_state.c.key == key).values(value=value))


def start_marks(connection: Connection) -> None:
    """Begin capturing stock moves and loyalty entries from now on: history before the link stays local."""
    for name, column in MARKS.items():
        write_state(connection, f"mark:{name}", connection.execute(select(func.coalesce(func.max(column), 0))).scalar())


def location_of(store: str, location: str) -> str:
    """Return a hub location as HQ names it: the store's code, or `<store>/<place>`."""
    if location == store or location.startswith(store + "/"):
        return location
    return f"{store}/{location}"


class SqlOutbox(Outbox):
    """The outbox on the unit of work's connection: nothing is queued unless the sale commits."""

    def __init__(self, connection: Connection, store: str, clock) -> None:
        self._db = connection
        self._store = store
        self._clock = clock

    def add(self, event_id: str, aggregate: str, body: dict[str, Any]) -> bool:
        """Queue one event unless its id is queued already."""
        known = self._db.execute(select(cloud_outbox.c.seq).where(cloud_outbox.c.event_id == event_id)).first()
        if known is not None:
            return False
        now = self._clock()
        self._db.execute(insert(cloud_outbox).values(event_id=event_id, aggregate=aggregate[:100], kind=body["kind"],
                                                     body=body, created_at=now, attempts=0, next_attempt_at=now))
        return True

    def capture_ledgers(self) -> int:
        """Queue stock moves and loyalty entries past their marks, and move the marks."""
        added = 0
        mark = read_state(self._db, "mark:stock_moves")
        if mark is not None:
            rows = list(self._db.execute(select(ct.stock_moves).where(ct.stock_moves.c.move_id > mark)
                                         .order_by(ct.stock_moves.c.move_id)).mappings())
            for row in rows:
                added += self._add_move(row)
            if rows:
                write_state(self._db, "mark:stock_moves", rows[-1]["move_id"])
        mark = read_state(self._db, "mark:loyalty_entries")
        if mark is not None:
            rows = list(self._db.execute(select(ct.loyalty_entries).where(ct.loyalty_entries.c.entry_id > mark)
                                         .order_by(ct.loyalty_entries.c.entry_id)).mappings())
            for row in rows:
                if row["points"]:
                    event_id = f"{self._store}:points:{row['entry_id']}"[:64]
                    added += self.add(event_id, f"member:{row['member_id']}", {
                        "kind": "loyalty_entry", "id": event_id, "member_id": row["member_id"], "points": row["points"],
                        "at": row["at"].isoformat(), **({"order_id": row["order_id"]} if row["order_id"] else {})})
            if rows:
                write_state(self._db, "mark:loyalty_entries", rows[-1]["entry_id"])
        return added

    def _add_move(self, row) -> bool:
        (on_hand, reserved, in_transit), reason = MOVE_DELTAS.get(row["kind"], ((1, 0, 0), row["kind"][:32]))
        qty = row["qty"]
        if not qty:
            return False
        event_id = f"{self._store}:move:{row['move_id']}"[:64]
        return self.add(event_id, f"sku:{row['sku']}", {
            "kind": "stock_move", "id": event_id, "location": location_of(self._store, row["location"]),
            "sku": row["sku"], "on_hand": on_hand * qty, "reserved": reserved * qty, "in_transit": in_transit * qty,
            "reason": reason, "moved_at": row["at"].isoformat()})


@dataclass(frozen=True)
class Waiting:
    """One queued event the sender may send now."""

    seq: int
    event_id: str
    aggregate: str
    body: dict
    attempts: int


@dataclass(frozen=True)
class OutboxSummary:
    """What /admin and `passline doctor` show of the outbox."""

    waiting: int
    oldest_at: datetime | None
    parked: list[dict]


def due(engine: Engine, now: datetime, limit: int) -> list[Waiting]:
    """Return up to `limit` events to send now, oldest first; an aggregate waiting out a backoff holds its later events."""
    held: set[str] = set()
    chosen: list[Waiting] = []
    with engine.connect() as connection:
        rows = connection.execute(
            select(cloud_outbox.c.seq, cloud_outbox.c.event_id, cloud_outbox.c.aggregate, cloud_outbox.c.body,
                   cloud_outbox.c.attempts, cloud_outbox.c.next_attempt_at)
            .where(cloud_outbox.c.sent_at.is_(None) & cloud_outbox.c.parked_at.is_(None))
            .order_by(cloud_outbox.c.seq).limit(limit * 4)).mappings()
        for row in rows:
            if row["aggregate"] in held:
                continue
            if row["next_attempt_at"] > now:
                held.add(row["aggregate"])
                continue
            chosen.append(Waiting(row["seq"], row["event_id"], row["aggregate"], row["body"], row["attempts"]))
            if len(chosen) == limit:
                break
    return chosen


def mark_sent(connection: Connection, seqs: list[int], now: datetime) -> None:
    """Count events as sent: HQ answered that it committed them."""
    if seqs:
        connection.execute(update(cloud_outbox).where(cloud_outbox.c.seq.in_(seqs))
                           .values(sent_at=now, last_error=None))


def retry_later(connection: Connection, entry: Waiting, reason: str, now: datetime, backoff_s: float) -> None:
    """Send an event again after a backoff (kept in the row, so it survives a restart)."""
    connection.execute(update(cloud_outbox).where(cloud_outbox.c.seq == entry.seq).values(
        attempts=entry.attempts + 1, last_error=reason[:2000], next_attempt_at=now + timedelta(seconds=backoff_s)))


def park(connection: Connection, entry: Waiting, reason: str, now: datetime) -> None:
    """Set an event aside for good with HQ's reason; the others go on."""
    connection.execute(update(cloud_outbox).where(cloud_outbox.c.seq == entry.seq).values(
        attempts=entry.attempts + 1, last_error=reason[:2000], parked_at=now))


def summary(connection: Connection, parked_limit: int = 20) -> OutboxSummary:
    """Return how many events wait, since when, and the newest parked ones with their reasons."""
    waiting_rows = (cloud_outbox.c.sent_at.is_(None) & cloud_outbox.c.parked_at.is_(None))
    count, oldest = connection.execute(select(func.count(), func.min(cloud_outbox.c.created_at))
                                       .where(waiting_rows)).one()
    if oldest is not None and oldest.tzinfo is None:  # an aggregate over UtcDateTime comes back as stored
        oldest = oldest.replace(tzinfo=timezone.utc)
    parked = [{"event": row["event_id"], "kind": row["kind"], "reason": row["last_error"],
               "parked_at": row["parked_at"].isoformat()}
              for row in connection.execute(select(cloud_outbox).where(cloud_outbox.c.parked_at.is_not(None))
                                            .order_by(cloud_outbox.c.seq.desc()).limit(parked_limit)).mappings()]
    return OutboxSummary(count, oldest, parked)
