"""The terminal hardware against the ZVT simulator, over TCP and over a pseudo-terminal."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from devices.agent.registry import hardware_class
from devices.agent.terminal import ZvtTerminal
from devices.simulators.zvt_terminal import PtyTerminal, Scenario, TcpTerminal, ZvtTerminalSimulator
from hub.contracts.jobs import JobOut

FAST = {"completion_timeout_s": 1.0, "response_timeout_s": 2.0, "recovery_window_s": 8.0, "health_interval_s": 0}


@pytest.fixture(params=["tcp", "pty"])
def terminal(request):
    """A simulator on TCP or a pty, and the agent's terminal hardware connected to it."""
    simulator = ZvtTerminalSimulator(drop_silence_s=1.5)
    line = TcpTerminal(simulator, port=0).start() if request.param == "tcp" else PtyTerminal(simulator).start()
    connection = line.url if request.param == "tcp" else line.path
    hardware = ZvtTerminal("counter-terminal", {"connection": connection, **FAST}, lambda *a: None)
    yield simulator, hardware
    line.stop()


def pay_job(**payload) -> JobOut:
    return JobOut(job_id=uuid.uuid4(), kind="pay", payload=payload)


def test_zvt_is_a_registered_hardware_type():
    assert hardware_class("zvt") is ZvtTerminal
    assert ZvtTerminal.kind == "terminal" and ZvtTerminal.job_kinds == ("pay",)


def test_approved_payment_reports_masked_card_facts_and_charges_once(terminal):
    simulator, hardware = terminal
    outcome = hardware.run(pay_job(operation="authorise", amount=1250, currency="EUR"))
    assert outcome.ok
    assert {k: outcome.detail[k] for k in ("result", "amount", "currency", "masked_pan", "brand", "terminal_id")} == {
        "result": "approved", "amount": 1250, "currency": "EUR", "masked_pan": "************0119",
        "brand": "Visa", "terminal_id": "52500001"}
    assert outcome.detail["auth_code"] and outcome.detail["receipt_no"] and outcome.detail["trace_no"]
    assert [c.amount for c in simulator.charges()] == [1250]
    assert hardware.health()["terminal"] == "ready"


@pytest.mark.parametrize("scenario, error, result", [
    (Scenario.DECLINE, "declined", "declined"),
    (Scenario.CANCEL, "cancelled", "cancelled"),
    (Scenario.TIMEOUT, "timeout", "failed"),
])
def test_unsuccessful_payments_charge_nothing(terminal, scenario, error, result):
    simulator, hardware = terminal
    simulator.queue(scenario)
    outcome = hardware.run(pay_job(operation="authorise", amount=990))
    assert (outcome.ok, outcome.error, outcome.detail["result"]) == (False, error, result)
    assert simulator.charges() == []


def test_connection_lost_after_the_card_was_read_is_recovered_by_a_status_enquiry(terminal):
    simulator, hardware = terminal
    hardware.run(pay_job(operation="authorise", amount=990))  # an older payment of the same amount
    simulator.queue(Scenario.DROP_AFTER_CARD)
    outcome = hardware.run(pay_job(operation="authorise", amount=990))
    assert outcome.ok and outcome.detail["recovered"] is True
    assert outcome.detail["receipt_no"] == simulator.charges()[-1].receipt_no
    assert len(simulator.charges()) == 2


def test_a_lost_result_is_not_confused_with_an_older_payment(terminal):
    simulator, hardware = terminal
    hardware.run(pay_job(operation="authorise", amount=700))
    simulator.queue(Scenario.TIMEOUT)
    outcome = hardware.run(pay_job(operation="authorise", amount=700))
    assert not outcome.ok and outcome.detail["result"] == "failed"
    assert len(simulator.charges()) == 1


def test_reversal_cancels_the_charge(terminal):
    simulator, hardware = terminal
    paid = hardware.run(pay_job(operation="authorise", amount=450))
    reversed_ = hardware.run(pay_job(operation="reverse", receipt_no=paid.detail["receipt_no"]))
    assert reversed_.ok and reversed_.detail["operation"] == "reverse"
    assert simulator.charges() == []
    again = hardware.run(pay_job(operation="reverse", receipt_no=paid.detail["receipt_no"]))
    assert not again.ok and again.error == "terminal_error"


def test_refund_end_of_day_and_status(terminal):
    simulator, hardware = terminal
    hardware.run(pay_job(operation="authorise", amount=300))
    assert hardware.run(pay_job(operation="refund", amount=300)).ok
    assert hardware.run(pay_job(operation="end_of_day")).ok
    status = hardware.run(pay_job(operation="status"))
    assert status.ok and status.detail["ready"] is True
    assert [e.kind for e in simulator.journal] == ["payment", "refund", "end_of_day"]


def test_after_a_restart_an_expired_charge_is_reversed(terminal):
    simulator, hardware = terminal
    simulator.queue(Scenario.DROP_AFTER_CARD)
    simulator.drop_silence_s = 0
    job = JobOut(job_id=uuid.uuid4(), kind="pay", payload={"operation": "authorise", "amount": 1500},
                 expires_at=datetime.now(timezone.utc) - timedelta(seconds=1))
    # the agent was killed mid-payment: a new hardware object (no memory) recovers the job
    from devices.zvt.link import open_link
    from devices.zvt.ecr import ZvtClient
    from devices.zvt.errors import ZvtError

    link = open_link(hardware.connection)
    try:
        ZvtClient(link, completion_timeout_s=0.5).authorise(1500)
    except ZvtError:
        pass
    finally:
        link.close()
    assert len(simulator.charges()) == 1
    fresh = ZvtTerminal("counter-terminal", hardware.options, lambda *a: None)
    outcome = fresh.recover(job)
    assert (outcome.ok, outcome.error, outcome.detail["result"]) == (False, "expired", "reversed")
    assert simulator.charges() == []


def test_an_unreachable_terminal_is_offline_and_charges_nothing():
    hardware = ZvtTerminal("t", {"connection": "tcp://127.0.0.1:1", **FAST}, lambda *a: None)
    outcome = hardware.run(pay_job(operation="authorise", amount=100))
    assert (outcome.ok, outcome.error) == (False, "offline")
    assert hardware.health()["terminal"] == "offline"
    assert "cannot be reached" in hardware.health()["error"]


def test_a_pay_job_without_an_amount_is_refused_with_a_reason():
    hardware = ZvtTerminal("t", {"connection": "tcp://127.0.0.1:1", **FAST}, lambda *a: None)
    outcome = hardware.run(pay_job(operation="authorise"))
    assert (outcome.ok, outcome.error) == (False, "invalid_payload")
    assert "needs an amount" in outcome.message
