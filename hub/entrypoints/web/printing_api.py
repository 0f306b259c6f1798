"""Printing under /api/v1: routes (which printer prints what), prints, and reprint on demand."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from hub.contracts.printing import DrawerIn, PrintRouteIn, ReprintIn
from hub.domain.errors import OrderRefused
from hub.domain.printing import DOCUMENTS, OpenDrawer, PrinterRef, PrintRequest, PrintRoute, RemovePrintRoute, ReprintOrder, SetPrintRoute
from hub.entrypoints.web.context import current_hub
from hub.entrypoints.web.replies import body_of as _body
from hub.entrypoints.web.replies import error as _error
from hub.domain.access import Permission
from hub.entrypoints.web.access import requires

blueprint = Blueprint("printing_api", __name__, url_prefix="/api/v1")


def route_view(route: PrintRoute) -> dict:
    """Return a route as JSON."""
    def ref(p: PrinterRef | None):
        return {"device_id": p.device_id, "hardware": p.hardware} if p else None

    return {"document": route.document, "station": route.place, "printer": ref(route.printer),
            "backup": ref(route.backup), "language": route.language, "answer_within_s": route.answer_within_s}


def print_view(p: PrintRequest) -> dict:
    """Return a print as JSON."""
    return {"print_id": p.print_id, "document": p.document, "station": p.place, "order_id": p.order_id,
            "state": p.state.value, "on_backup": p.on_backup, "reprint": p.reprint, "printed_by": p.printed_by,
            "error": p.error, "message": p.message, "job_ids": p.job_ids, "created_at": p.created_at.isoformat()}


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
        return _error(404, "not_found", f"document must be one of {', '.join(DOCUMENTS)}", "document")
    body, error = _body(PrintRouteIn)
    if error:
        return error
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
        return _error(404, "not_found", f"no route for {document} at {station}")
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


@blueprint.post("/orders/<order_id>/reprint")
@requires(Permission.TICKET_REPRINT)
def reprint(order_id: str):
    """Print an order's kitchen tickets (or one station's, or its receipt) again, marked REPRINT."""
    body, error = _body(ReprintIn) if request.content_length else (ReprintIn(), None)
    if error:
        return error
    try:
        made = current_hub().bus.handle(ReprintOrder(order_id, body.document, body.station))
    except OrderRefused as refusal:
        status = 404 if refusal.field == "order_id" else 422
        return _error(status, refusal.code, refusal.message, refusal.field)
    return jsonify({"prints": [print_view(p) for p in made]}), 202


@blueprint.post("/printing/drawer")
@requires(Permission.DRAWER_OPEN)
def open_drawer():
    """Open a cash drawer through its receipt printer; the agent reports `drawer.opened`."""
    body, error = _body(DrawerIn)
    if error:
        return error
    job_id = current_hub().bus.handle(OpenDrawer(PrinterRef(body.printer.device_id, body.printer.hardware), body.pin))
    return jsonify({"job_id": job_id}), 202
