"""The store's clock steps back an hour mid-service: numbers, queue, deadlines and timers stay sane.

NTP correcting a fast clock, or someone setting the time by hand, moves the wall clock back
while orders are open, print jobs wait for their printer and a card payment waits for its
terminal's answer. Afterwards order numbers go on without repeating, the kitchen queue keeps
first come first served, and every timer keeps its length from the moment of the step: a
silent printer's tickets go to the backup within their 20 s, not an hour and 20 s later.

The hub runs on a real SQLite file with the hand-moved clock of tests/support/clock.py and
the real device relay sweeps and scheduler ticks (publishing into a list instead of a broker: the "device").
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from hub.bootstrap import bootstrap
from hub.domain.device_jobs import RESEND_AFTER, RecordDeviceEvent
from hub.entrypoints.device_relay import DeviceRelay
from hub.entrypoints.scheduler import Scheduler
from hub.entrypoints.web.app import create_app
from hub.services.payments import CHECK_ANSWER_WITHIN_S, PAY_ANSWER_WITHIN_S
from tests.fault.books import stored_orders
from tests.support.clock import Clock
from tests.support.identities import owner_client

STEP = timedelta(hours=1)
PRINTERS, TERMINAL_AGENT, KIOSK = "printers-1", "till-agent", "kiosk-1"
ANSWER_WITHIN_S = 20
LATTE = [{"sku": "LATTE-M", "qty": 1}]  # one bar ticket each: every order takes the same time to make


class Store:
    """A hub on a hand-moved clock, its web client, and the jobs its relay handed to devices."""

    def __init__(self, settings) -> None:
        self.settings = settings
        self.clock = Clock()
        self.clock.now = datetime(2026, 12, 7, 12, 30, tzinfo=timezone.utc)
        self.hub = bootstrap(settings, clock=self.clock)
        self.client = owner_client(create_app(hub=self.hub))
        self.published: list[dict] = []  # what reached the devices, in order
        self.relay = DeviceRelay(self.hub.bus, "test", lambda _topic, message: self.published.append(message),
                                 threading.Event())
        self.scheduler = Scheduler(self.hub.bus)

    def sweep(self) -> None:
        """Run two relay sweeps and scheduler ticks: the second sends what the first queued (backups, checks)."""
        for _ in range(2):
            self.relay.sweep()
            self.scheduler.tick()

    def order(self, after: timedelta = timedelta(minutes=1)) -> dict:
        """Take a walk-in order over HTTP some time after the one before; the relay sends its ticket at once."""
        self.clock.now += after
        answer = self.client.post("/api/v1/orders", json={"order_id": str(uuid.uuid4()), "origin": "counter",
                                                          "fulfilment": "takeaway", "lines": LATTE})
        assert answer.status_code == 201, answer.json
        self.sweep()
        return answer.json

    def jobs(self, kind: str, hardware: str | None = None) -> list[dict]:
        """Return every job delivery of a kind (and hardware), repeats included."""
        return [m["data"] for m in self.published
                if m["data"]["kind"] == kind and (hardware is None or m["data"]["hardware"] == hardware)]

    def answer(self, job: dict, device_id: str, ok: bool = True, **detail) -> None:
        """Report a job's result as its device would."""
        data = {"job_id": job["job_id"], "ok": ok, "error": None if ok else "no_answer", "message": None,
                "detail": detail}
        self.hub.bus.handle(RecordDeviceEvent(device_id, "job.result", data, str(uuid.uuid4())))


@pytest.fixture
def store(settings):
    store = Store(settings)
    route = {"printer": {"device_id": PRINTERS, "hardware": "bar"}, "backup": {"device_id": PRINTERS, "hardware": "pass"},
             "answer_within_s": ANSWER_WITHIN_S}
    assert store.client.put("/api/v1/printing/routes/kitchen_ticket/*", json=route).status_code == 200
    assert store.client.put(f"/api/v1/payment-terminals/{KIOSK}",
                            json={"agent_device_id": TERMINAL_AGENT, "hardware": "terminal"}).status_code == 200
    yield store
    store.hub.stop()


def test_numbers_and_the_queue_go_on_in_arrival_order_after_the_clock_steps_back(store: Store):
    before = [store.order() for _ in range(5)]
    store.clock.now -= STEP
    after = [store.order() for _ in range(5)]
    orders = before + after

    assert [o["number"] for o in orders] == [f"A{n:03d}" for n in range(1, 11)]
    rows = stored_orders(store.settings.data_dir / "passline.db")
    assert len(rows) == 10 and {day for _, _, day in rows} == {"2026-12-07"}
    assert [n for n, k in Counter(n for _, n, _ in rows).items() if k > 1] == []

    queue = store.client.get("/api/v1/queue").json
    queued = [entry["order_id"] for entry in queue["orders"]]
    assert queued == [o["order_id"] for o in orders], "orders taken after the step jumped ahead of earlier customers"
    shown = [store.client.get(f"/api/v1/orders/{order['order_id']}").json for order in orders]
    deadlines = [datetime.fromisoformat(o["deadline"]) for o in shown]
    assert deadlines == sorted(deadlines), "a later customer's order is due before an earlier one's"
    for order, deadline in zip(shown, deadlines):
        waited = deadline - datetime.fromisoformat(order["received_at"])
        assert timedelta(0) < waited <= STEP + timedelta(minutes=15), order  # never due before it arrived


