"""Pick-pack in the domain: walking order of bins, picking per unit, packing, and short-pick plans."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hub.domain.catalog import Catalog, CatalogItem
from hub.domain.order_messages import LineRequest
from hub.domain.kitchen import ActionRefused, KitchenSettings
from hub.domain.kitchen_messages import OrderChanged
from hub.domain.kitchen_pick import apply_short, bin_key, pack, pick, plan_short
from hub.domain.kitchen_views import card
from hub.domain.money import Money
from hub.domain.orders import OrderStatus, TicketStatus
from tests.unit.test_kitchen_domain import NOON, accepted_order, line

SETTINGS = KitchenSettings()


def shelf_item(sku: str, name: str, bin_code: str | None, price: int = 100) -> CatalogItem:
    return CatalogItem(sku, name, Money(price, "EUR"), 700, "pick-a", 60, bin=bin_code)


CATALOG = Catalog([shelf_item("MUG", "Mug", "A-12"), shelf_item("BEANS", "Beans", "A-3"), shelf_item("TEA", "Tea", None)])
SHELF = {"MUG": {"bin": "A-12", "gtin": None}, "BEANS": {"bin": "A-3", "gtin": None}}


def retail_order():
    mugs = replace(line("Mug", "pick-a", 60), qty=2)
    beans = line("Beans", "pick-a", 60)
    order = accepted_order(mugs, beans)
    order.pricing = {"lines": [{"sku": "MUG", "qty": 2, "modifiers": []}, {"sku": "BEANS", "qty": 1, "modifiers": []}],
                     "total": {"amount": 300, "currency": "EUR"}, "tax": {"amount": 20, "currency": "EUR"}}
    return order, order.tickets[0]


def test_bins_sort_in_walking_order_numbers_as_numbers_and_no_bin_last():
    bins = ["A-12", None, "B-1", "A-3", "a-10"]
    assert sorted(bins, key=bin_key) == ["A-3", "a-10", "A-12", "B-1", None]


def test_a_line_of_two_needs_two_picks_and_pack_waits_for_every_unit():
    order, ticket = retail_order()
    pick(order, ticket, 0, "MUG", NOON, SETTINGS)
    assert card(order, "kds:pick-a", SHELF)["items"][0]["picked"] == 1 and ticket.status is TicketStatus.STARTED
    with pytest.raises(ActionRefused, match="order A001: 1× Mug not picked yet"):
        pack(order, ticket, NOON, SETTINGS)
    pick(order, ticket, 0, "MUG", NOON, SETTINGS)
    with pytest.raises(ActionRefused, match="all 2× Mug of order A001 are picked already"):
        pick(order, ticket, 0, "MUG", NOON, SETTINGS)
    with pytest.raises(ActionRefused, match="line 1 is now Beans"):
        pick(order, ticket, 1, "MUG", NOON, SETTINGS)
    pick(order, ticket, 1, "BEANS", NOON, SETTINGS)
    pack(order, ticket, NOON, SETTINGS)
    packed = card(order, "kds:pick-a", SHELF)
    assert ticket.status is TicketStatus.DONE and packed["status"] == "done" and packed["pick"] is True
    assert card(order, "kds:pick-a") is None  # without bins it is a kitchen ticket: bumped means gone


def test_short_pick_keeps_picked_units_and_plans_the_lines_to_price():
    order, ticket = retail_order()
    pick(order, ticket, 0, "MUG", NOON, SETTINGS)
    plan = plan_short(order, ticket, 0, "remove", None, ticket.version, CATALOG, NOON)
    assert (plan.missing, plan.kept) == (1, 1)
    assert plan.requests == (LineRequest("MUG", 1), LineRequest("BEANS", 1))
    swap = plan_short(order, ticket, 1, "substitute", CATALOG.get("TEA"), ticket.version, CATALOG, NOON)
    assert swap.requests == (LineRequest("MUG", 2), LineRequest("TEA", 1)) and "replaced by 1× Tea" in swap.describe()
    with pytest.raises(ActionRefused, match="changed at pick-a meanwhile"):
        plan_short(order, ticket, 0, "remove", None, ticket.version - 1, CATALOG, NOON)


def test_applying_a_short_pick_moves_picks_to_the_new_line_numbers_and_marks_the_order_changed():
    order, ticket = retail_order()
    pick(order, ticket, 1, "BEANS", NOON, SETTINGS)
    plan = plan_short(order, ticket, 0, "remove", None, None, CATALOG, NOON)
    beans = order.lines[1]
    pricing = {"lines": [{"sku": "BEANS", "qty": 1}], "total": {"amount": 100, "currency": "EUR"},
               "tax": {"amount": 7, "currency": "EUR"}}
    apply_short(order, ticket, plan, [beans], pricing, NOON, SETTINGS)
    assert ticket.bumped_lines == (0,) and order.total.amount == 100 and order.lines_changed
    assert order.changes == ["removed 2× Mug (not found)"]
    assert [e.what for e in order.events if isinstance(e, OrderChanged)] == ["removed 2× Mug (not found)"]
    assert card(order, "kds:pick-a", SHELF)["changes"] == ["removed 2× Mug (not found)"]
    pack(order, ticket, NOON, SETTINGS)
    assert order.status is OrderStatus.IN_PROGRESS


def test_removing_the_only_item_is_refused_cancel_instead():
    order, ticket = retail_order()
    order.lines = order.lines[:1]
    with pytest.raises(ActionRefused, match="cancel the order instead"):
        plan_short(order, ticket, 0, "remove", None, None, CATALOG, NOON)
