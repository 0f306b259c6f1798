"""Read the kiosks' and counters' settings from `frontdesk.toml` in the data directory."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

from hub.adapters.receipt_secret import load_secret
from hub.domain.frontdesk_settings import FrontdeskSettings


def load_frontdesk_settings(path: Path) -> FrontdeskSettings:
    """Return the settings in a TOML file (or the defaults), with the hub's secret from the same data folder."""
    settings = FrontdeskSettings()
    if path.exists():
        try:
            data = tomllib.loads(path.read_text())
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ValueError(f"{path}: cannot read front-desk settings: {exc}") from exc
        settings = FrontdeskSettings.from_mapping(data, where=str(path))
    # Loading the secret also makes the data folder 0700 and its files 0600 at every start.
    return replace(settings, member_secret=load_secret(path.parent))
