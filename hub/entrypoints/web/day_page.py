"""The end-of-day page at /admin/day: the cash-up, card terminals, open orders, the close and its Z report."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import get_locale

from hub.adapters.clock import utc_now
from hub.contracts.money import format_money
from hub.domain.access import Permission
from hub.domain.cash_up import DENOMINATIONS
from hub.entrypoints.web.access import current_identity, requires
from hub.entrypoints.web.context import current_hub
from hub.entrypoints.web.day_words import DAY_WORDS, NAMED, day_words
from hub.entrypoints.web.end_of_day_api import checked_day, store_day
from hub.services import day_books, end_of_day

blueprint = Blueprint("day_page", __name__, template_folder="templates")


@blueprint.get("/admin/day")
@requires(Permission.DAY_READ)
def today_page():
    """Show the business day now open."""
    with current_hub().uow_factory() as uow:
        day = end_of_day.today(uow, utc_now(), store_day()).isoformat()
    return _page(day)


@blueprint.get("/admin/day/<day>")
@requires(Permission.DAY_READ)
def day_page(day: str):
    """Show one day: its Z report once closed."""
    return _page(checked_day(day))


def _page(day: str):
    with current_hub().uow_factory() as uow:
        view = day_books.day_view(uow, day, store_day())
        closed_days = uow.days.reports(30)
    locale = str(get_locale() or "en")
    currency = view["figures"]["currency"]
    domain = day_words()
    words = {key: domain.gettext(text) for key, text in DAY_WORDS.items()}
    named = {code: domain.gettext(text) for code, text in NAMED.items()}
    me = current_identity()
    return render_template("day.html", view=view, w=words, named=named, closed_days=closed_days, lang=locale,
                           money=lambda amount: "" if amount is None else format_money(amount, currency, locale),
                           denominations=DENOMINATIONS.get(currency, ()), may_close=me.may(Permission.DAY_CLOSE),
                           may_cash=me.may(Permission.DAY_CASH), till=me.device_id or "admin")
