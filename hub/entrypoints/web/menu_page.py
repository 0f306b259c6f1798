"""The back office's menu page (/admin/menu): every item with one tap to 86 it or bring it back."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import get_locale

from hub.domain.access import Permission
from hub.domain.errors import CommerceRefused
from hub.domain.stock import MarkSoldOut
from hub.entrypoints.web import menu_words as words
from hub.entrypoints.web.access import current_identity, requires
from hub.entrypoints.web.context import current_hub
from hub.services.commerce import availability_snapshot

blueprint = Blueprint("menu_page", __name__, template_folder="templates")


def _(text: str, **values: object) -> str:
    """Translate a word of the menu page into the request's language, filling its `{holes}`."""
    translated = words.DOMAIN.gettext(text)
    return translated.format(**values) if values else translated


@blueprint.get("/admin/menu")
@requires(Permission.ADMIN_VIEW)
def menu():
    """List every item with whether it is on sale, and a button to 86 it or bring it back."""
    lang = str(get_locale() or "en")
    with current_hub().uow_factory() as uow:
        catalog = uow.catalog()
        availability = availability_snapshot(uow)
    by_hand, sold_out = set(availability["by_hand"]), set(availability["sold_out"])
    items = [{"sku": item.sku, "name": catalog.texts.item_name(item, lang), "category": item.category,
              "station": item.station, "by_hand": item.sku in by_hand, "sold_out": item.sku in sold_out}
             for item in catalog]
    items.sort(key=lambda row: (row["category"] or "", row["name"]))
    note = _note([row for row in items if row["sku"] == request.args.get("done")], request.args.get("out") == "1")
    return render_template("menu/menu.html", items=items, _=_, w=words.WORDS, note=note, lang=lang,
                           may_86=current_identity().may(Permission.SOLD_OUT))


def _note(done: list[dict], out: bool) -> str:
    """Say what the last tap did, from the item the redirect names (never text from the address)."""
    if not done:
        return ""
    return _(words.WORDS["marked" if out else "back_on_sale"], name=done[0]["name"])


@blueprint.post("/admin/menu/<sku>/sold-out")
@requires(Permission.SOLD_OUT)
def mark(sku: str):
    """86 an item (`sold_out=1`) or bring it back (`sold_out=0`) through MarkSoldOut, named by who is signed in."""
    out = request.form.get("sold_out") == "1"
    try:
        current_hub().bus.handle(MarkSoldOut(sku, out, current_identity().who))
    except CommerceRefused:
        return redirect(url_for("menu_page.menu"), 303)
    return redirect(url_for("menu_page.menu", done=sku, out=int(out)) + f"#item-{sku}", 303)
