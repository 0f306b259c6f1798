"""The SubmitOrder handler and the message bus, with fakes."""

from __future__ import annotations

import pytest

from hub.domain.order_messages import LineRequest, SubmitOrder
from hub.domain.errors import OrderConflict, UnknownSku
from hub.services.order_intake import SubmitResult
from hub.services.handler_table import ORDER_INTAKE
from tests.fakes import FakeUnitOfWork, cafe_catalog, fake_bus


def submit(order_id: str = "o-1", fingerprint: str = "fp-1", sku: str = "LATTE-M") -> SubmitOrder:
    return SubmitOrder(order_id, "app", "pickup", (LineRequest(sku, 1),), fingerprint)


@pytest.fixture
def uow():
    return FakeUnitOfWork(cafe_catalog())


@pytest.fixture
def notices():
    return []


@pytest.fixture
def bus(tmp_path, uow, notices):
    return fake_bus(tmp_path, uow, ORDER_INTAKE, notify=lambda e, d: notices.append((e, d)))


def test_submitted_order_is_accepted_committed_and_announced(bus, uow, notices):
    result = bus.handle(submit())
    assert isinstance(result, SubmitResult) and result.created
    assert result.order.number == "A001"
    assert uow.committed == 1
    assert ("order.accepted", {"order_id": "o-1", "number": "A001"}) in notices


def test_same_id_and_content_twice_is_one_order(bus, uow):
    first = bus.handle(submit())
    again = bus.handle(submit())
    assert not again.created
    assert again.order.number == first.order.number
    assert len(uow.orders.orders) == 1


def test_same_id_with_other_content_is_a_conflict(bus):
    bus.handle(submit())
    with pytest.raises(OrderConflict) as refused:
        bus.handle(submit(fingerprint="fp-2"))
    assert refused.value.field == "order_id"


def test_a_batch_commits_good_orders_and_returns_each_refusal(bus, uow):
    outcomes = bus.handle_batch([submit("a"), submit("b", sku="PIZZA"), submit("c"), submit("a")])
    assert [type(o).__name__ for o in outcomes] == ["SubmitResult", "UnknownSku", "SubmitResult", "SubmitResult"]
    assert [o.order.number for o in outcomes if isinstance(o, SubmitResult)] == ["A001", "A002", "A001"]
    assert uow.committed == 1
    assert sorted(uow.orders.orders) == ["a", "c"]


def test_failed_commit_is_retried_one_by_one_and_reported(bus, uow):
    uow.fail_commit = True
    outcomes = bus.handle_batch([submit("a"), submit("b")])
    assert all(isinstance(o, OSError) for o in outcomes)
    assert uow.orders.orders == {}


def test_refusal_writes_nothing(bus, uow):
    with pytest.raises(UnknownSku):
        bus.handle(submit(sku="PIZZA"))
    assert uow.orders.orders == {} and uow.orders.numbers == {}
