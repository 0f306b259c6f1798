"""The printer driver over each connection: tcp (simulator), serial (a pty) and file."""

from __future__ import annotations

import os
import socket
import threading
import uuid

import pytest

from devices.printers.escpos_printer import EscposPrinter
from devices.simulators.escpos_decoder import decode
from devices.simulators.printer import PrinterSimulator
from hub.contracts.jobs import JobOut
from tests.support.agent_process import ticket_payload


def job(number="A1", kind="print", payload=None) -> JobOut:
    return JobOut(job_id=uuid.uuid4(), kind=kind, payload=payload if payload is not None else ticket_payload(number))


@pytest.fixture
def sim():
    printer = PrinterSimulator(port=0).start()
    yield printer
    printer.stop()


def make(tmp_path, connection, events=None, **options):
    return EscposPrinter("grill", {"connection": connection, "state_dir": str(tmp_path / "state"), **options},
                         lambda t, d: (events if events is not None else []).append((t, d)))


def test_simulator_answers_each_status_request_as_set(sim):
    with socket.create_connection(("127.0.0.1", sim.port), timeout=2) as conn:
        sim.set_state("paper_out")
        conn.sendall(b"\x10\x04\x04")
        assert conn.recv(1) == b"\x72"
        sim.set_state("cover_open")
        conn.sendall(b"\x10\x04\x02")
        assert conn.recv(1)[0] & 0x04
    assert sim.status_queries == 2


def test_simulator_can_drop_and_refuse_connections(sim, tmp_path):
    printer = make(tmp_path, sim.url, poll_s=3600)
    assert printer.run(job("A1")).ok
    sim.drop_connections()
    sim.refuse = True
    outcome = printer.run(job("A2"))
    assert (outcome.ok, outcome.error) == (False, "offline")
    assert printer.health()["online"] is False and "grill" in printer.health()["error"]
    sim.refuse = False
    assert printer.run(job("A3")).ok
    assert [d.lines[1].text for d in sim.documents()] == ["A1", "A3"]


def test_nothing_reaches_paper_while_the_printer_is_out_of_paper(sim, tmp_path):
    printer = make(tmp_path, sim.url)
    sim.set_state("paper_out")
    assert printer.run(job()).error == "paper_out"
    assert sim.documents() == []


def test_invalid_payload_is_refused_naming_the_field(sim, tmp_path):
    outcome = make(tmp_path, sim.url).run(job(payload={"document": {"document": "kitchen_ticket"}}))
    assert outcome.error == "invalid_payload" and "document.kitchen_ticket.order_id" in outcome.message


def test_drawer_job_kicks_and_reports_the_drawer_opened(sim, tmp_path):
    events = []
    printer = make(tmp_path, sim.url, events)
    the_job = job(kind="drawer", payload={"pin": 5})
    assert printer.run(the_job).ok
    assert decode(bytes(sim.printed))[-1].drawer_kicks == [5]
    assert events == [("drawer.opened", {"hardware": "grill", "job_id": str(the_job.job_id)})]


def test_serial_printer_on_a_pty_prints_and_reads_its_status(tmp_path):
    master, slave = os.openpty()
    received = bytearray()
    stop = threading.Event()

    def printer_side():
        while not stop.is_set():
            try:
                chunk = os.read(master, 4096)
            except OSError:
                return
            received.extend(chunk)
            for i in range(len(chunk) - 2):
                if chunk[i:i + 2] == b"\x10\x04":
                    os.write(master, b"\x12")

    thread = threading.Thread(target=printer_side, daemon=True)
    thread.start()
    printer = make(tmp_path, f"serial://{os.ttyname(slave)}?baudrate=19200", timeout_s=1)
    try:
        assert printer.run(job("S9")).ok
        assert printer.health()["paper"] == "ok"
    finally:
        printer.stop()
        stop.set()
        os.close(slave)
        os.close(master)
    assert [d.lines[1].text for d in decode(bytes(received)) if d.cut] == ["S9"]


def test_file_printer_appends_every_job(tmp_path):
    path = tmp_path / "lp0"
    printer = make(tmp_path, f"file://{path}")
    assert printer.run(job("F1")).ok and printer.run(job("F2")).ok
    assert [d.lines[1].text for d in decode(path.read_bytes())] == ["F1", "F2"]
    assert "paper" not in printer.health()  # a file cannot tell


def test_bad_connection_url_names_the_problem(tmp_path):
    with pytest.raises(ValueError, match="use tcp://, usb://, serial:// or file://"):
        make(tmp_path, "lpt1")
