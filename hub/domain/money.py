"""Money as integer minor units with a currency; the one place amounts are rounded."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

BASIS_POINTS = 10_000  # tax rates are stored in basis points: 1900 = 19 %


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in minor units (cents) of one currency."""

    amount: int
    currency: str

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def times(self, quantity: int) -> Money:
        """Return this amount multiplied by a whole quantity."""
        return Money(self.amount * quantity, self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot add {other.currency} to {self.currency}")

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Return nothing, in a currency."""
        return cls(0, currency)


def round_minor(value: Decimal) -> int:
    """Round a fractional minor-unit amount to whole units, half away from zero."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def tax_included(gross: Money, rate_bp: int) -> Money:
    """Return the tax contained in a tax-inclusive gross amount."""
    tax = Decimal(gross.amount) * rate_bp / (BASIS_POINTS + rate_bp)
    return Money(round_minor(tax), gross.currency)
