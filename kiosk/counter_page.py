"""The counter terminal page, `/counter/<device_id>`: sell, take remote orders, tender, find and refund."""

from __future__ import annotations

import re

from flask import Blueprint, abort, redirect, render_template, url_for

from kiosk.counter_strings import COUNTER_STRINGS
from kiosk.i18n import LANGUAGE_COOKIE, LANGUAGE_NAMES, languages, request_language, screen_of_another, ui_strings
from hub.contracts.access import needs
from hub.entrypoints.web.context import current_hub

blueprint = Blueprint("counter", __name__, url_prefix="/counter", template_folder="templates",
                      static_folder="static", static_url_path="/static")

DEVICE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _device(device_id: str) -> str:
    if not DEVICE_ID.match(device_id):
        abort(404, f"no counter {device_id!r}: device ids are letters, digits, - and _")
    return device_id


@blueprint.get("/<device_id>")
@needs("screen.counter")
def counter(device_id: str):
    """Serve the counter page with its strings in every language the store offers."""
    device_id = _device(device_id)
    own = screen_of_another(device_id)
    if own is not None:
        return redirect(url_for("counter.counter", device_id=own))
    hub = current_hub()
    offered = languages()
    frontdesk = hub.frontdesk
    config = {
        "device_id": device_id,
        "store": hub.settings.store,
        "lang": request_language(),
        "languages": [{"code": code, "name": LANGUAGE_NAMES.get(code, code)} for code in offered],
        "lang_cookie": LANGUAGE_COOKIE,
        "strings": ui_strings(COUNTER_STRINGS, offered, "counter"),
        "discount_limit_percent": frontdesk.discount_limit_percent,
        "quote_step_minutes": frontdesk.quote_step_minutes,
    }
    return render_template("kiosk/counter.html", config=config, lang=config["lang"],
                           t=config["strings"][config["lang"]])
