"""Card payments end to end: hub, real Mosquitto, the real agent process, the ZVT simulator on TCP and a pty."""

from __future__ import annotations

import time
import uuid

import pytest

from devices.simulators.zvt_terminal import PtyTerminal, Scenario, TcpTerminal, ZvtTerminalSimulator
from tests.conftest import make_settings, prepare_database, start_hub
from tests.support.agent_process import AgentProcess, write_agent_config
from tests.support.identities import owner_client

AGENT = "till-agent"
KIOSK = "kiosk-1"
FINAL = {"approved", "declined", "cancelled", "failed", "reversed", "refunded"}


@pytest.fixture
def store(tmp_path, mosquitto):
    """A hub on Mosquitto and its web client."""
    settings = make_settings(tmp_path, mqtt_url=mosquitto.url)
    prepare_database(settings)
    hub, app = start_hub(settings)
    client = owner_client(app)
    assert client.put(f"/api/v1/payment-terminals/{KIOSK}", json={"agent_device_id": AGENT, "hardware": "terminal"}).status_code == 200
    yield hub, client, settings
    hub.stop()


@pytest.fixture(params=["tcp", "pty"])
def till(request, tmp_path, mosquitto, store):
    """A simulated terminal on TCP or a pty, and the agent process driving it (a quick 1 s customer timeout)."""
    yield from start_till(request.param, tmp_path, mosquitto, store, completion_timeout_s=1.0)


@pytest.fixture
def patient_till(tmp_path, mosquitto, store):
    """A simulated terminal on TCP whose agent waits 60 s for the customer."""
    yield from start_till("tcp", tmp_path, mosquitto, store, completion_timeout_s=60.0)


def start_till(kind: str, tmp_path, mosquitto, store, completion_timeout_s: float):
    simulator = ZvtTerminalSimulator(drop_silence_s=1.5)
    line = TcpTerminal(simulator, port=0).start() if kind == "tcp" else PtyTerminal(simulator).start()
    connection = line.url if kind == "tcp" else line.path
    config = write_agent_config(
        tmp_path / "agent.toml", device_id=AGENT, store="test", mqtt_url=mosquitto.url, spool_dir=tmp_path / "spool",
        hardware=[{"name": "terminal", "type": "zvt", "connection": connection, "completion_timeout_s": completion_timeout_s,
                   "recovery_window_s": 10.0, "health_interval_s": 0}])
    agent = AgentProcess(config).start()
    _, client, _ = store
    wait_online(client, AGENT)
    yield simulator, agent
    agent.stop()
    line.stop()


