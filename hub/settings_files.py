"""Read settings files and check settings against their pydantic model, saying in words what is wrong.

pydantic finds the bad field; this module words it for store IT ("frontdesk.toml: kiosk.idle_s must be a
whole number of at least 1, got 0"), naming the file or the environment variable it came from.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from hub.contracts.validation import field_path

T = TypeVar("T")

_RULES = {  # pydantic's error types, in store IT's words
    "int_parsing": "must be a whole number", "int_type": "must be a whole number", "int_from_float": "must be a whole number",
    "bool_type": "must be true or false", "bool_parsing": "must be true or false",
    "string_type": "must be text", "list_type": "must be a list",
}
_BOUNDS = {"ge": "of at least", "gt": "above", "le": "of at most", "lt": "below"}  # a number's limit, named in ctx
_TABLE = {"dict_type", "model_type", "model_attributes_type", "dataclass_type"}


class ConfigError(ValueError):
    """A setting has a value Passline cannot use; the message names it."""


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """Return a TOML file's tables; a file that cannot be read says so, naming it and `what` it holds."""
    try:
        return tomllib.loads(path.read_text())
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read {what}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: cannot read {what}, it is not valid TOML: {exc}") from exc


def checked(model: type[T], values: Mapping[str, Any], *, where: str = "",
            label: Callable[[str], str] | None = None) -> T:
    """Return `values` validated as `model`, or raise ConfigError naming the first bad field.

    `where` (a file) starts the message; `label` turns a field's path into what the reader set (a variable's name).
    """
    try:
        return TypeAdapter(model).validate_python(dict(values))
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        field = field_path(tuple(error["loc"]))
        sentence = _sentence(error, label(field) if label else field, table=label is None)
        raise ConfigError(f"{where}: {sentence}" if where else sentence) from None


def _sentence(error: Mapping[str, Any], name: str, *, table: bool) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "extra_forbidden":
        return f"unknown setting {name}"
    if kind in _TABLE:
        return f"[{name}] must be a table" if table else f"{name} must be a table"
    if kind == "value_error":  # a validator's own words; it shows the value where that is safe
        return f"{name} {ctx['error']}"
    if kind == "missing":
        return f"{name} is required"
    if kind == "literal_error":  # pydantic lists the choices as "'off', 'hold' or 'release'"
        rule = "must be one of " + ctx["expected"].replace("'", "").replace(" or ", ", ")
    elif kind.startswith(("greater_than", "less_than")):
        rule = "must be a whole number " + next(f"{words} {ctx[key]}" for key, words in _BOUNDS.items() if key in ctx)
    else:
        rule = _RULES.get(kind) or error["msg"][0].lower() + error["msg"][1:]
    return f"{name} {rule}, got {_shown(error['input'])}"


def _shown(value: Any) -> str:
    """Show a value as it was written (TOML's true and false, not Python's)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)
