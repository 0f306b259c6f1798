"""Read the kitchen's display settings from `displays.toml` in the data directory."""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path

from hub.domain.kitchen import KitchenSettings

logger = logging.getLogger(__name__)


def load_kitchen_settings(path: Path) -> KitchenSettings:
    """Return the settings in a TOML file, or the defaults when there is none; bad values name the key."""
    if not path.exists():
        return KitchenSettings()
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: cannot read display settings: {exc}") from exc
    return KitchenSettings.from_mapping(data, where=str(path))
