"""The terminal hardware against the ZVT simulator, over TCP and over a pseudo-terminal."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from devices.agent.registry import hardware_class
from devices.agent.terminal import ZvtTerminal
from devices.simulators.zvt_terminal import PtyTerminal, Scenario, TcpTerminal, ZvtTerminalSimulator
from devices.zvt import messages
from devices.zvt.ecr import ZvtClient
from devices.zvt.link import Link, SerialLink, TcpLink
from devices.zvt.transport import SerialTransport, TcpTransport, Transport
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


class Recording(Transport):
    """A transport that keeps every byte the terminal sent, so a test can look at the wire."""

    def __init__(self, inner: Transport) -> None:
        self.inner = inner
        self.heard = b""

    def open(self) -> None:
        self.inner.open()

    def close(self) -> None:
        self.inner.close()

    def write(self, data: bytes) -> None:
        self.inner.write(data)

    def read(self, size: int, timeout: float) -> bytes:
        data = self.inner.read(size, timeout)
        self.heard += data
        return data


@pytest.fixture(params=["tcp", "pty"])
def line(request):
    """A simulator whose receipts start with umlauts, and a function opening a recorded link to it."""
    simulator = ZvtTerminalSimulator(merchant="äöüß Bäckerei Größe")
    served = TcpTerminal(simulator, port=0).start() if request.param == "tcp" else PtyTerminal(simulator).start()

    def connect() -> tuple[Link, Recording]:
        if request.param == "tcp":
            wire = Recording(TcpTransport("127.0.0.1", served.port))
            link: Link = TcpLink(wire)
        else:
            wire = Recording(SerialTransport(served.path))
            link = SerialLink(wire)
        link.open()
        return link, wire

    yield simulator, connect
    served.stop()


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


def test_receipt_text_comes_as_cp437_bytes_and_reads_as_the_terminal_wrote_it(line):
    simulator, connect = line
    link, wire = connect()
    try:
        client = ZvtClient(link, response_timeout_s=2, completion_timeout_s=5)
        client.register()
        result = client.authorise(1250)
    finally:
        link.close()
    assert bytes.fromhex("84 94 81 e1") in wire.heard  # "äöüß" on the wire, as a real terminal sends it
    assert "äöüß".encode("latin-1") not in wire.heard
    assert result.receipt[:2] == ("äöüß Bäckerei Größe", "Kartenzahlung")
    assert "Betrag 12,50 EUR" in result.receipt and "Karte 491761******0119" in result.receipt


def test_receipts_as_text_blocks_read_the_same(line):
    simulator, connect = line
    simulator.text_blocks = True
    link, wire = connect()
    try:
        client = ZvtClient(link, response_timeout_s=2, completion_timeout_s=5)
        client.register()
        result = client.authorise(990)
    finally:
        link.close()
    assert bytes.fromhex("06 d3") in wire.heard and bytes.fromhex("06 d1") not in wire.heard
    assert result.receipt[0] == "äöüß Bäckerei Größe"


PAYMENT_TO_ECR = messages.CONFIG_ECR_PRINTS_PAYMENT_RECEIPT | messages.CONFIG_ECR_PRINT_LINES


@pytest.mark.parametrize("config, statuses, receipt_lines, printed_on_terminal", [
    (messages.DEFAULT_CONFIG, ["insert card", "please wait"], True, 0),
    (PAYMENT_TO_ECR, [], True, 0),  # no intermediate status asked for: none sent
    (messages.CONFIG_INTERMEDIATE_STATUS, ["insert card", "please wait"], False, 1),  # the terminal prints its receipt
    (messages.CONFIG_ECR_PRINTS_PAYMENT_RECEIPT, [], False, 0),  # the ECR builds the receipt from the status information
], ids=["everything", "no-status", "terminal-prints", "ecr-builds-receipt"])
def test_the_terminal_sends_only_what_the_registration_asked_for(line, config, statuses, receipt_lines, printed_on_terminal):
    simulator, connect = line
    heard_status: list[str] = []
    link, wire = connect()
    try:
        client = ZvtClient(link, config=config, response_timeout_s=2, completion_timeout_s=5, on_status=heard_status.append)
        client.register()
        result = client.authorise(700)
    finally:
        link.close()
    assert result.approved and result.amount == 700 and result.receipt_no  # the facts come either way
    assert heard_status == statuses
    assert (bytes.fromhex("04 ff") in wire.heard) == bool(statuses)
    assert bool(result.receipt) == receipt_lines
    assert (bytes.fromhex("06 d1") in wire.heard) == receipt_lines
    assert len(simulator.printed_here) == printed_on_terminal
    assert simulator.received[0] == "registration"


def test_the_end_of_day_receipt_goes_to_the_ecr_only_when_it_prints_administration_receipts(line):
    simulator, connect = line
    for config, to_ecr in ((messages.DEFAULT_CONFIG, True), (PAYMENT_TO_ECR | messages.CONFIG_INTERMEDIATE_STATUS, False)):
        link, _ = connect()
        try:
            client = ZvtClient(link, config=config, response_timeout_s=2, completion_timeout_s=5)
            client.register()
            result = client.end_of_day()
        finally:
            link.close()
        assert ("Kassenschnitt" in result.receipt) is to_ecr
        assert ("Kassenschnitt" in (simulator.printed_here[-1] if simulator.printed_here else [])) is not to_ecr
        assert any(line.startswith("Umsätze") for line in (result.receipt or simulator.printed_here[-1]))


def test_receipt_numbers_start_again_after_end_of_day_while_trace_numbers_run_on(terminal):
    simulator, hardware = terminal
    first = hardware.run(pay_job(operation="authorise", amount=300)).detail
    assert hardware.run(pay_job(operation="end_of_day")).ok
    second = hardware.run(pay_job(operation="authorise", amount=300)).detail
    assert (first["receipt_no"], second["receipt_no"]) == ("0001", "0001")  # a new day's batch
    assert (first["trace_no"], second["trace_no"]) == ("000001", "000003")  # the end-of-day counted too
    assert first["terminal_id"] == second["terminal_id"] == "52500001"
    assert hardware.run(pay_job(operation="reverse", receipt_no="0001")).ok  # today's 0001, not yesterday's
    assert [e.reversed for e in simulator.journal if e.kind == "payment"] == [False, True]


def test_end_of_day_reports_the_open_batch_net_of_refunds_and_a_charge_keyed_by_hand(terminal):
    simulator, hardware = terminal
    hardware.run(pay_job(operation="authorise", amount=990))
    hardware.run(pay_job(operation="authorise", amount=500))
    hardware.run(pay_job(operation="refund", amount=200))
    simulator.charge_by_hand(250)  # the hub never hears of it: the end of the day shows it as a mismatch
    first = hardware.run(pay_job(operation="end_of_day"))
    assert first.ok and first.detail["amount"] == 990 + 500 - 200 + 250
    hardware.run(pay_job(operation="authorise", amount=320))
    assert hardware.run(pay_job(operation="end_of_day")).detail["amount"] == 320  # a new batch after each close
