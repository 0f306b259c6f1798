"""The self-service kiosk page, `/kiosk/<device_id>`: a portrait touchscreen that sells and takes card payments."""

from __future__ import annotations

import re

from flask import Blueprint, abort, redirect, render_template, url_for

from kiosk.i18n import LANGUAGE_COOKIE, LANGUAGE_NAMES, languages, request_language, screen_of_another, ui_strings
from kiosk.kiosk_strings import KIOSK_STRINGS
from hub.contracts.access import needs
from hub.entrypoints.web.context import current_hub

blueprint = Blueprint("kiosk", __name__, url_prefix="/kiosk", template_folder="templates",
                      static_folder="static", static_url_path="/static")

DEVICE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@blueprint.get("/<device_id>")
@needs("screen.kiosk")
def kiosk(device_id: str):
    """Serve the kiosk page with its strings in every language the store offers."""
    if not DEVICE_ID.match(device_id):
        abort(404, f"no kiosk {device_id!r}: device ids are letters, digits, - and _")
    own = screen_of_another(device_id)
    if own is not None:
        return redirect(url_for("kiosk.kiosk", device_id=own))
    offered = languages()
    lang = request_language()
    config = {
        "device_id": device_id,
        "store": current_hub().settings.store,
        "lang": lang,
        "languages": [{"code": code, "name": LANGUAGE_NAMES.get(code, code)} for code in offered],
        "lang_cookie": LANGUAGE_COOKIE,
        "strings": ui_strings(KIOSK_STRINGS, offered, "kiosk"),
        "menu_url": "/api/v1/menu?channel=kiosk",
        "img_base": url_for("kiosk.static", filename="img/"),
    }
    return render_template("kiosk/kiosk.html", config=config, lang=lang, t=config["strings"][lang])
