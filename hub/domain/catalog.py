"""The minimal catalog an order is checked and priced against."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from hub.domain.errors import Unavailable, UnknownModifier, UnknownSku
from hub.domain.money import Money


@dataclass(frozen=True, slots=True)
class Modifier:
    """An option a customer may add to an item (oat milk, extra shot)."""

    code: str
    name: str
    price_delta: int = 0


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

    def modifier(self, code: str, field_name: str) -> Modifier:
        """Return an allowed modifier or refuse the line that asked for it."""
        try:
            return self.modifiers[code]
        except KeyError:
            raise UnknownModifier(f"{field_name}: {self.sku} has no modifier {code}", field_name) from None


class Catalog:
    """A read-only set of items keyed by SKU."""

    def __init__(self, items: Iterable[CatalogItem] = (), version: int = 0) -> None:
        self._items = {item.sku: item for item in items}
        self.version = version

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self):
        return iter(self._items.values())

    def item(self, sku: str, field_name: str) -> CatalogItem:
        """Return the item to sell for a line, or refuse it naming the SKU."""
        item = self._items.get(sku)
        if item is None:
            raise UnknownSku(f"{field_name}: unknown SKU {sku}", field_name)
        if not item.available:
            raise Unavailable(f"{field_name}: {item.name} ({sku}) is sold out", field_name)
        return item
