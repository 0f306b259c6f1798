"""The link's settings and what `passline cloud link` keeps in the data folder (the store token, 0600)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from hub.settings_files import FileSettings, read_settings

LINK_FOLDER = "cloud"  # <data dir>/cloud, 0700
LINK_FILE = "link.json"  # HQ's address and the store code it enrolled
TOKEN_FILE = "token"  # the store token, 0600; never logged, never shown
DEFAULT_PULL_SECONDS = 3.0  # how often feeds are read when nothing asked sooner; a change reaches kiosks within this
DEFAULT_PUSH_SECONDS = 1.0  # how often the outbox is looked at; a new entry wakes the sender at once anyway
DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_OFFLINE_BANNER_SECONDS = 60.0  # staff screens show a quiet banner once HQ has been unreachable this long
Seconds = Annotated[float, Field(ge=0.0)]


class CloudSettings(FileSettings):
    """How the hub reaches its headquarters; read once by pydantic-settings from `PASSLINE_HQ_*` and the link file."""

    model_config = SettingsConfigDict(env_prefix="PASSLINE_HQ_")
    folder: Path  # where the link is kept, beside the hub's data: given, never a variable
    url: str | None = None
    pull_seconds: Seconds = DEFAULT_PULL_SECONDS
    push_seconds: Seconds = DEFAULT_PUSH_SECONDS
    timeout_seconds: Seconds = DEFAULT_TIMEOUT_SECONDS
    offline_banner_seconds: Seconds = DEFAULT_OFFLINE_BANNER_SECONDS

    @property
    def token_file(self) -> Path:
        """Return where the store token is kept."""
        return self.folder / TOKEN_FILE

    @property
    def linked(self) -> bool:
        """Say whether this store was linked to HQ (`passline cloud link`)."""
        return self.url is not None and self.token_file.is_file()

    def token(self) -> str:
        """Read the store token (only when sending a request)."""
        return self.token_file.read_text(encoding="utf-8").strip()


def load_cloud_settings(data_dir: Path, env: Mapping[str, str] | None = None) -> CloudSettings:
    """Read the link file in the data folder, with `PASSLINE_HQ_*` over it; a bad variable raises ConfigError naming it."""
    folder = data_dir / LINK_FOLDER
    return read_settings(CloudSettings, environ=env, given={"folder": folder}, defaults={"url": _linked_url(folder)})


def _linked_url(folder: Path) -> str | None:
    """Return HQ's address from the link file `passline cloud link` wrote; none (not linked) when it is missing or broken."""
    try:
        return json.loads((folder / LINK_FILE).read_text(encoding="utf-8")).get("url")
    except (FileNotFoundError, ValueError, AttributeError):
        return None


def save_link(data_dir: Path, url: str, store: str, token: str) -> Path:
    """Keep HQ's address and the store token in the data folder: the folder 0700, the token 0600."""
    folder = data_dir / LINK_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    token_path = folder / TOKEN_FILE
    fresh = folder / (TOKEN_FILE + ".new")
    descriptor = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(token + "\n")
    os.replace(fresh, token_path)
    (folder / LINK_FILE).write_text(json.dumps({"url": url, "store": store}) + "\n", encoding="utf-8")
    return token_path
