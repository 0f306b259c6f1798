"""Read the kiosks' and counters' settings from `frontdesk.toml` in the data directory."""

from __future__ import annotations

import tomllib
from pathlib import Path

from hub.domain.frontdesk import FrontdeskSettings


def load_frontdesk_settings(path: Path) -> FrontdeskSettings:
    """Return the settings in a TOML file, or the defaults when there is none; bad values name the key."""
    if not path.exists():
        return FrontdeskSettings()
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: cannot read front-desk settings: {exc}") from exc
    return FrontdeskSettings.from_mapping(data, where=str(path))
