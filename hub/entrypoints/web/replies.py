"""What every /api/v1 endpoint answers with when it cannot do what was asked: one JSON error, from one handler.

A view, or a helper it calls, raises `ApiProblem`; the handler `install` registers turns it into
`{"code", "message", "field"}` with its status. The same handler answers for what else can fail
under /api:

    ApiProblem                      a refusal the view (or a body reader) chose: its status
    pydantic.ValidationError        a body that breaks its contract: 422 `invalid_payload`, naming the field
    UnreadableJson (before a view)  broken JSON, nested too deep, absurd numbers: 400 `invalid_json`
    RequestEntityTooLarge           413 `too_large`
    werkzeug HTTPException          its own status, `http_error`
    DBAPIError, OSError             503 `internal` with Retry-After: the database cannot write right now
    anything else                   500 `internal` (logged)

Pages (kiosk, counter, admin, displays) keep Flask's HTML error pages.
"""

from __future__ import annotations

import logging
import math
import uuid
from datetime import timedelta
from typing import Any, TypeVar

from flask import Flask, Response, current_app, jsonify, request
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
Model = TypeVar("Model", bound=BaseModel)
NOT_A_JSON_OBJECT = "the request body must be a JSON object (Content-Type: application/json)"


class ApiProblem(Exception):
    """A request the API refuses: its status, a wire code, a message in words, and the field at fault."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None, *,
                 retry_after_s: float | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.retry_after_s = retry_after_s  # sent as Retry-After (whole seconds, at least 1)
        self.extra = extra  # more keys for the reply, after the three every error has

    @classmethod
    def of(cls, refusal: Refused | CommerceRefused | OrderRefused) -> ApiProblem:
        """Return the problem a domain refusal answers with."""
        if isinstance(refusal, Refused):
            return cls(refusal.status, refusal.code, refusal.message, refusal.field,
                       retry_after_s=getattr(refusal, "retry_after_s", None))
        if isinstance(refusal, CommerceRefused):
            return cls(404 if refusal.code == "not_found" else 422, refusal.code, refusal.message)
        return cls(getattr(refusal, "status", 422), refusal.code, refusal.message, refusal.field)

    def reply(self):
        """Return the JSON reply and its status."""
        response = jsonify({"code": self.code, "message": self.message, "field": self.field, **self.extra})
        if self.retry_after_s:
            response.headers["Retry-After"] = str(max(1, math.ceil(self.retry_after_s)))
        return response, self.status


def no_store(reply: Response) -> Response:
    """Keep a reply that carries a secret out of every cache."""
    reply.headers["Cache-Control"] = "no-store"
    return reply


def set_private_cookie(reply: Response, name: str, value: str, ttl: timedelta) -> None:
    """Set a cookie scripts cannot read and other sites never send, for the whole hub."""
    reply.set_cookie(name, value, max_age=int(ttl.total_seconds()), path="/", httponly=True, samesite="Strict",
                     secure=request.is_secure)


def install(app: Flask) -> None:
    """Read every JSON body safely before its view does, and answer what fails under /api in JSON, in words."""
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES  # a bigger body gets 413
    app.before_request(_check_json_body)
    app.register_error_handler(Exception, _answer)


def json_object() -> dict:
    """Return the request body as a dict, or raise the 400 saying it must be a JSON object."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiProblem(400, ErrorCode.INVALID_JSON.value, NOT_A_JSON_OBJECT)
    return body


def body_of(model: type[Model], body: object = None) -> Model:
    """Return the body validated by its contract (a ValidationError becomes the 422 naming the field)."""
    body = request.get_json(silent=True) if body is None else body
    if body is None:
        raise ApiProblem(400, ErrorCode.INVALID_JSON.value, NOT_A_JSON_OBJECT)
    return model.model_validate(body)


def text_field(body: dict, field: str) -> str:
    """Return a non-empty string field of a body, or raise the 422 naming it."""
    value = body.get(field)
    if not isinstance(value, str) or not value:
        raise ApiProblem(422, ErrorCode.INVALID_PAYLOAD.value, f"{field} is required (a non-empty string)", field)
    return value


def canonical_uuid(value: str) -> str | None:
    """Return an id from a URL as orders are stored (lower-case UUID with dashes), or None if it is no UUID."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def order_key(order_id: str) -> str:
    """Return the order id as stored, or raise the 404 saying order ids are UUIDs."""
    key = canonical_uuid(order_id)
    if key is None:
        raise ApiProblem(404, "not_found", f"no order {order_id}: order ids are UUIDs")
    return key


def run(command: object) -> Any:
    """Run a command on the hub's bus and return its result; a domain refusal becomes its ApiProblem."""
    try:
        return current_hub().bus.handle(command)
    except (Refused, CommerceRefused, OrderRefused) as refusal:
        raise ApiProblem.of(refusal) from None


def _check_json_body() -> None:
    """Refuse a JSON body that cannot be read (broken, nested too deep, absurd numbers) with 400 saying why.

    The views then parse it again with Flask's `get_json`, which cannot fail on anything this let through.
    """
    if request.method in ("GET", "HEAD", "OPTIONS") or not request.is_json:
        return
    data = request.get_data(cache=True)
    if not data:
        return
    try:
        read_json(data)
    except UnreadableJson as exc:
        raise ApiProblem(400, ErrorCode.INVALID_JSON.value, f"the request body {exc}") from None


def _answer(failure: Exception):
    """Answer any failure: the JSON error under /api (and for every ApiProblem), Flask's own page elsewhere."""
    if isinstance(failure, ApiProblem):
        return failure.reply()
    if not request.path.startswith("/api/"):
        if isinstance(failure, HTTPException):
            return failure
        raise failure  # pages keep Flask's own error page (and its log line)
    return _api_failure(failure).reply()


def _api_failure(failure: Exception) -> ApiProblem:
    """Return the problem a failure under /api answers with: 503 while the database cannot write, else 500."""
    if isinstance(failure, ValidationError):
        problems = all_errors(failure)
        return ApiProblem(422, ErrorCode.INVALID_PAYLOAD.value, problems[0]["message"], problems[0]["field"],
                          errors=problems)
    if isinstance(failure, RequestEntityTooLarge):
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        return ApiProblem(413, "too_large", f"the request body is larger than the hub takes ({limit // 1024} KiB)")
    if isinstance(failure, HTTPException):
        return ApiProblem(failure.code or 500, "http_error", failure.description or failure.name)
    logger.error("request %s %s failed", request.method, request.path, exc_info=failure)
    if isinstance(failure, (DBAPIError, OSError)):  # a full disk, a lock: it passes
        return ApiProblem(503, ErrorCode.INTERNAL.value, "the hub cannot write to its database right now; "
                          "nothing was stored, try again in a few seconds", retry_after_s=BUSY_RETRY_AFTER_S)
    return ApiProblem(500, ErrorCode.INTERNAL.value, "the hub failed on this request (it is in the hub's log); "
                      "nothing was stored, and sending it again will not help until the hub is fixed")
