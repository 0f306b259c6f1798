"""Tickets through the kitchen: firing on time, start, bump, recall, hold, rush, expo and hand-over."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from hub.domain import kitchen
from hub.domain.kitchen import ActionRefused, KitchenSettings
from hub.domain.kitchen_messages import OrderHandedOver, OrderReady, TicketChanged
from hub.domain.kitchen_views import BOARD, EXPO, card
from hub.domain.money import Money
from hub.domain.orders import Order, OrderLine, OrderStatus, TicketStatus, tickets_for

NOON = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)
EXPO_ON = KitchenSettings()
NO_EXPO = KitchenSettings(expo_required=False)


def line(name: str, station: str, prep: int, note: str | None = None) -> OrderLine:
    return OrderLine(sku=name.upper(), name=name, qty=1, modifiers=(), note=note, unit_price=Money(100, "EUR"),
                     tax_rate_bp=700, station=station, prep_seconds=prep)


def accepted_order(*lines: OrderLine) -> Order:
    lines = list(lines) or [line("Latte", "bar", 150), line("Bagel", "kitchen", 300)]
    counter = iter(range(100))
    order = Order("o-1", "A001", "2026-11-22", "kiosk", "takeaway", lines,
                  tickets_for(lines, lambda: f"t-{next(counter)}"), NOON, NOON + timedelta(minutes=5), "fp")
    order.accept()
    kitchen.plan(order, NOON)
    order.events.clear()
    return order


def test_long_prep_ticket_starts_first_so_the_order_finishes_together():
    order = accepted_order()
    bar, grill = order.tickets
    assert grill.fire_at == NOON and bar.fire_at == NOON + timedelta(seconds=150)
    assert kitchen.fire_due(order, NOON + timedelta(seconds=149)) is False
    assert card(order, "kds:kitchen")["fire_at"] == NOON.isoformat()  # due now: on screen, no wait
    kitchen.fire_due(order, NOON + timedelta(seconds=150))
    assert bar.status is TicketStatus.FIRED and bar.fired_at == NOON + timedelta(seconds=150)


def test_a_ticket_due_at_acceptance_counts_as_fired_then_when_started():
    order = accepted_order()
    grill = order.tickets[1]
    kitchen.start(order, grill, NOON + timedelta(minutes=2), EXPO_ON)
    assert (grill.fired_at, grill.started_at) == (NOON, NOON + timedelta(minutes=2))


def test_bump_every_station_then_expo_makes_the_order_ready():
    order = accepted_order()
    for ticket in order.tickets:
        kitchen.bump(order, ticket, NOON, EXPO_ON)
    assert order.status is OrderStatus.IN_PROGRESS
    kitchen.expo_bump(order)
    assert order.status is OrderStatus.READY
    assert OrderReady("o-1", "A001") in order.events
    assert card(order, BOARD)["state"] == "ready"


def test_expo_bump_is_refused_while_a_station_still_holds_the_order():
    order = accepted_order()
    kitchen.bump(order, order.tickets[0], NOON, EXPO_ON)
    with pytest.raises(ActionRefused) as refused:
        kitchen.expo_bump(order)
    assert "still at kitchen" in refused.value.message
    assert refused.value.words == ("still_at", {"number": "A001", "stations": "kitchen"})  # for a German screen
    assert order.status is OrderStatus.IN_PROGRESS


def test_without_expo_the_last_bump_makes_the_order_ready():
    order = accepted_order()
    for ticket in order.tickets:
        kitchen.bump(order, ticket, NOON, NO_EXPO)
    assert order.status is OrderStatus.READY


def test_bumping_each_item_bumps_the_ticket_with_the_last_one():
    order = accepted_order(line("Latte", "bar", 150), line("Tea", "bar", 90))
    ticket = order.tickets[0]
    kitchen.bump_line(order, ticket, 0, NOON, EXPO_ON)
    assert ticket.status is TicketStatus.FIRED and ticket.bumped_lines == (0,)
    assert [item["bumped"] for item in card(order, "kds:bar")["items"]] == [True, False]
    kitchen.bump_line(order, ticket, 1, NOON, EXPO_ON)
    assert ticket.status is TicketStatus.DONE
    assert card(order, "kds:bar") is None


def test_recall_puts_a_bumped_ticket_back_within_fifteen_minutes_only():
    order = accepted_order()
    bar = order.tickets[0]
    kitchen.bump(order, bar, NOON, EXPO_ON)
    kitchen.recall(order, bar, NOON + timedelta(minutes=14))
    assert bar.status is TicketStatus.STARTED and card(order, "kds:bar") is not None
    kitchen.bump(order, bar, NOON + timedelta(minutes=15), EXPO_ON)
    with pytest.raises(ActionRefused, match="more than 15 minutes"):
        kitchen.recall(order, bar, NOON + timedelta(minutes=31))


def test_a_held_course_waits_until_it_is_fired():
    order = accepted_order()
    bar = order.tickets[0]
    kitchen.hold(order, bar)
    kitchen.fire_due(order, NOON + timedelta(hours=1))
    assert bar.status is TicketStatus.QUEUED and card(order, "kds:bar")["held"] is True
    with pytest.raises(ActionRefused):
        kitchen.bump(order, bar, NOON, EXPO_ON)
    kitchen.fire(order, bar, NOON + timedelta(minutes=2))
    assert bar.status is TicketStatus.FIRED and bar.held is False


def test_a_stale_version_is_refused_with_a_reason():
    order = accepted_order()
    bar = order.tickets[0]
    seen = bar.version
    kitchen.start(order, bar, NOON, EXPO_ON)
    with pytest.raises(ActionRefused, match="changed at bar meanwhile") as refused:
        kitchen.check_version(order, bar, seen)
    assert refused.value.words == ("changed_now", {"number": order.number, "station": "bar", "status": "started"})


def test_rush_moves_the_order_ahead_and_changes_every_ticket():
    order = accepted_order()
    before = card(order, EXPO)["rank"]
    versions = [t.version for t in order.tickets]
    kitchen.rush(order)
    assert card(order, EXPO)["rank"] < before
    assert [t.version for t in order.tickets] == [v + 1 for v in versions]


def test_a_cancelled_ticket_stays_highlighted_until_the_station_acknowledges_it():
    order = accepted_order()
    kitchen.fire_due(order, NOON + timedelta(hours=1))
    kitchen.cancel(order)
    shown = card(order, "kds:bar")
    assert shown["cancelled"] is True and shown["status"] == "cancelled"
    assert card(order, EXPO) is None and card(order, BOARD) is None
    kitchen.bump(order, order.tickets[0], NOON, EXPO_ON)
    assert card(order, "kds:bar") is None
    assert TicketChanged("o-1", "t-0", "bar", "dismissed") in order.events


def test_hand_over_completes_a_ready_order_and_stores_the_time():
    order = accepted_order()
    for ticket in order.tickets:
        kitchen.bump(order, ticket, NOON, EXPO_ON)
    with pytest.raises(ActionRefused, match="not ready"):
        kitchen.hand_over(order, NOON)
    kitchen.expo_bump(order)
    kitchen.hand_over(order, NOON + timedelta(minutes=9))
    assert order.status is OrderStatus.COMPLETED
    assert all(t.handed_over_at == NOON + timedelta(minutes=9) for t in order.tickets)
    assert OrderHandedOver("o-1", "A001") in order.events
    assert card(order, BOARD) is None


def test_allergy_words_in_a_note_mark_the_item():
    order = accepted_order(line("Bagel", "kitchen", 300, note="nut allergy"))
    assert card(order, "kds:kitchen")["items"][0]["allergy"] is True
