"""The display pages: kitchen, expo, pick and the order-ready board; live data comes over Socket.IO."""

from __future__ import annotations

import re

from flask import Blueprint, current_app, make_response, render_template, request

from displays.i18n import display_language, display_strings, remember_language
from kiosk.i18n import LANGUAGE_NAMES
from hub.contracts.access import needs

blueprint = Blueprint(
    "displays",
    __name__,
    url_prefix="/displays",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

STATION_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
DEFAULT_KEYS = {"bump": "Enter", "recall": "r", "start": "s", "next": "ArrowRight", "previous": "ArrowLeft"}


def _keys() -> dict[str, str]:
    """Return the bump bar keys: the defaults, each replaceable by a query parameter (?bump=b)."""
    return {action: request.args.get(action, key)[:20] for action, key in DEFAULT_KEYS.items()}


def _page(template: str, status: int = 200, *, names: bool = False, station: str | None = None, **context):
    """Render a display page in the screen's language; its scripts get the same words (and, on the screens that
    show order lines, the catalog's names in that language; on a station's, the SKUs it makes, to 86 them)."""
    lang = display_language()
    t = display_strings(lang)
    sockets = current_app.extensions["passline_displays"]
    words = sockets.words(lang) if names else {}
    page = {"lang": lang, "t": t, "words": words, "station_items": sockets.station_items(station) if station else []}
    reply = make_response(render_template(template, lang=lang, t=t, display=page, station=station, **context), status)
    return remember_language(reply)


def _known() -> tuple[list[str], list[str]]:
    """Return the store's kitchen stations and pick zones, as the hub's display side knows them."""
    return current_app.extensions["passline_displays"].places()


def _no_such_place(kind: str, name: str, known: list[str]):
    """Answer a screen opened on a station (kind `station`) or pick zone (`zone`) the store does not have, naming
    the ones it has (404)."""
    return _page("displays/unknown.html", 404, is_zone=kind == "zone", name=name, known=known, view="none")


@blueprint.get("/")
@needs("display.watch")
def index():
    """List the display pages, with every station and pick zone the store has."""
    stations, zones = _known()
    return _page("displays/index.html", stations=stations, zones=zones, view="index",
                 languages=list(LANGUAGE_NAMES.items()))


@blueprint.get("/kds/<station>")
@needs("display.watch")
def kds(station: str):
    """Show a station's kitchen display."""
    stations, zones = _known()
    if not STATION_NAME.match(station) or (station not in stations and station not in zones):
        return _no_such_place("station", station, stations)
    return _page("displays/kds.html", names=True, view=f"kds:{station}", station=station, keys=_keys(), mode="kds")


@blueprint.get("/pick/<zone>")
@needs("display.watch")
def pick(zone: str):
    """Show a pick zone's list by bin: scan or tap to pick, short-pick, pack, ready, hand over."""
    stations, zones = _known()
    if not STATION_NAME.match(zone) or (zone not in zones and zone not in stations):
        return _no_such_place("zone", zone, zones)
    return _page("displays/pick.html", names=True, view=f"kds:{zone}", station=zone)


@blueprint.get("/expo")
@needs("display.watch")
def expo():
    """Show every open order with each station's progress."""
    return _page("displays/expo.html", names=True, view="expo")


@blueprint.get("/board")
@needs("display.watch")
def board():
    """Show the order-ready board for customers."""
    return _page("displays/board.html", view="board")
