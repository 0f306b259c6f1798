"""Versioned objects and the feeds that carry their changes to stores, by cursor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Connection, or_, select, update

from cloud.contracts import Bundle, Category, Item, Member, MemberBalance, ModifierGroup, Price, Promotion, TaxRate, Tier
from cloud.db.tables import changes, feed_counters, objects
from cloud.domain import Audience, scope_changes


@dataclass(frozen=True)
class Kind:
    """A kind of versioned object: its model, its feed, and how its key is made."""

    name: str
    model: type[BaseModel]
    feed: str

    def key(self, body: BaseModel) -> str:
        """Return the object's key in its feed."""
        if isinstance(body, Price):
            return f"{body.sku}|{body.store or '*'}|{body.channel.value if body.channel else '*'}"
        if isinstance(body, TaxRate):
            return f"{body.jurisdiction}|{body.tax_code}"
        for field in ("sku", "code", "member_id"):
            if field in type(body).model_fields:
                return getattr(body, field)
        raise TypeError(f"no key for {type(body).__name__}")


KINDS = {kind.name: kind for kind in (
    Kind("category", Category, "catalog"),
    Kind("item", Item, "catalog"),
    Kind("modifier_group", ModifierGroup, "catalog"),
    Kind("bundle", Bundle, "catalog"),
    Kind("price", Price, "prices"),
    Kind("promotion", Promotion, "promotions"),
    Kind("tax", TaxRate, "taxes"),
    Kind("tier", Tier, "loyalty"),
    Kind("member", Member, "loyalty"),
)}


@dataclass(frozen=True)
class StoredChange:
    """A change as read from a feed."""

    seq: int
    kind: str
    key: str
    deleted: bool
    body: dict | None
    at: datetime


def put_object(conn: Connection, kind: Kind, body: BaseModel, at: datetime) -> str:
    """Create or replace an object and append its change to its feed; return its key."""
    key = kind.key(body)
    old = _current(conn, kind.name, key)
    data = body.model_dump(mode="json")
    if old is None:
        conn.execute(objects.insert().values(kind=kind.name, key=key, body=data, updated_at=at))
    else:
        conn.execute(update(objects).where(objects.c.kind == kind.name, objects.c.key == key)
                     .values(body=data, updated_at=at))
    deletes, writes = _audiences(kind, old, data)
    for audience in deletes:
        append_change(conn, kind, key, None, audience, at)
    if kind.name != "member":  # stores read a member with their balance: see publish_member
        for audience in writes:
            append_change(conn, kind, key, data, audience, at)
    return key


def delete_object(conn: Connection, kind: Kind, key: str, at: datetime) -> bool:
    """Delete an object and tell every store that could read it; False when there was none."""
    old = _current(conn, kind.name, key)
    if old is None:
        return False
    conn.execute(objects.delete().where(objects.c.kind == kind.name, objects.c.key == key))
    for audience in _audiences(kind, None, old)[1]:
        append_change(conn, kind, key, None, audience, at)
    return True


def get_object(conn: Connection, kind: Kind, key: str) -> dict | None:
    """Return an object's newest state, or None."""
    return _current(conn, kind.name, key)


def publish_member(conn: Connection, member: MemberBalance, at: datetime) -> None:
    """Append a member's tier and balance to the loyalty feed (after every ledger entry or member change)."""
    append_change(conn, KINDS["member"], member.member_id, member.model_dump(mode="json"), Audience(None), at)


def read_feed(conn: Connection, feed: str, *, store: str, jurisdiction: str, after: int, limit: int
              ) -> tuple[list[StoredChange], bool]:
    """Return (up to `limit` changes a store may read after a cursor, oldest first; whether more are waiting)."""
    rows = conn.execute(
        select(changes.c.seq, changes.c.kind, changes.c.key, changes.c.deleted, changes.c.body, changes.c.at)
        .where(changes.c.feed == feed, changes.c.seq > after,
               or_(changes.c.store.is_(None), changes.c.store == store),
               or_(changes.c.jurisdiction.is_(None), changes.c.jurisdiction == jurisdiction))
        .order_by(changes.c.seq).limit(limit + 1)
    ).all()
    found = [StoredChange(row.seq, row.kind, row.key, row.deleted, row.body, row.at) for row in rows[:limit]]
    return found, len(rows) > limit


def _audiences(kind: Kind, old: dict | None, new: dict) -> tuple[list[Audience], list[Audience]]:
    if kind.name == "promotion":
        return scope_changes(old["stores"] if old else None, new["stores"], existed=old is not None)
    if kind.name == "price":
        return [], [Audience(new["store"])]
    return [], [Audience(None)]


def _current(conn: Connection, kind: str, key: str) -> dict | None:
    return conn.execute(select(objects.c.body).where(objects.c.kind == kind, objects.c.key == key)).scalar()


def append_change(conn: Connection, kind: Kind, key: str, body: dict | None, audience: Audience, at: datetime) -> None:
    """Append one change to a feed, for every store (audience None) or one."""
    append_changes(conn, kind, [(key, body, audience)], at)


def append_changes(conn: Connection, kind: Kind, entries: list[tuple[str, dict | None, Audience]], at: datetime) -> None:
    """Append changes (key, body or None when deleted, audience) to one feed, in order, with one counter step."""
    if entries:
        insert_changes(conn, kind, reserve_cursors(conn, kind.feed, len(entries)), entries, at)


def reserve_cursors(conn: Connection, feed: str, count: int) -> int:
    """Take the next `count` cursors of a feed and return the first; the feed's lock is held until commit."""
    # The counter's row lock is held to commit: cursors are handed out in commit order (see tables.feed_counters).
    # Callers reserve last, just before commit, so the lock is held for as short a time as they can make it.
    last = conn.execute(update(feed_counters).where(feed_counters.c.feed == feed)
                        .values(last=feed_counters.c.last + count).returning(feed_counters.c.last)).scalar_one()
    return last - count + 1


def insert_changes(conn: Connection, kind: Kind, first: int, entries: list[tuple[str, dict | None, Audience]],
                   at: datetime) -> None:
    """Write changes with the cursors reserved from `first` on."""
    rows = []
    for seq, (key, body, audience) in enumerate(entries, start=first):
        jurisdiction = None
        if kind.name == "tax":
            jurisdiction = (body or {}).get("jurisdiction") or key.split("|", 1)[0]
        rows.append({"feed": kind.feed, "seq": seq, "kind": kind.name, "key": key, "store": audience.store,
                     "jurisdiction": jurisdiction, "deleted": body is None, "body": body, "at": at})
    if rows:
        conn.execute(changes.insert(), rows)
