"""Print routing rules: which printer, one move to the backup at most, and holding what no printer can take."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from hub.domain.printing import (ANY_PLACE, KITCHEN_TICKET, RECEIPT, RECEIPT_HOLD, RETRY_HELD_AFTER, PrinterRef, PrintRequest,
                                 PrintRoute, PrintState, pick_route)

NOW = datetime(2026, 11, 22, 12, tzinfo=timezone.utc)
GRILL = PrintRoute(KITCHEN_TICKET, "grill", PrinterRef("printers-1", "grill"), PrinterRef("printers-1", "pass"))
ALL = PrintRoute(KITCHEN_TICKET, ANY_PLACE, PrinterRef("printers-2"))


def request(route=GRILL) -> PrintRequest:
    return PrintRequest("p1", KITCHEN_TICKET, "grill", "o1", {"document": {"order_number": "A1"}}, route, NOW)


def test_station_route_beats_the_catch_all_which_beats_nothing():
    assert pick_route([ALL, GRILL], KITCHEN_TICKET, "grill") is GRILL
    assert pick_route([ALL, GRILL], KITCHEN_TICKET, "bar") is ALL
    assert pick_route([ALL, GRILL], RECEIPT, "grill") is None


def test_printer_problem_moves_the_print_to_the_backup_once_with_a_banner():
    req = request()
    assert req.settle(False, "paper_out", "out of paper", NOW) == "to_backup"
    assert req.current_printer() == PrinterRef("printers-1", "pass")
    assert req.job_payload()["banner"] == "BACKUP — FROM grill"
    assert req.settle(False, "offline", "gone", NOW) == "held"  # the backup is down too: the ticket waits
    assert req.state is PrintState.HELD and req.held_since == NOW


def test_a_bad_payload_is_not_moved_to_the_backup():
    assert request().settle(False, "invalid_payload", "bad", NOW) == "failed"


def test_no_backup_means_held_and_success_records_the_printer():
    assert request(ALL).settle(False, "no_answer", None, NOW) == "held"
    req = request()
    assert req.settle(True, None, None, NOW) == "printed" and req.printed_by == "grill"


@pytest.mark.parametrize("error", ["paper_out", "cover_open", "offline", "no_answer", "expired"])
def test_a_ticket_no_printer_can_take_for_a_passing_reason_is_held_never_failed(error):
    req = request(ALL)
    assert req.settle(False, error, "words", NOW) == "held"
    assert req.state is PrintState.HELD and req.error == error and req.finished_at is None


@pytest.mark.parametrize("error", ["invalid_payload", "driver_error"])
def test_a_document_the_printer_cannot_print_fails_with_its_reason(error):
    req = request()
    assert req.settle(False, error, "The hub sent a print job this agent cannot read (items).", NOW) == "failed"
    assert req.state is PrintState.FAILED and req.message.startswith("The hub sent")


def test_a_missing_printer_on_the_agent_tries_the_backup_but_is_not_held():
    req = request()
    assert req.settle(False, "no_hardware", "no such printer", NOW) == "to_backup"
    assert req.settle(False, "no_hardware", "no such printer", NOW) == "failed"


def test_a_held_ticket_goes_out_once_to_the_printer_that_came_back():
    req = request()
    req.settle(False, "paper_out", None, NOW)  # grill: to the pass
    req.settle(False, "paper_out", None, NOW)  # pass too: held
    assert req.printers() == [PrinterRef("printers-1", "grill"), PrinterRef("printers-1", "pass")]
    assert req.release(PrinterRef("printers-1", "grill"))
    assert req.state is PrintState.PRINTING and not req.on_backup and "banner" not in req.job_payload()
    assert not req.release(PrinterRef("printers-1", "grill"))  # a second "ready" finds nothing to send
    assert req.settle(True, None, None, NOW) == "printed" and req.printed_by == "grill"


def test_a_held_ticket_released_to_the_backup_keeps_its_banner_and_is_held_again_if_it_fails():
    req = request()
    req.settle(False, "paper_out", None, NOW)
    req.settle(False, "cover_open", None, NOW)
    assert req.release(PrinterRef("printers-1", "pass"))
    assert req.job_payload()["banner"] == "BACKUP — FROM grill"
    later = NOW + timedelta(minutes=1)
    assert req.settle(False, "cover_open", None, later) == "held"  # no second move: it waits again
    assert req.held_since == NOW and req.held_at == later


def test_a_held_ticket_ignores_printers_off_its_route():
    req = request(ALL)
    req.settle(False, "offline", None, NOW)
    assert not req.release(PrinterRef("printers-9"))
    assert req.state is PrintState.HELD


def test_a_ticket_printing_on_the_backup_is_not_sent_again_when_the_first_printer_returns():
    req = request()
    req.settle(False, "paper_out", None, NOW)
    assert req.state is PrintState.PRINTING and req.on_backup
    assert not req.release(PrinterRef("printers-1", "grill"))
    assert not req.ready_to_retry(NOW + timedelta(seconds=5), NOW + timedelta(seconds=5))


def test_a_held_ticket_retries_on_news_of_ready_after_the_hold_or_after_a_while():
    req = request(ALL)
    req.settle(False, "no_answer", None, NOW)
    assert not req.ready_to_retry(None, NOW + timedelta(hours=1))  # not ready: never
    assert not req.ready_to_retry(NOW - timedelta(seconds=1), NOW + timedelta(seconds=1))  # stale news
    assert req.ready_to_retry(NOW + timedelta(seconds=1), NOW + timedelta(seconds=1))  # it came back
    assert req.ready_to_retry(NOW - timedelta(seconds=1), NOW + RETRY_HELD_AFTER)  # looked ready all along


def test_a_receipt_held_too_long_is_dropped_with_a_note_but_a_ticket_never():
    receipt = PrintRequest("r1", RECEIPT, "till-1", "o1", {"document": {}}, ALL, NOW)
    receipt.settle(False, "paper_out", None, NOW)
    assert not receipt.too_old_to_print(NOW + RECEIPT_HOLD - timedelta(seconds=1))
    assert receipt.too_old_to_print(NOW + RECEIPT_HOLD)
    receipt.drop(NOW + RECEIPT_HOLD)
    assert receipt.state is PrintState.FAILED and receipt.error == "held_too_long"
    assert "not ready for 10 minutes" in receipt.message
    ticket = request(ALL)
    ticket.settle(False, "paper_out", None, NOW)
    assert not ticket.too_old_to_print(NOW + timedelta(days=1))


def test_a_late_printed_answer_ends_a_hold_instead_of_a_second_copy():
    req = request()
    req.settle(False, "no_answer", None, NOW)  # grill silent: to the pass
    req.settle(False, "no_answer", None, NOW)  # the pass too: held
    assert req.printed_after_all(PrinterRef("printers-1", "grill"), NOW)
    assert (req.state, req.printed_by, req.on_backup) == (PrintState.PRINTED, "grill", False)
    assert not req.release(PrinterRef("printers-1", "grill"))
    assert not req.printed_after_all(PrinterRef("printers-1", "pass"), NOW)  # not held any more: nothing changes
