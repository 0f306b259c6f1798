"""Languages for the display pages: which one a screen shows, and its words from the displays' own catalog.

A display shows the store's default language unless its address asks for another (`?lang=de`); the choice is
kept in a cookie for /displays only, so a kitchen screen switched to German does not switch the kiosk beside it.
"""

from __future__ import annotations

from pathlib import Path

from flask import Response, request
from flask_babel import Domain, force_locale

from displays.display_strings import DISPLAY_STRINGS
from kiosk.i18n import LANGUAGE_NAMES, languages

DISPLAY_LANGUAGE_COOKIE = "passline_display_lang"
COOKIE_PATH = "/displays"
COOKIE_MAX_AGE_S = 365 * 24 * 3600  # a screen keeps its language until someone changes its address
TRANSLATIONS = Path(__file__).resolve().parent / "translations"

# Its own domain: a word on a kitchen screen may need another translation than at the kiosk or the till.
_DOMAIN = Domain(translation_directories=[str(TRANSLATIONS)])


def display_language() -> str:
    """Return this screen's language: `?lang=`, then the display cookie, then the store's default."""
    for wanted in (request.args.get("lang"), request.cookies.get(DISPLAY_LANGUAGE_COOKIE)):
        if wanted in LANGUAGE_NAMES:
            return wanted
    return languages()[0]


def display_strings(lang: str) -> dict[str, str]:
    """Return every word the display pages show, in one language."""
    with force_locale(lang):
        return {key: _DOMAIN.gettext(text) for key, text in DISPLAY_STRINGS.items()}


def remember_language(reply: Response) -> Response:
    """Keep the language the address asked for in the display cookie, so a reload without `?lang=` keeps it."""
    wanted = request.args.get("lang")
    if wanted in LANGUAGE_NAMES:
        reply.set_cookie(DISPLAY_LANGUAGE_COOKIE, wanted, max_age=COOKIE_MAX_AGE_S, path=COOKIE_PATH,
                         samesite="Lax")
    return reply
