"""Languages for the kiosk and counter pages: Flask-Babel, the locale of each request, strings for the browser."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from flask import Flask, g, request
from flask_babel import Babel, Domain, force_locale, gettext

from hub.entrypoints.web.context import current_hub

LANGUAGE_COOKIE = "passline_lang"
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch"}  # each in its own language, for the switch
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
# One catalog per page, merged by Flask-Babel: the kiosk's and the counter's strings never collide in one file.
CATALOGS = ("kiosk", "counter")


def N_(text: str) -> str:  # noqa: N802 - the usual name for "mark for translation, translate later"
    """Mark a string for extraction; it is translated where it is shown."""
    return text


def init_babel(app: Flask) -> Babel:
    """Give the app Flask-Babel with the pages' catalogs and the request's language."""
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(str(TRANSLATIONS / name) for name in CATALOGS)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    return Babel(app, locale_selector=request_language)


def languages() -> tuple[str, ...]:
    """Return the languages the store offers, default first."""
    frontdesk = current_hub().frontdesk
    rest = tuple(lang for lang in frontdesk.languages if lang != frontdesk.default_language)
    return (frontdesk.default_language, *rest)


def request_language() -> str:
    """Return the language of this request: `?lang=`, then the cookie, then the store's default."""
    offered = languages()
    for wanted in (request.args.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if wanted in offered:
            return wanted
    return offered[0]


_DOMAINS = {name: Domain(translation_directories=[str(TRANSLATIONS / name)]) for name in CATALOGS}


def ui_strings(messages: Mapping[str, str], langs: Iterable[str], catalog: str | None = None) -> dict[str, dict[str, str]]:
    """Translate a page's strings (key -> English text marked with N_) into every language, for switching in place.

    With a catalog name only that page's translations count: the same English word may need another
    translation on the kiosk than on the counter ("Total": "Gesamt" for a customer, "Summe" at the till)."""
    translate = _DOMAINS[catalog].gettext if catalog else gettext
    table = {}
    for lang in langs:
        with force_locale(lang):
            table[lang] = {key: translate(text) for key, text in messages.items()}
    return table


def screen_of_another(device_id: str) -> str | None:
    """Return the device id of the enrolled screen making this request when it is not `device_id`, else None.

    A paired screen is one device: opened on another device's page, it is sent to its own.
    """
    me = getattr(g, "identity", None)
    if me is not None and me.kind == "device" and me.name != device_id:
        return me.name
    return None
