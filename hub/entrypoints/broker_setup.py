"""`passline broker config`: everything Mosquitto needs to serve one store, and the hub's two logins."""

from __future__ import annotations

import os
import pwd
from pathlib import Path
from urllib.parse import quote

from hub.adapters.mqtt.dynsec_acls import ADMIN_LOGIN, HUB_LOGIN
from hub.adapters.mqtt.mosquitto_files import (
    DYNSEC_FILE_NAME, TlsListener, new_hub_logins, render_broker_config, write_atomically, write_dynsec_file,
)
from hub.adapters.store_tls import TlsFiles

BROKER_ACCOUNT = "mosquitto"  # Debian's broker drops to this user before reading its files
TLS_CERT_NAME, TLS_KEY_NAME = "tls-cert.pem", "tls-key.pem"  # the hub's certificate, copied for the broker's account


def write_broker_config(store: str, out: Path, *, port: int, bind: str, data_dir: Path,
                        env_file: Path | None = None, tls_port: int | None = None,
                        hub_data_dir: Path | None = None) -> list[str]:
    """Render the config; on first run create the dynamic security file, the hub's logins and its env file.

    With tls_port and a hub whose data folder holds a certificate (`passline tls init`), the broker
    gets a TLS listener with a copy of it. Return what was done, in words (never a password).
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    tls, tls_done = _tls_listener(data_dir, tls_port, hub_data_dir)
    conf = render_broker_config(out, store=store, port=port, bind_address=bind, data_dir=data_dir, tls=tls)
    done = [f"wrote {conf} for store {store}, port {port} (dynamic security plugin, no anonymous logins)", *tls_done]
    dynsec_file = data_dir.resolve() / DYNSEC_FILE_NAME
    env_file = env_file or conf.parent / "hub.env"
    if dynsec_file.exists():
        done.append(f"kept the existing logins and roles in {dynsec_file}")
        return done + _hand_to_broker(data_dir)
    logins = new_hub_logins()
    write_dynsec_file(dynsec_file, store, logins[HUB_LOGIN], logins[ADMIN_LOGIN])
    host = "127.0.0.1" if bind in ("0.0.0.0", "::") else bind
    env_file.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(env_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(f"PASSLINE_STORE={store}\n"
                     f"PASSLINE_MQTT_URL={_url(HUB_LOGIN, logins[HUB_LOGIN], host, port)}\n"
                     f"PASSLINE_MQTT_ADMIN_URL={_url(ADMIN_LOGIN, logins[ADMIN_LOGIN], host, port)}\n")
    done.append(f"created the hub's logins ({HUB_LOGIN}, {ADMIN_LOGIN}) and the device roles in {dynsec_file}")
    done.append(f"wrote PASSLINE_STORE, PASSLINE_MQTT_URL and PASSLINE_MQTT_ADMIN_URL (with the hub's passwords) "
                f"to {env_file}, readable by its owner only")
    return done + _hand_to_broker(data_dir)


def _tls_listener(data_dir: Path, tls_port: int | None, hub_data_dir: Path | None) -> tuple[TlsListener | None, list[str]]:
    """Copy the hub's certificate and key where the broker's account can read them; return its listener."""
    files = TlsFiles.in_data_dir(hub_data_dir) if hub_data_dir else None
    if not tls_port or files is None or not files.ready:
        return None, ["no TLS listener: the hub has no certificate yet (run `passline tls init`, then this again)"]
    cert, key = data_dir.resolve() / TLS_CERT_NAME, data_dir.resolve() / TLS_KEY_NAME
    write_atomically(cert, files.cert.read_text(encoding="ascii"), mode=0o600)
    write_atomically(key, files.key.read_text(encoding="ascii"), mode=0o600)
    return TlsListener(tls_port, cert, key), [
        f"MQTT over TLS on port {tls_port} with the hub's certificate (copied to {cert}; run this again after "
        "`passline tls init` renews it, then restart Mosquitto)"]


def _url(login: str, password: str, host: str, port: int) -> str:
    return f"mqtt://{login}:{quote(password, safe='')}@{host}:{port}"


def _hand_to_broker(data_dir: Path) -> list[str]:
    """Give the broker's account its data folder (persistence and the dynamic security file), when run as root."""
    if os.geteuid() != 0:
        return []
    try:
        account = pwd.getpwnam(BROKER_ACCOUNT)
    except KeyError:
        return [f"no '{BROKER_ACCOUNT}' account here: make {data_dir} and what is in it the broker's own"]
    os.chown(data_dir, account.pw_uid, account.pw_gid)
    os.chmod(data_dir, 0o700)
    for path in data_dir.iterdir():
        if path.is_file():
            os.chown(path, account.pw_uid, account.pw_gid)
    return [f"gave {data_dir} to the '{BROKER_ACCOUNT}' account"]
