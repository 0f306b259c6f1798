"""The outbox through a proxy that loses requests, loses answers after HQ committed, and answers 500 (issue 13).

Afterwards every order and payment is at HQ exactly once, and nothing is parked: a fault is never a refusal.
A real HQ process serves; the hub is bootstrapped in the test with a clock the test moves, so
backoffs of minutes pass at once. A second test runs the hub as store IT does (`passline serve`).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from datetime import timedelta

import pytest

from hub.bootstrap import bootstrap
from hub.entrypoints.web.app import create_app
from tests.conftest import make_settings, prepare_database
from tests.support.clock import Clock
from tests.support.cloud_process import PASSLINE
from tests.support.flaky_proxy import DROP_REQUEST, DROP_RESPONSE, ERROR_500, PASS, FlakyProxy
from tests.support.hq_server import HqServer, a_small_menu
from tests.support.hub_process import HubProcess
from tests.support.identities import owner_client

ORDERS = 40
FAULTS = (DROP_REQUEST, PASS, DROP_RESPONSE, ERROR_500, DROP_RESPONSE, DROP_REQUEST, ERROR_500, PASS)


@pytest.fixture
def hq(tmp_path):
    server = HqServer(tmp_path / "hq")
    server.start()
    yield server
    server.stop()


def test_every_order_and_payment_reaches_hq_exactly_once_through_a_lossy_link(tmp_path, hq):
    proxy = FlakyProxy(hq.url)
    proxy.start()
    settings = make_settings(tmp_path)
    prepare_database(settings)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
           "PASSLINE_STORE": "test", "PASSLINE_DATA_DIR": str(settings.data_dir)}
    linked = subprocess.run([PASSLINE, "cloud", "link", proxy.url, hq.enrolment_code("test")], env=env,
                            capture_output=True, text=True, timeout=60)
    assert linked.returncode == 0, linked.stderr
    clock = Clock()
    hub = bootstrap(settings, clock=clock)
    client = owner_client(create_app(hub=hub))
    link = hub.cloud.make_client()
    try:
        a_small_menu(hq)
        hub.cloud.round(link)
        assert hub.cloud.health.online, hub.cloud.health.last_error
        orders, tenders = [], []
        for n in range(ORDERS):
            order_id = str(uuid.uuid4())
            placed = client.post("/api/v1/orders", json={"order_id": order_id, "origin": "kiosk",
                                                         "fulfilment": "takeaway", "lines": [{"sku": "LATTE", "qty": 1}]})
            assert placed.status_code == 201, placed.get_json()
            paid = client.post(f"/api/v1/orders/{order_id}/tenders", json={"kind": "cash", "amount": 450})
            orders.append(order_id)
            tenders.append(paid.get_json()["tender"]["tender_id"])
            if n % 5 == 4:  # sales go on while the link stumbles
                proxy.mode = FAULTS[n // 5 % len(FAULTS)]
                hub.cloud.round(link)
        for attempt in range(200):
            proxy.mode = FAULTS[attempt % len(FAULTS)]
            hub.cloud.round(link)
            clock.now += timedelta(minutes=6)  # past the longest backoff
            if hub.cloud.status()["outbox"]["waiting"] == 0:
                break
        proxy.mode = PASS
        hub.cloud.round(link)
        status = hub.cloud.status()
        assert status["outbox"]["waiting"] == 0 and status["outbox"]["parked"] == []
        assert hub.cloud.health.online
    finally:
        link.close()
        hub.stop()
        proxy.stop()
    stored = hq.stored_events("test")
    assert sorted(i for kind, i in stored if kind == "order") == sorted(orders)
    assert sorted(i for kind, i in stored if kind == "payment") == sorted(tenders)
    assert len(stored) == len(set(stored)) == 2 * ORDERS
    for mode in (DROP_REQUEST, DROP_RESPONSE, ERROR_500):
        assert proxy.seen[mode] > 0, f"the proxy never did {mode}"


def test_a_running_hub_shows_hqs_price_change_and_sends_its_sales(tmp_path, hq):
    hub = HubProcess(tmp_path / "hub", store="test")
    hub.prepare()
    hub.passline("cloud", "link", hq.url, hq.enrolment_code("test"))
    a_small_menu(hq)
    hub.start()
    try:
        def latte_price() -> int | None:
            status, menu = hub.api("GET", "/api/v1/menu?channel=kiosk")
            found = [item for item in menu.get("items", []) if item["sku"] == "LATTE"] if status == 200 else []
            return found[0]["price"]["amount"] if found and isinstance(found[0]["price"], dict) else (
                found[0]["price"] if found else None)

        assert wait_for(lambda: latte_price() == 450), hub.log()
        hq.put("prices", {"sku": "LATTE", "price": {"amount": 480, "currency": "EUR"}})
        assert wait_for(lambda: latte_price() == 480), hub.log()
        order_id = str(uuid.uuid4())
        status, body = hub.api("POST", "/api/v1/orders", {"order_id": order_id, "origin": "kiosk",
                                                          "fulfilment": "takeaway", "lines": [{"sku": "LATTE", "qty": 1}]})
        assert status == 201, body
        assert body["total"]["amount"] == 480
        assert wait_for(lambda: ("order", order_id) in hq.stored_events("test")), hub.log()
        report = hub.health()
        assert report["cloud"]["online"] is True, json.dumps(report["cloud"])
    finally:
        hub.stop()


def wait_for(condition, timeout_s: float = 30.0) -> bool:
    """Wait until condition() holds (the link reads every 3 s by default)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_hub_killed_once_hq_is_back_sends_everything_once_after_its_restart(tmp_path, hq):
    hub = HubProcess(tmp_path / "hub", store="test")
    hub.prepare()
    hub.passline("cloud", "link", hq.url, hq.enrolment_code("test"))
    a_small_menu(hq)
    hub.start()
    try:
        assert wait_for(lambda: hub.api("GET", "/api/v1/menu?channel=kiosk")[1].get("items", [{}])[0].get("sku")
                        in ("LATTE", "CROISSANT")), hub.log()
        hq.stop()  # the internet goes; the store sells on
        orders = []
        for _ in range(ORDERS):
            order_id = str(uuid.uuid4())
            status, body = hub.api("POST", "/api/v1/orders", {"order_id": order_id, "origin": "kiosk",
                                                              "fulfilment": "takeaway",
                                                              "lines": [{"sku": "CROISSANT", "qty": 1}]})
            assert status == 201, body
            orders.append(order_id)
        assert hub.health()["cloud"]["outbox"]["waiting"] == ORDERS
        hq.start()
        assert wait_for(lambda: any(kind == "order" for kind, _ in hq.stored_events("test")), 60), hub.log()
        hub.kill()  # SIGKILL as soon as HQ has the first sale (often mid-drain): nothing gets to clean up
        hub.start()
        assert wait_for(lambda: sorted(i for k, i in hq.stored_events("test") if k == "order") == sorted(orders),
                        60), hub.log()
        assert wait_for(lambda: hub.health()["cloud"]["outbox"]["waiting"] == 0), hub.log()
        assert hub.health()["cloud"]["outbox"]["parked"] == []
    finally:
        hub.stop()
