"""What each display shows of an order: a kitchen card, an expo row, a board number."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from hub.domain.catalog import Catalog
from hub.domain.moments import iso_time
from hub.domain.orders import Order, OrderStatus, Ticket, TicketStatus
from hub.domain.queueing import queue_key

EXPO = "expo"
BOARD = "board"
# Until the catalog carries allergens, a line is marked when its note or a modifier says so.
ALLERGY_WORDS = ("allerg", "gluten", "gf-", "nut", "lactose", "dairy-free", "coeliac", "celiac", "vegan")


def kds_view(station: str) -> str:
    """Return the view name of a station's kitchen display."""
    return f"kds:{station}"


def views_for(order: Order) -> list[str]:
    """Return every view an order can appear on."""
    return [*(kds_view(t.station) for t in order.tickets), EXPO, BOARD]


def valid_view(view: str) -> bool:
    """Say whether a view name is one displays can join."""
    kind, _, station = view.partition(":")
    return view in (EXPO, BOARD) or (kind == "kds" and bool(station) and len(station) <= 64)


def rank(order: Order) -> list[str]:
    """Return the order's place in the queue, sortable as strings."""
    at, _ = queue_key(order.deadline, order.rush, 0)
    return [_iso(at), _iso(order.received_at), order.number]


Shelf = Mapping[str, Mapping[str, Any]]  # sku -> {"bin", "gtin", "modifiers": {code: name}}


def shelf_of(catalog: Catalog, order: Order) -> dict[str, dict[str, Any]]:
    """Return what the catalog adds to the order's lines on a screen: bin and barcode for pick lists, and the
    names of the modifiers (the kitchen reads "Oat milk", as the printed ticket says, not the code OAT)."""
    shelf = {}
    for line in order.lines:
        item = catalog.get(line.sku)
        if item is not None:
            names = {code: item.modifiers[code].name for code in line.modifiers if code in item.modifiers}
            shelf[line.sku] = {"bin": item.bin, "gtin": item.gtin, "modifiers": names}
    return shelf


def catalog_words(catalog: Catalog, lang: str) -> dict[str, dict[str, Any]]:
    """Return the names a display shows in a language: items and their modifiers by SKU, and by the catalog's own
    name for the words that reach the screens as text (what a short pick changed).

    Orders keep the catalog's own names, so a German screen looks each line up here by its SKU."""
    items: dict[str, str] = {}
    modifiers: dict[str, dict[str, str]] = {}
    names: dict[str, str] = {}
    for item in catalog:
        items[item.sku] = names[item.name] = catalog.texts.item_name(item, lang)
        modifiers[item.sku] = {code: catalog.texts.modifier_name(item, code, modifier.name, lang)
                               for code, modifier in item.modifiers.items()}
    return {"items": items, "modifiers": modifiers, "names": names}


def stations_of(catalog: Catalog, stations: Iterable[str] = (), zones: Iterable[str] = ()) -> tuple[list[str], list[str]]:
    """Return the kitchen stations and pick zones: those the catalog sends items to, plus any configured ones.

    A station whose items have shelf bins is a pick zone; the rest are kitchen stations.
    """
    kitchen, picking = set(stations), set(zones)
    for item in catalog:
        (picking if item.bin else kitchen).add(item.station)
    return sorted(kitchen - picking), sorted(picking)


def card(order: Order, view: str, shelf: Shelf | None = None) -> dict[str, Any] | None:
    """Return what a view shows of an order, or None when the order is not on it."""
    if view == EXPO:
        return _expo_row(order)
    if view == BOARD:
        return _board_entry(order)
    station = view.partition(":")[2]
    for ticket in order.tickets:
        if ticket.station == station:
            return _kds_card(order, ticket, shelf or {})
    return None


