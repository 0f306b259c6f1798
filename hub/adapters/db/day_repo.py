"""The end of the day in SQL: business days, floats, paid in/out, counts, carry-overs, and a day's facts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, select, update

from hub.adapters.db import order_tables
from hub.adapters.db.commerce_tables import refunds, tenders
from hub.adapters.db.day_tables import (business_days, carried_orders, cash_moves, drawer_counts, drawer_floats,
                                        terminal_totals)
from hub.adapters.db.payments_tables import payments
from hub.adapters.db.staff_tables import cash_given, order_staff, staff, staff_approvals
from hub.domain.cash_up import CashMove, DrawerCount
from hub.domain.day_close import DayState, HubCardTotals, TerminalTotals
from hub.domain.day_figures import GivenRefund, SoldOrder, TakenTender, TaxLine, refund_parts
from hub.services.day_ports import DayRepository

UNASSIGNED = "unassigned"  # cash taken with no till named (an API call without device_id)
CHARGED = ("approved", "refunded")


class SqlDayRepository(DayRepository):
    """Business days and the facts of a day on one connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def state(self, day: str) -> DayState | None:
        row = self._c.execute(select(business_days).where(business_days.c.day == day)).mappings().first()
        return _state(row) if row else None

    def closed_from(self, day: str) -> set[str]:
        return set(self._c.execute(select(business_days.c.day).where(business_days.c.day >= day)).scalars())

    def next_z_number(self) -> int:
        return (self._c.execute(select(func.max(business_days.c.z_number))).scalar() or 0) + 1

    def close(self, state: DayState, report: dict) -> bool:
        if self.state(state.day) is not None:
            return False
        self._c.execute(insert(business_days).values(day=state.day, closed_at=state.closed_at, z_number=state.z_number,
                                                     closed_by=state.closed_by, report=report))
        return True

    def report(self, day: str) -> dict | None:
        return self._c.execute(select(business_days.c.report).where(business_days.c.day == day)).scalar()

    def reports(self, limit: int = 60) -> list[DayState]:
        rows = self._c.execute(select(business_days).order_by(business_days.c.z_number.desc()).limit(limit)).mappings()
        return [_state(row) for row in rows]

    def set_float(self, day: str, drawer_id: str, amount: int, staff_id: str | None, at: datetime) -> None:
        self._c.execute(delete(drawer_floats).where((drawer_floats.c.day == day) & (drawer_floats.c.drawer_id == drawer_id)))
        self._c.execute(insert(drawer_floats).values(day=day, drawer_id=drawer_id, amount=amount, staff_id=staff_id, at=at))

    def floats(self, day: str) -> dict[str, int]:
        rows = self._c.execute(select(drawer_floats.c.drawer_id, drawer_floats.c.amount).where(drawer_floats.c.day == day))
        return {drawer: amount for drawer, amount in rows}

    def add_move(self, day: str, move: CashMove, at: datetime) -> bool:
        if self._c.execute(select(cash_moves.c.move_id).where(cash_moves.c.move_id == move.move_id)).first():
            return False
        self._c.execute(insert(cash_moves).values(move_id=move.move_id, day=day, drawer_id=move.drawer_id, kind=move.kind,
                                                  amount=move.amount, reason=move.reason, staff_id=move.staff_id, at=at))
        return True

    def moves(self, day: str) -> list[CashMove]:
        rows = self._c.execute(select(cash_moves).where(cash_moves.c.day == day).order_by(cash_moves.c.at)).mappings()
        return [CashMove(r["move_id"], r["drawer_id"], r["kind"], r["amount"], r["reason"], r["staff_id"]) for r in rows]

    def save_count(self, day: str, count: DrawerCount, at: datetime) -> None:
        where = (drawer_counts.c.day == day) & (drawer_counts.c.drawer_id == count.drawer_id)
        self._c.execute(delete(drawer_counts).where(where))
        self._c.execute(insert(drawer_counts).values(
            day=day, drawer_id=count.drawer_id, counts={str(d): n for d, n in count.counts.items()},
            counted=count.counted, expected=count.expected, reason=count.reason, counted_by=count.counted_by,
            signed_off_by=count.signed_off_by, at=at))

    def counts(self, day: str) -> dict[str, DrawerCount]:
        rows = self._c.execute(select(drawer_counts).where(drawer_counts.c.day == day)).mappings()
        return {r["drawer_id"]: DrawerCount(r["drawer_id"], {int(d): n for d, n in r["counts"].items()}, r["counted"],
                                            r["expected"], r["reason"], r["counted_by"], r["signed_off_by"])
                for r in rows}

    def carry(self, order_id: str, from_day: str, to_day: str, reason: str, staff: str | None, at: datetime) -> None:
        self._c.execute(insert(carried_orders).values(order_id=order_id, from_day=from_day, to_day=to_day, reason=reason,
                                                      staff=staff, at=at))

    def carried(self, from_day: str) -> list[dict]:
        o = order_tables.orders
        rows = self._c.execute(select(carried_orders, o.c.number).join(o, o.c.order_id == carried_orders.c.order_id)
                               .where(carried_orders.c.from_day == from_day).order_by(carried_orders.c.at)).mappings()
        return [{"order_id": r["order_id"], "number": r["number"], "to_day": r["to_day"], "reason": r["reason"],
                 "staff": r["staff"]} for r in rows]

    def sold_orders(self, day: str) -> list[SoldOrder]:
        o = order_tables.orders
        carried_in = select(carried_orders.c.order_id).where(carried_orders.c.to_day == day)
        rows = list(self._c.execute(select(o).where((o.c.business_day == day) | o.c.order_id.in_(carried_in))
                                    .order_by(o.c.seq)).mappings())
        ids = [r["order_id"] for r in rows]
        paid: dict[str, int] = {}
        for tender in self.tenders(ids):
            paid[tender.order_id] = paid.get(tender.order_id, 0) + tender.amount
        approvers = self._names(select(order_staff.c.order_id, order_staff.c.approved_by)
                                .where(order_staff.c.order_id.in_(ids)))
        voids = self._names(select(staff_approvals.c.used_for, staff_approvals.c.staff_id)
                            .where((staff_approvals.c.action == "void") & staff_approvals.c.used_for.in_(ids)))
        return [_sold(r, paid.get(r["order_id"], 0), approvers.get(r["order_id"]), voids.get(r["order_id"]))
                for r in rows]

    def tenders(self, order_ids: list[str]) -> list[TakenTender]:
        rows = self._c.execute(select(tenders).where(tenders.c.order_id.in_(order_ids))
                               .order_by(tenders.c.order_id, tenders.c.position)).mappings()
        return [TakenTender(r["order_id"], r["kind"], r["amount"], r["refunded"]) for r in rows]

    def drawer_cash(self, start: datetime, end: datetime) -> dict[str, tuple[int, int]]:
        rows = self._c.execute(select(cash_given.c.device_id, func.sum(cash_given.c.offered), func.sum(cash_given.c.change))
                               .join(tenders, tenders.c.tender_id == cash_given.c.tender_id)
                               .where((tenders.c.at >= start) & (tenders.c.at < end)).group_by(cash_given.c.device_id))
        return {device or UNASSIGNED: (int(offered), int(change)) for device, offered, change in rows}

    def refunds(self, start: datetime, end: datetime) -> list[GivenRefund]:
        o = order_tables.orders
        given = list(self._c.execute(select(refunds, o.c.number).join(o, o.c.order_id == refunds.c.order_id)
                                     .where((refunds.c.at >= start) & (refunds.c.at < end))
                                     .order_by(refunds.c.at)).mappings())
        out = []
        for refund in given:
            order_id = refund["order_id"]
            taken = list(self._c.execute(select(tenders.c.tender_id, tenders.c.kind, tenders.c.amount)
                                         .where(tenders.c.order_id == order_id).order_by(tenders.c.position)))
            earlier = list(self._c.execute(select(refunds.c.refund_id, refunds.c.amount)
                                           .where(refunds.c.order_id == order_id).order_by(refunds.c.at)))
            plans = refund_parts([(kind, amount) for _, kind, amount in taken], [amount for _, amount in earlier])
            plan = plans[[rid for rid, _ in earlier].index(refund["refund_id"])]
            drawers = dict(self._c.execute(select(cash_given.c.tender_id, cash_given.c.device_id)
                                           .where(cash_given.c.order_id == order_id)).all())
            parts = tuple((kind, amount) for _, kind, amount in plan)
            cash = tuple((drawers.get(taken[pos][0]) or UNASSIGNED, amount) for pos, kind, amount in plan if kind == "cash")
            out.append(GivenRefund(refund["refund_id"], order_id, refund["number"], refund["amount"],
                                   self._refund_approver(order_id, refund["at"]), parts, cash))
        return out

    def _refund_approver(self, order_id: str, at: datetime) -> str | None:
        a = staff_approvals
        row = self._c.execute(select(staff.c.name).join(staff, staff.c.staff_id == a.c.staff_id)
                              .where((a.c.action == "refund") & (a.c.used_for == order_id) & (a.c.used_at <= at))
                              .order_by(a.c.used_at.desc()).limit(1)).first()
        return row[0] if row else None

    def _names(self, query) -> dict[str, str]:
        pairs = [(key, staff_id) for key, staff_id in self._c.execute(query) if staff_id]
        ids = {staff_id for _, staff_id in pairs}
        names = dict(self._c.execute(select(staff.c.staff_id, staff.c.name).where(staff.c.staff_id.in_(ids)))) if ids else {}
        return {key: names.get(staff_id, staff_id) for key, staff_id in pairs}

    def card_totals(self, start: datetime, end: datetime) -> list[HubCardTotals]:
        p = payments
        rows = self._c.execute(select(p.c.terminal_device_id, p.c.terminal_hardware, func.count(), func.sum(p.c.amount),
                                      func.sum(p.c.refunded_amount))
                               .where(p.c.state.in_(CHARGED) & (p.c.created_at >= start) & (p.c.created_at < end))
                               .group_by(p.c.terminal_device_id, p.c.terminal_hardware))
        return [HubCardTotals(terminal_key(device, hardware), count, int(charged or 0), int(back or 0))
                for device, hardware, count, charged, back in rows]

    def add_terminal_read(self, day: str, terminal: str, job_id: str, at: datetime) -> None:
        t = terminal_totals
        self._c.execute(delete(t).where((t.c.day == day) & (t.c.terminal == terminal)))
        self._c.execute(insert(t).values(day=day, terminal=terminal, job_id=job_id, at=at))

    def terminal_read_job(self, job_id: str) -> tuple[str, str] | None:
        t = terminal_totals
        row = self._c.execute(select(t.c.day, t.c.terminal).where(t.c.job_id == job_id)).first()
        return (row[0], row[1]) if row else None

    def save_terminal_read(self, day: str, read: TerminalTotals, at: datetime) -> None:
        t = terminal_totals
        self._c.execute(update(t).where((t.c.day == day) & (t.c.terminal == read.terminal))
                        .values(ok=read.ok, amount=read.amount, count=read.count, message=read.message, at=at))

    def terminal_reads(self, day: str) -> dict[str, TerminalTotals | None]:
        rows = self._c.execute(select(terminal_totals).where(terminal_totals.c.day == day)).mappings()
        return {r["terminal"]: None if r["ok"] is None else
                TerminalTotals(r["terminal"], r["ok"], r["amount"], r["count"], r["message"]) for r in rows}


def terminal_key(device_id: str, hardware: str | None) -> str:
    """Name a terminal: its agent, and the hardware name when the agent drives several."""
    return f"{device_id}/{hardware}" if hardware else device_id


def _state(row) -> DayState:
    return DayState(row["day"], row["closed_at"], row["z_number"], row["closed_by"])


def _sold(row, paid: int, approved_by: str | None, void_by: str | None) -> SoldOrder:
    pricing = row["pricing"] or {}
    taxes = tuple(TaxLine(t["code"], t["rate_bp"], t["taxable"]["amount"], t["amount"]["amount"])
                  for t in pricing.get("taxes", []))
    discounts = tuple((d.get("reason") or d.get("name") or d.get("promotion") or "discount", d["amount"]["amount"])
                      for d in pricing.get("discounts", []))
    return SoldOrder(row["order_id"], row["number"], row["origin"], row["status"], row["total_amount"], paid, taxes,
                     discounts, approved_by if discounts else None, row["closed_reason"], void_by,
                     row["currency"])
