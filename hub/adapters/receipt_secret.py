"""The hub's e-receipt secret: random bytes in the data dir, made on first use, readable by the hub alone."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path

from hub.adapters.db.engine import secure_data_dir

logger = logging.getLogger(__name__)

FILE_NAME = "receipt_secret"
SIG_HEX = 32  # 128 bits of the HMAC: unguessable, and short enough for a small QR code


def load_secret(data_dir: Path) -> bytes:
    """Return the secret, creating it with mode 0600 the first time (two racing starts agree on one file)."""
    path = data_dir / FILE_NAME
    secure_data_dir(data_dir)  # also tightens a secret left 0644 by an older hub
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        pass
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return bytes.fromhex(path.read_text().strip())
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_hex(32) + "\n")
    logger.info("created the e-receipt secret %s", path)
    return bytes.fromhex(path.read_text().strip())


def sign(secret: bytes, order_id: str) -> str:
    """Return the signature that lets a link show one order's receipt."""
    return hmac.new(secret, f"receipt:{order_id}".encode(), hashlib.sha256).hexdigest()[:SIG_HEX]


def signature_ok(secret: bytes, order_id: str, sig: str) -> bool:
    """Return whether a link's signature belongs to the order, in constant time."""
    return hmac.compare_digest(sign(secret, order_id), sig)
