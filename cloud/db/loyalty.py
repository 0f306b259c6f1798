"""The chain's loyalty: members, their balances (the sum of the ledger) and ledger lines."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, select, update

from cloud.contracts import LoyaltyEntryEvent, Member, MemberBalance
from cloud.db.feeds import KINDS, insert_changes, put_object, reserve_cursors
from cloud.domain import Audience
from cloud.db.tables import ledger, members


def put_member(conn: Connection, member: Member, at: datetime) -> None:
    """Create or change a member, and publish them with their balance."""
    values = {"name": member.name, "tier": member.tier, "phone": member.phone}
    if conn.execute(select(members.c.member_id).where(members.c.member_id == member.member_id)).first():
        conn.execute(update(members).where(members.c.member_id == member.member_id).values(**values))
    else:
        conn.execute(members.insert().values(member_id=member.member_id, **values))
    put_object(conn, KINDS["member"], member, at)
    publish_balance(conn, member.member_id, at)


def member_balance(conn: Connection, member_id: str) -> MemberBalance | None:
    """Return a member's tier and balance, or None when there is no such member."""
    row = conn.execute(select(members).where(members.c.member_id == member_id)).first()
    if row is None:
        return None
    total = conn.execute(select(func.coalesce(func.sum(ledger.c.points), 0))
                         .where(ledger.c.member_id == member_id)).scalar_one()
    return MemberBalance(member_id=row.member_id, name=row.name, tier=row.tier, phone=row.phone, balance=int(total))


def ledger_lines(conn: Connection, member_id: str) -> list[dict]:
    """Return a member's ledger, oldest first."""
    rows = conn.execute(select(ledger).where(ledger.c.member_id == member_id).order_by(ledger.c.at, ledger.c.id))
    return [{"source": row.source, "id": row.id, "points": row.points, "order_id": row.order_id,
             "channel": row.channel, "at": row.at.isoformat()} for row in rows]


def publish_balance(conn: Connection, member_id: str, at: datetime) -> None:
    """Append a member's new balance to the loyalty feed."""
    publish_balances(conn, [member_id], at)


def publish_balances(conn: Connection, member_ids: list[str], at: datetime) -> None:
    """Append the new balances of several members to the loyalty feed at once (sorted, one change each)."""
    wanted = sorted(set(member_ids))
    if not wanted:
        return
    # Reserve first, then sum: the reservation waits for any other transaction writing this feed to commit, so the
    # sums below (a new statement, a new snapshot) include its entries, and the newest balance is never a stale one.
    first = reserve_cursors(conn, KINDS["member"].feed, len(wanted))
    rows = conn.execute(
        select(members.c.member_id, members.c.name, members.c.tier, members.c.phone,
               func.coalesce(func.sum(ledger.c.points), 0))
        .outerjoin(ledger, ledger.c.member_id == members.c.member_id)
        .where(members.c.member_id.in_(wanted))
        .group_by(members.c.member_id, members.c.name, members.c.tier, members.c.phone).order_by(members.c.member_id)
    ).all()
    entries = [(row.member_id, MemberBalance(member_id=row.member_id, name=row.name, tier=row.tier, phone=row.phone,
                                             balance=int(row[4])).model_dump(mode="json"), Audience(None))
               for row in rows]
    insert_changes(conn, KINDS["member"], first, entries, at)


HQ_SOURCE = "hq"  # ledger entries HQ makes itself (goodwill, corrections, the web shop's accruals)


def add_hq_entry(conn: Connection, entry: LoyaltyEntryEvent, at: datetime) -> str:
    """Add HQ's own ledger entry once by its id; return committed, already_committed, conflict or member_unknown."""
    if conn.execute(select(members.c.member_id).where(members.c.member_id == entry.member_id)).first() is None:
        return "member_unknown"
    values = {"member_id": entry.member_id, "points": entry.points, "order_id": entry.order_id,
              "channel": entry.channel.value if entry.channel else None, "at": entry.at}
    stored = conn.execute(select(ledger).where(ledger.c.source == HQ_SOURCE, ledger.c.id == entry.id)).first()
    if stored is not None:
        same = all(getattr(stored, column) == value for column, value in values.items())
        return "already_committed" if same else "conflict"
    conn.execute(ledger.insert().values(source=HQ_SOURCE, id=entry.id, **values))
    publish_balances(conn, [entry.member_id], at)
    return "committed"
