"""Card payments: a request becomes a `pay` job for the till's terminal; its result settles the payment.

An order is paid only by an approved result. A result lost on the way (no answer in
time, the connection dropped) puts the payment in `checking` and asks the terminal with
a `status` job; a charge the terminal reports is kept when the order still needs it and
reversed when it does not, so a card is never charged twice nor without an order. A check
the terminal does not answer is asked again on a backoff (CHECK_BACKOFF_S) until it does,
driven by the device relay's sweep (RetryPaymentChecks). A request for a till whose
terminal agent is known to be offline is refused at once.
"""

from __future__ import annotations

import logging
from datetime import datetime, time
from typing import Any

from hub.domain.device_jobs import DeviceJobFinished
from hub.domain.orders import Order, OrderStatus
from hub.domain.payment_events import CardPaymentApproved, CardPaymentRefunded, PaymentChanged
from hub.domain.payments import (
    AssignTerminal,
    RetryPaymentChecks,
    CheckPayment,
    Payment,
    PaymentRefused,
    PaymentState,
    RefundPayment,
    RequestPayment,
    TerminalRef,
)
from hub.domain.numbering import StoreDay, business_day
from hub.domain.presence import DeviceState
from hub.services.device_jobs import queue_job
from hub.services.ports import Clock, Notify, UnitOfWork

logger = logging.getLogger(__name__)

PAY = "pay"
# A customer at the PIN pad, a slow bank and the agent's own recovery window all fit in
# this; a pay job still unanswered then is settled by asking the terminal instead.
PAY_ANSWER_WITHIN_S = 300.0
# A terminal that is up answers a status enquiry within seconds; an agent busy with another
# customer's payment on the same terminal may take longer. A check unanswered by then counts
# as missed and the next one follows on the backoff (the agent never starts an expired job).
CHECK_ANSWER_WITHIN_S = 30.0
# Reversal failures worth retrying by themselves: the terminal was unreachable. A terminal
# that refuses a reversal (batch closed, already reversed) needs a person, not a loop.
RETRY_REVERSAL_ON = frozenset({"offline", "no_answer", "connection_lost"})
# Why a check failed, in words for the cashier; the agent's own text speaks of a new payment.
CHECK_MISSED = {
    "no_answer": "no answer from the terminal or its agent (offline, or busy with another payment)",
    "offline": "the agent cannot reach the terminal (power, cable or network)",
    "busy": "the terminal is busy",
}
LOST = frozenset({"no_answer", "connection_lost"})  # the terminal may or may not have charged
ENDED = {"declined": PaymentState.DECLINED, "cancelled": PaymentState.CANCELLED}


def assign_terminal(command: AssignTerminal, uow: UnitOfWork) -> None:
    """Set which terminal serves a kiosk or counter."""
    uow.payments.assign_terminal(command.pos_device_id, command.terminal)


def request_payment(command: RequestPayment, uow: UnitOfWork, clock: Clock) -> Payment:
    """Send a card payment for an order to the terminal of the kiosk or counter; the same id twice is one payment."""
    existing = uow.payments.get(command.payment_id)
    if existing is not None:
        if existing.order_id != command.order_id:
            raise PaymentRefused("conflict", f"payment {command.payment_id} belongs to another order", 409)
        return existing
    order = uow.orders.get(command.order_id)
    if order is None:
        raise PaymentRefused("not_found", f"no order {command.order_id}", 404)
    if order.status is OrderStatus.CANCELLED:
        raise PaymentRefused("order_cancelled", f"order {order.number} is cancelled and cannot be paid", 409)
    terminal = uow.payments.terminal_for(command.pos_device_id)
    if terminal is None:
        raise PaymentRefused("no_terminal", f"no payment terminal is assigned to device {command.pos_device_id!r} "
                             f"(PUT /api/v1/payment-terminals/{command.pos_device_id})")
    if any(p.open for p in uow.payments.for_order(order.order_id)):
        raise PaymentRefused("payment_in_progress", f"a card payment for order {order.number} is already running", 409)
    seen = _agent(command.devices_seen, terminal)
    if seen is not None and not seen.online:
        raise PaymentRefused("terminal_offline", _offline_words(command.pos_device_id, terminal, seen), 503)
    due = amount_due(uow, order)
    if due <= 0:
        raise PaymentRefused("already_paid", f"order {order.number} is already paid", 409)
    amount = command.amount if command.amount is not None else due
    if amount > due:
        raise PaymentRefused("overpaid", f"amount {amount} is more than the {due} still due on order {order.number}")
    message = "waiting for the customer at the terminal"
    if command.devices_seen is not None and seen is None:
        message += (f"; note: the hub has not seen terminal agent {terminal.device_id!r} yet; if the terminal shows "
                    "nothing, check that the agent runs and reaches the broker")
    payment = Payment(command.payment_id, order.order_id, amount, order.total.currency, command.pos_device_id,
                      terminal, clock(), message=message)
    uow.payments.add(payment)
    _queue(uow, clock, payment, "authorise", amount=amount, answer_within_s=PAY_ANSWER_WITHIN_S)
    _changed(uow, payment)
    return payment


