"""The order lifecycle, tickets, numbers and the queue, in plain Python."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from hub.domain.order_messages import LineRequest, SubmitOrder
from hub.domain.errors import InvalidTransition, Unavailable, UnknownModifier, UnknownSku
from hub.domain.money import Money, tax_included
from hub.domain.numbering import business_day, format_number
from hub.domain.orders import Order, OrderStatus, TicketStatus, price_lines, tickets_for
from hub.domain.queueing import RUSH_ADVANCE, deadline_for, queue_key
from tests.fakes import cafe_catalog

NOON = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)


def command(*lines: LineRequest) -> SubmitOrder:
    return SubmitOrder("id-1", "kiosk", "takeaway", tuple(lines), "fp")


def make_order(*lines: LineRequest) -> Order:
    priced = price_lines(command(*lines), cafe_catalog())
    return Order("id-1", "A001", "2026-11-22", "kiosk", "takeaway", priced, tickets_for(priced), NOON, NOON, "fp")


def test_lines_are_priced_with_modifiers_and_quantity():
    lines = price_lines(command(LineRequest("LATTE-M", 2, ("OAT",))), cafe_catalog())
    assert lines[0].unit_price == Money(450, "EUR")
    assert lines[0].total == Money(900, "EUR")


def test_unknown_sku_names_the_line():
    with pytest.raises(UnknownSku) as refused:
        price_lines(command(LineRequest("LATTE-M", 1), LineRequest("PIZZA", 1)), cafe_catalog())
    assert refused.value.field == "lines[1].sku"
    assert "PIZZA" in refused.value.message


def test_modifier_the_item_does_not_allow_is_refused():
    with pytest.raises(UnknownModifier) as refused:
        price_lines(command(LineRequest("BAGEL", 1, ("OAT",))), cafe_catalog())
    assert refused.value.field == "lines[0].modifiers[0]"


def test_sold_out_item_is_unavailable():
    with pytest.raises(Unavailable) as refused:
        price_lines(command(LineRequest("COOKIE", 1)), cafe_catalog())
    assert refused.value.code == "unavailable"


def test_one_ticket_per_station_in_order_of_first_appearance():
    order = make_order(LineRequest("BAGEL", 1), LineRequest("LATTE-M", 1), LineRequest("BAGEL", 2))
    assert [t.station for t in order.tickets] == ["kitchen", "bar"]
    assert len({t.ticket_id for t in order.tickets}) == 2


def test_tax_is_what_the_inclusive_price_contains_rounded_per_line():
    order = make_order(LineRequest("LATTE-M", 1), LineRequest("BAGEL", 1))
    assert order.total == Money(1090, "EUR")
    assert order.tax == tax_included(Money(400, "EUR"), 1900) + tax_included(Money(690, "EUR"), 700)
    assert tax_included(Money(119, "EUR"), 1900) == Money(19, "EUR")


def test_lifecycle_follows_the_tickets():
    order = make_order(LineRequest("BAGEL", 1), LineRequest("LATTE-M", 1))
    order.accept()
    kitchen, bar = order.tickets
    kitchen.move_to(TicketStatus.FIRED)
    kitchen.move_to(TicketStatus.STARTED)
    order.ticket_moved()
    assert order.status is OrderStatus.IN_PROGRESS
    kitchen.move_to(TicketStatus.DONE)
    order.ticket_moved()
    assert order.status is OrderStatus.IN_PROGRESS
    bar.move_to(TicketStatus.FIRED)
    bar.move_to(TicketStatus.DONE)
    order.ticket_moved()
    assert order.status is OrderStatus.READY
    order.move_to(OrderStatus.COMPLETED)
    assert [type(e).__name__ for e in order.events][0] == "OrderStatusChanged"


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ([], OrderStatus.COMPLETED),
        ([], OrderStatus.READY),
        ([OrderStatus.ACCEPTED, OrderStatus.CANCELLED], OrderStatus.ACCEPTED),
        ([OrderStatus.ACCEPTED, OrderStatus.READY, OrderStatus.COMPLETED], OrderStatus.CANCELLED),
    ],
)
def test_invalid_transitions_are_refused(path, target):
    order = make_order(LineRequest("LATTE-M", 1))
    for status in path:
        order.move_to(status)
    with pytest.raises(InvalidTransition) as refused:
        order.move_to(target)
    assert target.value in str(refused.value)


def test_ticket_cannot_skip_back_to_queued():
    ticket = make_order(LineRequest("LATTE-M", 1)).tickets[0]
    ticket.move_to(TicketStatus.FIRED)
    with pytest.raises(InvalidTransition):
        ticket.move_to(TicketStatus.QUEUED)


def test_done_ticket_can_be_recalled():
    ticket = make_order(LineRequest("LATTE-M", 1)).tickets[0]
    for status in (TicketStatus.FIRED, TicketStatus.DONE, TicketStatus.STARTED):
        ticket.move_to(status)
    assert ticket.status is TicketStatus.STARTED


def test_cancelling_an_order_cancels_its_open_tickets():
    order = make_order(LineRequest("LATTE-M", 1), LineRequest("BAGEL", 1))
    order.accept()
    order.tickets[0].move_to(TicketStatus.FIRED)
    order.tickets[0].move_to(TicketStatus.DONE)
    order.move_to(OrderStatus.CANCELLED)
    assert [t.status for t in order.tickets] == [TicketStatus.DONE, TicketStatus.CANCELLED]


def test_numbers_are_short_and_roll_over_to_the_next_letter():
    assert [format_number(n) for n in (1, 12, 999, 1000, 1998, 1999)] == ["A001", "A012", "A999", "B001", "B999", "C001"]
    with pytest.raises(ValueError):
        format_number(0)


def test_a_very_busy_day_never_repeats_a_number():
    numbers = [format_number(n) for n in range(1, 30_000)]
    assert len(set(numbers)) == len(numbers)
    assert format_number(26 * 999 + 1) == "AA001"


def test_business_day_starts_at_the_configured_hour_in_the_store_zone():
    berlin = ZoneInfo("Europe/Berlin")
    late = datetime(2026, 11, 22, 2, 30, tzinfo=timezone.utc)  # 03:30 in Berlin
    assert business_day(late, berlin, 4).isoformat() == "2026-11-21"
    assert business_day(late + timedelta(hours=1), berlin, 4).isoformat() == "2026-11-22"


def test_deadline_is_the_promise_or_arrival_plus_longest_prep():
    promised = NOON + timedelta(minutes=30)
    assert deadline_for(NOON, promised, [60, 300]) == promised
    assert deadline_for(NOON, None, [60, 300]) == NOON + timedelta(seconds=300)


def test_rush_pulls_forward_and_arrival_breaks_ties():
    later = NOON + timedelta(minutes=5)
    keys = {
        "first": queue_key(later, False, 1),
        "second": queue_key(later, False, 2),
        "rush": queue_key(later + RUSH_ADVANCE - timedelta(seconds=1), True, 3),
        "early": queue_key(NOON, False, 4),
    }
    assert sorted(keys, key=keys.get) == ["early", "rush", "first", "second"]
