"""Discounts by hand with a reason: priced by the one engine after promotions, gated by a manager over the limit."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from hub.domain.order_messages import LineRequest, ManualDiscount, SubmitOrder
from hub.domain.staff import ApprovalRequired, NotSignedIn
from hub.services.commerce import prepare_sale
from hub.services.staff import authorize_sale
from tests.support.staff import approval, sign_in

MONDAY_4PM = "2026-11-23T16:00:00Z"  # happy hour: pastries half price at the counter


def price(client, lines, discounts, **extra):
    return client.post("/api/v1/baskets/price", json={"lines": lines, "channel": "counter", "discounts": discounts,
                                                      "at": "2026-11-23T12:00:00Z", **extra})


def test_a_line_discount_shows_its_reason_and_lowers_only_that_line(client):
    basket = price(client, [{"sku": "BURGER", "qty": 2}, {"sku": "COLA", "qty": 1}],
                   [{"line": 0, "percent": 10, "reason": "burger was cold"}]).get_json()
    [discount] = basket["discounts"]
    assert discount["reason"] == "burger was cold" and discount["name"] == "Discount: burger was cold"
    assert discount["amount"]["amount"] == 198 and discount["lines"] == [{"index": 0, "amount": 198}]
    assert basket["total"]["amount"] == 1980 + 320 - 198
    assert discount["approval_required"] is False and basket["approval_required"] is False


def test_a_discount_over_the_limit_is_priced_but_flagged_for_a_manager(client):
    basket = price(client, [{"sku": "BURGER", "qty": 1}], [{"line": None, "amount": 200, "reason": "regular"}]).get_json()
    assert basket["total"]["amount"] == 790
    assert basket["discounts"][0]["approval_required"] is True and basket["approval_required"] is True


def test_manual_discounts_apply_after_promotions_on_what_is_left(client):
    basket = client.post("/api/v1/baskets/price", json={
        "lines": [{"sku": "CROISSANT", "qty": 2}], "channel": "counter", "at": MONDAY_4PM,
        "discounts": [{"percent": 10, "reason": "birthday"}]}).get_json()
    assert [(d["promotion"], d["amount"]["amount"]) for d in basket["discounts"]] == [("happy-hour", 260), ("manual-0", 26)]
    assert basket["total"]["amount"] == 234


def test_several_small_discounts_together_over_the_limit_need_a_manager(client):
    basket = price(client, [{"sku": "BURGER", "qty": 1}, {"sku": "FRIES", "qty": 1}],
                   [{"percent": 6, "reason": "late"}, {"percent": 6, "reason": "regular"}]).get_json()
    assert basket["approval_required"] is True


@pytest.mark.parametrize("discount, field", [
    ({"line": 0, "percent": 5, "amount": 10, "reason": "x"}, "discounts[0]"),
    ({"line": 0, "reason": "x"}, "discounts[0]"),
    ({"line": 0, "percent": 5}, "discounts[0].reason"),
    ({"line": 0, "percent": 101, "reason": "x"}, "discounts[0].percent"),
    ({"line": 7, "percent": 5, "reason": "x"}, "discounts[0].line"),
])
def test_a_bad_discount_is_refused_naming_the_field(client, discount, field):
    refused = price(client, [{"sku": "BURGER", "qty": 1}], [discount])
    assert refused.status_code == 422 and refused.get_json()["field"] == field


def _submit(discounts, approval_token=None, staff_token=None) -> SubmitOrder:
    return SubmitOrder(str(uuid.uuid4()), "counter", "takeaway", (LineRequest("BURGER", 1),), "fp",
                       discounts=tuple(discounts), approval=approval_token, staff_token=staff_token)


def _authorize(hub, command):
    now = datetime.now(timezone.utc)
    with hub.uow_factory() as uow:
        sale = prepare_sale(uow, command.lines, command.origin, now, hub.settings.zone, discounts=command.discounts)
        authorize_sale(uow, command, sale.priced, hub.frontdesk, now)
        uow.commit()
        return sale.priced


def test_order_intake_refuses_a_discount_over_the_limit_without_an_approval_and_spends_one_once(client, hub):
    staff_token = sign_in(client, hub)
    big = [ManualDiscount("regular", None, 20, None)]
    with pytest.raises(ApprovalRequired) as refused:
        _authorize(hub, _submit(big, staff_token=staff_token))
    assert refused.value.status == 403 and refused.value.field == "approval"
    token = approval(client, hub, action="discount")
    command = _submit(big, token, staff_token)
    assert _authorize(hub, command).total == 792
    with hub.uow_factory() as uow:
        assert uow.staff.order_staff(command.order_id) == ("staff-sam", "staff-morgan")
    with pytest.raises(ApprovalRequired, match="used already"):
        _authorize(hub, _submit(big, token, staff_token))


def test_a_small_discount_needs_a_signed_in_cashier_but_no_manager(client, hub):
    small = [ManualDiscount("dented cup", 0, 10, None)]
    with pytest.raises(NotSignedIn):
        _authorize(hub, _submit(small))
    command = _submit(small, staff_token=sign_in(client, hub))
    assert _authorize(hub, command).total == 891
    with hub.uow_factory() as uow:
        assert uow.staff.order_staff(command.order_id) == ("staff-sam", None)


def test_a_session_older_than_a_shift_no_longer_gives_discounts(client, hub):
    from datetime import timedelta

    command = _submit([ManualDiscount("dented cup", 0, 5, None)], staff_token=sign_in(client, hub))
    later = datetime.now(timezone.utc) + timedelta(hours=12, minutes=1)
    with hub.uow_factory() as uow:
        sale = prepare_sale(uow, command.lines, command.origin, later, hub.settings.zone, discounts=command.discounts)
        with pytest.raises(NotSignedIn, match="ended or expired"):
            authorize_sale(uow, command, sale.priced, hub.frontdesk, later)


def test_a_short_pick_keeps_discounts_by_hand_on_their_item_and_drops_those_of_a_removed_line(client):
    from hub.services.commerce import kept_discounts

    priced = price(client, [{"sku": "BURGER", "qty": 1}, {"sku": "COLA", "qty": 1}, {"sku": "FRIES", "qty": 1}],
                   [{"line": 1, "amount": 100, "reason": "dented can"}, {"line": 2, "percent": 50, "reason": "cold"},
                    {"line": None, "percent": 5, "reason": "regular"}]).get_json()
    cola_gone = [LineRequest("BURGER", 1), LineRequest("FRIES", 1)]
    assert kept_discounts(priced, cola_gone) == (ManualDiscount("cold", 1, 50, None), ManualDiscount("regular", None, 5, None))
