"""Card payments as the web API shows them (never a card number: the masked one at most)."""

from __future__ import annotations

from typing import Any

from hub.domain.moments import iso_time
from hub.domain.payments import Payment


def payment_view(payment: Payment) -> dict[str, Any]:
    """Return a payment as the API shows it."""
    return {"payment_id": payment.payment_id, "order_id": payment.order_id, "state": payment.state.value,
            "amount": payment.amount, "currency": payment.currency, "refunded_amount": payment.refunded_amount,
            "device_id": payment.pos_device_id,
            "terminal": {"device_id": payment.terminal.device_id, "hardware": payment.terminal.hardware},
            "masked_pan": payment.masked_pan, "brand": payment.brand, "auth_code": payment.auth_code,
            "receipt_no": payment.receipt_no, "trace_no": payment.trace_no, "terminal_id": payment.terminal_id,
            "card_token": payment.card_token, "error": payment.error, "message": payment.message,
            "checks": payment.checks, "next_check_at": iso_time(payment.next_check_at),
            "created_at": iso_time(payment.created_at), "updated_at": iso_time(payment.updated_at)}
