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
from hub.contracts.validation import first_error
from hub.domain.commands import LineRequest, SubmitOrder
from hub.domain.errors import OrderRefused
from hub.domain.orders import Order

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


def fingerprint(submit: OrderSubmit) -> str:
    """Hash an order's content so the same id with other content can be told apart."""
    canonical = json.dumps(submit.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def to_command(submit: OrderSubmit, source: str) -> SubmitOrder:
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
    )


def read_envelope(payload: bytes) -> Envelope | Refusal:
    """Parse any MQTT payload into its envelope, or say what is wrong with it."""
    try:
        raw = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return Refusal(ErrorCode.INVALID_JSON.value, f"payload is not valid JSON: {exc}")
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
    total = order.total
    return {
        "order_id": order.order_id,
        "number": order.number,
        "status": order.status.value,
        "total": {"amount": total.amount, "currency": total.currency},
        "tickets": [{"station": t.station, "ticket_id": t.ticket_id} for t in order.tickets],
    }


def order_view(order: Order) -> dict[str, Any]:
    """Return an order as the web API shows it: status, lines, totals and tickets."""
    tax = order.tax
    return {
        **order_accepted(order),
        "origin": order.origin,
        "fulfilment": order.fulfilment,
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
        "customer": {"loyalty_id": order.loyalty_id} if order.loyalty_id else None,
        "promised_at": _time(order.promised_at),
        "rush": order.rush,
        "received_at": _time(order.received_at),
        "deadline": _time(order.deadline),
        "source": order.source,
        "pricing": order.pricing,
    }


def _time(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def _envelope_id(raw: object) -> str | None:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        try:
            return str(uuid.UUID(raw["id"]))
        except ValueError:
            return None
    return None
