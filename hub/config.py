"""Settings, read once from `PASSLINE_*` environment variables and an optional TOML file."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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
DEFAULT_HTTP_THREADS = 64  # every open display holds one thread (simple-websocket)


class ConfigError(ValueError):
    """A setting has a value Passline cannot use; the message names it."""


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


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything the hub reads from its environment, checked once at start."""

    store: str = DEFAULT_STORE
    data_dir: Path
    database_url: str
    mqtt_url: str | None = None
    mqtt_admin_url: str | None = None  # a store's own Mosquitto: the hub's dynamic-security login
    http_host: str = DEFAULT_HTTP_HOST
    http_port: int = DEFAULT_HTTP_PORT
    https_port: int = DEFAULT_HTTPS_PORT
    http_threads: int = DEFAULT_HTTP_THREADS
    broker_host: str = DEFAULT_BROKER_HOST
    broker_port: int = DEFAULT_BROKER_PORT
    broker_tls_port: int = DEFAULT_BROKER_TLS_PORT
    timezone: str = DEFAULT_TIMEZONE
    day_starts_at_hour: int = DEFAULT_DAY_STARTS_AT_HOUR

    def __repr__(self) -> str:
        shown = {f.name: getattr(self, f.name) for f in fields(self)}
        shown["mqtt_url"] = self.mqtt.address if self.mqtt_url else None
        shown["mqtt_admin_url"] = parse_mqtt_url(self.mqtt_admin_url).address if self.mqtt_admin_url else None
        shown["database_url"] = hide_password(self.database_url)
        return "Settings(" + ", ".join(f"{k}={v!r}" for k, v in shown.items()) + ")"

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
    parts = urlsplit(url)
    if parts.scheme not in ("mqtt", "mqtts"):
        raise ConfigError(f"{name} must start with mqtt:// or mqtts:// (got scheme {parts.scheme or 'none'!r})")
    if not parts.hostname:
        raise ConfigError(f"{name} has no host name")
    try:
        port = parts.port or (8883 if parts.scheme == "mqtts" else 1883)
    except ValueError:
        raise ConfigError(f"{name} has a port that is not a number from 1 to 65535") from None
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


def default_data_dir(env: Mapping[str, str]) -> Path:
    """Return where the hub keeps its database and state when PASSLINE_DATA_DIR is not set."""
    base = env.get("XDG_DATA_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".local" / "share")
    return Path(base) / "passline"


def load_settings(env: Mapping[str, str] | None = None, config_file: Path | None = None) -> Settings:
    """Read settings: the TOML file (PASSLINE_CONFIG) first, environment variables over it."""
    env = os.environ if env is None else env
    values: dict[str, object] = {}
    path = config_file or (Path(env["PASSLINE_CONFIG"]) if env.get("PASSLINE_CONFIG") else None)
    if path is not None:
        try:
            values.update(tomllib.loads(path.read_text()))
        except FileNotFoundError:
            raise ConfigError(f"config file {path} does not exist (PASSLINE_CONFIG)") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    known = {f.name for f in fields(Settings)}
    unknown = set(values) - known
    if unknown:
        raise ConfigError(f"config file {path} has unknown settings: {', '.join(sorted(unknown))}")
    for name in known:
        key = f"PASSLINE_{name.upper()}"
        if env.get(key):
            values[name] = env[key]
    return _checked(values, env)


def _checked(values: dict[str, object], env: Mapping[str, str]) -> Settings:
    for name in ("http_port", "https_port", "broker_port", "broker_tls_port", "http_threads", "day_starts_at_hour"):
        if name in values:
            values[name] = _integer(name, values[name])
    for name in ("http_port", "https_port", "broker_port", "broker_tls_port"):
        if name in values and not 0 <= values[name] <= 65535:
            raise ConfigError(f"PASSLINE_{name.upper()} must be a port from 0 to 65535, got {values[name]}")
    if not 0 <= values.get("day_starts_at_hour", DEFAULT_DAY_STARTS_AT_HOUR) <= 23:
        raise ConfigError("PASSLINE_DAY_STARTS_AT_HOUR must be an hour from 0 to 23")
    store = str(values.get("store", DEFAULT_STORE))
    if not store or any(c in store for c in "/+#") or not store.isprintable():
        raise ConfigError(f"PASSLINE_STORE {store!r} must not be empty or contain / + #")
    values["store"] = store
    data_dir = Path(str(values.get("data_dir") or default_data_dir(env))).expanduser()
    values["data_dir"] = data_dir
    values.setdefault("database_url", f"sqlite:///{data_dir / 'passline.db'}")
    try:
        ZoneInfo(str(values.get("timezone", DEFAULT_TIMEZONE)))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"PASSLINE_TIMEZONE {values.get('timezone')!r} is not a known time zone, e.g. Europe/Berlin") from None
    settings = Settings(**values)  # type: ignore[arg-type]
    if settings.mqtt_url:
        parse_mqtt_url(settings.mqtt_url)
    if settings.mqtt_admin_url:
        parse_mqtt_url(settings.mqtt_admin_url, "PASSLINE_MQTT_ADMIN_URL")
    return settings


def _integer(name: str, value: object) -> int:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ConfigError(f"PASSLINE_{name.upper()} must be a whole number, got {value!r}") from None
