"""Read the agent's TOML config: an [agent] table and one [[hardware]] table per device."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class AgentConfigError(ValueError):
    """The agent config is missing something or has a wrong value; the message names it."""


@dataclass(frozen=True)
class HardwareConfig:
    """One [[hardware]] table: its name, type and the options its driver reads."""

    name: str
    type: str
    options: dict = field(default_factory=dict)


@dataclass(frozen=True)
class AgentConfig:
    """The whole agent config."""

    device_id: str
    store: str
    mqtt_url: str
    spool_dir: Path
    hardware: tuple[HardwareConfig, ...]
    resend_s: float = 5.0
    health_s: float = 1.0
    ca_file: Path | None = None  # the store CA that the broker's TLS certificate must verify against (mqtts://)


def _text(table: dict, key: str, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value:
        raise AgentConfigError(f"{where}.{key} is required (a non-empty string)")
    return value


def parse_config(data: dict, base_dir: Path = Path(".")) -> AgentConfig:
    """Check and return an agent config from parsed TOML; relative paths are taken from base_dir."""
    agent = data.get("agent")
    if not isinstance(agent, dict):
        raise AgentConfigError("[agent] table is missing")
    device_id = _text(agent, "device_id", "agent")
    store = _text(agent, "store", "agent")
    for key, value in (("device_id", device_id), ("store", store)):
        if not _ID.match(value):
            raise AgentConfigError(f"agent.{key} {value!r} may hold only letters, digits, '.', '_' and '-'")
    mqtt_url = _text(agent, "mqtt_url", "agent")
    parts = urlsplit(mqtt_url)
    if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
        raise AgentConfigError("agent.mqtt_url must look like mqtt://<device id>:<password>@<host>:1883")
    spool_dir = Path(_text(agent, "spool_dir", "agent"))
    if not spool_dir.is_absolute():
        spool_dir = base_dir / spool_dir
    ca_file = Path(_text(agent, "ca_file", "agent")) if "ca_file" in agent else None
    if ca_file is not None and not ca_file.is_absolute():
        ca_file = base_dir / ca_file
    tables = data.get("hardware", [])
    if not isinstance(tables, list) or not tables:
        raise AgentConfigError("at least one [[hardware]] table is required")
    hardware, names = [], set()
    for index, table in enumerate(tables):
        where = f"hardware[{index}]"
        name = _text(table, "name", where)
        if name in names:
            raise AgentConfigError(f"{where}.name {name!r} is used twice")
        names.add(name)
        options = {k: v for k, v in table.items() if k not in ("name", "type")}
        hardware.append(HardwareConfig(name=name, type=_text(table, "type", where), options=options))
    return AgentConfig(
        device_id=device_id, store=store, mqtt_url=mqtt_url, spool_dir=spool_dir, hardware=tuple(hardware),
        resend_s=float(agent.get("resend_s", 5.0)), health_s=float(agent.get("health_s", 1.0)), ca_file=ca_file,
    )


def load_config(path: Path) -> AgentConfig:
    """Read and check the agent config file."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AgentConfigError(f"{path}: no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise AgentConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(data, Path(path).resolve().parent)


def enrolled_agent_table(device_id: str, store: str, mqtt_url: str, spool_dir: str, ca_file: str | None = None) -> str:
    """Return the [agent] table an enrolment writes (TOML basic strings, so quotes and backslashes are escaped)."""
    def quoted(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return (f"[agent]\n# Written by `passline agent --claim`: this device's own broker login. Keep this file private.\n"
            f"device_id = {quoted(device_id)}\nstore = {quoted(store)}\nmqtt_url = {quoted(mqtt_url)}\n"
            f"spool_dir = {quoted(spool_dir)}\n"
            + (f"# The store CA, from the hub at enrolment: the broker's certificate must verify against it.\n"
               f"ca_file = {quoted(ca_file)}\n" if ca_file else ""))


def write_enrolment(path: Path, device_id: str, store: str, mqtt_url: str, ca_file: str | None = None) -> None:
    """Put an enrolment's [agent] table into the config file, keep its [[hardware]] tables, mode 0600 from the start."""
    path = Path(path)
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    spool_dir = f"spool-{device_id}"
    if old:
        previous = tomllib.loads(old).get("agent", {})
        spool_dir = previous.get("spool_dir", spool_dir) if isinstance(previous, dict) else spool_dir
    rest = _without_agent_table(old)
    text = enrolled_agent_table(device_id, store, mqtt_url, spool_dir, ca_file) + ("\n" + rest.lstrip("\n") if rest.strip() else "")
    temporary = path.with_name(f".{path.name}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.chmod(temporary, 0o600)  # an older temp file keeps its mode through O_CREAT
    os.replace(temporary, path)


def _without_agent_table(text: str) -> str:
    """Return a TOML text without its [agent] table; every other table and comment stays."""
    kept, inside = [], False
    for line in text.splitlines(keepends=True):
        header = line.strip()
        if header.startswith("["):
            inside = header.split("#")[0].strip() == "[agent]"
        if not inside:
            kept.append(line)
    return "".join(kept)
