"""Pick-pack for shelf items: pick units by scan or tap, short-pick (remove or substitute), pack."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from hub.domain.catalog import Catalog, CatalogItem
from hub.domain.order_messages import LineRequest
from hub.domain.kitchen import (ActionRefused, KitchenSettings, _changed, _fire_if_waiting, _refuse_unless_open,
                                bump, check_version, follow, station_lines)
from hub.domain.kitchen_messages import OrderChanged
from hub.domain.orders import Order, OrderLine, Ticket, TicketStatus

REMEDIES = ("remove", "substitute")
_WORKING = (TicketStatus.FIRED, TicketStatus.STARTED)


def bin_key(bin_code: str | None) -> tuple:
    """Return a walking-order sort key: numbers inside a bin compare as numbers (A-2 before A-10); no bin last."""
    if not bin_code:
        return (1, ())
    return (0, tuple((0, int(p), "") if p.isdigit() else (1, 0, p.upper()) for p in re.findall(r"\d+|\D+", bin_code)))


def picked(ticket: Ticket, line_no: int) -> int:
    """Return how many units of a line are picked (each pick adds the line number once)."""
    return ticket.bumped_lines.count(line_no)


def _line(order: Order, ticket: Ticket, line_no: int) -> OrderLine:
    if line_no not in station_lines(order, ticket.station):
        raise ActionRefused(f"order {order.number} has no line {line_no} at {ticket.station}; look again", "line_no",
                            words=("no_line", {"number": order.number, "station": ticket.station}))
    return order.lines[line_no]


def _line_words(order: Order, line: OrderLine) -> dict:
    return {"number": order.number, "qty": line.qty, "name": line.name}


def _working(order: Order, ticket: Ticket, now: datetime, what: str, words_key: str) -> None:
    _refuse_unless_open(order)
    _fire_if_waiting(order, ticket, now)
    if ticket.status not in _WORKING:
        state = "packed" if ticket.status is TicketStatus.DONE else ticket.status.value
        raise ActionRefused(f"order {order.number} at {ticket.station} is {state}; nothing to {what}", "ticket_id",
                            words=(words_key, {"number": order.number, "station": ticket.station, "status": state}))


def pick(order: Order, ticket: Ticket, line_no: int, sku: str | None, now: datetime, settings: KitchenSettings) -> None:
    """Take one unit of a line: a line of quantity 2 needs two picks."""
    line = _line(order, ticket, line_no)
    if sku is not None and line.sku != sku:
        raise ActionRefused(f"order {order.number} changed meanwhile: line {line_no} is now {line.name}; look again", "sku",
                            words=("changed_line", {"number": order.number, "name": line.name}))
    _working(order, ticket, now, "pick", "cannot_pick")
    if picked(ticket, line_no) >= line.qty:
        raise ActionRefused(f"all {line.qty}× {line.name} of order {order.number} are picked already", "line_no",
                            words=("picked_already", _line_words(order, line)))
    ticket.bumped_lines = tuple(sorted((*ticket.bumped_lines, line_no)))
    if ticket.status is TicketStatus.FIRED:
        ticket.move_to(TicketStatus.STARTED)
        ticket.started_at = now
    else:
        ticket.version += 1
    _changed(order, ticket, "picked")
    follow(order, settings)


def pack(order: Order, ticket: Ticket, now: datetime, settings: KitchenSettings) -> None:
    """Close a pick ticket once every unit is picked (or short-picked away)."""
    _working(order, ticket, now, "pack", "cannot_pack")
    for no in station_lines(order, ticket.station):
        left = order.lines[no].qty - picked(ticket, no)
        if left > 0:
            raise ActionRefused(f"order {order.number}: {left}× {order.lines[no].name} not picked yet; "
                                "pick it or mark it short", "ticket_id",
                                words=("not_picked", {"number": order.number, "qty": left, "name": order.lines[no].name}))
    bump(order, ticket, now, settings)


@dataclass(frozen=True, slots=True)
class ShortPick:
    """What a short pick changes: units of one line not found, kept units, and the substitute if any."""

    line_no: int
    line: OrderLine
    missing: int
    kept: int
    substitute: CatalogItem | None
    requests: tuple[LineRequest, ...]  # the order's lines after the change, to price with the engine

    def describe(self) -> str:
        """Return the change in words for the screens."""
        what = f"{self.missing}× {self.line.name}"
        if self.substitute is None:
            return f"removed {what} (not found)"
        return f"{what} replaced by {self.missing}× {self.substitute.name}"


def plan_short(order: Order, ticket: Ticket, line_no: int, remedy: str, substitute: CatalogItem | None,
               version: int | None, catalog: Catalog, now: datetime) -> ShortPick:
    """Check a short pick and return the order's new lines to price; refuses naming the reason."""
    if remedy not in REMEDIES:
        raise ActionRefused(f"remedy must be remove or substitute, not {remedy!r}", "remedy", words=("bad_request", {}))
    line = _line(order, ticket, line_no)
    check_version(order, ticket, version)
    _working(order, ticket, now, "short-pick", "cannot_short")
    kept = picked(ticket, line_no)
    missing = line.qty - kept
    if missing <= 0:
        raise ActionRefused(f"all {line.qty}× {line.name} of order {order.number} are picked; nothing is short", "line_no",
                            words=("nothing_short", _line_words(order, line)))
    if remedy == "substitute" and substitute is None:
        raise ActionRefused("scan or choose the substitute item", "substitute", words=("substitute_missing", {}))
    if substitute is not None and substitute.is_bundle:
        raise ActionRefused(f"{substitute.name} is a bundle; substitute a single item", "substitute",
                            words=("substitute_bundle", {"name": substitute.name}))
    if substitute is not None and substitute.sku == line.sku:
        raise ActionRefused(f"the substitute is {line.name} itself; choose another item", "substitute",
                            words=("substitute_same", {"name": line.name}))
    if remedy == "remove" and not kept and len(order.lines) == 1:
        raise ActionRefused(f"{line.name} is all order {order.number} holds: cancel the order instead", "line_no",
                            words=("only_line", _line_words(order, line)))
    requests = _requests(order, catalog)
    index = next(pos for pos, (_, covers) in enumerate(requests) if line_no in covers)
    if len(requests[index][1]) > 1:
        raise ActionRefused(f"{line.name} is part of a bundle; short-pick is for single items", "line_no",
                            words=("bundle_part", {"name": line.name}))
    new = [replace(r, qty=kept) if pos == index else r for pos, (r, _) in enumerate(requests)]
    new = [r for r in new if r.qty > 0]
    if remedy == "substitute":
        new.append(LineRequest(substitute.sku, missing))
    return ShortPick(line_no, line, missing, kept, substitute if remedy == "substitute" else None, tuple(new))


