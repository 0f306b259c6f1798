"""The demo's simulated customers order what a real one could (valid choices, nothing sold out), at the rate asked."""

from __future__ import annotations

import random

from hub.contracts.catalog import CatalogFile
from hub.contracts.orders import OrderSubmit
from hub.demo import DEMO_CATALOG
from hub.domain.errors import OrderRefused, Unavailable
from hub.entrypoints.intake import to_command
from devices.simulators.crew import crew_size
from devices.simulators.traffic import SENDERS, Customers, Queue, Shelf, random_order


def test_every_simulated_order_is_one_the_hub_can_take(hub):
    menu = CatalogFile.model_validate_json(DEMO_CATALOG.read_text())
    rng = random.Random(7)
    refused = []
    for _ in range(300):
        data = random_order(rng.choice(list(SENDERS.values())), menu, rng)
        try:
            hub.bus.handle(to_command(OrderSubmit.model_validate(data), "simulator"))
        except Unavailable:
            pass  # the demo's retail shelf runs empty; the traffic then reads the broadcast
        except OrderRefused as refusal:
            refused.append(f"{refusal.code}: {refusal.message}")
    assert refused == []


def test_simulated_customers_do_not_pick_what_the_hub_says_is_sold_out():
    menu = CatalogFile.model_validate_json(DEMO_CATALOG.read_text())
    shelf = Shelf()
    shelf.update({"sold_out": ["LATTE-M"], "by_hand": ["LATTE-M"], "stock": {"MUG-PASSLINE": {"web": 0, "counter": 2}}})
    rng = random.Random(3)
    web_skus = {line["sku"] for _ in range(300) for line in random_order("web", menu, rng, shelf)["lines"]}
    counter_skus = {line["sku"] for _ in range(300) for line in random_order("counter", menu, rng, shelf)["lines"]}
    assert "LATTE-M" not in web_skus | counter_skus
    assert "MUG-PASSLINE" not in web_skus
    assert "MUG-PASSLINE" in counter_skus


def _hour_of_customers(rate: float, orders: list[dict]) -> Customers:
    """Let customers come for one hour of a simulated clock, the hub's queue listing `orders` all along."""
    now = 0.0
    customers = Customers(rate, Queue(read=lambda: orders, clock=lambda: now), random.Random(11))
    while (now := now + customers.gap()) < 3600:
        customers.orders()
    return customers


def _open_order(*statuses: str) -> dict:
    return {"tickets": [{"station": "bar", "ticket_id": str(n), "status": status} for n, status in enumerate(statuses)]}


def test_simulated_customers_order_at_the_rate_the_flag_says_while_the_kitchen_keeps_up():
    # A kitchen keeping up with half an order a second: hundreds of orders open (app orders promised for
    # later are open the whole time), a few tickets waiting for a cook.
    keeping_up = [_open_order("queued") for _ in range(300)] + [_open_order("started", "fired") for _ in range(8)]
    for rate in (0.1, 0.5, 2.0):
        customers = _hour_of_customers(rate, keeping_up)
        expected = rate * 3600
        assert abs(customers.ordered - expected) < 4 * expected ** 0.5, (rate, customers.ordered)  # Poisson: 4 sigma
        assert customers.walked_away == 0
    behind = keeping_up + [_open_order("fired") for _ in range(12)]  # 20 tickets wait for a cook: a queue out of the door
    assert _hour_of_customers(0.5, behind).ordered == 0


def test_the_crew_has_enough_cooks_at_every_station_for_the_rate():
    menu = CatalogFile.model_validate_json(DEMO_CATALOG.read_text())
    rng = random.Random(5)
    items = {item.sku: item for item in menu.items}
    work: dict[str, float] = {}
    orders = 2000
    for _ in range(orders):  # what the traffic's orders bring each station: a ticket takes its longest item's time
        ticket: dict[str, int] = {}
        for line in random_order(rng.choice(list(SENDERS.values())), menu, rng)["lines"]:
            # A bundle (the burger meal) comes to the kitchen as its parts, each at its own station.
            for sku in [part.sku for part in items[line["sku"]].parts] or [line["sku"]]:
                item = items[sku]
                if item.bin is None:
                    ticket[item.station] = max(ticket.get(item.station, 0), item.prep_seconds)
        for station, seconds in ticket.items():
            work[station] = work.get(station, 0) + seconds / orders
    assert set(work) == {"bar", "kitchen", "grill", "fryer", "pastry"}
    for rate in (0.05, 0.5, 1.0):
        cooks = crew_size(rate, menu)
        # Busy cooks on average (Little's law) stay well under the cooks there are, even when tickets run a fifth long.
        short = [station for station, seconds in work.items() if rate * seconds * 1.2 >= cooks[station]]
        assert short == [], (rate, cooks)
