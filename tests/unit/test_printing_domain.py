"""Print routing rules: which printer, and one move to the backup at most."""

from __future__ import annotations

from datetime import datetime, timezone

from hub.domain.printing import ANY_PLACE, KITCHEN_TICKET, RECEIPT, PrinterRef, PrintRequest, PrintRoute, PrintState, pick_route

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
    assert req.settle(False, "offline", "gone", NOW) == "failed"
    assert req.state is PrintState.FAILED


def test_a_bad_payload_is_not_moved_to_the_backup():
    assert request().settle(False, "invalid_payload", "bad", NOW) == "failed"


def test_no_backup_means_failed_and_success_records_the_printer():
    assert request(ALL).settle(False, "no_answer", None, NOW) == "failed"
    req = request()
    assert req.settle(True, None, None, NOW) == "printed" and req.printed_by == "grill"
