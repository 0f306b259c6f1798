"""The printed words of kitchen tickets and receipts, in the store's language."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "order": "Order", "station": "Station", "placed": "Placed", "promised": "Ready by",
        "rush": "*** RUSH ***", "allergy": "!!! ALLERGY !!!", "allergens": "Allergens", "note": "Note",
        "reprint": "REPRINT", "subtotal": "Subtotal", "discount": "Discount", "total": "TOTAL",
        "tax": "Tax", "net": "Net", "gross": "Gross", "change": "Change", "paid": "Paid",
        "points": "Loyalty points earned", "balance": "Points balance", "e_receipt": "Your receipt online",
        "kiosk": "Kiosk", "counter": "Counter", "app": "App", "web": "Web", "phone": "Phone",
        "marketplace": "Marketplace", "dine_in": "EAT IN", "takeaway": "TAKEAWAY", "pickup": "PICKUP",
        "delivery": "DELIVERY", "ship": "SHIP", "thanks": "Thank you!",
    },
    "de": {
        "order": "Bestellung", "station": "Station", "placed": "Bestellt", "promised": "Fertig bis",
        "rush": "*** EILIG ***", "allergy": "!!! ALLERGIE !!!", "allergens": "Allergene", "note": "Notiz",
        "reprint": "NACHDRUCK", "subtotal": "Zwischensumme", "discount": "Rabatt", "total": "SUMME",
        "tax": "MwSt", "net": "Netto", "gross": "Brutto", "change": "Rückgeld", "paid": "Bezahlt",
        "points": "Treuepunkte erhalten", "balance": "Punktestand", "e_receipt": "Ihr Beleg online",
        "kiosk": "Kiosk", "counter": "Theke", "app": "App", "web": "Web", "phone": "Telefon",
        "marketplace": "Lieferplattform", "dine_in": "HIER ESSEN", "takeaway": "ZUM MITNEHMEN",
        "pickup": "ABHOLUNG", "delivery": "LIEFERUNG", "ship": "VERSAND", "thanks": "Vielen Dank!",
    },
}

CURRENCY_SIGNS = {"EUR": "€", "GBP": "£", "USD": "$", "CHF": "CHF "}


def word(language: str, key: str) -> str:
    """Return the printed word for key in language, falling back to English, then the key."""
    return WORDS.get(language, WORDS["en"]).get(key) or WORDS["en"].get(key, key)


def money(amount: int, currency: str, language: str) -> str:
    """Format minor units as printed money: `€12.50` in English, `12,50 €` in German."""
    sign = "-" if amount < 0 else ""
    whole, cents = divmod(abs(amount), 100)
    symbol = CURRENCY_SIGNS.get(currency, currency + " ")
    if language == "de":
        return f"{sign}{whole},{cents:02d} {symbol.strip()}"
    return f"{sign}{symbol}{whole}.{cents:02d}"
