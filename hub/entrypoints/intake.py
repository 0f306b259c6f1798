"""Turn wire messages into commands, and results into wire replies; shared by MQTT and HTTP."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from hub.adapters.read_models.replies import error_data
from hub.contracts.envelope import Envelope
from hub.contracts.errors import ErrorCode
from hub.contracts.orders import OrderSubmit
from hub.contracts.validation import UnreadableJson, first_error, read_json
from hub.domain.order_messages import LineRequest, ManualDiscount, SubmitOrder
from hub.domain.errors import OrderRefused

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
        return error_data(self.code, self.message, self.field)


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


def _envelope_id(raw: object) -> str | None:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        try:
            return str(uuid.UUID(raw["id"]))
        except ValueError:
            return None
    return None
