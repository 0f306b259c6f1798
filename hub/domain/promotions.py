"""Promotions: what each one takes off a basket, and what a customer is missing for it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal

from hub.domain.money import BASIS_POINTS, round_minor

KINDS = ("percent", "amount", "buy_x_get_y", "bundle")
SCOPES = ("item", "category", "basket")


@dataclass(frozen=True, slots=True)
class Window:
    """Weekdays (0 = Monday) and a local time range [start, end) when a promotion runs."""

    days: frozenset[int]
    start: time
    end: time

    def contains(self, local: datetime) -> bool:
        """Return whether a time in the store's zone falls inside the window."""
        return local.weekday() in self.days and self.start <= local.time() < self.end


@dataclass(frozen=True, slots=True)
class Promotion:
    """A rule that lowers prices; `value` is basis points for percent kinds, minor units otherwise."""

    promo_id: str
    name: str
    kind: str
    value: int
    scope: str = "basket"
    targets: frozenset[str] = frozenset()  # SKUs (item scope) or categories (category scope)
    buy: int = 0
    get: int = 0
    slots: tuple[frozenset[str], ...] = ()  # bundle: each slot is a set of SKUs or categories
    slot_names: tuple[str, ...] = ()
    noun: str = "item"  # what to add, for hints: "pastry"
    min_spend: int = 0
    min_qty: int = 0
    channels: frozenset[str] = frozenset()
    tiers: frozenset[str] = frozenset()
    windows: tuple[Window, ...] = ()
    exclude: frozenset[str] = frozenset()  # SKUs or categories it never discounts
    stackable: bool = True
    usage_limit: int | None = None
    active: bool = True


@dataclass(frozen=True, slots=True)
class Unit:
    """What promotions see of a basket line."""

    index: int
    sku: str
    category: str
    qty: int
    unit_amount: int


@dataclass(frozen=True, slots=True)
class PromotionContext:
    """Who buys, where and when: what decides whether a promotion may apply at all."""

    channel: str
    local_time: datetime
    tier: str | None = None
    uses: Mapping[str, int] = field(default_factory=dict)


def may_apply(promo: Promotion, ctx: PromotionContext) -> bool:
    """Return whether a promotion is on, in its channel, tier, window and usage limit."""
    if not promo.active:
        return False
    if promo.channels and ctx.channel not in promo.channels:
        return False
    if promo.tiers and ctx.tier not in promo.tiers:
        return False
    if promo.windows and not any(w.contains(ctx.local_time) for w in promo.windows):
        return False
    return promo.usage_limit is None or ctx.uses.get(promo.promo_id, 0) < promo.usage_limit


def _matches(promo: Promotion, unit: Unit, keys: frozenset[str]) -> bool:
    if unit.sku in promo.exclude or unit.category in promo.exclude:
        return False
    if promo.scope == "item":
        return unit.sku in keys
    if promo.scope == "category":
        return unit.category in keys
    return True


class UnitIndex:
    """A basket's units indexed by SKU and category, so 200 promotions find theirs without scanning."""

    def __init__(self, units: Sequence[Unit]) -> None:
        self.units = list(units)
        self._by_key: dict[str, list[Unit]] = {}
        for unit in self.units:
            self._by_key.setdefault(unit.sku, []).append(unit)
            if unit.category != unit.sku:
                self._by_key.setdefault(unit.category, []).append(unit)
        self._matching: dict[str, list[Unit]] = {}
        # Every unit of every line, most expensive first: bundles pick from here.
        self.pieces = sorted(((u.unit_amount, u.index) for u in self.units for _ in range(u.qty)),
                             key=lambda p: (-p[0], p[1]))
        self.spent = sum(u.qty * u.unit_amount for u in self.units)

    def matching(self, promo: Promotion) -> list[Unit]:
        """Return the units a promotion may discount, in basket order."""
        found = self._matching.get(promo.promo_id)
        if found is None:
            if promo.scope == "basket":
                found = [u for u in self.units if _matches(promo, u, promo.targets)]
            else:
                hits = {u.index: u for key in promo.targets for u in self._by_key.get(key, ())}
                found = [u for _, u in sorted(hits.items()) if _matches(promo, u, promo.targets)]
            self._matching[promo.promo_id] = found
        return found

    def in_slot(self, slot: frozenset[str]) -> set[int]:
        """Return the indices of units that fill a bundle slot."""
        return {u.index for key in slot for u in self._by_key.get(key, ())}


def _indexed(units: Sequence[Unit] | UnitIndex) -> UnitIndex:
    return units if isinstance(units, UnitIndex) else UnitIndex(units)