def test_a_silent_printers_tickets_go_to_the_backup_within_their_time_after_the_step(store: Store):
    soon = timedelta(seconds=2)
    before = [store.order(soon) for _ in range(3)]
    store.answer(store.jobs("print", "bar")[0], PRINTERS, True)  # the first ticket prints, then the printer is silent
    store.clock.now += soon
    store.clock.now -= STEP
    after = [store.order(soon) for _ in range(2)]
    assert store.jobs("print", "pass") == [], "tickets went to the backup before their time"

    store.clock.now += RESEND_AFTER
    store.sweep()
    sends = Counter(job["job_id"] for job in store.jobs("print", "bar"))
    assert len(sends) == 5 and sorted(sends.values()) == [1, 2, 2, 2, 2], \
        "an unanswered ticket sent before the step is not sent again for an hour"

    store.clock.now += timedelta(seconds=ANSWER_WITHIN_S + 1) - RESEND_AFTER
    store.sweep()
    backup = {job["job_id"]: job for job in store.jobs("print", "pass")}
    assert len(backup) == 4, "the silent printer's tickets were not given to the backup within their 20 s"
    for job in backup.values():
        store.answer(job, PRINTERS, True)

    printed = {}
    for order in before + after:
        prints = store.client.get(f"/api/v1/printing/prints?order_id={order['order_id']}").json["prints"]
        printed[order["number"]] = sorted((p["state"], p["on_backup"]) for p in prints if p["document"] == "kitchen_ticket")
    first = before[0]["number"]
    assert printed == {o["number"]: [("printed", o["number"] != first)] for o in before + after}, \
        "each ticket printed once: the first by the bar printer, the rest by the backup"


def test_a_lost_card_payment_is_checked_on_time_after_the_step(store: Store):
    order = store.order()
    started = store.client.post(f"/api/v1/orders/{order['order_id']}/payments", json={"device_id": KIOSK})
    assert started.status_code == 202, started.json
    store.sweep()
    store.clock.now += timedelta(seconds=PAY_ANSWER_WITHIN_S)
    store.sweep()
    status = store.jobs("pay")[-1]
    assert status["payload"]["operation"] == "status"
    store.clock.now += timedelta(seconds=CHECK_ANSWER_WITHIN_S)
    store.sweep()  # check 1 unanswered: the next one in 10 s
    payment = store.client.get(f"/api/v1/payments/{started.json['payment_id']}").json
    assert (payment["state"], payment["checks"]) == ("checking", 1)

    store.clock.now -= STEP
    store.clock.now += timedelta(seconds=11)
    store.sweep()
    checks = [job for job in store.jobs("pay") if job["payload"]["operation"] == "status"]
    assert len({job["job_id"] for job in checks}) == 2, "the terminal is not asked again for an hour"
    store.answer(checks[-1], TERMINAL_AGENT, True, operation="status", result="approved",
                 last={"result": "approved", "amount": started.json["amount"], "currency": "EUR",
                       "masked_pan": "************0119", "brand": "Visa", "auth_code": "123456", "receipt_no": "0001",
                       "trace_no": "000001", "terminal_id": "52500001", "unreported": True})
    view = store.client.get(f"/api/v1/orders/{order['order_id']}/payments").json
    assert view["state"] == "paid" and [p["state"] for p in view["card_payments"]] == ["approved"]
    assert [job["payload"]["operation"] for job in store.jobs("pay")].count("authorise") == 1, "charged twice"


def test_an_unpaid_kiosk_order_keeps_a_20_minute_hold_after_the_step_not_80(store: Store):
    store.clock.now += timedelta(minutes=1)
    body = {"order_id": str(uuid.uuid4()), "origin": "kiosk", "fulfilment": "takeaway", "lines": LATTE,
            "release": "when_paid"}
    waiting = store.client.post("/api/v1/orders", json=body).json
    assert waiting["status"] == "received" and waiting["hold_until"] == "2026-12-07T12:51:00Z"
    store.clock.now += timedelta(minutes=5)
    store.clock.now -= STEP  # 11:36: the hold was stamped to end at 12:51

    store.sweep()
    assert store.client.get(f"/api/v1/orders/{waiting['order_id']}").json["hold_until"] == "2026-12-07T11:56:00Z"
    store.clock.now += timedelta(minutes=19, seconds=59)
    store.sweep()
    assert store.client.get(f"/api/v1/orders/{waiting['order_id']}").json["status"] == "received"
    store.clock.now += timedelta(seconds=1)
    store.sweep()
    shown = store.client.get(f"/api/v1/orders/{waiting['order_id']}").json
    assert (shown["status"], shown["cancel_reason"]) == ("cancelled", "not paid within 20 minutes")
    rows = stored_orders(store.settings.data_dir / "passline.db")
    assert [(n, day) for _, n, day in rows] == [(waiting["number"], "2026-12-07")]
