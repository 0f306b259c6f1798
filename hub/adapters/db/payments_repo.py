"""Card payments in SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update

from hub.adapters.db.payments_tables import payment_jobs, payment_terminals, payments
from hub.domain.payments import Payment, PaymentState, TerminalRef
from hub.services.ports import PaymentRepository

_FIELDS = ("order_id", "amount", "currency", "pos_device_id", "job_id", "masked_pan", "brand", "auth_code",
           "receipt_no", "trace_no", "terminal_id", "card_token", "refunded_amount", "error", "message",
           "created_at", "updated_at", "checks", "next_check_at")


def _row(payment: Payment) -> dict:
    row = {name: getattr(payment, name) for name in _FIELDS}
    row.update(state=payment.state.value, terminal_device_id=payment.terminal.device_id,
               terminal_hardware=payment.terminal.hardware)
    return row


def _payment(row) -> Payment:
    values = {name: row[name] for name in _FIELDS}
    return Payment(payment_id=row["payment_id"], state=PaymentState(row["state"]),
                   terminal=TerminalRef(row["terminal_device_id"], row["terminal_hardware"]), **values)


class SqlPaymentRepository(PaymentRepository):
    """Read and write payments on the unit of work's connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, payment: Payment) -> None:
        self._c.execute(insert(payments).values(payment_id=payment.payment_id, **_row(payment)))

    def get(self, payment_id: str) -> Payment | None:
        row = self._c.execute(select(payments).where(payments.c.payment_id == payment_id)).first()
        return _payment(row._mapping) if row else None

    def save(self, payment: Payment) -> None:
        self._c.execute(update(payments).where(payments.c.payment_id == payment.payment_id).values(**_row(payment)))

    def for_order(self, order_id: str) -> list[Payment]:
        rows = self._c.execute(select(payments).where(payments.c.order_id == order_id).order_by(payments.c.created_at))
        return [_payment(row._mapping) for row in rows]

    def checking(self, limit: int) -> list[Payment]:
        rows = self._c.execute(select(payments).where(payments.c.state == PaymentState.CHECKING.value)
                               .order_by(payments.c.created_at).limit(limit))
        return [_payment(row._mapping) for row in rows]

    def add_job(self, job_id: str, payment_id: str, operation: str, amount: int | None = None) -> None:
        self._c.execute(insert(payment_jobs).values(job_id=job_id, payment_id=payment_id, operation=operation, amount=amount))

    def job(self, job_id: str) -> tuple[str, str, int | None] | None:
        row = self._c.execute(select(payment_jobs).where(payment_jobs.c.job_id == job_id)).first()
        return (row.payment_id, row.operation, row.amount) if row else None

    def receipt_taken(self, terminal_id: str | None, receipt_no: str, payment_id: str, *,
                      trace_no: str | None = None, since: datetime | None = None) -> bool:
        # A ZVT receipt number (BMP 87) has 4 digits: the terminal starts it at 0001 again after
        # every end-of-day and wraps it after 9999, so "receipt 0001 of terminal 52500001" names
        # a new charge every day. The trace number (BMP 0B, 6 digits) is the terminal's running
        # count of transactions and goes on across end-of-day; the agent already knows a
        # transaction by it. So a terminal's transaction is its terminal id + trace number (+ the
        # receipt number, which costs nothing and keeps a trace number that wrapped after 999999
        # transactions from matching). Without a trace number only today's receipts can compare.
        query = select(payments.c.payment_id).where(payments.c.receipt_no == receipt_no, payments.c.payment_id != payment_id)
        if terminal_id:
            query = query.where(payments.c.terminal_id == terminal_id)
        if trace_no:
            query = query.where(payments.c.trace_no == trace_no)
        elif since is not None:
            query = query.where(payments.c.created_at >= since)
        return self._c.execute(query.limit(1)).first() is not None

    def terminal_for(self, pos_device_id: str) -> TerminalRef | None:
        row = self._c.execute(select(payment_terminals).where(payment_terminals.c.pos_device_id == pos_device_id)).first()
        return TerminalRef(row.agent_device_id, row.hardware) if row else None

    def assign_terminal(self, pos_device_id: str, terminal: TerminalRef) -> None:
        self._c.execute(delete(payment_terminals).where(payment_terminals.c.pos_device_id == pos_device_id))
        self._c.execute(insert(payment_terminals).values(pos_device_id=pos_device_id, agent_device_id=terminal.device_id,
                                                         hardware=terminal.hardware))

    def terminals(self) -> dict[str, TerminalRef]:
        rows = self._c.execute(select(payment_terminals).order_by(payment_terminals.c.pos_device_id))
        return {row.pos_device_id: TerminalRef(row.agent_device_id, row.hardware) for row in rows}
