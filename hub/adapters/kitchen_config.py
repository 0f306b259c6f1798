"""Read the kitchen's display settings from `displays.toml` in the data directory.

The file's shape is a pydantic-settings model here; the domain gets the plain `KitchenSettings` it is turned into.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import SettingsConfigDict

from hub.domain.kitchen import KitchenSettings
from hub.settings_files import FileSettings, read_settings

DEFAULTS = KitchenSettings()
Seconds = Annotated[int, Field(ge=1)]
# TOML has types ("5" is not a number, 1 is not true); keys it does not know are left alone, as they always were.
TOML_TABLE = ConfigDict(strict=True)


class StationTimes(BaseModel):
    """`[stations.<station>]`: the station's own timer colours; each left out is the store's."""

    model_config = TOML_TABLE
    yellow_after_s: Seconds | None = None
    red_after_s: Seconds | None = None


class DisplaysFile(FileSettings):
    """displays.toml: expo's bump, timer colours for every station and per station, bump bars and scanners."""

    model_config = SettingsConfigDict(strict=True, extra="ignore")
    expo_required: bool = DEFAULTS.expo_required
    yellow_after_s: Seconds = DEFAULTS.yellow_after_s
    red_after_s: Seconds = DEFAULTS.red_after_s
    stations: dict[str, StationTimes] = {}
    bump_bars: dict[str, str] = {}  # bump bar device id -> station
    scanners: dict[str, str] = {}  # barcode scanner device id -> pick zone


def kitchen_settings_from(data: dict | None = None, where: str = "displays.toml", path: Path | None = None) -> KitchenSettings:
    """Build settings from displays.toml's keys and tables (`data`, or the file at `path`); a bad value names the key."""
    file = read_settings(DisplaysFile, toml_file=path, given=data, where=where, what="display settings")
    return KitchenSettings(
        expo_required=file.expo_required, yellow_after_s=file.yellow_after_s, red_after_s=file.red_after_s,
        thresholds={station: (times.yellow_after_s or file.yellow_after_s, times.red_after_s or file.red_after_s)
                    for station, times in file.stations.items()},
        bump_bars=file.bump_bars, scanners=file.scanners,
    )


def load_kitchen_settings(path: Path) -> KitchenSettings:
    """Return the settings in a TOML file, or the defaults when there is none; bad values name the key."""
    if not path.exists():
        return KitchenSettings()
    return kitchen_settings_from(where=str(path), path=path)
