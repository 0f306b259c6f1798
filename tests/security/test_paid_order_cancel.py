"""A display cannot cancel an order that holds the customer's money: it is refunded at the counter first."""

from __future__ import annotations

import uuid

from hub.contracts.displays import NAMESPACE
from hub.domain.device_jobs import RecordDeviceEvent
from tests.support.identities import screen_client, screen_socket

AGENT = "till-agent"
KIOSK = "kiosk-1"
LATTES = [{"sku": "LATTE-M", "qty": 2}]


def new_order(client, **extra) -> dict:
    body = {"order_id": str(uuid.uuid4()), "origin": "kiosk", "fulfilment": "takeaway", "lines": LATTES, **extra}
    created = client.post("/api/v1/orders", json=body)
    assert created.status_code == 201, created.json
    return created.json


def pay_by_card(client, hub, order: dict) -> None:
    assert client.put(f"/api/v1/payment-terminals/{KIOSK}", json={"agent_device_id": AGENT, "hardware": "terminal"}).status_code == 200
    assert client.post(f"/api/v1/orders/{order['order_id']}/payments", json={"device_id": KIOSK}).status_code == 202
    with hub.uow_factory() as uow:
        [job] = [job for job in uow.device_jobs.for_order(order["order_id"]) if job.kind == "pay"]
    facts = {"operation": "authorise", "result": "approved", "amount": order["total"]["amount"], "currency": "EUR",
             "masked_pan": "************0119", "brand": "Visa", "auth_code": "123456", "receipt_no": "0001",
             "trace_no": "000001", "terminal_id": "52500001"}
    data = {"job_id": job.job_id, "ok": True, "error": None, "message": None, "detail": facts}
    hub.bus.handle(RecordDeviceEvent(AGENT, "job.result", data, str(uuid.uuid4())))
    assert client.get(f"/api/v1/orders/{order['order_id']}/payments").json["state"] == "paid"


def display_cancel(app, order_id: str) -> dict:
    screen = screen_socket(app, NAMESPACE, screen_client(app, "bar-display", "display"))
    assert screen.emit("join", {"view": "kds:bar"}, namespace=NAMESPACE, callback=True)["ok"]
    action = {"action_id": str(uuid.uuid4()), "kind": "cancel", "order_id": order_id}
    return screen.emit("action", action, namespace=NAMESPACE, callback=True)


def test_a_card_paid_order_cancelled_from_a_display_is_refused_and_stays_charged(app, client, hub):
    order = new_order(client)
    pay_by_card(client, hub, order)
    answer = display_cancel(app, order["order_id"])
    assert answer["ok"] is False and "is paid: refund it at the counter first" in answer["reason"], answer
    assert client.get(f"/api/v1/orders/{order['order_id']}").json["status"] == "accepted"


def test_a_cash_paid_order_cancelled_from_a_display_is_refused(app, client, hub):
    order = new_order(client)
    paid = client.post(f"/api/v1/orders/{order['order_id']}/tenders", json={"kind": "cash", "amount": 1000})
    assert paid.status_code in (200, 201), paid.json
    answer = display_cancel(app, order["order_id"])
    assert answer["ok"] is False and "refund it at the counter first" in answer["reason"], answer
    assert client.get(f"/api/v1/orders/{order['order_id']}").json["status"] == "accepted"


def test_an_unpaid_order_is_still_cancelled_from_a_display(app, client, hub):
    order = new_order(client)
    assert display_cancel(app, order["order_id"])["ok"] is True
    assert client.get(f"/api/v1/orders/{order['order_id']}").json["status"] == "cancelled"


def test_a_held_order_with_money_on_it_cannot_be_cancelled_over_http(client, hub):
    order = new_order(client, release="when_paid")
    part = client.post(f"/api/v1/orders/{order['order_id']}/tenders", json={"kind": "cash", "amount": 100})
    assert part.status_code in (200, 201), part.json
    refused = client.post(f"/api/v1/orders/{order['order_id']}/cancel", json={"reason": "customer left"})
    assert refused.status_code == 409 and "refund it" in refused.json["message"], refused.json
    assert client.get(f"/api/v1/orders/{order['order_id']}").json["status"] == "received"


def test_the_refusal_is_a_409_paid_order_for_any_caller_that_maps_codes():
    from hub.domain.kitchen import PaidOrder

    assert (PaidOrder.code, PaidOrder.status) == ("paid_order", 409)