def _kds_card(order: Order, ticket: Ticket, shelf: Shelf) -> dict[str, Any] | None:
    cancelled = ticket.status is TicketStatus.CANCELLED
    lines = [(no, line) for no, line in enumerate(order.lines) if line.station == ticket.station]
    # Shelf items are picked, then packed: a packed ticket stays on its pick list until handed over.
    pick = any(shelf.get(line.sku, {}).get("bin") for _, line in lines)
    if (ticket.status is TicketStatus.DONE and not pick) or (cancelled and ticket.dismissed):
        return None
    if not cancelled and order.status not in (OrderStatus.ACCEPTED, OrderStatus.IN_PROGRESS, OrderStatus.READY):
        return None
    prep = max((line.prep_seconds for line in order.lines if line.station == ticket.station), default=0)
    items = []
    for line_no, line in enumerate(order.lines):
        if line.station != ticket.station:
            continue
        names = shelf.get(line.sku, {}).get("modifiers", {})
        words = " ".join([line.note or "", *line.modifiers, *names.values()]).lower()
        items.append({
            "line_no": line_no,
            "sku": line.sku,
            "name": line.name,
            "qty": line.qty,
            "modifiers": [names.get(code, code) for code in line.modifiers],
            "modifier_codes": list(line.modifiers),  # for the names in the display's language
            "note": line.note,
            "allergy": any(word in words for word in ALLERGY_WORDS),
            "bumped": line_no in ticket.bumped_lines,
            "start_after_s": prep - line.prep_seconds,  # long-prep items first, so all finish together
            "prep_s": line.prep_seconds,
            "picked": ticket.bumped_lines.count(line_no),
            "bin": shelf.get(line.sku, {}).get("bin"),
            "gtin": shelf.get(line.sku, {}).get("gtin"),
            "total": line.total.amount,
        })
    return {
        "order_id": order.order_id,
        "ticket_id": ticket.ticket_id,
        "number": order.number,
        "origin": order.origin,
        "fulfilment": order.fulfilment,
        "promised_at": _iso(order.promised_at),
        "deadline": _iso(order.deadline),
        "rank": rank(order),
        "rush": order.rush,
        "status": ticket.status.value,
        "cancelled": cancelled,
        "held": ticket.held,
        "fire_at": _iso(ticket.fire_at),
        "fired_at": _iso(ticket.fired_at),
        "accepted_at": _iso(ticket.accepted_at or order.received_at),
        "version": ticket.version,
        "prep_s": prep,
        "items": items,
        "pick": pick,
        "order_status": order.status.value,
        "total": {"amount": order.total.amount, "currency": order.total.currency},
        "changes": order.changes,
    }


def _expo_row(order: Order) -> dict[str, Any] | None:
    if order.status not in (OrderStatus.ACCEPTED, OrderStatus.IN_PROGRESS, OrderStatus.READY):
        return None
    stations = [
        {"station": t.station, "ticket_id": t.ticket_id, "status": t.status.value, "held": t.held, "version": t.version}
        for t in order.tickets
    ]
    return {
        "order_id": order.order_id,
        "number": order.number,
        "origin": order.origin,
        "fulfilment": order.fulfilment,
        "status": order.status.value,
        "rank": rank(order),
        "rush": order.rush,
        "promised_at": _iso(order.promised_at),
        "accepted_at": _iso(order.received_at),
        "stations": stations,
        "all_done": all(t.status in (TicketStatus.DONE, TicketStatus.CANCELLED) for t in order.tickets),
        "changes": order.changes,
    }


def _board_entry(order: Order) -> dict[str, Any] | None:
    if order.status in (OrderStatus.ACCEPTED, OrderStatus.IN_PROGRESS):
        state = "preparing"
    elif order.status is OrderStatus.READY:
        state = "ready"
    else:
        return None
    # The board lists the newest first: a ready number by when its last station finished (the order keeps no
    # time of its own for ready), a preparing one by when it came in.
    done = [t.done_at for t in order.tickets if t.done_at is not None]
    since = max(done) if state == "ready" and done else order.received_at
    return {"order_id": order.order_id, "number": order.number, "state": state, "rank": rank(order), "since": _iso(since)}


def _iso(value) -> str | None:
    return iso_time(value, utc_as_z=False)  # the cards have always said +00:00; screens sort `rank` as text
