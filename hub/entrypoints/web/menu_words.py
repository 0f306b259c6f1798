"""Every word of the back office's menu page (/admin/menu: sold out, 86), marked for translation.

The page follows the request's language (`?lang=`, the language cookie, then the store's default), like the
reports. Extract and compile by hand (see docs/backoffice.md, "Sold out (86)"): this catalog has its own folder.
"""

from __future__ import annotations

from pathlib import Path

from flask_babel import Domain

TRANSLATIONS = Path(__file__).resolve().parent / "translations" / "menu"
DOMAIN = Domain(translation_directories=[str(TRANSLATIONS)])


def N_(text: str) -> str:  # noqa: N802 - the usual name for "mark for translation, translate later"
    return text


WORDS = {
    "title": N_("Menu: sold out (86)"),
    "back": N_("Back office"),
    "lead": N_("One tap marks an item sold out (86) or brings it back. Kiosks, counters and kitchen displays show "
               "it at once."),
    "item": N_("Item"),
    "category": N_("Category"),
    "station": N_("Station"),
    "state": N_("State"),
    "sold_out": N_("Sold out (86)"),
    "on_sale": N_("On sale"),
    "out_of_stock": N_("Sold out: no stock left"),
    "mark_86": N_("86"),
    "bring_back": N_("Back on sale"),
    "read_only": N_("You may see this list; marking items sold out needs the owner, a manager or store IT."),
    "marked": N_("{name} is sold out (86)."),
    "back_on_sale": N_("{name} is back on sale."),
}
