"""Turn headquarters' objects (as pulled) into the hub's catalog file, so one import path serves both.

HQ's shapes are in docs/cloud-api.md; the hub's in hub/contracts/catalog.py. docs/cloud.md
("For the hub's link") lists the differences this bridges: an item with variants is one hub
item per variant, prices are separate objects, words come per language, tax rates come per
jurisdiction, and promotions carry dates.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

DEFAULT_TIER = "member"  # HQ allows members without a tier; the hub needs one
Objects = dict[str, dict[str, dict]]  # kind -> key -> HQ's object


def words(texts: dict[str, str] | None, language: str) -> str | None:
    """Return the words in the store's language, else in the first language given."""
    if not texts:
        return None
    return texts.get(language) or texts.get(language.split("-")[0]) or next(iter(texts.values()))


def _price_of(prices: list[dict], store: str) -> tuple[dict | None, list[dict]]:
    """Return (base price, the other prices as the hub lists them) for this store."""
    mine = [p for p in prices if p.get("store") in (None, store)]
    base = next((p for p in mine if p.get("store") == store and p.get("channel") is None), None) \
        or next((p for p in mine if p.get("store") is None and p.get("channel") is None), None)
    others = [{"amount": p["price"]["amount"], "location": p.get("store"), "channel": p["channel"]}
              for p in mine if p.get("channel") is not None]
    return base, others


def catalog_document(objects: Objects, store: str, language: str, now: datetime,
                     loyalty_settings: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """Return the hub's catalog file for this store, or None while HQ has sent nothing that can be sold."""
    prices: dict[str, list[dict]] = {}
    for price in objects.get("price", {}).values():
        prices.setdefault(price["sku"], []).append(price)
    rates = {tax["tax_code"]: tax for tax in objects.get("tax", {}).values()}
    groups = objects.get("modifier_group", {})
    texts: dict[str, dict] = {}
    items: list[dict] = []
    currency = None

    def add(sku: str, names: dict, fields: dict, tax_code: str) -> None:
        nonlocal currency
        base, others = _price_of(prices.get(sku, []), store)
        if base is None or tax_code not in rates:
            return  # not sold here (yet): no price for this store, or no tax rate in its jurisdiction
        currency = currency or base["price"]["currency"]
        items.append({"sku": sku, "name": words(names, language), "price": base["price"]["amount"],
                      "tax_category": tax_code, "prices": others, **fields})
        for lang, name in names.items():
            if lang != language:
                texts.setdefault(lang, {"items": {}})["items"].setdefault(sku, {})["name"] = name

    for item in objects.get("item", {}).values():
        fields = _item_fields(item, groups, language)
        if item.get("variants"):
            for variant in item["variants"]:
                add(variant["sku"], variant["names"], {**fields, "variant_of": item["sku"],
                                                       "variant": variant.get("variant", {})}, item["tax_code"])
        else:
            add(item["sku"], item["names"], fields, item["tax_code"])
    by_sku = {item["sku"]: item for item in items}
    for bundle in objects.get("bundle", {}).values():
        parts = [part for part in bundle["parts"] if part["sku"] in by_sku]
        if len(parts) != len(bundle["parts"]):
            continue  # a part is not sold here
        first = by_sku[parts[0]["sku"]]
        add(bundle["sku"], bundle["names"], {"category": bundle["category"], "station": first["station"],
                                             "prep_seconds": 0, "parts": parts}, first["tax_category"])
    if not items:
        return None
    used_groups = {group for item in objects.get("item", {}).values() for group in item.get("modifier_groups", [])}
    for code in used_groups & set(groups):
        for lang, name in groups[code]["names"].items():
            if lang != language:
                texts.setdefault(lang, {"items": {}}).setdefault("groups", {})[code] = name
        for modifier in groups[code]["modifiers"]:
            for lang, name in modifier["names"].items():
                if lang != language:
                    texts.setdefault(lang, {"items": {}}).setdefault("modifiers", {})[modifier["code"]] = name
    for category in objects.get("category", {}).values():
        for lang, name in category["names"].items():
            texts.setdefault(lang, {"items": {}}).setdefault("categories", {})[category["code"]] = name
    inclusive = all(tax.get("inclusive", True) for tax in rates.values())
    promotions = [promo["rule"] for promo in objects.get("promotion", {}).values()
                  if datetime.fromisoformat(promo["starts_at"]) <= now < datetime.fromisoformat(promo["ends_at"])]
    tiers = [{"code": tier["code"], "name": words(tier["names"], language)[:60], "multiplier_bp": tier["multiplier_bp"]}
             for tier in sorted(objects.get("tier", {}).values(), key=lambda t: t["threshold"])]
    loyalty = {k: v for k, v in (loyalty_settings or {}).items() if k in ("points_per_unit", "point_value", "rewards")}
    if not tiers:
        tiers = [{"code": DEFAULT_TIER, "name": "Member"}]
    return {
        "currency": currency, "language": language, "texts": texts,
        "taxes": {"inclusive": inclusive, "categories": {
            code: [{"code": code, "name": code, "rate_bp": tax["rate_bp"]}] for code, tax in rates.items()}},
        "items": items,
        "promotions": [p for p in promotions if _targets_known(p, by_sku)],
        "loyalty": {**loyalty, "tiers": tiers},
    }


def _targets_known(promotion: dict, items: dict[str, dict]) -> bool:
    """Say whether an item promotion names only items sold here (the hub refuses a file that names others)."""
    return promotion.get("scope") != "item" or all(sku in items for sku in promotion.get("targets", []))


def _item_fields(item: dict, groups: dict[str, dict], language: str) -> dict[str, Any]:
    """Return the hub item's fields that do not depend on the variant."""
    modifiers, hub_groups = [], []
    for code in item.get("modifier_groups", []):
        group = groups.get(code)
        if group is None:
            continue
        hub_groups.append({"code": code, "name": words(group["names"], language), "min": group["min_choices"],
                           "max": group["max_choices"], "default": group.get("default")})
        modifiers += [{"code": m["code"], "name": words(m["names"], language), "price_delta": m["price_delta"],
                       "group": code, "parent": m.get("parent")} for m in group["modifiers"]]
    description = words(item.get("descriptions"), language)
    images = item.get("images") or []
    return {
        "category": item["category"], "station": item["station"], "prep_seconds": item["prep_seconds"],
        "modifiers": modifiers, "modifier_groups": hub_groups, "allergens": item.get("allergens", []),
        "dietary": item.get("dietary", []), "gtin": item.get("gtin"), "serial_tracked": item.get("serial_tracked", False),
        **({"description": description[:500]} if description else {}),
        **({"image": images[0]["url"][:500]} if images else {}),
    }
