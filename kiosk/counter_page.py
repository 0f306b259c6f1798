"""The counter terminal page, `/counter/<device_id>`."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("counter", __name__, url_prefix="/counter", template_folder="templates",
                      static_folder="static", static_url_path="/static")
