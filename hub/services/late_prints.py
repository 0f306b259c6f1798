"""A printer's "printed" that came after the hub gave up on the job: end a hold, withdraw a copy, or warn the station."""

from __future__ import annotations

import logging

from hub.domain.device_jobs import DeviceJobAnsweredLate
from hub.domain.printing import KITCHEN_TICKET, PrintedTwice, PrinterRef, PrintRequest, PrintState
from hub.services.ports import Clock, UnitOfWork

logger = logging.getLogger(__name__)


def printed_late(event: DeviceJobAnsweredLate, uow: UnitOfWork, clock: Clock) -> None:
    """End a hold when the printer says, after its deadline, that it printed the job after all."""
    if event.kind != "print" or not event.ok:
        return
    request = uow.printing.by_job(event.job_id)
    if request is None:
        return
    if request.printed_after_all(PrinterRef(event.device_id, event.hardware), clock()):
        logger.warning("print of %s for %s: %s printed it after its deadline; not sent again",
                       request.payload["document"].get("order_number", ""), request.place, request.printed_by)
        uow.printing.save(request)
    elif request.state is PrintState.PRINTING and request.job_id != event.job_id:
        _printed_before_its_copy(request, PrinterRef(event.device_id, event.hardware), uow, clock)


def _printed_before_its_copy(request: PrintRequest, late: PrinterRef, uow: UnitOfWork, clock: Clock) -> None:
    """A printer printed after its deadline and a copy went out for it: withdraw the copy if it has not left yet,
    else tell the station it may hold the same ticket twice, so nobody makes it twice."""
    number = request.payload["document"].get("order_number", "")
    copy = uow.device_jobs.get(request.job_id)
    if copy is not None and copy.withdraw(clock()):
        request.printed_before_its_copy(late, clock())
        uow.device_jobs.save(copy)
        uow.printing.save(request)
        logger.warning("print of %s for %s: %s printed it after its deadline; its copy had not left and is withdrawn",
                       number, request.place, late.label)
        return
    now_on = request.current_printer().label
    logger.warning("print of %s for %s: %s printed it after its deadline, and a copy is already out on %s",
                   number, request.place, late.label, now_on)
    if request.document == KITCHEN_TICKET:
        words = (f"Order {number} may come out twice: printer {late.label} printed it late and it was sent to "
                 f"{now_on} too. Make it once.")
    else:
        words = (f"The receipt of order {number} may come out twice: printer {late.label} printed it late and it "
                 f"was sent to {now_on} too. Give the customer one.")
    uow.raise_event(PrintedTwice(request.print_id, request.place, late.label, words))
