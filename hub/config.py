"""Settings, read once from `PASSLINE_*` environment variables and an optional TOML file."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field, model_validator
from pydantic_settings import SettingsConfigDict

from hub.settings_files import ConfigError, FileSettings, read_settings  # ConfigError: callers import it from here

DEFAULT_STORE = "demo"
TLS_FOLDER = "tls"  # <data dir>/tls: the store CA and the hub's certificate (`passline tls init`)
STORE_CA_FILE = "ca.crt"
DEFAULT_HTTP_HOST = "0.0.0.0"
DEFAULT_HTTP_PORT = 8000
DEFAULT_HTTPS_PORT = 8443  # once `passline tls init` made a certificate; the HTTP port then redirects here
DEFAULT_BROKER_HOST = "0.0.0.0"
DEFAULT_BROKER_PORT = 1883
DEFAULT_BROKER_TLS_PORT = 8883  # Mosquitto's TLS listener, once there is a certificate
DEFAULT_TIMEZONE = "UTC"
DEFAULT_DAY_STARTS_AT_HOUR = 4  # an order at 01:30 after a late shift still belongs to the day before


def _topic_level(store: str) -> str:
    if not store or any(c in store for c in "/+#") or not store.isprintable():
        raise ValueError(f"must not be empty or contain / + # (got {store!r})")
    return store


def _known_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not a known time zone, e.g. Europe/Berlin") from None
    return name


def _mqtt_url(url: str) -> str:
    _mqtt_target(url)  # its message never shows the URL: it may hold a password
    return url


# What load_settings checks each setting against (pydantic-settings reads these; `model_copy` does not check again).
Port = Annotated[int, Field(ge=0, le=65535)]  # 0: a free one, chosen at start
Hour = Annotated[int, Field(ge=0, le=23)]
StoreId = Annotated[str, AfterValidator(_topic_level)]  # the second level of every MQTT topic
TimeZoneName = Annotated[str, AfterValidator(_known_zone)]
MqttUrl = Annotated[str, AfterValidator(_mqtt_url)]


@dataclass(frozen=True, kw_only=True)
class MqttTarget:
    """Where and as whom to reach an MQTT broker."""

    host: str
    port: int
    username: str | None = None
    password: str | None = None
    tls: bool = False  # MQTT over TLS, the broker's certificate verified
    ca_file: str | None = None  # the CA to verify it with (the store CA); None: the system's

    def __repr__(self) -> str:
        return (f"MqttTarget(host={self.host!r}, port={self.port}, username={self.username!r}, password=***, "
                f"tls={self.tls})")

    @property
    def address(self) -> str:
        """Return `mqtt://host:port` (`mqtts://` over TLS), without credentials, for logs and screens."""
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"


class Settings(FileSettings):
    """Everything the hub reads from its environment, checked once at start by `load_settings`.

    pydantic-settings reads each field from `PASSLINE_<FIELD>` or, below it, the TOML file named by PASSLINE_CONFIG.
    """

    model_config = SettingsConfigDict(env_prefix="PASSLINE_")
    store: StoreId = DEFAULT_STORE
    data_dir: Annotated[Path, AfterValidator(Path.expanduser)]
    database_url: str  # left out: passline.db in the data folder
    mqtt_url: MqttUrl | None = None
    mqtt_admin_url: MqttUrl | None = None  # a store's own Mosquitto: the hub's dynamic-security login
    http_host: str = DEFAULT_HTTP_HOST
    http_port: Port = DEFAULT_HTTP_PORT
    https_port: Port = DEFAULT_HTTPS_PORT
    broker_host: str = DEFAULT_BROKER_HOST
    broker_port: Port = DEFAULT_BROKER_PORT
    broker_tls_port: Port = DEFAULT_BROKER_TLS_PORT
    timezone: TimeZoneName = DEFAULT_TIMEZONE
    day_starts_at_hour: Hour = DEFAULT_DAY_STARTS_AT_HOUR

    @model_validator(mode="before")
    @classmethod
    def _database_in_data_dir(cls, values: Any) -> Any:
        if isinstance(values, dict) and not values.get("database_url") and isinstance(values.get("data_dir"), str | Path):
            return {**values, "database_url": f"sqlite:///{Path(values['data_dir']).expanduser() / 'passline.db'}"}
        return values

    def __repr_args__(self) -> Any:
        """Show the settings without the passwords in the URLs (repr and str both use this)."""
        shown = dict(self)
        shown["mqtt_url"] = self.mqtt.address if self.mqtt_url else None
        shown["mqtt_admin_url"] = parse_mqtt_url(self.mqtt_admin_url).address if self.mqtt_admin_url else None
        shown["database_url"] = hide_password(self.database_url)
        return shown.items()

    @property
    def supervised_broker(self) -> bool:
        """Return True when the hub must start and supervise its own Mosquitto."""
        return not self.mqtt_url

    @property
    def mqtt(self) -> MqttTarget:
        """Return the broker to connect to: the configured one, or the supervised one on loopback (no login)."""
        if not self.mqtt_url:
            loopback = {"0.0.0.0": "127.0.0.1", "::": "::1"}
            host = loopback.get(self.broker_host, self.broker_host)
            return MqttTarget(host=host, port=self.broker_port)
        return self.with_store_ca(parse_mqtt_url(self.mqtt_url))

    def with_store_ca(self, target: MqttTarget) -> MqttTarget:
        """Return an mqtts:// target verified against the store CA once there is one (else the system's CAs)."""
        if target.tls and self.store_ca_file.is_file():
            return replace(target, ca_file=str(self.store_ca_file))
        return target

    @property
    def store_ca_file(self) -> Path:
        """Return where the store CA's certificate is (once `passline tls init` made it)."""
        return self.data_dir / TLS_FOLDER / STORE_CA_FILE

    @property
    def zone(self) -> ZoneInfo:
        """Return the store's time zone."""
        return ZoneInfo(self.timezone)


