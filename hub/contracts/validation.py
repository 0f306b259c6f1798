"""Read JSON from anyone without falling over, and turn pydantic's errors into messages that name the field."""

from __future__ import annotations

import json
import math
import re
from typing import Any

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


MAX_JSON_BYTES = 1024 * 1024  # the largest valid message, an order of 200 full lines, is ~350 KB
MAX_NESTING = 32  # the deepest real message (an order's discounts or a job's detail) nests 5 levels
MAX_NUMBER_DIGITS = 1000  # longer is no number anyone means, and converting thousands of digits costs real time;
# shorter ones are read, so a field's own bound can refuse them by name (422), as for any well-formed JSON
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


class UnreadableJson(ValueError):
    """A payload that cannot be read as JSON, with the reason in words."""


def read_json(payload: bytes | str) -> Any:
    """Parse JSON that may come from anyone; raise UnreadableJson saying why it cannot be read.

    Python's parser recurses once per level and gives up with RecursionError at about 1,000,
    so the nesting is measured first, without recursion, and refused far below that.
    NaN and Infinity are not JSON, and a number of thousands of digits costs seconds to convert.
    """
    raw = payload.encode() if isinstance(payload, str) else payload
    if len(raw) > MAX_JSON_BYTES:
        raise UnreadableJson(f"is larger than {MAX_JSON_BYTES // 1024} KiB ({len(raw) // 1024} KiB)")
    depth = nesting_depth(raw)
    if depth > MAX_NESTING:
        raise UnreadableJson(f"is nested more than {MAX_NESTING} levels deep")
    try:
        decoded = raw.decode("utf-8")  # JSON on the wire is UTF-8 (RFC 8259); json.loads would guess UTF-16 too
    except UnicodeDecodeError:
        raise UnreadableJson("is not UTF-8 text") from None
    try:
        return json.loads(decoded, parse_int=_bounded_int, parse_float=_bounded_float, parse_constant=_no_constant)
    except UnreadableJson:
        raise
    except json.JSONDecodeError as exc:
        raise UnreadableJson(f"is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except (ValueError, RecursionError) as exc:
        raise UnreadableJson(f"is not valid JSON: {exc}") from None


def nesting_depth(raw: bytes, limit: int = MAX_NESTING) -> int:
    """Return how deeply arrays and objects nest, counting no further than one past limit."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(_STRINGS.sub(b"", raw)):
        if match.group() in (b"[", b"{"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        else:
            depth -= 1
    return deepest


def _bounded_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_NUMBER_DIGITS:
        raise UnreadableJson(f"has a number of {digits} digits (at most {MAX_NUMBER_DIGITS})")
    return int(text)


def _bounded_float(text: str) -> float:
    if len(text) > MAX_NUMBER_DIGITS + 10:
        raise UnreadableJson(f"has a number of {len(text)} characters")
    value = float(text)
    if math.isinf(value):
        raise UnreadableJson(f"has a number too large to read: {text}")
    return value


def _no_constant(name: str) -> None:
    raise UnreadableJson(f"has {name}, which is not a JSON number")
