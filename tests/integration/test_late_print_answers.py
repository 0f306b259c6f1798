"""A printer that answers after its deadline, once a copy of its print was sent elsewhere: never two tickets unsaid.

The hub on a real SQLite database, the bus as the agents' results reach it, a clock the test moves.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from hub.bootstrap import bootstrap
from hub.domain.order_messages import LineRequest, SubmitOrder
from hub.domain.device_jobs import RecordDeviceEvent, SweepDeviceJobs
from hub.domain.printing import ANSWER_WITHIN_S, KITCHEN_TICKET, PrinterRef, PrintRoute, PrintState, SetPrintRoute
from tests.fakes import FixedClock

BAR = PrinterRef("printer-agent-1", "bar")
PASS = PrinterRef("printer-agent-1", "pass")


@pytest.fixture
def store(settings):
    """A hub whose bar tickets print at the bar, with the pass printer as the backup; warnings the screens get."""
    clock = FixedClock()
    hub = bootstrap(settings, clock=clock)
    warnings: list[dict] = []
    hub.notifier.send = lambda kind, data: warnings.append(data) if kind == "printer.warning" else None
    hub.bus.handle(SetPrintRoute(PrintRoute(KITCHEN_TICKET, "bar", BAR, backup=PASS)))
    yield hub, clock, warnings
    hub.stop()


def sent_jobs(hub) -> list:
    return [(delivery.job_id, delivery.hardware) for delivery in hub.bus.handle(SweepDeviceJobs())]


def a_cola_whose_bar_ticket_timed_out(hub, clock) -> tuple[str, str]:
    """Order a cola; the bar printer takes the ticket and says nothing by the deadline: the copy goes to the pass.

    Returns (the order id, the first job's id)."""
    order_id = str(uuid.uuid4())
    hub.bus.handle(SubmitOrder(order_id, "kiosk", "takeaway", (LineRequest("COLA", 1),), "fp"))
    [(first, hardware)] = sent_jobs(hub)
    assert hardware == "bar"
    clock.now += timedelta(seconds=ANSWER_WITHIN_S + 1)
    assert sent_jobs(hub) == []  # the sweep gave up on it; the copy for the pass is queued, not sent yet
    return order_id, first


def late_printed(hub, job_id: str) -> None:
    hub.bus.handle(RecordDeviceEvent(BAR.device_id, "job.result", {"job_id": job_id, "ok": True}, str(uuid.uuid4())))


def the_print(hub, order_id: str):
    with hub.uow_factory() as uow:
        [request] = [r for r in uow.printing.for_order(order_id)]
        return request


def test_a_late_printed_before_the_copy_left_withdraws_the_copy(store):
    hub, clock, warnings = store
    order_id, first = a_cola_whose_bar_ticket_timed_out(hub, clock)
    late_printed(hub, first)
    assert sent_jobs(hub) == []  # the pass never gets it
    request = the_print(hub, order_id)
    assert (request.state, request.printed_by) == (PrintState.PRINTED, BAR.label)
    assert [w for w in warnings if "twice" in w["message"]] == []


def test_a_late_printed_after_the_copy_left_tells_the_station_to_make_it_once(store):
    hub, clock, warnings = store
    order_id, first = a_cola_whose_bar_ticket_timed_out(hub, clock)
    [(copy, hardware)] = sent_jobs(hub)
    assert hardware == "pass"
    late_printed(hub, first)
    number = the_print(hub, order_id).payload["document"]["order_number"]
    [warning] = [w for w in warnings if "twice" in w["message"]]
    assert warning["station"] == "bar"
    assert warning["message"] == (f"Order {number} may come out twice: printer {BAR.label} printed it late and it was "
                                  f"sent to {PASS.label} too. Make it once.")
