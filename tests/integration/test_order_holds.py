"""Orders that wait for their payment: held as `received`, sent to the kitchen the moment they are paid."""

from __future__ import annotations

import logging
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from hub.bootstrap import bootstrap
from hub.contracts.displays import NAMESPACE
from hub.domain.device_jobs import RecordDeviceEvent
from hub.domain.order_holds import ExpireUnpaidHolds
from hub.entrypoints.web.app import LIVE_NAMESPACE, create_app
from tests.conftest import make_settings, prepare_database
from tests.support.devices import TestDevice, order_data
from tests.support.identities import owner_client, screen_socket
from tests.support.mosquitto import device_urls

AGENT, KIOSK = "till-agent", "kiosk-1"
DECAF = "BEANS-DECAF-250"  # 6 on hand in the demo catalog


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(settings, clock, request):
    """A hub whose frontdesk.toml says how pay-at-counter works; yields (hub, app, client)."""
    pay_at_counter = getattr(request, "param", "hold")
    (settings.data_dir / "frontdesk.toml").write_text(
        f'[kiosk]\npay_at_counter = "{pay_at_counter}"\nunpaid_hold_minutes = 15\n')
    hub = bootstrap(settings, clock=clock)
    app = create_app(hub=hub)
    app.config["TESTING"] = True
    client = owner_client(app)
    assert client.put("/api/v1/printing/routes/kitchen_ticket/*",
                      json={"printer": {"device_id": "printers-1", "hardware": "kitchen"}}).status_code == 200
    assert client.put(f"/api/v1/payment-terminals/{KIOSK}",
                      json={"agent_device_id": AGENT, "hardware": "terminal"}).status_code == 200
    yield hub, app, client
    hub.stop()


def held_order(client, **overrides) -> dict:
    """Submit a kiosk order of two lattes and a bag of decaf (8.00 + the beans) that waits for its payment."""
    body = order_data(lines=[{"sku": "LATTE-M", "qty": 2}, {"sku": DECAF, "qty": 1}], release="when_paid", **overrides)
    reply = client.post("/api/v1/orders", json=body)
    assert reply.status_code == 201, reply.json
    return reply.json


def jobs(hub, order_id: str, kind: str) -> list:
    with hub.uow_factory() as uow:
        return [job for job in uow.device_jobs.for_order(order_id) if job.kind == kind]


def decaf_left(client) -> int:
    return client.get("/api/v1/availability").get_json()["stock"][DECAF]["counter"]


def kitchen_cards(app, view: str = "kds:bar") -> list[str]:
    screen = screen_socket(app, NAMESPACE)
    snapshot = screen.emit("join", {"view": view}, namespace=NAMESPACE, callback=True)
    assert snapshot["ok"], snapshot
    return [card["number"] for card in snapshot["cards"]]


def pay_cash(client, order: dict, amount: int) -> dict:
    reply = client.post(f"/api/v1/orders/{order['order_id']}/tenders", json={"kind": "cash", "amount": amount})
    assert reply.status_code == 201, reply.json
    return reply.json


def test_an_order_that_waits_for_payment_has_a_number_and_stock_but_no_kitchen_ticket(store):
    hub, app, client = store
    before = decaf_left(client)
    order = held_order(client)
    assert (order["number"], order["status"], order["hold"]) == ("A001", "received", "payment")
    assert order["total"]["amount"] > 0 and order["hold_until"] == "2026-11-22T12:15:00Z"
    assert decaf_left(client) == before - 1
    assert client.get("/api/v1/queue").json["orders"] == []
    assert jobs(hub, order["order_id"], "print") == []
    for view in ("kds:bar", "kds:pick-a", "expo", "board"):  # stations, the decaf's pick list, expo, ready board
        assert kitchen_cards(app, view) == [], view
    assert client.get(f"/api/v1/orders/{order['order_id']}").json["payment"]["state"] == "unpaid"


def test_cash_that_covers_the_total_sends_it_to_the_kitchen_at_once(store, clock):
    hub, app, client = store
    screen = screen_socket(app, LIVE_NAMESPACE)
    order = held_order(client)
    total = order["total"]["amount"]
    clock.now += timedelta(minutes=4)
    assert pay_cash(client, order, 500)["due"] == total - 500
    assert client.get(f"/api/v1/orders/{order['order_id']}").json["status"] == "received"
    assert jobs(hub, order["order_id"], "print") == []
    assert pay_cash(client, order, 5000)["change"] == 5500 - total
    shown = client.get(f"/api/v1/orders/{order['order_id']}").json
    assert (shown["status"], shown["hold"], shown["payment"]["state"]) == ("accepted", None, "paid")
    # Queued from when it was paid, not from when the kiosk took it.
    assert shown["deadline"] > "2026-11-22T12:04:00Z"
    assert [o["number"] for o in client.get("/api/v1/queue").json["orders"]] == ["A001"]
    printed = [(job.payload["document"]["order_number"], job.payload["document"]["station"])
               for job in jobs(hub, order["order_id"], "print")]
    assert printed == [("A001", ticket["station"]) for ticket in shown["tickets"]] and len(printed) == 2
    for view in ("kds:bar", "kds:pick-a", "expo", "board"):
        assert kitchen_cards(app, view) == ["A001"], view
    live = [(e["name"], e["args"][0]) for e in screen.get_received(LIVE_NAMESPACE)]
    assert ("order.accepted", {"order_id": order["order_id"], "number": "A001"}) in live
    assert ("order.status", {"order_id": order["order_id"], "previous": "received", "status": "accepted"}) in live


