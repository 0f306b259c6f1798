"""Turn wire messages into commands, and results into wire replies; shared by MQTT and HTTP."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from hub.contracts.envelope import Envelope
from hub.contracts.errors import ErrorCode
from hub.contracts.orders import OrderSubmit
from hub.contracts.pricing import with_hint_messages
from hub.contracts.validation import UnreadableJson, first_error, read_json
from hub.domain.order_messages import LineRequest, ManualDiscount, SubmitOrder
from hub.domain.errors import OrderRefused
from hub.domain.order_holds import CONFIRMATION
from hub.domain.orders import Order
from hub.services.order_holds import accepted_data

SUBMIT_TYPE = "order.submit"


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a message was refused, ready to send as an `error` reply."""

    code: str
    message: str
    field: str | None = None
    re: str | None = None

    def data(self) -> dict[str, Any]:
        """Return the `data` of the error reply."""
        return {"code": self.code, "message": self.message, "field": self.field}


# Fields added after orders were first stored: left out of the hash while at their default, so an
# order sent again by an older device (or stored before the field existed) keeps its fingerprint.
LATER_DEFAULTS = {"release": "now", "discounts": [], "approval": None, "tax_exempt_reason": None,
                  "tax_exempt_approval": None, "member_proof": None}
LATER_CUSTOMER_DEFAULTS = {"name": None, "phone": None}


def fingerprint(submit: OrderSubmit) -> str:
    """Hash an order's content so the same id with other content can be told apart."""
    content = submit.model_dump(mode="json")
    for key, default in LATER_DEFAULTS.items():
        if key in content and content[key] == default:
            del content[key]
    if isinstance(content.get("customer"), dict):
        for key, default in LATER_CUSTOMER_DEFAULTS.items():
            if content["customer"].get(key, default) == default:
                content["customer"].pop(key, None)
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def to_command(submit: OrderSubmit, source: str, staff_token: str | None = None) -> SubmitOrder:
    """Build the one command every origin's order becomes."""
    return SubmitOrder(
        order_id=str(submit.order_id),
        origin=submit.origin.value,
        fulfilment=submit.fulfilment.value,
        lines=tuple(LineRequest(line.sku, line.qty, tuple(line.modifiers), line.note) for line in submit.lines),
        fingerprint=fingerprint(submit),
        loyalty_id=submit.customer.loyalty_id if submit.customer else None,
        promised_at=submit.promised_at,
        rush=submit.rush,
        source=source,
        tax_exempt=submit.tax_exempt,
        redeem_points=submit.redeem_points,
        release=submit.release.value,
        customer_name=submit.customer.name if submit.customer else None,
        customer_phone=submit.customer.phone if submit.customer else None,
        discounts=tuple(ManualDiscount(d.reason.strip(), d.line, d.percent, d.amount) for d in submit.discounts),
        approval=submit.approval,
        tax_exempt_reason=submit.tax_exempt_reason,
        tax_exempt_approval=submit.tax_exempt_approval,
        member_proof=submit.member_proof,
        staff_token=staff_token,
    )


def read_envelope(payload: bytes) -> Envelope | Refusal:
    """Parse any MQTT payload into its envelope, or say what is wrong with it."""
    try:
        raw = read_json(payload)
    except UnreadableJson as exc:
        return Refusal(ErrorCode.INVALID_JSON.value, f"the payload {exc}")
    try:
        return Envelope.model_validate(raw)
    except ValidationError as exc:
        field, text = first_error(exc)
        return Refusal(ErrorCode.INVALID_PAYLOAD.value, text, field, _envelope_id(raw))


def parse_submission(payload: bytes, source: str) -> tuple[SubmitOrder, str] | Refusal:
    """Parse an MQTT `order.submit` payload into (command, envelope id), or say what is wrong."""
    message = read_envelope(payload)
    if isinstance(message, Refusal):
        return message
    known_id = str(message.id)
    if message.type != SUBMIT_TYPE:
        return Refusal(
            ErrorCode.INVALID_PAYLOAD.value,
            f"type must be {SUBMIT_TYPE} on an out/order topic, got {message.type}",
            "type",
            known_id,
        )
    try:
        submit = OrderSubmit.model_validate(message.data)
    except ValidationError as exc:
        field, text = first_error(exc)
        return Refusal(ErrorCode.INVALID_PAYLOAD.value, text, field, known_id)
    return to_command(submit, source), str(message.id)


def refusal_from(error: OrderRefused, re: str | None = None) -> Refusal:
    """Turn a domain refusal into a wire refusal."""
    return Refusal(error.code, error.message, error.field, re)


def order_accepted(order: Order) -> dict[str, Any]:
    """Return the `data` of an `order.accepted` reply."""
    return accepted_data(order)


def order_view(order: Order) -> dict[str, Any]:
    """Return an order as the web API shows it: status, lines, totals and tickets."""
    tax = order.tax
    return {
        **order_accepted(order),
        "origin": order.origin,
        "fulfilment": order.fulfilment,
        "business_day": order.business_day,
        "lines": [
            {
                "sku": line.sku,
                "name": line.name,
                "qty": line.qty,
                "modifiers": list(line.modifiers),
                "note": line.note,
                "unit_price": {"amount": line.unit_price.amount, "currency": line.unit_price.currency},
                "total": {"amount": line.total.amount, "currency": line.total.currency},
                "station": line.station,
            }
            for line in order.lines
        ],
        "tax": {"amount": tax.amount, "currency": tax.currency},
        "tickets": [{"station": t.station, "ticket_id": t.ticket_id, "status": t.status.value} for t in order.tickets],
        "customer": _customer(order),
        "promised_at": _time(order.promised_at),
        "rush": order.rush,
        "received_at": _time(order.received_at),
        "deadline": _time(order.deadline),
        "source": order.source,
        "pricing": with_hint_messages(order.pricing) if order.pricing else order.pricing,
        "quoted_at": _time(order.quoted_at),
        "hold_until": _time(order.hold_until),
        "rejection": order.closed_reason if _rejected(order) else None,
        "cancel_reason": order.closed_reason if not _rejected(order) else None,
    }


def _customer(order: Order) -> dict[str, Any] | None:
    if not (order.loyalty_id or order.customer_name or order.customer_phone):
        return None
    return {"loyalty_id": order.loyalty_id, "name": order.customer_name, "phone": order.customer_phone}


def _rejected(order: Order) -> bool:
    return order.status.value == "cancelled" and order.hold == CONFIRMATION and order.closed_reason is not None


def _time(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def _envelope_id(raw: object) -> str | None:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        try:
            return str(uuid.UUID(raw["id"]))
        except ValueError:
            return None
    return None
