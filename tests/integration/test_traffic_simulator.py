"""The demo's simulated customers order what a real one could: valid choices, nothing sold out."""

from __future__ import annotations

import random

from hub.contracts.catalog import CatalogFile
from hub.contracts.orders import OrderSubmit
from hub.demo import DEMO_CATALOG
from hub.domain.errors import OrderRefused, Unavailable
from hub.entrypoints.intake import to_command
from devices.simulators.traffic import SENDERS, Shelf, random_order


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
