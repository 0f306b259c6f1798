"""The display pages: kitchen, expo, pick and the order-ready board; live data comes over Socket.IO."""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, render_template, request
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


def _station(name: str) -> str:
    if not STATION_NAME.match(name):
        abort(404, f"no station {name!r}: station names are letters, digits, - and _")
    return name


def _known() -> tuple[list[str], list[str]]:
    """Return the store's kitchen stations and pick zones, as the hub's display side knows them."""
    return current_app.extensions["passline_displays"].places()


def _no_such_place(kind: str, name: str, known: list[str]):
    """Answer a screen opened on a station the store does not have, naming the ones it has (404)."""
    return render_template("displays/unknown.html", kind=kind, name=name, known=known, view="none"), 404


@blueprint.get("/")
@needs("display.watch")
def index():
    """List the display pages, with every station and pick zone the store has."""
    stations, zones = _known()
    return render_template("displays/index.html", stations=stations, zones=zones, view="index")


@blueprint.get("/kds/<station>")
@needs("display.watch")
def kds(station: str):
    """Show a station's kitchen display."""
    station = _station(station)
    stations, zones = _known()
    if station not in stations and station not in zones:
        return _no_such_place("station", station, stations)
    return render_template("displays/kds.html", view=f"kds:{station}", station=station, keys=_keys(), mode="kds")


@blueprint.get("/pick/<zone>")
@needs("display.watch")
def pick(zone: str):
    """Show a pick zone's list by bin: scan or tap to pick, short-pick, pack, ready, hand over."""
    zone = _station(zone)
    stations, zones = _known()
    if zone not in zones and zone not in stations:
        return _no_such_place("pick zone", zone, zones)
    return render_template("displays/pick.html", view=f"kds:{zone}", station=zone)


@blueprint.get("/expo")
@needs("display.watch")
def expo():
    """Show every open order with each station's progress."""
    return render_template("displays/expo.html", view="expo")


@blueprint.get("/board")
@needs("display.watch")
def board():
    """Show the order-ready board for customers."""
    return render_template("displays/board.html", view="board")
