"""What every /api/v1 endpoint answers with: JSON errors, validated bodies, and a command's outcome."""

from __future__ import annotations

import logging
import math
import uuid

from flask import Flask, current_app, jsonify, request
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from hub.contracts.errors import ErrorCode
from hub.contracts.validation import UnreadableJson, all_errors, read_json
from hub.domain.errors import CommerceRefused, OrderRefused, Refused
from hub.entrypoints.web.context import current_hub

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024  # the largest valid body, 200 lines each with a full note and 20 modifiers, is ~350 KB
BUSY_RETRY_AFTER_S = 5  # a locked or full database: worth trying again after this long


def install(app: Flask) -> None:
    """Read every JSON body safely before its view does, and answer what fails under /api in JSON, in words."""
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES  # a bigger body gets 413
    app.before_request(_check_json_body)
    app.register_error_handler(Exception, _unexpected)


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
        return current_hub().bus.handle(command), None
    except Refused as refusal:
        return None, refused(refusal)
    except CommerceRefused as refusal:
        return None, error(404 if refusal.code == "not_found" else 422, refusal.code, refusal.message)
    except OrderRefused as refusal:
        return None, error(getattr(refusal, "status", 422), refusal.code, refusal.message, refusal.field)


def _check_json_body():
    """Refuse a JSON body that cannot be read (broken, nested too deep, absurd numbers) with 400 saying why.

    The views then parse it again with Flask's `get_json`, which cannot fail on anything this let through.
    """
    if request.method in ("GET", "HEAD", "OPTIONS") or not request.is_json:
        return None
    data = request.get_data(cache=True)
    if not data:
        return None
    try:
        read_json(data)
    except UnreadableJson as exc:
        return error(400, ErrorCode.INVALID_JSON.value, f"the request body {exc}")
    return None


def _unexpected(failure: Exception):
    """Answer a failure under /api in JSON: 503 with Retry-After while the database cannot write, else 500."""
    if not request.path.startswith("/api/"):
        if isinstance(failure, HTTPException):
            return failure
        raise failure  # pages keep Flask's own error page (and its log line)
    if isinstance(failure, RequestEntityTooLarge):
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        return error(413, "too_large", f"the request body is larger than the hub takes ({limit // 1024} KiB)")
    if isinstance(failure, HTTPException):
        return error(failure.code or 500, "http_error", failure.description or failure.name)
    logger.error("request %s %s failed", request.method, request.path, exc_info=failure)
    if isinstance(failure, (DBAPIError, OSError)):  # a full disk, a lock: it passes
        response, status = error(503, ErrorCode.INTERNAL.value, "the hub cannot write to its database right now; "
                                 "nothing was stored, try again in a few seconds")
        response.headers["Retry-After"] = str(BUSY_RETRY_AFTER_S)
        return response, status
    return error(500, ErrorCode.INTERNAL.value, "the hub failed on this request (it is in the hub's log); "
                 "nothing was stored, and sending it again will not help until the hub is fixed")
