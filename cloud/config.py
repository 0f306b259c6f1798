"""The headquarters service's settings, read once by pydantic-settings from PASSLINE_CLOUD_* environment variables."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, Field, model_validator
from pydantic_settings import SettingsConfigDict

from hub.settings_files import ConfigError, FileSettings, read_settings

DEFAULT_PORT = 8100  # the hub has 8000; both run on one machine in the demo
DEFAULT_THREADS = 16
DEFAULT_SESSION_HOURS = 12
Count = Annotated[int, Field(ge=0)]
CloudConfigError = ConfigError  # a setting that cannot be used, named (the CLI catches it by this name)


class CloudSettings(FileSettings):
    """Where HQ keeps its data and how it listens."""

    model_config = SettingsConfigDict(env_prefix="PASSLINE_CLOUD_")
    data_dir: Annotated[Path, AfterValidator(Path.absolute)] = Path("cloud-data")
    database_url: str  # left out: cloud.db in the data folder
    http_host: str = "0.0.0.0"
    http_port: Count = DEFAULT_PORT
    http_threads: Count = DEFAULT_THREADS
    session_hours: Count = DEFAULT_SESSION_HOURS
    password_cost: str = "production"  # "cheapest" only in tests: argon2's smallest parameters

    @model_validator(mode="before")
    @classmethod
    def _database_in_data_dir(cls, values: Any) -> Any:
        if isinstance(values, dict) and not values.get("database_url") and isinstance(values.get("data_dir", ""), str | Path):
            data_dir = Path(values.get("data_dir") or "cloud-data").absolute()
            return {**values, "database_url": f"sqlite:///{data_dir / 'cloud.db'}"}
        return values


def load_cloud_settings(env: Mapping[str, str] | None = None) -> CloudSettings:
    """Read the settings from the environment (os.environ by default); a bad value raises ConfigError naming it."""
    return read_settings(CloudSettings, environ=env)
