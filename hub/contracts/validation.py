"""Turn pydantic validation errors into one message that names the field."""

from __future__ import annotations

from pydantic import ValidationError


def field_path(loc: tuple[int | str, ...], prefix: str = "") -> str:
    """Render a pydantic location as `lines[0].qty`."""
    path = prefix
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _describe(error: dict) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind == "timezone_aware":
        return "must include a time zone offset, e.g. 2026-11-22T12:00:00Z"
    msg = error["msg"]
    if msg.startswith("Input should be"):
        return "must be" + msg[len("Input should be"):]
    if msg.startswith("Value should have"):
        return "must have" + msg[len("Value should have"):]
    if msg.startswith("String should"):
        return "must" + msg[len("String should"):]
    if msg.startswith("List should"):
        return "must" + msg[len("List should"):]
    return msg[0].lower() + msg[1:]


def first_error(exc: ValidationError, prefix: str = "") -> tuple[str, str]:
    """Return (field, message) for the first problem pydantic found."""
    error = exc.errors(include_url=False)[0]
    field = field_path(tuple(error["loc"]), prefix)
    return field, f"{field} {_describe(error)}" if field else _describe(error)


def all_errors(exc: ValidationError, prefix: str = "") -> list[dict[str, str]]:
    """Return every problem as {field, message}."""
    problems = []
    for error in exc.errors(include_url=False):
        field = field_path(tuple(error["loc"]), prefix)
        problems.append({"field": field, "message": f"{field} {_describe(error)}"})
    return problems
