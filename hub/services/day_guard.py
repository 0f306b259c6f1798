"""Where new business books to once a day is closed, and the refusal of changes to a closed day's orders."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from hub.domain.day_close import booking_day, check_open
from hub.domain.numbering import business_day
from hub.services.ports import UnitOfWork


def today(uow: UnitOfWork, now: datetime, tz: ZoneInfo, starts_at_hour: int) -> date:
    """Return the business day new business books to: the calendar's, or the next open one after a closed day."""
    day = business_day(now, tz, starts_at_hour)
    return booking_day(day, uow.days.closed_from(day.isoformat()))


def refuse_if_day_closed(uow: UnitOfWork, order_id: str, order_day: str, what: str) -> None:
    """Refuse, in words, a change to an order of a closed day, unless the order was carried over to an open one."""
    state = uow.days.state(order_day)
    if state is not None and not any(c["order_id"] == order_id for c in uow.days.carried(order_day)):
        check_open(state, what)
