"""What the end of the day needs from the books; the SQL adapter implements it and tests may fake it."""

from __future__ import annotations

import abc
from datetime import datetime

from hub.domain.cash_up import CashMove, DrawerCount
from hub.domain.day_close import DayState, HubCardTotals, TerminalTotals
from hub.domain.day_figures import GivenRefund, SoldOrder, TakenTender


class DayRepository(abc.ABC):
    """Business days, their cash-up and Z reports, and the facts of a day read from orders, tenders and payments."""

    @abc.abstractmethod
    def state(self, day: str) -> DayState | None:
        """Return a closed day, or None while it is open."""

    @abc.abstractmethod
    def closed_from(self, day: str) -> set[str]:
        """Return the closed days on or after a day."""

    @abc.abstractmethod
    def next_z_number(self) -> int:
        """Return the number the next Z report takes (1 for the first)."""

    @abc.abstractmethod
    def close(self, state: DayState, report: dict) -> bool:
        """Mark a day closed with its Z report; False when it was closed already."""

    @abc.abstractmethod
    def report(self, day: str) -> dict | None:
        """Return a closed day's Z report."""

    @abc.abstractmethod
    def reports(self, limit: int = 60) -> list[DayState]:
        """Return the closed days, newest first."""

    @abc.abstractmethod
    def set_float(self, day: str, drawer_id: str, amount: int, staff_id: str | None, at: datetime) -> None:
        """Set (or correct) a drawer's opening float for a day."""

    @abc.abstractmethod
    def floats(self, day: str) -> dict[str, int]:
        """Return drawer -> opening float of a day."""

    @abc.abstractmethod
    def add_move(self, day: str, move: CashMove, at: datetime) -> bool:
        """Keep a paid in or paid out; False when its id was kept before."""

    @abc.abstractmethod
    def moves(self, day: str) -> list[CashMove]:
        """Return a day's paid ins and outs, oldest first."""

    @abc.abstractmethod
    def save_count(self, day: str, count: DrawerCount, at: datetime) -> None:
        """Keep (or replace) a drawer's count for a day."""

    @abc.abstractmethod
    def counts(self, day: str) -> dict[str, DrawerCount]:
        """Return drawer -> count of a day."""

    @abc.abstractmethod
    def carry(self, order_id: str, from_day: str, to_day: str, reason: str, staff: str | None, at: datetime) -> None:
        """Move an open order's books to the next day."""

    @abc.abstractmethod
    def carried(self, from_day: str) -> list[dict]:
        """Return the orders carried over from a day: order_id, number, to_day, reason, staff."""

    @abc.abstractmethod
    def sold_orders(self, day: str) -> list[SoldOrder]:
        """Return a day's orders, with those carried into it, as the end of the day sees them."""

    @abc.abstractmethod
    def tenders(self, order_ids: list[str]) -> list[TakenTender]:
        """Return the tenders of some orders."""

    @abc.abstractmethod
    def drawer_cash(self, start: datetime, end: datetime) -> dict[str, tuple[int, int]]:
        """Return drawer -> (cash handed over, change given) of the cash tenders taken in a time span."""

    @abc.abstractmethod
    def refunds(self, start: datetime, end: datetime) -> list[GivenRefund]:
        """Return the refunds given in a time span, split over their tenders, with who approved each."""

    @abc.abstractmethod
    def card_totals(self, start: datetime, end: datetime) -> list[HubCardTotals]:
        """Return, per terminal, the approved card payments made in a time span and what went back."""

    @abc.abstractmethod
    def add_terminal_read(self, day: str, terminal: str, job_id: str, at: datetime) -> None:
        """Note that a terminal was asked for its end-of-day totals (replacing an earlier read)."""

    @abc.abstractmethod
    def terminal_read_job(self, job_id: str) -> tuple[str, str] | None:
        """Return (day, terminal) of an end-of-day job, or None."""

    @abc.abstractmethod
    def save_terminal_read(self, day: str, read: TerminalTotals, at: datetime) -> None:
        """Keep what a terminal answered."""

    @abc.abstractmethod
    def terminal_reads(self, day: str) -> dict[str, TerminalTotals | None]:
        """Return terminal -> its answer (None while it has not answered) for a day."""
