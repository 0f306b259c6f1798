"""Kitchen tickets and receipts as the paper shows them, decoded from the bytes the driver sends."""

from __future__ import annotations

from devices.printers.layout import render
from devices.printers.profiles import load_profile
from hub.contracts.printing import PrintPayload
from tests.support.escpos_decoder import CLONE_CODE_PAGES, decode, only_document

TICKET = {"document": "kitchen_ticket", "order_id": "0b6e7a52-7c1e", "order_number": "A012", "station": "grill",
          "origin": "app", "fulfilment": "pickup", "placed_at": "2026-11-22T12:03:00+00:00",
          "promised_at": "2026-11-22T12:20:00+00:00", "rush": True,
          "items": [{"qty": 2, "name": "Crème brûlée", "modifiers": ["Hafermilch"], "note": "sehr heiß",
                     "allergens": ["Milch"]}]}
RECEIPT = {"document": "receipt", "order_id": "abc", "order_number": "A012", "store_name": "Café Zürich",
           "store_lines": ["Hauptstraße 1"], "placed_at": "2026-11-22T12:03:00+00:00", "currency": "EUR",
           "lines": [{"qty": 2, "name": "Latte", "amount": 900, "tax_code": "A", "modifiers": ["Oat"]}],
           "discounts": [{"label": "Happy hour", "amount": 100}], "total": 800,
           "taxes": [{"code": "A", "rate": "19%", "net": 672, "tax": 128, "gross": 800}],
           "tenders": [{"label": "Cash", "amount": 1000}], "change": 200, "loyalty_points": 8,
           "loyalty_balance": 120, "e_receipt_url": "https://r.example/abc"}
EPSON = load_profile("epson-tm-t88v")


def printed(payload: dict, profile=EPSON, code_pages=None):
    return decode(render(PrintPayload.model_validate(payload), profile), code_pages)


def test_kitchen_ticket_in_english_shows_number_large_and_every_mark():
    [doc] = printed({"document": TICKET})
    assert doc.line_with("A012").width == 4 and doc.line_with("A012").height == 4
    assert doc.has_line("App - PICKUP")
    assert doc.line_with("*** RUSH ***").invert
    assert doc.line_with("!!! ALLERGY !!!").big
    assert doc.has_line("Placed 12:03   Ready by 12:20")
    assert doc.line_with("2 x Crème brûlée").big
    assert doc.has_line("+ Hafermilch") and doc.has_line("> sehr heiß") and doc.has_line("!! Allergens: Milch")
    assert doc.cut


def test_kitchen_ticket_in_german_uses_german_words():
    [doc] = printed({"document": TICKET, "language": "de"})
    assert doc.has_line("App - ABHOLUNG") and doc.has_line("*** EILIG ***") and doc.has_line("!!! ALLERGIE !!!")
    assert doc.has_line("Bestellt 12:03   Fertig bis 12:20")


def test_accents_and_euro_go_out_in_code_page_858():
    data = render(PrintPayload.model_validate({"document": RECEIPT, "language": "de"}), EPSON)
    assert b"\x1bt\x13" in data  # ESC t 19 = CP858 on Epson
    assert "Zürich".encode("cp858") in data and "€".encode("cp858") == b"\xd5" and b"\xd5" in data


def test_receipt_shows_lines_discount_taxes_tenders_change_points_and_qr():
    doc = only_document(render(PrintPayload.model_validate({"document": RECEIPT}), EPSON))
    assert doc.line_with("Café Zürich").bold
    assert doc.line_with("2 x Latte").text.endswith("€9.00 A")
    assert doc.line_with("Discount: Happy hour").text.endswith("-€1.00")
    assert doc.line_with("TOTAL").text.endswith("€8.00") and doc.line_with("TOTAL").big
    assert doc.line_with("A 19%").text.endswith("€6.72 / €1.28 / €8.00")
    assert doc.line_with("Cash").text.endswith("€10.00") and doc.line_with("Change").text.endswith("€2.00")
    assert doc.line_with("Loyalty points earned").text.endswith("8")
    assert doc.qr_codes == ["https://r.example/abc"]


def test_german_receipt_writes_money_the_german_way():
    [doc] = printed({"document": RECEIPT, "language": "de"})
    assert doc.line_with("SUMME").text.endswith("8,00 €") and doc.has_line("Rückgeld")
    assert doc.line_with("Bestellung A012").text.endswith("22.11.2026 12:03")


def test_a_receipt_groups_thousands_the_readers_way():
    big = {**RECEIPT, "lines": [{"qty": 1, "name": "Catering", "amount": 123456}], "discounts": [], "total": 123456,
           "taxes": [], "tenders": [], "change": 0}
    [english] = printed({"document": big})
    [german] = printed({"document": big, "language": "de"})
    assert english.line_with("TOTAL").text.endswith("€1,234.56") and german.line_with("SUMME").text.endswith("1.234,56 €")


def test_a_currency_without_cents_prints_whole_units():
    yen = {**RECEIPT, "currency": "JPY", "lines": [{"qty": 1, "name": "Ramen", "amount": 980}], "discounts": [],
           "total": 980, "taxes": [], "tenders": [], "change": 0}
    [doc] = printed({"document": yen})
    assert doc.line_with("TOTAL").text.endswith("¥980")


def test_58mm_profile_wraps_to_32_columns_with_its_own_code_page_number():
    narrow = load_profile("generic-58mm")
    data = render(PrintPayload.model_validate({"document": RECEIPT}), narrow)
    assert b"\x1bt\x35" in data  # the POS-5890 numbers CP858 as 53
    [doc] = decode(data, CLONE_CODE_PAGES)
    assert max(len(line.text) * line.width for line in doc.lines) <= 32
    assert doc.has_line("Café Zürich")


def test_backup_banner_reprint_mark_copies_and_drawer_kick():
    docs = printed({"document": RECEIPT, "banner": "BACKUP — FROM grill", "reprint": True, "copies": 2, "open_drawer": True})
    assert [d.lines[0].text for d in docs[:2]] == ["BACKUP - FROM grill", "BACKUP - FROM grill"]
    assert docs[0].lines[0].invert and docs[0].has_line("** REPRINT **")
    assert docs[-1].drawer_kicks == [2]


def test_characters_the_code_page_lacks_print_as_question_marks():
    [doc] = printed({"document": {**TICKET, "items": [{"qty": 1, "name": "Ramen 拉麵"}]}})
    assert doc.has_line("1 x Ramen ??")


def test_a_z_report_prints_its_title_large_and_amounts_on_the_right():
    [doc] = printed({"document": {"document": "z_report", "title": "Z-Bon 7", "lines": [
        {"left": "Geschäftstag: 2026-12-07"}, {"left": "Brutto", "right": "26,30 EUR", "rule": True},
        {"left": "Differenz", "right": "-0,50 EUR", "bold": True}]}, "language": "de"})
    assert doc.line_with("Z-Bon 7").width == 2 and doc.has_line("Geschäftstag: 2026-12-07")
    assert doc.line_with("Brutto").text.endswith(" 26,30 EUR")
    assert doc.line_with("Differenz").bold and doc.line_with("Differenz").text.endswith(" -0,50 EUR")
    assert any(set(line) == {"-"} for line in doc.text.splitlines()) and doc.cut
