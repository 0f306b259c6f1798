"""The hub's payment flow on a real database: request, terminal results, lost results, refunds."""

from __future__ import annotations

import uuid

import pytest

from hub.domain.device_jobs import RecordDeviceEvent
from tests.support.staff import approval

AGENT = "till-agent"
KIOSK = "kiosk-1"


@pytest.fixture
def order(client):
    """An order of two medium lattes (8.00 EUR) and a kiosk with a terminal."""
    order_id = str(uuid.uuid4())
    body = {"order_id": order_id, "origin": "kiosk", "fulfilment": "takeaway", "lines": [{"sku": "LATTE-M", "qty": 2}]}
    created = client.post("/api/v1/orders", json=body)
    assert created.status_code == 201, created.json
    assigned = client.put(f"/api/v1/payment-terminals/{KIOSK}", json={"agent_device_id": AGENT, "hardware": "terminal"})
    assert assigned.status_code == 200
    return created.json


def pay_jobs(hub, order_id: str) -> list:
    with hub.uow_factory() as uow:
        return [job for job in uow.device_jobs.for_order(order_id) if job.kind == "pay"]


def answer(hub, job, ok: bool, error: str | None = None, **detail) -> None:
    data = {"job_id": job.job_id, "ok": ok, "error": error, "message": error, "detail": detail}
    hub.bus.handle(RecordDeviceEvent(AGENT, "job.result", data, str(uuid.uuid4())))


def card(result="approved", amount=800, receipt_no="0001", **extra) -> dict:
    return {"operation": "authorise", "result": result, "amount": amount, "currency": "EUR", "masked_pan": "************0119",
            "brand": "Visa", "auth_code": "123456", "receipt_no": receipt_no, "trace_no": "000001", "terminal_id": "52500001", **extra}


def start_payment(client, order, **body):
    response = client.post(f"/api/v1/orders/{order['order_id']}/payments", json={"device_id": KIOSK, **body})
    assert response.status_code == 202, response.json
    return response.json


def order_payment(client, order) -> dict:
    return client.get(f"/api/v1/orders/{order['order_id']}/payments").json


def test_payment_request_sends_a_pay_job_to_the_kiosks_terminal(client, hub, order):
    payment = start_payment(client, order)
    assert (payment["state"], payment["amount"], payment["currency"]) == ("requested", 800, "EUR")
    [job] = pay_jobs(hub, order["order_id"])
    assert (job.device_id, job.hardware, job.answer_by is not None) == (AGENT, "terminal", True)
    assert job.payload == {"operation": "authorise", "payment_id": payment["payment_id"], "order_id": order["order_id"],
                           "currency": "EUR", "amount": 800}
    assert order_payment(client, order)["state"] == "pending"


def test_approved_result_pays_the_order_and_records_the_card_facts(client, hub, order):
    payment = start_payment(client, order)
    answer(hub, pay_jobs(hub, order["order_id"])[0], True, **card())
    shown = client.get(f"/api/v1/payments/{payment['payment_id']}").json
    assert {k: shown[k] for k in ("state", "masked_pan", "brand", "auth_code", "receipt_no", "terminal_id")} == {
        "state": "approved", "masked_pan": "************0119", "brand": "Visa", "auth_code": "123456",
        "receipt_no": "0001", "terminal_id": "52500001"}
    assert order_payment(client, order)["state"] == "paid"
    assert client.get(f"/api/v1/orders/{order['order_id']}").json["payment"]["state"] == "paid"
    tenders = client.get(f"/api/v1/orders/{order['order_id']}/tenders").json
    assert tenders["due"] == 0 and [t["kind"] for t in tenders["tenders"]] == ["card"]


@pytest.mark.parametrize("error, state", [("declined", "declined"), ("cancelled", "cancelled"), ("offline", "failed"), ("timeout", "failed")])
def test_unsuccessful_results_leave_the_order_unpaid(client, hub, order, error, state):
    payment = start_payment(client, order)
    answer(hub, pay_jobs(hub, order["order_id"])[0], False, error, **card(result=error))
    assert client.get(f"/api/v1/payments/{payment['payment_id']}").json["state"] == state
    assert order_payment(client, order)["state"] == "unpaid"
    again = start_payment(client, order)  # the customer may try again
    assert again["state"] == "requested"


def test_a_lost_result_is_resolved_by_a_status_enquiry_that_finds_the_charge(client, hub, order):
    payment = start_payment(client, order)
    answer(hub, pay_jobs(hub, order["order_id"])[0], False, "no_answer")
    assert client.get(f"/api/v1/payments/{payment['payment_id']}").json["state"] == "checking"
    status_job = pay_jobs(hub, order["order_id"])[-1]
    assert status_job.payload["operation"] == "status" and status_job.answer_by is not None  # unanswered: asked again later
    answer(hub, status_job, True, operation="status", result="approved", ready=True, last=card())
    assert client.get(f"/api/v1/payments/{payment['payment_id']}").json["state"] == "approved"
    assert order_payment(client, order)["state"] == "paid"


