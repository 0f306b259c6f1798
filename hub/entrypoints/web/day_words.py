"""The end-of-day page's words in English, marked for its own German catalog (hub/entrypoints/web/translations/end_of_day)."""

from __future__ import annotations

from pathlib import Path

from flask_babel import Domain

TRANSLATIONS = Path(__file__).resolve().parent / "translations" / "end_of_day"


def N_(text: str) -> str:  # noqa: N802 - the usual name for "mark for translation, translate later"
    """Mark a string for extraction; it is translated where it is shown."""
    return text


# How tenders and channels are named on the page (their codes are what the API and the Z report's data carry).
NAMED = {
    "cash": N_("Cash"), "card": N_("Card"), "gift_card": N_("Gift card"), "points": N_("Points"),
    "online": N_("Paid online"), "kiosk": N_("Kiosk"), "counter": N_("Counter"), "app": N_("App"), "web": N_("Web shop"),
    "phone": N_("Phone"), "marketplace": N_("Marketplace"),
}

DAY_WORDS = {
    "title": N_("End of the day"),
    "open": N_("Open"),
    "closed": N_("Closed"),
    "z_report": N_("Z report"),
    "closed_by": N_("closed by"),
    "blockers": N_("Before the day can close"),
    "nothing_blocks": N_("Nothing keeps the day from closing."),
    "sales": N_("Sales"),
    "orders": N_("Orders"),
    "gross": N_("Gross"),
    "tax": N_("Tax"),
    "net": N_("Net"),
    "channel": N_("Channel"),
    "tender": N_("Tender"),
    "taken": N_("Taken"),
    "refunded": N_("Refunded"),
    "taxes": N_("Taxes per rate"),
    "rate": N_("Rate"),
    "taxable": N_("Net amount"),
    "discounts": N_("Discounts"),
    "voids": N_("Voids"),
    "refunds": N_("Refunds"),
    "order": N_("Order"),
    "amount": N_("Amount"),
    "reason": N_("Reason"),
    "approved_by": N_("Approved by"),
    "none": N_("None."),
    "drawers": N_("Cash-up per drawer"),
    "drawer": N_("Drawer"),
    "opening_float": N_("Opening float"),
    "cash_taken": N_("Cash handed over"),
    "change_given": N_("Change given"),
    "cash_refunds": N_("Cash refunds"),
    "paid_in": N_("Paid in"),
    "paid_out": N_("Paid out"),
    "expected": N_("Expected"),
    "counted": N_("Counted"),
    "difference": N_("Difference"),
    "signed_off_by": N_("Signed off by"),
    "not_counted": N_("not counted"),
    "count_drawer": N_("Count the drawer"),
    "pieces": N_("pieces"),
    "manager_pin": N_("Manager's PIN"),
    "save_count": N_("Save the count"),
    "set_float": N_("Set the opening float"),
    "record_move": N_("Record"),
    "cash_moves": N_("Paid in and paid out"),
    "open_orders": N_("Open and unpaid orders"),
    "due": N_("Due"),
    "status": N_("Status"),
    "carry_over": N_("Carry over to the next day"),
    "carried_over": N_("Carried over"),
    "cards": N_("Card terminals"),
    "terminal": N_("Terminal"),
    "read_terminals": N_("Read the terminals' totals"),
    "line": N_("Line"),
    "hub_books": N_("Hub"),
    "terminal_says": N_("Terminal"),
    "matches": N_("matches"),
    "mismatch": N_("does not match"),
    "net_total": N_("Net card total"),
    "payments": N_("Card payments"),
    "close_day": N_("Close the day"),
    "print": N_("Print on the counter's printer"),
    "pdf": N_("Download the PDF"),
    "till": N_("Till"),
    "closed_days": N_("Closed days"),
    "store": N_("Store"),
    "day": N_("Business day"),
    "closed_at": N_("Closed at"),
    "owner_signs": N_("Leave the PIN empty to sign off as the owner signed in here."),
}


def day_words() -> Domain:
    """Return the page's own catalog (its German, whatever catalogs the rest of the app uses)."""
    return Domain(translation_directories=[str(TRANSLATIONS)])
