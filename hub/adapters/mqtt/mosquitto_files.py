"""Write the files a Mosquitto 2 broker for the hub reads: its config and its dynamic security file."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hub.adapters.mqtt.dynsec_acls import (
    ADMIN_LOGIN, ADMIN_ROLE, DEFAULT_ACL_ACCESS, HUB_LOGIN, HUB_ROLE, base_roles, check_name,
)

# The templates ship in the repository, not in the package: the hub is installed
# editable from the repository, so its root is three folders above this file's
# (hub/adapters/mqtt/).
TEMPLATE_DIR = Path(__file__).resolve().parents[3] / "firmware_configs" / "mosquitto"

CONF_FILE_NAME = "mosquitto.conf"
DYNSEC_FILE_NAME = "dynsec.json"
HUB_LOGINS_FILE_NAME = "hub-logins.json"  # the hub's own passwords, for the supervised broker
DYNSEC_PLUGIN = "/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so"  # Debian 12's mosquitto 2.0.11

# What the dynamic security plugin of 2.0.x writes: PBKDF2-SHA512, 101 rounds, a 12-byte salt.
DEFAULT_ITERATIONS = 101
SALT_BYTES = 12
_HASH_BYTES = 64
PASSWORD_BYTES = 24  # 192 bits: the hub's passwords are never typed by a person


def hash_password(password: str, *, iterations: int = DEFAULT_ITERATIONS, salt: bytes | None = None) -> dict:
    """Return the `password`, `salt` and `iterations` fields the dynamic security file stores for a login."""
    if iterations < 1:
        raise ValueError("iterations must be at least 1")
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    if len(salt) != SALT_BYTES:
        raise ValueError(f"salt must be {SALT_BYTES} bytes, as Mosquitto 2.0 writes it")
    digest = hashlib.pbkdf2_hmac("sha512", password.encode("utf-8"), salt, iterations, _HASH_BYTES)
    return {"password": _b64(digest), "salt": _b64(salt), "iterations": iterations}


def dynsec_document(store: str, hub_password: str, admin_password: str) -> dict:
    """Return a first dynamic security file: the hub's two logins and the base roles, nothing else allowed."""
    clients = [
        {"username": HUB_LOGIN, "textname": "Passline hub (bus)", **hash_password(hub_password),
         "roles": [{"rolename": HUB_ROLE}]},
        {"username": ADMIN_LOGIN, "textname": "Passline hub (device logins)", **hash_password(admin_password),
         "roles": [{"rolename": ADMIN_ROLE}]},
    ]
    return {"clients": clients, "groups": [], "roles": base_roles(store), "defaultACLAccess": dict(DEFAULT_ACL_ACCESS)}


def write_dynsec_file(path: str | os.PathLike[str], store: str, hub_password: str, admin_password: str) -> None:
    """Write a first dynamic security file, mode 0600 (it holds password hashes)."""
    document = dynsec_document(store, hub_password, admin_password)
    write_atomically(Path(path), json.dumps(document, indent=1), mode=0o600)


def new_hub_logins() -> dict[str, str]:
    """Return fresh random passwords for the hub's two logins, by login name."""
    return {HUB_LOGIN: secrets.token_urlsafe(PASSWORD_BYTES), ADMIN_LOGIN: secrets.token_urlsafe(PASSWORD_BYTES)}


def read_hub_logins(path: str | os.PathLike[str]) -> dict[str, str]:
    """Return the hub's passwords by login name, as written by write_hub_logins."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_hub_logins(path: str | os.PathLike[str], logins: dict[str, str]) -> None:
    """Keep the hub's passwords, readable by their owner only."""
    write_atomically(Path(path), json.dumps(logins), mode=0o600)


@dataclass(frozen=True)
class TlsListener:
    """A second listener that speaks MQTT over TLS with the hub's certificate (chain) and key."""

    port: int
    certfile: Path
    keyfile: Path

    def lines(self, bind_address: str) -> str:
        """Return the listener's lines for mosquitto.conf."""
        for name, path in (("certfile", self.certfile), ("keyfile", self.keyfile)):
            if any(c.isspace() for c in str(path)):
                raise ValueError(f"{name} must not contain whitespace: {str(path)!r}")
        if not 0 < int(self.port) < 65536:
            raise ValueError(f"the TLS port must be 1-65535, got {self.port!r}")
        return ("\n# MQTT over TLS with the hub's certificate (`passline tls init`): devices verify it\n"
                "# against the store CA they got at enrolment. TLS 1.2 and 1.3, Mosquitto's default.\n"
                f"listener {int(self.port)} {bind_address}\ncertfile {self.certfile}\nkeyfile {self.keyfile}\n")


def render_broker_config(target_dir: str | os.PathLike[str], *, store: str, port: int, bind_address: str = "0.0.0.0",
                         data_dir: str | os.PathLike[str], run_as: str | None = None, conf_mode: int = 0o644,
                         tls: TlsListener | None = None, plain_bind_address: str | None = None) -> Path:
    """Render mosquitto.conf for one store into target_dir; the dynamic security file lives in data_dir.

    plain_bind_address, when given, is where the unencrypted listener listens instead of bind_address:
    loopback once every device uses TLS, so no password crosses the store network in clear.
    """
    check_name("store", store)
    if not 0 < int(port) < 65536:
        raise ValueError(f"port must be 1-65535, got {port!r}")
    if not bind_address or any(c.isspace() for c in bind_address):
        raise ValueError(f"bind_address must be one host or address, got {bind_address!r}")
    config_dir = Path(target_dir).resolve()
    data_path = Path(data_dir).resolve()
    for name, value in (("target_dir", config_dir), ("data_dir", data_path)):
        if any(c.isspace() for c in str(value)):  # Mosquitto splits option lines on whitespace
            raise ValueError(f"{name} must not contain whitespace: {str(value)!r}")
    config_dir.mkdir(parents=True, exist_ok=True)
    data_path.mkdir(parents=True, exist_ok=True)
    plain_bind = plain_bind_address or bind_address
    if any(c.isspace() for c in plain_bind):
        raise ValueError(f"plain_bind_address must be one host or address, got {plain_bind!r}")
    plain_note = ("# Unencrypted MQTT for this machine only (the hub's own logins): every device uses TLS."
                  if plain_bind != bind_address else
                  "# Unencrypted MQTT: devices enrolled before `passline tls init` use it until enrolled again.")
    values = {
        "store": store, "port": int(port), "bind_address": bind_address, "data_dir": data_path,
        "plain_bind_address": plain_bind, "plain_note": plain_note,
        "tls_listener": tls.lines(bind_address) if tls else "# No TLS listener: there is no certificate yet (`passline tls init`).",
        "dynsec_file": data_path / DYNSEC_FILE_NAME, "plugin": DYNSEC_PLUGIN,
        # Started as root, Mosquitto drops to the "mosquitto" account unless told otherwise.
        "run_as": f"user {run_as}" if run_as else "# Started as root, it drops to the 'mosquitto' account.",
    }
    conf_path = config_dir / CONF_FILE_NAME
    text = (TEMPLATE_DIR / "mosquitto.conf.template").read_text(encoding="utf-8").format_map(values)
    write_atomically(conf_path, text, mode=conf_mode)
    return conf_path


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def write_atomically(path: Path, text: str, *, mode: int) -> None:
    """Replace path with text through a temporary file, so no reader sees half of it."""
    # mkstemp creates the file 0600, so a secret is never readable by others, not even before the chmod.
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as tmp:
            tmp.write(text)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
