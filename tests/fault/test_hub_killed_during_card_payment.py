"""The hub SIGKILLed while a customer is at the PIN pad: charged once or not at all, and the order says which.

A whole store runs: the hub with its supervised Mosquitto, the kiosk's agent with its ZVT
terminal (the simulator, over TCP). The customer takes a few seconds at the PIN pad; the hub
(and with it the broker) dies meanwhile; the terminal finishes and the agent keeps the result
in its spool. When the hub is back, the payment must end in one state that matches the
terminal's journal, the order must say paid or unpaid accordingly, and no second charge may
follow, however long we wait.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest

from devices.simulators.zvt_terminal import Scenario
from tests.fault.books import wait_for
from tests.support.devices import order_data
from tests.support.store_stack import KIOSK, StoreStack

pytestmark = [pytest.mark.slow, pytest.mark.mosquitto]

PIN_ENTRY_S = 3.0
SETTLE_TIMEOUT_S = 60
QUIET_AFTER_S = 5.0  # a second charge or a second payment would show up within this
OPEN_STATES = ("requested", "checking")


@pytest.fixture
def stack(tmp_path: Path):
    stack = StoreStack(tmp_path).start()
    yield stack
    stack.stop()
    print(stack.logs())


@pytest.mark.parametrize("scenario, charges, order_state, payment_state", [
    (Scenario.APPROVE, 1, "paid", "approved"),
    (Scenario.DECLINE, 0, "unpaid", "declined"),
    (Scenario.CANCEL, 0, "unpaid", "cancelled"),
    (Scenario.DROP_AFTER_CARD, 1, "paid", "approved"),  # and the terminal's line drops: the agent asks it
])
def test_hub_killed_while_the_customer_pays(stack: StoreStack, scenario, charges, order_state, payment_state):
    terminal = stack.tills[KIOSK].terminal
    order = stack.call("POST", "/api/v1/orders", order_data(origin="kiosk", fulfilment="takeaway"))
    terminal.pin_entry_s = PIN_ENTRY_S
    terminal.queue(scenario)
    payment = stack.call("POST", f"/api/v1/orders/{order['order_id']}/payments", {"device_id": KIOSK})
    wait_for(lambda: terminal.customers_at_pin_pad == 1, 20, "the payment never reached the terminal")

    stack.hub.kill()  # the broker it supervises dies with it
    time.sleep(PIN_ENTRY_S + 1.0)  # the customer finishes while the hub is gone
    assert len(terminal.journal) == (0 if scenario is Scenario.CANCEL else 1)
    stack.hub.start()
    _wait_settled(stack, payment)

    charged = terminal.charges()
    assert len(charged) == charges, f"the terminal charged {len(charged)} times: {terminal.journal}"
    view = stack.call("GET", f"/api/v1/orders/{order['order_id']}/payments")
    assert view["state"] == order_state
    assert [(p["state"], p["amount"]) for p in view["card_payments"]] == [(payment_state, payment["amount"])]
    if charges:
        assert [c.amount for c in charged] == [payment["amount"]]
        assert view["card_payments"][0]["receipt_no"] == charged[0].receipt_no
        assert view["paid"] == payment["amount"] and view["due"] == 0
    else:
        assert view["paid"] == 0 and view["due"] == payment["amount"]
    assert [r for r in _payment_rows(stack) if r[0] == order["order_id"]] == [(order["order_id"], payment_state)]
    assert [e.kind for e in terminal.journal if e.kind != "payment"] == [], "the terminal was asked to reverse or refund"


def _payment_rows(stack: StoreStack) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(f"file:{stack.hub.data_dir / 'passline.db'}?mode=ro", uri=True)) as db:
        return db.execute("SELECT order_id, state FROM payments").fetchall()


def test_hub_and_agent_killed_while_the_customer_pays_charge_nothing_and_the_order_says_unpaid(stack: StoreStack):
    till = stack.tills[KIOSK]
    terminal = till.terminal
    order = stack.call("POST", "/api/v1/orders", order_data(origin="kiosk", fulfilment="takeaway"))
    terminal.pin_entry_s = PIN_ENTRY_S
    payment = stack.call("POST", f"/api/v1/orders/{order['order_id']}/payments", {"device_id": KIOSK})
    wait_for(lambda: terminal.customers_at_pin_pad == 1, 20, "the payment never reached the terminal")

    till.agent.kill()  # the ECR's line to the terminal goes with it: the terminal gives up the transaction
    stack.hub.kill()
    time.sleep(PIN_ENTRY_S + 1.0)
    till.agent.start()  # finds the pay job it had started in its spool, and asks the terminal what became of it
    stack.hub.start()
    _wait_settled(stack, payment)

    assert terminal.charges() == []
    view = stack.call("GET", f"/api/v1/orders/{order['order_id']}/payments")
    assert view["state"] == "unpaid" and view["paid"] == 0 and view["due"] == payment["amount"]
    assert [p["state"] for p in view["card_payments"]] == ["failed"]
    assert "status enquiry" in terminal.received
    assert terminal.received.count("authorisation") == 1, "the agent ran the payment again after its restart"


def _wait_settled(stack: StoreStack, payment: dict) -> None:
    """Wait until the payment has its outcome, then a while longer for anything that should not come."""
    def settled():
        return stack.call("GET", f"/api/v1/payments/{payment['payment_id']}")["state"] not in OPEN_STATES

    wait_for(settled, SETTLE_TIMEOUT_S, lambda: f"the payment is still open: "
             f"{stack.call('GET', '/api/v1/payments/' + payment['payment_id'])}")
    time.sleep(QUIET_AFTER_S)
