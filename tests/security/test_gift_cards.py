"""Gift cards: loaded only up to the store's limit per card, and with a manager's approval when staff load them."""

from __future__ import annotations

import pytest

from hub.domain.staff import RunApproved, StaffRefused
from hub.domain.tenders import IssueGiftCard
from tests.support.staff import approval

CARD = {"code": "FREEMONEY0001", "currency": "EUR"}


def test_a_gift_card_above_the_store_limit_is_refused_naming_the_amount(client, hub):
    reply = client.post("/api/v1/gift-cards", json={**CARD, "amount": 99_999_999})
    assert (reply.status_code, reply.get_json()["code"], reply.get_json()["field"]) == (422, "over_limit", "amount")
    assert "500.00" in reply.get_json()["message"]
    spent = client.post("/api/v1/orders", json={"order_id": "5d0c3c52-1b0e-4a43-9d52-3c1f3d7f2a01", "origin": "kiosk",
                                                "fulfilment": "takeaway", "lines": [{"sku": "LATTE-M", "qty": 1}]})
    tender = client.post(f"/api/v1/orders/{spent.get_json()['order_id']}/tenders",
                         json={"kind": "gift_card", "amount": 100, "code": CARD["code"]})
    assert tender.status_code == 404  # no card was made


def test_an_absurd_gift_card_amount_is_a_clean_422_not_a_500(client, hub):
    for amount in (10**19, 2**63, 10**40):
        reply = client.post("/api/v1/gift-cards", json={**CARD, "amount": amount})
        assert (reply.status_code, reply.get_json()["field"]) == (422, "amount"), amount


def test_topping_a_card_up_past_the_limit_is_refused(client, hub):
    assert client.post("/api/v1/gift-cards", json={**CARD, "amount": 40_000}).status_code == 201
    again = client.post("/api/v1/gift-cards", json={**CARD, "amount": 20_000})
    assert (again.status_code, again.get_json()["field"]) == (422, "amount")
    assert client.post("/api/v1/gift-cards", json={**CARD, "amount": 10_000}).get_json()["balance"] == 50_000


def test_a_store_sets_its_own_gift_card_limit(tmp_path):
    from hub.adapters.frontdesk_config import frontdesk_settings_from
    from hub.domain.frontdesk_settings import FrontdeskSettings

    assert FrontdeskSettings().gift_card_max == 50_000
    assert frontdesk_settings_from({"counter": {"gift_card_max": 20_000}}).gift_card_max == 20_000
    with pytest.raises(ValueError, match="counter.gift_card_max"):
        frontdesk_settings_from({"counter": {"gift_card_max": "lots"}})


def test_staff_load_a_gift_card_only_with_a_managers_one_use_approval(client, hub):
    issue = IssueGiftCard(CARD["code"], 2_000, "EUR")
    with pytest.raises(StaffRefused) as refused:
        hub.bus.handle(RunApproved(None, "gift_card", issue, "gift card 0001"))
    assert (refused.value.status, refused.value.code) == (403, "approval_required")
    refund_token = approval(client, hub, "refund")
    with pytest.raises(StaffRefused):
        hub.bus.handle(RunApproved(refund_token, "gift_card", issue, "gift card 0001"))
    token = approval(client, hub, "gift_card")
    assert hub.bus.handle(RunApproved(token, "gift_card", issue, "gift card 0001")) == 2_000
    with pytest.raises(StaffRefused, match="used already"):
        hub.bus.handle(RunApproved(token, "gift_card", issue, "gift card 0001"))


def test_an_approved_gift_card_over_the_limit_is_refused_and_the_approval_kept(client, hub):
    from hub.domain.errors import Refused

    token = approval(client, hub, "gift_card")
    with pytest.raises(Refused, match="amount"):
        hub.bus.handle(RunApproved(token, "gift_card", IssueGiftCard(CARD["code"], 10**19, "EUR"), "gift card 0001"))
    assert hub.bus.handle(RunApproved(token, "gift_card", IssueGiftCard(CARD["code"], 500, "EUR"), "gift card 0001")) == 500


def test_a_cashier_cannot_approve_a_gift_card(client, hub):
    from tests.support.staff import ensure_staff

    ensure_staff(hub)
    reply = client.post("/api/v1/staff/approvals", json={"pin": "1111", "action": "gift_card", "device_id": "counter-1"})
    assert (reply.status_code, reply.get_json()["code"]) == (403, "not_permitted")
