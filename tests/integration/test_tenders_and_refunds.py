"""Tenders (cash, card, gift card, points), split payment, refunds to the original tenders, loyalty."""

from __future__ import annotations

from hub.domain.payment_events import CardPaymentApproved, CardPaymentRefunded
from tests.integration.commerce_support import cancel, complete, happened
from tests.support.devices import order_data
from tests.support.staff import approval


def place(client, lines=None, member=None):
    data = order_data(lines=lines or [{"sku": "LATTE-M", "qty": 2, "modifiers": ["OAT"]}],
                      customer={"loyalty_id": member} if member else None)
    body = client.post("/api/v1/orders", json=data).get_json()
    return data["order_id"], body["total"]["amount"]


def pay(client, order_id, kind, amount, code=None):
    return client.post(f"/api/v1/orders/{order_id}/tenders", json={"kind": kind, "amount": amount, "code": code})


def points(client, member):
    return client.get(f"/api/v1/loyalty/{member}").get_json()["points"]


def test_cash_gives_change(client):
    order_id, total = place(client)
    body = pay(client, order_id, "cash", 1000).get_json()
    assert total == 900 and (body["change"], body["due"]) == (100, 0)
    assert pay(client, order_id, "cash", 100).get_json()["code"] == "already_paid"


def test_split_tender_gift_card_then_cash(client):
    order_id, _ = place(client)
    assert client.post("/api/v1/gift-cards", json={"code": "GC-7788-1234", "amount": 500, "currency": "EUR"}).status_code == 201
    assert pay(client, order_id, "gift_card", 600, "GC-7788-1234").get_json()["code"] == "insufficient_balance"
    assert pay(client, order_id, "gift_card", 500, "GC-7788-1234").get_json()["due"] == 400
    assert pay(client, order_id, "cash", 400).get_json()["due"] == 0
    tenders = client.get(f"/api/v1/orders/{order_id}/tenders").get_json()
    assert [(t["kind"], t["amount"], t["reference"]) for t in tenders["tenders"]] == [("gift_card", 500, "1234"), ("cash", 400, None)]
    assert pay(client, order_id, "card", 100).status_code == 422


def test_partial_refund_goes_to_the_last_tender_first_and_the_rest_returns_everything(client, hub):
    order_id, total = place(client, [{"sku": "BEANS-HOUSE-250", "qty": 2}, {"sku": "MUG-PASSLINE", "qty": 1}])
    client.post("/api/v1/gift-cards", json={"code": "GC-0000-5555", "amount": 2000, "currency": "EUR"})
    pay(client, order_id, "gift_card", 2000, "GC-0000-5555")
    pay(client, order_id, "cash", total - 2000)
    complete(hub, order_id)
    first = client.post(f"/api/v1/orders/{order_id}/refunds", json={"lines": [{"index": 0, "qty": 1}], "approval": approval(client, hub)}).get_json()
    assert first["amount"]["amount"] == 1290
    assert [(t["kind"], t["amount"]) for t in first["to_tenders"]] == [("cash", 1290)]
    rest = client.post(f"/api/v1/orders/{order_id}/refunds", json={"approval": approval(client, hub)}).get_json()
    assert rest["amount"]["amount"] == total - 1290
    assert [(t["kind"], t["amount"]) for t in rest["to_tenders"]] == [("cash", total - 2000 - 1290), ("gift_card", 2000)]
    again = client.post(f"/api/v1/orders/{order_id}/refunds", json={"lines": [{"index": 0, "qty": 1}], "approval": approval(client, hub)})
    assert again.get_json()["code"] == "invalid_refund"
    with hub.uow_factory() as uow:
        assert uow.commerce.stock(["BEANS-HOUSE-250"])[("BEANS-HOUSE-250", "test")].on_hand == 500
        assert uow.commerce.gift_card("GC-0000-5555") == (2000, "EUR")


def test_an_open_order_cannot_be_refunded(client, hub):
    order_id, _ = place(client)
    refund = client.post(f"/api/v1/orders/{order_id}/refunds", json={"approval": approval(client, hub)})
    assert refund.get_json()["code"] == "not_completed"


