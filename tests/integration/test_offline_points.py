"""With headquarters unreachable, a member redeems up to the store's limit; above it a manager approves."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from hub.bootstrap import bootstrap
from hub.entrypoints.web.app import create_app
from tests.support.identities import owner_client
from tests.support.staff import approval

OFFLINE_SINCE = datetime.now(timezone.utc) - timedelta(minutes=30)


@pytest.fixture
def store(settings):
    """A hub whose link to HQ has been down for half an hour; Ada (L-1001) holds 500 points from HQ's last word,
    and the store lets a member redeem 200 points while offline."""
    (settings.data_dir / "frontdesk.toml").write_text("[counter]\noffline_points_limit = 200\n")
    reach = {"offline_since": OFFLINE_SINCE}
    hub = bootstrap(settings, fakes={"hq_offline_since": lambda: reach["offline_since"]})
    app = create_app(hub=hub)
    app.config["TESTING"] = True
    yield hub, owner_client(app), reach
    hub.stop()


def an_order(client) -> str:
    order_id = str(uuid.uuid4())
    made = client.post("/api/v1/orders", json={"order_id": order_id, "origin": "counter", "fulfilment": "takeaway",
                                               "lines": [{"sku": "BURGER", "qty": 1, "modifiers": ["WELL"]}],
                                               "customer": {"loyalty_id": "L-1001"}})
    assert made.status_code in (200, 201), made.get_json()
    return order_id


def points(client, order_id: str, amount: int, **extra):
    return client.post(f"/api/v1/orders/{order_id}/tenders", json={"kind": "points", "amount": amount,
                                                                   "code": "L-1001", **extra})


def test_offline_a_member_redeems_up_to_the_limit_and_a_manager_lets_more_through(store):
    hub, client, _ = store
    first = an_order(client)
    assert points(client, first, 150).status_code == 201
    second = an_order(client)
    over = points(client, second, 100, device_id="counter-1")
    assert (over.status_code, over.get_json()["code"], over.get_json()["field"]) == (403, "approval_required", "approval")
    assert "headquarters cannot be reached" in over.get_json()["message"]
    assert "at most 200 points" in over.get_json()["message"] and "150 redeemed since then" in over.get_json()["message"]
    assert client.get("/api/v1/loyalty/L-1001").get_json()["points"] == 350, "nothing taken by the refusal"
    allowed = points(client, second, 100, approval=approval(client, hub, "points_offline"))
    assert allowed.status_code == 201, allowed.get_json()
    assert client.get("/api/v1/loyalty/L-1001").get_json()["points"] == 250
    spent = points(client, second, 10, approval=approval(client, hub, "refund"))
    assert (spent.status_code, spent.get_json()["field"]) == (403, "approval")  # an approval for another action


def test_online_again_the_limit_no_longer_applies(store):
    hub, client, reach = store
    assert points(client, an_order(client), 150).status_code == 201
    reach["offline_since"] = None
    assert points(client, an_order(client), 100).status_code == 201


def test_points_redeemed_before_the_link_went_down_do_not_count_against_the_limit(store):
    hub, client, reach = store
    reach["offline_since"] = None
    assert points(client, an_order(client), 150).status_code == 201
    reach["offline_since"] = datetime.now(timezone.utc)
    assert points(client, an_order(client), 100).status_code == 201
