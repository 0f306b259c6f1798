"""Orders in SQL: the domain's Order written and read with SQLAlchemy Core."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from hub.adapters.db import order_tables
from hub.domain.money import Money
from hub.adapters.db.order_queries import OrderQueries
from hub.domain.order_holds import phone_digits
from hub.domain.orders import Order, OrderLine, OrderStatus, Ticket, TicketStatus
from hub.domain.queueing import queue_key
from hub.services.ports import OrderRepository

OPEN_STATUSES = (OrderStatus.ACCEPTED.value, OrderStatus.IN_PROGRESS.value)

# Built once: compiling statements per order cost more CPU than the commit itself.
_INSERT_ORDER = insert(order_tables.orders)
_INSERT_LINES = insert(order_tables.order_lines)
_INSERT_TICKETS = insert(order_tables.tickets)
_SELECT_ORDER = select(order_tables.orders).where(order_tables.orders.c.order_id == bindparam("order_id"))
_SELECT_LAST_NUMBER = select(order_tables.order_numbers.c.last_sequence).where(
    order_tables.order_numbers.c.business_day == bindparam("day")
)
_INSERT_NUMBER = insert(order_tables.order_numbers)
_UPDATE_NUMBER = (
    update(order_tables.order_numbers)
    .where(order_tables.order_numbers.c.business_day == bindparam("day"))
    .values(last_sequence=bindparam("last"))
)


class SqlOrderRepository(OrderQueries, OrderRepository):
    """Orders stored in the `orders`, `order_lines` and `tickets` tables."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection
        self._seen: dict[str, Order] = {}
        # New orders are written together at flush(): one INSERT per table for a whole batch, and the
        # reactions to their acceptance (ticket firing times) land in those rows instead of an UPDATE each.
        self._pending: dict[str, Order] = {}
        self._numbers: dict[date, int] = {}
        self._absent: set[str] = set()  # ids preload() found no order for, in this transaction

    def seen(self) -> list[Order]:
        """Return the orders added or loaded through this repository."""
        return list(self._seen.values())

    def add(self, order: Order) -> None:
        """Take a new order; its rows are written at flush(), with whatever the batch's reactions set on it."""
        self._seen[order.order_id] = order
        self._pending[order.order_id] = order

    def flush(self) -> None:
        """Write new orders and each day's last number; called before reads and just before the commit."""
        if self._pending:
            pending = list(self._pending.values())
            self._pending.clear()
            self._db.execute(_INSERT_ORDER, [_order_row(order) for order in pending])
            self._db.execute(_INSERT_LINES, [
                _line_row(order.order_id, line_no, line) for order in pending for line_no, line in enumerate(order.lines)
            ])
            self._db.execute(_INSERT_TICKETS, [
                {
                    "ticket_id": ticket.ticket_id,
                    "order_id": order.order_id,
                    "position": position,
                    "station": ticket.station,
                    "status": ticket.status.value,
                    **_ticket_state(ticket),
                }
                for order in pending
                for position, ticket in enumerate(order.tickets)
            ])
        if self._numbers:
            self._db.execute(_UPDATE_NUMBER, [{"day": day.isoformat(), "last": last} for day, last in self._numbers.items()])

    def get(self, order_id: str) -> Order | None:
        """Return an order by id, or None."""
        if order_id in self._seen:
            return self._seen[order_id]
        if order_id in self._absent:
            return None
        row = self._db.execute(_SELECT_ORDER, {"order_id": order_id}).mappings().first()
        if row is None:
            return None
        order = self._load([row])[0]
        self._seen[order_id] = order
        return order

    def preload(self, order_ids: list[str]) -> None:
        """Read a batch's orders in one query; ids with no order are remembered as new for this transaction."""
        wanted = [order_id for order_id in dict.fromkeys(order_ids) if order_id not in self._seen]
        if len(wanted) < 2:
            return  # get() reads one as cheaply
        rows = self._db.execute(select(order_tables.orders).where(order_tables.orders.c.order_id.in_(wanted))).mappings().all()
        for order in self._load(rows):
            self._seen[order.order_id] = order
        self._absent.update(order_id for order_id in wanted if order_id not in self._seen)

    def save(self, order: Order) -> None:
        """Store the changed status of an order and its tickets."""
        if order.order_id in self._pending:
            order.lines_changed = False
            return  # not written yet: flush() writes it as it is by then
        queue_at, _ = queue_key(order.deadline, order.rush, 0)
        self._db.execute(
            _UPDATE_ORDER, {"oid": order.order_id, "status": order.status.value, "rush": order.rush, "queue_at": queue_at,
                            **{f"h_{name}": value for name, value in _hold_state(order).items()}}
        )
        self._db.execute(
            _UPDATE_TICKET,
            [{"tid": t.ticket_id, "status": t.status.value, **_ticket_state(t)} for t in order.tickets],
        )
        if order.lines_changed:
            self._rewrite_lines(order)

    def _rewrite_lines(self, order: Order) -> None:
        """Store an order's edited lines (a short pick) with its new price."""
        self._db.execute(delete(order_tables.order_lines).where(order_tables.order_lines.c.order_id == order.order_id))
        self._db.execute(_INSERT_LINES, [_line_row(order.order_id, no, line) for no, line in enumerate(order.lines)])
        self._db.execute(update(order_tables.orders).where(order_tables.orders.c.order_id == order.order_id).values(
            total_amount=order.total.amount, tax_amount=order.tax.amount, pricing=order.pricing))
        order.lines_changed = False

    def next_number(self, business_day: date) -> int:
        """Return the next order sequence of a business day, starting at 1."""
        key = business_day.isoformat()
        last = self._numbers.get(business_day)
        if last is None:
            last = self._db.execute(_SELECT_LAST_NUMBER, {"day": key}).scalar()
            if last is None:
                self._db.execute(_INSERT_NUMBER, {"business_day": key, "last_sequence": 0})
                last = 0
        self._numbers[business_day] = last + 1
        return last + 1


    def latest_arrival(self) -> datetime | None:
        """Return when the newest order that went straight to the kitchen arrived, counting this transaction's new ones."""
        stored = self._db.execute(_SELECT_LATEST_ARRIVAL).scalar()  # one step down ix_orders_hold_received_at
        pending = [o.received_at for o in self._pending.values() if o.hold is None]
        return max([*pending, *([stored] if stored is not None else [])], default=None)

    def open_orders(self, limit: int = 500) -> list[Order]:
        """Return accepted and in-progress orders in queue order."""
        self.flush()
        rows = (
            self._db.execute(
                select(order_tables.orders)
                .where(order_tables.orders.c.status.in_(OPEN_STATUSES))
                .order_by(order_tables.orders.c.queue_at, order_tables.orders.c.seq)
                .limit(limit)
            )
            .mappings()
            .all()
        )
        return self._load(rows)

    def display_orders(self) -> list[Order]:
        """Return the orders displays show: open, ready, and cancelled ones not yet acknowledged."""
        self.flush()
        waiting = (
            select(order_tables.tickets.c.order_id)
            .where(order_tables.tickets.c.status == TicketStatus.CANCELLED.value, order_tables.tickets.c.dismissed.is_(False))
        )
        rows = (
            self._db.execute(
                select(order_tables.orders)
                .where(
                    order_tables.orders.c.status.in_((*OPEN_STATUSES, OrderStatus.READY.value))
                    | order_tables.orders.c.order_id.in_(waiting)
                )
                .order_by(order_tables.orders.c.queue_at, order_tables.orders.c.seq)
            )
            .mappings()
            .all()
        )
        orders = self._load(rows)
        for order in orders:
            self._seen.setdefault(order.order_id, order)
        return [self._seen[order.order_id] for order in orders]

    def count_for_day(self, business_day: date) -> int:
        """Return how many orders a business day has."""
        self.flush()
        return self._db.execute(
            select(func.count()).select_from(order_tables.orders).where(order_tables.orders.c.business_day == business_day.isoformat())
        ).scalar_one()

    def _load(self, rows) -> list[Order]:
        ids = [row["order_id"] for row in rows]
        if not ids:
            return []
        currencies = {row["order_id"]: row["currency"] for row in rows}
        lines: dict[str, list[OrderLine]] = {order_id: [] for order_id in ids}
        for line in self._db.execute(
            select(order_tables.order_lines)
            .where(order_tables.order_lines.c.order_id.in_(ids))
            .order_by(order_tables.order_lines.c.order_id, order_tables.order_lines.c.line_no)
        ).mappings():
            currency = currencies[line["order_id"]]
            lines[line["order_id"]].append(
                OrderLine(
                    sku=line["sku"],
                    name=line["name"],
                    qty=line["qty"],
                    modifiers=tuple(line["modifiers"]),
                    note=line["note"],
                    unit_price=Money(line["unit_amount"], currency),
                    tax_rate_bp=line["tax_rate_bp"],
                    station=line["station"],
                    prep_seconds=line["prep_seconds"],
                )
            )
        tickets: dict[str, list[Ticket]] = {order_id: [] for order_id in ids}
        for ticket in self._db.execute(
            select(order_tables.tickets)
            .where(order_tables.tickets.c.order_id.in_(ids))
            .order_by(order_tables.tickets.c.order_id, order_tables.tickets.c.position)
        ).mappings():
            tickets[ticket["order_id"]].append(
                Ticket(
                    ticket_id=ticket["ticket_id"],
                    station=ticket["station"],
                    status=TicketStatus(ticket["status"]),
                    bumped_lines=tuple(ticket["bumped_lines"] or ()),
                    **{name: ticket[name] for name in _TICKET_STATE if name != "bumped_lines"},
                )
            )
        return [
            Order(
                order_id=row["order_id"],
                number=row["number"],
                business_day=row["business_day"],
                origin=row["origin"],
                fulfilment=row["fulfilment"],
                lines=lines[row["order_id"]],
                tickets=tickets[row["order_id"]],
                received_at=row["received_at"],
                deadline=row["deadline"],
                fingerprint=row["fingerprint"],
                loyalty_id=row["loyalty_id"],
                promised_at=row["promised_at"],
                rush=row["rush"],
                status=OrderStatus(row["status"]),
                source=row["source"],
                pricing=row["pricing"],
                hold=row["hold"],
                hold_until=row["hold_until"],
                customer_name=row["customer_name"],
                customer_phone=row["customer_phone"],
                quoted_at=row["quoted_at"],
                closed_reason=row["closed_reason"],
            )
            for row in rows
        ]


