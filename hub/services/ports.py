"""The interfaces services need; adapters implement them and tests fake them."""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

from hub.domain.catalog import Catalog
from hub.domain.device_jobs import DeviceJob
from hub.domain.orders import Order

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

    @abc.abstractmethod
    def save(self, order: Order) -> None:
        """Store the changed status of an order and its tickets."""

    @abc.abstractmethod
    def next_number(self, business_day: date) -> int:
        """Return the next order sequence of a business day, starting at 1."""

    @abc.abstractmethod
    def open_orders(self, limit: int = 500) -> list[Order]:
        """Return accepted and in-progress orders in queue order."""

    @abc.abstractmethod
    def count_for_day(self, business_day: date) -> int:
        """Return how many orders a business day has."""


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


class UnitOfWork(abc.ABC):
    """One atomic piece of work on the store's books."""

    orders: OrderRepository
    device_jobs: DeviceJobRepository

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
