"""Finding an order at the counter: by number, customer name, phone or loyalty id, on a business day."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from hub.bootstrap import bootstrap
from hub.entrypoints.web.app import create_app
from tests.support.devices import order_data
from tests.support.identities import owner_client


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def shop(settings):
    """Orders over two business days; yields (client, clock)."""
    clock = Clock()
    hub = bootstrap(settings, clock=clock)
    app = create_app(hub=hub)
    client = owner_client(app)

    def order(**customer):
        reply = client.post("/api/v1/orders", json=order_data(customer=customer or None))
        assert reply.status_code == 201, reply.json
        return reply.json["number"]

    assert order(name="Anna Schmidt", phone="+49 171 555-1234") == "A001"  # yesterday
    clock.now += timedelta(days=1)
    assert order(name="Ben Anders", phone="0171 999 888") == "A001"
    assert order(loyalty_id="L-1001") == "A002"
    assert order() == "A003"
    yield client, clock
    hub.stop()


def numbers(client, query: str) -> list[tuple[str, str]]:
    reply = client.get(f"/api/v1/orders?{query}")
    assert reply.status_code == 200, reply.json
    return [(o["business_day"], o["number"]) for o in reply.json["orders"]]


def test_without_a_query_today_s_orders_come_newest_first(shop):
    client, _ = shop
    assert numbers(client, "") == [("2026-11-22", "A003"), ("2026-11-22", "A002"), ("2026-11-22", "A001")]
    assert numbers(client, "day=2026-11-21") == [("2026-11-21", "A001")]


def test_a_number_finds_it_with_or_without_its_letter_on_every_day_unless_a_day_is_given(shop):
    client, _ = shop
    assert numbers(client, "q=A001") == [("2026-11-22", "A001"), ("2026-11-21", "A001")]
    assert numbers(client, "q=1&day=today") == [("2026-11-22", "A001")]
    assert numbers(client, "q=%23a2") == [("2026-11-22", "A002")]
    assert numbers(client, "q=B001") == []


def test_a_part_of_the_name_finds_it_whatever_the_case(shop):
    client, _ = shop
    assert numbers(client, "q=anna") == [("2026-11-21", "A001")]
    assert numbers(client, "q=ANDERS") == [("2026-11-22", "A001")]
    assert numbers(client, "q=an") == [("2026-11-22", "A001"), ("2026-11-21", "A001")]
    assert numbers(client, "q=%25") == []  # a wildcard is a character here, not "everything"


def test_phone_digits_find_it_however_the_number_is_written(shop):
    client, _ = shop
    assert numbers(client, "q=5551234") == [("2026-11-21", "A001")]
    assert numbers(client, "q=999-888") == [("2026-11-22", "A001")]
    assert numbers(client, "q=0171") == [("2026-11-22", "A001")]


def test_a_loyalty_id_finds_the_members_orders(shop):
    client, _ = shop
    found = client.get("/api/v1/orders?q=L-1001").json["orders"]
    assert [o["number"] for o in found] == ["A002"]
    assert found[0]["customer"]["loyalty_id"] == "L-1001" and found[0]["payment"]["state"] == "unpaid"


def test_bad_search_parameters_are_named(shop):
    client, _ = shop
    for query, field in (("limit=0", "limit"), ("limit=x", "limit"), ("limit=201", "limit"), ("day=yesterday", "day")):
        reply = client.get(f"/api/v1/orders?{query}")
        assert (reply.status_code, reply.json["code"], reply.json["field"]) == (422, "invalid_payload", field)
    assert len(client.get("/api/v1/orders?limit=2").json["orders"]) == 2
