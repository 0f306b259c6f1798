"""What every /api/v1 endpoint answers with: JSON errors, validated bodies, and a command's outcome."""

from __future__ import annotations

import math
import uuid

from flask import current_app, jsonify, request
from pydantic import BaseModel, ValidationError

from hub.contracts.validation import all_errors
from hub.domain.errors import CommerceRefused, OrderRefused, Refused
from hub.entrypoints.web.app import hub_of


def error(status: int, code: str, message: str, field: str | None = None, **extra):
    """Return the JSON error reply every endpoint uses."""
    return jsonify({"code": code, "message": message, "field": field, **extra}), status


def refused(refusal: Refused):
    """Return the JSON error for a refusal, with `Retry-After` when it says how long to wait."""
    response, status = error(refusal.status, refusal.code, refusal.message, refusal.field)
    wait = getattr(refusal, "retry_after_s", None)
    if wait:
        response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
    return response, status


def canonical_uuid(value: str) -> str | None:
    """Return an id from a URL as orders are stored (lower-case UUID with dashes), or None if it is no UUID."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def order_key(order_id: str):
    """Return (the order id as stored, None) or (None, the 404 reply saying order ids are UUIDs)."""
    key = canonical_uuid(order_id)
    if key is None:
        return None, error(404, "not_found", f"no order {order_id}: order ids are UUIDs")
    return key, None


def body_of(model: type[BaseModel], body: object = None):
    """Return (validated body, None) or (None, the error reply to send)."""
    body = request.get_json(silent=True) if body is None else body
    if body is None:
        return None, error(400, "invalid_json", "the request body must be a JSON object (Content-Type: application/json)")
    try:
        return model.model_validate(body), None
    except ValidationError as exc:
        problems = all_errors(exc)
        return None, error(422, "invalid_payload", problems[0]["message"], problems[0]["field"], errors=problems)


def run(command: object):
    """Run a command on the hub's bus; return (result, None) or (None, the error reply)."""
    try:
        return hub_of(current_app).bus.handle(command), None
    except Refused as refusal:
        return None, refused(refusal)
    except CommerceRefused as refusal:
        return None, error(404 if refusal.code == "not_found" else 422, refusal.code, refusal.message)
    except OrderRefused as refusal:
        return None, error(getattr(refusal, "status", 422), refusal.code, refusal.message, refusal.field)
