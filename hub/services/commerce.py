"""Sales: price an order with the one engine, reserve its stock, and follow it to completion."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from hub.domain.catalog import CHANNELS, Catalog
from hub.domain.errors import Unavailable
from hub.domain.loyalty import Member
from hub.domain.order_messages import LineRequest, ManualDiscount, OrderStatusChanged
from hub.domain.orders import Order
from hub.domain.pricing import REWARD_ID, PricedBasket, PricingRequest, is_promotion, price_basket
from hub.domain.stock import AvailabilityChanged, StockChanged, StockLevel
from hub.services.commerce_ports import loyalty_program
from hub.services.ports import UnitOfWork

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Sale:
    """An order priced and checked against stock, not yet written."""

    catalog: Catalog
    priced: PricedBasket
    needs: dict[str, int]  # stock-tracked SKU -> units, bundles counted by their parts
    member: Member | None = None
    point_value: int = 1


def prepare_sale(
    uow: UnitOfWork, lines: Sequence[LineRequest], origin: str, now: datetime, tz: ZoneInfo,
    loyalty_id: str | None = None, tax_exempt: bool = False, reward_points: int = 0,
    discounts: Sequence[ManualDiscount] = (), discount_limit_percent: int | None = None,
) -> Sale:
    """Price lines and check stock; writes nothing, refuses naming the line."""
    repo = uow.commerce
    catalog = uow.catalog().with_sold_out(repo.sold_out())
    promotions, uses = repo.promotions()
    member = repo.member(loyalty_id) if loyalty_id else None
    point_value = loyalty_program(repo).point_value if member and reward_points else 1
    reward = min(reward_points, member.points) * point_value if member and reward_points else 0
    request = _request(origin, now, tz, member, tax_exempt, promotions, uses, reward)
    if discounts:
        request = replace(request, manual=tuple(discounts), discount_limit_percent=discount_limit_percent)
    priced = price_basket(catalog, lines, request)
    needs, first_line = _needs(catalog, priced)
    if needs:
        levels = repo.stock(needs)
        safety = repo.setting("safety_stock", {}).get(priced.channel, 0)
        for sku, qty in needs.items():
            level = levels.get((sku, _location(catalog)))
            if level is None:
                continue
            left = level.available(safety)
            if qty > left:
                where = f"lines[{first_line[sku]}].sku"
                name = catalog.get(sku).name
                detail = "is sold out" if left == 0 else f"has only {left} left"
                raise Unavailable(f"{where}: {name} ({sku}) {detail}", where)
    return Sale(catalog, priced, needs, member, max(point_value, 1))


def _request(origin: str, when: datetime, tz: ZoneInfo, member: Member | None, tax_exempt: bool,
             promotions: Sequence, uses: dict[str, int], reward: int) -> PricingRequest:
    """Build what the pricing engine needs; intake and a changed order's repricing share it."""
    return PricingRequest(origin, when.astimezone(tz), member.tier if member else None, tax_exempt,
                          promotions, uses, reward)


def reprice(uow: UnitOfWork, order: Order, lines: Sequence[LineRequest], tz: ZoneInfo) -> tuple[Catalog, PricedBasket]:
    """Price an accepted order's changed lines with the one engine, as at its arrival; adjust promotion uses."""
    repo = uow.commerce
    catalog = uow.catalog()
    before = order.pricing or {}
    used_before = {d["promotion"] for d in before.get("discounts", []) if is_promotion(d["promotion"])}
    reward = sum(d["amount"]["amount"] for d in before.get("discounts", []) if d["promotion"] == REWARD_ID)
    promotions, uses = repo.promotions()
    # This order's own use must not count against a promotion's limit when it is priced again.
    uses = {promo: count - (promo in used_before) for promo, count in uses.items()}
    member = repo.member(order.loyalty_id) if order.loyalty_id else None
    request = _request(order.origin, order.received_at, tz, member, before.get("tax_exempt", False), promotions, uses, reward)
    manual = kept_discounts(before, lines)
    if manual:
        request = replace(request, manual=manual)
    priced = price_basket(catalog, lines, request)
    used_after = {d.promo_id for d in priced.discounts if is_promotion(d.promo_id)}
    repo.count_uses(sorted(used_before - used_after), -1)
    repo.count_uses(sorted(used_after - used_before), 1)
    return catalog, priced


