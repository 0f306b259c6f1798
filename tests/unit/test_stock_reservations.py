"""Order intake reserves stock in its unit of work and refuses before writing anything (fakes)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hub.domain.order_messages import LineRequest, SubmitOrder
from hub.domain.errors import Unavailable
from hub.domain.stock import StockLevel
from hub.services.handler_table import COMMERCE, ORDER_INTAKE
from hub.services.messagebus import HandlerTables
from tests.fakes import FakeUnitOfWork, cafe_catalog, fake_bus


@pytest.fixture
def uow():
    catalog = cafe_catalog()
    bagel = replace(catalog.get("BAGEL"), stock_tracked=True)
    uow = FakeUnitOfWork(type(catalog)([*(i for i in catalog if i.sku != "BAGEL"), bagel], location="shop"))
    uow.commerce.levels[("BAGEL", "shop")] = StockLevel("BAGEL", "shop", on_hand=3)
    uow.commerce.settings["safety_stock"] = {"web": 1}
    return uow


@pytest.fixture
def published():
    return []


@pytest.fixture
def bus(tmp_path, uow, published):
    return fake_bus(tmp_path, uow, HandlerTables.merged(ORDER_INTAKE, COMMERCE), notify=lambda e, d: None,
                    broadcast=lambda kind, data, retain=False: published.append((kind, data, retain)))


def order(order_id, qty, origin="counter"):
    return SubmitOrder(order_id, origin, "pickup", (LineRequest("LATTE-M", 1), LineRequest("BAGEL", qty)), order_id)


def test_accepted_order_reserves_and_availability_is_broadcast_retained(bus, uow, published):
    bus.handle(order("a", 2))
    assert uow.commerce.levels[("BAGEL", "shop")].reserved == 2
    kind, data, retain = published[-1]
    assert (kind, retain) == ("availability", True)
    assert data["stock"]["BAGEL"]["counter"] == 1 and data["stock"]["BAGEL"]["web"] == 0
    assert "BAGEL" not in data["sold_out"]


def test_order_beyond_stock_is_refused_naming_the_line_and_writes_nothing(bus, uow, published):
    with pytest.raises(Unavailable) as refused:
        bus.handle(order("b", 3, origin="web"))
    assert refused.value.field == "lines[1].sku"
    assert uow.orders.orders == {} and uow.orders.numbers == {}
    assert uow.commerce.levels[("BAGEL", "shop")].reserved == 0 and uow.commerce.moves == []
    assert published == []
