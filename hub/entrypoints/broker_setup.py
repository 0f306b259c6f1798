"""`passline broker config`: everything Mosquitto needs to serve one store, and the hub's login."""

from __future__ import annotations

import os
import pwd
import secrets
from pathlib import Path
from urllib.parse import quote

from hub.adapters.mqtt.mosquitto_files import PASSWORD_FILE_NAME, render_broker_config, write_password_file

HUB_LOGIN = "hub"
PASSWORD_BYTES = 24  # 192 bits: the hub's password is never typed by a person
BROKER_ACCOUNT = "mosquitto"  # Debian's broker drops to this user before reading its files


def write_broker_config(store: str, out: Path, *, port: int, bind: str, data_dir: Path,
                        env_file: Path | None = None) -> list[str]:
    """Render the config; on first run create the hub's login and its env file. Return what was done."""
    conf = render_broker_config(out, store=store, port=port, bind_address=bind, data_dir=data_dir)
    done = [f"wrote {conf} and {conf.parent / 'acl'} for store {store}, port {port}"]
    password_file = conf.parent / PASSWORD_FILE_NAME
    env_file = env_file or conf.parent / "hub.env"
    if password_file.exists():
        done.append(f"kept the existing logins in {password_file}")
        return done + _hand_to_broker(password_file, data_dir)
    password = secrets.token_urlsafe(PASSWORD_BYTES)
    write_password_file(password_file, {HUB_LOGIN: password})
    host = "127.0.0.1" if bind in ("0.0.0.0", "::") else bind
    env_file.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(env_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(f"PASSLINE_STORE={store}\nPASSLINE_MQTT_URL=mqtt://{HUB_LOGIN}:{quote(password, safe='')}@{host}:{port}\n")
    done.append(f"created the hub's login in {password_file}")
    done.append(f"wrote PASSLINE_STORE and PASSLINE_MQTT_URL (with the hub's password) to {env_file}, readable by its owner only")
    return done + _hand_to_broker(password_file, data_dir)


def _hand_to_broker(password_file: Path, data_dir: Path) -> list[str]:
    """Give the broker's account its password file and persistence folder, when run as root."""
    if os.geteuid() != 0:
        return []
    try:
        account = pwd.getpwnam(BROKER_ACCOUNT)
    except KeyError:
        return [f"no '{BROKER_ACCOUNT}' account here: make {password_file} and {data_dir} the broker's own"]
    for path in (password_file, data_dir):
        os.chown(path, account.pw_uid, account.pw_gid)
    return [f"gave {password_file} and {data_dir} to the '{BROKER_ACCOUNT}' account"]
