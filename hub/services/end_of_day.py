"""The end of the day: floats, paid in/out, drawer counts, carry-overs, card terminals' totals, the close and its Z report.

The figures are read in hub/services/day_books.py. The close checks nothing is left open, freezes the
figures under the next Z number, and (with a cloud link) queues the closed day for headquarters in the
same transaction.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from hub.contracts.payments import PayOperation
from hub.domain.cash_up import CashMove, DayRefused, DrawerBooks, check_float, check_move, count_total, settle
from hub.domain.day_close import (APPROVE_CLOSE, DayState, TerminalTotals, ZReport, blockers, check_open, drawer_row,
                                  refuse_blocked)
from hub.domain.day_figures import open_order
from hub.domain.device_jobs import DeviceJobFinished
from hub.domain.end_of_day import (CarryOver, CloseDay, CloseDueDay, CountDrawer, DayClosed, PrintZReport,
                                   ReadTerminalTotals, RecordCashMove, SetOpeningFloat)
from hub.domain.frontdesk_settings import FrontdeskSettings
from hub.domain.numbering import business_day
from hub.domain.printing import ANY_PLACE, RECEIPT, PrintRequest, pick_route
from hub.domain.staff import ApprovalRequired
from hub.services import day_books, day_guard
from hub.services.device_jobs import queue_job
from hub.services.ports import Clock, UnitOfWork
from hub.services.printing import start_print
from hub.services.staff import spend_approval

if TYPE_CHECKING:
    from hub.domain.numbering import StoreDay

logger = logging.getLogger(__name__)

PAY = "pay"
END_OF_DAY_ANSWER_WITHIN_S = 120.0  # a terminal closing its batch prints a report and may dial its host
MAX_REASON = 200
# The automatic close is tried in the first seconds after the boundary only (the scheduler ticks every
# second): a day that cannot close then (a drawer not counted, an order open) waits for a manager.
AUTO_CLOSE_WINDOW = timedelta(seconds=5)
AUTO_SIGNER = "automatic close"


def today(uow: UnitOfWork, now: datetime, store_day: StoreDay) -> date:
    """Return the business day new business books to."""
    return day_guard.today(uow, now, store_day.tz, store_day.starts_at_hour)


def set_opening_float(command: SetOpeningFloat, uow: UnitOfWork, clock: Clock, store_day: StoreDay) -> str:
    """Put a drawer's opening float on today's books; return the day."""
    amount = check_float(command.amount)
    drawer = _drawer_id(command.drawer_id)
    day = today(uow, clock(), store_day).isoformat()
    uow.days.set_float(day, drawer, amount, command.staff_id, clock())
    return day


def record_cash_move(command: RecordCashMove, uow: UnitOfWork, clock: Clock, store_day: StoreDay) -> str:
    """Keep a paid in or out with its reason on today's books; the same move id twice is kept once."""
    reason = check_move(command.kind, command.amount, command.reason)
    day = today(uow, clock(), store_day).isoformat()
    move = CashMove(command.move_id, _drawer_id(command.drawer_id), command.kind, command.amount, reason, command.staff_id)
    uow.days.add_move(day, move, clock())
    logger.info("%s of %s at %s: %s", command.kind, command.amount, move.drawer_id, reason)
    return day


def count_drawer(command: CountDrawer, uow: UnitOfWork, clock: Clock, store_day: StoreDay) -> dict:
    """Count a drawer against its books; a manager signs it off (a cashier's PIN is refused when granting)."""
    day = check_day(command.day)
    check_open(uow.days.state(day), "a drawer count")
    facts = day_books.facts(uow, day, store_day)
    counts = count_total(command.counts if isinstance(command.counts, dict) else {}, facts.figures.currency)
    drawer = _drawer_id(command.drawer_id)
    books = facts.books.get(drawer, DrawerBooks(drawer))
    now = clock()
    settle(books, counts, command.reason, command.counted_by, "")  # a count that needs a reason fails before the sign-off
    signer = _sign_off(uow, command.approval, command.signed_off_by, f"count {drawer} {day}", now)
    count = settle(books, counts, command.reason, command.counted_by, signer)
    uow.days.save_count(day, count, now)
    logger.info("drawer %s counted for %s: difference %s, signed off by %s", drawer, day, count.difference, signer)
    return drawer_row(books, count)


