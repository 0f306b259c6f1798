"""Is the hub up, under /api/v1: a liveness probe that reveals nothing, and the health report for store IT."""

from __future__ import annotations

from flask import Blueprint, jsonify

from hub.domain.access import Permission
from hub.entrypoints.web.access import requires
from hub.entrypoints.web.context import current_hub
from hub.entrypoints.web.health import health

blueprint = Blueprint("health", __name__, url_prefix="/api/v1")


@blueprint.get("/live")
@requires(Permission.OPEN)
def get_live():
    """Say whether the hub answers and is connected to its broker, and nothing else (for probes and scripts)."""
    connection = current_hub().connection
    return jsonify({"live": True, "ready": bool(connection and connection.connected)})


@blueprint.get("/health")
@requires(Permission.HEALTH_READ)
def get_health():
    """Return the hub's health; 503 when something needs attention."""
    report = health(current_hub())
    return jsonify(report), 200 if report["ok"] else 503
