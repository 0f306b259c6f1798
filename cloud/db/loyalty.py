"""The chain's loyalty: members, their balances (the sum of the ledger) and ledger lines."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, select, update

from cloud.contracts import Member, MemberBalance
from cloud.db.feeds import KINDS, publish_member, put_object
from cloud.db.tables import ledger, members


def put_member(conn: Connection, member: Member, at: datetime) -> None:
    """Create or change a member, and publish them with their balance."""
    values = {"name": member.name, "tier": member.tier}
    if conn.execute(select(members.c.member_id).where(members.c.member_id == member.member_id)).first():
        conn.execute(update(members).where(members.c.member_id == member.member_id).values(**values))
    else:
        conn.execute(members.insert().values(member_id=member.member_id, **values))
    put_object(conn, KINDS["member"], member, at)
    publish_balance(conn, member.member_id, at)


def member_balance(conn: Connection, member_id: str) -> MemberBalance | None:
    """Return a member's tier and balance, or None when there is no such member."""
    row = conn.execute(select(members.c.member_id, members.c.tier).where(members.c.member_id == member_id)).first()
    if row is None:
        return None
    total = conn.execute(select(func.coalesce(func.sum(ledger.c.points), 0))
                         .where(ledger.c.member_id == member_id)).scalar_one()
    return MemberBalance(member_id=row.member_id, tier=row.tier, balance=int(total))


def ledger_lines(conn: Connection, member_id: str) -> list[dict]:
    """Return a member's ledger, oldest first."""
    rows = conn.execute(select(ledger).where(ledger.c.member_id == member_id).order_by(ledger.c.at, ledger.c.id))
    return [{"source": row.source, "id": row.id, "points": row.points, "order_id": row.order_id,
             "channel": row.channel, "at": row.at.isoformat()} for row in rows]


def publish_balance(conn: Connection, member_id: str, at: datetime) -> None:
    """Append a member's new balance to the loyalty feed."""
    balance = member_balance(conn, member_id)
    if balance is not None:
        publish_member(conn, balance, at)
