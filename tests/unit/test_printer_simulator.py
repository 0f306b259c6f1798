"""The printer simulator: what it writes to its text file, and how long its paper takes."""

from __future__ import annotations

import socket
import time
import uuid

from devices.printers.escpos_printer import EscposPrinter
from devices.simulators.escpos_decoder import decode_cut
from devices.simulators.printer import CUT_S, FEED_MM, LINE_MM, PrinterSimulator
from hub.contracts.jobs import JobOut
from tests.support.agent_process import ticket_payload

CUT = b"\x1dVA\x03"


def ticket(number: str) -> bytes:
    return b"\x1b@KITCHEN\n" + number.encode() + b"\n1 x Latte\n" + CUT


def test_a_document_is_cut_off_only_once_its_cut_has_come_whole():
    data = ticket("A1") + b"\x1bt\x10" + ticket("A2")[:-2]
    docs, used, codec = decode_cut(data)
    assert [d.lines[1].text for d in docs] == ["A1"] and used == len(ticket("A1")) and codec == "cp437"
    docs, used, codec = decode_cut(data[len(ticket("A1")):] + CUT[-2:])
    assert [d.lines[1].text for d in docs] == ["A2"] and codec == "cp1252"


def test_the_code_page_carries_over_to_the_next_document():
    docs, _, _ = decode_cut(b"\x1b@Caf\xe9\n" + CUT, codec="cp1252")
    assert docs[0].lines[0].text == "Café"


def test_every_ticket_is_in_the_text_file_once_however_its_bytes_arrive(tmp_path):
    text = tmp_path / "printed.txt"
    sim = PrinterSimulator(port=0, name="bar", text_file=text).start()
    try:
        with socket.create_connection(("127.0.0.1", sim.port), timeout=2) as conn:
            data = b"".join(ticket(f"A{n}") for n in range(1, 41))
            for start in range(0, len(data), 7):  # cuts split across sends
                conn.sendall(data[start:start + 7])
                time.sleep(0.001)
        assert len(sim.wait_for(40)) == 40
        deadline = time.monotonic() + 5
        while text.read_text().count("==== bar") < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        sim.stop()
    numbers = [block.splitlines()[2] for block in text.read_text().split("==== ")[1:]]
    assert numbers == [f"A{n}" for n in range(1, 41)]


def test_a_printer_with_a_speed_answers_after_its_paper_is_out(tmp_path):
    sim = PrinterSimulator(port=0, speed_mm_s=200.0).start()
    printer = EscposPrinter("bar", {"connection": sim.url, "state_dir": str(tmp_path / "state"), "poll_s": 3600},
                            lambda *_: None)
    try:
        started = time.monotonic()
        assert printer.run(JobOut(job_id=uuid.uuid4(), kind="print", payload=ticket_payload("A7"))).ok
        took = time.monotonic() - started
        [doc] = sim.documents()
    finally:
        printer.stop()
        sim.stop()
    paper_mm = sum(LINE_MM * line.height for line in doc.lines) + FEED_MM
    assert took >= paper_mm / 200.0 + CUT_S
