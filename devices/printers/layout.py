"""Lay out kitchen tickets and receipts as ESC/POS bytes for one printer profile."""

from __future__ import annotations

import textwrap
from datetime import datetime, tzinfo

from escpos.printer import Dummy

from devices.printers.profiles import PrinterProfile
from devices.printers.words import word
from hub.contracts.money import format_money
from hub.contracts.printing import KitchenTicket, PrintPayload, Receipt, ZReport, printable

# Typography the printer's code page lacks, printed as the nearest plain character.
_PLAIN = str.maketrans({"—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "·": "-", "\u00a0": " "})
ORDER_NUMBER_SIZE = 4  # times the normal width and height: readable from across the pass


class _Page:
    """An escpos Dummy with text helpers that know the profile's width and code page."""

    def __init__(self, profile: PrinterProfile) -> None:
        self.profile = profile
        self.columns = profile.columns
        self.codec = profile.code_page.lower()
        self.p = Dummy(profile=profile.escpos_profile)
        self.p.hw("INIT")
        self.p.charcode(profile.code_page)

    def clean(self, text: str) -> str:
        """Return text the code page can print: no control bytes, plain punctuation, unknown characters as `?`."""
        # The contract already strips controls; a payload built without it must not drive the printer either.
        text = printable(text).translate(_PLAIN)
        return text.encode(self.codec, errors="replace").decode(self.codec)

    def line(self, text: str = "", *, align: str = "left", bold: bool = False, big: bool = False,
             invert: bool = False) -> None:
        """Print one line, wrapped to the paper width."""
        self.p.set(align=align, bold=bold, double_height=big, double_width=big, invert=invert, normal_textsize=not big)
        width = self.columns // 2 if big else self.columns
        for part in textwrap.wrap(self.clean(text), width) or [""]:
            self.p.textln(part)
        self.p.set_with_default()

    def pair(self, left: str, right: str, *, bold: bool = False, big: bool = False, indent: int = 0) -> None:
        """Print left text and right-aligned right text on one line (left wraps if long)."""
        self.p.set(bold=bold, double_height=big, double_width=big, normal_textsize=not big)
        width = self.columns // 2 if big else self.columns
        right = self.clean(right)
        room = max(width - len(right) - 1, 8)
        parts = textwrap.wrap(self.clean(left), room, initial_indent=" " * indent, subsequent_indent=" " * (indent + 2)) or [""]
        for part in parts[:-1]:
            self.p.textln(part)
        self.p.textln(parts[-1].ljust(width - len(right)) + right)
        self.p.set_with_default()

    def huge(self, text: str) -> None:
        """Print text at ORDER_NUMBER_SIZE, centred."""
        self.p.set(align="center", bold=True, custom_size=True, width=ORDER_NUMBER_SIZE, height=ORDER_NUMBER_SIZE)
        self.p.textln(self.clean(text))
        self.p.set_with_default()

    def rule(self) -> None:
        """Print a dashed line across the paper."""
        self.p.textln("-" * self.columns)

    def finish(self) -> bytes:
        """Feed, cut and return the bytes."""
        self.p.cut(mode="PART" if self.profile.cut == "partial" else "FULL")
        return self.p.output


def render(payload: PrintPayload, profile: PrinterProfile, tz: tzinfo | None = None) -> bytes:
    """Return the ESC/POS bytes for every copy of a print payload."""
    out = b""
    for _ in range(payload.copies):
        page = _Page(profile)
        _header_marks(page, payload)
        if isinstance(payload.document, KitchenTicket):
            _kitchen_ticket(page, payload.document, payload.language, tz)
        elif isinstance(payload.document, ZReport):
            _z_report(page, payload.document)
        else:
            _receipt(page, payload.document, payload.language, tz)
        out += page.finish()
    if payload.open_drawer:
        out += drawer_kick(2, profile)
    return out


def drawer_kick(pin: int, profile: PrinterProfile) -> bytes:
    """Return the bytes that pulse a cash drawer on connector pin 2 or 5."""
    p = Dummy(profile=profile.escpos_profile)
    p.cashdraw(pin)
    return p.output


def _header_marks(page: _Page, payload: PrintPayload) -> None:
    if payload.banner:
        page.line(payload.banner, align="center", bold=True, invert=True)
    if payload.reprint:
        page.line(f"** {word(payload.language, 'reprint')} **", align="center", bold=True)


def _time(value: datetime, tz: tzinfo | None) -> str:
    return value.astimezone(tz).strftime("%H:%M")


def _kitchen_ticket(page: _Page, ticket: KitchenTicket, lang: str, tz: tzinfo | None) -> None:
    page.line(ticket.station.upper(), align="center", bold=True)
    page.huge(ticket.order_number)
    page.line(f"{word(lang, ticket.origin)} - {word(lang, ticket.fulfilment)}", align="center", bold=True, big=True)
    if ticket.rush:
        page.line(word(lang, "rush"), align="center", bold=True, big=True, invert=True)
    if ticket.allergy or any(item.allergens for item in ticket.items):
        page.line(word(lang, "allergy"), align="center", bold=True, big=True, invert=True)
    when = f"{word(lang, 'placed')} {_time(ticket.placed_at, tz)}"
    if ticket.promised_at:
        when += f"   {word(lang, 'promised')} {_time(ticket.promised_at, tz)}"
    page.line(when)
    page.rule()
    for item in ticket.items:
        page.line(f"{item.qty} x {item.name}", bold=True, big=True)
        for modifier in item.modifiers:
            page.line(f"   + {modifier}", bold=True)
        if item.note:
            page.line(f"   > {item.note}", bold=True)
        if item.allergens:
            page.line(f"   !! {word(lang, 'allergens')}: {', '.join(item.allergens)}", bold=True, invert=True)
    page.rule()
    if ticket.note:
        page.line(f"{word(lang, 'note')}: {ticket.note}", bold=True)
    page.line(f"{word(lang, 'order')} {ticket.order_number}  {ticket.order_id[:8]}", align="center")


def _receipt(page: _Page, receipt: Receipt, lang: str, tz: tzinfo | None) -> None:
    cur = receipt.currency

    def m(amount: int) -> str:
        return format_money(amount, cur, lang)

    page.line(receipt.store_name, align="center", bold=True, big=True)
    for text in receipt.store_lines:
        page.line(text, align="center")
    stamp = receipt.placed_at.astimezone(tz).strftime(word(lang, "receipt_time"))
    page.pair(f"{word(lang, 'order')} {receipt.order_number}", stamp, bold=True)
    page.rule()
    for line in receipt.lines:
        code = f" {line.tax_code}" if line.tax_code else ""
        page.pair(f"{line.qty} x {line.name}", m(line.amount) + code)
        for modifier in line.modifiers:
            page.line(f"    + {modifier}")
    if receipt.discounts:
        page.pair(word(lang, "subtotal"), m(sum(line.amount for line in receipt.lines)))
        for discount in receipt.discounts:
            page.pair(f"{word(lang, 'discount')}: {discount.label}", m(-abs(discount.amount)))
    page.rule()
    page.pair(word(lang, "total"), m(receipt.total), bold=True, big=True)
    for tender in receipt.tenders:
        page.pair(tender.label, m(tender.amount))
    if receipt.change:
        page.pair(word(lang, "change"), m(receipt.change), bold=True)
    if receipt.taxes:
        page.rule()
        page.pair(f"{word(lang, 'tax')}", f"{word(lang, 'net')} / {word(lang, 'tax')} / {word(lang, 'gross')}")
        for tax in receipt.taxes:
            page.pair(f"{tax.code} {tax.rate}", f"{m(tax.net)} / {m(tax.tax)} / {m(tax.gross)}")
    if receipt.loyalty_points is not None:
        page.rule()
        page.pair(word(lang, "points"), str(receipt.loyalty_points))
        if receipt.loyalty_balance is not None:
            page.pair(word(lang, "balance"), str(receipt.loyalty_balance))
    if receipt.e_receipt_url:
        page.rule()
        page.line(word(lang, "e_receipt"), align="center")
        page.p.set(align="center")
        page.p.qr(receipt.e_receipt_url, native=True, size=5)
        page.p.set_with_default()
    page.line(receipt.footer or word(lang, "thanks"), align="center")


def _z_report(page: _Page, report: ZReport) -> None:
    """Lay out a Z report the hub worded: its title big, then each line, amounts on the right."""
    page.line(report.title, align="center", bold=True, big=True)
    for line in report.lines:
        if line.rule:
            page.rule()
        if line.right is None:
            page.line(line.left, bold=line.bold)
        else:
            page.pair(line.left, line.right, bold=line.bold)
