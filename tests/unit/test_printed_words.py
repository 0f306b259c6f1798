"""The printed words' German catalog: complete, compiled, and what tickets, receipts and displays print from it."""

from __future__ import annotations

import re

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from devices.printers.words import PRINTED_WORDS, TRANSLATIONS, word

GERMAN = TRANSLATIONS / "de" / "LC_MESSAGES"


def _catalogs():
    with open(GERMAN / "messages.po", "rb") as po, open(GERMAN / "messages.mo", "rb") as mo:
        return read_po(po), read_mo(mo)


def test_every_printed_word_has_a_german_translation():
    po, _ = _catalogs()
    missing = [text for text in PRINTED_WORDS.values() if not (po.get(text) and po.get(text).string)]
    assert missing == [], f"{GERMAN}: no German for {missing} (run `make translations`, fill msgstr, run it again)"
    assert [m.id for m in po if m.id and m.fuzzy] == []


def test_the_compiled_catalog_matches_its_source():
    po, mo = _catalogs()
    assert {m.id: m.string for m in mo if m.id} == {m.id: m.string for m in po if m.id}, "run `make translations`"


def test_german_paper_says_german_words_and_english_paper_english_ones():
    assert (word("de", "total"), word("de", "counter"), word("de", "dine_in")) == ("SUMME", "Theke", "HIER ESSEN")
    assert (word("en", "total"), word("en", "counter"), word("en", "dine_in")) == ("TOTAL", "Counter", "EAT IN")


def test_a_language_without_a_catalog_prints_english_and_an_unknown_key_prints_itself():
    assert word("fr", "thanks") == "Thank you!"
    assert word("de", "no_such_word") == "no_such_word"


def test_the_german_date_pattern_keeps_every_field_of_the_english_one():
    fields = re.compile(r"%\w")
    assert sorted(fields.findall(word("de", "receipt_time"))) == sorted(fields.findall(word("en", "receipt_time")))
