"""Amounts as people read them: Babel's format_currency from integer minor units, in the reader's locale."""

from __future__ import annotations

from hub.contracts.money import format_money


def test_english_readers_see_the_sign_before_the_amount_and_german_readers_after_it():
    assert format_money(1250, "EUR", "en") == "€12.50"
    assert format_money(1250, "EUR", "de") == "12,50\u00a0€"
    assert format_money(-100, "EUR", "en") == "-€1.00" and format_money(-100, "EUR", "de") == "-1,00\u00a0€"


def test_thousands_are_grouped_the_readers_way():
    assert format_money(123456, "GBP", "en") == "£1,234.56"
    assert format_money(123456, "EUR", "de") == "1.234,56\u00a0€"


def test_minor_units_follow_the_currency_not_a_fixed_hundred():
    assert format_money(500, "JPY", "en") == "¥500"  # the yen has no minor unit: 500 is five hundred yen
    assert format_money(1234, "KWD", "en") == "KWD\u00a01.234"  # three digits


def test_a_sign_made_of_letters_is_set_apart_from_the_digits():
    assert format_money(1250, "CHF", "en") == "CHF\u00a012.50"
    assert format_money(1250, "EUR", "de", iso_code=True) == "12,50\u00a0EUR"
    assert format_money(-1250, "EUR", "en", iso_code=True) == "-EUR\u00a012.50"


def test_an_amount_too_large_for_a_float_keeps_every_cent():
    assert format_money(12345678901234567, "EUR", "en") == "€123,456,789,012,345.67"


def test_a_language_babel_does_not_know_reads_its_amounts_the_english_way():
    assert format_money(350, "EUR", "xx") == "€3.50"
    assert format_money(350, "EUR", "de-AT") == "€\u00a03,50"  # Austria writes the sign first
