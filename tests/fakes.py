"""Fakes of the hub's ports: in-memory stand-ins that subclass the real interfaces."""

from __future__ import annotations

import copy
import secrets
from dataclasses import replace
from datetime import date, datetime, timezone

from hub.domain.catalog import Catalog, CatalogItem, Modifier
from hub.domain.money import Money
from hub.domain.orders import Order, OrderStatus
from hub.domain.queueing import queue_key
from hub.domain.device_jobs import DeviceJob
from hub.services.ports import DeviceJobRepository, OrderRepository, UnitOfWork
from hub.domain.loyalty import Member, phone_key
from hub.domain.stock import StockLevel
from hub.domain.tenders import Tender
from hub.services.commerce_ports import CommerceRepository
from hub.domain.access import Role
from hub.services.access_ports import DeviceLogins, MqttLogin
from hub.services.day_ports import DayRepository


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
        self.commerce = FakeCommerceRepository()
        self.days = FakeDayRepository()
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


class FakeDayRepository(DayRepository):
    """Business days in memory: which are closed and what was carried over; the day's facts are read from SQL only."""

    def __init__(self) -> None:
        self.closed: dict = {}  # day -> DayState
        self.moved: list[dict] = []

    def state(self, day):
        return self.closed.get(day)

    def closed_from(self, day):
        return {d for d in self.closed if d >= day}

    def carried(self, from_day):
        return [c for c in self.moved if c["from_day"] == from_day]

    def _sql_only(self, *args, **kwargs):
        raise NotImplementedError("the end of the day's figures are tested on SQLite (tests/integration)")

    next_z_number = close = report = reports = set_float = floats = add_move = moves = save_count = counts = _sql_only
    carry = sold_orders = tenders = drawer_cash = refunds = card_totals = add_terminal_read = _sql_only
    terminal_read_job = save_terminal_read = terminal_reads = _sql_only


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