def _requests(order: Order, catalog: Catalog) -> list[tuple[LineRequest, range]]:
    """Return the requested lines the order was priced from, each with the order lines it became."""
    priced = (order.pricing or {}).get("lines")
    if not priced:
        raise ActionRefused(f"order {order.number} has no priced basket to change", "order_id",
                            words=("not_priced", {"number": order.number}))
    requests = []
    no = 0
    for entry in priced:
        item = catalog.get(entry["sku"])
        size = len(item.parts) if item is not None and item.parts else 1  # a bundle became one line per part
        if no + size > len(order.lines):
            break
        requests.append((LineRequest(entry["sku"], entry["qty"], tuple(entry.get("modifiers", ())), order.lines[no].note),
                         range(no, no + size)))
        no += size
    if no != len(order.lines):
        raise ActionRefused(f"order {order.number} no longer matches the catalog; change it at the counter", "order_id",
                            words=("catalog_changed", {"number": order.number}))
    return requests


def apply_short(order: Order, ticket: Ticket, plan: ShortPick, lines: list[OrderLine], pricing: dict,
                now: datetime, settings: KitchenSettings) -> str:
    """Put the repriced lines on the order, keep what was picked, and mark the order changed."""
    kept = plan.kept > 0
    cut = plan.line_no

    def moved(no: int) -> int | None:
        if no < cut or (no == cut and kept):
            return no
        return None if no == cut else no - 1

    if plan.substitute is not None:
        # The picker holds the substitute (scanned or chosen at the shelf), so it counts as picked.
        lines[-1] = replace(lines[-1], station=ticket.station)
    for t in order.tickets:
        t.bumped_lines = tuple(sorted(m for m in map(moved, t.bumped_lines) if m is not None))
        t.version += 1
    if plan.substitute is not None:
        ticket.bumped_lines = tuple(sorted((*ticket.bumped_lines, *([len(lines) - 1] * plan.missing))))
    text = plan.describe()
    order.lines = lines
    order.pricing = {**pricing, "changes": [*order.changes, text]}
    order.lines_changed = True
    for t in order.tickets:
        if not station_lines(order, t.station) and t.status is not TicketStatus.CANCELLED:
            _close_empty(order, t, now)
    order.events.append(OrderChanged(order.order_id, order.number, text))
    _changed(order, ticket, "short")
    follow(order, settings)
    return text


def _close_empty(order: Order, ticket: Ticket, now: datetime) -> None:
    """A ticket whose every line was removed has nothing left to do."""
    if ticket.status is TicketStatus.QUEUED:
        ticket.move_to(TicketStatus.FIRED)
        ticket.fired_at = now
    if ticket.status in _WORKING:
        ticket.move_to(TicketStatus.DONE)
        ticket.done_at = now
