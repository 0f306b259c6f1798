"""Short order numbers, counted per business day, and how the store counts its days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

NUMBERS_PER_LETTER = 999  # A001 … A999, then B001: three digits stay easy to call out


@dataclass(frozen=True, slots=True)
class StoreDay:
    """How the store counts its days: its time zone and the hour a new day begins."""

    tz: ZoneInfo
    starts_at_hour: int = 4


def business_day(now: datetime, tz: ZoneInfo, day_starts_at_hour: int) -> date:
    """Return the store's business day for a moment: before the start hour counts as the day before."""
    local = now.astimezone(tz)
    return (local - timedelta(hours=day_starts_at_hour)).date()


def format_number(sequence: int) -> str:
    """Turn the day's n-th order (from 1) into the number shown to the customer."""
    if sequence < 1:
        raise ValueError("order numbers start at 1")
    block, within = divmod(sequence - 1, NUMBERS_PER_LETTER)
    return f"{_letters(block)}{within + 1:03d}"


def _letters(block: int) -> str:
    """Name blocks A … Z, then AA, AB …, so a day never hands out a number twice."""
    name = ""
    block += 1
    while block:
        block, rest = divmod(block - 1, 26)
        name = chr(ord("A") + rest) + name
    return name
