"""Refunding everything, in any steps, returns stock and loyalty points exactly (hypothesis, real SQLite)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.commerce_support import complete
from tests.support.devices import order_data
from tests.support.staff import approval

SKUS = ["BEANS-HOUSE-250", "BEANS-DECAF-250", "GRINDER-HAND", "LATTE-M", "CROISSANT", "MEAL-DEAL", "MUG-PASSLINE"]
baskets = st.lists(st.tuples(st.sampled_from(SKUS), st.integers(1, 2)), min_size=1, max_size=5,
                   unique_by=lambda line: line[0])


def snapshot(hub):
    with hub.uow_factory() as uow:
        stock = {key: (lvl.on_hand, lvl.reserved) for key, lvl in uow.commerce.stock().items()}
        serials = uow.commerce.serials("GRINDER-HAND", "test", "in_stock")
        return stock, serials, uow.commerce.member("L-1001").points


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(basket=baskets, with_points=st.integers(0, 300), steps=st.lists(st.integers(0, 4), max_size=4))
def test_refunding_everything_returns_stock_and_points_exactly(client, hub, basket, with_points, steps):
    before = snapshot(hub)
    data = order_data(origin="counter", lines=[{"sku": sku, "qty": qty} for sku, qty in basket],
                      customer={"loyalty_id": "L-1001"})
    response = client.post("/api/v1/orders", json=data)
    assert response.status_code == 201, response.get_json()
    order_id, total = data["order_id"], response.get_json()["total"]["amount"]
    points = min(with_points, total)
    if points:
        assert client.post(f"/api/v1/orders/{order_id}/tenders", json={"kind": "points", "amount": points}).status_code == 201
    if total - points:
        client.post(f"/api/v1/orders/{order_id}/tenders", json={"kind": "cash", "amount": total - points})
    complete(hub, order_id)
    refunded = 0
    for index in steps:  # a few single units first, then whatever is left
        if index < len(basket):
            step = client.post(f"/api/v1/orders/{order_id}/refunds", json={"lines": [{"index": index, "qty": 1}],
                                                                           "approval": approval(client, hub)})
            refunded += step.get_json()["amount"]["amount"] if step.status_code == 201 else 0
    rest = client.post(f"/api/v1/orders/{order_id}/refunds", json={"approval": approval(client, hub)}).get_json()
    refunded += rest["amount"]["amount"]
    assert refunded == total
    assert snapshot(hub) == before
