"""The largest numbers and the range of times the hub takes from anyone, and why.

Every whole number on the wire is bounded: SQLite and PostgreSQL store 64-bit integers and
refuse more, and arithmetic on a sum of unbounded amounts must not overflow either.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime

MAX_AMOUNT = 99_999_999  # minor units: 999,999.99 in a two-decimal currency, above any one sale or card load
MAX_POINTS = 99_999_999  # loyalty points, the same headroom as money
MAX_UNITS = 1_000_000  # stock units in one move
MAX_COUNT = 1_000_000  # positions, versions and other counters a client may echo back

EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)  # a device whose clock was never set says 1970
LATEST = datetime(3000, 1, 1, tzinfo=timezone.utc)  # far enough for any promise, near enough to add days to


def sane_moment(value: datetime) -> datetime:
    """Refuse a time that cannot be said in UTC or lies outside 1970 to 2999."""
    try:
        utc = value.astimezone(timezone.utc)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST <= utc < LATEST:
        raise ValueError("must be a time between 1970 and 2999, e.g. 2026-11-22T12:00:00Z")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(sane_moment)]


# C0 and C1 controls and DEL have no place in text a person typed: NUL cannot even be stored in
# PostgreSQL, and on paper `ESC p` kicks the drawer. Tabs and line breaks become one space.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BREAKS = re.compile(r"[\t\n\r]+")


def printable(text: str) -> str:
    """Return text without control characters; tabs and line breaks become one space."""
    return _CONTROLS.sub("", _BREAKS.sub(" ", text))


Plain = AfterValidator(printable)