def spread(total: int, weights: Sequence[tuple[int, int]]) -> dict[int, int]:
    """Split a whole amount over lines in proportion to their weights, largest remainder first."""
    merged: dict[int, int] = {}
    for index, weight in weights:
        merged[index] = merged.get(index, 0) + weight
    weight_sum = sum(merged.values())
    if total <= 0 or weight_sum <= 0:
        return {}
    shares = {index: total * w // weight_sum for index, w in merged.items()}
    left = total - sum(shares.values())
    if not left:
        return {i: s for i, s in shares.items() if s}
    by_remainder = sorted(merged.items(), key=lambda iw: (-(total * iw[1] % weight_sum), iw[0]))
    for index, _ in by_remainder[:left]:
        shares[index] += 1
    return {i: s for i, s in shares.items() if s}


def _percent(amount: int, bp: int) -> int:
    return round_minor(Decimal(amount) * bp / BASIS_POINTS)


def discount_for(promo: Promotion, units: Sequence[Unit] | UnitIndex, remaining: Mapping[int, int]) -> dict[int, int]:
    """Return what a promotion takes off each line (index -> minor units), given what is left to pay."""
    if promo.min_spend and sum(remaining.values()) < promo.min_spend:
        return {}
    index = _indexed(units)
    if promo.kind == "bundle":
        return _bundle(promo, index, remaining)
    matching = [u for u in index.matching(promo) if remaining.get(u.index, 0) > 0]
    if promo.min_qty and sum(u.qty for u in matching) < promo.min_qty:
        return {}
    if promo.kind == "buy_x_get_y":
        return _buy_x_get_y(promo, matching, remaining)
    if promo.scope == "basket" or promo.kind == "amount" and promo.scope != "item":
        base = sum(remaining[u.index] for u in matching)
        off = _percent(base, promo.value) if promo.kind == "percent" else min(promo.value, base)
        return spread(off, [(u.index, remaining[u.index]) for u in matching])
    result = {}
    for u in matching:
        left = remaining[u.index]
        off = _percent(left, promo.value) if promo.kind == "percent" else min(promo.value * u.qty, left)
        if off:
            result[u.index] = off
    return result


def upper_bound(promo: Promotion, units: UnitIndex, remaining: Mapping[int, int]) -> int:
    """Return at least what a promotion could take off, cheaply, to skip ones that cannot win."""
    if promo.kind == "bundle":
        return sum(remaining.values())
    matching = units.matching(promo)
    base = sum(remaining.get(u.index, 0) for u in matching)
    if promo.kind == "percent":
        return _percent(base, promo.value) + len(matching)  # each line may round up by under a cent
    if promo.kind == "amount" and promo.scope != "item":
        return min(promo.value, base)
    return base


def _buy_x_get_y(promo: Promotion, matching: Sequence[Unit], remaining: Mapping[int, int]) -> dict[int, int]:
    group = promo.buy + promo.get
    pieces = sorted(((u.unit_amount, -u.index) for u in matching for _ in range(u.qty)), reverse=True)
    result: dict[int, int] = {}
    for start in range(0, len(pieces) - group + 1, group):
        for amount, neg_index in pieces[start + promo.buy:start + group]:
            index = -neg_index
            off = min(_percent(amount, promo.value), remaining[index] - result.get(index, 0))
            if off > 0:
                result[index] = result.get(index, 0) + off
    return result


def _bundle(promo: Promotion, index: UnitIndex, remaining: Mapping[int, int]) -> dict[int, int]:
    slots = [index.in_slot(slot) for slot in promo.slots]
    if not all(slots):
        return {}
    # Most expensive pieces first: each set then saves the most it can for the customer.
    pool = [p for p in index.pieces if remaining.get(p[1], 0) > 0]
    used = [False] * len(pool)
    candidates = [[i for i, p in enumerate(pool) if p[1] in members] for members in slots]
    cursor = [0] * len(candidates)
    saving, weights = 0, []
    while True:
        chosen: list[int] = []
        for s_index, options in enumerate(candidates):
            at = cursor[s_index]
            while at < len(options) and (used[options[at]] or options[at] in chosen):
                at += 1
            if at == len(options):
                # The savings of every set, shared over its pieces in proportion to their prices.
                result = spread(saving, weights)
                return {i: min(v, remaining[i]) for i, v in result.items()}
            cursor[s_index] = at  # what was skipped is used by now or by this set
            chosen.append(options[at])
        for i in chosen:
            used[i] = True
        set_saving = sum(pool[i][0] for i in chosen) - promo.value
        if set_saving > 0:
            saving += set_saving
            weights.extend((pool[i][1], pool[i][0]) for i in chosen)


@dataclass(frozen=True, slots=True)
class Hint:
    """What a customer is missing for a promotion, as facts: the words are made where the reader's language is known."""

    kind: str  # add_slot (one bundle slot is empty), add_more (units short of a deal), spend_more (short of a threshold)
    name: str  # the promotion's name
    count: int = 0  # how many to add (add_slot, add_more)
    noun: str = ""  # what to add: "pastry"
    amount: int = 0  # how much more to spend, minor units (spend_more)

    def parts(self) -> dict:
        """Return the hint's parts for the wire."""
        return {"kind": self.kind, "name": self.name, "count": self.count, "noun": self.noun, "amount": self.amount}


def hint_for(promo: Promotion, units: Sequence[Unit] | UnitIndex) -> Hint | None:
    """Return what a customer is missing for a promotion that almost applied, or None."""
    index = _indexed(units)
    units = index.units
    if promo.kind == "bundle":
        filled = [bool(index.in_slot(slot)) for slot in promo.slots]
        missing = [promo.slot_names[i] if i < len(promo.slot_names) else "item" for i, f in enumerate(filled) if not f]
        if len(missing) == 1 and any(filled):
            return Hint("add_slot", promo.name, 1, missing[0])
        return None
    matching = sum(u.qty for u in index.matching(promo))
    needed = max(promo.min_qty, promo.buy + promo.get if promo.kind == "buy_x_get_y" else 0)
    if needed and 0 < matching < needed and needed - matching <= max(1, needed // 2):
        return Hint("add_more", promo.name, needed - matching, promo.noun)
    if promo.min_spend:
        spent = index.spent
        if 0 < spent < promo.min_spend and promo.min_spend - spent <= promo.min_spend // 2:
            return Hint("spend_more", promo.name, amount=promo.min_spend - spent)
    return None


@dataclass(frozen=True, slots=True)
class SetPromotionActive:
    """Switch a promotion on or off, effective for the next basket."""

    promo_id: str
    active: bool
