"""What the kiosk and counter pages read: the menu for a channel, recommendations, loyalty sign-in."""

from __future__ import annotations

import logging
import re

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import select

from hub.adapters.db import commerce_tables as ct
from hub.adapters.db.bought_together import BoughtTogetherReader
from hub.domain.catalog import CHANNELS, Catalog, CatalogItem
from hub.domain.recommendations import MIN_TOGETHER, recommend
from hub.entrypoints.web.context import current_hub
from hub.entrypoints.web.replies import error as _error
from hub.services.commerce import availability_snapshot
from hub.services.commerce_ports import loyalty_program
from hub.domain.access import Permission
from hub.domain.loyalty import member_proof
from hub.entrypoints.web.access import requires

logger = logging.getLogger(__name__)

blueprint = Blueprint("menu_api", __name__, url_prefix="/api/v1")

MAX_SUGGESTIONS = 6


def _channel() -> tuple[str | None, tuple | None]:
    channel = request.args.get("channel", "kiosk")
    if channel not in CHANNELS:
        return None, _error(422, "invalid_payload", f"channel must be one of {', '.join(CHANNELS)}, got {channel!r}", "channel")
    return channel, None


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


LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Z]{2})?")


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


@blueprint.get("/menu")
@requires(Permission.MENU_READ)
def get_menu():
    """Return the menu for a channel (`?channel=kiosk`): items by category, availability, rewards, page settings."""
    channel, error = _channel()
    if error:
        return error
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
        "loyalty": {"point_value": program.point_value, "rewards": _named_rewards(rewards, catalog, lang)},
        "settings": {"idle_s": frontdesk.idle_s, "still_there_s": frontdesk.still_there_s,
                     "pay_at_counter": frontdesk.pay_at_counter, "languages": list(frontdesk.languages),
                     "default_language": frontdesk.default_language},
    })


def _named_rewards(rewards: list[dict], catalog: Catalog, lang: str | None) -> list[dict]:
    return [{**r, "name": catalog.texts.reward(r["code"], r["name"], lang)} for r in rewards]


def _reader() -> BoughtTogetherReader:
    reader = current_app.extensions.get("passline_bought_together")
    if reader is None:
        reader = current_app.extensions["passline_bought_together"] = BoughtTogetherReader(current_hub().engine)
    return reader


@blueprint.get("/recommendations")
@requires(Permission.MENU_READ)
def get_recommendations():
    """Suggest what goes with a cart (`?skus=A,B&channel=kiosk`): learned from orders, else the catalog's pairings."""
    channel, error = _channel()
    if error:
        return error
    skus = [s for s in request.args.get("skus", "").split(",") if s]
    try:
        limit = max(0, min(int(request.args.get("limit", "3")), MAX_SUGGESTIONS))
    except ValueError:
        return _error(422, "invalid_payload", "limit must be a whole number", "limit")
    hub = current_hub()
    with hub.uow_factory() as uow:
        catalog = uow.catalog()
        availability = availability_snapshot(uow)
    known = [sku for sku in skus if catalog.get(sku) is not None]
    # A bundle's order lines are its parts, so learn from (and never suggest) the parts too.
    keys = known + [p.sku for sku in known for p in catalog.get(sku).parts]
    pairs = {item.sku: item.pairs_with for item in catalog}
    together = _reader().together_with(keys)
    chosen = recommend(keys, together, pairs, offered(catalog, availability, channel), limit)
    return jsonify({"skus": known, "items": [
        {**item_view(catalog.get(sku), catalog, channel, language()),
         "why": "learned" if together.get(sku, 0) >= MIN_TOGETHER else "paired"} for sku in chosen]})


DIGITS = re.compile(r"\D+")


def _rewards(rewards: list[dict], points: int, point_value: int) -> list[dict]:
    return [{**r, "value": r["points"] * point_value, "redeemable": points >= r["points"]}
            for r in sorted(rewards, key=lambda r: r["points"])]


def _member_by_phone(engine, typed: str) -> tuple[str | None, int]:
    """Return the member id whose phone matches (the last 9 digits, so 0170... finds +49 170...) and how many did."""
    digits = DIGITS.sub("", typed)
    if len(digits) < 6:
        return None, 0
    tail = digits[-9:]
    with engine.connect() as connection:
        rows = connection.execute(select(ct.loyalty_members.c.member_id, ct.loyalty_members.c.phone)
                                  .where(ct.loyalty_members.c.phone.like(f"%{digits[-6:]}"))).all()
    found = [member_id for member_id, phone in rows if DIGITS.sub("", phone)[-9:] == tail]
    return (found[0] if len(found) == 1 else None), len(found)


@blueprint.get("/loyalty/find")
@requires(Permission.MEMBER_SIGN_IN)
def find_member():
    """Sign a member in by card code (`?member_id=`) or phone (`?phone=`): name, points and the rewards they can redeem."""
    member_id = request.args.get("member_id", "").strip()
    phone = request.args.get("phone", "").strip()
    if not member_id and not phone:
        return _error(422, "invalid_payload", "give member_id (the code on the member's card) or phone", "member_id")
    hub = current_hub()
    by_card = bool(member_id)
    if phone and not member_id:
        member_id, matches = _member_by_phone(hub.engine, phone)
        if matches > 1:
            return _error(409, "ambiguous", "several members have this phone number: scan the member card instead", "phone")
        if member_id is None:
            return _error(404, "not_found", "no loyalty member has this phone number", "phone")
    with hub.uow_factory() as uow:
        member = uow.commerce.member(member_id)
        program = loyalty_program(uow.commerce)
        rewards = _named_rewards(uow.commerce.setting("loyalty", {}).get("rewards", []), uow.catalog(), language())
    if member is None:
        return _error(404, "not_found", f"no loyalty member {member_id}", "member_id")
    found = {"member_id": member.member_id, "name": member.name, "tier": member.tier, "points": member.points,
             "rewards": _rewards(rewards, member.points, program.point_value)}
    if by_card:  # the card in the customer's hand proves they may spend its points; a typed phone number does not
        found["member_proof"] = member_proof(hub.frontdesk.member_secret, member.member_id)
    return jsonify(found)
