"""Staff, sessions, approvals, held baskets and cash drawers in SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from hub.adapters.db.staff_tables import (
    cash_drawers,
    cash_given,
    held_baskets,
    order_staff,
    staff,
    staff_approvals,
    staff_pin_failures,
    staff_sessions,
)
from hub.domain.staff import Approval, StaffMember, StaffSession
from hub.services.staff_ports import StaffRepository


class SqlStaffRepository(StaffRepository):
    """Read and write staff state on the unit of work's connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def members(self) -> list[StaffMember]:
        rows = self._c.execute(select(staff).order_by(staff.c.name, staff.c.created_at)).mappings()
        return [_member(r) for r in rows]

    def member(self, staff_id: str) -> StaffMember | None:
        row = self._c.execute(select(staff).where(staff.c.staff_id == staff_id)).mappings().first()
        return _member(row) if row else None

    def add_member(self, member: StaffMember, at: datetime) -> None:
        self._c.execute(insert(staff).values(staff_id=member.staff_id, name=member.name, role=member.role,
                                             pin_hash=member.pin_hash, active=member.active, created_at=at))

    def add_session(self, session: StaffSession) -> None:
        self._c.execute(insert(staff_sessions).values(
            token_hash=session.token_hash, staff_id=session.staff_id, device_id=session.device_id,
            started_at=session.started_at, expires_at=session.expires_at, ended_at=session.ended_at))

    def session(self, token_hash: str) -> StaffSession | None:
        row = self._c.execute(select(staff_sessions).where(staff_sessions.c.token_hash == token_hash)).mappings().first()
        return StaffSession(**row) if row else None

    def end_session(self, token_hash: str, at: datetime) -> bool:
        done = self._c.execute(update(staff_sessions)
                               .where((staff_sessions.c.token_hash == token_hash) & staff_sessions.c.ended_at.is_(None))
                               .values(ended_at=at))
        return done.rowcount == 1

    def add_approval(self, approval: Approval) -> None:
        self._c.execute(insert(staff_approvals).values(
            token_hash=approval.token_hash, staff_id=approval.staff_id, action=approval.action,
            device_id=approval.device_id, granted_at=approval.granted_at, expires_at=approval.expires_at))

    def approval(self, token_hash: str) -> Approval | None:
        row = self._c.execute(select(staff_approvals).where(staff_approvals.c.token_hash == token_hash)).mappings().first()
        return Approval(**row) if row else None

    def use_approval(self, token_hash: str, at: datetime, used_for: str) -> bool:
        # The WHERE on used_at makes a second use in a racing transaction change nothing.
        done = self._c.execute(update(staff_approvals)
                               .where((staff_approvals.c.token_hash == token_hash) & staff_approvals.c.used_at.is_(None))
                               .values(used_at=at, used_for=used_for))
        return done.rowcount == 1

    def pin_failures(self, device_id: str | None, since: datetime) -> list[datetime]:
        query = select(staff_pin_failures.c.at).where(staff_pin_failures.c.at >= since)
        if device_id is not None:
            query = query.where(staff_pin_failures.c.device_id == device_id)
        return [r[0] for r in self._c.execute(query)]

    def add_pin_failure(self, device_id: str, at: datetime) -> None:
        self._c.execute(insert(staff_pin_failures).values(device_id=device_id, at=at))

    def clear_pin_failures(self, device_id: str) -> None:
        self._c.execute(delete(staff_pin_failures).where(staff_pin_failures.c.device_id == device_id))

    def set_order_staff(self, order_id: str, staff_id: str | None, approved_by: str | None, at: datetime) -> None:
        self._c.execute(insert(order_staff).values(order_id=order_id, staff_id=staff_id, approved_by=approved_by, at=at))

    def order_staff(self, order_id: str) -> tuple[str | None, str | None] | None:
        row = self._c.execute(select(order_staff.c.staff_id, order_staff.c.approved_by)
                              .where(order_staff.c.order_id == order_id)).first()
        return (row[0], row[1]) if row else None

    def hold_basket(self, held_id: str, device_id: str, label: str, basket: Any, staff_id: str | None,
                    at: datetime) -> None:
        self._c.execute(insert(held_baskets).values(held_id=held_id, device_id=device_id, label=label, basket=basket,
                                                    staff_id=staff_id, held_at=at))

    def held_baskets(self, device_id: str | None) -> list[dict[str, Any]]:
        query = (select(held_baskets.c.held_id, held_baskets.c.device_id, held_baskets.c.label,
                        held_baskets.c.staff_id, held_baskets.c.held_at)
                 .where(held_baskets.c.recalled_at.is_(None)).order_by(held_baskets.c.held_at))
        if device_id is not None:
            query = query.where(held_baskets.c.device_id == device_id)
        return [dict(r) for r in self._c.execute(query).mappings()]

    def recall_basket(self, held_id: str, at: datetime, staff_id: str | None) -> dict[str, Any] | None:
        done = self._c.execute(update(held_baskets)
                               .where((held_baskets.c.held_id == held_id) & held_baskets.c.recalled_at.is_(None))
                               .values(recalled_at=at, recalled_by=staff_id))
        if done.rowcount != 1:
            return None
        row = self._c.execute(select(held_baskets).where(held_baskets.c.held_id == held_id)).mappings().first()
        return dict(row)

    def set_cash_drawer(self, device_id: str, printer_device_id: str, hardware: str | None, pin: int) -> None:
        self._c.execute(delete(cash_drawers).where(cash_drawers.c.device_id == device_id))
        self._c.execute(insert(cash_drawers).values(device_id=device_id, printer_device_id=printer_device_id,
                                                    printer_hardware=hardware, pin=pin))

    def cash_drawer(self, device_id: str) -> tuple[str, str | None, int] | None:
        row = self._c.execute(select(cash_drawers).where(cash_drawers.c.device_id == device_id)).mappings().first()
        return (row["printer_device_id"], row["printer_hardware"], row["pin"]) if row else None

    def cash_drawers(self) -> dict[str, tuple[str, str | None, int]]:
        rows = self._c.execute(select(cash_drawers).order_by(cash_drawers.c.device_id)).mappings()
        return {r["device_id"]: (r["printer_device_id"], r["printer_hardware"], r["pin"]) for r in rows}

    def record_cash(self, tender_id: str, order_id: str, offered: int, change: int, device_id: str | None = None) -> None:
        self._c.execute(insert(cash_given).values(tender_id=tender_id, order_id=order_id, offered=offered, change=change,
                                                  device_id=device_id))

    def cash_for(self, order_id: str) -> dict[str, tuple[int, int]]:
        rows = self._c.execute(select(cash_given).where(cash_given.c.order_id == order_id)).mappings()
        return {r["tender_id"]: (r["offered"], r["change"]) for r in rows}


def _member(row) -> StaffMember:
    return StaffMember(row["staff_id"], row["name"], row["role"], row["pin_hash"], bool(row["active"]))
