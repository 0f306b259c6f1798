"""Read settings with pydantic-settings (a TOML file, environment variables over it) and say in words what is wrong.

pydantic-settings reads the sources and finds the bad field; this module words it for store IT
("frontdesk.toml: kiosk.idle_s must be a whole number of at least 1, got 0"), naming the file or the
environment variable it came from.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from hub.contracts.validation import field_path

S = TypeVar("S", bound="FileSettings")

_RULES = {  # pydantic's error types, in store IT's words
    "int_parsing": "must be a whole number", "int_type": "must be a whole number", "int_from_float": "must be a whole number",
    "float_parsing": "must be a number", "float_type": "must be a number",
    "bool_type": "must be true or false", "bool_parsing": "must be true or false",
    "string_type": "must be text", "list_type": "must be a list", "path_type": "must be a folder or file's path",
}
_BOUNDS = {"ge": "of at least", "gt": "above", "le": "of at most", "lt": "below"}  # a number's limit, named in ctx
_TABLE = {"dict_type", "model_type", "model_attributes_type", "dataclass_type"}


class ConfigError(ValueError):
    """A setting has a value Passline cannot use; the message names it."""


class FileSettings(BaseSettings):
    """Settings that `read_settings` reads: a TOML file, with the `env_prefix` variables over it when there is a prefix."""

    model_config = SettingsConfigDict(frozen=True, extra="forbid")  # a key the model does not know is a typo


class _Variables(EnvSettingsSource):
    """The `env_prefix` variables of a given environment (os.environ, or a test's dict); an empty one is not set."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {name.lower(): value for name, value in self._environ.items() if value != ""}


def read_settings(model: type[S], *, toml_file: Path | None = None, environ: Mapping[str, str] | None = None,
                  where: str = "", what: str = "settings", given: Mapping[str, Any] | None = None,
                  defaults: Mapping[str, Any] | None = None) -> S:
    """Return `model` read from `given`, the variables, `toml_file` and `defaults`, first wins; or raise ConfigError.

    `where` names the file (or the table `given` came from) in messages; `what` says what it holds.
    """
    environ = os.environ if environ is None else environ
    prefix = model.model_config.get("env_prefix")

    class Reading(model):  # type: ignore[valid-type,misc]  # pydantic-settings takes a reading's file and sources from its class
        model_config = SettingsConfigDict(toml_file=toml_file)

        @classmethod
        def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                       **_others: PydanticBaseSettingsSource) -> tuple[PydanticBaseSettingsSource, ...]:
            variables = [_Variables(settings_cls, environ)] if prefix else []  # a file's own model has no prefix
            return (init_settings, *variables, TomlConfigSettingsSource(settings_cls),
                    InitSettingsSource(settings_cls, dict(defaults or {})))

    try:
        reading = Reading(**(given or {}))
    except OSError as exc:
        raise ConfigError(f"{toml_file}: cannot read {what}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{toml_file}: cannot read {what}, it is not valid TOML: {exc}") from exc
    except ValidationError as exc:
        raise ConfigError(_worded(exc.errors(include_url=False), prefix, environ, where)) from None
    return model.model_construct(reading.model_fields_set, **dict(reading))  # checked once, as the model's own class


def _worded(errors: list[Any], prefix: str | None, environ: Mapping[str, str], where: str) -> str:
    """Say the first bad setting in words, named as the variable that set it or as the file's key."""
    unknown = sorted(field_path(tuple(e["loc"])) for e in errors if e["type"] == "extra_forbidden")
    if prefix and unknown:  # a flat file beside variables: list every key it does not know
        return f"{where} has unknown settings: {', '.join(unknown)}"
    error, variable = errors[0], f"{prefix}{str(errors[0]['loc'][0]).upper()}" if prefix else ""
    if variable and (environ.get(variable) or not where):
        return _sentence(error, variable, table=False)
    sentence = _sentence(error, field_path(tuple(error["loc"])), table=not prefix)
    return f"{where}: {sentence}" if where else sentence


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
        key, words = next((key, words) for key, words in _BOUNDS.items() if key in ctx)
        number = "a number" if isinstance(ctx[key], float) else "a whole number"  # 0.0: a float field's limit
        rule = f"must be {number} {words} {ctx[key]:g}"
    else:
        rule = _RULES.get(kind) or error["msg"][0].lower() + error["msg"][1:]
    return f"{name} {rule}, got {_shown(error['input'])}"


def _shown(value: Any) -> str:
    """Show a value as it was written (TOML's true and false, not Python's)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)
