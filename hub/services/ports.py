"""The interfaces services need; adapters implement them and tests fake them."""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

from hub.domain.catalog import Catalog
from hub.domain.device_jobs import DeviceJob
from hub.domain.orders import Order
from hub.domain.payments import Payment, TerminalRef
from hub.domain.printing import PrintRequest, PrintRoute
from hub.services.cloud_ports import Outbox
from hub.services.commerce_ports import CommerceRepository
from hub.services.day_ports import DayRepository
from hub.services.report_ports import ReportRollups

Clock = Callable[[], datetime]
Notify = Callable[[str, dict[str, Any]], None]


class OrderRepository(abc.ABC):
    """Where orders are kept."""

    @abc.abstractmethod
    def add(self, order: Order) -> None:
        """Store a new order with its lines and tickets."""

    @abc.abstractmethod
    def get(self, order_id: str) -> Order | None:
        """Return an order by id, or None."""

    def preload(self, order_ids: list[str]) -> None:
        """Look a batch's order ids up at once, so each get() that follows needs no read of its own."""

    @abc.abstractmethod
    def save(self, order: Order) -> None:
        """Store the changed status of an order and its tickets."""

    @abc.abstractmethod
    def next_number(self, business_day: date) -> int:
        """Return the next order sequence of a business day, starting at 1."""

    @abc.abstractmethod
    def open_orders(self, limit: int = 500) -> list[Order]:
        """Return accepted and in-progress orders in queue order."""

    def latest_arrival(self) -> datetime | None:
        """Return when the newest order that went straight to the kitchen arrived (None before the first)."""
        return max((order.received_at for order in self.open_orders() if order.hold is None), default=None)

    @abc.abstractmethod
    def count_for_day(self, business_day: date) -> int:
        """Return how many orders a business day has."""

    def display_orders(self) -> list[Order]:
        """Return the orders displays show: open, ready, and cancelled ones not yet acknowledged."""
        return self.open_orders()


class DisplayStore(abc.ABC):
    """Display sequence numbers and the action ids already applied."""

    @abc.abstractmethod
    def next_seq(self, view: str) -> int:
        """Return the next change number of a view, starting at 1."""

    @abc.abstractmethod
    def current_seq(self, view: str) -> int:
        """Return a view's last change number (0 when it never changed)."""

    @abc.abstractmethod
    def applied(self, action_id: str) -> bool:
        """Say whether an action id was applied before."""

    @abc.abstractmethod
    def record(self, action_id: str, kind: str, target: str, at: datetime) -> None:
        """Remember that an action was applied."""

    @abc.abstractmethod
    def recently_bumped(self, station: str, since: datetime, limit: int) -> list[str]:
        """Return the order ids of a station's tickets bumped since a time, newest first."""

    @abc.abstractmethod
    def due_orders(self, now: datetime) -> list[str]:
        """Return the ids of open orders with a waiting, unheld ticket due to fire by now."""

    def first_change(self, view: str, order_id: str) -> bool:
        """Say whether this is the first change of an order on a view in this transaction."""
        numbered = self.__dict__.setdefault("_numbered", set())
        if (view, order_id) in numbered:
            return False
        numbered.add((view, order_id))
        return True


class DeviceJobRepository(abc.ABC):
    """Where jobs for devices, and the ids of device events already taken, are kept."""

    @abc.abstractmethod
    def add(self, job: DeviceJob) -> None:
        """Store a new job."""

    @abc.abstractmethod
    def get(self, job_id: str) -> DeviceJob | None:
        """Return a job by id, or None."""

    @abc.abstractmethod
    def save(self, job: DeviceJob) -> None:
        """Store a job's changed delivery state and result."""

    @abc.abstractmethod
    def unfinished(self, limit: int) -> list[DeviceJob]:
        """Return jobs without an outcome, oldest first."""

    @abc.abstractmethod
    def for_order(self, order_id: str) -> list[DeviceJob]:
        """Return an order's jobs, oldest first."""

    @abc.abstractmethod
    def remember_event(self, event_id: str, device_id: str, type_: str, at: datetime) -> bool:
        """Note a device event's id; return False when it was taken before."""


