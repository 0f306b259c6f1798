"""Printer profiles: model, characters per line and code page, from firmware_configs/printers/."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

PROFILES_DIR = Path(__file__).resolve().parents[2] / "firmware_configs" / "printers"
DEFAULT_PROFILE = "epson-tm-t88v"


class ProfileError(ValueError):
    """A printer profile is missing or malformed."""


@dataclass(frozen=True)
class PrinterProfile:
    """What a layout needs to know about a printer model."""

    name: str
    model: str
    escpos_profile: str
    columns: int
    code_page: str = "CP858"
    cut: str = "partial"


def load_profile(name: str, directory: Path | None = None) -> PrinterProfile:
    """Load profile `name` from `<directory>/<name>.toml`."""
    directory = directory or PROFILES_DIR
    path = directory / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in directory.glob("*.toml"))) or "none"
        raise ProfileError(f"printer profile {name!r} not found in {directory} (known: {known})")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        profile = PrinterProfile(
            name=name,
            model=str(data["model"]),
            escpos_profile=str(data["escpos_profile"]),
            columns=int(data["columns"]),
            code_page=str(data.get("code_page", "CP858")),
            cut=str(data.get("cut", "partial")),
        )
    except (tomllib.TOMLDecodeError, KeyError, ValueError) as exc:
        raise ProfileError(f"printer profile {path} is invalid: {exc}") from exc
    if not 16 <= profile.columns <= 64:
        raise ProfileError(f"printer profile {path}: columns must be 16..64, not {profile.columns}")
    if profile.cut not in ("partial", "full"):
        raise ProfileError(f"printer profile {path}: cut must be partial or full")
    return profile