class FakeCommerceRepository(CommerceRepository):
    """Promotions, stock, sold-out marks, members and tenders in dicts."""

    def __init__(self) -> None:
        self.promos: list = []
        self.uses: dict[str, int] = {}
        self.levels: dict[tuple[str, str], StockLevel] = {}
        self.moves: list[dict] = []
        self.serial_rows: dict[tuple[str, str], dict] = {}
        self.out: set[str] = set()
        self.settings: dict = {}
        self.members: dict[str, Member] = {}
        self.phones: dict[str, str] = {}  # member id -> phone as typed when they joined
        self.entries: list[tuple[str, str | None, str, int]] = []
        self.entry_times: list = []
        self.tender_rows: list[Tender] = []
        self.cards: dict[str, tuple[int, str]] = {}
        self.refund_rows: list[tuple[str, dict[int, int]]] = []

    def promotions(self):
        return list(self.promos), dict(self.uses)

    def set_promotion_active(self, promo_id, active):
        found = [p for p in self.promos if p.promo_id == promo_id]
        self.promos = [replace(p, active=active) if p.promo_id == promo_id else p for p in self.promos]
        return bool(found)

    def count_uses(self, promo_ids, delta):
        for promo_id in promo_ids:
            self.uses[promo_id] = self.uses.get(promo_id, 0) + delta

    def stock(self, skus=None):
        wanted = None if skus is None else set(skus)
        return {k: replace(v) for k, v in self.levels.items() if wanted is None or k[0] in wanted}

    def save_stock(self, level):
        self.levels[(level.sku, level.location)] = replace(level)

    def add_move(self, sku, location, kind, qty, order_id, serials, at):
        self.moves.append({"sku": sku, "location": location, "kind": kind, "qty": qty, "order_id": order_id,
                           "serials": serials})

    def moves_for(self, order_id):
        return [m for m in self.moves if m["order_id"] == order_id]

    def serials(self, sku, location, status, limit=None, order_id=None):
        found = sorted(s for (k, s), row in self.serial_rows.items() if k == sku and row["location"] == location
                       and row["status"] == status and (order_id is None or row["order_id"] == order_id))
        return found[:limit] if limit is not None else found

    def set_serials(self, sku, serials, status, order_id):
        for serial in serials:
            self.serial_rows[(sku, serial)].update(status=status, order_id=order_id)

    def sold_out(self):
        return set(self.out)

    def mark_sold_out(self, sku, sold_out, by, at):
        (self.out.add if sold_out else self.out.discard)(sku)

    def setting(self, key, default):
        return self.settings.get(key, default)

    def member(self, member_id):
        member = self.members.get(member_id)
        return replace(member) if member else None

    def members_with_phone(self, number):
        key = phone_key(number)
        return [member_id for member_id, phone in self.phones.items() if key is not None and phone_key(phone) == key]

    def save_member(self, member, order_id, kind, points, at):
        self.members[member.member_id] = replace(member)
        self.entries.append((member.member_id, order_id, kind, points))
        self.entry_times.append(at)

    def redeemed_since(self, member_id, since):
        return -sum(p for (m, _, kind, p), at in zip(self.entries, self.entry_times)
                    if m == member_id and kind == "redeem" and at >= since)

    def points_entries(self, order_id):
        return [(m, kind, p) for m, o, kind, p in self.entries if o == order_id]

    def tenders(self, order_id):
        return [replace(t) for t in self.tender_rows if t.order_id == order_id]

    def save_tender(self, tender, at, new):
        if new:
            self.tender_rows.append(replace(tender))
        else:
            self.tender_rows = [replace(tender) if t.tender_id == tender.tender_id else t for t in self.tender_rows]

    def gift_card(self, code):
        return self.cards.get(code)

    def save_gift_card(self, code, balance, currency):
        self.cards[code] = (balance, currency)

    def gift_card_reference(self, code):
        return f"{code[-4:]}/{code}"

    def credit_gift_card(self, reference, amount):
        code = reference.split("/", 1)[1]
        balance, currency = self.cards[code]
        self.cards[code] = (balance + amount, currency)

    def refunded_lines(self, order_id):
        rows = [lines for o, lines in self.refund_rows if o == order_id]
        return dict(rows[-1]) if rows else {}

    def add_refund(self, refund_id, order_id, amount, currency, lines, at):
        self.refund_rows.append((order_id, dict(lines)))


class FakeDeviceLogins(DeviceLogins):
    """Broker logins in a dict; `removed` lists the devices kicked off, in order."""

    def __init__(self, url: str = "mqtt://127.0.0.1:1883") -> None:
        self.url = url
        self.logins: dict[str, tuple[Role, str]] = {}
        self.removed: list[str] = []
        self.fail = False  # True: the broker does not answer

    def create(self, device_id: str, role: Role) -> MqttLogin:
        if self.fail:
            raise TimeoutError("the broker did not answer")
        password = secrets.token_urlsafe(16)
        self.logins[device_id] = (role, password)
        return MqttLogin(self.url, device_id, password)

    def remove(self, device_id: str) -> None:
        if self.fail:
            raise TimeoutError("the broker did not answer")
        self.logins.pop(device_id, None)
        self.removed.append(device_id)


def fake_bus(tmp_path, uow: UnitOfWork, handlers, *, clock=None, **fakes):
    """Return the bus bootstrap() wires, on a fake unit of work, with only the given capabilities' handlers.

    `fakes` replace the dependencies handlers ask for by name (`notify`, `broadcast`, `wake_relay`, ...).
    """
    from hub.bootstrap import bootstrap
    from hub.config import load_settings

    settings = load_settings({"PASSLINE_STORE": "test", "PASSLINE_DATA_DIR": str(tmp_path / "data")})
    return bootstrap(settings, uow_factory=lambda: uow, handlers=handlers, clock=clock or FixedClock(), fakes=fakes).bus
