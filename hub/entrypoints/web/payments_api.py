"""Money for an order under /api/v1: card payments at a till's terminal, tenders, refunds, gift cards."""

from __future__ import annotations

import uuid

from flask import Blueprint, jsonify, request

from hub.adapters.read_models.payments import payment_view
from hub.contracts.payments import PaymentRequest, RefundRequest
from hub.contracts.pricing import GiftCardIn, RefundIn, TenderIn
from hub.domain.access import Permission, Role
from hub.domain.payments import CheckPayment, RefundPayment, RequestPayment
from hub.domain.staff import RunApproved
from hub.domain.tenders import AddTender, IssueGiftCard, RefundOrder
from hub.domain.till import TakeTender
from hub.entrypoints.web.access import acting_staff, current_identity, own_device, requires
from hub.entrypoints.web.context import current_hub
from hub.entrypoints.web.replies import ApiProblem, body_of, canonical_uuid, json_object, order_key, run
from hub.services.payments import payment_summary, payments_in_doubt

blueprint = Blueprint("payments", __name__, url_prefix="/api/v1")


@blueprint.app_context_processor
def _payment_checks():
    """Let the admin page list payments still in `checking` (called only by templates that want it)."""

    def payments_checking() -> list[dict]:
        with current_hub().uow_factory() as uow:
            return [payment_view(p) for p in payments_in_doubt(uow)]

    return {"payments_checking": payments_checking}


@blueprint.post("/orders/<order_id>/payments")
@requires(Permission.PAYMENT_START)
def post_payment(order_id: str):
    """Start a card payment for an order at the terminal of the given kiosk or counter (202: the customer pays now)."""
    key = order_key(order_id)
    body = body_of(PaymentRequest)
    if not own_device(body.device_id):
        raise ApiProblem(403, "forbidden", "device_id: a screen takes card payments only at its own terminal",
                     "device_id")
    payment_id = str(body.payment_id or uuid.uuid4())
    seen = tuple(current_hub().presence.devices())  # an offline terminal agent is refused at once
    payment = run(RequestPayment(payment_id, key, body.device_id, body.amount, seen))
    agent_seen = any(d.device_id == payment.terminal.device_id for d in seen)
    return jsonify({**payment_view(payment), "terminal_seen": agent_seen}), 202


@blueprint.get("/payments/<payment_id>")
@requires(Permission.PAYMENT_READ)
def get_payment(payment_id: str):
    """Return a payment: its state and what the receipt may show about the card."""
    with current_hub().uow_factory() as uow:
        payment = uow.payments.get(payment_id)
    if payment is None:
        raise ApiProblem(404, "not_found", f"no payment {payment_id}")
    return jsonify(payment_view(payment))


@blueprint.get("/orders/<order_id>/payments")
@requires(Permission.PAYMENT_READ)
def get_order_payments(order_id: str):
    """Return an order's payment state and its card payments."""
    with current_hub().uow_factory() as uow:
        order = uow.orders.get(canonical_uuid(order_id) or order_id)
        if order is None:
            raise ApiProblem(404, "not_found", f"no order {order_id}")
        summary = payment_summary(uow, order)
        payments = [payment_view(p) for p in uow.payments.for_order(order.order_id)]
    return jsonify({**summary, "card_payments": payments})


@blueprint.post("/payments/<payment_id>/refund")
@requires(Permission.REFUND)
def refund_card_payment(payment_id: str):
    """Give (part of) an approved card payment back to the card, with a manager's approval (202)."""
    raw = json_object() if request.data else {}
    approval = raw.pop("approval", None)  # the staff gate's field; the rest is the payment contract's
    body = body_of(RefundRequest, raw)
    payment = run(RunApproved(approval if isinstance(approval, str) else None, "refund",
                              RefundPayment(payment_id, body.amount), payment_id))
    return jsonify(payment_view(payment)), 202


@blueprint.post("/payments/<payment_id>/check")
@requires(Permission.PAYMENT_CHECK)
def post_check(payment_id: str):
    """Ask the terminal again about a payment whose result is unknown (202)."""
    payment = run(CheckPayment(payment_id))
    return jsonify(payment_view(payment)), 202


@blueprint.post("/orders/<order_id>/tenders")
@requires(Permission.TENDER_ADD)
def post_tender(order_id: str):
    """Pay part or all of an order; cash over what is due gives change, and opens the till's drawer (`device_id`)."""
    body = body_of(TenderIn)
    tender = AddTender(str(uuid.uuid4()), order_id, body.kind, body.amount, body.code,
                                member_proof=body.member_proof, staff=acting_staff(), approval=body.approval)
    taken = run(TakeTender(tender, body.device_id))
    result = taken.result
    return jsonify({"tender": _tender_view(result.tender), "change": result.change, "due": result.due,
                    "drawer": taken.drawer, "drawer_job_id": taken.drawer_job_id,
                    "drawer_message": taken.drawer_message}), 201


@blueprint.get("/orders/<order_id>/tenders")
@requires(Permission.PAYMENT_READ)
def get_tenders(order_id: str):
    """Return an order's tenders and what is still due."""
    with current_hub().uow_factory() as uow:
        order = uow.orders.get(order_id)
        if order is None:
            raise ApiProblem(404, "not_found", f"no order {order_id}")
        tenders = uow.commerce.tenders(order_id)
        refunded = uow.commerce.refunded_lines(order_id)
    due = order.total.amount - sum(t.amount - t.refunded for t in tenders)
    return jsonify({"tenders": [_tender_view(t) for t in tenders], "total": order.total.amount, "due": due,
                    # units refunded so far per priced line: a till offers only the rest
                    "refunded_lines": [{"index": index, "qty": qty} for index, qty in sorted(refunded.items()) if qty]})


def _tender_view(tender) -> dict:
    return {"tender_id": tender.tender_id, "kind": tender.kind, "amount": tender.amount, "currency": tender.currency,
            "refunded": tender.refunded,
            # a gift card tender keeps "last4/hash": show only the last 4
            "reference": tender.reference.split("/")[0] if tender.reference and tender.kind == "gift_card" else tender.reference}


@blueprint.post("/orders/<order_id>/refunds")
@requires(Permission.REFUND)
def refund_order(order_id: str):
    """Refund units of a completed order to its original tenders, with a manager's approval; stock and points go back."""
    body = body_of(RefundIn)
    lines = tuple((line.index, line.qty) for line in body.lines)
    refund = RefundOrder(str(uuid.uuid4()), order_id, lines)
    result = run(RunApproved(body.approval, "refund", refund, order_id))
    return jsonify({"refund_id": result.refund_id, "amount": {"amount": result.amount, "currency": result.currency},
                    "to_tenders": [{"tender_id": t, "kind": k, "amount": a, "pending": k == "card"}
                                   for t, k, a in result.to_tenders],
                    # Card parts go back at the card's terminal once the customer presents it; follow these payments.
                    "card_refunds": list(result.card_refunds)}), 201


@blueprint.post("/gift-cards")
@requires(Permission.GIFT_CARD_ISSUE)
def post_gift_card():
    """Load a gift card; the code is kept only as a hash."""
    body = body_of(GiftCardIn)
    issue = IssueGiftCard(body.code, body.amount, body.currency)
    if current_identity().role is not Role.OWNER:  # staff load a card with a manager's one-use approval
        issue = RunApproved(body.approval, "gift_card", issue, f"gift card {body.code[-4:]}")
    balance = run(issue)
    return jsonify({"last4": body.code[-4:], "balance": balance, "currency": body.currency}), 201
