"""Selling without tax needs a manager's approval and a reason; `"tax_exempt": true` alone is refused."""

from __future__ import annotations

from tests.support.devices import order_data
from tests.support.staff import approval, sign_in

LATTE = [{"sku": "LATTE-M", "qty": 1}]


def orders_of(client) -> int:
    return len(client.get("/api/v1/orders").get_json()["orders"])


def test_a_web_order_cannot_remove_the_vat_by_saying_tax_exempt(client, hub):
    before = orders_of(client)
    reply = client.post("/api/v1/orders", json=order_data(origin="web", lines=LATTE, tax_exempt=True))
    assert (reply.status_code, reply.get_json()["code"], reply.get_json()["field"]) == (403, "approval_required", "tax_exempt")
    assert orders_of(client) == before


def test_a_tax_exemption_without_a_reason_is_refused_and_keeps_the_approval(client, hub):
    token = approval(client, hub, "tax_exempt")
    reply = client.post("/api/v1/orders", json=order_data(lines=LATTE, tax_exempt=True, tax_exempt_approval=token,
                                                          tax_exempt_reason="  "))
    assert (reply.status_code, reply.get_json()["field"]) == (403, "tax_exempt")
    again = client.post("/api/v1/orders", json=order_data(lines=LATTE, tax_exempt=True, tax_exempt_approval=token,
                                                          tax_exempt_reason="certificate 12-345"))
    assert again.status_code == 201, again.get_json()


def test_another_actions_approval_or_a_used_one_does_not_exempt_an_order(client, hub):
    refund = approval(client, hub, "refund")
    wrong = client.post("/api/v1/orders", json=order_data(lines=LATTE, tax_exempt=True, tax_exempt_approval=refund,
                                                          tax_exempt_reason="diplomat"))
    assert (wrong.status_code, wrong.get_json()["field"]) == (403, "tax_exempt")
    assert "not a tax_exempt" in wrong.get_json()["message"]
    token = approval(client, hub, "tax_exempt")
    first = client.post("/api/v1/orders", json=order_data(lines=LATTE, tax_exempt=True, tax_exempt_approval=token,
                                                          tax_exempt_reason="diplomat"))
    assert first.status_code == 201 and first.get_json()["tax"]["amount"] == 0
    second = client.post("/api/v1/orders", json=order_data(lines=LATTE, tax_exempt=True, tax_exempt_approval=token,
                                                           tax_exempt_reason="diplomat"))
    assert (second.status_code, second.get_json()["code"]) == (403, "approval_required")


def test_a_cashier_cannot_approve_a_tax_exemption(client, hub):
    sign_in(client, hub)
    reply = client.post("/api/v1/staff/approvals", json={"pin": "1111", "action": "tax_exempt", "device_id": "counter-1"})
    assert (reply.status_code, reply.get_json()["code"]) == (403, "not_permitted")


def test_the_basket_price_shows_an_exemption_only_as_a_preview(client, hub):
    taxed = client.post("/api/v1/baskets/price", json={"lines": LATTE, "channel": "web"}).get_json()
    preview = client.post("/api/v1/baskets/price", json={"lines": LATTE, "channel": "web", "tax_exempt": True}).get_json()
    assert preview["tax_exempt"] is True and preview["total"]["amount"] < taxed["total"]["amount"]
    plain = client.post("/api/v1/orders", json=order_data(origin="web", lines=LATTE))
    assert plain.get_json()["total"] == taxed["total"]  # the order, not the preview, decides
