"""The headquarters service's settings, read once from PASSLINE_CLOUD_* environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PORT = 8100  # the hub has 8000; both run on one machine in the demo
DEFAULT_THREADS = 16
DEFAULT_SESSION_HOURS = 12


class CloudConfigError(ValueError):
    """A setting that cannot be used, named."""


@dataclass(frozen=True, kw_only=True)
class CloudSettings:
    """Where HQ keeps its data and how it listens."""

    data_dir: Path
    database_url: str
    http_host: str = "0.0.0.0"
    http_port: int = DEFAULT_PORT
    http_threads: int = DEFAULT_THREADS
    session_hours: int = DEFAULT_SESSION_HOURS
    password_cost: str = "production"  # "cheapest" only in tests: argon2's smallest parameters


def load_cloud_settings(env: Mapping[str, str] | None = None) -> CloudSettings:
    """Read the settings from the environment (os.environ by default)."""
    env = os.environ if env is None else env
    data_dir = Path(env.get("PASSLINE_CLOUD_DATA_DIR", "cloud-data")).absolute()
    database_url = env.get("PASSLINE_CLOUD_DATABASE_URL") or f"sqlite:///{data_dir / 'cloud.db'}"
    return CloudSettings(
        data_dir=data_dir,
        database_url=database_url,
        http_host=env.get("PASSLINE_CLOUD_HTTP_HOST", "0.0.0.0"),
        http_port=_number(env, "PASSLINE_CLOUD_HTTP_PORT", DEFAULT_PORT),
        http_threads=_number(env, "PASSLINE_CLOUD_HTTP_THREADS", DEFAULT_THREADS),
        session_hours=_number(env, "PASSLINE_CLOUD_SESSION_HOURS", DEFAULT_SESSION_HOURS),
        password_cost=env.get("PASSLINE_CLOUD_PASSWORD_COST", "production"),
    )


def _number(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise CloudConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < 0:
        raise CloudConfigError(f"{name} must not be negative")
    return value
