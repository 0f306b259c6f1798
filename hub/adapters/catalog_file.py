"""Read catalog files (JSON or CSV) into domain objects, all or nothing, naming the line and field."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hub.contracts.catalog import DAYS, CatalogFile, CatalogItemIn
from hub.contracts.validation import first_error
from hub.domain.catalog import BundlePart, Catalog, CatalogItem, Modifier, ModifierGroup, PriceRule
from hub.domain.catalog_texts import CatalogTexts, ItemWords, PromotionWords, Words
from hub.domain.pricing import REWARD_ID
from hub.domain.money import Money
from hub.domain.promotions import Promotion, Window
from hub.domain.tax import TaxPolicy, TaxRate

# CSV columns; lists inside a cell are separated by `|`, a modifier is `CODE:Name[:delta]`.
# Taxes, promotions, bundles and loyalty need the JSON format.
CSV_COLUMNS = ("sku", "name", "price", "currency", "tax_rate_bp", "tax_category", "station", "prep_seconds",
               "category", "modifiers", "allergens", "dietary", "gtin", "image", "serial_tracked", "available",
               "bin", "on_hand")


class CatalogFileError(ValueError):
    """A catalog file that cannot be imported; the message names the place."""


@dataclass
class CatalogImport:
    """Everything a catalog file holds, checked and ready to store."""

    catalog: Catalog
    document: dict[str, Any]  # the validated file, as stored settings and promotions
    stock: list[dict[str, Any]] = field(default_factory=list)


def read_catalog_file(path: Path) -> Catalog:
    """Parse and check a catalog file (JSON or CSV) and return its catalog."""
    return read_catalog_import(path).catalog


def read_catalog_import(path: Path, location: str | None = None) -> CatalogImport:
    """Parse and check a catalog file: JSON by default, CSV when its name ends in .csv."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogFileError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise CatalogFileError(f"{path}: not UTF-8: {exc}") from None
    if path.suffix.lower() == ".csv":
        raw = _csv_document(path, text)
    else:
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CatalogFileError(f"{path}: not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    try:
        parsed = CatalogFile.model_validate(raw)
    except ValidationError as exc:
        field_name, message = first_error(exc)
        raise CatalogFileError(f"{path}: {_csv_place(path, field_name, message)}") from None
    try:
        return build_import(parsed, location)
    except CatalogFileError as exc:
        raise CatalogFileError(f"{path}: {_csv_place(path, str(exc).split(' ')[0], str(exc))}") from None


def _csv_place(path: Path, field_name: str, message: str) -> str:
    """Turn `items[3].price ...` into `line 5, field price: ...` for CSV files (line 1 is the header)."""
    if path.suffix.lower() != ".csv" or not field_name.startswith("items["):
        return message
    index = int(field_name[6:field_name.index("]")])
    rest = field_name[field_name.index("]") + 2:] or "row"
    detail = message[len(field_name):].strip()
    return f"line {index + 2}, field {rest.split('[')[0].split('.')[0]}: {detail}"


def build_import(parsed: CatalogFile, location: str | None = None, *, whole_file: bool = True) -> CatalogImport:
    """Check references across the file and build the domain catalog.

    A stored catalog is read back without its promotions and loyalty (`whole_file=False`): their words are not checked."""
    seen: set[str] = set()
    for index, item in enumerate(parsed.items):
        if item.sku in seen:
            raise CatalogFileError(f"items[{index}].sku {item.sku} appears twice")
        seen.add(item.sku)
    tracked = {s.sku for s in parsed.stock}
    items = [_item(index, item, parsed, seen, tracked) for index, item in enumerate(parsed.items)]
    for index, promo in enumerate(parsed.promotions):
        if promo.scope == "item":
            for t_index, sku in enumerate(promo.targets):
                if sku not in seen:
                    raise CatalogFileError(f"promotions[{index}].targets[{t_index}] names unknown SKU {sku}")
    for index, entry in enumerate(parsed.stock):
        if entry.sku not in seen:
            raise CatalogFileError(f"stock[{index}].sku names unknown SKU {entry.sku}")
        if entry.serials and len(entry.serials) != entry.on_hand:
            raise CatalogFileError(f"stock[{index}].serials lists {len(entry.serials)} serials for {entry.on_hand} on hand")
    tier_codes = {t.code for t in parsed.loyalty.tiers}
    for index, member in enumerate(parsed.loyalty.members):
        if member.tier not in tier_codes:
            raise CatalogFileError(f"loyalty.members[{index}].tier {member.tier} is not a tier")
    document = parsed.model_dump(mode="json", exclude={"items", "stock"})
    # Words as written: no empty defaults for every item of every language in what is stored and exported.
    document["texts"] = parsed.model_dump(mode="json", include={"texts"}, exclude_defaults=True).get("texts", {})
    taxes = tax_policy(document["taxes"])
    texts = catalog_texts(parsed, items, taxes, whole_file)
    catalog = Catalog(items, taxes=taxes, location=location, texts=texts)
    stock = [{**s.model_dump(mode="json"), "location": s.location or location or "store"} for s in parsed.stock]
    return CatalogImport(catalog, document, stock)


def catalog_texts(parsed: CatalogFile, items: list[CatalogItem], taxes: TaxPolicy, whole_file: bool) -> CatalogTexts:
    """Check that the words of every language name things the file has, and build them."""
    by_sku = {item.sku: item for item in items}
    modifiers = {code for item in items for code in item.modifiers}
    groups = {code for item in items for code in item.groups}
    tax_codes = {rate.code for rates in taxes.categories.values() for rate in rates}
    tax_codes |= {rate.code for item in items for rate in taxes.rates(item.tax_category, item.tax_rate_bp)}
    promotions = {p.id for p in parsed.promotions} | {REWARD_ID}
    rewards = {r.code for r in parsed.loyalty.rewards}
    words = {}
    for lang, given in parsed.texts.items():
        where = f"texts.{lang}"
        for sku, mine in given.items.items():
            item = by_sku.get(sku)
            if item is None:
                raise CatalogFileError(f"{where}.items.{sku} names unknown SKU {sku}")
            _known(f"{where}.items.{sku}.modifiers", mine.modifiers, item.modifiers, f"a modifier of {sku}")
            _known(f"{where}.items.{sku}.groups", mine.groups, item.groups, f"a modifier group of {sku}")
        _known(f"{where}.modifiers", given.modifiers, modifiers, "a modifier of any item")
        _known(f"{where}.groups", given.groups, groups, "a modifier group of any item")
        _known(f"{where}.taxes", given.taxes, tax_codes, "a tax rate code")
        if whole_file:
            _known(f"{where}.promotions", given.promotions, promotions, "a promotion id")
            _known(f"{where}.rewards", given.rewards, rewards, "a loyalty reward code")
        words[lang] = Words(
            items={sku: ItemWords(w.name, w.description, dict(w.modifiers), dict(w.groups)) for sku, w in given.items.items()},
            modifiers=dict(given.modifiers), groups=dict(given.groups), allergens=dict(given.allergens),
            dietary=dict(given.dietary), taxes=dict(given.taxes), categories=dict(given.categories),
            promotions={pid: PromotionWords(w.name, w.noun, dict(w.slots)) for pid, w in given.promotions.items()},
            rewards=dict(given.rewards))
    return CatalogTexts(parsed.language, words)


def _known(where: str, given: dict[str, Any], known: Any, what: str) -> None:
    for code in given:
        if code not in known:
            raise CatalogFileError(f"{where}.{code}: {code} is not {what}")


def _item(index: int, item: CatalogItemIn, parsed: CatalogFile, skus: set[str], tracked: set[str]) -> CatalogItem:
    where = f"items[{index}]"
    codes = [m.code for m in item.modifiers]
    if len(set(codes)) != len(codes):
        raise CatalogFileError(f"{where}.modifiers list a code twice")
    groups = {g.code: g for g in item.modifier_groups}
    for m_index, m in enumerate(item.modifiers):
        if m.group is not None and m.group not in groups:
            raise CatalogFileError(f"{where}.modifiers[{m_index}].group {m.group} is not in modifier_groups")
        if m.parent is not None and m.parent not in codes:
            raise CatalogFileError(f"{where}.modifiers[{m_index}].parent {m.parent} is not a modifier of {item.sku}")
    for g_index, g in enumerate(item.modifier_groups):
        if g.default is not None and g.default not in codes:
            raise CatalogFileError(f"{where}.modifier_groups[{g_index}].default {g.default} is not a modifier")
    for p_index, part in enumerate(item.parts):
        if part.sku not in skus or part.sku == item.sku:
            raise CatalogFileError(f"{where}.parts[{p_index}].sku names unknown SKU {part.sku}")
    for s_index, sku in enumerate(item.pairs_with):
        if sku not in skus or sku == item.sku:
            raise CatalogFileError(f"{where}.pairs_with[{s_index}] names unknown SKU {sku}")
    if item.tax_category is not None and item.tax_category not in parsed.taxes.categories:
        raise CatalogFileError(f"{where}.tax_category {item.tax_category} is not in taxes.categories")
    return CatalogItem(
        sku=item.sku, name=item.name, price=Money(item.price, parsed.currency), tax_rate_bp=item.tax_rate_bp,
        station=item.station, prep_seconds=item.prep_seconds,
        modifiers={m.code: Modifier(m.code, m.name, m.price_delta, m.group, m.parent) for m in item.modifiers},
        available=item.available, category=item.category, tax_category=item.tax_category,
        groups={g.code: ModifierGroup(g.code, g.name, g.min, g.max, g.default) for g in item.modifier_groups},
        prices=tuple(PriceRule(p.amount, p.location, p.channel.value if p.channel else None) for p in item.prices),
        parts=tuple(BundlePart(p.sku, p.qty) for p in item.parts), variant_of=item.variant_of,
        variant=dict(item.variant), allergens=tuple(item.allergens), dietary=tuple(item.dietary), image=item.image,
        description=item.description, gtin=item.gtin, serial_tracked=item.serial_tracked, stock_tracked=item.sku in tracked, bin=item.bin,
        pairs_with=tuple(item.pairs_with),
    )


def tax_policy(taxes: dict[str, Any]) -> TaxPolicy:
    """Build the tax policy from the file's `taxes` section."""
    categories = {name: tuple(TaxRate(r["code"], r["name"], r["rate_bp"]) for r in rates)
                  for name, rates in taxes.get("categories", {}).items()}
    return TaxPolicy(taxes.get("inclusive", True), taxes.get("rounding", "line") == "line", categories)


def promotion_from(d: dict[str, Any]) -> Promotion:
    """Build a domain promotion from its stored (validated) definition."""
    windows = tuple(
        Window(frozenset(DAYS.index(day) for day in w["days"]), time.fromisoformat(w["start"]), time.fromisoformat(w["end"]))
        for w in d.get("windows", [])
    )
    return Promotion(
        d["id"], d["name"], d["kind"], d["value"], d.get("scope", "basket"), frozenset(d.get("targets", [])),
        d.get("buy", 0), d.get("get", 0), tuple(frozenset(s["match"]) for s in d.get("slots", [])),
        tuple(s["name"] for s in d.get("slots", [])), d.get("noun", "item"), d.get("min_spend", 0),
        d.get("min_qty", 0), frozenset(d.get("channels", [])), frozenset(d.get("tiers", [])), windows,
        frozenset(d.get("exclude", [])), d.get("stackable", True), d.get("usage_limit"), d.get("active", True),
    )


def _csv_document(path: Path, text: str) -> dict[str, Any]:
    """Turn CSV rows into the JSON document's shape; validation then names `items[i].field`."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("sku", "name", "price", "currency", "station", "prep_seconds") if c not in (reader.fieldnames or [])]
    if missing:
        raise CatalogFileError(f"{path}: line 1: missing column(s) {', '.join(missing)}")
    items, stock, currency = [], [], None
    for row_no, row in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in row.items() if k}
        currency = currency or row.get("currency")
        item: dict[str, Any] = {k: row[k] for k in ("sku", "name", "station") if row.get(k)}
        for key in ("price", "tax_rate_bp", "prep_seconds"):
            if row.get(key):
                item[key] = _int(row[key], path, row_no, key)
        for key in ("tax_category", "category", "gtin", "image", "bin"):
            if row.get(key):
                item[key] = row[key]
        for key in ("allergens", "dietary"):
            if row.get(key):
                item[key] = row[key].split("|")
        for key in ("serial_tracked", "available"):
            if row.get(key):
                item[key] = row[key].lower() in ("1", "true", "yes")
        if row.get("modifiers"):
            item["modifiers"] = [_modifier(m, path, row_no) for m in row["modifiers"].split("|")]
        items.append(item)
        if row.get("on_hand"):
            stock.append({"sku": row.get("sku", ""), "on_hand": _int(row["on_hand"], path, row_no, "on_hand")})
    return {"currency": currency or "", "items": items, "stock": stock}


def _int(value: str, path: Path, row_no: int, key: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise CatalogFileError(f"{path}: line {row_no}, field {key}: {value!r} is not a whole number") from None


def _modifier(cell: str, path: Path, row_no: int) -> dict[str, Any]:
    parts = cell.split(":")
    if len(parts) < 2:
        raise CatalogFileError(f"{path}: line {row_no}, field modifiers: {cell!r} is not CODE:Name[:delta[:group]]")
    modifier: dict[str, Any] = {"code": parts[0], "name": parts[1]}
    if len(parts) > 2 and parts[2]:
        modifier["price_delta"] = _int(parts[2], path, row_no, "modifiers")
    return modifier
