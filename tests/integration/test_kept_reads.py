"""What the hub keeps in memory between orders (sold-out items, print routes) follows changes made elsewhere.

Two hubs on one database stand for the running hub and another process (`passline` commands,
a second hub by mistake): each has its own engine and its own memory, as processes do.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from hub.bootstrap import bootstrap
from hub.entrypoints.web.app import create_app
from tests.support.identities import owner_client


@pytest.fixture
def two(settings):
    """The hub and another process on the same database, each with its web API."""
    first, second = bootstrap(settings), bootstrap(settings)
    clients = []
    for hub in (first, second):
        app = create_app(hub=hub)
        app.config["TESTING"] = True
        clients.append(owner_client(app))
    yield first, clients[0], second, clients[1]
    first.stop()
    second.stop()


def order(client, sku: str = "LATTE-M"):
    return client.post("/api/v1/orders", json={"order_id": str(uuid.uuid4()), "origin": "kiosk",
                                               "fulfilment": "takeaway", "lines": [{"sku": sku, "qty": 1}]})


def test_an_item_sold_out_by_another_process_is_refused_on_the_next_order(two):
    _, hub_api, _, other_api = two
    assert order(hub_api).status_code == 201  # the hub has read (and kept) the sold-out list
    assert other_api.put("/api/v1/items/LATTE-M/sold-out", json={"sold_out": True}).status_code == 200
    refused = order(hub_api)
    assert refused.status_code == 422 and refused.json["code"] == "unavailable", refused.json
    assert "LATTE-M" in refused.json["message"]
    assert other_api.put("/api/v1/items/LATTE-M/sold-out", json={"sold_out": False}).status_code == 200
    assert order(hub_api).status_code == 201


def test_a_print_route_set_by_another_process_gets_the_next_kitchen_ticket(two):
    _, hub_api, _, other_api = two
    first = order(hub_api, "ESPRESSO").json["order_id"]
    assert hub_api.get(f"/api/v1/printing/prints?order_id={first}").json["prints"] == []  # no bar printer yet
    route = {"printer": {"device_id": "bar-printers", "hardware": "bar"}, "answer_within_s": 10}
    assert other_api.put("/api/v1/printing/routes/kitchen_ticket/bar", json=route).status_code == 200
    second = order(hub_api, "ESPRESSO").json["order_id"]
    prints = hub_api.get(f"/api/v1/printing/prints?order_id={second}").json["prints"]
    assert [(p["document"], p["station"]) for p in prints] == [("kitchen_ticket", "bar")]
    assert other_api.delete("/api/v1/printing/routes/kitchen_ticket/bar").status_code == 204
    third = order(hub_api, "ESPRESSO").json["order_id"]
    assert hub_api.get(f"/api/v1/printing/prints?order_id={third}").json["prints"] == []


def test_a_change_rolled_back_is_never_kept(two):
    """A unit of work that 86'd an item and read the list, then rolled back, must not leave that list behind."""
    hub, hub_api, _, other_api = two
    at = datetime.now(timezone.utc)
    with hub.uow_factory() as uow:
        uow.commerce.mark_sold_out("LATTE-M", True, "test", at)
        assert "LATTE-M" in uow.commerce.sold_out()  # read through the shared memory, still uncommitted
    # rolled back; the other process now makes a different change, which gets the same version number
    assert other_api.put("/api/v1/items/CROISSANT/sold-out", json={"sold_out": True}).status_code == 200
    with hub.uow_factory() as uow:
        assert uow.commerce.sold_out() == {"CROISSANT"}
    assert order(hub_api, "LATTE-M").status_code == 201
