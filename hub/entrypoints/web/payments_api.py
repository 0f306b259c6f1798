"""Card payments under /api/v1: pay an order at a till's terminal, look a payment up, refund it."""

from __future__ import annotations

import uuid

from flask import Blueprint, jsonify, request

from hub.contracts.payments import PaymentRequest, RefundRequest, TerminalAssignment
from hub.domain.payments import AssignTerminal, CheckPayment, RefundPayment, RequestPayment, TerminalRef
from hub.entrypoints.web.context import current_hub
from hub.entrypoints.web.replies import body_of as _body
from hub.entrypoints.web.replies import canonical_uuid
from hub.entrypoints.web.replies import order_key as order_key_of
from hub.entrypoints.web.replies import error as _error
from hub.entrypoints.web.replies import run as _handle
from hub.services.staff import RunApproved
from hub.services.payments import payment_summary, payment_view, payments_in_doubt
from hub.domain.access import Permission
from hub.entrypoints.web.access import own_device, requires

blueprint = Blueprint("payments_api", __name__, url_prefix="/api/v1")


@blueprint.app_context_processor
def _payment_checks():
    """Let the admin page list payments still in `checking` (called only by templates that want it)."""

    def payments_checking() -> list[dict]:
        with current_hub().uow_factory() as uow:
            return [payment_view(p) for p in payments_in_doubt(uow)]

    return {"payments_checking": payments_checking}


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
    body, problem = _body(TerminalAssignment)
    if problem:
        return problem
    _, problem = _handle(AssignTerminal(device_id, TerminalRef(body.agent_device_id, body.hardware)))
    if problem:
        return problem
    return jsonify({"device_id": device_id, "agent_device_id": body.agent_device_id, "hardware": body.hardware})


@blueprint.post("/orders/<order_id>/payments")
@requires(Permission.PAYMENT_START)
def post_payment(order_id: str):
    """Start a card payment for an order at the terminal of the given kiosk or counter (202: the customer pays now)."""
    order_key, problem = order_key_of(order_id)
    if problem:
        return problem
    body, problem = _body(PaymentRequest)
    if problem:
        return problem
    if not own_device(body.device_id):
        return _error(403, "forbidden", "device_id: a screen takes card payments only at its own terminal",
                     "device_id")
    payment_id = str(body.payment_id or uuid.uuid4())
    seen = tuple(current_hub().presence.devices())  # an offline terminal agent is refused at once
    payment, problem = _handle(RequestPayment(payment_id, order_key, body.device_id, body.amount, seen))
    if problem:
        return problem
    agent_seen = any(d.device_id == payment.terminal.device_id for d in seen)
    return jsonify({**payment_view(payment), "terminal_seen": agent_seen}), 202


@blueprint.get("/payments/<payment_id>")
@requires(Permission.PAYMENT_READ)
def get_payment(payment_id: str):
    """Return a payment: its state and what the receipt may show about the card."""
    with current_hub().uow_factory() as uow:
        payment = uow.payments.get(payment_id)
    if payment is None:
        return _error(404, "not_found", f"no payment {payment_id}")
    return jsonify(payment_view(payment))


@blueprint.get("/orders/<order_id>/payments")
@requires(Permission.PAYMENT_READ)
def get_order_payments(order_id: str):
    """Return an order's payment state and its card payments."""
    with current_hub().uow_factory() as uow:
        order = uow.orders.get(canonical_uuid(order_id) or order_id)
        if order is None:
            return _error(404, "not_found", f"no order {order_id}")
        summary = payment_summary(uow, order)
        payments = [payment_view(p) for p in uow.payments.for_order(order.order_id)]
    return jsonify({**summary, "card_payments": payments})


@blueprint.post("/payments/<payment_id>/refund")
@requires(Permission.REFUND)
def post_refund(payment_id: str):
    """Give (part of) an approved card payment back to the card, with a manager's approval (202)."""
    raw = request.get_json(silent=True) if request.data else {}
    if not isinstance(raw, dict):
        return _error(400, "invalid_json", "the request body must be a JSON object (Content-Type: application/json)")
    approval = raw.pop("approval", None)  # the staff gate's field; the rest is the payment contract's
    body, problem = _body(RefundRequest, raw)
    if problem:
        return problem
    payment, problem = _handle(RunApproved(approval if isinstance(approval, str) else None, "refund",
                                           RefundPayment(payment_id, body.amount), payment_id))
    if problem:
        return problem
    return jsonify(payment_view(payment)), 202


@blueprint.post("/payments/<payment_id>/check")
@requires(Permission.PAYMENT_CHECK)
def post_check(payment_id: str):
    """Ask the terminal again about a payment whose result is unknown (202)."""
    payment, problem = _handle(CheckPayment(payment_id))
    if problem:
        return problem
    return jsonify(payment_view(payment)), 202