def kept_discounts(before: dict, lines: Sequence[LineRequest]) -> tuple[ManualDiscount, ...]:
    """Return an order's discounts by hand for its changed lines: a line's follows its item, or goes with it."""
    old_lines = before.get("lines", [])
    kept = []
    for d in before.get("discounts", []):
        if "reason" not in d:
            continue
        line = d.get("line")
        if line is not None:
            # Lines may have moved (a short pick removed one): find the same item again, else drop its discount.
            old = old_lines[line] if line < len(old_lines) else None
            line = next((i for i, ln in enumerate(lines) if old and ln.sku == old["sku"]), None)
            if line is None:
                continue
        # Already approved: keep what was given (a percent as asked, an amount as it was taken off).
        kept.append(ManualDiscount(d["reason"], line, d.get("percent"), None if d.get("percent") else d["amount"]["amount"]))
    return tuple(kept)


def held_for(uow: UnitOfWork, order_id: str, sku: str, location: str) -> int:
    """Return how many units of a SKU an order still holds reserved at a location."""
    sign = {"reserve": 1, "release": -1, "consume": -1}
    return sum(sign.get(m["kind"], 0) * m["qty"] for m in uow.commerce.moves_for(order_id)
               if m["sku"] == sku and m["location"] == location)


def release_units(uow: UnitOfWork, catalog: Catalog, sku: str, qty: int, order_id: str, now: datetime) -> int:
    """Give back units an order held but will not sell (serials back in stock); return how many."""
    item = catalog.get(sku)
    location = _location(catalog)
    level = uow.commerce.stock([sku]).get((sku, location)) if item and item.stock_tracked else None
    qty = min(qty, held_for(uow, order_id, sku, location)) if level else 0
    if qty <= 0:
        return 0
    level.release(qty)
    uow.commerce.save_stock(level)
    serials = None
    if item.serial_tracked:
        serials = uow.commerce.serials(sku, location, "reserved", order_id=order_id)[-qty:] or None
        if serials:
            uow.commerce.set_serials(sku, serials, "in_stock", None)
    uow.commerce.add_move(sku, location, "release", qty, order_id, serials, now)
    uow.raise_event(StockChanged((sku,)))
    return qty


def ensure_reservable(uow: UnitOfWork, catalog: Catalog, sku: str, qty: int, channel: str) -> StockLevel | None:
    """Refuse, before anything is written, units the channel may not sell; return the stock level (None: untracked)."""
    item = catalog.get(sku)
    location = _location(catalog)
    level = uow.commerce.stock([sku]).get((sku, location)) if item and item.stock_tracked else None
    if level is None:
        return None
    left = level.available(uow.commerce.setting("safety_stock", {}).get(channel, 0))
    if qty > left:
        raise Unavailable(f"substitute: {item.name} ({sku}) " + ("is sold out" if left == 0 else f"has only {left} left"),
                          "substitute")
    return level


def reserve_units(uow: UnitOfWork, catalog: Catalog, sku: str, qty: int, order_id: str, channel: str,
                  now: datetime) -> None:
    """Hold units for a line added to an accepted order, refusing when the channel may not sell that many."""
    item = catalog.get(sku)
    location = _location(catalog)
    level = ensure_reservable(uow, catalog, sku, qty, channel)
    if level is None:
        return
    level.reserve(qty)
    uow.commerce.save_stock(level)
    serials = None
    if item.serial_tracked:
        serials = uow.commerce.serials(sku, location, "in_stock", limit=qty)
        uow.commerce.set_serials(sku, serials, "reserved", order_id)
    uow.commerce.add_move(sku, location, "reserve", qty, order_id, serials, now)
    uow.raise_event(StockChanged((sku,)))


def _location(catalog: Catalog) -> str:
    return catalog.location or "store"


def _needs(catalog: Catalog, priced: PricedBasket) -> tuple[dict[str, int], dict[str, int]]:
    needs: dict[str, int] = {}
    first_line: dict[str, int] = {}
    for line in priced.lines:
        parts = [(p.sku, p.qty) for p in line.item.parts] or [(line.item.sku, 1)]
        for sku, qty in parts:
            if catalog.get(sku).stock_tracked:
                needs[sku] = needs.get(sku, 0) + qty * line.qty
                first_line.setdefault(sku, line.index)
    return needs, first_line