def _answer(hub, job, ok: bool, error: str | None = None, **detail) -> None:
    data = {"job_id": job.job_id, "ok": ok, "error": error, "message": error, "detail": detail}
    hub.bus.handle(RecordDeviceEvent(AGENT, "job.result", data, str(uuid.uuid4())))


def _card(amount: int, result: str = "approved", receipt_no: str = "0001") -> dict:
    return {"operation": "authorise", "result": result, "amount": amount, "currency": "EUR",
            "masked_pan": "************0119", "brand": "Visa", "auth_code": "123456", "receipt_no": receipt_no,
            "trace_no": "000001", "terminal_id": "52500001"}


def test_a_declined_card_keeps_it_waiting_and_an_approved_one_sends_it_to_the_kitchen(store):
    hub, app, client = store
    order = held_order(client)
    total = order["total"]["amount"]
    first = client.post(f"/api/v1/orders/{order['order_id']}/payments", json={"device_id": KIOSK})
    assert first.status_code == 202, first.json
    _answer(hub, jobs(hub, order["order_id"], "pay")[0], False, "declined", **_card(total, "declined"))
    shown = client.get(f"/api/v1/orders/{order['order_id']}").json
    assert (shown["status"], shown["hold"], shown["payment"]["state"]) == ("received", "payment", "unpaid")
    assert kitchen_cards(app) == []
    second = client.post(f"/api/v1/orders/{order['order_id']}/payments", json={"device_id": KIOSK})
    assert second.status_code == 202, second.json
    _answer(hub, jobs(hub, order["order_id"], "pay")[-1], True, **_card(total))
    shown = client.get(f"/api/v1/orders/{order['order_id']}").json
    assert (shown["status"], shown["hold"], shown["payment"]["state"]) == ("accepted", None, "paid")
    assert kitchen_cards(app) == ["A001"]
    assert len(jobs(hub, order["order_id"], "print")) == 2  # one kitchen ticket per station


def test_cancelling_a_waiting_order_releases_its_stock_and_no_screen_ever_shows_it(store):
    hub, app, client = store
    before = decaf_left(client)
    order = held_order(client)
    reply = client.post(f"/api/v1/orders/{order['order_id']}/cancel", json={"reason": "changed the cart"})
    assert reply.status_code == 200, reply.json
    assert (reply.json["status"], reply.json["hold"], reply.json["cancel_reason"]) == ("cancelled", None, "changed the cart")
    assert decaf_left(client) == before
    assert kitchen_cards(app, "kds:bar") == [] and kitchen_cards(app, "expo") == []
    assert jobs(hub, order["order_id"], "print") == []
    again = client.post(f"/api/v1/orders/{order['order_id']}/cancel", json={"reason": "twice"})
    assert (again.status_code, again.json["code"]) == (409, "not_held")
    assert "cancelled" in again.json["message"]


def test_cancel_is_refused_once_money_was_taken_or_a_card_payment_runs(store):
    hub, app, client = store
    part_paid = held_order(client)
    pay_cash(client, part_paid, 100)
    reply = client.post(f"/api/v1/orders/{part_paid['order_id']}/cancel", json={"reason": "gave up"})
    assert (reply.status_code, reply.json["code"]) == (409, "already_paid")
    at_terminal = held_order(client)
    assert client.post(f"/api/v1/orders/{at_terminal['order_id']}/payments", json={"device_id": KIOSK}).status_code == 202
    reply = client.post(f"/api/v1/orders/{at_terminal['order_id']}/cancel", json={"reason": "gave up"})
    assert (reply.status_code, reply.json["code"]) == (409, "payment_in_progress")
    accepted = client.post("/api/v1/orders", json=order_data()).json
    reply = client.post(f"/api/v1/orders/{accepted['order_id']}/cancel", json={"reason": "no"})
    assert (reply.status_code, reply.json["code"]) == (409, "not_held")
    unknown = client.post(f"/api/v1/orders/{uuid.uuid4()}/cancel", json={"reason": "no"})
    assert (unknown.status_code, unknown.json["code"]) == (404, "not_found")
    for order in (part_paid, at_terminal):
        assert client.get(f"/api/v1/orders/{order['order_id']}").json["status"] == "received"