def refund_payment(command: RefundPayment, uow: UnitOfWork, clock: Clock) -> Payment:
    """Send a refund of (part of) an approved card payment to its terminal."""
    payment = _payment(uow, command.payment_id)
    if payment.state is not PaymentState.APPROVED:
        raise PaymentRefused("not_refundable", f"payment {payment.payment_id} is {payment.state.value}, not approved", 409)
    open_refunds = [
        job for job in uow.device_jobs.for_order(payment.order_id)
        if job.kind == PAY and not job.finished and job.payload.get("payment_id") == payment.payment_id
        and job.payload.get("operation") == "refund"
    ]
    if open_refunds:
        # A refund counts only once its result is back: a second one now (a double click, a retried
        # request) could give the card back more than it paid.
        on_its_way = sum(int(job.payload.get("amount", 0)) for job in open_refunds)
        raise PaymentRefused(
            "refund_in_progress",
            f"a refund of {on_its_way} for payment {payment.payment_id} is still on its way to the terminal; "
            "wait for its result before refunding again",
            409,
        )
    left = payment.amount - payment.refunded_amount
    amount = command.amount if command.amount is not None else left
    if amount > left:
        raise PaymentRefused("refund_too_large", f"only {left} of payment {payment.payment_id} can be refunded")
    _queue(uow, clock, payment, "refund", amount=amount)
    return payment


def check_payment(command: CheckPayment, uow: UnitOfWork, clock: Clock) -> Payment:
    """Ask the terminal again about a payment whose result is still unknown (or whose reversal failed)."""
    payment = _payment(uow, command.payment_id)
    if payment.state is not PaymentState.CHECKING:
        raise PaymentRefused("not_checking", f"payment {payment.payment_id} is {payment.state.value}; nothing to check", 409)
    logger.info("payment %s (order %s): asked by hand to check again", payment.payment_id, payment.order_id)
    _ask(uow, clock, payment)
    return payment


def retry_payment_checks(command: RetryPaymentChecks, uow: UnitOfWork, clock: Clock) -> int:
    """Ask the terminal again about every payment in `checking` whose next check is due; return how many."""
    now = clock()
    due = [p for p in uow.payments.checking(command.limit) if p.check_due(now)]
    for payment in due:
        _ask(uow, clock, payment)
    return len(due)


def _ask(uow: UnitOfWork, clock: Clock, payment: Payment) -> None:
    """Send the next check: retry a failed reversal, else a status enquiry that must be answered in time."""
    payment.asking()
    reverse = payment.error == "reversal_failed" and payment.receipt_no is not None
    logger.info("payment %s (order %s, amount %d): asking terminal %s%s to %s, attempt %d", payment.payment_id,
                payment.order_id, payment.amount, payment.terminal.device_id,
                f"/{payment.terminal.hardware}" if payment.terminal.hardware else "",
                "reverse the charge" if reverse else "tell what became of the payment", payment.checks)
    if reverse:
        _queue(uow, clock, payment, "reverse", receipt_no=payment.receipt_no)
    else:
        _queue(uow, clock, payment, "status", amount=payment.amount, answer_within_s=CHECK_ANSWER_WITHIN_S)


def _missed(payment: Payment, event: DeviceJobFinished, clock: Clock) -> None:
    """Schedule the next check after the current one failed; a failure of an older check changes nothing."""
    if event.job_id != payment.job_id:
        return
    why = CHECK_MISSED.get(event.error or "", event.message or str(event.error))
    at = payment.check_missed(why, clock())
    logger.warning("payment %s (order %s): terminal %s did not answer attempt %d (%s); trying again at %s UTC",
                   payment.payment_id, payment.order_id, payment.terminal.device_id, payment.checks, why,
                   at.strftime("%H:%M:%S"))


