"""Crash the hub or the broker in the middle of 1,000 orders: the books must hold each order once.

DESIGN.md §3: at-least-once on the wire, exactly-once in the books. Devices here resend
the same envelope until they get a reply, as a real kiosk does, so every order must end up
stored exactly once, with the number its device was told.
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import tempfile
import time
from collections import Counter, defaultdict
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from hub.demo import DEMO_CATALOG
from hub.domain.numbering import NUMBERS_PER_LETTER
from tests.conftest import require_mosquitto
from tests.support.devices import order_data
from tests.support.hub_process import HubProcess
from tests.support.mosquitto import MosquittoProcess, dev_broker
from tests.support.publishers import Fleet, OrderRecord

pytestmark = [pytest.mark.slow, pytest.mark.mosquitto]

ORDERS = 1_000
DEVICES = 5
CRASH_AFTER_REPLIES = 300
FIRST_REPLIES_TIMEOUT_S = 30
DOWN_FOR_S = 1.0
ALL_REPLIES_TIMEOUT_S = 120  # only ever waited in full when a test is failing
LOG_TAIL_CHARS = 6_000
MENU = [  # (sku, modifiers): items over all five stations, so orders split into several tickets
    ("LATTE-M", ["OAT"]), ("ESPRESSO", []), ("CAPPUCCINO", ["DECAF"]), ("CROISSANT", ["WARM"]),
    ("COOKIE", []), ("BAGEL-SALMON", ["NO-CAPERS"]), ("SOUP-DAY", []), ("MUG-PASSLINE", []), ("TUMBLER", []),
]


@dataclass
class Store:
    """The hub under test and, when it uses one, its external Mosquitto."""

    hub: HubProcess
    broker: MosquittoProcess | None

    @property
    def mqtt_url(self):
        """Return where devices connect: the anonymous Mosquitto's URL, or a device's own login on the hub's."""
        return self.broker.url if self.broker else self.hub.device_url


@pytest.fixture
def store(request, tmp_path: Path):
    """A running hub on Mosquitto or on the Mosquitto it supervises; log tails are printed (shown on failure)."""
    broker = broker_dir = None
    if request.param == "mosquitto":
        require_mosquitto()
        # Not under tmp_path: any pytest run starting meanwhile chmods /tmp/pytest-of-<user>
        # back to 0700, and Mosquitto, which drops to its own user, dies on its next autosave.
        broker_dir = Path(tempfile.mkdtemp(prefix="passline-fault-mosquitto-"))
        broker = dev_broker(broker_dir)
    hub = HubProcess(tmp_path / "hub", mqtt_url=broker.url if broker else None)
    try:
        if broker is not None:
            broker.start()
        hub.prepare()
        hub.start()
        yield Store(hub, broker)
    finally:
        hub.stop()
        print(f"--- hub log (tail) ---\n{hub.log()[-LOG_TAIL_CHARS:]}")
        if broker is not None:
            broker.stop()
            print(f"--- mosquitto log (tail) ---\n{broker.log()[-LOG_TAIL_CHARS:]}")
            shutil.rmtree(broker_dir, ignore_errors=True)


@pytest.fixture
def fleet(store: Store):
    """Five kiosks with 1,000 orders between them, not started yet."""
    fleet = Fleet(store.mqtt_url, store.hub.store, make_orders(ORDERS), devices=DEVICES)
    yield fleet
    fleet.stop()
    print(f"--- devices --- {fleet.summary()}")


@pytest.mark.parametrize("store", ["mosquitto", "supervised"], indirect=True)
def test_hub_killed_mid_stream_loses_and_duplicates_nothing(store: Store, fleet: Fleet):
    fleet.start()
    assert fleet.wait_answered(CRASH_AFTER_REPLIES, FIRST_REPLIES_TIMEOUT_S), _stalled(fleet, "before the crash")

    store.hub.kill()
    time.sleep(DOWN_FOR_S)
    store.hub.start()

    assert fleet.wait_answered(ORDERS, ALL_REPLIES_TIMEOUT_S), _stalled(fleet, "after the hub restarted")
    assert_books_match(store.hub, fleet)


@pytest.mark.parametrize("store", ["mosquitto"], indirect=True)
def test_broker_killed_mid_stream_loses_and_duplicates_nothing(store: Store, fleet: Fleet):
    fleet.start()
    assert fleet.wait_answered(CRASH_AFTER_REPLIES, FIRST_REPLIES_TIMEOUT_S), _stalled(fleet, "before the crash")

    store.broker.kill()
    time.sleep(DOWN_FOR_S)
    store.broker.start()

    assert fleet.wait_answered(ORDERS, ALL_REPLIES_TIMEOUT_S), _stalled(fleet, "after the broker restarted")
    assert_books_match(store.hub, fleet)