class PaymentRepository(abc.ABC):
    """Card payments, the terminal jobs behind them, and which terminal serves which till."""

    @abc.abstractmethod
    def add(self, payment: Payment) -> None:
        """Store a new payment."""

    @abc.abstractmethod
    def get(self, payment_id: str) -> Payment | None:
        """Return a payment by id, or None."""

    @abc.abstractmethod
    def save(self, payment: Payment) -> None:
        """Store a changed payment."""

    @abc.abstractmethod
    def for_order(self, order_id: str) -> list[Payment]:
        """Return an order's payments, oldest first."""

    @abc.abstractmethod
    def checking(self, limit: int) -> list[Payment]:
        """Return payments in `checking` (result lost, terminal being asked), oldest first."""

    @abc.abstractmethod
    def add_job(self, job_id: str, payment_id: str, operation: str, amount: int | None = None) -> None:
        """Remember that a terminal job works for a payment."""

    @abc.abstractmethod
    def job(self, job_id: str) -> tuple[str, str, int | None] | None:
        """Return (payment_id, operation, amount) of a terminal job, or None."""

    @abc.abstractmethod
    def receipt_taken(self, terminal_id: str | None, receipt_no: str, payment_id: str, *,
                      trace_no: str | None = None, since: datetime | None = None) -> bool:
        """Say whether another payment already holds this terminal transaction (by trace number, else today's receipt)."""

    @abc.abstractmethod
    def terminal_for(self, pos_device_id: str) -> TerminalRef | None:
        """Return the terminal that serves a kiosk or counter."""

    @abc.abstractmethod
    def assign_terminal(self, pos_device_id: str, terminal: TerminalRef) -> None:
        """Set the terminal that serves a kiosk or counter."""

    @abc.abstractmethod
    def terminals(self) -> dict[str, TerminalRef]:
        """Return every kiosk or counter with its terminal."""


class PrintingRepository(abc.ABC):
    """Print routes and the prints sent through them."""

    @abc.abstractmethod
    def routes(self) -> list[PrintRoute]:
        """Return every route."""

    @abc.abstractmethod
    def set_route(self, route: PrintRoute) -> None:
        """Create or replace the route of a document and place."""

    @abc.abstractmethod
    def remove_route(self, document: str, place: str) -> bool:
        """Delete a route; return False when there was none."""

    @abc.abstractmethod
    def add(self, request: PrintRequest) -> None:
        """Store a new print."""

    @abc.abstractmethod
    def save(self, request: PrintRequest) -> None:
        """Store a print's changed state and jobs."""

    @abc.abstractmethod
    def by_job(self, job_id: str) -> PrintRequest | None:
        """Return the print a device job carried, or None."""

    @abc.abstractmethod
    def for_order(self, order_id: str) -> list[PrintRequest]:
        """Return an order's prints, oldest first."""

    @abc.abstractmethod
    def recent(self, limit: int = 50) -> list[PrintRequest]:
        """Return the newest prints, newest first."""

    @abc.abstractmethod
    def held(self) -> list[PrintRequest]:
        """Return the prints waiting for a printer, oldest first."""

    @abc.abstractmethod
    def take_held(self, print_id: str) -> bool:
        """Mark a held print as printing; False when it was not held any more (someone else took it)."""


class UnitOfWork(abc.ABC):
    """One atomic piece of work on the store's books."""

    orders: OrderRepository
    displays: DisplayStore  # display numbering and applied actions, in the same transaction
    device_jobs: DeviceJobRepository
    commerce: CommerceRepository  # promotions, stock, loyalty and tenders (hub.services.commerce_ports)
    printing: PrintingRepository  # print routes and prints (hub.services.printing)
    payments: PaymentRepository  # card payments (hub.services.payments)
    days: DayRepository  # business days, cash-up and Z reports (hub.services.end_of_day, issue 17)
    outbox: Outbox | None = None  # issue 13: events for headquarters; None while the store is not linked
    reports: ReportRollups | None = None  # issue 17: sums for the reports; None in a fake unit of work

    def __init__(self) -> None:
        self.raised: list[object] = []

    def __enter__(self) -> UnitOfWork:
        self.raised = []
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.rollback()

    @abc.abstractmethod
    def catalog(self) -> Catalog:
        """Return the current catalog."""

    @abc.abstractmethod
    def commit(self) -> None:
        """Make everything done in this unit durable."""

    @abc.abstractmethod
    def rollback(self) -> None:
        """Forget everything not committed."""

    def collect_new_events(self) -> Iterator[object]:
        """Yield and forget the events raised in this unit: by its orders, then by raise_event()."""
        for order in self.seen():
            while order.events:
                yield order.events.pop(0)
        while self.raised:
            yield self.raised.pop(0)

    def raise_event(self, event: object) -> None:
        """Record an event that no order carries (a job finished, stock changed)."""
        self.raised.append(event)

    @abc.abstractmethod
    def seen(self) -> list[Order]:
        """Return the orders added or loaded in this unit."""