def test_a_lost_result_whose_terminal_shows_an_older_charge_is_not_charged(client, hub, order):
    first = start_payment(client, order, amount=400)
    answer(hub, pay_jobs(hub, order["order_id"])[0], True, **card(amount=400, receipt_no="0007"))
    second = start_payment(client, order, amount=400)
    answer(hub, pay_jobs(hub, order["order_id"])[-1], False, "connection_lost", result="unknown")
    answer(hub, pay_jobs(hub, order["order_id"])[-1], True, operation="status", result="approved",
           last=card(amount=400, receipt_no="0007"))  # the terminal's last is the first payment
    assert client.get(f"/api/v1/payments/{second['payment_id']}").json["state"] == "failed"
    assert client.get(f"/api/v1/payments/{first['payment_id']}").json["state"] == "approved"
    assert order_payment(client, order) | {"card_payments": None} == {
        "state": "part_paid", "paid": 400, "due": 400, "currency": "EUR", "card_payments": None}


def test_a_charge_found_after_the_order_was_paid_otherwise_is_reversed(client, hub, order):
    payment = start_payment(client, order)
    answer(hub, pay_jobs(hub, order["order_id"])[0], False, "no_answer")
    cash = client.post(f"/api/v1/orders/{order['order_id']}/tenders", json={"kind": "cash", "amount": 800})
    assert cash.status_code == 201
    answer(hub, pay_jobs(hub, order["order_id"])[-1], True, operation="status", result="approved", last=card())
    reverse_job = pay_jobs(hub, order["order_id"])[-1]
    assert reverse_job.payload["operation"] == "reverse" and reverse_job.payload["receipt_no"] == "0001"
    assert client.get(f"/api/v1/payments/{payment['payment_id']}").json["state"] == "checking"
    answer(hub, reverse_job, True, operation="reverse", result="approved")
    assert client.get(f"/api/v1/payments/{payment['payment_id']}").json["state"] == "reversed"
    assert order_payment(client, order)["paid"] == 800  # the cash, once


def test_refund_gives_the_money_back_to_the_card(client, hub, order):
    payment = start_payment(client, order)
    answer(hub, pay_jobs(hub, order["order_id"])[0], True, **card())
    refund = client.post(f"/api/v1/payments/{payment['payment_id']}/refund", json={"amount": 300, "approval": approval(client, hub)})
    assert refund.status_code == 202
    job = pay_jobs(hub, order["order_id"])[-1]
    assert (job.payload["operation"], job.payload["amount"]) == ("refund", 300)
    answer(hub, job, True, operation="refund", result="approved", amount=300)
    shown = client.get(f"/api/v1/payments/{payment['payment_id']}").json
    assert (shown["state"], shown["refunded_amount"]) == ("approved", 300)
    assert order_payment(client, order)["due"] == 300
    too_much = client.post(f"/api/v1/payments/{payment['payment_id']}/refund", json={"amount": 600, "approval": approval(client, hub)})
    assert too_much.status_code == 422 and too_much.json["code"] == "refund_too_large"


def test_refusals_name_the_problem(client, hub, order):
    no_terminal = client.post(f"/api/v1/orders/{order['order_id']}/payments", json={"device_id": "counter-9"})
    assert no_terminal.status_code == 422 and "counter-9" in no_terminal.json["message"]
    start_payment(client, order)
    busy = client.post(f"/api/v1/orders/{order['order_id']}/payments", json={"device_id": KIOSK})
    assert (busy.status_code, busy.json["code"]) == (409, "payment_in_progress")
    bad = client.post(f"/api/v1/orders/{order['order_id']}/payments", json={"device_id": KIOSK, "amount": -5})
    assert bad.status_code == 422 and bad.json["field"] == "amount"
    unknown = client.post(f"/api/v1/orders/{uuid.uuid4()}/payments", json={"device_id": KIOSK})
    assert unknown.status_code == 404


def test_the_same_payment_id_twice_is_one_payment(client, hub, order):
    payment_id = str(uuid.uuid4())
    first = start_payment(client, order, payment_id=payment_id)
    second = start_payment(client, order, payment_id=payment_id)
    assert first["payment_id"] == second["payment_id"] == payment_id
    assert len(pay_jobs(hub, order["order_id"])) == 1