_TICKET_STATE = ("version", "held", "dismissed", "bumped_lines", "fire_at", "accepted_at", "fired_at",
                 "started_at", "done_at", "handed_over_at")
_SELECT_LATEST_ARRIVAL = select(func.max(order_tables.orders.c.received_at)).where(order_tables.orders.c.hold.is_(None))
_UPDATE_ORDER = (
    update(order_tables.orders)
    .where(order_tables.orders.c.order_id == bindparam("oid"))
    .values(status=bindparam("status"), rush=bindparam("rush"), queue_at=bindparam("queue_at"),
            **{name: bindparam(f"h_{name}") for name in ("hold", "hold_until", "promised_at", "deadline", "quoted_at",
                                                         "closed_reason")})
)
_UPDATE_TICKET = (
    update(order_tables.tickets)
    .where(order_tables.tickets.c.ticket_id == bindparam("tid"))
    .values(status=bindparam("status"), **{name: bindparam(name) for name in _TICKET_STATE})
)


def _order_row(order: Order) -> dict:
    """Return an order's own columns."""
    deadline_in_queue, _ = queue_key(order.deadline, order.rush, 0)
    total = order.total
    return {
        "order_id": order.order_id,
        "number": order.number,
        "business_day": order.business_day,
        "origin": order.origin,
        "fulfilment": order.fulfilment,
        "status": order.status.value,
        "total_amount": total.amount,
        "tax_amount": order.tax.amount,
        "currency": total.currency,
        "loyalty_id": order.loyalty_id,
        "promised_at": order.promised_at,
        "rush": order.rush,
        "received_at": order.received_at,
        "deadline": order.deadline,
        "queue_at": deadline_in_queue,
        "fingerprint": order.fingerprint,
        "source": order.source,
        "pricing": order.pricing,
        "customer_name": order.customer_name,
        "customer_phone": order.customer_phone,
        "phone_digits": phone_digits(order.customer_phone),
        **_hold_state(order),
    }


def _hold_state(order: Order) -> dict:
    """Return the columns a held order's release, cancellation or rejection changes."""
    return {"hold": order.hold, "hold_until": order.hold_until, "promised_at": order.promised_at,
            "deadline": order.deadline, "quoted_at": order.quoted_at, "closed_reason": order.closed_reason}


def _line_row(order_id: str, line_no: int, line: OrderLine) -> dict:
    """Return an order line as column values."""
    return {"order_id": order_id, "line_no": line_no, "sku": line.sku, "name": line.name, "qty": line.qty,
            "modifiers": list(line.modifiers), "note": line.note, "unit_amount": line.unit_price.amount,
            "tax_rate_bp": line.tax_rate_bp, "station": line.station, "prep_seconds": line.prep_seconds}


def _ticket_state(ticket: Ticket) -> dict:
    """Return a ticket's kitchen state and times as column values."""
    state = {name: getattr(ticket, name) for name in _TICKET_STATE}
    state["bumped_lines"] = list(ticket.bumped_lines)
    return state
