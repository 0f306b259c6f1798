"""Fakes of the hub's ports: in-memory stand-ins that subclass the real interfaces."""

from __future__ import annotations

import copy
from datetime import date, datetime, timezone

from hub.domain.catalog import Catalog, CatalogItem, Modifier
from hub.domain.money import Money
from hub.domain.orders import Order, OrderStatus
from hub.domain.queueing import queue_key
from hub.domain.device_jobs import DeviceJob
from hub.services.ports import DeviceJobRepository, OrderRepository, UnitOfWork


class FakeOrderRepository(OrderRepository):
    """Orders in a dict."""

    def __init__(self) -> None:
        self.orders: dict[str, Order] = {}
        self.arrival: dict[str, int] = {}
        self.numbers: dict[date, int] = {}

    def add(self, order: Order) -> None:
        self.orders[order.order_id] = order
        self.arrival[order.order_id] = len(self.arrival)

    def get(self, order_id: str) -> Order | None:
        return self.orders.get(order_id)

    def save(self, order: Order) -> None:
        self.orders[order.order_id] = order

    def next_number(self, business_day: date) -> int:
        self.numbers[business_day] = self.numbers.get(business_day, 0) + 1
        return self.numbers[business_day]

    def open_orders(self, limit: int = 500) -> list[Order]:
        live = [o for o in self.orders.values() if o.status in (OrderStatus.ACCEPTED, OrderStatus.IN_PROGRESS)]
        return sorted(live, key=lambda o: queue_key(o.deadline, o.rush, self.arrival[o.order_id]))[:limit]

    def count_for_day(self, business_day: date) -> int:
        return sum(1 for o in self.orders.values() if o.business_day == business_day.isoformat())


class FakeDeviceJobRepository(DeviceJobRepository):
    """Device jobs and taken event ids in dicts."""

    def __init__(self) -> None:
        self.jobs: dict[str, DeviceJob] = {}
        self.events: dict[str, str] = {}

    def add(self, job: DeviceJob) -> None:
        self.jobs[job.job_id] = copy.deepcopy(job)

    def get(self, job_id: str) -> DeviceJob | None:
        job = self.jobs.get(job_id)
        return copy.deepcopy(job) if job else None

    def save(self, job: DeviceJob) -> None:
        self.jobs[job.job_id] = copy.deepcopy(job)

    def unfinished(self, limit: int) -> list[DeviceJob]:
        live = [copy.deepcopy(j) for j in self.jobs.values() if not j.finished]
        return sorted(live, key=lambda j: j.created_at)[:limit]

    def for_order(self, order_id: str) -> list[DeviceJob]:
        return sorted((copy.deepcopy(j) for j in self.jobs.values() if j.order_id == order_id), key=lambda j: j.created_at)

    def remember_event(self, event_id: str, device_id: str, type_: str, at: datetime) -> bool:
        if event_id in self.events:
            return False
        self.events[event_id] = type_
        return True


class FakeUnitOfWork(UnitOfWork):
    """A unit of work that keeps what is committed and drops the rest."""

    def __init__(self, catalog: Catalog, orders: FakeOrderRepository | None = None) -> None:
        super().__init__()
        self.orders = orders or FakeOrderRepository()
        self.device_jobs = FakeDeviceJobRepository()
        self._jobs_snapshot = ({}, {})
        self._catalog = catalog
        self.committed = 0
        self.fail_commit = False
        self._snapshot = dict(self.orders.orders)

    def __enter__(self) -> FakeUnitOfWork:
        super().__enter__()
        self._snapshot = dict(self.orders.orders)
        self._jobs_snapshot = (copy.deepcopy(self.device_jobs.jobs), dict(self.device_jobs.events))
        return self

    def catalog(self) -> Catalog:
        return self._catalog

    def commit(self) -> None:
        if self.fail_commit:
            raise OSError("disk I/O error")
        self.committed += 1
        self._snapshot = dict(self.orders.orders)
        self._jobs_snapshot = (copy.deepcopy(self.device_jobs.jobs), dict(self.device_jobs.events))

    def rollback(self) -> None:
        self.orders.orders = dict(self._snapshot)
        self.device_jobs.jobs = copy.deepcopy(self._jobs_snapshot[0])
        self.device_jobs.events = dict(self._jobs_snapshot[1])

    def seen(self) -> list[Order]:
        return list(self.orders.orders.values())


def cafe_catalog() -> Catalog:
    """Return a small café catalog: lattes at the bar, bagels in the kitchen."""
    return Catalog(
        [
            CatalogItem("LATTE-M", "Latte", Money(400, "EUR"), 1900, "bar", 150,
                        {"OAT": Modifier("OAT", "Oat milk", 50), "SHOT": Modifier("SHOT", "Extra shot", 60)}),
            CatalogItem("BAGEL", "Bagel", Money(690, "EUR"), 700, "kitchen", 300),
            CatalogItem("COOKIE", "Cookie", Money(220, "EUR"), 700, "pastry", 20, available=False),
        ]
    )


class FixedClock:
    """A clock that says what the test tells it."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now
