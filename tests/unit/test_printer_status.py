"""DLE EOT answers: a silent printer is never mistaken for one out of paper."""

from __future__ import annotations

from devices.printers.status import OFFLINE_CAUSE, PAPER, PRINTER, interpret, status_byte


def answers(**state):
    return interpret(*(status_byte(n, **state) for n in (PRINTER, OFFLINE_CAUSE, PAPER)))


def test_no_answer_is_offline_not_paper_out():
    status = interpret(None, None, None)
    assert status.answered is False and status.paper == "unknown"
    assert status.problem("grill")[0] == "offline"
    assert "does not answer" in status.problem("grill")[1]


def test_zero_byte_is_not_a_status():
    # escpos's paper_status() reads 0 as "no paper"; a real status byte always has bits 1 and 4 set.
    assert interpret(0, 0, 0).answered is False


def test_paper_out_cover_open_and_low_paper():
    assert answers(paper="out").problem("grill") == ("paper_out", "Printer grill is out of paper: put in a new roll.")
    assert answers(cover_open=True).problem("grill")[0] == "cover_open"
    low = answers(paper="low")
    assert low.paper == "low" and low.problem("grill") is None
    assert answers(online=False).problem("grill")[0] == "offline"


def test_healthy_printer_has_no_problem():
    status = answers()
    assert status.health() == {"online": True, "paper": "ok", "cover_open": False, "answering": True}
    assert status.problem("grill") is None


def test_paper_sensor_unanswered_leaves_paper_unknown():
    status = interpret(status_byte(PRINTER), status_byte(OFFLINE_CAUSE), None)
    assert status.answered and status.paper == "unknown" and status.problem("x") is None
