"""The words of the customer's e-receipt page, and which language a customer reads it in.

The page follows the customer, not the store: `?lang=` (the page's own language links), then the
phone's Accept-Language, then the store's default. (Orders do not record the language they were placed
in; when they do, it belongs between the two.) Its strings have their own catalog (translations/receipt).
"""

from __future__ import annotations

from pathlib import Path

from flask import request
from flask_babel import Domain, force_locale

from kiosk.i18n import LANGUAGE_NAMES, N_

TRANSLATIONS = Path(__file__).resolve().parent / "translations" / "receipt"
_DOMAIN = Domain(translation_directories=[str(TRANSLATIONS)])

RECEIPT_STRINGS = {
    "title": N_("Receipt {number} — {store}"),
    "order_number": N_("Order number"),
    "lines": N_("Items"),
    "total": N_("Total"),
    "payment": N_("Payment"),
    "change": N_("Change"),
    "taxes": N_("Taxes"),
    "tax_on": N_("{tax} on {net}"),
    "points_earned": N_("Points earned: {n}"),
    "served_by": N_("Served by {name}"),
    "order_id": N_("Order {id}"),
    "language": N_("Language"),
    "tender_cash": N_("Cash"),
    "tender_card": N_("Card"),
    "tender_gift_card": N_("Gift card"),
    "tender_points": N_("Points"),
}


def receipt_language(default: str) -> str:
    """Return the language to show a receipt in: the page's link, else the phone's, else the store's."""
    wanted = request.args.get("lang")
    if wanted in LANGUAGE_NAMES:
        return wanted
    return request.accept_languages.best_match(LANGUAGE_NAMES) or (default if default in LANGUAGE_NAMES else "en")


def receipt_strings(lang: str) -> dict[str, str]:
    """Return the e-receipt page's words in one language."""
    with force_locale(lang):
        return {key: _DOMAIN.gettext(text) for key, text in RECEIPT_STRINGS.items()}
