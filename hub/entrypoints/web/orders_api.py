"""Orders under /api/v1: take one, read and find them, the kitchen's queue, and remote orders waiting for a cashier."""

from __future__ import annotations

from datetime import date, datetime, timezone

from flask import Blueprint, jsonify, request

from hub.adapters.read_models.orders import order_view
from hub.contracts.bounds import sane_moment
from hub.contracts.orders import OrderSubmit
from hub.domain.access import Permission
from hub.domain.errors import OrderConflict, OrderRefused
from hub.domain.frontdesk_settings import FrontdeskSettings
from hub.domain.numbering import business_day
from hub.domain.order_holds import CancelHeldOrder, ConfirmOrder, OrderQuery, RejectOrder
from hub.entrypoints.intake import to_command
from hub.entrypoints.web.access import bearer_token, requires
from hub.entrypoints.web.context import current_hub
from hub.entrypoints.web.replies import ApiProblem, body_of, json_object, order_key, run
from hub.services.order_holds import incoming_orders
from hub.services.payments import payment_summary

blueprint = Blueprint("orders", __name__, url_prefix="/api/v1")


@blueprint.post("/orders")
@requires(Permission.ORDER_SUBMIT)
def submit_order():
    """Take an order over HTTP: the same body as an `order.submit` envelope's data."""
    submit = body_of(OrderSubmit)
    try:
        result = current_hub().bus.handle(to_command(submit, source="http", staff_token=bearer_token()))
    except OrderConflict as refusal:
        raise ApiProblem(409, refusal.code, refusal.message, refusal.field) from None
    except OrderRefused as refusal:  # 403 approval_required, 401 not_signed_in (staff), else 422
        raise ApiProblem.of(refusal) from None
    return jsonify(order_view(result.order)), 201 if result.created else 200


@blueprint.get("/orders/<order_id>")
@requires(Permission.ORDER_READ)
def get_order(order_id: str):
    """Return an order with its status and tickets."""
    order_id = order_key(order_id)
    with current_hub().uow_factory() as uow:
        order = uow.orders.get(order_id)
        payment = payment_summary(uow, order) if order is not None else None
    if order is None:
        raise ApiProblem(404, "not_found", f"no order {order_id}")
    return jsonify({**order_view(order), "payment": payment})


@blueprint.get("/orders")
@requires(Permission.ORDER_SEARCH)
def search_orders():
    """Find orders by number, customer name, phone or loyalty id (`q`), on a business day (`day`), newest first."""
    hub = current_hub()
    text = request.args.get("q", "").strip()
    day = request.args.get("day", "" if text else "today").strip()
    try:
        limit = int(request.args.get("limit", "50"))
    except ValueError:
        limit = 0
    if not 1 <= limit <= 200:
        raise ApiProblem(422, "invalid_payload", "limit must be a whole number from 1 to 200", "limit")
    if day == "today":
        day = business_day(_now(hub), hub.settings.zone, hub.settings.day_starts_at_hour).isoformat()
    elif day:
        try:
            day = date.fromisoformat(day).isoformat()
        except ValueError:
            raise ApiProblem(422, "invalid_payload", f"day must be today or a date like 2026-11-22, got {day!r}",
                             "day") from None
    with hub.uow_factory() as uow:
        orders = uow.orders.search(OrderQuery.parse(text) if text else None, day or None, limit)
        found = [{**order_view(order), "payment": payment_summary(uow, order)} for order in orders]
    return jsonify({"orders": found})


@blueprint.get("/queue")
@requires(Permission.QUEUE_READ)
def get_queue():
    """Return open orders in the order the kitchen should finish them."""
    with current_hub().uow_factory() as uow:
        orders = uow.orders.open_orders()
    return jsonify({"orders": [order_view(order) for order in orders]})


@blueprint.post("/orders/<order_id>/cancel")
@requires(Permission.ORDER_CANCEL_UNPAID)
def cancel_held_order(order_id: str):
    """Cancel an order that still waits (nothing paid): `{"reason"}`."""
    return _held_action(order_id, lambda order_id, body: CancelHeldOrder(order_id, body.get("reason"), body.get("by") or "staff"))


@blueprint.post("/orders/<order_id>/confirm")
@requires(Permission.ORDER_CONFIRM)
def confirm_order(order_id: str):
    """Accept a remote order that waits for a cashier: `{"ready_at": iso} or {"minutes": n}`."""
    def command(order_id: str, body: dict) -> ConfirmOrder:
        ready_at, minutes = body.get("ready_at"), body.get("minutes")
        if ready_at is not None:
            try:
                ready_at = sane_moment(datetime.fromisoformat(str(ready_at).replace("Z", "+00:00")))
            except ValueError:
                raise ApiProblem(422, "invalid_quote", f"ready_at must be a time like 2026-11-22T18:30:00Z, "
                                 f"got {ready_at!r}", "ready_at") from None
        if minutes is not None and (not isinstance(minutes, int) or isinstance(minutes, bool)):
            raise ApiProblem(422, "invalid_quote", f"minutes must be a whole number, got {minutes!r}", "minutes")
        return ConfirmOrder(order_id, ready_at, minutes)

    return _held_action(order_id, command)


@blueprint.post("/orders/<order_id>/reject")
@requires(Permission.ORDER_CONFIRM)
def reject_order(order_id: str):
    """Turn down a remote order that waits for a cashier: `{"reason"}` (required; the sender is told)."""
    return _held_action(order_id, lambda order_id, body: RejectOrder(order_id, body.get("reason")))


@blueprint.get("/incoming")
@requires(Permission.ORDER_CONFIRM)
def incoming():
    """Return remote orders waiting for a cashier, oldest first, each with a quote from the kitchen's load."""
    hub = current_hub()
    with hub.uow_factory() as uow:
        orders = incoming_orders(uow, _now(hub), hub.frontdesk or FrontdeskSettings())
    return jsonify({"orders": orders})


def _held_action(order_id: str, build):
    order_id = order_key(order_id)
    body = json_object()
    hub = current_hub()
    order = run(build(order_id, body))
    with hub.uow_factory() as uow:
        order = uow.orders.get(order.order_id)
        return jsonify({**order_view(order), "payment": payment_summary(uow, order)})


def _now(hub) -> datetime:
    return hub.bus._dependencies.get("clock", lambda: datetime.now(timezone.utc))()
