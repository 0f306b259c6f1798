"""The end of the day's figures, cash-up and close checks against a store day computed by hand."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from hub.domain.cash_up import DayRefused, DrawerBooks, check_move, count_total, settle
from hub.domain.day_close import (DayState, HubCardTotals, TerminalTotals, blockers, booking_day, check_open,
                                  match_cards, refuse_blocked)
from hub.domain.day_figures import GivenRefund, SoldOrder, TakenTender, TaxLine, day_figures, refund_parts

# The day: a counter latte with a manager's 10 % off, a kiosk burger by card, an app order half gift card half
# points, a web order refunded in part, a voided phone order, a marketplace order still in the kitchen.
ORDERS = [
    SoldOrder("o1", "A001", "counter", "completed", 405, 405, (TaxLine("VAT19", 1900, 340, 65),),
              (("10 % for a regular", 45),), "Morgan"),
    SoldOrder("o2", "A002", "kiosk", "completed", 990, 990, (TaxLine("VAT7", 700, 925, 65),)),
    SoldOrder("o3", "A003", "app", "completed", 1000, 1000, (TaxLine("VAT7", 700, 935, 65),)),
    SoldOrder("o4", "A004", "web", "completed", 640, 640, (TaxLine("VAT19", 1900, 538, 102),)),
    SoldOrder("o5", "A005", "phone", "cancelled", 290, 0, (TaxLine("VAT7", 700, 271, 19),),
              cancelled_reason="customer rang back", void_approved_by="Morgan"),
    SoldOrder("o6", "A006", "marketplace", "in_progress", 1290, 1290, (TaxLine("VAT7", 700, 1206, 84),)),
]
TENDERS = [TakenTender("o1", "cash", 405), TakenTender("o2", "card", 990), TakenTender("o3", "gift_card", 500),
           TakenTender("o3", "points", 500), TakenTender("o4", "cash", 640, 320), TakenTender("o6", "card", 1290)]
REFUNDS = [GivenRefund("r1", "o4", "A004", 320, "Morgan", (("cash", 320),), (("counter-1", 320),))]


def test_every_figure_of_the_day_is_the_sum_computed_by_hand():
    figures = day_figures("EUR", ORDERS, TENDERS, REFUNDS)
    assert (figures.orders, figures.gross, figures.tax, figures.net) == (4, 3035, 297, 2738)
    assert figures.channels == {"kiosk": {"orders": 1, "gross": 990}, "counter": {"orders": 1, "gross": 405},
                                "app": {"orders": 1, "gross": 1000}, "web": {"orders": 1, "gross": 640},
                                "phone": {"orders": 0, "gross": 0}, "marketplace": {"orders": 0, "gross": 0}}
    assert figures.tenders == {"cash": 1045, "card": 990, "gift_card": 500, "points": 500, "online": 0}
    assert figures.tender_total == figures.gross
    assert figures.refunds_by_tender == {"cash": 320, "card": 0, "gift_card": 0, "points": 0, "online": 0}
    assert figures.taxes == [{"code": "VAT19", "rate_bp": 1900, "taxable": 878, "amount": 167},
                             {"code": "VAT7", "rate_bp": 700, "taxable": 1860, "amount": 130}]
    assert figures.discounts == [{"order": "A001", "name": "10 % for a regular", "amount": 45, "approved_by": "Morgan"}]
    assert figures.voids == [{"order": "A005", "amount": 290, "reason": "customer rang back", "approved_by": "Morgan"}]
    assert (figures.refunds, figures.refund_total) == ([{"order": "A004", "amount": 320, "approved_by": "Morgan"}], 320)
    assert figures.open_orders == [{"order_id": "o6", "number": "A006", "status": "in_progress", "total": 1290, "due": 0}]


def test_an_order_carried_over_counts_on_the_next_day_and_blocks_no_longer():
    figures = day_figures("EUR", ORDERS, TENDERS, REFUNDS, carried=["o6"])
    assert figures.open_orders == [] and figures.tenders["card"] == 990
    assert blockers(None, figures, [], {}) == []


def test_a_handed_over_order_not_paid_in_full_is_open():
    short = SoldOrder("o7", "A007", "counter", "completed", 500, 300)
    assert [o["due"] for o in day_figures("EUR", [short], [], []).open_orders] == [200]


def test_expected_cash_is_float_plus_cash_sales_less_refunds_plus_paid_in_less_paid_out():
    books = DrawerBooks("counter-1", opening_float=10000, cash_taken=1640, change_given=500, cash_refunds=320,
                        paid_in=500, paid_out=320)
    assert (books.cash_sales, books.expected) == (1140, 11000)


def test_a_count_by_denomination_and_its_difference():
    counts = count_total({"10000": 1, "500": 1, "200": 2, 50: 1, "1": 0}, "EUR")
    assert counts == {10000: 1, 500: 1, 200: 2, 50: 1}
    books = DrawerBooks("counter-1", opening_float=11000)
    with pytest.raises(DayRefused) as unexplained:
        settle(books, counts, "  ", "Sam", "Morgan")
    assert unexplained.value.field == "reason"
    count = settle(books, counts, "a 50 cent coin short", "Sam", "Morgan")
    assert (count.counted, count.expected, count.difference) == (10950, 11000, -50)
    assert settle(books, {10000: 1, 1000: 1}, None, None, "Morgan").difference == 0


@pytest.mark.parametrize("counts, field", [({"200": -3}, "counts.200"), ({"300": 1}, "counts.300"),
                                           ({"2 euro": 1}, "counts.2 euro"), ({"200": 1.5}, "counts.200"),
                                           ({"200": True}, "counts.200")])
def test_a_count_with_a_negative_unknown_or_broken_denomination_is_refused_naming_it(counts, field):
    with pytest.raises(DayRefused) as refused:
        count_total(counts, "EUR")
    assert refused.value.field == field and refused.value.status == 422


def test_paid_in_and_out_need_a_reason_and_an_amount():
    assert check_move("paid_out", 320, " milk ") == "milk"
    for kind, amount, reason, field in (("paid_out", 320, "", "reason"), ("paid_out", 0, "milk", "amount"),
                                        ("tip", 100, "tips", "kind"), ("paid_in", -5, "bank", "amount")):
        with pytest.raises(DayRefused) as refused:
            check_move(kind, amount, reason)
        assert refused.value.field == field


def test_what_blocks_a_close_is_named_with_what_to_do():
    figures = day_figures("EUR", ORDERS, TENDERS, REFUNDS)
    problems = blockers(None, figures, [DrawerBooks("counter-1", 10000), DrawerBooks("counter-2")], {})
    assert [p["field"] for p in problems] == ["orders.A006", "drawers.counter-1"]  # an unused drawer needs no count
    with pytest.raises(DayRefused) as refused:
        refuse_blocked(problems)
    assert refused.value.status == 409 and refused.value.message.startswith("orders.A006: order A006 is still in_progress")
    assert "(and 1 more)" in refused.value.message


def test_a_closed_day_refuses_every_change_in_words():
    closed = DayState("2026-12-07", datetime(2026, 12, 7, 22, 15, tzinfo=timezone.utc), 3, "Morgan")
    with pytest.raises(DayRefused) as refused:
        check_open(closed, "a tender on order A001")
    assert refused.value.code == "day_closed" and refused.value.status == 409
    assert refused.value.message == ("the business day 2026-12-07 was closed at 22:15 UTC (Z report 3) by Morgan: "
                                     "a tender on order A001 cannot change it")
    assert blockers(closed, day_figures("EUR", [], [], []), [], {})[0]["field"] == "day"
    check_open(None, "anything")  # an open day takes changes


def test_new_business_books_to_the_first_day_not_closed():
    assert booking_day(date(2026, 12, 7), set()) == date(2026, 12, 7)
    assert booking_day(date(2026, 12, 7), {"2026-12-07", "2026-12-08"}) == date(2026, 12, 9)


def test_card_totals_are_matched_line_by_line():
    books = HubCardTotals("agent-1", payments=3, charged=2990, refunded=400)
    same = match_cards(books, TerminalTotals("agent-1", True, 2590, 3))
    assert all(line["matches"] for line in same) and [line["line"] for line in same] == ["net_total", "payments"]
    off = match_cards(books, TerminalTotals("agent-1", True, 2600, 4))
    assert [(line["line"], line["hub"], line["terminal"], line["difference"]) for line in off] == \
           [("net_total", 2590, 2600, 10), ("payments", 3, 4, 1)]
    unread = match_cards(books, TerminalTotals("agent-1", False, message="offline"))
    assert unread == [{"line": "net_total", "hub": 2590, "terminal": None, "difference": None, "matches": False}]


def test_refunds_replay_over_the_tenders_the_last_paid_first():
    plans = refund_parts([("gift_card", 2000), ("cash", 1870)], [1290, 2580])
    assert plans == [[(1, "cash", 1290)], [(1, "cash", 580), (0, "gift_card", 2000)]]
