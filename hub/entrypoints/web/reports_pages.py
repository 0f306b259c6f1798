"""The back office's reports (issue 17): a page per report with its chart and table, and the table as CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

from babel.numbers import format_decimal, get_currency_precision
from flask import Blueprint, Response, render_template, request
from flask_babel import get_locale

from hub.contracts.money import format_money
from hub.contracts.orders import Origin
from hub.domain.access import Permission
from hub.domain.numbering import business_day
from hub.domain.speed_of_service import BEYOND_CAP, CAP_SECONDS
from hub.domain.reports import COMPARISONS, EXTRA_COLUMNS, Figures, ReportQuery, ReportRefused, parse_query
from hub.entrypoints.web import report_words as words
from hub.entrypoints.web.access import requires
from hub.entrypoints.web.context import current_hub
from hub.entrypoints.web.report_svg import bar_chart
from hub.services.reports import REPORTS, build, currency_of

blueprint = Blueprint("reports", __name__, template_folder="templates")
CHANNELS = tuple(origin.value for origin in Origin)
FILTERS = ("from", "to", "compare", "channel", "station")
STATIONS_SINCE_DAYS = 400  # a station gone from the catalog can still be picked for a year of its sales


def _(text: str, **values: object) -> str:
    """Translate a word of the reports into the request's language, filling its `{holes}`."""
    translated = words.DOMAIN.gettext(text)
    return translated.format(**values) if values else translated


class Writer:
    """Write a report's cells for people (the page) or for a spreadsheet (the CSV)."""

    def __init__(self, currency: str, locale: str) -> None:
        self.currency, self.locale = currency, locale

    def page(self, kind: str, value: object) -> str:
        """Return a cell as a person reads it, in the page's language."""
        if value is None:
            return "–"
        if kind == "money":
            return format_money(value, self.currency, self.locale)
        if kind == "percent":
            return format_decimal(Decimal(value).scaleb(-2), format="#,##0.0", locale=self.locale) + "\u00a0%"
        if kind == "count":
            return format_decimal(value, locale=self.locale)
        if kind == "duration":
            return f"> {CAP_SECONDS // 60}:00" if value >= BEYOND_CAP else f"{value // 60}:{value % 60:02d}"
        if " · " in str(value):  # a chart's label: station · daypart
            return " · ".join(self.page("text", part) for part in str(value).split(" · "))
        return str(_(words.DAYPARTS[value]) if value in words.DAYPARTS else
                   _(words.CHANNELS[value]) if value in words.CHANNELS else value)

    def csv(self, kind: str, value: object) -> str:
        """Return a cell for a spreadsheet: money in the currency's units (`12.50`), a percent as a number."""
        if value is None:
            return ""
        if kind == "money":
            return str(Decimal(value).scaleb(-get_currency_precision(self.currency)))
        if kind == "percent":
            return str(Decimal(value).scaleb(-2))
        return str(value)


def _read(name: str) -> tuple[Figures, ReportQuery, str, tuple[str, ...]]:
    if name not in REPORTS:
        raise ReportRefused("report", f"no report {name!r}; there are {', '.join(REPORTS)}")
    hub = current_hub()
    today = business_day(hub.bus.now(), hub.settings.zone, hub.settings.day_starts_at_hour)
    with hub.uow_factory() as uow:
        recent = uow.reports.stations((today - timedelta(days=STATIONS_SINCE_DAYS)).isoformat())
        stations = tuple(sorted(set(recent) | {item.station for item in uow.catalog()}))
        query = parse_query(request.args, today, CHANNELS, stations)
        return build(name, uow, query, getattr(hub, "kitchen_settings", None)), query, currency_of(uow), stations


def _refused(error: ReportRefused, name: str) -> tuple[str, int]:
    return render_template("reports/refused.html", error=error.message, field=error.field, _=_, words=words,
                           title=_(words.TITLES.get(name, words.PAGE["reports"]))), 422


@blueprint.get("/admin/reports")
@requires(Permission.REPORTS_READ)
def index():
    """List the reports, each with what it shows."""
    return render_template("reports/index.html", reports=REPORTS, words=words, _=_)


@blueprint.get("/admin/reports/<name>")
@requires(Permission.REPORTS_READ)
def report(name: str):
    """Show one report: its filters, its chart (this period beside the comparison period) and its table."""
    try:
        figures, query, currency, stations = _read(name)
    except ReportRefused as error:
        return _refused(error, name)
    write = Writer(currency, str(get_locale() or "en"))
    period = query.period
    legend = (_(words.PAGE["this_period"]), _(words.PAGE["compare_period"]) if query.compare else None)
    if figures.legend:
        legend = (_(words.COLUMNS[figures.legend[0]]), _(words.COLUMNS[figures.legend[1]]) if query.compare else None)
    chart_kind = figures.chart_kind
    chart = bar_chart([(write.page("text", label), now, before) for label, now, before in figures.chart],
                      lambda value: write.page(chart_kind, value), _(words.PAGE["chart"], title=_(words.TITLES[name])),
                      legend, figures.marks, _(words.COLUMNS["target"])) if figures.chart else None
    csv_link = f"/admin/reports/{name}.csv?" + "&".join(
        f"{key}={request.args[key]}" for key in FILTERS if request.args.get(key))
    return render_template("reports/report.html", name=name, figures=figures, query=query, chart=chart,
                           write=write, words=words, _=_, stations=stations, channels=CHANNELS,
                           comparisons=COMPARISONS, extra_columns=EXTRA_COLUMNS, csv_link=csv_link.rstrip("?"), period=period)


@blueprint.get("/admin/reports/<name>.csv")
@requires(Permission.REPORTS_READ)
def report_csv(name: str):
    """Give one report's table as CSV, with the same filters as its page."""
    try:
        figures, query, currency, _stations = _read(name)
    except ReportRefused as error:
        return Response(error.message + "\n", status=422, mimetype="text/plain")
    write = Writer(currency, "en")
    out = io.StringIO()
    table = csv.writer(out)
    table.writerow(column.key for column in figures.columns)
    for row in figures.rows:
        table.writerow(write.csv(column.kind, row.get(column.key)) for column in figures.columns)
    filename = f"{name}-{query.period.start}-{query.period.end}.csv"
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
