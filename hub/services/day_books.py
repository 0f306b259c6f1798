"""A business day's books as the end of the day reads them: figures, each drawer's cash, the card terminals' match.

Sales figures come from the day's orders (an order carried over counts on the day it moved to); each
drawer's expected cash comes from what went through it in the day's hours (cash tenders and cash
refunds), its float and its paid in/out; card terminals are matched on the payments of those hours.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from hub.domain.cash_up import DrawerBooks
from hub.domain.day_close import HubCardTotals, ZReport, blockers, drawer_row, match_cards
from hub.domain.day_figures import Figures, day_figures
from hub.services.ports import UnitOfWork

if TYPE_CHECKING:
    from hub.domain.numbering import StoreDay


def day_view(uow: UnitOfWork, day: str, store_day: StoreDay) -> dict:
    """Return what the end-of-day page shows: the frozen Z report of a closed day, else the live figures and what blocks."""
    state = uow.days.state(day)
    if state is not None:
        return {"day": day, "closed": True, **uow.days.report(day)}
    books = facts(uow, day, store_day)
    counts = uow.days.counts(day)
    drawers = [drawer_row(drawer_books, counts.get(drawer)) for drawer, drawer_books in sorted(books.books.items())]
    return {"day": day, "closed": False, "figures": figures_dict(books.figures), "drawers": drawers,
            "cards": cards_view(uow, day, books), "carried_over": uow.days.carried(day),
            "moves": [asdict(m) for m in uow.days.moves(day)],
            "blockers": blockers(None, books.figures, list(books.books.values()), counts)}


@dataclass(frozen=True, slots=True)
class DayFacts:
    """A day's figures, each drawer's books and the card totals of its hours."""

    figures: Figures
    books: dict[str, DrawerBooks]
    cards: list[HubCardTotals]


def facts(uow: UnitOfWork, day: str, store_day: StoreDay) -> DayFacts:
    start, end = window(uow, day, store_day)
    orders = uow.days.sold_orders(day)
    carried = [c["order_id"] for c in uow.days.carried(day)]
    ids = [o.order_id for o in orders if o.order_id not in carried]
    refunds = uow.days.refunds(start, end)
    currency = orders[0].currency if orders else "EUR"
    figures = day_figures(currency, orders, uow.days.tenders(ids), refunds, carried)
    floats, cash, moves = uow.days.floats(day), uow.days.drawer_cash(start, end), uow.days.moves(day)
    back: dict[str, int] = {}
    for refund in refunds:
        for drawer, amount in refund.cash_drawers:
            back[drawer] = back.get(drawer, 0) + amount
    drawers = set(floats) | set(cash) | set(back) | {m.drawer_id for m in moves} | set(uow.days.counts(day))
    books = {d: DrawerBooks(d, floats.get(d, 0), cash.get(d, (0, 0))[0], cash.get(d, (0, 0))[1], back.get(d, 0),
                            sum(m.amount for m in moves if m.drawer_id == d and m.kind == "paid_in"),
                            sum(m.amount for m in moves if m.drawer_id == d and m.kind == "paid_out"))
             for d in drawers}
    return DayFacts(figures, books, uow.days.card_totals(start, end))


def window(uow: UnitOfWork, day: str, store_day: StoreDay) -> tuple[datetime, datetime]:
    """Return the hours a day's refunds and card payments fall in: its business hours, cut where a close moved them."""
    first = date.fromisoformat(day)
    start = datetime.combine(first, time(store_day.starts_at_hour), store_day.tz)
    end = datetime.combine(first + timedelta(days=1), time(store_day.starts_at_hour), store_day.tz)
    before = uow.days.state((first - timedelta(days=1)).isoformat())
    if before is not None and before.closed_at < start:
        start = before.closed_at  # closed early: what came after that close books to this day
    own = uow.days.state(day)
    if own is not None and own.closed_at < end:
        end = own.closed_at
    return start, end


def cards_view(uow: UnitOfWork, day: str, facts: DayFacts) -> list[dict]:
    """Return each terminal's match of the hub's card books against its end-of-day totals, line by line."""
    reads = uow.days.terminal_reads(day)
    books = {t.terminal: t for t in facts.cards}
    out = []
    for terminal in sorted(set(books) | set(reads)):
        hub = books.get(terminal, HubCardTotals(terminal))
        read = reads.get(terminal)
        state = "not asked" if terminal not in reads else "waiting" if read is None else "read" if read.ok else "failed"
        out.append({"terminal": terminal, "state": state, "message": read.message if read else None,
                    "payments": hub.payments, "charged": hub.charged, "refunded": hub.refunded,
                    "lines": match_cards(hub, read)})
    return out


def figures_dict(figures: Figures) -> dict:
    """Return the figures as JSON-ready data."""
    return {**asdict(figures), "tender_total": figures.tender_total}


def report_dict(report: ZReport) -> dict:
    """Return a Z report as JSON-ready data (what is kept, shown, printed and pushed)."""
    return {"z_number": report.z_number, "day": report.day, "closed_at": report.closed_at.isoformat(),
            "closed_by": report.closed_by, "figures": figures_dict(report.figures), "drawers": report.drawers,
            "cards": report.cards, "carried_over": report.carried_over, "cash_difference": report.cash_difference,
            "card_mismatches": report.card_mismatches}