def carry_over(command: CarryOver, uow: UnitOfWork, clock: Clock) -> dict:
    """Move an open or unpaid order of a day to the next day, with a reason; a settled order needs no carrying."""
    day = check_day(command.day)
    check_open(uow.days.state(day), "a carry-over")
    reason = (command.reason or "").strip()[:MAX_REASON]
    if not reason:
        raise DayRefused("invalid_payload", "reason: say why the order moves to the next day", field="reason")
    order = next((o for o in uow.days.sold_orders(day) if o.order_id == command.order_id), None)
    if order is None:
        raise DayRefused("not_found", f"order_id: no order {command.order_id} on {day}", 404, "order_id")
    if not open_order(order):
        raise DayRefused("not_open", f"order_id: order {order.number} is {order.status} and paid: nothing to carry",
                         409, "order_id")
    to_day = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    uow.days.carry(order.order_id, day, to_day, reason, command.staff, clock())
    return {"order_id": order.order_id, "number": order.number, "to_day": to_day, "reason": reason}


def read_terminal_totals(command: ReadTerminalTotals, uow: UnitOfWork, clock: Clock, store_day: StoreDay) -> list[str]:
    """Ask each terminal that took cards on the day, or serves a till, for its end-of-day; return the terminals asked."""
    day = check_day(command.day)
    check_open(uow.days.state(day), "reading the terminals")
    start, end = day_books.window(uow, day, store_day)
    terminals = {t.terminal for t in uow.days.card_totals(start, end)}
    terminals |= {_key(ref.device_id, ref.hardware) for ref in uow.payments.terminals().values()}
    now = clock()
    for terminal in sorted(terminals):
        device_id, _, hardware = terminal.partition("/")
        job = queue_job(uow, clock, device_id=device_id, kind=PAY, hardware=hardware or None,
                        payload={"operation": PayOperation.END_OF_DAY.value},
                        answer_within_s=END_OF_DAY_ANSWER_WITHIN_S)
        uow.days.add_terminal_read(day, terminal, job.job_id, now)
    return sorted(terminals)


def record_terminal_totals(event: DeviceJobFinished, uow: UnitOfWork, clock: Clock) -> None:
    """Keep what a terminal answered to its end-of-day job (in the job's transaction)."""
    if event.kind != PAY:
        return
    asked = uow.days.terminal_read_job(event.job_id)
    if asked is None:
        return
    day, terminal = asked
    detail = event.detail or {}
    amount = detail.get("amount") if isinstance(detail.get("amount"), int) else None
    count = detail.get("count") if isinstance(detail.get("count"), int) else None
    ok = event.ok and amount is not None
    message = None if ok else (event.message or "the terminal reported no total")[:500]
    uow.days.save_terminal_read(day, TerminalTotals(terminal, ok, amount, count, message), clock())


