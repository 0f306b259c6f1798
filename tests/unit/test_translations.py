"""The kiosk's, counter's and displays' German catalogs: complete, compiled, and each page keeps its own words."""

from __future__ import annotations

import re

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask

from displays import i18n as display_i18n
from displays.display_strings import DISPLAY_STRINGS
from kiosk.counter_strings import COUNTER_STRINGS
from kiosk.i18n import CATALOGS, TRANSLATIONS, init_babel, ui_strings
from kiosk.kiosk_strings import KIOSK_STRINGS

PAGE_STRINGS = {"kiosk": KIOSK_STRINGS, "counter": COUNTER_STRINGS, "displays": DISPLAY_STRINGS}
FOLDERS = {**{page: TRANSLATIONS / page for page in CATALOGS}, "displays": display_i18n.TRANSLATIONS}


def _catalog(page: str):
    folder = FOLDERS[page] / "de" / "LC_MESSAGES"
    with open(folder / "messages.po", "rb") as po, open(folder / "messages.mo", "rb") as mo:
        return read_po(po), read_mo(mo)


@pytest.mark.parametrize("page", FOLDERS)
def test_every_string_on_the_page_has_a_german_translation(page):
    po, _ = _catalog(page)
    missing = [text for text in PAGE_STRINGS[page].values() if not (po.get(text) and po.get(text).string)]
    assert missing == [], f"{FOLDERS[page]}: no German for {missing} (see docs/kiosk.md, Translations)"
    assert [m.id for m in po if m.id and m.fuzzy] == []


@pytest.mark.parametrize("page", FOLDERS)
def test_the_compiled_catalog_matches_its_source(page):
    po, mo = _catalog(page)
    source = {m.id: m.string for m in po if m.id}
    compiled = {m.id: m.string for m in mo if m.id}
    assert compiled == source, f"{FOLDERS[page]}: messages.mo is stale; run `make translations`"


def test_each_page_uses_its_own_words():
    app = Flask(__name__)
    init_babel(app)
    with app.test_request_context():
        assert ui_strings({"total": "Total"}, ["en", "de"], "kiosk") == {"en": {"total": "Total"}, "de": {"total": "Gesamt"}}
        assert ui_strings({"total": "Total"}, ["de"], "counter") == {"de": {"total": "Summe"}}


def test_a_display_fills_every_hole_its_english_has_in_german():
    app = Flask(__name__)
    init_babel(app)
    with app.test_request_context():
        german = display_i18n.display_strings("de")
    holes = re.compile(r"\{\w+\}")
    wrong = {key: german[key] for key, text in DISPLAY_STRINGS.items()
             if sorted(holes.findall(text)) != sorted(holes.findall(german[key]))}
    assert wrong == {}
    assert (german["state_new"], german["state_started"], german["board_ready"]) == ("Neu", "In Arbeit", "Abholbereit")
