"""A catalog's words in each language: item names and descriptions, modifiers, groups, allergens, taxes, promotions.

The catalog's own names are in its `language`; `texts` give other languages (and may add words, such as
descriptions or allergen words, in its own). A word missing in a language falls back to the catalog's own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class ItemWords:
    """One item's words in one language; modifiers and groups here win over the language's shared ones."""

    name: str | None = None
    description: str | None = None
    modifiers: Mapping[str, str] = field(default_factory=dict)
    groups: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PromotionWords:
    """A promotion's name, its noun ("pastry") and its bundle slots' names in one language."""

    name: str | None = None
    noun: str | None = None
    slots: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Words:
    """Every catalog word of one language, by code."""

    items: Mapping[str, ItemWords] = field(default_factory=dict)
    modifiers: Mapping[str, str] = field(default_factory=dict)
    groups: Mapping[str, str] = field(default_factory=dict)
    allergens: Mapping[str, str] = field(default_factory=dict)
    dietary: Mapping[str, str] = field(default_factory=dict)
    taxes: Mapping[str, str] = field(default_factory=dict)
    categories: Mapping[str, str] = field(default_factory=dict)
    promotions: Mapping[str, PromotionWords] = field(default_factory=dict)
    rewards: Mapping[str, str] = field(default_factory=dict)


NO_WORDS = Words()
NO_ITEM = ItemWords()


class _Item(Protocol):
    sku: str
    name: str
    category: str
    modifiers: Mapping[str, Any]
    groups: Mapping[str, Any]
    allergens: tuple[str, ...]
    dietary: tuple[str, ...]
    description: str | None


@dataclass(frozen=True, slots=True)
class CatalogTexts:
    """The catalog's language and its words in every language it was given."""

    language: str = "en"
    words: Mapping[str, Words] = field(default_factory=dict)

    def _in(self, lang: str | None) -> Words:
        return self.words.get(lang or self.language, NO_WORDS)

    def _item(self, sku: str, lang: str | None) -> ItemWords:
        return self._in(lang).items.get(sku, NO_ITEM)

    def item_name(self, item: _Item, lang: str | None) -> str:
        """Return an item's name in a language."""
        return self._item(item.sku, lang).name or item.name

    def description(self, item: _Item, lang: str | None) -> str | None:
        """Return an item's description in a language, or None when it has none."""
        return self._item(item.sku, lang).description or self._item(item.sku, self.language).description \
            or item.description

    def modifier_name(self, item: _Item, code: str, own_name: str, lang: str | None) -> str:
        """Return a modifier's name on an item in a language."""
        return self._item(item.sku, lang).modifiers.get(code) or self._in(lang).modifiers.get(code) or own_name

    def group_name(self, item: _Item, code: str, own_name: str, lang: str | None) -> str:
        """Return a modifier group's name on an item in a language."""
        return self._item(item.sku, lang).groups.get(code) or self._in(lang).groups.get(code) or own_name

    def allergen(self, code: str, lang: str | None) -> str:
        """Return the word for an allergen code (`milk`) in a language."""
        return self._in(lang).allergens.get(code) or self._in(self.language).allergens.get(code) or code

    def dietary(self, code: str, lang: str | None) -> str:
        """Return the word for a dietary mark (`vegan`) in a language."""
        return self._in(lang).dietary.get(code) or self._in(self.language).dietary.get(code) or code

    def category(self, code: str, lang: str | None) -> str | None:
        """Return the catalog's word for a menu category, or None to let the page name it."""
        return self._in(lang).categories.get(code) or self._in(self.language).categories.get(code)

    def tax(self, code: str, own_name: str, lang: str | None) -> str:
        """Return a tax rate's label (`VAT 19 %`) in a language."""
        return self._in(lang).taxes.get(code) or own_name

    def promotion(self, promo_id: str, own_name: str, lang: str | None) -> str:
        """Return a promotion's name in a language."""
        words = self._in(lang).promotions.get(promo_id)
        return (words.name if words else None) or own_name

    def noun(self, promo_id: str, own_noun: str, lang: str | None) -> str:
        """Return what a promotion's hint asks for more of (a slot's name or its noun) in a language."""
        words = self._in(lang).promotions.get(promo_id)
        if words is None:
            return own_noun
        return words.slots.get(own_noun) or (words.noun if own_noun and words.noun else None) or own_noun

    def reward(self, code: str, own_name: str, lang: str | None) -> str:
        """Return a loyalty reward's name in a language."""
        return self._in(lang).rewards.get(code) or own_name

    def _own(self, lang: str | None) -> bool:
        return lang is None or lang == self.language

    def missing(self, items: Iterable[_Item], taxes: Iterable[tuple[str, str]], promotions: Iterable[tuple[str, str]],
                rewards: Iterable[tuple[str, str]], lang: str) -> list[str]:
        """Return every catalog word that has no translation into `lang`, as `items.SKU.name` places."""
        if self._own(lang):
            return []
        words = self._in(lang)
        gaps: list[str] = []
        for item in items:
            mine = words.items.get(item.sku, NO_ITEM)
            if not mine.name:
                gaps.append(f"items.{item.sku}.name")
            if self.description(item, None) and not mine.description:
                gaps.append(f"items.{item.sku}.description")
            gaps += [f"modifiers.{code}" for code in item.modifiers
                     if code not in mine.modifiers and code not in words.modifiers]
            gaps += [f"groups.{code}" for code in item.groups if code not in mine.groups and code not in words.groups]
            gaps += [f"allergens.{code}" for code in item.allergens if code not in words.allergens]
            gaps += [f"dietary.{code}" for code in item.dietary if code not in words.dietary]
        gaps += [f"taxes.{code}" for code, _ in taxes if code not in words.taxes]
        gaps += [f"promotions.{pid}" for pid, _ in promotions if pid not in words.promotions]
        gaps += [f"rewards.{code}" for code, _ in rewards if code not in words.rewards]
        return sorted(set(gaps))

    def priced(self, priced: dict[str, Any], items: Mapping[str, _Item], lang: str | None) -> dict[str, Any]:
        """Return a priced basket (the pricing engine's `to_dict`) with its catalog words in a language."""
        if not self.words:
            return priced

        def named(line: dict[str, Any]) -> dict[str, Any]:
            item = items.get(line["sku"])
            return {**line, "name": self.item_name(item, lang)} if item is not None else line

        return {
            **priced,
            "lines": [{**named(ln), "parts": [named(p) for p in ln.get("parts", [])]} for ln in priced.get("lines", [])],
            "discounts": [d if d.get("reason") is not None else {**d, "name": self.promotion(d["promotion"], d["name"], lang)}
                          for d in priced.get("discounts", [])],
            "taxes": [{**t, "name": self.tax(t["code"], t["name"], lang)} for t in priced.get("taxes", [])],
            "hints": [{**h, **({"name": self.promotion(h["promotion"], h["name"], lang),
                                "noun": self.noun(h["promotion"], h.get("noun", ""), lang)} if "name" in h else {})}
                      for h in priced.get("hints", [])],
        }
