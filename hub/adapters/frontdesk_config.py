"""Read the kiosks' and counters' settings from `frontdesk.toml` in the data directory.

The file's shape is a pydantic-settings model here; the domain gets the plain `FrontdeskSettings` it is turned into.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_settings import SettingsConfigDict

from hub.adapters.receipt_secret import load_secret
from hub.domain.frontdesk_settings import (
    PAY_AT_COUNTER_CHOICES,
    REMOTE_ORDER_CHOICES,
    SUPPORTED_LANGUAGES,
    FrontdeskSettings,
)
from hub.settings_files import FileSettings, read_settings

DEFAULTS = FrontdeskSettings()
AtLeastOne = Annotated[int, Field(ge=1)]
TOML_TABLE = ConfigDict(extra="forbid", strict=True)  # TOML has types: "5" is not a number, true is not 1


class KioskTable(BaseModel):
    """`[kiosk]` in frontdesk.toml."""

    model_config = TOML_TABLE
    idle_s: AtLeastOne = DEFAULTS.idle_s
    still_there_s: AtLeastOne = DEFAULTS.still_there_s
    pay_at_counter: Literal[PAY_AT_COUNTER_CHOICES] = DEFAULTS.pay_at_counter
    languages: list[str] = list(DEFAULTS.languages)
    default_language: str | None = None  # the first of `languages`
    unpaid_hold_minutes: AtLeastOne = DEFAULTS.unpaid_hold_minutes

    @field_validator("languages")
    @classmethod
    def _supported(cls, languages: list[str]) -> list[str]:
        if not languages or not set(languages) <= set(SUPPORTED_LANGUAGES):
            raise ValueError(f"must list some of {', '.join(SUPPORTED_LANGUAGES)}, got {languages!r}")
        return languages

    @field_validator("default_language")
    @classmethod
    def _offered(cls, language: str | None, info: ValidationInfo) -> str | None:
        if language is not None and language not in info.data.get("languages", [language]):
            raise ValueError(f"must be one of kiosk.languages, got {language!r}")
        return language


class CounterTable(BaseModel):
    """`[counter]` in frontdesk.toml."""

    model_config = TOML_TABLE
    discount_limit_percent: Annotated[int, Field(ge=0)] = DEFAULTS.discount_limit_percent
    remote_orders: Literal[REMOTE_ORDER_CHOICES] = DEFAULTS.remote_orders
    quote_step_minutes: AtLeastOne = DEFAULTS.quote_step_minutes
    receipt_url: str | None = DEFAULTS.receipt_url
    gift_card_max: AtLeastOne = DEFAULTS.gift_card_max
    offline_points_limit: Annotated[int, Field(ge=0)] = DEFAULTS.offline_points_limit
    auto_close_day: bool = DEFAULTS.auto_close_day

    @field_validator("receipt_url")
    @classmethod
    def _web_address(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith(("http://", "https://")):
            raise ValueError(f"must start with http:// or https://, got {url!r}")
        return url.rstrip("/") if url else None


class FrontdeskFile(FileSettings):
    """frontdesk.toml: a `[kiosk]` and a `[counter]` table, both optional."""

    model_config = SettingsConfigDict(strict=True)
    kiosk: KioskTable = KioskTable()
    counter: CounterTable = CounterTable()


def frontdesk_settings_from(data: dict | None = None, where: str = "frontdesk.toml",
                            path: Path | None = None) -> FrontdeskSettings:
    """Build settings from frontdesk.toml's tables (`data`, or the file at `path`); a bad value names `where` and the key."""
    file = read_settings(FrontdeskFile, toml_file=path, given=data, where=where, what="front-desk settings")
    kiosk, counter = file.kiosk, file.counter
    return FrontdeskSettings(
        **kiosk.model_dump(exclude={"languages", "default_language"}), **counter.model_dump(),
        languages=tuple(kiosk.languages), default_language=kiosk.default_language or kiosk.languages[0],
    )


def load_frontdesk_settings(path: Path) -> FrontdeskSettings:
    """Return the settings in a TOML file (or the defaults), with the hub's secret from the same data folder."""
    settings = FrontdeskSettings()
    if path.exists():
        settings = frontdesk_settings_from(where=str(path), path=path)
    # Loading the secret also makes the data folder 0700 and its files 0600 at every start.
    return replace(settings, member_secret=load_secret(path.parent))