def make_orders(count: int, seed: int = 7) -> list[dict]:
    """Return orders of one to three lines over several stations, the same on every run."""
    rng = random.Random(seed)
    orders = []
    for _ in range(count):
        items = rng.sample(MENU, rng.randint(1, 3))
        lines = [{"sku": sku, "qty": rng.randint(1, 3), "modifiers": modifiers} for sku, modifiers in items]
        orders.append(order_data(lines=lines, fulfilment=rng.choice(["takeaway", "dine_in"])))
    return orders


def assert_books_match(hub: HubProcess, fleet: Fleet) -> None:
    """Check the database against what the devices sent and were told."""
    records = fleet.records()
    orders, lines, tickets = _read_books(hub)
    stored_ids = Counter(order_id for order_id, _, _ in orders)

    assert len(orders) == ORDERS, f"{len(orders)} orders stored, {ORDERS} sent"
    assert [i for i, n in stored_ids.items() if n > 1] == [], "orders stored more than once"
    assert sorted(set(records) - set(stored_ids)) == [], "orders sent but not stored"
    assert sorted(set(stored_ids) - set(records)) == [], "orders stored that nobody sent"

    stored_number = {order_id: number for order_id, number, _ in orders}
    told_otherwise = {
        r.order_id: (sorted(set(r.numbers)), stored_number[r.order_id])
        for r in records.values() if set(r.numbers) != {stored_number[r.order_id]}
    }
    assert told_otherwise == {}, "a device was told a number the books do not hold (told, stored)"
    assert [r.order_id for r in records.values() if r.errors] == [], "orders that got an error reply"
    assert [p.stray_replies for p in fleet.publishers if p.stray_replies] == [], "replies to nothing a device sent"

    per_day = defaultdict(list)
    for _, number, day in orders:
        per_day[day].append(number)
    for day, numbers in per_day.items():
        assert [n for n, k in Counter(numbers).items() if k > 1] == [], f"numbers given twice on {day}"
        assert sorted(map(_sequence, numbers)) == list(range(1, len(numbers) + 1)), f"numbers skipped on {day}"

    stations = _stations()
    wrong_lines = {i: got for i, got in lines.items() if got != _sent_lines(records[i])}
    assert wrong_lines == {}, "orders whose stored lines differ from what was sent"
    missing_lines = sorted(set(stored_ids) - set(lines))
    assert missing_lines == [], "orders stored without their lines"
    wrong_tickets = {
        r.order_id: tickets.get(r.order_id)
        for r in records.values()
        if tickets.get(r.order_id) != list(dict.fromkeys(stations[sku] for sku, _ in _sent_lines(r)))
    }
    assert wrong_tickets == {}, "orders without one ticket per station they need"
    print(f"--- books --- {len(orders)} orders, days {dict((d, len(n)) for d, n in per_day.items())}")


def _read_books(hub: HubProcess):
    path = hub.database_url.removeprefix("sqlite:///")
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        orders = db.execute("SELECT order_id, number, business_day FROM orders").fetchall()
        lines: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for order_id, sku, qty in db.execute("SELECT order_id, sku, qty FROM order_lines ORDER BY order_id, line_no"):
            lines[order_id].append((sku, qty))
        tickets: dict[str, list[str]] = defaultdict(list)
        for order_id, station in db.execute("SELECT order_id, station FROM tickets ORDER BY order_id, position"):
            tickets[order_id].append(station)
    return orders, dict(lines), dict(tickets)


def _sent_lines(record: OrderRecord) -> list[tuple[str, int]]:
    return [(line["sku"], line["qty"]) for line in record.message["data"]["lines"]]


def _stations() -> dict[str, str]:
    catalog = json.loads(DEMO_CATALOG.read_text(encoding="utf-8"))
    return {item["sku"]: item["station"] for item in catalog["items"]}


def _sequence(number: str) -> int:
    """Turn A001 back into 1 and B001 into 1000: the inverse of format_number for one alphabet."""
    return (ord(number[0]) - ord("A")) * NUMBERS_PER_LETTER + int(number[1:])


def _stalled(fleet: Fleet, when: str) -> str:
    missing = fleet.unanswered()
    examples = ", ".join(f"{r.order_id} (sent {r.sends}x, errors {r.errors[-1:]})" for r in missing[:5])
    return f"{len(missing)} of {fleet.total} orders have no reply {when}; {fleet.summary()}; e.g. {examples}"
