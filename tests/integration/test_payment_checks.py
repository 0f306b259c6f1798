"""A lost payment result is checked again on a backoff until the terminal answers; an offline terminal is refused.

The hub runs on a real SQLite file with a clock the test moves by hand, and the real
device relay sweeps (publishing into a list instead of a broker) and scheduler ticks.
"""

from __future__ import annotations

import logging
import threading
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from hub.bootstrap import bootstrap
from hub.domain.device_jobs import RecordDeviceEvent
from hub.domain.payments import CHECK_BACKOFF_S, CHECK_EVERY_S
from hub.domain.presence import DeviceState
from hub.entrypoints.device_relay import DeviceRelay
from hub.entrypoints.scheduler import Scheduler
from hub.entrypoints.web.app import create_app
from hub.services.payments import CHECK_ANSWER_WITHIN_S, PAY_ANSWER_WITHIN_S
from tests.support.identities import owner_client

AGENT = "till-agent"
KIOSK = "kiosk-1"


class HandClock:
    """The store's clock, moved forward by the test."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class Store:
    """A hub, its web client, its relay and what the relay published."""

    def __init__(self, settings) -> None:
        self.clock = HandClock()
        self.hub = bootstrap(settings, clock=self.clock)
        self.client = owner_client(create_app(hub=self.hub))
        self.published: list[dict] = []
        self.relay = DeviceRelay(self.hub.bus, "test", lambda _topic, message: self.published.append(message),
                                 threading.Event())
        self.scheduler = Scheduler(self.hub.bus)

    def sweep(self) -> None:
        """Run one relay sweep, then one more so that jobs queued by the first go out."""
        for _ in range(2):
            self.relay.sweep()
            self.scheduler.tick()

    def sent_operations(self) -> list[str]:
        return [m["data"]["payload"]["operation"] for m in self.published]

    def pay_jobs(self, order_id: str) -> list:
        with self.hub.uow_factory() as uow:
            return [job for job in uow.device_jobs.for_order(order_id) if job.kind == "pay"]

    def answer(self, job, ok: bool, error: str | None = None, message: str | None = None, **detail) -> None:
        data = {"job_id": job.job_id, "ok": ok, "error": error, "message": message, "detail": detail}
        self.hub.bus.handle(RecordDeviceEvent(AGENT, "job.result", data, str(uuid.uuid4())))

    def payment(self, payment_id: str) -> dict:
        return self.client.get(f"/api/v1/payments/{payment_id}").json


@pytest.fixture
def store(settings):
    store = Store(settings)
    assert store.client.put(f"/api/v1/payment-terminals/{KIOSK}", json={"agent_device_id": AGENT, "hardware": "terminal"}).status_code == 200
    yield store
    store.hub.stop()


def new_order(client) -> dict:
    body = {"order_id": str(uuid.uuid4()), "origin": "kiosk", "fulfilment": "takeaway", "lines": [{"sku": "LATTE-M", "qty": 2}]}
    created = client.post("/api/v1/orders", json=body)
    assert created.status_code == 201, created.json
    return created.json


def card(amount=800, receipt_no="0001") -> dict:
    return {"result": "approved", "amount": amount, "currency": "EUR", "masked_pan": "************0119", "brand": "Visa",
            "auth_code": "123456", "receipt_no": receipt_no, "trace_no": "000001", "terminal_id": "52500001", "unreported": True}


def iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def lost_payment(store) -> tuple[dict, str]:
    """Start a payment whose pay job gets no answer in time: it goes to `checking` and check 1 goes out."""
    order = new_order(store.client)
    started = store.client.post(f"/api/v1/orders/{order['order_id']}/payments", json={"device_id": KIOSK})
    assert started.status_code == 202, started.json
    store.sweep()
    store.clock.advance(PAY_ANSWER_WITHIN_S)
    store.sweep()
    assert store.sent_operations() == ["authorise", "status"]
    return order, started.json["payment_id"]


def test_the_schedule_is_10_30_60_seconds_then_every_two_minutes():
    from hub.domain.payments import check_delay

    assert [check_delay(n).total_seconds() for n in range(1, 7)] == [10, 30, 60, 120, 120, 120]
    assert (CHECK_BACKOFF_S, CHECK_EVERY_S) == ((10.0, 30.0, 60.0), 120.0)


def test_unanswered_checks_are_retried_on_the_backoff_until_the_terminal_answers(store, caplog):
    caplog.set_level(logging.INFO, logger="hub.services.payments")
    order, payment_id = lost_payment(store)
    shown = store.payment(payment_id)
    assert (shown["state"], shown["checks"], shown["next_check_at"]) == ("checking", 1, None)
    for attempt, wait in enumerate([10, 30, 60, 120, 120], start=1):
        store.clock.advance(CHECK_ANSWER_WITHIN_S)
        store.sweep()  # the check runs out of time unanswered
        shown = store.payment(payment_id)
        assert (shown["state"], shown["checks"]) == ("checking", attempt)
        assert shown["next_check_at"] == iso(store.clock.now + timedelta(seconds=wait))
        assert f"check {attempt} got no answer" in shown["message"]
        store.clock.advance(wait - 1)
        store.sweep()
        assert store.sent_operations().count("status") == attempt  # not yet
        store.clock.advance(1)
        store.sweep()
        assert store.sent_operations().count("status") == attempt + 1
        assert store.payment(payment_id)["next_check_at"] is None  # a check is running
    store.answer(store.pay_jobs(order["order_id"])[-1], True, operation="status", result="approved", last=card())
    shown = store.payment(payment_id)
    assert (shown["state"], shown["receipt_no"], shown["next_check_at"]) == ("approved", "0001", None)
    assert store.client.get(f"/api/v1/orders/{order['order_id']}").json["payment"]["state"] == "paid"
    asked = [r.getMessage() for r in caplog.records if "asking terminal till-agent/terminal" in r.getMessage()]
    missed = [r.getMessage() for r in caplog.records if "did not answer attempt" in r.getMessage()]
    assert len(asked) == 6 and asked[-1].endswith("attempt 6") and len(missed) == 5
    store.clock.advance(600)
    store.sweep()
    assert store.sent_operations().count("status") == 6  # settled: nothing more is asked


def test_a_terminal_the_agent_cannot_reach_is_asked_again(store):
    order, payment_id = lost_payment(store)
    store.answer(store.pay_jobs(order["order_id"])[-1], False, "offline", "The payment terminal cannot be reached; nothing was charged.",
                 operation="status", result="failed")
    shown = store.payment(payment_id)
    assert shown["state"] == "checking" and shown["next_check_at"] == iso(store.clock.now + timedelta(seconds=10))
    assert "cannot reach the terminal" in shown["message"]
    store.clock.advance(10)
    store.sweep()
    assert store.sent_operations() == ["authorise", "status", "status"]
    store.answer(store.pay_jobs(order["order_id"])[-1], True, operation="status", result="approved", last=card(amount=500))
    shown = store.payment(payment_id)
    assert shown["state"] == "failed" and "nothing was charged" in shown["message"]  # the terminal's last is not ours


def test_a_check_by_hand_goes_out_at_once_and_the_older_checks_failure_changes_nothing(store):
    order, payment_id = lost_payment(store)
    first = store.pay_jobs(order["order_id"])[-1]
    assert store.client.post(f"/api/v1/payments/{payment_id}/check").status_code == 202
    second = store.pay_jobs(order["order_id"])[-1]
    store.answer(first, False, "offline", "unreachable", operation="status", result="failed")
    shown = store.payment(payment_id)
    assert (shown["checks"], shown["next_check_at"]) == (2, None)  # the newer check still runs
    store.answer(second, True, operation="status", result="approved", last=card())
    assert store.payment(payment_id)["state"] == "approved"


def test_a_reversal_the_terminal_could_not_take_is_retried(store):
    order, payment_id = lost_payment(store)
    paid = store.client.post(f"/api/v1/orders/{order['order_id']}/tenders", json={"kind": "cash", "amount": 800})
    assert paid.status_code == 201
    store.answer(store.pay_jobs(order["order_id"])[-1], True, operation="status", result="approved", last=card())
    reverse = store.pay_jobs(order["order_id"])[-1]
    assert reverse.payload["operation"] == "reverse"
    store.answer(reverse, False, "offline", "The payment terminal cannot be reached.", operation="reverse", result="failed")
    shown = store.payment(payment_id)
    assert (shown["state"], shown["error"]) == ("checking", "reversal_failed") and shown["next_check_at"] is not None
    store.clock.advance(CHECK_BACKOFF_S[-1])
    store.sweep()
    again = store.pay_jobs(order["order_id"])[-1]
    assert (again.payload["operation"], again.payload["receipt_no"]) == ("reverse", "0001") and again.job_id != reverse.job_id
    store.answer(again, True, operation="reverse", result="approved")
    assert store.payment(payment_id)["state"] == "reversed"


def test_the_admin_page_lists_payments_being_checked_with_the_next_check(store):
    order, payment_id = lost_payment(store)
    store.clock.advance(CHECK_ANSWER_WITHIN_S)
    store.sweep()
    page = store.client.get("/admin").get_data(as_text=True)
    assert "Card payments being checked (1)" in page and payment_id in page and order["order_id"] in page
    assert f"next check {(store.clock.now + timedelta(seconds=10)).strftime('%H:%M:%S')} UTC" in page
    assert "Do not charge the card again" in page


def test_a_till_whose_terminal_agent_is_offline_is_refused_at_once_and_nothing_is_queued(store):
    order = new_order(store.client)
    store.hub.presence.update(DeviceState(AGENT, False, "agent", {}, "the agent lost its connection",
                                          datetime(2026, 11, 22, 11, 55, 3, tzinfo=timezone.utc)))
    refused = store.client.post(f"/api/v1/orders/{order['order_id']}/payments", json={"device_id": KIOSK})
    assert (refused.status_code, refused.json["code"]) == (503, "terminal_offline")
    message = refused.json["message"]
    assert KIOSK in message and AGENT in message and "'terminal'" in message and "since 11:55:03 UTC" in message
    assert "nothing was charged" in message and "passline agent running" in message
    assert store.pay_jobs(order["order_id"]) == []
    assert store.client.get(f"/api/v1/orders/{order['order_id']}/payments").json["card_payments"] == []
    store.sweep()
    assert store.published == []


def test_a_terminal_agent_never_seen_is_tried_with_a_note_and_an_online_one_plainly(store):
    order = new_order(store.client)
    unseen = store.client.post(f"/api/v1/orders/{order['order_id']}/payments", json={"device_id": KIOSK, "amount": 400})
    assert unseen.status_code == 202 and unseen.json["terminal_seen"] is False
    assert f"has not seen terminal agent '{AGENT}'" in unseen.json["message"]
    store.answer(store.pay_jobs(order["order_id"])[-1], False, "declined", "declined", operation="authorise", result="declined")
    store.hub.presence.update(DeviceState(AGENT, True, "agent", {}, None, datetime.now(timezone.utc)))
    online = store.client.post(f"/api/v1/orders/{order['order_id']}/payments", json={"device_id": KIOSK, "amount": 400})
    assert online.status_code == 202 and online.json["terminal_seen"] is True
    assert online.json["message"] == "waiting for the customer at the terminal"


def test_payments_left_in_checking_before_the_upgrade_are_checked_at_once(tmp_path):
    from sqlalchemy import create_engine, text

    from hub.adapters.db.migrate import upgrade
    from tests.conftest import make_settings

    settings = make_settings(tmp_path)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url, "0006")
    engine = create_engine(settings.database_url)
    with engine.begin() as db:
        db.execute(text("INSERT INTO payments (payment_id, order_id, amount, currency, pos_device_id, terminal_device_id, "
                        "state, refunded_amount, created_at) VALUES ('0d7e0000-0000-4000-8000-000000000001', '0d7e0000-0000-4000-8000-000000000002', 800, 'EUR', 'kiosk-1', 'till-agent', "
                        "'checking', 0, '2026-11-22 11:00:00.000000')"))
    engine.dispose()
    upgrade(settings.database_url)
    hub = bootstrap(settings)
    try:
        with hub.uow_factory() as uow:
            stuck = uow.payments.get("0d7e0000-0000-4000-8000-000000000001")
        assert stuck.checks == 0 and stuck.next_check_at is not None
        Scheduler(hub.bus).tick()  # asks the terminal again: a status job is queued
        with hub.uow_factory() as uow:
            assert uow.payments.get("0d7e0000-0000-4000-8000-000000000001").checks == 1
            [job] = uow.device_jobs.unfinished(10)
        assert (job.device_id, job.payload["operation"], job.payload["payment_id"]) == ("till-agent", "status", "0d7e0000-0000-4000-8000-000000000001")
    finally:
        hub.stop()