def record_pay_result(event: DeviceJobFinished, uow: UnitOfWork, clock: Clock, store_day: StoreDay) -> None:
    """Settle a payment from the result of one of its terminal jobs (in the job's transaction)."""
    if event.kind != PAY:
        return
    link = uow.payments.job(event.job_id)
    if link is None:
        return
    payment_id, operation, amount = link
    payment = uow.payments.get(payment_id)
    if payment is None:
        return
    detail = dict(event.detail or {})
    before = payment.state
    if operation == "authorise":
        _authorised(payment, event, detail, uow, clock, store_day)
    elif operation == "status":
        _checked(payment, event, detail, uow, clock, store_day)
    elif operation == "reverse":
        _reversed(payment, event, uow, clock)
    elif operation == "refund":
        _refunded(payment, event, amount or 0, uow, clock)
    uow.payments.save(payment)
    if payment.state is not before:
        _changed(uow, payment)
    logger.info("payment %s: %s job %s -> %s (%s)", payment.payment_id, operation,
                "ok" if event.ok else event.error, payment.state.value, payment.message)


def _held_elsewhere(uow: UnitOfWork, facts: dict, payment: Payment, now: datetime, store_day: StoreDay) -> bool:
    """Say whether a transaction the terminal reads back is one the hub already holds for another payment.

    A result that reaches the hub twice (a replayed job result, a read-back of the last
    transaction after the first answer got through) must not pay a second order."""
    day = business_day(now, store_day.tz, store_day.starts_at_hour)
    day_began = datetime.combine(day, time(store_day.starts_at_hour), tzinfo=store_day.tz)
    return uow.payments.receipt_taken(facts.get("terminal_id"), str(facts.get("receipt_no")), payment.payment_id,
                                      trace_no=facts.get("trace_no"), since=day_began)


def _authorised(payment: Payment, event: DeviceJobFinished, detail: dict, uow: UnitOfWork, clock: Clock,
                store_day: StoreDay) -> None:
    now = clock()
    receipt = detail.get("receipt_no")
    if event.ok and detail.get("recovered") and receipt and _held_elsewhere(uow, detail, payment, now, store_day):
        # the agent read back a transaction the hub already holds for another payment: not this one's
        payment.end(PaymentState.FAILED, "not_charged", "the terminal has no charge for this payment; nothing was charged", now)
    elif event.ok and detail.get("result") == "approved":
        _charged(payment, detail, uow, clock)
    elif event.error in LOST or detail.get("result") == "unknown":
        payment.check(f"the result was lost ({event.error}); asking the terminal", now)
        _ask(uow, clock, payment)
    elif event.error == "expired" and detail.get("result") == "reversed":
        payment.end(PaymentState.REVERSED, "expired", "the terminal charged after the hub gave up; the charge was reversed", now)
    else:
        state = ENDED.get(event.error or "", PaymentState.FAILED)
        payment.end(state, event.error, event.message or "nothing was charged", now)


def _checked(payment: Payment, event: DeviceJobFinished, detail: dict, uow: UnitOfWork, clock: Clock,
             store_day: StoreDay) -> None:
    now = clock()
    if payment.state is not PaymentState.CHECKING or payment.receipt_no is not None:
        return  # settled by an earlier answer (two checks were sent); this one must not settle it again
    if not event.ok:
        _missed(payment, event, clock)
        return
    last = detail.get("last") or {}
    receipt = last.get("receipt_no")
    ours = (last.get("result") == "approved" and last.get("amount") == payment.amount and receipt
            and last.get("unreported", True)
            and not _held_elsewhere(uow, last, payment, now, store_day))
    if ours:
        _charged(payment, last, uow, clock)
    else:
        payment.end(PaymentState.FAILED, "not_charged", "the terminal has no charge for this payment; nothing was charged", now)


def _charged(payment: Payment, facts: dict, uow: UnitOfWork, clock: Clock) -> None:
    """Keep a charge the order still needs; reverse one it does not."""
    order = uow.orders.get(payment.order_id)
    wanted = (order is not None and order.status is not OrderStatus.CANCELLED
              and amount_due(uow, order) >= payment.amount and payment.state in (PaymentState.REQUESTED, PaymentState.CHECKING))
    payment.approve(facts, clock())
    if wanted:
        uow.raise_event(CardPaymentApproved(payment.order_id, payment.payment_id, payment.amount, payment.currency,
                                            payment.brand, payment.masked_pan, payment.terminal_id))
        return
    payment.check("the card was charged but the order no longer needs it; reversing", clock())
    if payment.receipt_no:
        payment.next_check_at = None
        _queue(uow, clock, payment, "reverse", receipt_no=payment.receipt_no)


