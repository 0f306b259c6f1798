"""Commands of the end of the day, named as orders; handled in hub/services/end_of_day.py."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SetOpeningFloat:
    """Put a drawer's opening float on the books of the business day now open."""

    drawer_id: str
    amount: int
    staff_id: str | None = None


@dataclass(frozen=True, slots=True)
class RecordCashMove:
    """Put money into a drawer or take it out for something that is no sale, with a reason."""

    move_id: str
    drawer_id: str
    kind: str  # paid_in | paid_out
    amount: int
    reason: str
    staff_id: str | None = None


@dataclass(frozen=True, slots=True)
class CountDrawer:
    """Count a drawer by denomination; a manager's approval (action `day_close`) signs it off."""

    day: str
    drawer_id: str
    counts: dict = field(hash=False)
    reason: str | None = None
    approval: str | None = None  # a manager's one-use approval token; never logged
    signed_off_by: str | None = None  # an owner's own sign-off, set by the web layer for an owner account
    counted_by: str | None = None

    def __repr__(self) -> str:
        return f"CountDrawer(day={self.day!r}, drawer_id={self.drawer_id!r})"


@dataclass(frozen=True, slots=True)
class CarryOver:
    """Move an open or unpaid order of a day to the next business day, with a reason."""

    day: str
    order_id: str
    reason: str
    staff: str | None = None


@dataclass(frozen=True, slots=True)
class ReadTerminalTotals:
    """Ask every card terminal that took payments on a day for its end-of-day (06 50) totals."""

    day: str


@dataclass(frozen=True, slots=True)
class CloseDay:
    """Close a business day: with nothing left open, every drawer counted, a manager's approval; takes the next Z number."""

    day: str
    approval: str | None = None
    signed_off_by: str | None = None  # an owner's own sign-off, set by the web layer for an owner account

    def __repr__(self) -> str:
        return f"CloseDay(day={self.day!r})"


@dataclass(frozen=True, slots=True)
class DayClosed:
    """A business day was closed with its Z report."""

    day: str
    z_number: int
    report: dict = field(hash=False, repr=False)


@dataclass(frozen=True, slots=True)
class PrintZReport:
    """Print a closed day's Z report on a till's receipt printer, worded in each printer language."""

    day: str
    device_id: str
    documents: dict = field(hash=False, repr=False)  # language -> the report's title and lines


@dataclass(frozen=True, slots=True)
class CloseDueDay:
    """At the business-day boundary, close the day that just ended, with the same checks, when the store asks for it."""
