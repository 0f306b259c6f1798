"""Closing a business day: what must be settled first, the card terminals matched, the Z report; a closed day stays closed.

A day closes only when every order of it is handed over and paid, cancelled, or explicitly carried over to
the next day, and every drawer that held cash is counted and signed off. Each close takes the next Z number
(1, 2, 3 ... with no gaps): the Z report is the day's figures frozen at that moment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from hub.domain.cash_up import DayRefused, DrawerBooks, DrawerCount
from hub.domain.day_figures import Figures

APPROVE_CLOSE = "day_close"  # the manager approval action that signs off a count and closes a day


@dataclass(frozen=True, slots=True)
class DayState:
    """A business day the hub has seen: open until closed, then its Z number and who closed it."""

    day: str  # ISO date
    closed_at: datetime | None = None
    z_number: int | None = None
    closed_by: str | None = None  # the manager's name

    @property
    def closed(self) -> bool:
        """Say whether the day is closed."""
        return self.closed_at is not None


@dataclass(frozen=True, slots=True)
class TerminalTotals:
    """A card terminal's end-of-day (06 50) totals, as it reported them, for one business day."""

    terminal: str  # the agent device id, and `/hardware` when it drives several
    ok: bool
    amount: int | None = None  # the batch total the terminal reported, net of refunds
    count: int | None = None  # the number of payments, when the terminal tells
    message: str | None = None  # why it could not be read


@dataclass(frozen=True, slots=True)
class HubCardTotals:
    """What the hub's books say a terminal took over the day."""

    terminal: str
    payments: int = 0  # how many approved payments
    charged: int = 0  # their amounts
    refunded: int = 0  # given back to cards

    @property
    def net(self) -> int:
        """Return what the batch should hold."""
        return self.charged - self.refunded


def match_cards(books: HubCardTotals, read: TerminalTotals | None) -> list[dict]:
    """Return the lines of a terminal's match: payments, amount, each with the hub's and the terminal's figure."""
    lines = [("net_total", books.net, read.amount if read and read.ok else None)]
    if read is not None and read.ok and read.count is not None:
        lines.append(("payments", books.payments, read.count))
    return [{"line": name, "hub": hub, "terminal": terminal, "difference": None if terminal is None else terminal - hub,
             "matches": terminal == hub} for name, hub, terminal in lines]


@dataclass(frozen=True, slots=True)
class ZReport:
    """A closed day, frozen: the figures, the drawers, the card terminals, what was carried over."""

    z_number: int
    day: str
    closed_at: datetime
    closed_by: str
    figures: Figures
    drawers: list[dict]
    cards: list[dict]
    carried_over: list[dict] = field(default_factory=list)

    @property
    def cash_difference(self) -> int:
        """Return counted less expected over every drawer."""
        return sum(d["difference"] for d in self.drawers)

    @property
    def card_mismatches(self) -> int:
        """Return how many card lines do not match."""
        return sum(1 for card in self.cards for line in card["lines"] if not line["matches"])


def check_open(state: DayState | None, what: str) -> None:
    """Refuse, in words, any change to a closed day."""
    if state is not None and state.closed:
        raise DayRefused("day_closed", f"the business day {state.day} was closed at {state.closed_at:%H:%M} UTC "
                                       f"(Z report {state.z_number}) by {state.closed_by}: {what} cannot change it", 409)


def booking_day(today: date, closed: set[str]) -> date:
    """Return the day new business books to: today, or the first day after it that is not closed."""
    while today.isoformat() in closed:
        today += timedelta(days=1)
    return today


def blockers(state: DayState | None, figures: Figures, books: list[DrawerBooks],
             counts: dict[str, DrawerCount]) -> list[dict]:
    """Return what keeps a day from closing, each with a field and words saying what to do."""
    problems = []
    if state is not None and state.closed:
        problems.append({"field": "day", "message": f"the day {state.day} was closed already (Z report "
                                                    f"{state.z_number}): a closed day cannot change"})
    for order in figures.open_orders:
        why = "is not paid in full" if order["status"] == "completed" else f"is still {order['status']}"
        problems.append({"field": f"orders.{order['number']}",
                         "message": f"order {order['number']} {why}: complete, cancel or carry it over to the next day"})
    for drawer in books:
        if drawer.drawer_id not in counts and _used(drawer):
            problems.append({"field": f"drawers.{drawer.drawer_id}",
                             "message": f"the drawer of {drawer.drawer_id} is not counted: count it and have a "
                                        "manager sign off"})
    return problems


def refuse_blocked(problems: list[dict]) -> None:
    """Refuse to close, naming the first problem and how many there are."""
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise DayRefused("day_not_ready", f"{problems[0]['field']}: {problems[0]['message']}{more}", 409,
                         problems[0]["field"])


def drawer_row(books: DrawerBooks, count: DrawerCount | None) -> dict:
    """Return a drawer's line of the cash-up: the books, the count, the difference and who signed off."""
    return {"drawer": books.drawer_id, "opening_float": books.opening_float, "cash_taken": books.cash_taken,
            "change_given": books.change_given, "cash_sales": books.cash_sales, "cash_refunds": books.cash_refunds,
            "paid_in": books.paid_in, "paid_out": books.paid_out, "expected": books.expected,
            "counted": count.counted if count else None,
            "counts": {str(d): n for d, n in count.counts.items()} if count else {},
            "difference": count.difference if count else 0, "reason": count.reason if count else None,
            "counted_by": count.counted_by if count else None, "signed_off_by": count.signed_off_by if count else None}


def _used(books: DrawerBooks) -> bool:
    return any((books.opening_float, books.cash_taken, books.cash_refunds, books.paid_in, books.paid_out))
