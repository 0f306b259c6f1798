"""Cash-up of one drawer: its opening float, what cash should be in it, the count by denomination, the difference.

Every amount is integer minor units. Expected cash is what the books say the drawer holds:
the opening float, plus the cash customers handed over, minus the change given back, minus cash
refunds, plus money paid in, minus money paid out. The count is what a person found in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hub.domain.errors import Refused

# The notes and coins a drawer holds, per currency, largest first (minor units).
DENOMINATIONS: dict[str, tuple[int, ...]] = {
    "EUR": (50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1),
    "CHF": (100000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5),
    "GBP": (5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1),
    "USD": (10000, 5000, 2000, 1000, 500, 200, 100, 25, 10, 5, 1),
}
MOVE_KINDS = ("paid_in", "paid_out")
MAX_PIECES = 100_000  # of one denomination: more is a typing slip, not a drawer
MAX_REASON = 200


class DayRefused(Refused):
    """End-of-day work the hub will not do: a wire code, a message in words, an HTTP status, the field."""


@dataclass(frozen=True, slots=True)
class CashMove:
    """Money put into a drawer or taken out of it that is no sale: change from the bank, paying a supplier."""

    move_id: str
    drawer_id: str
    kind: str  # paid_in | paid_out
    amount: int
    reason: str
    staff_id: str | None = None

    @property
    def signed(self) -> int:
        """Return what the move adds to the drawer (negative for money taken out)."""
        return self.amount if self.kind == "paid_in" else -self.amount


@dataclass(frozen=True, slots=True)
class DrawerBooks:
    """What the books say about one drawer over a business day."""

    drawer_id: str
    opening_float: int = 0
    cash_taken: int = 0  # what customers handed over
    change_given: int = 0
    cash_refunds: int = 0
    paid_in: int = 0
    paid_out: int = 0

    @property
    def cash_sales(self) -> int:
        """Return the cash that paid for orders (handed over less change)."""
        return self.cash_taken - self.change_given

    @property
    def expected(self) -> int:
        """Return what should be in the drawer."""
        return self.opening_float + self.cash_sales - self.cash_refunds + self.paid_in - self.paid_out


@dataclass(frozen=True, slots=True)
class DrawerCount:
    """A drawer counted by denomination, against what the books expected, signed off by a manager."""

    drawer_id: str
    counts: dict[int, int]  # denomination (minor units) -> pieces
    counted: int
    expected: int
    reason: str | None
    counted_by: str | None
    signed_off_by: str

    @property
    def difference(self) -> int:
        """Return counted less expected: negative when cash is missing, positive when there is too much."""
        return self.counted - self.expected


def check_move(kind: str, amount: object, reason: str) -> str:
    """Return the cleaned reason of a paid in or paid out, or refuse naming the field."""
    if kind not in MOVE_KINDS:
        raise DayRefused("invalid_payload", f"kind must be one of {', '.join(MOVE_KINDS)}, not {kind!r}", field="kind")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise DayRefused("invalid_payload", "amount must be a whole number of cents above 0", field="amount")
    return _reason(reason, "a paid in or paid out needs a reason (e.g. `milk from the shop next door`)")


def check_float(amount: object) -> int:
    """Return an opening float, or refuse naming the field."""
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        raise DayRefused("invalid_payload", "opening_float must be a whole number of cents, 0 or more",
                         field="opening_float")
    return amount


def count_total(counts: Mapping[object, object], currency: str) -> dict[int, int]:
    """Return the counts keyed by denomination, or refuse naming the first bad one (unknown, negative, not whole)."""
    known = DENOMINATIONS.get(currency)
    if known is None:
        raise DayRefused("invalid_payload", f"currency: no denominations known for {currency}", field="currency")
    clean: dict[int, int] = {}
    for key, pieces in counts.items():
        try:
            denomination = int(str(key))
        except ValueError:
            denomination = None
        if denomination not in known:
            raise DayRefused("invalid_payload", f"counts.{key}: not a {currency} note or coin; one of "
                                                f"{', '.join(str(d) for d in known)} (cents)", field=f"counts.{key}")
        if not isinstance(pieces, int) or isinstance(pieces, bool) or not 0 <= pieces <= MAX_PIECES:
            raise DayRefused("invalid_payload", f"counts.{key}: the number of pieces must be a whole number from 0 "
                                                f"to {MAX_PIECES}, not {pieces!r}", field=f"counts.{key}")
        if pieces:
            clean[denomination] = clean.get(denomination, 0) + pieces
    return dict(sorted(clean.items(), reverse=True))


def settle(books: DrawerBooks, counts: dict[int, int], reason: str | None, counted_by: str | None,
           signed_off_by: str) -> DrawerCount:
    """Put a count against the books; a difference needs a reason in words."""
    counted = sum(denomination * pieces for denomination, pieces in counts.items())
    text = (reason or "").strip()[:MAX_REASON] or None
    if counted != books.expected and text is None:
        raise DayRefused("reason_required", f"reason: the count ({counted}) differs from the expected cash "
                                            f"({books.expected}) by {counted - books.expected}: say why", field="reason")
    return DrawerCount(books.drawer_id, counts, counted, books.expected, text, counted_by, signed_off_by)


def _reason(reason: str, hint: str) -> str:
    text = (reason or "").strip() if isinstance(reason, str) else ""
    if not text:
        raise DayRefused("invalid_payload", f"reason: {hint}", field="reason")
    return text[:MAX_REASON]
