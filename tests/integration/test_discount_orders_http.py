"""Orders over HTTP with discounts by hand: a signed-in cashier, a manager's approval over the limit, spent once."""

from __future__ import annotations

from tests.support.devices import order_data
from tests.support.staff import approval, sign_in


def _order(discounts, **extra):
    return order_data(origin="counter", lines=[{"sku": "BURGER", "qty": 1}], discounts=discounts, **extra)


def test_a_counter_order_with_a_small_discount_records_the_cashier_and_keeps_the_reason(client, hub):
    token = sign_in(client, hub)
    placed = client.post("/api/v1/orders", json=_order([{"line": 0, "percent": 10, "reason": "dented cup"}]),
                         headers={"Authorization": f"Bearer {token}"})
    assert placed.status_code == 201, placed.get_json()
    body = placed.get_json()
    assert body["total"]["amount"] == 891
    assert [d["reason"] for d in body["pricing"]["discounts"]] == ["dented cup"]
    with hub.uow_factory() as uow:
        assert uow.staff.order_staff(body["order_id"]) == ("staff-sam", None)


def test_a_discount_over_the_limit_needs_a_managers_approval_at_submit(client, hub):
    token = sign_in(client, hub)
    headers = {"Authorization": f"Bearer {token}"}
    big = [{"line": None, "amount": 300, "reason": "regular"}]
    refused = client.post("/api/v1/orders", json=_order(big), headers=headers)
    assert (refused.status_code, refused.get_json()["code"]) == (403, "approval_required")
    ok = client.post("/api/v1/orders", json=_order(big, approval=approval(client, hub, "discount")), headers=headers)
    assert ok.status_code == 201 and ok.get_json()["total"]["amount"] == 690


def test_discounts_without_a_signed_in_member_are_refused(client, hub):
    refused = client.post("/api/v1/orders", json=_order([{"line": 0, "percent": 5, "reason": "x"}]))
    assert (refused.status_code, refused.get_json()["code"]) == (401, "not_signed_in")