def wait_online(client, device_id: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        devices = client.get("/api/v1/devices").json["devices"]
        if any(d["device_id"] == device_id and d["online"] for d in devices):
            return
        time.sleep(0.1)
    raise AssertionError(f"{device_id} did not come online")


def new_order(client, qty: int = 2) -> dict:
    body = {"order_id": str(uuid.uuid4()), "origin": "kiosk", "fulfilment": "takeaway", "lines": [{"sku": "LATTE-M", "qty": qty}]}
    response = client.post("/api/v1/orders", json=body)
    assert response.status_code == 201
    return response.json


def pay(client, order: dict, timeout: float = 30) -> dict:
    started = client.post(f"/api/v1/orders/{order['order_id']}/payments", json={"device_id": KIOSK})
    assert started.status_code == 202, started.json
    return wait_final(client, started.json["payment_id"], timeout)


def wait_final(client, payment_id: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        payment = client.get(f"/api/v1/payments/{payment_id}").json
        if payment["state"] in FINAL:
            return payment
        time.sleep(0.1)
    raise AssertionError(f"payment {payment_id} still {payment['state']}: {payment['message']}")


def order_state(client, order: dict) -> str:
    return client.get(f"/api/v1/orders/{order['order_id']}").json["payment"]["state"]


def test_approved_payment_pays_the_order_with_one_charge(store, till):
    _, client, _ = store
    simulator, _ = till
    order = new_order(client)
    payment = pay(client, order)
    assert (payment["state"], payment["amount"], payment["masked_pan"], payment["brand"]) == ("approved", 800, "************0119", "Visa")
    assert payment["receipt_no"] == simulator.charges()[0].receipt_no
    assert order_state(client, order) == "paid"
    assert [c.amount for c in simulator.charges()] == [800]


@pytest.mark.parametrize("scenario, state", [(Scenario.DECLINE, "declined"), (Scenario.CANCEL, "cancelled")])
def test_declined_or_cancelled_payment_leaves_the_order_unpaid_and_charges_nothing(store, till, scenario, state):
    _, client, _ = store
    simulator, _ = till
    simulator.queue(scenario)
    order = new_order(client)
    assert pay(client, order)["state"] == state
    assert order_state(client, order) == "unpaid"
    assert simulator.charges() == []
    assert pay(client, order)["state"] == "approved"  # the customer tries again
    assert len(simulator.charges()) == 1 and order_state(client, order) == "paid"


def test_connection_lost_after_the_card_was_read_ends_paid_with_exactly_one_charge(store, till):
    _, client, _ = store
    simulator, _ = till
    earlier = new_order(client)
    assert pay(client, earlier)["state"] == "approved"  # an older charge of the same amount on the terminal
    simulator.queue(Scenario.DROP_AFTER_CARD)
    order = new_order(client)
    payment = pay(client, order)
    assert payment["state"] == "approved"
    assert payment["receipt_no"] == simulator.charges()[-1].receipt_no
    assert order_state(client, order) == "paid"
    assert len(simulator.charges()) == 2


def test_terminal_that_never_answers_charges_nothing(store, till):
    _, client, _ = store
    simulator, _ = till
    simulator.queue(Scenario.TIMEOUT)
    order = new_order(client)
    payment = pay(client, order)
    assert payment["state"] == "failed" and "not charged" in payment["message"]
    assert simulator.charges() == [] and order_state(client, order) == "unpaid"


def wait_until(predicate, timeout: float = 20, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def start_hanging_payment(client, simulator) -> tuple[dict, str]:
    """Start a payment whose customer is slow at the PIN pad; return the order and the payment id."""
    simulator.queue(Scenario.TIMEOUT)
    simulator.charge_if_abandoned = True
    order = new_order(client)
    started = client.post(f"/api/v1/orders/{order['order_id']}/payments", json={"device_id": KIOSK})
    assert started.status_code == 202
    wait_until(lambda: simulator.waiting_for_card, what="the terminal to wait for the card")
    return order, started.json["payment_id"]


def test_agent_killed_mid_payment_recovers_the_charge_after_restart(store, patient_till):
    _, client, _ = store
    simulator, agent = patient_till
    order, payment_id = start_hanging_payment(client, simulator)
    agent.kill()  # the customer completes the payment while the agent is dead
    wait_until(lambda: len(simulator.charges()) == 1, what="the abandoned transaction to charge")
    restarted = AgentProcess(agent.config_path).start()
    try:
        payment = wait_final(client, payment_id)
    finally:
        restarted.stop()
    assert payment["state"] == "approved" and payment["receipt_no"] == simulator.charges()[0].receipt_no
    assert order_state(client, order) == "paid"
    assert len(simulator.charges()) == 1


def test_charge_made_after_the_hub_gave_up_is_reversed(store, patient_till, monkeypatch):
    from hub.services import payments

    monkeypatch.setattr(payments, "PAY_ANSWER_WITHIN_S", 2.0)
    _, client, _ = store
    simulator, agent = patient_till
    order, payment_id = start_hanging_payment(client, simulator)
    agent.kill()
    wait_until(lambda: len(simulator.charges()) == 1, what="the abandoned transaction to charge")
    wait_until(lambda: client.get(f"/api/v1/payments/{payment_id}").json["state"] == "checking", what="the hub to give up")
    restarted = AgentProcess(agent.config_path).start()
    try:
        payment = wait_final(client, payment_id)
    finally:
        restarted.stop()
    assert payment["state"] == "failed" and "nothing was charged" in payment["message"]
    assert simulator.charges() == []  # the charge the agent found for an expired job was reversed
    assert [e.kind for e in simulator.journal] == ["payment", "reversal"]
    assert order_state(client, order) == "unpaid"


def payment_now(client, payment_id: str) -> dict:
    return client.get(f"/api/v1/payments/{payment_id}").json


def test_checks_go_on_until_the_terminal_is_back_and_then_settle_with_one_charge(store, tmp_path, mosquitto, monkeypatch):
    from hub.domain import payments as domain
    from hub.services import payments

    monkeypatch.setattr(payments, "PAY_ANSWER_WITHIN_S", 2.0)
    monkeypatch.setattr(payments, "CHECK_ANSWER_WITHIN_S", 1.0)
    monkeypatch.setattr(domain, "CHECK_BACKOFF_S", (0.5, 1.0))
    monkeypatch.setattr(domain, "CHECK_EVERY_S", 1.0)
    _, client, _ = store
    simulator = ZvtTerminalSimulator()
    line = TcpTerminal(simulator, port=0).start()
    port = line.port
    config = write_agent_config(
        tmp_path / "agent.toml", device_id=AGENT, store="test", mqtt_url=mosquitto.url, spool_dir=tmp_path / "spool",
        hardware=[{"name": "terminal", "type": "zvt", "connection": line.url, "completion_timeout_s": 60.0,
                   "recovery_window_s": 1.0, "health_interval_s": 0}])
    agent = AgentProcess(config).start()
    try:
        wait_online(client, AGENT)
        order, payment_id = start_hanging_payment(client, simulator)
        agent.kill()  # the customer pays while the agent is dead ...
        wait_until(lambda: len(simulator.charges()) == 1, what="the abandoned transaction to charge")
        line.stop()  # ... and then the terminal goes off too
        wait_until(lambda: payment_now(client, payment_id)["checks"] >= 3, what="three unanswered checks")
        shown = payment_now(client, payment_id)
        assert shown["state"] == "checking" and order_state(client, order) == "pending"
        agent = AgentProcess(config).start()  # the agent is back but cannot reach the terminal: checks go on
        wait_until(lambda: "cannot reach the terminal" in (payment_now(client, payment_id)["message"] or ""),
                   what="a check answered 'terminal unreachable'")
        assert payment_now(client, payment_id)["state"] == "checking"
        line = TcpTerminal(simulator, port=port).start()  # the terminal is back
        payment = wait_final(client, payment_id)
    finally:
        agent.stop()
        line.stop()
    assert payment["state"] == "approved" and payment["receipt_no"] == simulator.charges()[0].receipt_no
    assert payment["next_check_at"] is None and payment["checks"] >= 4
    assert order_state(client, order) == "paid"
    assert [e.kind for e in simulator.journal] == ["payment"] and len(simulator.charges()) == 1


def test_a_till_whose_agent_went_offline_is_refused_at_once_and_nothing_reaches_the_terminal(store, patient_till):
    _, client, _ = store
    simulator, agent = patient_till
    agent.stop()
    wait_until(lambda: any(d["device_id"] == AGENT and not d["online"] for d in client.get("/api/v1/devices").json["devices"]),
               what="the hub to see the agent offline")
    order = new_order(client)
    refused = client.post(f"/api/v1/orders/{order['order_id']}/payments", json={"device_id": KIOSK})
    assert (refused.status_code, refused.json["code"]) == (503, "terminal_offline")
    assert KIOSK in refused.json["message"] and AGENT in refused.json["message"]
    assert client.get(f"/api/v1/orders/{order['order_id']}/payments").json["card_payments"] == []
    assert order_state(client, order) == "unpaid" and simulator.journal == []
