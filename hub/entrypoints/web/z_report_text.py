"""A Z report in words, in a language: the lines the counter's printer and the PDF both show."""

from __future__ import annotations

from flask_babel import force_locale

from hub.contracts.money import format_money
from hub.entrypoints.web.day_words import DAY_WORDS

LANGUAGES = ("en", "de")  # what a printer can be set to (hub.contracts.printing.PrintPayload.language)


def z_document(report: dict, store: str, lang: str, gettext) -> dict:
    """Return a Z report as a printable document (`title` and `lines`) in a language."""
    currency = report["figures"]["currency"]
    with force_locale(lang):
        w = {key: gettext(text) for key, text in DAY_WORDS.items()}

    def m(amount: int | None) -> str:
        return "" if amount is None else format_money(amount, currency, lang, iso_code=True)

    f = report["figures"]
    lines = [_l(f"{w['store']}: {store}"), _l(f"{w['day']}: {report['day']}"),
             _l(f"{w['closed_at']}: {report['closed_at'][:16].replace('T', ' ')} UTC"),
             _l(f"{w['closed_by']}: {report['closed_by']}"),
             _l(w["sales"], None, True, True), _l(w["orders"], str(f["orders"])), _l(w["gross"], m(f["gross"])),
             _l(w["tax"], m(f["tax"])), _l(w["net"], m(f["net"])),
             _l(w["tender"], None, True, True)]
    lines += [_l(kind.replace("_", " "), m(amount)) for kind, amount in f["tenders"].items()]
    lines += [_l(w["refunded"], m(sum(f["refunds_by_tender"].values())))]
    lines += [_l(w["channel"], None, True, True)]
    lines += [_l(f"{channel} ({row['orders']})", m(row["gross"])) for channel, row in f["channels"].items() if row["orders"]]
    lines += [_l(w["taxes"], None, True, True)]
    lines += [_l(f"{t['code']} {t['rate_bp'] / 100:g} %: {m(t['taxable'])}", m(t["amount"])) for t in f["taxes"]]
    for key, total in (("discounts", f["discount_total"]), ("voids", f["void_total"]), ("refunds", f["refund_total"])):
        lines.append(_l(w[key], m(total), True, True))
        lines += [_l(f"{r['order']} {r.get('name') or r.get('reason') or ''} ({w['approved_by']}: {r['approved_by'] or '-'})"[:200],
                     m(r["amount"])) for r in f[key]]
    lines.append(_l(w["drawers"], None, True, True))
    for d in report["drawers"]:
        lines += [_l(d["drawer"], None, True), _l(w["opening_float"], m(d["opening_float"])),
                  _l(w["cash_taken"], m(d["cash_taken"])), _l(w["change_given"], m(d["change_given"])),
                  _l(w["cash_refunds"], m(d["cash_refunds"])), _l(w["paid_in"], m(d["paid_in"])),
                  _l(w["paid_out"], m(d["paid_out"])), _l(w["expected"], m(d["expected"])),
                  _l(w["counted"], m(d["counted"])), _l(w["difference"], m(d["difference"]), True)]
        if d["reason"]:
            lines.append(_l(f"{w['reason']}: {d['reason']}"))
        lines.append(_l(f"{w['signed_off_by']}: {d['signed_off_by'] or '-'}"))
    lines.append(_l(w["cards"], None, True, True))
    for card in report["cards"]:
        lines.append(_l(card["terminal"], None, True))
        for line in card["lines"]:
            show = m if line["line"] == "net_total" else (lambda n: "" if n is None else str(n))
            lines.append(_l(f"{w[line['line']]}: {w['hub_books']} {show(line['hub'])}, {w['terminal_says']} "
                            f"{show(line['terminal']) or '-'}", w["matches"] if line["matches"] else w["mismatch"]))
    if report["carried_over"]:
        lines.append(_l(w["carried_over"], None, True, True))
        lines += [_l(f"{c['number']} -> {c['to_day']}: {c['reason']}"[:200]) for c in report["carried_over"]]
    return {"document": "z_report", "title": f"{w['z_report']} {report['z_number']}", "lines": lines}


def _l(left: str, right: str | None = None, bold: bool = False, rule: bool = False) -> dict:
    return {"left": left[:200], "right": right, "bold": bold, "rule": rule}