def test_an_unpaid_hold_is_cancelled_when_its_time_runs_out_and_its_stock_comes_back(store, clock, caplog):
    hub, app, client = store
    before = decaf_left(client)
    order = held_order(client)
    part_paid = held_order(client)
    pay_cash(client, part_paid, 100)
    clock.now += timedelta(minutes=14)
    assert hub.bus.handle(ExpireUnpaidHolds()) == 0
    clock.now += timedelta(minutes=2)
    with caplog.at_level(logging.INFO, logger="hub.services.order_holds"):
        assert hub.bus.handle(ExpireUnpaidHolds()) == 1
    shown = client.get(f"/api/v1/orders/{order['order_id']}").json
    assert (shown["status"], shown["cancel_reason"]) == ("cancelled", "not paid within 15 minutes")
    assert decaf_left(client) == before - 1  # the part-paid one keeps its bag for the cashier
    assert "held order A001" in caplog.text and "not paid within 15 minutes" in caplog.text
    assert "A002" in caplog.text and "part paid" in caplog.text
    assert client.get(f"/api/v1/orders/{part_paid['order_id']}").json["status"] == "received"
    assert hub.bus.handle(ExpireUnpaidHolds()) == 0  # each is dealt with once


@pytest.mark.parametrize("store", ["off"], indirect=True)
def test_pay_at_counter_is_refused_when_the_store_does_not_offer_it(store):
    hub, app, client = store
    reply = client.post("/api/v1/orders", json=order_data(release="at_counter"))
    assert (reply.status_code, reply.json["code"], reply.json["field"]) == (422, "pay_at_counter_off", "release")
    assert client.get("/api/v1/orders?day=today").json["orders"] == []


@pytest.mark.parametrize("store", ["release"], indirect=True)
def test_pay_at_counter_goes_to_the_kitchen_at_once_when_the_store_says_release(store):
    hub, app, client = store
    order = client.post("/api/v1/orders", json=order_data(release="at_counter")).json
    assert (order["status"], order["hold"]) == ("accepted", None)
    assert client.get(f"/api/v1/orders/{order['order_id']}").json["payment"]["state"] == "unpaid"


def test_pay_at_counter_waits_for_the_cashier_when_the_store_says_hold(store):
    hub, app, client = store
    order = client.post("/api/v1/orders", json=order_data(release="at_counter",
                                                          customer={"name": "Anna", "phone": "0171 555 1234"})).json
    assert (order["status"], order["hold"]) == ("received", "payment")
    assert order["customer"] == {"loyalty_id": None, "name": "Anna", "phone": "0171 555 1234"}
    found = client.get("/api/v1/orders?q=1").json["orders"]
    assert [o["number"] for o in found] == ["A001"] and found[0]["payment"]["due"] == order["total"]["amount"]
    pay_cash(client, order, order["total"]["amount"])
    assert client.get(f"/api/v1/orders/{order['order_id']}").json["status"] == "accepted"


def test_the_same_held_order_sent_again_is_the_same_order(store):
    hub, app, client = store
    body = order_data(release="when_paid")
    first = client.post("/api/v1/orders", json=body)
    again = client.post("/api/v1/orders", json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["number"] == first.json["number"] and again.json["hold"] == "payment"
    other = client.post("/api/v1/orders", json={**body, "release": "now"})
    assert (other.status_code, other.json["code"]) == (409, "conflict")


def test_the_hubs_own_sweep_cancels_an_unpaid_kiosk_order_sent_over_mqtt(tmp_path, clock):
    settings = make_settings(tmp_path, broker_host="127.0.0.1", broker_port="0")
    prepare_database(settings)
    (settings.data_dir / "frontdesk.toml").write_text('[kiosk]\nunpaid_hold_minutes = 1\n')
    hub = bootstrap(settings, clock=clock)
    app = create_app(hub=hub, start_messaging=True)
    assert hub.connection.wait_connected(10), hub.connection.last_error
    kiosk = TestDevice(device_urls(hub), settings.store, KIOSK)
    try:
        sent = kiosk.submit(order_data(release="when_paid"))
        reply = kiosk.reply()
        assert (reply["type"], reply["data"]["status"], reply["data"]["hold"]) == ("order.accepted", "received", "payment")
        client = owner_client(app)
        url = f"/api/v1/orders/{sent['data']['order_id']}"
        clock.now += timedelta(minutes=2)
        deadline = time.monotonic() + 10
        while client.get(url).json["status"] != "cancelled":
            assert time.monotonic() < deadline, "the relay's sweep did not cancel the unpaid hold"
            time.sleep(0.1)
        assert client.get(url).json["cancel_reason"] == "not paid within 1 minute"
    finally:
        kiosk.close()
        hub.stop()


def test_points_a_waiting_order_redeemed_come_back_when_it_is_cancelled(store):
    hub, app, client = store
    points = lambda: client.get("/api/v1/loyalty/L-1001").json["points"]  # noqa: E731
    before = points()
    from hub.domain.loyalty import member_proof

    order = held_order(client, customer={"loyalty_id": "L-1001"}, redeem_points=200,
                       member_proof=member_proof(hub.frontdesk.member_secret, "L-1001"))
    assert points() == before - 200
    reply = client.post(f"/api/v1/orders/{order['order_id']}/cancel", json={})
    assert (reply.status_code, reply.json["cancel_reason"]) == (200, "cancelled before it was paid")
    assert points() == before
