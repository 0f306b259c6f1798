"""What an order prints, under /api/v1: its receipt, reprints, the e-receipt link; and the e-receipt page itself."""

from __future__ import annotations

import io

import segno
from flask import Blueprint, abort, current_app, jsonify, render_template, request

from hub.adapters.read_models.printing import print_view
from hub.adapters.receipt_secret import load_secret, sign, signature_ok
from hub.contracts.money import format_money
from hub.contracts.printing import ReprintIn
from hub.contracts.staff import ReceiptIn
from hub.domain.access import Permission
from hub.domain.errors import OrderRefused
from hub.domain.printing import ReprintOrder
from hub.domain.till import PrintReceipt
from hub.entrypoints.web.access import requires
from hub.entrypoints.web.context import current_hub
from hub.entrypoints.web.replies import ApiProblem, body_of, canonical_uuid, order_key, run
from hub.services.till import e_receipt
from kiosk.i18n import LANGUAGE_NAMES
from kiosk.receipt_words import receipt_language, receipt_strings

blueprint = Blueprint("receipts", __name__, template_folder="templates")


@blueprint.post("/api/v1/orders/<order_id>/receipt")
@requires(Permission.RECEIPT_PRINT)
def post_receipt(order_id: str):
    """Print an order's receipt on the till's receipt printer, with tenders, change and the e-receipt QR (202)."""
    key = order_key(order_id)
    body = body_of(ReceiptIn)
    made = run(PrintReceipt(key, body.device_id, receipt_url(key)))
    return jsonify({"print": print_view(made)}), 202


@blueprint.get("/api/v1/orders/<order_id>/prints/<print_id>")
@requires(Permission.RECEIPT_PRINT)
def get_print(order_id: str, print_id: str):
    """Return one print of an order (printing, printed or failed, and why), for a till following its receipt."""
    key = order_key(order_id)
    with current_hub().uow_factory() as uow:
        made = next((p for p in uow.printing.for_order(key) if p.print_id == print_id), None)
        if made is None:
            raise ApiProblem(404, "not_found", f"order {order_id} has no print {print_id}", "print_id")
        return jsonify(print_view(made))


@blueprint.post("/api/v1/orders/<order_id>/reprint")
@requires(Permission.TICKET_REPRINT)
def reprint(order_id: str):
    """Print an order's kitchen tickets (or one station's, or its receipt) again, marked REPRINT."""
    body = body_of(ReprintIn) if request.content_length else ReprintIn()
    try:
        made = current_hub().bus.handle(ReprintOrder(order_id, body.document, body.station))
    except OrderRefused as refusal:
        status = 404 if refusal.field == "order_id" else 422
        raise ApiProblem(status, refusal.code, refusal.message, refusal.field) from None
    return jsonify({"prints": [print_view(p) for p in made]}), 202


@blueprint.get("/api/v1/orders/<order_id>/e-receipt")
@requires(Permission.RECEIPT_LINK)
def get_e_receipt(order_id: str):
    """Return the order's e-receipt link and the same link as a QR code (SVG) to show the customer."""
    key = canonical_uuid(order_id)
    with current_hub().uow_factory() as uow:
        order = uow.orders.get(key) if key else None
    if order is None:
        raise ApiProblem(404, "not_found", f"no order {order_id}")
    url = receipt_url(key)
    svg = io.BytesIO()
    segno.make(url, error="m").save(svg, kind="svg", scale=4, border=2, xmldecl=False, svgns=True)
    return jsonify({"url": url, "qr_svg": svg.getvalue().decode()})


@blueprint.get("/r/<order_id>/<sig>")
@requires(Permission.OPEN)
def e_receipt_page(order_id: str, sig: str):
    """Show one order's receipt to whoever holds its signed link; every other link is a plain 404."""
    key = canonical_uuid(order_id)
    if key is None or not signature_ok(_secret(), key, sig):
        abort(404)
    hub = current_hub()
    lang = receipt_language(hub.frontdesk.default_language)  # the customer's, with the catalog's words in it
    with hub.uow_factory() as uow:
        order = uow.orders.get(key)
        document = e_receipt(order, uow, lang) if order is not None else None
    if document is None:
        abort(404)
    currency = document["currency"]
    return render_template("e_receipt.html", r=document, lang=lang, t=receipt_strings(lang), languages=LANGUAGE_NAMES,
                           money=lambda amount: format_money(amount, currency, lang))


def receipt_url(order_id: str) -> str:
    """Return the e-receipt link for an order: the store's `receipt_url`, else the address this request came to."""
    frontdesk = current_hub().frontdesk
    base = (getattr(frontdesk, "receipt_url", None) or request.host_url).rstrip("/")
    return f"{base}/r/{order_id}/{sign(_secret(), order_id)}"


def _secret() -> bytes:
    hub = current_hub()
    cached = current_app.extensions.get("passline_receipt_secret")
    if cached is None:
        cached = current_app.extensions["passline_receipt_secret"] = load_secret(hub.settings.data_dir)
    return cached


