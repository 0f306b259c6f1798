"""How an amount is written for people: Babel's `format_currency`, from integer minor units, in the reader's locale.

The one money formatter for every side of the wire: the hub's pages and messages, the agent's receipts,
tickets and customer displays, the terminal simulator. It lives with the contracts because the device agents
may import nothing else of the hub. Amounts never pass through a float: minor units become a `Decimal`
shifted by the currency's own number of digits (2 for EUR, 0 for JPY).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, get_currency_precision

FALLBACK_LOCALE = "en"  # a language Babel does not know still reads its amounts, the English way


def format_money(amount: int, currency: str, locale: str, *, iso_code: bool = False) -> str:
    """Return minor units of a currency as a reader of a locale writes them: `€12.50` (en), `12,50 €` (de).

    With `iso_code` the currency is written as its code (`12,50 EUR`), for character sets without its sign.
    """
    value = Decimal(amount).scaleb(-get_currency_precision(currency))
    where = _locale(locale)
    pattern = where.currency_formats["standard"].pattern.replace("¤", "¤¤") if iso_code else None
    text = format_currency(value, currency, pattern, locale=where, currency_digits=True)
    # CLDR sets a sign made of letters apart from the digits (`CHF 12.50`); Babel leaves that to the caller.
    return _LETTERS_TOUCH_DIGITS.sub("\u00a0", text)


_LETTERS_TOUCH_DIGITS = re.compile(r"(?<=[A-Za-z])(?=[-\d])|(?<=\d)(?=[A-Za-z])")


@cache
def _locale(name: str) -> Locale:
    try:
        return Locale.parse(name.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(FALLBACK_LOCALE)
