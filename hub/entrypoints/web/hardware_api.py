"""The store's hardware under /api/v1: print routes and prints, payment terminals, cash drawers and their kick."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from hub.adapters.read_models.printing import print_view, route_view
from hub.contracts.payments import TerminalAssignment
from hub.contracts.printing import DrawerIn, PrintRouteIn
from hub.domain.access import Permission
from hub.domain.errors import OrderRefused
from hub.domain.payments import AssignTerminal, TerminalRef
from hub.domain.printing import (DOCUMENTS, OpenDrawer, PrinterRef, PrintHeldAgain, PrintRoute, RemovePrintRoute,
                                 SetPrintRoute)
from hub.domain.till import SetCashDrawer
from hub.entrypoints.web.access import requires
from hub.entrypoints.web.context import current_hub
from hub.entrypoints.web.replies import ApiProblem, body_of, run

blueprint = Blueprint("hardware", __name__, url_prefix="/api/v1")


@blueprint.get("/printing/routes")
@requires(Permission.HARDWARE_READ)
def list_routes():
    """Return every print route."""
    hub = current_hub()
    with hub.uow_factory() as uow:
        return jsonify({"routes": [route_view(r) for r in uow.printing.routes()]})


@blueprint.put("/printing/routes/<document>/<station>")
@requires(Permission.HARDWARE_MANAGE)
def put_route(document: str, station: str):
    """Send a document kind for a station (`*` = every station) to a printer, with an optional backup."""
    if document not in DOCUMENTS:
        raise ApiProblem(404, "not_found", f"document must be one of {', '.join(DOCUMENTS)}", "document")
    body = body_of(PrintRouteIn)
    route = PrintRoute(document, station, PrinterRef(body.printer.device_id, body.printer.hardware),
                       PrinterRef(body.backup.device_id, body.backup.hardware) if body.backup else None,
                       body.language, body.answer_within_s)
    current_hub().bus.handle(SetPrintRoute(route))
    return jsonify(route_view(route))


@blueprint.delete("/printing/routes/<document>/<station>")
@requires(Permission.HARDWARE_MANAGE)
def delete_route(document: str, station: str):
    """Stop printing a document kind for a station."""
    if not current_hub().bus.handle(RemovePrintRoute(document, station)):
        raise ApiProblem(404, "not_found", f"no route for {document} at {station}")
    return "", 204


@blueprint.get("/printing/prints")
@requires(Permission.HARDWARE_READ)
def list_prints():
    """Return the newest prints, or one order's (`?order_id=`)."""
    hub = current_hub()
    order_id = request.args.get("order_id")
    with hub.uow_factory() as uow:
        prints = uow.printing.for_order(order_id) if order_id else uow.printing.recent(100)
        return jsonify({"prints": [print_view(p) for p in prints]})


@blueprint.post("/printing/prints/<print_id>/print-again")
@requires(Permission.HARDWARE_MANAGE)  # store IT's button on /admin; till and kitchen staff reprint the order instead
def print_again(print_id: str):
    """Send a print that waits for its printer now (store IT's "Print again"); 409 when it is not waiting."""
    try:
        made = current_hub().bus.handle(PrintHeldAgain(print_id))
    except OrderRefused as refusal:
        raise ApiProblem(409, refusal.code, refusal.message, refusal.field) from None
    return jsonify(print_view(made)), 202


@blueprint.post("/printing/drawer")
@requires(Permission.DRAWER_OPEN)
def open_drawer():
    """Open a cash drawer through its receipt printer; the agent reports `drawer.opened`."""
    body = body_of(DrawerIn)
    job_id = current_hub().bus.handle(OpenDrawer(PrinterRef(body.printer.device_id, body.printer.hardware), body.pin))
    return jsonify({"job_id": job_id}), 202


@blueprint.get("/payment-terminals")
@requires(Permission.HARDWARE_READ)
def list_terminals():
    """Return which terminal serves each kiosk and counter."""
    with current_hub().uow_factory() as uow:
        terminals = uow.payments.terminals()
    return jsonify({"terminals": [{"device_id": pos, "agent_device_id": t.device_id, "hardware": t.hardware}
                                  for pos, t in terminals.items()]})


@blueprint.put("/payment-terminals/<device_id>")
@requires(Permission.HARDWARE_MANAGE)
def put_terminal(device_id: str):
    """Set the terminal (an agent and its hardware name) that serves a kiosk or counter."""
    body = body_of(TerminalAssignment)
    run(AssignTerminal(device_id, TerminalRef(body.agent_device_id, body.hardware)))
    return jsonify({"device_id": device_id, "agent_device_id": body.agent_device_id, "hardware": body.hardware})


@blueprint.put("/cash-drawers/<device_id>")
@requires(Permission.HARDWARE_MANAGE)
def put_cash_drawer(device_id: str):
    """Say which receipt printer opens a till's drawer: `{"printer": {"device_id", "hardware"}, "pin": 2}`."""
    body = body_of(DrawerIn)
    run(SetCashDrawer(device_id, PrinterRef(body.printer.device_id, body.printer.hardware), body.pin))
    return jsonify(_drawer_view(device_id, body.printer.device_id, body.printer.hardware, body.pin))


@blueprint.get("/cash-drawers")
@requires(Permission.HARDWARE_READ)
def list_cash_drawers():
    """Return every till's drawer."""
    with current_hub().uow_factory() as uow:
        drawers = uow.staff.cash_drawers()
    return jsonify({"cash_drawers": [_drawer_view(till, *drawer) for till, drawer in drawers.items()]})


def _drawer_view(till: str, printer: str, hardware: str | None, pin: int) -> dict:
    return {"device_id": till, "printer": {"device_id": printer, "hardware": hardware}, "pin": pin}
