"""The ECR's side of a whole exchange, against a terminal scripted byte by byte over a real socket."""

from __future__ import annotations

import socket
import threading

import pytest

from devices.zvt.ecr import ZvtClient
from devices.zvt.errors import TerminalRefused
from devices.zvt.link import TcpLink
from devices.zvt.transport import TcpTransport

H = bytes.fromhex
ACK = H("80 00 00")
STATUS_BODY = (H("27 00 04 000000001234 49 0978 0b 000042 87 0007 29 52500001 8a 06")
               + H("22 f0 f8 541333eeeeee0019") + b"\x3b" + b"654321\x00\x00" + H("0c 121530 0d 1122"))
STATUS_INFO = H("04 0f 35") + STATUS_BODY  # 53 data bytes


@pytest.fixture
def wire():
    """The ECR's client on one end of a socket pair; the test plays the terminal on the other."""
    ours, theirs = socket.socketpair()
    theirs.settimeout(5)
    yield ZvtClient(TcpLink(TcpTransport("terminal", sock=ours)), response_timeout_s=2, completion_timeout_s=2), theirs
    ours.close()
    theirs.close()


def run(call):
    box = {}
    thread = threading.Thread(target=lambda: box.update(result=_catch(call)))
    thread.start()
    return thread, box


def _catch(call):
    try:
        return call()
    except Exception as exc:  # noqa: BLE001 - handed to the test
        return exc


def expect(sock: socket.socket, data: bytes) -> None:
    got = b""
    while len(got) < len(data):
        got += sock.recv(len(data) - len(got))
    assert got == data


def test_the_status_information_is_53_bytes():
    assert len(STATUS_BODY) == 0x35


def test_authorisation_exchange_byte_by_byte(wire):
    client, terminal = wire
    thread, box = run(lambda: client.authorise(1234))
    expect(terminal, H("06 01 0a 04 000000001234 49 0978"))
    terminal.sendall(ACK)
    for message in (H("04 ff 02 0a 3c"), H("06 d1 06 00") + b"Hallo", STATUS_INFO, H("06 0f 00")):
        terminal.sendall(message)
        expect(terminal, ACK)  # the ECR acknowledges every message of the terminal
    thread.join(5)
    result = box["result"]
    assert (result.result, result.amount, result.currency, result.trace_no, result.receipt_no) == ("approved", 1234, "EUR", "000042", "0007")
    assert (result.masked_pan, result.brand, result.auth_code, result.terminal_id) == ("************0019", "Mastercard", "654321", "52500001")
    assert result.receipt == ("Hallo",)


def test_terminal_abort_ends_the_transaction_with_its_result_code(wire):
    client, terminal = wire
    thread, box = run(lambda: client.authorise(500))
    expect(terminal, H("06 01 0a 04 000000000500 49 0978"))
    terminal.sendall(ACK + H("06 1e 01 6c"))
    expect(terminal, ACK)
    thread.join(5)
    assert (box["result"].result, box["result"].result_code) == ("cancelled", 0x6C)


def test_negative_acknowledgement_is_a_refusal(wire):
    client, terminal = wire
    thread, box = run(lambda: client.end_of_day())
    expect(terminal, H("06 50 03 000000"))
    terminal.sendall(H("84 83 00"))
    thread.join(5)
    assert isinstance(box["result"], TerminalRefused) and box["result"].code == 0x83


def test_status_enquiry_reads_the_last_transaction_and_the_terminal_state(wire):
    client, terminal = wire
    thread, box = run(client.status)
    expect(terminal, H("05 01 03 000000"))
    terminal.sendall(ACK + STATUS_INFO)
    expect(terminal, ACK)
    terminal.sendall(H("06 0f 07 f0 f0 f3") + b"1.2" + H("00"))
    expect(terminal, ACK)
    thread.join(5)
    status = box["result"]
    assert (status.ready, status.software_version, status.last.amount, status.last.receipt_no) == (True, "1.2", 1234, "0007")


def test_abort_from_the_ecr_is_answered_by_the_terminal_abort(wire):
    client, terminal = wire
    thread, box = run(client.abort)
    expect(terminal, H("06 b0 00"))
    terminal.sendall(ACK + H("06 1e 01 6c"))
    expect(terminal, ACK)
    thread.join(5)
    assert box["result"].result == "cancelled"


def test_receipt_lines_and_text_blocks_are_read_as_cp437(wire):
    client, terminal = wire
    thread, box = run(lambda: client.authorise(250))
    expect(terminal, H("06 01 0a 04 000000000250 49 0978"))
    terminal.sendall(ACK)
    print_line = H("06 d1 05 00 84 94 81 e1")  # attribute 00, then "äöüß" as a terminal sends it
    text_block = H("06 d3 0e 06 0c 25 0a 07 08") + b"Gr" + H("94 e1") + b"e " + H("8e 99")  # "Größe ÄÖ"
    for message in (print_line, text_block, H("06 0f 00")):
        terminal.sendall(message)
        expect(terminal, ACK)
    thread.join(5)
    assert box["result"].receipt == ("äöüß", "Größe ÄÖ")


def test_registration_asks_for_status_and_receipts_as_print_lines(wire):
    client, terminal = wire
    thread, box = run(client.register)
    # password 000000, config BE: ECR prints payment (02) and admin (04) receipts, wants intermediate
    # status (08), locks amount (10) and admin (20) input, and takes receipts as print lines (80); EUR
    expect(terminal, H("06 00 06 000000 be 0978"))
    terminal.sendall(ACK + H("06 0f 00"))
    expect(terminal, ACK)
    thread.join(5)
    assert box["result"].result == "approved"
