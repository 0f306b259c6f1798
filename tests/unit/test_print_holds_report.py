"""What staff read about held prints, and when the hub counts a printer as ready again."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hub.domain.presence import DeviceState, Presence
from hub.domain.printing import HELD_ALERT_AFTER, KITCHEN_TICKET, RECEIPT, PrinterRef, PrintRequest, PrintRoute
from hub.services.print_holds import held_report, ready_since

NOW = datetime(2026, 12, 7, 12, tzinfo=timezone.utc)
GRILL = PrintRoute(KITCHEN_TICKET, "grill", PrinterRef("printers-1", "grill"))
TILL = PrintRoute(RECEIPT, "counter-1", PrinterRef("till-agent", "receipt"))


def held(number: str, route=GRILL, error="paper_out", at=NOW) -> PrintRequest:
    request = PrintRequest(number, route.document, route.place, "o1", {"document": {"order_number": number}}, route, at)
    request.settle(False, error, None, at)
    return request


def test_held_prints_are_counted_per_printer_and_problem_in_words():
    report = held_report([held("A1"), held("A2"), held("A3", error="cover_open"), held("A4", route=TILL)], NOW)
    assert report["detail"] == ("Kitchen printer grill: paper out — 2 tickets waiting; "
                                "Kitchen printer grill: cover open — 1 ticket waiting; "
                                "Receipt printer receipt: paper out — 1 receipt waiting")
    assert [w["words"] for w in report["waiting"]][0] == (
        "The ticket of order A1 is waiting (printer grill: paper out). It prints by itself when the printer is ready.")
    assert report["ok"] is True and report["held"] == 4


def test_a_print_waiting_past_the_alert_time_turns_the_check_not_ok():
    report = held_report([held("A1", at=NOW - HELD_ALERT_AFTER)], NOW)
    assert report["ok"] is False and "come out by themselves" in report["fix"]
    assert held_report([], NOW) == {"ok": True, "held": 0, "waiting": [], "detail": "every print came out", "fix": None}


def test_a_printer_is_ready_when_its_agent_is_online_and_says_so():
    presence = Presence()
    grill = PrinterRef("printers-1", "grill")
    assert ready_since(presence, grill) is None  # never heard of
    health = {"grill": {"kind": "printer", "ready": False, "error": "out of paper"}, "pass": {"kind": "printer", "ready": True}}
    presence.update(DeviceState("printers-1", True, "printer", health, None, NOW))
    assert ready_since(presence, grill) is None
    assert ready_since(presence, PrinterRef("printers-1", "pass")) == NOW
    assert ready_since(presence, PrinterRef("printers-1")) is None  # no name: every printer of the agent must be ready
    later = NOW + timedelta(seconds=5)
    presence.update(DeviceState("printers-1", True, "printer", {**health, "grill": {"kind": "printer", "ready": True}}, None, later))
    assert ready_since(presence, grill) == later
    presence.update(DeviceState("printers-1", False, "printer", {}, None, later))  # the agent went offline (its will)
    assert ready_since(presence, grill) is None
