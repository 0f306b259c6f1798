"""Held orders in the domain: what waits, quotes, search text, and the submission fingerprint."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from hub.contracts.orders import OrderSubmit
from hub.domain.errors import InvalidTransition
from hub.domain.money import Money
from hub.domain.order_holds import HoldRefused, OrderQuery, hold_deadline, hold_for, phone_digits, quote, suggested_minutes
from hub.domain.orders import Order, OrderLine, OrderStatus, TicketStatus, tickets_for
from hub.entrypoints.intake import fingerprint

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("origin, release, total, pay_at_counter, remote, expected", [
    ("kiosk", "now", 900, "hold", "auto", None),
    ("kiosk", "when_paid", 900, "off", "auto", "payment"),
    ("kiosk", "when_paid", 0, "hold", "auto", None),  # nothing to pay: nothing to wait for
    ("kiosk", "at_counter", 900, "hold", "auto", "payment"),
    ("kiosk", "at_counter", 900, "release", "auto", None),
    ("app", "now", 900, "hold", "confirm", "confirmation"),
    ("marketplace", "when_paid", 900, "hold", "confirm", "confirmation"),
    ("app", "now", 900, "hold", "auto", None),
    ("counter", "now", 900, "hold", "confirm", None),
])
def test_what_a_new_order_waits_for(origin, release, total, pay_at_counter, remote, expected):
    assert hold_for(origin, release, total, pay_at_counter, remote) == expected


def test_pay_at_counter_is_refused_naming_the_field_when_the_store_is_off():
    with pytest.raises(HoldRefused) as refused:
        hold_for("kiosk", "at_counter", 900, "off", "auto")
    assert (refused.value.code, refused.value.field, refused.value.status) == ("pay_at_counter_off", "release", 422)


def test_only_a_payment_hold_runs_out():
    assert hold_deadline(NOW, "payment", 20) == NOW + timedelta(minutes=20)
    assert hold_deadline(NOW, "confirmation", 20) is None and hold_deadline(NOW, None, 20) is None


def test_the_quote_is_the_busiest_touched_station_plus_this_order_rounded_up_to_the_step():
    load = {"grill": 16 * 60, "bar": 2 * 60, "fryer": 60 * 60}
    assert suggested_minutes(load, {"grill": 8 * 60, "bar": 150}, 5) == 25  # grill: 16 + 8 = 24 -> 25
    assert suggested_minutes({}, {"bar": 150}, 5) == 5
    assert suggested_minutes({}, {"bar": 10}, 1) == 1
    assert suggested_minutes({}, {}, 5) == 5  # never "ready now"


def test_a_cashiers_quote_is_minutes_or_a_time_never_both_never_the_past():
    assert quote(NOW, None, 15) == NOW + timedelta(minutes=15)
    assert quote(NOW, NOW + timedelta(hours=1), None) == NOW + timedelta(hours=1)
    for ready_at, minutes in ((None, None), (NOW, 5), (NOW - timedelta(minutes=5), None), (None, -1), (None, 2000)):
        with pytest.raises(HoldRefused) as refused:
            quote(NOW, ready_at, minutes)
        assert refused.value.code == "invalid_quote" and refused.value.status == 422


@pytest.mark.parametrize("text, number, tail, digits", [
    ("12", None, "012", None),
    ("A12", "A012", None, None),
    ("#b7", "B007", None, None),
    ("0171 555-12", None, None, "017155512"),
    ("Anna", None, None, None),
    ("0", None, None, None),
])
def test_search_text_is_read_as_a_number_or_phone_digits(text, number, tail, digits):
    query = OrderQuery.parse(text)
    assert (query.number, query.number_tail, query.digits) == (number, tail, digits)


def test_phone_digits_drop_everything_else():
    assert phone_digits("+49 (171) 555-1234") == "491715551234"
    assert phone_digits("call me") is None and phone_digits(None) is None


def _order(status: OrderStatus = OrderStatus.RECEIVED, hold: str | None = "payment") -> Order:
    lines = [OrderLine("LATTE-M", "Latte", 1, (), None, Money(400, "EUR"), 700, "bar", 150),
             OrderLine("BURGER", "Burger", 1, (), None, Money(990, "EUR"), 700, "grill", 480)]
    return Order(str(uuid.uuid4()), "A001", "2026-11-22", "kiosk", "takeaway", lines, tickets_for(lines), NOW, NOW,
                 "fp", status=status, hold=hold, hold_until=NOW + timedelta(minutes=20))


def test_releasing_a_held_order_accepts_it_as_a_fresh_order_would_be():
    order = _order()
    assert order.waiting == "payment"
    order.release(NOW + timedelta(minutes=9), quoted_at=NOW)
    assert (order.status, order.waiting, order.hold_until, order.deadline) == (
        OrderStatus.ACCEPTED, None, None, NOW + timedelta(minutes=9))
    assert [type(e).__name__ for e in order.events] == ["OrderStatusChanged", "OrderAccepted"]
    with pytest.raises(InvalidTransition):
        order.release(NOW)


def test_a_cancelled_held_order_leaves_no_ticket_for_the_kitchen_to_clear():
    order = _order()
    order.cancel_held("changed the cart")
    assert order.status is OrderStatus.CANCELLED and order.closed_reason == "changed the cart"
    assert all(t.status is TicketStatus.CANCELLED and t.dismissed for t in order.tickets)
    with pytest.raises(InvalidTransition):
        _order(OrderStatus.ACCEPTED, None).cancel_held("too late")


def test_an_old_style_submission_keeps_the_fingerprint_it_always_had():
    order_id = "0b6e7a52-7c1e-4f0e-8d0a-3a7a5f6b9c01"
    body = {"order_id": order_id, "origin": "kiosk", "fulfilment": "takeaway",
            "lines": [{"sku": "LATTE-M", "qty": 2}], "customer": {"loyalty_id": "L-1001"}}
    # What OrderSubmit.model_dump gave before `release` and the customer's name and phone existed.
    before = {**body, "lines": [{"sku": "LATTE-M", "qty": 2, "modifiers": [], "note": None}], "promised_at": None,
              "rush": False, "tax_exempt": False, "redeem_points": 0}
    expected = hashlib.sha256(json.dumps(before, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    assert fingerprint(OrderSubmit.model_validate(body)) == expected
    assert fingerprint(OrderSubmit.model_validate({**body, "release": "now"})) == expected
    assert fingerprint(OrderSubmit.model_validate({**body, "release": "when_paid"})) != expected
    named = {**body, "customer": {"loyalty_id": "L-1001", "name": "Anna"}}
    assert fingerprint(OrderSubmit.model_validate(named)) != expected
