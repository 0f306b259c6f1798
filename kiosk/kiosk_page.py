"""The self-service kiosk page, `/kiosk/<device_id>`."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("kiosk", __name__, url_prefix="/kiosk", template_folder="templates",
                      static_folder="static", static_url_path="/static")
