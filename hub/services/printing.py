"""Printing: kitchen tickets on order acceptance, receipts and reprints, the move to the backup, and holds."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from pydantic import ValidationError

from hub.contracts.printing import KitchenTicket, PrintPayload, Receipt
from hub.domain.device_jobs import DeviceJobFinished
from hub.domain.order_messages import OrderAccepted
from hub.domain.orders import Order
from hub.domain.printing import (
    ANY_PLACE,
    KITCHEN_TICKET,
    RECEIPT,
    PrintFailed,
    PrintHeld,
    PrintHeldAgain,
    PrinterRef,
    PrintRefused,
    PrintMovedToBackup,
    PrintedTwice,
    PrintRequest,
    PrintRoute,
    OpenDrawer,
    PrintState,
    ReleaseHeldPrints,
    RemovePrintRoute,
    ReprintOrder,
    SetPrintRoute,
    pick_route,
)
from hub.domain.presence import Presence
from hub.services.device_jobs import queue_job
from hub.services.print_holds import held_words, ready_since
from hub.services.ports import Clock, Notify, UnitOfWork

logger = logging.getLogger(__name__)

PRINTER_WARNING = "printer.warning"
_ALLERGY_WORDS = ("allerg", "nut", "gluten", "lactose", "laktose", "nuss")  # in a note: print the allergy mark


def line_words(line: Any, catalog: Any, lang: str | None) -> tuple[str, list[str]]:
    """Return an order line's name and its modifiers' names in a printer's language (the catalog's `texts`).

    A line keeps the name it was sold under when the catalog no longer calls it so (a bundle's part, a renamed item)."""
    item = catalog.get(line.sku)
    if item is None:
        return line.name, list(line.modifiers)
    words = catalog.texts
    name = words.item_name(item, lang) if line.name == item.name else line.name
    return name, [words.modifier_name(item, c, item.modifiers[c].name, lang) if c in item.modifiers else c
                  for c in line.modifiers]


def kitchen_ticket(order: Order, station: str, uow: UnitOfWork, lang: str | None = None) -> dict[str, Any]:
    """Return the print payload document for one station's part of an order, in the printer's language."""
    catalog = uow.catalog()
    items = []
    for line in order.lines:
        if line.station != station:
            continue
        name, names = line_words(line, catalog, lang)
        items.append({"qty": line.qty, "name": name[:200], "modifiers": [n[:200] for n in names],
                      "note": line.note[:200] if line.note else None})
    notes = " ".join((line.note or "") for line in order.lines if line.station == station).lower()
    return KitchenTicket(
        order_id=order.order_id, order_number=order.number, station=station, origin=order.origin,
        fulfilment=order.fulfilment, placed_at=order.received_at, promised_at=order.promised_at,
        rush=order.rush, allergy=any(word in notes for word in _ALLERGY_WORDS), items=items,
    ).model_dump(mode="json")


def receipt(order: Order, uow: UnitOfWork, lang: str | None = None) -> dict[str, Any]:
    """Return the receipt document of an order from its priced basket, tenders and loyalty points, in a language."""
    catalog = uow.catalog()
    pricing = catalog.texts.priced(order.pricing, {}, lang) if order.pricing else {}
    words = {id(ln): line_words(ln, catalog, lang) for ln in order.lines}
    currency = order.total.currency
    codes = {t["rate_bp"]: t["code"] for t in pricing.get("taxes", [])}
    commerce = getattr(uow, "commerce", None)
    tenders = commerce.tenders(order.order_id) if commerce is not None else []
    points = commerce.points_entries(order.order_id) if commerce is not None else []
    store_name = commerce.setting("store_name", "Passline") if commerce is not None else "Passline"
    paid = sum(t.amount for t in tenders)
    return Receipt(
        order_id=order.order_id, order_number=order.number, store_name=str(store_name)[:200],
        placed_at=order.received_at, currency=currency,
        lines=[{"qty": ln.qty, "name": words[id(ln)][0][:200], "amount": ln.total.amount,
                "modifiers": [n[:200] for n in words[id(ln)][1]], "tax_code": codes.get(ln.tax_rate_bp)}
               for ln in order.lines],
        discounts=[{"label": d["name"][:200], "amount": d["amount"]["amount"]} for d in pricing.get("discounts", [])],
        total=order.total.amount,
        taxes=[{"code": t["code"], "rate": f"{t['rate_bp'] / 100:g}%", "net": t["taxable"]["amount"],
                "tax": t["amount"]["amount"], "gross": t["taxable"]["amount"] + t["amount"]["amount"]}
               for t in pricing.get("taxes", [])],
        tenders=[{"label": t.kind.replace("_", " ").title(), "amount": t.amount} for t in tenders],
        change=max(paid - order.total.amount, 0) if tenders else 0,
        loyalty_points=sum(p for _, kind, p in points if kind == "earn") if points else None,
    ).model_dump(mode="json")


def _send(request: PrintRequest, uow: UnitOfWork, clock: Clock) -> None:
    printer = request.current_printer()
    payload = PrintPayload.model_validate(request.job_payload()).model_dump(mode="json")
    job = queue_job(uow, clock, device_id=printer.device_id, kind="print", payload=payload, hardware=printer.hardware,
                    order_id=request.order_id, answer_within_s=request.route.answer_within_s)
    request.sent_as(job.job_id)


def start_print(uow: UnitOfWork, clock: Clock, route: PrintRoute, document: dict[str, Any], *, place: str,
                order_id: str | None, reprint: bool = False) -> PrintRequest:
    """Record a print and queue its job on the route's printer, in the caller's transaction."""
    request = PrintRequest(print_id=str(uuid.uuid4()), document=document["document"], place=place, order_id=order_id,
                           payload={"document": document}, route=route, created_at=clock(), reprint=reprint)
    _send(request, uow, clock)
    uow.printing.add(request)
    return request


def print_kitchen_tickets(event: OrderAccepted, uow: UnitOfWork, clock: Clock) -> None:
    """Queue one kitchen ticket per station ticket, with the order's transaction."""
    order = uow.orders.get(event.order_id)
    if order is None:
        return
    routes = uow.printing.routes()
    for ticket in order.tickets:
        route = pick_route(routes, KITCHEN_TICKET, ticket.station)
        if route is None:
            continue  # a station without a printer works from its display only
        try:
            start_print(uow, clock, route, kitchen_ticket(order, ticket.station, uow, route.language), place=ticket.station,
                        order_id=order.order_id)
        except ValidationError as exc:
            # Never refuse an order over its ticket: the display still shows it.
            logger.error("kitchen ticket for order %s at %s not printed: %s", order.number, ticket.station, exc)


def follow_print_job(event: DeviceJobFinished, uow: UnitOfWork, clock: Clock) -> None:
    """Settle a print when its job ends: done, moved to the backup once, held for its printer, or failed."""
    if event.kind != "print":
        return
    request = uow.printing.by_job(event.job_id)
    if request is None or request.job_id != event.job_id or request.state is not PrintState.PRINTING:
        return
    printer = request.current_printer().label
    outcome = request.settle(event.ok, event.error, event.message, clock())
    number = request.payload["document"].get("order_number", "")
    if outcome == "to_backup":
        _send(request, uow, clock)
        backup = request.current_printer().label
        logger.warning("print of %s for %s moved from %s to %s: %s", number, request.place, printer, backup, event.error)
        uow.raise_event(PrintMovedToBackup(request.print_id, request.place, printer, backup,
                                           f"Printer {printer} could not print order {number} ({_why(event)}); "
                                           f"it printed on {backup} instead."))
    elif outcome == "held":
        logger.warning("print of %s for %s held: %s cannot print (%s)", number, request.place, printer, event.error)
        uow.raise_event(PrintHeld(request.print_id, request.place, printer, held_words(request, number, printer)))
    elif outcome == "failed":
        logger.error("print of %s for %s failed on %s: %s", number, request.place, printer, event.error)
        uow.raise_event(PrintFailed(request.print_id, request.place, printer,
                                    f"Order {number} was not printed: {_why(event)}. Reprint it when the printer is back."))
    uow.printing.save(request)


def _why(event: DeviceJobFinished) -> str:
    return event.message or (event.error or "error").replace("_", " ")


def _resend(request: PrintRequest, printer: PrinterRef, uow: UnitOfWork, clock: Clock) -> bool:
    """Send a held print to a printer as one new job; False when it was not held (any more)."""
    if not request.release(printer) or not uow.printing.take_held(request.print_id):
        return False
    _send(request, uow, clock)
    uow.printing.save(request)
    logger.info("held print of %s for %s sent to %s", request.payload["document"].get("order_number", ""),
                request.place, printer.label)
    return True


def release_held_prints(command: ReleaseHeldPrints, uow: UnitOfWork, clock: Clock, presence: Presence) -> int:
    """Send each held print to the first of its printers that is ready again; drop receipts held too long.

    Return how many went out."""
    now = clock()
    sent = 0
    for request in uow.printing.held():
        if request.too_old_to_print(now):
            request.drop(now)
            uow.printing.save(request)
            printer = request.current_printer().label
            logger.warning("held receipt of %s dropped: %s", request.payload["document"].get("order_number", ""), printer)
            uow.raise_event(PrintFailed(request.print_id, request.place, printer, request.message or ""))
            continue
        printer = next((p for p in request.printers() if request.ready_to_retry(ready_since(presence, p), now)), None)
        if printer is not None:
            sent += _resend(request, printer, uow, clock)
    return sent


def print_held_again(command: PrintHeldAgain, uow: UnitOfWork, clock: Clock) -> PrintRequest:
    """Send one held print now, to the printer it last waited for (store IT's "print again")."""
    request = next((p for p in uow.printing.held() if p.print_id == command.print_id), None)
    if request is None or not _resend(request, request.current_printer(), uow, clock):
        raise PrintRefused(f"print_id: print {command.print_id} is not waiting for a printer (printed, or sent already)",
                           "print_id")
    return request


def warn_station(event: PrintMovedToBackup | PrintHeld | PrintFailed | PrintedTwice, notify: Notify) -> None:
    """Tell the station's display that its printer has a problem."""
    notify(PRINTER_WARNING, {"station": event.place, "printer": event.printer, "message": event.message})


def set_route(command: SetPrintRoute, uow: UnitOfWork) -> PrintRoute:
    """Create or replace a print route."""
    uow.printing.set_route(command.route)
    return command.route


def remove_route(command: RemovePrintRoute, uow: UnitOfWork) -> bool:
    """Delete a print route."""
    return uow.printing.remove_route(command.document, command.place)


def reprint(command: ReprintOrder, uow: UnitOfWork, clock: Clock) -> list[PrintRequest]:
    """Print an order's kitchen tickets or receipt again, marked REPRINT; a held one is sent now instead."""
    order = uow.orders.get(command.order_id)
    if order is None:
        raise PrintRefused(f"order_id: no order {command.order_id}", "order_id")
    routes = uow.printing.routes()
    # A held print never came out: sending it now, not a REPRINT beside it, keeps it to one on paper.
    held = {p.place: p for p in uow.printing.held() if p.order_id == order.order_id and p.document == command.document
            and command.place in (None, p.place)}
    for request in held.values():
        _resend(request, request.current_printer(), uow, clock)
    if command.document == RECEIPT:
        if held:
            return list(held.values())
        place = command.place or ANY_PLACE
        route = pick_route(routes, RECEIPT, place)
        if route is None:
            raise PrintRefused("document: no receipt printer is set up (see `passline printers set`)", "document")
        return [start_print(uow, clock, route, receipt(order, uow, route.language), place=place, order_id=order.order_id,
                            reprint=any(r.document == RECEIPT for r in uow.printing.for_order(order.order_id)))]
    stations = [t.station for t in order.tickets if command.place in (None, t.station)]
    if not stations:
        raise PrintRefused(f"station: order {order.number} has no ticket for {command.place}", "station")
    made = [held[station] for station in stations if station in held]
    for station in (s for s in stations if s not in held):
        route = pick_route(routes, KITCHEN_TICKET, station)
        if route is None:
            raise PrintRefused(f"station: no printer is set up for {station}", "station")
        made.append(start_print(uow, clock, route, kitchen_ticket(order, station, uow, route.language), place=station,
                                order_id=order.order_id, reprint=True))
    return made


def open_drawer(command: OpenDrawer, uow: UnitOfWork, clock: Clock) -> str:
    """Queue a drawer kick on a receipt printer; return the job id."""
    job = queue_job(uow, clock, device_id=command.printer.device_id, kind="drawer", payload={"pin": command.pin},
                    hardware=command.printer.hardware, answer_within_s=30)
    return job.job_id
