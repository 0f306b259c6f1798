"""A terminal's receipt numbers start again every day: a new charge is not refused as yesterday's.

ZVT receipt numbers have 4 digits, restart at 0001 after each end-of-day and wrap after 9999;
the hub tells one charge from another by the terminal's trace number. A transaction the hub
already holds for another payment is still refused when it is read back for a second one.
Same set-up as test_payment_checks: a real SQLite hub, a clock moved by hand, the real relay.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from hub.services.payments import PAY_ANSWER_WITHIN_S
from tests.integration.test_payment_checks import KIOSK, new_order, store  # noqa: F401 - the fixture

TERMINAL = "52500001"


def charge(receipt_no: str, trace_no: str | None, amount: int = 800) -> dict:
    """The facts a terminal reports for an approved charge."""
    return {"result": "approved", "amount": amount, "currency": "EUR", "masked_pan": "************0119", "brand": "Visa",
            "auth_code": "123456", "receipt_no": receipt_no, "trace_no": trace_no, "terminal_id": TERMINAL}


def paid_by_check(store, facts: dict) -> dict:
    """Lose a payment's result, answer the hub's check with the terminal's last transaction, and return the payment."""
    order = new_order(store.client)
    started = store.client.post(f"/api/v1/orders/{order['order_id']}/payments", json={"device_id": KIOSK})
    assert started.status_code == 202, started.json
    payment_id = started.json["payment_id"]
    store.sweep()
    store.clock.advance(PAY_ANSWER_WITHIN_S)  # the result is lost: the hub asks the terminal what became of it
    store.sweep()
    assert [job.payload["operation"] for job in store.pay_jobs(order["order_id"])] == ["authorise", "status"]
    store.answer(store.pay_jobs(order["order_id"])[-1], True, operation="status", result="approved", ready=True,
                 last={**facts, "unreported": True})
    return store.payment(payment_id)


def paid_by_recovery(store, facts: dict) -> dict:
    """Pay where the agent lost the link mid-payment and read the charge back itself (`recovered`)."""
    order = new_order(store.client)
    started = store.client.post(f"/api/v1/orders/{order['order_id']}/payments", json={"device_id": KIOSK})
    assert started.status_code == 202, started.json
    store.sweep()
    [job] = store.pay_jobs(order["order_id"])
    store.answer(job, True, operation="authorise", recovered=True, **facts)
    return store.payment(started.json["payment_id"])


def test_a_new_day_s_charge_with_yesterday_s_receipt_number_is_approved_and_stored(store):
    yesterday = paid_by_check(store, charge("0001", "000001"))
    assert (yesterday["state"], yesterday["receipt_no"]) == ("approved", "0001")
    store.clock.advance(timedelta(days=1).total_seconds())  # the terminal's end-of-day ran overnight
    today = paid_by_check(store, charge("0001", "000002"))
    assert (today["state"], today["receipt_no"], today["error"]) == ("approved", "0001", None)
    assert store.client.get(f"/api/v1/orders/{today['order_id']}").json["payment"]["state"] == "paid"
    recovered = paid_by_recovery(store, charge("0002", "000003"))
    store.clock.advance(timedelta(days=1).total_seconds())
    again = paid_by_recovery(store, charge("0002", "000004"))  # the next day's 0002, read back by the agent
    assert [p["state"] for p in (recovered, again)] == ["approved", "approved"]


def test_a_receipt_number_that_wrapped_after_9999_on_the_same_day_is_a_new_charge(store):
    assert paid_by_check(store, charge("0001", "000001"))["state"] == "approved"
    wrapped = paid_by_check(store, charge("0001", "010000"))  # ten thousand charges later, the same afternoon
    assert (wrapped["state"], wrapped["receipt_no"]) == ("approved", "0001")


@pytest.mark.parametrize("pay", [paid_by_check, paid_by_recovery])
def test_the_same_transaction_read_back_for_a_second_payment_is_still_refused(store, pay):
    first = pay(store, charge("0007", "000042"))
    assert first["state"] == "approved"
    store.clock.advance(timedelta(days=1).total_seconds())  # however late it comes back
    second = pay(store, charge("0007", "000042"))
    assert (second["state"], second["error"]) == ("failed", "not_charged")
    assert second["message"] == "the terminal has no charge for this payment; nothing was charged"
    assert store.client.get(f"/api/v1/orders/{second['order_id']}").json["payment"]["state"] != "paid"


def test_without_a_trace_number_a_receipt_number_counts_within_the_business_day(store):
    assert paid_by_check(store, charge("0003", None))["state"] == "approved"
    assert paid_by_check(store, charge("0003", None))["state"] == "failed"  # the same day: taken
    store.clock.advance(timedelta(days=1).total_seconds())
    assert paid_by_check(store, charge("0003", None))["state"] == "approved"  # a new day's batch
