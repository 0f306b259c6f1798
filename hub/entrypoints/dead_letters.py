"""What the MQTT consumer keeps of a message it parks: its reason in words and its payload without secrets."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.exc import DBAPIError

from hub.contracts.validation import UnreadableJson, read_json

# Values a parked payload must not keep in clear: approvals, member proofs, gift card codes, tokens.
SECRET_KEYS = frozenset({"approval", "tax_exempt_approval", "member_proof", "code", "card_token", "token",
                         "password", "pin", "staff_token"})


class DeadLetters(Protocol):
    """Where messages whose handling keeps failing are parked (SqlDeadLetters)."""

    def park(self, *, topic: str, device_id: str | None, message_id: str | None, payload: str, reason: str,
             attempts: int, at: datetime) -> int: ...


@dataclass(frozen=True, slots=True)
class Parked:
    """A message's outcome when it was parked in the dead-letter table instead of handled."""

    letter_id: int
    reason: str
    attempts: int


def in_words(failure: BaseException) -> str:
    """Return an error's kind and the first line of its text, short enough for a reply."""
    if isinstance(failure, DBAPIError) and failure.orig is not None:
        failure = failure.orig
    text = str(failure).strip().splitlines()[0] if str(failure).strip() else ""
    name = type(failure).__name__
    return f"{name}: {text[:200]}" if text else name


def envelope_id_of(payload: bytes) -> str | None:
    """Return the envelope id a payload carries, if it can be read and has one."""
    try:
        raw = read_json(payload)
    except UnreadableJson:
        return None
    value = raw.get("id") if isinstance(raw, dict) else None
    return value[:36] if isinstance(value, str) else None


def redacted(payload: bytes) -> str:
    """Return a payload as text to keep, with approvals, proofs, codes and tokens removed."""
    try:
        raw = read_json(payload)
    except UnreadableJson:
        return "base64:" + base64.b64encode(payload[:65536]).decode()
    return json.dumps(_without_secrets(raw), separators=(",", ":"))


def _without_secrets(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: "(removed)" if key in SECRET_KEYS and value[key] is not None else _without_secrets(item)
                for key, item in value.items()}
    if isinstance(value, list):
        return [_without_secrets(item) for item in value]
    return value