def test_a_second_status_answer_does_not_settle_the_payment_again(client, hub, order):
    payment = start_payment(client, order)
    answer(hub, pay_jobs(hub, order["order_id"])[0], False, "no_answer")
    assert client.post(f"/api/v1/payments/{payment['payment_id']}/check").status_code == 202  # a second check
    first_check, second_check = pay_jobs(hub, order["order_id"])[1:]
    answer(hub, first_check, True, operation="status", result="approved", last=card())
    answer(hub, second_check, True, operation="status", result="approved", last=card())
    assert client.get(f"/api/v1/payments/{payment['payment_id']}").json["state"] == "approved"
    assert [job.payload["operation"] for job in pay_jobs(hub, order["order_id"])] == ["authorise", "status", "status"]
    assert order_payment(client, order)["state"] == "paid"


def test_a_recovered_result_that_belongs_to_another_payment_is_not_a_charge(client, hub, order):
    first = start_payment(client, order, amount=400)
    answer(hub, pay_jobs(hub, order["order_id"])[0], True, **card(amount=400, receipt_no="0009"))
    second = start_payment(client, order, amount=400)
    answer(hub, pay_jobs(hub, order["order_id"])[-1], True, **card(amount=400, receipt_no="0009", recovered=True))
    assert client.get(f"/api/v1/payments/{second['payment_id']}").json["state"] == "failed"
    assert client.get(f"/api/v1/payments/{first['payment_id']}").json["state"] == "approved"
    assert order_payment(client, order)["paid"] == 400


def test_a_second_refund_while_the_first_is_on_its_way_is_refused_so_the_card_gets_back_what_it_paid(client, hub, order):
    payment = start_payment(client, order)
    answer(hub, pay_jobs(hub, order["order_id"])[0], True, **card())
    first = client.post(f"/api/v1/payments/{payment['payment_id']}/refund", json={"approval": approval(client, hub)})
    double_click = client.post(f"/api/v1/payments/{payment['payment_id']}/refund", json={"approval": approval(client, hub)})
    assert first.status_code == 202
    assert (double_click.status_code, double_click.json["code"]) == (409, "refund_in_progress")
    assert "800" in double_click.json["message"]
    refunds = [j for j in pay_jobs(hub, order["order_id"]) if j.payload["operation"] == "refund"]
    assert [j.payload["amount"] for j in refunds] == [800]
    answer(hub, refunds[0], True, operation="refund", result="approved", amount=800)
    again = client.post(f"/api/v1/payments/{payment['payment_id']}/refund", json={"approval": approval(client, hub)})
    assert again.status_code in (409, 422)  # nothing left to refund once the first came back
    assert len([j for j in pay_jobs(hub, order["order_id"]) if j.payload["operation"] == "refund"]) == 1


def test_refunding_part_of_a_card_paid_order_sends_that_part_to_the_card_and_counts_it_once(client, hub, order):
    from tests.integration.commerce_support import complete

    payment = start_payment(client, order)
    answer(hub, pay_jobs(hub, order["order_id"])[0], True, **card())
    complete(hub, order["order_id"])
    one_latte = {"lines": [{"index": 0, "qty": 1}]}
    refund = client.post(f"/api/v1/orders/{order['order_id']}/refunds", json={**one_latte, "approval": approval(client, hub)})
    assert refund.status_code == 201, refund.json
    assert refund.json["to_tenders"][0] | {"tender_id": None} == {"tender_id": None, "kind": "card", "amount": 400, "pending": True}
    assert refund.json["card_refunds"] == [payment["payment_id"]]
    [job] = [j for j in pay_jobs(hub, order["order_id"]) if j.payload["operation"] == "refund"]
    assert job.payload["amount"] == 400  # the customer presents the card at the terminal that took it
    assert client.get(f"/api/v1/orders/{order['order_id']}/tenders").json["tenders"][0]["refunded"] == 0  # not yet back
    second = client.post(f"/api/v1/orders/{order['order_id']}/refunds", json={**one_latte, "approval": approval(client, hub)})
    assert (second.status_code, second.json["code"]) == (409, "refund_in_progress")  # and nothing of it was written
    answer(hub, job, True, operation="refund", result="approved", amount=400)
    assert client.get(f"/api/v1/orders/{order['order_id']}/tenders").json["tenders"][0]["refunded"] == 400  # counted once
    again = client.post(f"/api/v1/orders/{order['order_id']}/refunds", json={**one_latte, "approval": approval(client, hub)})
    assert again.status_code == 201 and again.json["to_tenders"][0]["amount"] == 400
    assert client.get(f"/api/v1/payments/{payment['payment_id']}").json["refunded_amount"] == 400  # the second is on its way
