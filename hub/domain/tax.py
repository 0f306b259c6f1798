"""Taxes: several rates per category, inclusive or exclusive prices, rounding per line or per order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from hub.domain.money import BASIS_POINTS, round_minor


@dataclass(frozen=True, slots=True)
class TaxRate:
    """One rate of a jurisdiction (state 6.25 %, city 2 %, VAT 19 %)."""

    code: str
    name: str
    rate_bp: int


@dataclass(frozen=True, slots=True)
class TaxPolicy:
    """How a store taxes: inclusive (Europe) or exclusive (North America), and where it rounds."""

    inclusive: bool = True
    per_line: bool = True  # round each line's tax; False sums exactly and rounds once per order
    categories: Mapping[str, tuple[TaxRate, ...]] = field(default_factory=dict)

    def rates(self, tax_category: str | None, fallback_bp: int) -> tuple[TaxRate, ...]:
        """Return the rates of a category, or one rate from the item's own basis points."""
        if tax_category is not None and tax_category in self.categories:
            return self.categories[tax_category]
        if fallback_bp == 0:
            return ()
        return (TaxRate(f"VAT{fallback_bp}", f"VAT {Decimal(fallback_bp) / 100:g} %", fallback_bp),)


@dataclass(frozen=True, slots=True)
class TaxLine:
    """Tax of one rate over the whole basket."""

    code: str
    name: str
    rate_bp: int
    taxable: int  # the net amount the rate applied to, minor units
    amount: int


@dataclass(frozen=True, slots=True)
class TaxResult:
    """Taxes by rate, and what the customer pays for the taxed lines."""

    lines: tuple[TaxLine, ...]
    tax: int
    payable: int  # sum of line amounts as charged: gross incl. tax, or net plus tax


def _line_tax(amount: int, rates: Sequence[TaxRate], inclusive: bool) -> list[Decimal]:
    """Return each rate's exact (unrounded) tax on one line amount."""
    if not rates:
        return []
    if inclusive:
        total_bp = sum(r.rate_bp for r in rates)
        return [Decimal(amount) * r.rate_bp / (BASIS_POINTS + total_bp) for r in rates]
    return [Decimal(amount) * r.rate_bp / BASIS_POINTS for r in rates]


def compute_taxes(
    lines: Sequence[tuple[int, Sequence[TaxRate]]], policy: TaxPolicy, *, exempt: bool = False
) -> TaxResult:
    """Tax (line amount after discounts, its rates) pairs; an exempt order pays net, no tax."""
    exact: dict[str, Decimal] = {}
    rounded: dict[str, int] = {}
    taxable: dict[str, Decimal] = {}
    rate_of: dict[str, TaxRate] = {}
    charged_lines = 0
    for amount, rates in lines:
        parts = _line_tax(amount, rates, policy.inclusive)
        net = Decimal(amount) - (sum(parts, Decimal(0)) if policy.inclusive else 0)
        for rate, part in zip(rates, parts):
            rate_of[rate.code] = rate
            exact[rate.code] = exact.get(rate.code, Decimal(0)) + part
            rounded[rate.code] = rounded.get(rate.code, 0) + round_minor(part)
            taxable[rate.code] = taxable.get(rate.code, Decimal(0)) + net
        charged_lines += amount
    per_rate = rounded if policy.per_line else {code: round_minor(value) for code, value in exact.items()}
    tax_lines = tuple(
        TaxLine(code, rate_of[code].name, rate_of[code].rate_bp, round_minor(taxable[code]), 0 if exempt else amount)
        for code, amount in sorted(per_rate.items())
    )
    tax = sum(per_rate.values())
    if exempt:
        payable = charged_lines - tax if policy.inclusive else charged_lines
        return TaxResult(tax_lines, 0, payable)
    return TaxResult(tax_lines, tax, charged_lines if policy.inclusive else charged_lines + tax)
