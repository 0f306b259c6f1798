"""The one pricing engine: every channel's basket and every order is priced here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from hub.domain.catalog import Catalog, CatalogItem, channel_of
from hub.domain.order_messages import LineRequest, ManualDiscount
from hub.domain.errors import OrderRefused
from hub.domain.money import round_minor
from hub.domain.promotions import (
    Hint,
    Promotion,
    PromotionContext,
    Unit,
    UnitIndex,
    discount_for,
    hint_for,
    may_apply,
    spread,
    upper_bound,
)
from hub.domain.tax import TaxRate, TaxResult, compute_taxes


@dataclass(frozen=True, slots=True)
class PricingRequest:
    """Who is buying through which channel, when (in the store's zone), and what applies."""

    origin: str
    local_time: datetime
    tier: str | None = None
    tax_exempt: bool = False
    promotions: Sequence[Promotion] = ()
    uses: dict[str, int] = field(default_factory=dict)
    reward_amount: int = 0  # loyalty points redeemed as a discount, minor units
    manual: Sequence[ManualDiscount] = ()  # staff discounts with a reason, applied after promotions
    discount_limit_percent: int | None = None  # manual discounts above this need a manager; None = no limit


@dataclass(frozen=True, slots=True)
class PricedPart:
    """One part's share of a bundle line, taxed at the part's own rates."""

    item: CatalogItem
    qty: int  # units of the part in the whole line: line qty x units per bundle
    list_amount: int  # the part's own unit price for the channel and location: its weight in the split
    unit_share: int  # its share of one bundle's unit price
    amount: int  # its share of the line before discounts
    discount: int  # its share of the line's discounts
    rates: tuple[TaxRate, ...]

    @property
    def net(self) -> int:
        """Return the share after discounts, as taxed."""
        return self.amount - self.discount


@dataclass(frozen=True, slots=True)
class PricedLine:
    """A basket line with its price, discount and taxes."""

    index: int
    item: CatalogItem
    qty: int
    modifiers: tuple[str, ...]
    note: str | None
    unit_amount: int  # base price for the channel and location, plus modifiers
    discount: int
    rates: tuple[TaxRate, ...]  # the item's own; a bundle's parts are taxed at theirs instead
    parts: tuple[PricedPart, ...] = ()  # a bundle's price and discount shared over its parts

    @property
    def amount(self) -> int:
        """Return the line before discounts."""
        return self.unit_amount * self.qty

    @property
    def net(self) -> int:
        """Return the line after discounts."""
        return self.amount - self.discount

    def taxed(self) -> list[tuple[int, tuple[TaxRate, ...]]]:
        """Return (amount, rates) as taxed: one pair per bundle part, else the line itself."""
        if self.parts:
            return [(part.net, part.rates) for part in self.parts]
        return [(self.net, self.rates)]


@dataclass(frozen=True, slots=True)
class AppliedDiscount:
    """What one promotion took off, and from which lines."""

    promo_id: str
    name: str
    amount: int
    lines: tuple[tuple[int, int], ...]
    reason: str | None = None  # a manual discount's reason
    approval_required: bool = False  # a manual discount above the store's limit
    percent: int | None = None  # a manual discount asked as a percent
    base: int = 0  # what a manual discount applied to: its line, or the basket, after promotions
    line: int | None = None  # the line a manual discount was asked for; None = the whole order


@dataclass(frozen=True, slots=True)
class PricedBasket:
    """A basket priced for one channel and customer: lines, discounts, taxes, total and hints."""

    currency: str
    channel: str
    lines: tuple[PricedLine, ...]
    discounts: tuple[AppliedDiscount, ...]
    taxes: TaxResult
    hints: tuple[tuple[str, Hint], ...]  # (promo_id, what is missing for it)
    tax_inclusive: bool
    tax_exempt: bool

    @property
    def subtotal(self) -> int:
        """Return the lines before discounts."""
        return sum(line.amount for line in self.lines)

    @property
    def discount(self) -> int:
        """Return every discount together."""
        return sum(d.amount for d in self.discounts)

    @property
    def total(self) -> int:
        """Return what the customer pays."""
        return self.taxes.payable

    @property
    def approval_required(self) -> bool:
        """Return whether the manual discounts need a manager's approval."""
        return any(d.approval_required for d in self.discounts)

    def to_dict(self) -> dict[str, Any]:
        """Return the breakdown as JSON-ready data (the API reply and what an order keeps)."""
        cur = self.currency

        def money(amount: int) -> dict[str, Any]:
            return {"amount": amount, "currency": cur}

        return {
            "channel": self.channel,
            "tax_inclusive": self.tax_inclusive,
            "tax_exempt": self.tax_exempt,
            "lines": [
                {"index": ln.index, "sku": ln.item.sku, "name": ln.item.name, "qty": ln.qty,
                 "modifiers": list(ln.modifiers), "unit_price": money(ln.unit_amount), "amount": money(ln.amount),
                 "discount": money(ln.discount), "net": money(ln.net),
                 "parts": [{"sku": p.item.sku, "name": p.item.name, "qty": p.qty, "list_price": money(p.list_amount),
                            "amount": money(p.amount), "discount": money(p.discount), "net": money(p.net),
                            "tax_codes": [r.code for r in p.rates]} for p in ln.parts]}
                for ln in self.lines
            ],
            "discounts": [
                {"promotion": d.promo_id, "name": d.name, "amount": money(d.amount),
                 "lines": [{"index": i, "amount": a} for i, a in d.lines],
                 **({"reason": d.reason, "approval_required": d.approval_required, "line": d.line, "percent": d.percent}
                    if d.reason is not None else {})}
                for d in self.discounts
            ],
            "taxes": [
                {"code": t.code, "name": t.name, "rate_bp": t.rate_bp, "taxable": money(t.taxable), "amount": money(t.amount)}
                for t in self.taxes.lines
            ],
            "subtotal": money(self.subtotal),
            "discount": money(self.discount),
            "tax": money(self.taxes.tax),
            "total": money(self.total),
            "hints": [{"promotion": promo_id, **hint.parts()} for promo_id, hint in self.hints],
            "approval_required": self.approval_required,
        }


REWARD_ID = "loyalty-reward"
MANUAL_PREFIX = "manual-"  # manual discounts are `manual-<position in the request's discounts>`


def is_promotion(promo_id: str) -> bool:
    """Return whether a discount came from a promotion (not a loyalty reward or a discount by hand)."""
    return promo_id != REWARD_ID and not promo_id.startswith(MANUAL_PREFIX)


def split_by_weight(total: int, weights: Sequence[int]) -> list[int]:
    """Split a whole amount in proportion to weights (equally when all are zero); shares add up to total."""
    if not any(weights):
        weights = [1] * len(weights)
    shares = spread(total, list(enumerate(weights)))
    return [shares.get(i, 0) for i in range(len(weights))]


def price_basket(catalog: Catalog, requested: Sequence[LineRequest], request: PricingRequest) -> PricedBasket:
    """Price lines for a channel and customer; refuse the first bad line naming its field."""
    channel = channel_of(request.origin)
    lines: list[PricedLine] = []
    currency = None
    for index, want in enumerate(requested):
        where = f"lines[{index}]"
        item = catalog.item(want.sku, f"{where}.sku")
        modifiers = item.choose_modifiers(want.modifiers, where)
        if currency is None:
            currency = item.price.currency
        elif item.price.currency != currency:
            raise OrderRefused(f"{where}.sku: {item.sku} is priced in {item.price.currency}, not {currency}", f"{where}.sku")
        unit = item.unit_amount(catalog.location, channel) + sum(m.price_delta for m in modifiers)
        rates = catalog.taxes.rates(item.tax_category, item.tax_rate_bp)
        lines.append(PricedLine(index, item, want.qty, tuple(m.code for m in modifiers), want.note, unit, 0, rates))
    if currency is None:
        raise OrderRefused("lines: a basket needs at least one line", "lines")
    discounts, hints = _apply_promotions(lines, request, channel)
    taken: dict[int, int] = {}
    for d in discounts:
        for index, amount in d.lines:
            taken[index] = taken.get(index, 0) + amount
    lines = [PricedLine(ln.index, ln.item, ln.qty, ln.modifiers, ln.note, ln.unit_amount, taken.get(ln.index, 0), ln.rates,
                        _parts(catalog, ln, taken.get(ln.index, 0), channel))
             for ln in lines]
    taxes = compute_taxes([pair for ln in lines for pair in ln.taxed()], catalog.taxes, exempt=request.tax_exempt)
    return PricedBasket(currency, channel, tuple(lines), tuple(discounts), taxes, tuple(hints),
                        catalog.taxes.inclusive, request.tax_exempt)


def _parts(catalog: Catalog, line: PricedLine, discount: int, channel: str) -> tuple[PricedPart, ...]:
    """Share a bundle line's price, then its discount, over its parts by their own prices."""
    if not line.item.is_bundle:
        return ()
    where = f"lines[{line.index}].sku"
    parts = []
    for part in line.item.parts:
        item = catalog.get(part.sku)
        if item is None:
            raise OrderRefused(f"{where}: {line.item.sku} has a part {part.sku} the catalog does not sell", where)
        parts.append((item, part.qty, item.unit_amount(catalog.location, channel)))
    # One bundle's price is split first, so every unit of the line carries the same shares; the
    # discount then follows the shares, which keeps each part's discount between 0 and its share.
    unit_shares = split_by_weight(line.unit_amount, [amount * qty for _, qty, amount in parts])
    amounts = [share * line.qty for share in unit_shares]
    discounts = split_by_weight(discount, amounts)
    return tuple(
        PricedPart(item, qty * line.qty, amount, share, line_amount, off,
                   catalog.taxes.rates(item.tax_category, item.tax_rate_bp))
        for (item, qty, amount), share, line_amount, off in zip(parts, unit_shares, amounts, discounts)
    )


def _apply_promotions(lines, request, channel) -> tuple[list[AppliedDiscount], list[tuple[str, Hint]]]:
    """Apply the best of: every stackable promotion in turn, or one exclusive promotion alone."""
    ctx = PromotionContext(channel, request.local_time, request.tier, request.uses)
    # Promotions see lines in a canonical order, so ties (which unit is free, who gets the spare
    # cent) and therefore the total never depend on the order the lines were sent in.
    canonical = sorted(lines, key=lambda ln: (ln.item.sku, ln.modifiers, ln.unit_amount, ln.qty, ln.index))
    original = {rank: ln.index for rank, ln in enumerate(canonical)}
    units = UnitIndex([Unit(rank, ln.item.sku, ln.item.category, ln.qty, ln.unit_amount)
                       for rank, ln in enumerate(canonical)])
    base = {rank: ln.amount for rank, ln in enumerate(canonical)}
    live = sorted((p for p in request.promotions if may_apply(p, ctx)), key=_stacking_order)
    stack: list[AppliedDiscount] = []
    remaining = dict(base)
    hints = []
    for promo in live:
        if not promo.stackable:
            continue
        taken = discount_for(promo, units, remaining)
        if taken:
            for index, amount in taken.items():
                remaining[index] -= amount
            stack.append(_applied(promo, taken))
    best, best_amount = stack, sum(d.amount for d in stack)
    for promo in live:
        if promo.stackable:
            continue
        if upper_bound(promo, units, base) <= best_amount:
            continue
        taken = discount_for(promo, units, base)
        # Strictly more: on a tie the stack (or the earlier exclusive) stays, so the result is deterministic.
        if taken and sum(taken.values()) > best_amount:
            best, best_amount = [_applied(promo, taken)], sum(taken.values())
    applied = {d.promo_id for d in best}
    left = dict(base)
    for d in best:
        for rank, off in d.lines:
            left[rank] -= off
    if request.manual:
        best = [*best, *_manual_discounts(request, left, {ln.index: rank for rank, ln in enumerate(canonical)})]
    if request.reward_amount > 0:
        taken = discount_for(Promotion(REWARD_ID, "Loyalty reward", "amount", request.reward_amount), units, left)
        best = [*best, _applied(Promotion(REWARD_ID, "Loyalty reward", "amount", 0), taken)]
    best = [AppliedDiscount(d.promo_id, d.name, d.amount, tuple(sorted((original[r], a) for r, a in d.lines)),
                            d.reason, d.approval_required, d.percent, d.base, d.line)
            for d in best if d.amount]
    for promo in live:
        if promo.promo_id not in applied:
            hint = hint_for(promo, units)
            if hint:
                hints.append((promo.promo_id, hint))
    return best, hints


def _stacking_order(promo: Promotion) -> tuple[int, str]:
    # Item and category discounts first, basket ones on what is left: thresholds see discounted lines.
    return ({"item": 0, "category": 1}.get(promo.scope, 2) if promo.kind != "bundle" else 0, promo.promo_id)


def _applied(promo: Promotion, taken: dict[int, int]) -> AppliedDiscount:
    return AppliedDiscount(promo.promo_id, promo.name, sum(taken.values()), tuple(sorted(taken.items())))


def _manual_discounts(request: PricingRequest, left: dict[int, int], rank_of: dict[int, int]) -> list[AppliedDiscount]:
    """Apply staff discounts in turn on what promotions left (updating `left`); flag those over the limit."""
    after_promotions = sum(left.values())
    applied = []
    for position, wanted in enumerate(request.manual):
        where = f"discounts[{position}]"
        if wanted.line is None:
            targets = sorted(left)
        elif wanted.line in rank_of:
            targets = [rank_of[wanted.line]]
        else:
            raise OrderRefused(f"{where}.line: the basket has no line {wanted.line} (lines count from 0)", f"{where}.line")
        base = sum(left[rank] for rank in targets)
        if wanted.percent is not None:
            off = round_minor(Decimal(base) * wanted.percent / 100)
        else:
            off = min(wanted.amount or 0, base)
        taken = spread(off, [(rank, left[rank]) for rank in targets])
        for rank, amount in taken.items():
            left[rank] -= amount
        applied.append(AppliedDiscount(f"{MANUAL_PREFIX}{position}", f"Discount: {wanted.reason}", off,
                                       tuple(sorted(taken.items())), wanted.reason, False, wanted.percent, base,
                                       wanted.line))
    if request.discount_limit_percent is None:
        return applied
    over = set(manual_over_limit(applied, request.discount_limit_percent, after_promotions))
    return [AppliedDiscount(d.promo_id, d.name, d.amount, d.lines, d.reason, d.promo_id in over, d.percent, d.base,
                            d.line)
            for d in applied]


def manual_over_limit(discounts: Sequence[AppliedDiscount], limit_percent: int, after_promotions: int) -> list[str]:
    """Return the manual discounts (ids) above a limit: alone, of what each applied to; together, of the basket."""
    manual = [d for d in discounts if d.reason is not None and d.amount > 0]
    over = []
    for d in manual:
        # Whole numbers only: amount / base > limit / 100, without a float; a percent asked is compared as asked.
        if (d.percent > limit_percent) if d.percent is not None else d.amount * 100 > limit_percent * d.base:
            over.append(d.promo_id)
    # Several small discounts together may not pass the limit either: the largest then needs the approval.
    if len(manual) > 1 and not over and sum(d.amount for d in manual) * 100 > limit_percent * after_promotions:
        over.append(max(manual, key=lambda d: d.amount).promo_id)
    return over


def needs_approval(priced: PricedBasket, limit_percent: int) -> bool:
    """Return whether a priced basket's manual discounts go over the store's limit."""
    after_promotions = priced.subtotal - sum(d.amount for d in priced.discounts if is_promotion(d.promo_id))
    return bool(manual_over_limit(priced.discounts, limit_percent, after_promotions))
