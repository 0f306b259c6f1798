"""Write the files a Mosquitto 2 broker for the hub reads: config, ACL, passwords."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
import tempfile
from pathlib import Path

# The templates ship in the repository, not in the package: the hub is installed
# editable from the repository, so its root is three folders above this file's
# (hub/adapters/mqtt/).
TEMPLATE_DIR = Path(__file__).resolve().parents[3] / "firmware_configs" / "mosquitto"

CONF_FILE_NAME = "mosquitto.conf"
ACL_FILE_NAME = "acl"
# Referenced by the rendered config, so write_password_file() must target this name.
PASSWORD_FILE_NAME = "passwd"

# What `mosquitto_passwd` 2.0.x writes: PBKDF2-SHA512, 101 rounds, a 12-byte salt.
# The broker reads the rounds from each line but refuses any other salt length.
DEFAULT_ITERATIONS = 101
SALT_BYTES = 12
_HASH_BYTES = 64

# A login or store id becomes a topic level (%u in the ACL) or a password-file
# key, so it must not hold a separator, a wildcard, a colon or whitespace.
_NAME = re.compile(r"[A-Za-z0-9._-]+")


def hash_password(password: str, *, iterations: int = DEFAULT_ITERATIONS, salt: bytes | None = None) -> str:
    """Hash a password the way Mosquitto 2's password file stores it."""
    if iterations < 1:
        raise ValueError("iterations must be at least 1")
    if salt is None:
        salt = secrets.token_bytes(SALT_BYTES)
    if len(salt) != SALT_BYTES:
        raise ValueError(f"salt must be {SALT_BYTES} bytes: Mosquitto 2.0 refuses other lengths")
    digest = hashlib.pbkdf2_hmac("sha512", password.encode("utf-8"), salt, iterations, _HASH_BYTES)
    return f"$7${iterations}${_b64(salt)}${_b64(digest)}"


def write_password_file(path: str | os.PathLike[str], logins: dict[str, str]) -> None:
    """Write a Mosquitto password file holding only hashes, mode 0600, atomically."""
    lines = []
    for username, password in sorted(logins.items()):
        _check_name("username", username)
        lines.append(f"{username}:{hash_password(password)}\n")
    _write_atomically(Path(path), "".join(lines), mode=0o600)


def render_broker_config(
    target_dir: str | os.PathLike[str],
    *,
    store: str,
    port: int,
    bind_address: str = "0.0.0.0",
    data_dir: str | os.PathLike[str],
) -> Path:
    """Render mosquitto.conf and acl for one store into target_dir; return the conf path."""
    _check_name("store", store)
    if not 0 < int(port) < 65536:
        raise ValueError(f"port must be 1-65535, got {port!r}")
    if not bind_address or any(c.isspace() for c in bind_address):
        raise ValueError(f"bind_address must be one host or address, got {bind_address!r}")
    config_dir = Path(target_dir).resolve()
    data_path = Path(data_dir).resolve()
    for name, value in (("target_dir", config_dir), ("data_dir", data_path)):
        # Mosquitto splits option lines on whitespace.
        if any(c.isspace() for c in str(value)):
            raise ValueError(f"{name} must not contain whitespace: {str(value)!r}")
    config_dir.mkdir(parents=True, exist_ok=True)
    data_path.mkdir(parents=True, exist_ok=True)

    values = {
        "store": store,
        "port": int(port),
        "bind_address": bind_address,
        "config_dir": config_dir,
        "data_dir": data_path,
    }
    conf_path = config_dir / CONF_FILE_NAME
    _write_atomically(conf_path, _render("mosquitto.conf.template", values), mode=0o644)
    _write_atomically(config_dir / ACL_FILE_NAME, _render("acl.template", values), mode=0o644)
    return conf_path


def _render(template_name: str, values: dict[str, object]) -> str:
    return (TEMPLATE_DIR / template_name).read_text(encoding="utf-8").format_map(values)


def _check_name(what: str, value: str) -> None:
    if not _NAME.fullmatch(value):
        raise ValueError(f"{what} {value!r} may hold only letters, digits, '.', '_' and '-'")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _write_atomically(path: Path, text: str, *, mode: int) -> None:
    # mkstemp creates the file 0600, so a password file is never readable by
    # others, not even before the chmod.
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
