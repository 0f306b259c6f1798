"""Errors as JSON: a code for programs, words for people, and the field when one is to blame."""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import HTTPException

from cloud.contracts import ErrorReply, field_path, nul_location

logger = logging.getLogger(__name__)

_HTTP_WORDS = {
    404: ("not_found", "there is nothing at this address"),
    405: ("method_not_allowed", "this address does not take that method"),
    413: ("too_large", "the request is too large"),
}


class ApiError(Exception):
    """A refusal with its HTTP status."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field

    def reply(self):
        """Return the JSON response."""
        body = ErrorReply(code=self.code, message=self.message, field=self.field).model_dump(exclude_none=True)
        return jsonify(body), self.status


def invalid(exc: ValidationError, prefix: str = "") -> ApiError:
    """Return a 422 naming the first field pydantic refused."""
    first = exc.errors()[0]
    field = field_path(tuple(first["loc"]), prefix)
    problem = first["msg"][0].lower() + first["msg"][1:]
    return ApiError(422, "invalid_payload", f"{field or 'body'}: {problem}", field or None)


def parse(model: type[BaseModel], data: object, prefix: str = "", *, nul_checked_later: bool = False):
    """Validate a request body against a contract, or raise a 422 naming the field (a NUL character included)."""
    if data is None:
        raise ApiError(400, "invalid_json", "the body must be a JSON object")
    nul = None if nul_checked_later else nul_location(data)
    if nul is not None:
        field = field_path(nul, prefix)
        raise ApiError(422, "invalid_payload", f"{field}: must not contain a NUL character", field)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid(exc, prefix) from None


def register_errors(app: Flask) -> None:
    """Answer every error with JSON."""
    app.register_error_handler(ApiError, lambda exc: exc.reply())

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        code, words = _HTTP_WORDS.get(exc.code or 500, ("bad_request", "the request could not be read"))
        return ApiError(exc.code or 500, code, words).reply()

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        logger.exception("unexpected error")
        return ApiError(500, "internal_error", "something went wrong at HQ; nothing was stored, try again").reply()
