"""The catalog: items, variants, modifier groups, bundles, prices per location and channel."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from hub.domain.catalog_texts import CatalogTexts
from hub.domain.errors import InvalidModifiers, Unavailable, UnknownModifier, UnknownSku
from hub.domain.money import Money
from hub.domain.tax import TaxPolicy

CHANNELS = ("kiosk", "counter", "app", "web", "marketplace")
# A phone order is taken by staff at the counter, so it sells at counter prices.
CHANNEL_OF_ORIGIN = {"phone": "counter"}


def channel_of(origin: str) -> str:
    """Return the price channel an order origin sells through."""
    return CHANNEL_OF_ORIGIN.get(origin, origin)


@dataclass(frozen=True, slots=True)
class Modifier:
    """An option a customer may add to an item (oat milk, extra shot)."""

    code: str
    name: str
    price_delta: int = 0
    group: str | None = None
    parent: str | None = None  # nested one level: only allowed when this modifier is chosen too


@dataclass(frozen=True, slots=True)
class ModifierGroup:
    """A set of modifiers with a minimum and maximum number of choices (milk: exactly one)."""

    code: str
    name: str
    min_choices: int = 0
    max_choices: int | None = None
    default: str | None = None  # chosen for the customer when a required group is left empty

    @property
    def required(self) -> bool:
        """Return whether at least one choice must be made."""
        return self.min_choices > 0


@dataclass(frozen=True, slots=True)
class BundlePart:
    """One part of a bundle or combo, made at its own station."""

    sku: str
    qty: int = 1


@dataclass(frozen=True, slots=True)
class PriceRule:
    """A price for a location, a channel, or both; None matches any."""

    amount: int
    location: str | None = None
    channel: str | None = None


@dataclass(frozen=True, slots=True)
class CatalogItem:
    """Something the store sells, with the station that makes or picks it."""

    sku: str
    name: str
    price: Money
    tax_rate_bp: int
    station: str
    prep_seconds: int
    modifiers: Mapping[str, Modifier] = field(default_factory=dict)
    available: bool = True
    category: str = "general"
    tax_category: str | None = None
    groups: Mapping[str, ModifierGroup] = field(default_factory=dict)
    prices: tuple[PriceRule, ...] = ()
    parts: tuple[BundlePart, ...] = ()
    variant_of: str | None = None
    variant: Mapping[str, str] = field(default_factory=dict)  # {"size": "M"}
    allergens: tuple[str, ...] = ()
    dietary: tuple[str, ...] = ()
    image: str | None = None
    description: str | None = None
    gtin: str | None = None
    serial_tracked: bool = False
    stock_tracked: bool = False
    bin: str | None = None  # shelf location a picker takes it from ("A-03")
    pairs_with: tuple[str, ...] = ()  # suggested with it when the store's orders have not taught better

    @property
    def is_bundle(self) -> bool:
        """Return whether this item is sold as one price for several parts."""
        return bool(self.parts)

    def modifier(self, code: str, field_name: str) -> Modifier:
        """Return an allowed modifier or refuse the line that asked for it."""
        try:
            return self.modifiers[code]
        except KeyError:
            raise UnknownModifier(f"{field_name}: {self.sku} has no modifier {code}", field_name) from None

    def unit_amount(self, location: str | None, channel: str | None) -> int:
        """Return the base price for a location and channel: the most specific rule wins."""
        best, best_rank = self.price.amount, 0
        for rule in self.prices:
            if (rule.location is not None and rule.location != location) or (
                rule.channel is not None and rule.channel != channel
            ):
                continue
            rank = (2 if rule.location is not None else 0) + (1 if rule.channel is not None else 0)
            if rank > best_rank:
                best, best_rank = rule.amount, rank
        return best

    def choose_modifiers(self, codes: Sequence[str], where: str) -> tuple[Modifier, ...]:
        """Check a line's modifiers against the groups, adding defaults; refuse naming the field."""
        chosen = [self.modifier(code, f"{where}.modifiers[{i}]") for i, code in enumerate(codes)]
        picked = {m.code for m in chosen}
        if len(picked) != len(chosen):
            raise InvalidModifiers(f"{where}.modifiers: a modifier is listed twice", f"{where}.modifiers")
        for m in chosen:
            if m.parent is not None and m.parent not in picked:
                parent = self.modifiers.get(m.parent)
                raise InvalidModifiers(
                    f"{where}.modifiers: {m.code} needs {parent.name if parent else m.parent} too", f"{where}.modifiers"
                )
        for group in self.groups.values():
            count = sum(1 for m in chosen if m.group == group.code)
            if count == 0 and group.default is not None:
                chosen.append(self.modifiers[group.default])
                count = 1
            if count < group.min_choices:
                raise InvalidModifiers(
                    f"{where}.modifiers: {self.name} needs at least {group.min_choices} {group.name} choice(s)",
                    f"{where}.modifiers",
                )
            if group.max_choices is not None and count > group.max_choices:
                raise InvalidModifiers(
                    f"{where}.modifiers: {self.name} allows at most {group.max_choices} {group.name} choice(s)",
                    f"{where}.modifiers",
                )
        return tuple(chosen)


class Catalog:
    """A read-only set of items keyed by SKU, with the store's tax policy and location."""

    def __init__(
        self,
        items: Iterable[CatalogItem] = (),
        version: int = 0,
        *,
        taxes: TaxPolicy | None = None,
        location: str | None = None,
        sold_out: Iterable[str] = (),
        texts: CatalogTexts | None = None,
    ) -> None:
        self._items = {item.sku: item for item in items}
        self.version = version
        self.taxes = taxes or TaxPolicy()
        self.location = location
        self.sold_out = frozenset(sold_out)  # 86'd by staff or by stock, on top of `available`
        self.texts = texts or CatalogTexts()

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self):
        return iter(self._items.values())

    def get(self, sku: str) -> CatalogItem | None:
        """Return an item by SKU, or None."""
        return self._items.get(sku)

    def find(self, code: str) -> CatalogItem | None:
        """Return the item with this SKU or barcode (GTIN), or None."""
        code = code.strip()
        item = self._items.get(code) or self._items.get(code.upper())
        return item or next((i for i in self._items.values() if i.gtin and i.gtin == code), None)

    def item(self, sku: str, field_name: str) -> CatalogItem:
        """Return the item to sell for a line, or refuse it naming the SKU."""
        item = self._items.get(sku)
        if item is None:
            raise UnknownSku(f"{field_name}: unknown SKU {sku}", field_name)
        if not item.available or sku in self.sold_out:
            raise Unavailable(f"{field_name}: {item.name} ({sku}) is sold out", field_name)
        for part in item.parts:
            if part.sku in self.sold_out:
                raise Unavailable(f"{field_name}: {item.name} ({sku}) is sold out: no {part.sku}", field_name)
        return item

    def with_sold_out(self, skus: Iterable[str]) -> Catalog:
        """Return the same catalog with these SKUs sold out too."""
        return Catalog(self._items.values(), self.version, taxes=self.taxes, location=self.location,
                       sold_out=self.sold_out | set(skus), texts=self.texts)