def close_day(command: CloseDay, uow: UnitOfWork, clock: Clock, store_day: StoreDay) -> ZReport:
    """Close a day once: nothing open, every drawer counted, a manager's sign-off; freeze the Z report."""
    day = check_day(command.day)
    state = uow.days.state(day)
    facts = day_books.facts(uow, day, store_day)
    counts = uow.days.counts(day)
    refuse_blocked(blockers(state, facts.figures, list(facts.books.values()), counts))
    now = clock()
    signer = _sign_off(uow, command.approval, command.signed_off_by, f"close {day}", now)
    z_number = uow.days.next_z_number()
    report = ZReport(z_number, day, now, signer, facts.figures,
                     [drawer_row(books, counts.get(drawer)) for drawer, books in sorted(facts.books.items())],
                     day_books.cards_view(uow, day, facts), uow.days.carried(day))
    if not uow.days.close(DayState(day, now, z_number, signer), day_books.report_dict(report)):
        raise DayRefused("day_closed", f"day: {day} was closed already: a closed day cannot change", 409, "day")
    uow.raise_event(DayClosed(day, z_number, day_books.report_dict(report)))
    if uow.outbox is not None:
        uow.outbox.add(f"day:{day}", f"day:{day}", {"kind": "day_close", "id": f"day:{day}", **day_books.report_dict(report)})
    logger.info("business day %s closed by %s: Z report %s", day, signer, z_number)
    return report


def close_due_day(command: CloseDueDay, uow: UnitOfWork, clock: Clock, store_day: StoreDay,
                  frontdesk: FrontdeskSettings) -> ZReport | None:
    """Close the day that just ended, right after the boundary, when frontdesk.toml says `auto_close_day = true`."""
    if not frontdesk.auto_close_day:
        return None
    now = clock()
    current = business_day(now, store_day.tz, store_day.starts_at_hour)
    boundary = datetime.combine(current, time(store_day.starts_at_hour), store_day.tz)
    day = (current - timedelta(days=1)).isoformat()
    if not timedelta(0) <= now - boundary < AUTO_CLOSE_WINDOW or uow.days.state(day) is not None:
        return None
    try:
        return close_day(CloseDay(day, signed_off_by=AUTO_SIGNER), uow, clock, store_day)
    except DayRefused as refusal:
        logger.warning("the automatic close of %s is refused (%s): a manager closes it on /admin/day", day, refusal.message)
        return None


def print_z_report(command: PrintZReport, uow: UnitOfWork, clock: Clock) -> PrintRequest:
    """Print a closed day's Z report on a till's receipt printer (its own route, else the catch-all)."""
    day = check_day(command.day)
    if uow.days.report(day) is None:
        raise DayRefused("not_closed", f"day: {day} is not closed: its Z report comes with the close", 409, "day")
    route = pick_route(uow.printing.routes(), RECEIPT, command.device_id)
    if route is None:
        raise DayRefused("no_printer", f"device_id: no receipt printer for {command.device_id} or `{ANY_PLACE}` "
                                       f"(PUT /api/v1/printing/routes/receipt/{command.device_id})", field="device_id")
    document = command.documents.get(route.language) or command.documents["en"]
    return start_print(uow, clock, route, document, place=command.device_id, order_id=None)


def _sign_off(uow: UnitOfWork, approval: str | None, owner: str | None, used_for: str, now: datetime) -> str:
    """Return the name of whoever signs off: the manager whose approval is spent here, else the owner signed in."""
    if owner and not approval:
        return owner
    try:
        manager = spend_approval(uow, approval, APPROVE_CLOSE, used_for[:64], now)
    except ApprovalRequired as refusal:
        raise DayRefused(refusal.code, refusal.message, 403, "approval") from None
    return manager.name if manager is not None else "a manager"


def check_day(day: str) -> str:
    """Return a day as an ISO date, or refuse naming the field."""
    try:
        return date.fromisoformat(day).isoformat()
    except (TypeError, ValueError):
        raise DayRefused("invalid_payload", f"day: {day!r} is not a date like 2026-12-07", 400, "day") from None


def _drawer_id(drawer_id: str) -> str:
    text = (drawer_id or "").strip() if isinstance(drawer_id, str) else ""
    if not text or len(text) > 64:
        raise DayRefused("invalid_payload", "drawer_id: name the till whose drawer it is (1 to 64 characters)",
                         field="drawer_id")
    return text


def _key(device_id: str, hardware: str | None) -> str:
    return f"{device_id}/{hardware}" if hardware else device_id

