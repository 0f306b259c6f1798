"""What the kiosk and counter pages read under /api/v1: the menu for a channel, and recommendations for a cart."""

from __future__ import annotations

import logging
import re

from flask import Blueprint, current_app, jsonify, request

from hub.adapters.db.bought_together import BoughtTogetherReader
from hub.domain.access import Permission
from hub.domain.catalog import CHANNELS, Catalog, CatalogItem
from hub.domain.recommendations import MIN_TOGETHER, recommend
from hub.entrypoints.web.access import requires
from hub.entrypoints.web.context import current_hub
from hub.entrypoints.web.replies import ApiProblem
from hub.services.commerce import availability_snapshot
from hub.services.commerce_ports import loyalty_program

logger = logging.getLogger(__name__)

blueprint = Blueprint("menu", __name__, url_prefix="/api/v1")


MAX_SUGGESTIONS = 6


LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Z]{2})?")


@blueprint.get("/menu")
@requires(Permission.MENU_READ)
def get_menu():
    """Return the menu for a channel (`?channel=kiosk`): items by category, availability, rewards, page settings."""
    channel = _channel()
    hub = current_hub()
    with hub.uow_factory() as uow:
        catalog = uow.catalog()
        availability = availability_snapshot(uow)
        program = loyalty_program(uow.commerce)
        rewards = uow.commerce.setting("loyalty", {}).get("rewards", [])
    lang = language()
    categories: list[str] = []
    for item in catalog:
        if item.category not in categories:
            categories.append(item.category)
    currency = next((item.price.currency for item in catalog), "EUR")
    frontdesk = hub.frontdesk
    named = {code: catalog.texts.category(code, lang) for code in categories}
    return jsonify({
        "channel": channel, "currency": currency, "tax_inclusive": catalog.taxes.inclusive,
        "lang": lang or catalog.texts.language, "categories": categories,
        "category_names": {code: name for code, name in named.items() if name},
        "items": [item_view(item, catalog, channel, lang) for item in catalog],
        "availability": availability,
        "loyalty": {"point_value": program.point_value, "rewards": named_rewards(rewards, catalog, lang)},
        "settings": {"idle_s": frontdesk.idle_s, "still_there_s": frontdesk.still_there_s,
                     "pay_at_counter": frontdesk.pay_at_counter, "languages": list(frontdesk.languages),
                     "default_language": frontdesk.default_language},
    })


@blueprint.get("/recommendations")
@requires(Permission.MENU_READ)
def get_recommendations():
    """Suggest what goes with a cart (`?skus=A,B&channel=kiosk`): learned from orders, else the catalog's pairings."""
    channel = _channel()
    skus = [s for s in request.args.get("skus", "").split(",") if s]
    try:
        limit = max(0, min(int(request.args.get("limit", "3")), MAX_SUGGESTIONS))
    except ValueError:
        raise ApiProblem(422, "invalid_payload", "limit must be a whole number", "limit") from None
    hub = current_hub()
    with hub.uow_factory() as uow:
        catalog = uow.catalog()
        availability = availability_snapshot(uow)
        known = [sku for sku in skus if catalog.get(sku) is not None]
        # A bundle's order lines are its parts, so learn from (and never suggest) the parts too.
        keys = known + [p.sku for sku in known for p in catalog.get(sku).parts]
        together = _reader().together_with(uow.order_baskets, keys)
    pairs = {item.sku: item.pairs_with for item in catalog}
    chosen = recommend(keys, together, pairs, offered(catalog, availability, channel), limit)
    return jsonify({"skus": known, "items": [
        {**item_view(catalog.get(sku), catalog, channel, language()),
         "why": "learned" if together.get(sku, 0) >= MIN_TOGETHER else "paired"} for sku in chosen]})


def item_view(item: CatalogItem, catalog: Catalog, channel: str, lang: str | None = None) -> dict:
    """Return an item as a page shows it, in its language: its price for the channel, choices, marks and picture."""
    words = catalog.texts
    return {
        "sku": item.sku, "name": words.item_name(item, lang), "description": words.description(item, lang),
        "price": item.unit_amount(catalog.location, channel),
        "category": item.category, "gtin": item.gtin, "image": item.image,
        "dietary": list(item.dietary), "dietary_names": [words.dietary(d, lang) for d in item.dietary],
        "allergens": list(item.allergens), "allergen_names": [words.allergen(a, lang) for a in item.allergens],
        "modifiers": [{"code": m.code, "name": words.modifier_name(item, m.code, m.name, lang), "price_delta": m.price_delta,
                       "group": m.group, "parent": m.parent} for m in item.modifiers.values()],
        "groups": [{"code": g.code, "name": words.group_name(item, g.code, g.name, lang), "min": g.min_choices,
                    "max": g.max_choices, "default": g.default} for g in item.groups.values()],
        "parts": [{"sku": p.sku, "qty": p.qty, "name": words.item_name(catalog.get(p.sku), lang)} for p in item.parts],
        "variant_of": item.variant_of, "variant": dict(item.variant),
    }


def offered(catalog: Catalog, availability: dict, channel: str) -> set[str]:
    """Return the SKUs a channel may sell now: not sold out, and units left for that channel."""
    out = set(availability["sold_out"])
    out |= {sku for sku, left in availability["stock"].items() if left.get(channel, 1) <= 0}
    return {item.sku for item in catalog if item.available and item.sku not in out
            and not any(part.sku in out for part in item.parts)}


def language() -> str | None:
    """Return the language a page asks its catalog words in (`?lang=de`), or None for the catalog's own."""
    lang = request.args.get("lang", "")
    return lang if LANGUAGE.fullmatch(lang) else None


def _channel() -> str:
    """Return the sales channel a page asks for (`?channel=`, the kiosk by default), or raise the 422 naming it."""
    channel = request.args.get("channel", "kiosk")
    if channel not in CHANNELS:
        raise ApiProblem(422, "invalid_payload", f"channel must be one of {', '.join(CHANNELS)}, got {channel!r}",
                         "channel")
    return channel


def named_rewards(rewards: list[dict], catalog: Catalog, lang: str | None) -> list[dict]:
    """Return the loyalty rewards with their names in the page's language."""
    return [{**r, "name": catalog.texts.reward(r["code"], r["name"], lang)} for r in rewards]


def _reader() -> BoughtTogetherReader:
    reader = current_app.extensions.get("passline_bought_together")
    if reader is None:
        reader = current_app.extensions["passline_bought_together"] = BoughtTogetherReader()
    return reader