def commit_sale(uow: UnitOfWork, sale: Sale, order_id: str, now: datetime) -> None:
    """Reserve the stock an accepted order needs and count its promotions' uses."""
    repo = uow.commerce
    location = _location(sale.catalog)
    if sale.needs:
        levels = repo.stock(sale.needs)
        for sku, qty in sale.needs.items():
            level = levels.get((sku, location))
            if level is None:
                continue
            level.reserve(qty)
            repo.save_stock(level)
            serials = None
            if sale.catalog.get(sku).serial_tracked:
                serials = repo.serials(sku, location, "in_stock", limit=qty)
                repo.set_serials(sku, serials, "reserved", order_id)
            repo.add_move(sku, location, "reserve", qty, order_id, serials, now)
        uow.raise_event(StockChanged(tuple(sale.needs)))
    used = [d.promo_id for d in sale.priced.discounts if is_promotion(d.promo_id)]
    if used:
        repo.count_uses(used, 1)
    reward = sum(d.amount for d in sale.priced.discounts if d.promo_id == REWARD_ID)
    if reward and sale.member is not None:
        points = -(-reward // sale.point_value)
        sale.member.points -= points
        repo.save_member(sale.member, order_id, "redeem", -points, now)


def settle_stock(event: OrderStatusChanged, uow: UnitOfWork, clock: Callable[[], datetime]) -> None:
    """Release a cancelled order's stock, consume a completed order's."""
    if event.current not in ("cancelled", "completed"):
        return
    repo = uow.commerce
    held: dict[tuple[str, str], int] = {}
    for move in repo.moves_for(event.order_id):
        key = (move["sku"], move["location"])
        sign = {"reserve": 1, "release": -1, "consume": -1}.get(move["kind"], 0)
        held[key] = held.get(key, 0) + sign * move["qty"]
    changed = []
    levels = repo.stock([sku for sku, _ in held])
    for (sku, location), qty in held.items():
        level = levels.get((sku, location))
        if qty <= 0 or level is None:
            continue
        kind = "release" if event.current == "cancelled" else "consume"
        level.release(qty) if kind == "release" else level.consume(qty)
        repo.save_stock(level)
        serials = repo.serials(sku, location, "reserved", order_id=event.order_id) or None
        if serials:
            repo.set_serials(sku, serials, "in_stock" if kind == "release" else "sold",
                             None if kind == "release" else event.order_id)
        repo.add_move(sku, location, kind, qty, event.order_id, serials, clock())
        changed.append(sku)
    if event.current == "cancelled":
        order = uow.orders.get(event.order_id)
        used = [d["promotion"] for d in (order.pricing or {}).get("discounts", [])] if order else []
        if used:
            repo.count_uses(used, -1)
    if changed:
        uow.raise_event(StockChanged(tuple(changed)))


def availability_snapshot(uow: UnitOfWork) -> dict:
    """Return what is sold out and what each channel may still sell of every tracked item."""
    repo = uow.commerce
    catalog = uow.catalog()
    safety = repo.setting("safety_stock", {})
    manual = repo.sold_out()
    stock: dict[str, dict[str, int]] = {}
    for (sku, location), level in sorted(repo.stock().items()):
        if location != _location(catalog) or catalog.get(sku) is None:
            continue
        stock[sku] = {channel: level.available(safety.get(channel, 0)) for channel in CHANNELS}
    empty = {sku for sku, channels in stock.items() if channels["counter"] == 0}
    unavailable = {item.sku for item in catalog if not item.available}
    bundles_out = {item.sku for item in catalog if any(p.sku in manual | empty for p in item.parts)}
    return {
        "sold_out": sorted(manual | empty | unavailable | bundles_out),
        "by_hand": sorted(manual),
        "stock": stock,
    }


def refresh_availability(event: StockChanged, uow: UnitOfWork) -> None:
    """Compute availability inside the transaction that changed it."""
    uow.raise_event(AvailabilityChanged(availability_snapshot(uow)))


def publish_availability(event: AvailabilityChanged, broadcast: Callable[..., None], notify: Callable[..., None]) -> None:
    """Send availability to every device at once, retained for those that connect later, and to live pages (kiosks)."""
    broadcast("availability", event.data, retain=True)
    notify("availability", event.data)
