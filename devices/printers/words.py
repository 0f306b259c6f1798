"""The printed words of kitchen tickets, receipts and customer displays: English, and the other languages from
the printed words' own gettext catalog (devices/printers/translations, filled by `make translations`)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations

TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def N_(text: str) -> str:  # noqa: N802 - the usual name for "mark for translation, translate later"
    """Mark a string for extraction; it is translated where it is printed."""
    return text


# Paper and a two-line display have their own words: "TOTAL" in capitals, "Fertig bis" rather than the screens'.
PRINTED_WORDS = {
    "order": N_("Order"), "station": N_("Station"), "placed": N_("Placed"), "promised": N_("Ready by"),
    "rush": N_("*** RUSH ***"), "allergy": N_("!!! ALLERGY !!!"), "allergens": N_("Allergens"), "note": N_("Note"),
    "reprint": N_("REPRINT"), "subtotal": N_("Subtotal"), "discount": N_("Discount"), "total": N_("TOTAL"),
    "tax": N_("Tax"), "net": N_("Net"), "gross": N_("Gross"), "change": N_("Change"), "paid": N_("Paid"),
    "points": N_("Loyalty points earned"), "balance": N_("Points balance"), "e_receipt": N_("Your receipt online"),
    # Where an order came from and how it leaves, by their codes on the wire
    "kiosk": N_("Kiosk"), "counter": N_("Counter"), "app": N_("App"), "web": N_("Web"), "phone": N_("Phone"),
    "marketplace": N_("Marketplace"), "dine_in": N_("EAT IN"), "takeaway": N_("TAKEAWAY"), "pickup": N_("PICKUP"),
    "delivery": N_("DELIVERY"), "ship": N_("SHIP"), "thanks": N_("Thank you!"),
    # A receipt's date and time as a strftime pattern: each language writes its dates its own way
    "receipt_time": N_("%Y-%m-%d %H:%M"),
}


def word(language: str, key: str) -> str:
    """Return the printed word for key in a language (English where the catalog has none), or the key itself."""
    text = PRINTED_WORDS.get(key)
    return _catalog(language).gettext(text) if text is not None else key


@cache
def _catalog(language: str) -> NullTranslations:
    # Translations.load answers a language without a catalog (English) with NullTranslations: the English words.
    return Translations.load(str(TRANSLATIONS), [language])