def _reversed(payment: Payment, event: DeviceJobFinished, uow: UnitOfWork, clock: Clock) -> None:
    if not event.ok:
        payment.error, payment.message = "reversal_failed", (
            f"reversing the charge failed ({event.message}); reverse receipt {payment.receipt_no} on the terminal "
            f"or retry with POST /api/v1/payments/{payment.payment_id}/check")
        if event.error in RETRY_REVERSAL_ON and payment.state is PaymentState.CHECKING:
            _missed(payment, event, clock)
        return
    was_for_order = payment.state is PaymentState.APPROVED
    back = payment.reversed(clock())
    if was_for_order and back:
        uow.raise_event(CardPaymentRefunded(payment.order_id, payment.payment_id, back, payment.currency))


def _refunded(payment: Payment, event: DeviceJobFinished, amount: int, uow: UnitOfWork, clock: Clock) -> None:
    if not event.ok:
        payment.message = f"refund of {amount} failed: {event.message}"
        return
    payment.refunded(amount, clock())
    uow.raise_event(CardPaymentRefunded(payment.order_id, payment.payment_id, amount, payment.currency))


def _queue(uow: UnitOfWork, clock: Clock, payment: Payment, operation: str, *, amount: int | None = None,
           receipt_no: str | None = None, answer_within_s: float | None = None) -> None:
    payload: dict[str, Any] = {"operation": operation, "payment_id": payment.payment_id, "order_id": payment.order_id,
                               "currency": payment.currency}
    if amount is not None:
        payload["amount"] = amount
    if receipt_no is not None:
        payload["receipt_no"] = receipt_no
    job = queue_job(uow, clock, device_id=payment.terminal.device_id, kind=PAY, payload=payload,
                    hardware=payment.terminal.hardware, order_id=payment.order_id, answer_within_s=answer_within_s)
    uow.payments.add_job(job.job_id, payment.payment_id, operation, amount)
    payment.job_id = job.job_id
    uow.payments.save(payment)


def _agent(devices_seen: tuple[DeviceState, ...] | None, terminal: TerminalRef) -> DeviceState | None:
    return next((d for d in devices_seen or () if d.device_id == terminal.device_id), None)


def _offline_words(pos_device_id: str, terminal: TerminalRef, seen: DeviceState) -> str:
    name = (f"terminal {terminal.hardware!r} of agent {terminal.device_id!r}" if terminal.hardware
            else f"the terminal of agent {terminal.device_id!r}")
    why = f" ({seen.error})" if seen.error else ""
    return (f"the payment terminal of {pos_device_id} is offline: {name} has been offline since "
            f"{seen.since.strftime('%H:%M:%S')} UTC{why}. Nothing was sent and nothing was charged. Check that the "
            "agent's computer is on and connected (passline agent running, network to the hub), then try again; "
            "meanwhile take another means of payment")


def payments_in_doubt(uow: UnitOfWork, limit: int = 20) -> list[Payment]:
    """Return payments whose result the hub is still asking a terminal about (for the admin page)."""
    return uow.payments.checking(limit)


def _payment(uow: UnitOfWork, payment_id: str) -> Payment:
    payment = uow.payments.get(payment_id)
    if payment is None:
        raise PaymentRefused("not_found", f"no payment {payment_id}", 404)
    return payment


def _changed(uow: UnitOfWork, payment: Payment) -> None:
    uow.raise_event(PaymentChanged(payment.payment_id, payment.order_id, payment.state.value))


def amount_due(uow: UnitOfWork, order: Order) -> int:
    """Return what is still to pay: the total less other tenders and approved card payments."""
    other = sum(t.amount - t.refunded for t in uow.commerce.tenders(order.order_id) if t.kind != "card")
    card = sum(p.net_charged for p in uow.payments.for_order(order.order_id))
    return order.total.amount - other - card


def payment_summary(uow: UnitOfWork, order: Order) -> dict[str, Any]:
    """Return an order's payment state for its view: unpaid, pending, part_paid or paid."""
    payments = uow.payments.for_order(order.order_id)
    due = amount_due(uow, order)
    paid = order.total.amount - due
    if due <= 0:
        state = "paid"
    elif any(p.open for p in payments):
        state = "pending"
    else:
        state = "part_paid" if paid > 0 else "unpaid"
    return {"state": state, "paid": paid, "due": max(due, 0), "currency": order.total.currency,
            "card_payments": [{"payment_id": p.payment_id, "state": p.state.value, "amount": p.amount} for p in payments]}


def notify_payment(event: PaymentChanged, notify: Notify) -> None:
    """Tell live screens (the kiosk waiting for the customer) that a payment changed."""
    notify("payment.changed", {"payment_id": event.payment_id, "order_id": event.order_id, "state": event.state})
