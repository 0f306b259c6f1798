"""The report figures' arithmetic, by hand: roll-ups of one order, shares, rates, periods, and the German words."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from hub.domain.money import Money
from hub.domain.orders import Order, OrderLine
from hub.domain.report_rollups import Rollup, order_rollup, refund_rollup, stock_day
from hub.domain.reports import (ReportRefused, attachment, basis_points, channel_mix, daypart, parse_query,
                                product_mix, promotion_roi, sales_by_hour, sell_through)
from hub.entrypoints.web import report_words

UTC = ZoneInfo("UTC")
NOON = datetime(2026, 12, 1, 12, 15, tzinfo=timezone.utc)
MODIFIERS = {("BURGER", "BACON"): ("Add bacon", 150)}


def burger_and_fries(discount_on_fries: int = 0) -> Order:
    """A kiosk order: a burger with bacon (11.40) and two fries (3.90 each), the fries maybe discounted."""
    line = OrderLine("BURGER", "Burger", 1, ("BACON",), None, Money(1140, "EUR"), 700, "grill", 300)
    fries = OrderLine("FRIES", "Fries", 2, (), None, Money(390, "EUR"), 700, "fryer", 200)
    discounts = [{"promotion": "fries-deal", "name": "Fries deal", "amount": {"amount": discount_on_fries},
                  "lines": [{"index": 1, "amount": discount_on_fries}]}] if discount_on_fries else []
    pricing = {"lines": [
        {"index": 0, "sku": "BURGER", "name": "Burger", "qty": 1, "modifiers": ["BACON"], "parts": [],
         "amount": {"amount": 1140}, "discount": {"amount": 0}},
        {"index": 1, "sku": "FRIES", "name": "Fries", "qty": 2, "modifiers": [], "parts": [],
         "amount": {"amount": 780}, "discount": {"amount": discount_on_fries}}],
        "discounts": discounts, "total": {"amount": 1920 - discount_on_fries, "currency": "EUR"},
        "tax": {"amount": 0, "currency": "EUR"}}
    return Order("o-1", "A001", "2026-12-01", "kiosk", "takeaway", [line, fries], [], NOON, NOON, "f", pricing=pricing)


def test_one_order_adds_its_sums_per_hour_station_item_modifier_pair_and_promotion():
    roll = order_rollup(burger_and_fries(discount_on_fries=100), UTC, lambda sku, code: MODIFIERS.get((sku, code)))
    assert roll.hourly[("2026-12-01", 12, "kiosk", "")] == {"orders": 1, "units": 3, "gross": 1920, "discount": 100, "net": 1820}
    assert roll.hourly[("2026-12-01", 12, "kiosk", "fryer")] == {"orders": 1, "units": 2, "gross": 780, "discount": 100, "net": 680}
    assert roll.items[("2026-12-01", "kiosk", "BURGER", "grill")] == {
        "orders": 1, "units": 1, "gross": 1140, "discount": 0, "net": 1140, "with_units": 2, "with_net": 680}
    assert roll.modifiers[("2026-12-01", "kiosk", "BURGER", "BACON", "grill")] == {"units": 1, "gross": 150, "discount": 0}
    assert roll.pairs == {("2026-12-01", "kiosk", "BURGER", "grill", "FRIES"): {"orders": 1},
                          ("2026-12-01", "kiosk", "FRIES", "fryer", "BURGER"): {"orders": 1}}
    assert roll.promotions[("2026-12-01", "kiosk", "fries-deal", "FRIES", "fryer")] == {"units": 2, "discount": 100}
    assert roll.promotions[("2026-12-01", "kiosk", "fries-deal", "", "")] == {"orders": 1}


def test_a_cancellation_takes_back_exactly_what_the_order_added():
    order, lookup = burger_and_fries(100), lambda sku, code: MODIFIERS.get((sku, code))
    total = Rollup()
    total.merge(order_rollup(order, UTC, lookup))
    total.merge(order_rollup(order, UTC, lookup, sign=-1))
    assert {v for table in (total.hourly, total.items, total.pairs) for sums in table.values() for v in sums.values()} == {0}


def test_refunds_in_steps_give_back_each_line_s_share_of_what_was_paid():
    order, lookup = burger_and_fries(100), lambda sku, code: MODIFIERS.get((sku, code))
    first = refund_rollup(order, "2026-12-02", 9, {}, {1: 1}, lookup)  # fries paid 6.80 for two: 3.40 back
    second = refund_rollup(order, "2026-12-02", 10, {1: 1}, {0: 1, 1: 2}, lookup)  # the rest: 11.40 + 3.40
    assert first.items[("2026-12-02", "kiosk", "FRIES", "fryer")] == {"refunded_units": 1, "refunded": 340}
    assert second.hourly[("2026-12-02", 10, "kiosk", "")] == {"refunded": 1480}
    # the bacon's share of the burger's 11.40 back is its share of the price: 1.50
    assert second.modifiers[("2026-12-02", "kiosk", "BURGER", "BACON", "grill")] == {"refunded_units": 1, "refunded": 150}


def test_a_stock_day_opens_with_what_was_on_hand_before_the_day_s_moves():
    assert stock_day([("receive", 24), ("reserve", 1), ("consume", 1), ("restock", 1)], 524) == {
        "opening": 500, "received": 24, "closing": 524}


def test_shares_and_rates_round_half_up_to_a_basis_point():
    assert (basis_points(1, 3), basis_points(2, 3), basis_points(1, 8), basis_points(1, 0)) == (3333, 6667, 1250, None)
    assert [daypart(h) for h in (3, 6, 10, 11, 14, 17, 21, 23)] == [
        "night", "breakfast", "breakfast", "lunch", "afternoon", "dinner", "night", "night"]


def test_figures_from_hand_made_sums():
    hours = sales_by_hour({8: {"orders": 2, "net": 900}, 12: {"orders": 1, "net": 300}}, {8: {"orders": 1, "net": 400}})
    assert [(r["hour"], r["average"], r["compare_net"]) for r in hours.rows] == [("08:00", 450, 400), ("12:00", 300, 0)]
    assert [(p["daypart"], p["share"]) for p in hours.extra["dayparts"]] == [("breakfast", 7500), ("lunch", 2500)]
    mix = channel_mix({"kiosk": {"orders": 1, "net": 100}, "app": {"orders": 2, "net": 300}}, None)
    assert [(r["channel"], r["share"], r["compare_share"]) for r in mix.rows] == [("app", 7500, None), ("kiosk", 2500, None)]
    items = {"A": {"units": 4, "orders": 4, "net": 400, "gross": 500, "discount": 100, "refunded": 50,
                   "refunded_units": 1, "with_units": 2, "with_net": 200}, "B": {"units": 2, "orders": 2}}
    products = product_mix(items, {}, None, {("item", "A"): "Apple"})
    assert products.rows[0] | {} == {"sku": "A", "item": "Apple", "quantity": 4, "gross": 500, "discounts": 100,
                                     "refunded_quantity": 1, "refunds": 50, "net": 350, "compare_quantity": None}
    roi = promotion_roi({"p": {"orders": 3, "discount": 100}}, {"p": {"A": {"units": 3}}}, items,
                        {"A": {"units": 1, "net": 100, "with_units": 1, "with_net": 100}}, {})
    assert [(r["unit_lift"], r["attached_lift"], r["sales_lift"], r["return"]) for r in roi.rows] == [(3, 1, 400, 40000)]
    pairs = attachment({("A", "B"): 1, ("B", "A"): 1}, items, None, None, {})
    assert [(r["item_a"], r["rate"]) for r in pairs.rows] == [("B", 5000), ("A", 2500)]
    through = sell_through({"A": {"opening": 10, "received": 6}}, items, None, None, {})
    assert [(r["sold"], r["rate"]) for r in through.rows] == [(3, 1875)]


@pytest.mark.parametrize("args, field", [({"from": "2026-02-30"}, "from"), ({"to": "soon"}, "to"),
                                         ({"from": "2026-12-02", "to": "2026-12-01"}, "from"),
                                         ({"compare": "week"}, "compare"), ({"channel": "fax"}, "channel"),
                                         ({"station": "moon"}, "station"), ({"from": "2020-01-01"}, "from")])
def test_a_bad_parameter_is_refused_naming_it(args, field):
    with pytest.raises(ReportRefused) as refused:
        parse_query(args, date(2026, 12, 1), ("kiosk",), ("bar",))
    assert refused.value.field == field and refused.value.message.startswith(f"{field}: ")


def test_the_comparison_is_the_period_before_or_the_same_dates_a_year_earlier():
    week = parse_query({"from": "2026-12-01", "to": "2026-12-07"}, date(2026, 12, 7), (), ())
    assert (week.compare.start, week.compare.end) == (date(2026, 11, 24), date(2026, 11, 30))
    leap = parse_query({"from": "2028-02-29", "to": "2028-02-29", "compare": "last_year"}, date(2028, 3, 1), (), ())
    assert leap.compare.start == date(2027, 2, 28)
    assert parse_query({"compare": "none"}, date(2026, 12, 7), (), ()).compare is None


def test_every_report_word_has_german_and_the_compiled_catalog_matches():
    folder = report_words.TRANSLATIONS / "de" / "LC_MESSAGES"
    with open(folder / "messages.po", "rb") as po_file, open(folder / "messages.mo", "rb") as mo_file:
        po, mo = read_po(po_file), read_mo(mo_file)
    texts = [t for table in (report_words.TITLES, report_words.EXPLAINED, report_words.COLUMNS, report_words.DAYPARTS,
                             report_words.CHANNELS, report_words.PAGE) for t in table.values()]
    assert [t for t in texts if not (po.get(t) and po.get(t).string)] == []
    assert {m.id: m.string for m in mo if m.id} == {m.id: m.string for m in po if m.id}


def test_a_period_splits_into_whole_months_and_the_days_at_its_ends():
    from hub.domain.reports import Period, whole_months

    months, edges = whole_months(Period(date(2025, 12, 15), date(2026, 3, 3)))
    assert months == ["2026-01", "2026-02"]
    assert edges == [Period(date(2025, 12, 15), date(2025, 12, 31)), Period(date(2026, 3, 1), date(2026, 3, 3))]
    assert whole_months(Period(date(2026, 1, 1), date(2026, 1, 31))) == (["2026-01"], [])
    assert whole_months(Period(date(2026, 1, 2), date(2026, 1, 31))) == ([], [Period(date(2026, 1, 2), date(2026, 1, 31))])
