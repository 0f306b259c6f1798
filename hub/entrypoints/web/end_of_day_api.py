"""The end of the day under /api/v1: floats, paid in/out, counts, carry-overs, card terminals, the close, Z reports."""

from __future__ import annotations

import uuid

from flask import Blueprint, current_app, jsonify

from hub.adapters.clock import utc_now
from hub.adapters.pdf_report import report_pdf
from hub.contracts.end_of_day import CarryOverIn, CashMoveIn, CloseIn, CountIn, FloatIn, PrintZIn
from hub.domain.access import Permission
from hub.domain.end_of_day import (CarryOver, CloseDay, CountDrawer, PrintZReport, ReadTerminalTotals, RecordCashMove,
                                  SetOpeningFloat)
from hub.entrypoints.web.access import current_identity, own_device, requires
from hub.entrypoints.web.context import current_hub
from hub.entrypoints.web.day_words import day_words
from hub.domain.errors import Refused
from hub.entrypoints.web.replies import ApiProblem, body_of, run
from hub.services import day_books, end_of_day
from hub.domain.numbering import StoreDay
from hub.entrypoints.web.z_report_text import LANGUAGES, z_document

blueprint = Blueprint("end_of_day", __name__, url_prefix="/api/v1")


@blueprint.get("/days/today")
@requires(Permission.DAY_READ)
def get_today():
    """Show the business day now open: its figures, drawers, card terminals and what keeps it from closing."""
    hub = current_hub()
    with hub.uow_factory() as uow:
        day = end_of_day.today(uow, utc_now(), store_day()).isoformat()
        return jsonify(day_books.day_view(uow, day, store_day()))


@blueprint.get("/days")
@requires(Permission.DAY_READ)
def get_days():
    """List the closed days with their Z numbers, newest first."""
    with current_hub().uow_factory() as uow:
        return jsonify({"days": [{"day": s.day, "z_number": s.z_number, "closed_at": s.closed_at.isoformat(),
                                  "closed_by": s.closed_by} for s in uow.days.reports()]})


@blueprint.get("/days/<day>")
@requires(Permission.DAY_READ)
def get_day(day: str):
    """Show a day: the frozen Z report once closed, else the live figures."""
    with current_hub().uow_factory() as uow:
        return jsonify(day_books.day_view(uow, checked_day(day), store_day()))


@blueprint.put("/drawers/<drawer_id>/float")
@requires(Permission.DAY_CASH)
def put_float(drawer_id: str):
    """Put a drawer's opening float on today's books (again corrects it)."""
    body = body_of(FloatIn)
    _own_drawer(drawer_id)
    day = run(SetOpeningFloat(drawer_id, body.amount, current_identity().staff_id))
    return jsonify({"day": day, "drawer": drawer_id, "opening_float": body.amount})


@blueprint.post("/drawers/<drawer_id>/moves")
@requires(Permission.DAY_CASH)
def post_move(drawer_id: str):
    """Keep a paid in or paid out with its reason: 201."""
    body = body_of(CashMoveIn)
    _own_drawer(drawer_id)
    move_id = str(body.move_id or uuid.uuid4())
    day = run(RecordCashMove(move_id, drawer_id, body.kind, body.amount, body.reason, current_identity().staff_id))
    return jsonify({"move_id": move_id, "day": day}), 201


@blueprint.post("/days/<day>/drawers/<drawer_id>/count")
@requires(Permission.DAY_CLOSE)
def post_count(day: str, drawer_id: str):
    """Count a drawer by denomination, signed off by a manager: the books, the count and the difference."""
    body = body_of(CountIn)
    return jsonify(run(CountDrawer(checked_day(day), drawer_id, body.counts, body.reason, body.approval, owner(),
                                   current_identity().name)))


@blueprint.post("/days/<day>/carry-overs")
@requires(Permission.DAY_CLOSE)
def post_carry_over(day: str):
    """Carry an open or unpaid order over to the next day: 201."""
    body = body_of(CarryOverIn)
    return jsonify(run(CarryOver(checked_day(day), str(body.order_id), body.reason, current_identity().name))), 201


@blueprint.post("/days/<day>/terminals/read")
@requires(Permission.DAY_CLOSE)
def post_read_terminals(day: str):
    """Ask each card terminal for its end-of-day totals: 202, the answers arrive on the day's page."""
    return jsonify({"asked": run(ReadTerminalTotals(checked_day(day)))}), 202


@blueprint.post("/days/<day>/close")
@requires(Permission.DAY_CLOSE)
def post_close(day: str):
    """Close the day: 201 with its Z report; 409 naming what is still open; a closed day stays closed."""
    body = body_of(CloseIn)
    report = run(CloseDay(checked_day(day), body.approval, owner()))
    return jsonify(day_books.report_dict(report)), 201


@blueprint.post("/days/<day>/z-report/print")
@requires(Permission.DAY_CLOSE)
def post_print_z_report(day: str):
    """Print a closed day's Z report on a till's receipt printer: 202 with the print's id."""
    body = body_of(PrintZIn)
    report = _report(checked_day(day))
    documents = {lang: z_document(report, current_hub().settings.store, lang, day_words().gettext) for lang in LANGUAGES}
    printed = run(PrintZReport(report["day"], body.device_id, documents))
    return jsonify({"print_id": printed.print_id, "printer": printed.route.printer.device_id}), 202


@blueprint.get("/days/<day>/z-report.pdf")
@requires(Permission.DAY_READ)
def get_z_report_pdf(day: str):
    """Return a closed day's Z report as a PDF, in the reader's language."""
    from flask_babel import get_locale

    report = _report(checked_day(day))
    lang = str(get_locale() or "en") if str(get_locale() or "en") in LANGUAGES else "en"
    document = z_document(report, current_hub().settings.store, lang, day_words().gettext)
    pdf = report_pdf(document["title"], document["lines"], f"Passline · {current_hub().settings.store}")
    return current_app.response_class(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="z-report-{report["z_number"]}-{report["day"]}.pdf"'})


def _report(day: str) -> dict:
    with current_hub().uow_factory() as uow:
        report = uow.days.report(day)
    if report is None:
        raise ApiProblem(409, "not_closed", f"day: {day} is not closed: its Z report comes with the close", "day")
    return report


def _own_drawer(drawer_id: str) -> None:
    """Refuse a till that names another till's drawer (accounts and signed-in staff may name any, as elsewhere)."""
    if not own_device(drawer_id):
        raise ApiProblem(403, "forbidden", "drawer_id: a till keeps the books of its own drawer only", "drawer_id")


def owner() -> str | None:
    """Return the owner's name when the owner's own account makes the request: an owner signs off without a PIN."""
    me = current_identity()
    return me.name if me.kind == "account" and me.role == "owner" else None


def store_day() -> StoreDay:
    """Return the store's time zone and the hour its day begins."""
    settings = current_hub().settings
    return StoreDay(settings.zone, settings.day_starts_at_hour)


def checked_day(day: str) -> str:
    """Return a day from a URL as an ISO date, or raise the 400 naming `day`."""
    try:
        return end_of_day.check_day(day)
    except Refused as refusal:
        raise ApiProblem.of(refusal) from None