def parse_mqtt_url(url: str, name: str = "PASSLINE_MQTT_URL") -> MqttTarget:
    """Parse `mqtt://user:pass@host:port` (port 1883 when left out), or `mqtts://` over TLS (port 8883)."""
    try:
        return _mqtt_target(url)
    except ValueError as exc:
        raise ConfigError(f"{name} {exc}") from None


def _mqtt_target(url: str) -> MqttTarget:
    parts = urlsplit(url)
    if parts.scheme not in ("mqtt", "mqtts"):
        raise ValueError(f"must start with mqtt:// or mqtts:// (got scheme {parts.scheme or 'none'!r})")
    if not parts.hostname:
        raise ValueError("has no host name")
    try:
        port = parts.port or (8883 if parts.scheme == "mqtts" else 1883)
    except ValueError:
        raise ValueError("has a port that is not a number from 1 to 65535") from None
    return MqttTarget(
        host=parts.hostname,
        port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        tls=parts.scheme == "mqtts",
    )


def hide_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


DEMO_MARKER = ".passline-demo"  # written by `passline demo` into the data folder it made


def checkout_data_dir(cwd: Path | None = None) -> Path | None:
    """Return ./data when the current folder is a Passline checkout where `make demo` made its data folder."""
    cwd = Path.cwd() if cwd is None else cwd
    data = cwd / "data"
    if (data / DEMO_MARKER).is_file() or ((data / "passline.db").is_file() and (cwd / "hub" / "config.py").is_file()):
        return data
    return None


def default_data_dir(env: Mapping[str, str], cwd: Path | None = None) -> Path:
    """Return where the hub keeps its database and state when PASSLINE_DATA_DIR is not set.

    Run from a checkout after `make demo` (which sets PASSLINE_DATA_DIR=./data), that is the demo's
    ./data, so `passline printers list` there acts on the running demo; else the user's data folder.
    """
    found = checkout_data_dir(cwd)
    if found is not None:
        return found
    base = env.get("XDG_DATA_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".local" / "share")
    return Path(base) / "passline"


def load_settings(env: Mapping[str, str] | None = None, config_file: Path | None = None,
                  cwd: Path | None = None) -> Settings:
    """Read settings: the TOML file (PASSLINE_CONFIG) first, environment variables over it (cwd: for ./data)."""
    env = os.environ if env is None else env
    path = config_file or (Path(env["PASSLINE_CONFIG"]) if env.get("PASSLINE_CONFIG") else None)
    if path is not None and not path.exists():
        raise ConfigError(f"config file {path} does not exist (PASSLINE_CONFIG)")
    return read_settings(Settings, toml_file=path, environ=env, where=f"config file {path}" if path else "",
                         what="the config file (PASSLINE_CONFIG)", defaults={"data_dir": default_data_dir(env, cwd)})
