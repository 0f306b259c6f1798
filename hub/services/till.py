"""The till: hold and recall baskets, the cash drawer per till, cash with the drawer kick, receipts."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hub.domain.orders import Order
from hub.domain.printing import ANY_PLACE, RECEIPT, OpenDrawer, PrinterRef, PrintRequest, pick_route
from hub.domain.till import HoldBasket, PrintReceipt, RecallBasket, SetCashDrawer, TakeTender, TillRefused
from hub.services.ports import Clock, UnitOfWork
from hub.services.printing import receipt, start_print
from hub.services.tenders import TenderResult

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TillTender:
    """A tender taken at a till, and whether its drawer is opening."""

    result: TenderResult
    drawer: str  # "opening" | "none"
    drawer_job_id: str | None = None
    drawer_message: str | None = None


def hold_basket(command: HoldBasket, uow: UnitOfWork, clock: Clock) -> str:
    """Keep a basket for this till; return its id."""
    label = command.label.strip()
    if not label:
        raise TillRefused("invalid_payload", "label must say whose basket it is (e.g. `blue jacket`)", field="label")
    uow.staff.hold_basket(command.held_id, command.device_id, label[:80], command.basket, command.staff_id, clock())
    return command.held_id


def recall_basket(command: RecallBasket, uow: UnitOfWork, clock: Clock) -> dict[str, Any]:
    """Hand a held basket back once; a second recall is refused, naming who had it."""
    row = uow.staff.recall_basket(command.held_id, clock(), command.staff_id)
    if row is None:
        raise TillRefused("not_found", f"no held basket {command.held_id}: it was recalled already or never held", 404)
    return row


def set_cash_drawer(command: SetCashDrawer, uow: UnitOfWork) -> SetCashDrawer:
    """Store which printer kicks a till's drawer."""
    uow.staff.set_cash_drawer(command.device_id, command.printer.device_id, command.printer.hardware, command.pin)
    return command


def take_tender(command: TakeTender, uow: UnitOfWork, handle_within: Callable[[object], Any]) -> TillTender:
    """Take a tender; cash at a till with a drawer queues the kick in the same transaction."""
    result: TenderResult = handle_within(command.tender)
    if command.tender.kind != "cash":
        return TillTender(result, "none")
    uow.staff.record_cash(result.tender.tender_id, result.tender.order_id, command.tender.amount, result.change,
                          command.device_id)
    if command.device_id is None:
        return TillTender(result, "none", drawer_message="no device_id: no drawer was opened")
    drawer = uow.staff.cash_drawer(command.device_id)
    if drawer is None:
        return TillTender(result, "none", drawer_message=(
            f"no cash drawer is set up for {command.device_id} (PUT /api/v1/cash-drawers/{command.device_id})"))
    printer, hardware, pin = drawer
    job_id = handle_within(OpenDrawer(PrinterRef(printer, hardware), pin))
    return TillTender(result, "opening", job_id)


def receipt_document(order: Order, uow: UnitOfWork, e_receipt_url: str | None = None,
                     lang: str | None = None) -> dict[str, Any]:
    """Return the receipt of an order with what cash was handed over, the change, and card brands, in a language."""
    document = receipt(order, uow, lang)
    tenders, change = _tenders(order, uow)
    catalog = uow.catalog()
    for printed, line in zip(document["lines"], order.lines):
        # Modifier names, not codes, as the kitchen ticket prints them; a bundle's are on its first part.
        item = catalog.get(line.bundle or line.sku)
        printed["modifiers"] = [catalog.texts.modifier_name(item, c, item.modifiers[c].name, lang)[:200]
                                if item and c in item.modifiers else c for c in line.modifiers]
    document["tenders"] = [{"label": label, "amount": amount} for _, label, amount in tenders]
    document["change"] = change or document["change"]
    document["e_receipt_url"] = e_receipt_url
    server = served_by(order, uow)
    if server is not None and not document.get("footer"):
        document["footer"] = f"Served by {server}"[:200]
    return document


def e_receipt(order: Order, uow: UnitOfWork, lang: str) -> dict[str, Any]:
    """Return what the customer's e-receipt page shows, with the catalog's words in a language.

    The page words the rest itself: each tender has its `kind` (and its card's brand and last digits as
    `label`), each tax its label in the language, and who served is a name, not a sentence."""
    document = receipt_document(order, uow, lang=lang)
    document["tenders"] = [{"kind": kind, "label": label if kind == "card" and "*" in label else None, "amount": amount}
                           for kind, label, amount in _tenders(order, uow)[0]]
    catalog = uow.catalog()
    names = {t["code"]: t["name"] for t in catalog.texts.priced(order.pricing, {}, lang).get("taxes", [])} \
        if order.pricing else {}
    for tax in document["taxes"]:
        tax["name"] = names.get(tax["code"], tax["code"])
    document["footer"] = None
    document["served_by"] = served_by(order, uow)
    return document


def served_by(order: Order, uow: UnitOfWork) -> str | None:
    """Return the name of the staff member who took an order at a signed-in counter, if one did."""
    taken = uow.staff.order_staff(order.order_id)
    member = uow.staff.member(taken[0]) if taken and taken[0] else None
    return member.name if member is not None else None


def _tenders(order: Order, uow: UnitOfWork) -> tuple[list[tuple[str, str, int]], int]:
    """Return each tender as (kind, label, amount handed over) and the change given back."""
    cash = uow.staff.cash_for(order.order_id)
    tenders, change = [], 0
    for tender in uow.commerce.tenders(order.order_id):
        label, amount = tender.kind.replace("_", " ").title(), tender.amount
        if tender.tender_id in cash:
            amount, given_back = cash[tender.tender_id]
            change += given_back
        elif tender.kind == "card":
            payment = uow.payments.get(tender.reference or "")
            if payment is not None and payment.masked_pan:
                label = f"{payment.brand or 'Card'} ****{payment.masked_pan[-4:]}"
        tenders.append((tender.kind, label[:200], amount))
    return tenders, change


def print_receipt(command: PrintReceipt, uow: UnitOfWork, clock: Clock) -> PrintRequest:
    """Print an order's receipt at a till (its own route, else the catch-all), marked REPRINT after the first."""
    order = uow.orders.get(command.order_id)
    if order is None:
        raise TillRefused("not_found", f"no order {command.order_id}", 404)
    routes = uow.printing.routes()
    route = pick_route(routes, RECEIPT, command.device_id)
    if route is None:
        raise TillRefused("no_printer", f"device_id: no receipt printer for {command.device_id} or `{ANY_PLACE}` "
                                       f"(PUT /api/v1/printing/routes/receipt/{command.device_id})", field="device_id")
    again = any(p.document == RECEIPT for p in uow.printing.for_order(order.order_id))
    return start_print(uow, clock, route, receipt_document(order, uow, command.e_receipt_url, route.language),
                       place=command.device_id, order_id=order.order_id, reprint=again)