def test_points_are_earned_on_completion_with_the_tier_multiplier_and_reversed_on_refund(client, hub):
    order_id, total = place(client, [{"sku": "BURGER", "qty": 2}], member="L-1002")  # member tier, 1x
    pay(client, order_id, "cash", total)
    assert points(client, "L-1002") == 0
    complete(hub, order_id)
    assert points(client, "L-1002") == total // 100 * 10
    client.post(f"/api/v1/orders/{order_id}/refunds", json={"approval": approval(client, hub)})
    assert points(client, "L-1002") == 0
    gold_order, gold_total = place(client, [{"sku": "BURGER", "qty": 1}], member="L-1001")
    pay(client, gold_order, "cash", gold_total)
    complete(hub, gold_order)
    assert points(client, "L-1001") == 500 + gold_total // 100 * 10 * 3 // 2


def test_points_pay_as_a_tender_and_come_back_on_refund(client, hub):
    order_id, total = place(client, member="L-1001")
    assert pay(client, order_id, "points", 300).get_json()["due"] == total - 300
    assert points(client, "L-1001") == 200
    pay(client, order_id, "cash", total - 300)
    complete(hub, order_id)
    earned = points(client, "L-1001") - 200
    assert earned == (total - 300) // 100 * 10 * 3 // 2  # points paid with points earn none
    client.post(f"/api/v1/orders/{order_id}/refunds", json={"approval": approval(client, hub)})
    assert points(client, "L-1001") == 500


def test_points_redeemed_as_a_discount_lower_the_total(client):
    basket = client.post("/api/v1/baskets/price", json={
        "lines": [{"sku": "BURGER", "qty": 1}], "channel": "app", "customer": {"loyalty_id": "L-1001"},
        "redeem_points": 100}).get_json()
    assert any(d["promotion"] == "loyalty-reward" and d["amount"]["amount"] == 100 for d in basket["discounts"])


def test_card_payments_from_the_terminal_are_recorded_and_reversed(client, hub):
    order_id, total = place(client)
    happened(hub, CardPaymentApproved(order_id, "pay-1", total, "EUR", "VISA", "************0119", "T-1"))
    happened(hub, CardPaymentApproved(order_id, "pay-1", total, "EUR", "VISA", "************0119", "T-1"))
    tenders = client.get(f"/api/v1/orders/{order_id}/tenders").get_json()
    assert tenders["due"] == 0 and [(t["kind"], t["reference"]) for t in tenders["tenders"]] == [("card", "pay-1")]
    happened(hub, CardPaymentRefunded(order_id, "pay-1", 400, "EUR"))
    assert client.get(f"/api/v1/orders/{order_id}/tenders").get_json()["tenders"][0]["refunded"] == 400


def test_points_redeemed_on_an_order_leave_the_balance_once(client, hub):
    from hub.domain.loyalty import member_proof

    data = order_data(lines=[{"sku": "BURGER", "qty": 1}], customer={"loyalty_id": "L-1001"}, redeem_points=250,
                      member_proof=member_proof(hub.frontdesk.member_secret, "L-1001"))
    body = client.post("/api/v1/orders", json=data).get_json()
    assert body["total"]["amount"] == 990 - 149 - 250  # gold 15 % first, then the points
    client.post("/api/v1/orders", json=data)
    assert points(client, "L-1001") == 250


def test_cancelling_gives_gift_card_and_points_back(client, hub):
    order_id, total = place(client, member="L-1001")
    client.post("/api/v1/gift-cards", json={"code": "GC-1111-2222", "amount": 300, "currency": "EUR"})
    pay(client, order_id, "gift_card", 300, "GC-1111-2222")
    pay(client, order_id, "points", 200)
    cancel(hub, order_id)
    assert points(client, "L-1001") == 500
    with hub.uow_factory() as uow:
        assert uow.commerce.gift_card("GC-1111-2222") == (300, "EUR")
