"""Store IT dismisses a device message the hub set aside, once it has seen why (the row is kept)."""

from __future__ import annotations

import re

from flask import Blueprint, jsonify

from hub.adapters.db.dead_letters import SqlDeadLetters
from hub.domain.access import Permission
from hub.entrypoints.web.access import current_identity, requires
from hub.entrypoints.web.context import current_hub
from hub.entrypoints.web.replies import error

LETTER_ID = re.compile(r"[0-9]{1,18}")  # a row number; a longer one cannot exist, nor fit in 64 bits

blueprint = Blueprint("dead_letters_api", __name__, url_prefix="/api/v1")


@blueprint.post("/dead-letters/<letter_id>/dismiss")
@requires(Permission.DEVICES_MANAGE)
def dismiss(letter_id: str):
    """Stop showing a parked message on /admin and in /health; it stays in the database."""
    hub = current_hub()
    if not LETTER_ID.fullmatch(letter_id) or not SqlDeadLetters(hub.engine).dismiss(
            int(letter_id), current_identity().name or "unknown", hub.bus.now()):
        return error(404, "not_found", f"no dead letter {letter_id} waiting to be dismissed")
    return jsonify({"id": int(letter_id), "dismissed": True})
