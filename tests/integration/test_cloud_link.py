"""The hub's link to a real headquarters process: enrolment, pulling feeds, the outbox (issue 13)."""

from __future__ import annotations

import os
import stat
import subprocess
import uuid
from pathlib import Path

import pytest

from hub.bootstrap import bootstrap
from hub.domain.kitchen_messages import BumpExpo, BumpTicket, CancelOrder, HandOverOrder, StartTicket
from hub.entrypoints.web.app import create_app
from hub.adapters.cloud.puller import hub_order_id
from tests.conftest import make_settings, prepare_database
from tests.support.cloud_process import PASSLINE
from tests.support.hq_server import HqServer, a_small_menu
from tests.support.identities import owner_client


def link(settings, url: str, code: str) -> subprocess.CompletedProcess:
    """Run `passline cloud link URL CODE` as store IT would on the hub's machine."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(settings.data_dir.parent), "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
           "PASSLINE_STORE": settings.store, "PASSLINE_DATA_DIR": str(settings.data_dir),
           "PASSLINE_DATABASE_URL": settings.database_url}
    return subprocess.run([PASSLINE, "cloud", "link", url, code], env=env, capture_output=True, text=True, timeout=60)


@pytest.fixture
def hq(tmp_path: Path):
    """HQ as it runs in production, on a SQLite file."""
    server = HqServer(tmp_path / "hq")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def store(tmp_path: Path, hq: HqServer):
    """A hub linked to HQ (store `test`): its settings, the hub, and a client signed in as the owner."""
    settings = make_settings(tmp_path)
    prepare_database(settings)
    done = link(settings, hq.url, hq.enrolment_code("test"))
    assert done.returncode == 0, done.stderr
    hub = bootstrap(settings)
    app = create_app(hub=hub)
    app.config["TESTING"] = True
    sent: list[tuple[str, dict]] = []
    hub.notifier.send = lambda event, data: sent.append((event, data))
    hub.sent = sent
    yield hub, owner_client(app)
    hub.stop()


def sync(hub) -> None:
    """Run one round of the link now: send the outbox, read every feed."""
    client = hub.cloud.make_client()
    try:
        hub.cloud.round(client)
    finally:
        client.close()
    assert hub.cloud.health.online, hub.cloud.health.last_error


def menu_prices(client, lang: str = "en") -> dict[str, tuple[str, int]]:
    menu = client.get(f"/api/v1/menu?channel=kiosk&lang={lang}").get_json()
    return {item["sku"]: (item["name"], item["price"]["amount"] if isinstance(item["price"], dict) else item["price"])
            for item in menu["items"]}


def test_link_keeps_the_token_0600_never_prints_it_and_the_code_works_once(tmp_path, hq):
    settings = make_settings(tmp_path)
    prepare_database(settings)
    code = hq.enrolment_code("test")
    done = link(settings, hq.url, code)
    assert done.returncode == 0, done.stderr
    assert "linked store test (Test, taxes of DE)" in done.stdout
    token_file = settings.data_dir / "cloud" / "token"
    token = token_file.read_text().strip()
    assert token.startswith("plst_")
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(token_file.parent.stat().st_mode) == 0o700
    assert token not in done.stdout + done.stderr
    again = link(settings, hq.url, code)
    assert again.returncode == 1
    assert "HQ did not take the code" in again.stderr and token not in again.stderr


def test_a_code_for_another_store_is_not_kept(tmp_path, hq):
    settings = make_settings(tmp_path)
    prepare_database(settings)
    done = link(settings, hq.url, hq.enrolment_code("hamburg"))
    assert done.returncode == 1
    assert "the code is for store 'hamburg', but this hub is store 'test'" in done.stderr
    assert not (settings.data_dir / "cloud" / "token").exists()


def test_hqs_catalog_becomes_the_menu_and_a_price_change_reaches_kiosks(store, hq):
    hub, client = store
    a_small_menu(hq)
    sync(hub)
    assert menu_prices(client) == {"LATTE": ("Latte", 450), "CROISSANT": ("Croissant", 250)}
    assert menu_prices(client, "de")["LATTE"] == ("Milchkaffee", 450)
    assert [data for event, data in hub.sent if event == "availability" and data.get("catalog_version")]
    hq.put("prices", {"sku": "LATTE", "price": {"amount": 520, "currency": "EUR"}})
    hub.sent.clear()
    sync(hub)
    assert menu_prices(client)["LATTE"] == ("Latte", 520)
    assert [event for event, data in hub.sent if event == "availability" and data.get("catalog_version")]
    status = hub.cloud.status()
    assert status["online"] is True and status["last_pull"]["prices"] is not None


def test_an_order_and_its_cash_payment_reach_hq_once(store, hq):
    hub, client = store
    a_small_menu(hq)
    sync(hub)
    order_id = str(uuid.uuid4())
    placed = client.post("/api/v1/orders", json={"order_id": order_id, "origin": "counter", "fulfilment": "takeaway",
                                                 "lines": [{"sku": "LATTE", "qty": 2}]})
    assert placed.status_code == 201, placed.get_json()
    paid = client.post(f"/api/v1/orders/{order_id}/tenders", json={"kind": "cash", "amount": 900})
    assert paid.status_code == 201, paid.get_json()
    assert hub.cloud.status()["outbox"]["waiting"] == 2
    sync(hub)
    sync(hub)
    kinds = sorted(kind for kind, event_id in hq.stored_events("test"))
    assert kinds == ["order", "payment"]
    assert ("order", order_id) in hq.stored_events("test")
    assert hub.cloud.status()["outbox"]["waiting"] == 0


def web_order(order_id: str, payment: str = "paid") -> dict:
    return {"order_id": order_id, "store": "test", "placed_at": "2026-12-07T09:00:00+00:00",
            "customer": {"name": "Ada L.", "phone": "+49 30 1234567"},
            "lines": [{"sku": "LATTE", "qty": 2, "unit_price": {"amount": 450, "currency": "EUR"}}],
            "total": {"amount": 900, "currency": "EUR"}, "payment": payment}


def test_a_web_pickup_order_lands_in_the_queue_and_its_status_flows_back(store, hq):
    hub, client = store
    a_small_menu(hq)
    hq.place_web_order(web_order("WEB-1001"))
    sync(hub)
    sync(hub)  # reading the feed again takes nothing twice
    orders = [o for o in client.get("/api/v1/orders").get_json()["orders"] if o["origin"] == "web"]
    assert len(orders) == 1
    order = orders[0]
    assert order["order_id"] == hub_order_id("test", "WEB-1001")
    assert order["fulfilment"] == "pickup" and order["status"] == "accepted"
    assert order["customer"]["name"] == "Ada L. (paid online)"
    assert [(t["station"]) for t in order["tickets"]] == ["bar"]
    paid = client.get(f"/api/v1/orders/{order['order_id']}/tenders").get_json()
    assert paid["due"] == 0, "paid online: nobody asks the customer to pay again"
    assert [(t["kind"], t["amount"], t["reference"]) for t in paid["tenders"]] == [("online", 900, "hq:WEB-1001")]
    sync(hub)
    assert hq.web_order("WEB-1001")["status"] == "accepted"
    hub.bus.handle(CancelOrder(action_id=str(uuid.uuid4()), order_id=order["order_id"]))  # expo cancels it
    sync(hub)
    assert hq.web_order("WEB-1001")["status"] == "cancelled"
    assert ("order", order["order_id"]) not in hq.stored_events("test"), "HQ holds web orders already"


def test_a_web_order_to_pay_at_pickup_is_due_in_full_and_no_online_tender_can_be_added_by_hand(store, hq):
    hub, client = store
    a_small_menu(hq)
    hq.place_web_order(web_order("WEB-1003", payment="unpaid"))
    sync(hub)
    order_id = hub_order_id("test", "WEB-1003")
    assert client.get(f"/api/v1/orders/{order_id}").get_json()["customer"]["name"] == "Ada L. (pays at pickup)"
    tenders = client.get(f"/api/v1/orders/{order_id}/tenders").get_json()
    assert (tenders["due"], tenders["tenders"]) == (900, [])
    forged = client.post(f"/api/v1/orders/{order_id}/tenders", json={"kind": "online", "amount": 900})
    assert forged.status_code == 422 and forged.get_json()["field"] == "kind"
    assert client.get(f"/api/v1/orders/{order_id}/tenders").get_json()["due"] == 900


def test_a_web_order_made_ready_and_collected_tells_hq_each_step(store, hq):
    hub, client = store
    a_small_menu(hq)
    hq.place_web_order(web_order("WEB-1002"))
    sync(hub)
    order_id = hub_order_id("test", "WEB-1002")
    [ticket] = client.get(f"/api/v1/orders/{order_id}").get_json()["tickets"]
    for action in (StartTicket, BumpTicket):  # the bar makes it
        hub.bus.handle(action(action_id=str(uuid.uuid4()), order_id=order_id, ticket_id=ticket["ticket_id"]))
    hub.bus.handle(BumpExpo(action_id=str(uuid.uuid4()), order_id=order_id))  # expo puts it on the pickup shelf
    sync(hub)
    assert hq.web_order("WEB-1002")["status"] == "ready"
    hub.bus.handle(HandOverOrder(action_id=str(uuid.uuid4()), order_id=order_id))  # the customer has it
    sync(hub)
    sync(hub)
    assert hq.web_order("WEB-1002")["status"] == "collected"
    assert client.get(f"/api/v1/orders/{order_id}").get_json()["status"] == "completed"


def test_stock_received_and_points_spent_reach_hq_and_hqs_balance_comes_back(store, hq):
    hub, client = store
    a_small_menu(hq)
    hq.put("members", {"member_id": "M-7", "name": "Grace"})
    hq.post("/api/v1/hq/ledger", {"kind": "loyalty_entry", "id": "welcome-M-7", "member_id": "M-7", "points": 500,
                                  "at": "2026-12-07T08:00:00+00:00"})
    sync(hub)
    assert client.get("/api/v1/loyalty/M-7").get_json()["points"] == 500
    # The store tracks stock of its beans (from its catalog file before the link); HQ sells them too.
    hq.put("items", {"sku": "BEANS-HOUSE-250", "names": {"en": "House beans"}, "category": "coffee",
                     "tax_code": "food", "station": "pick-a", "prep_seconds": 0})
    hq.put("prices", {"sku": "BEANS-HOUSE-250", "price": {"amount": 1290, "currency": "EUR"}})
    sync(hub)
    received = client.post("/api/v1/stock/BEANS-HOUSE-250/receive", json={"qty": 12})
    assert received.status_code in (200, 201), received.get_json()
    order_id = str(uuid.uuid4())
    client.post("/api/v1/orders", json={"order_id": order_id, "origin": "counter", "fulfilment": "takeaway",
                                        "lines": [{"sku": "LATTE", "qty": 1}], "customer": {"loyalty_id": "M-7"}})
    spent = client.post(f"/api/v1/orders/{order_id}/tenders", json={"kind": "points", "amount": 450, "code": "M-7"})
    assert spent.status_code == 201, spent.get_json()
    assert client.get("/api/v1/loyalty/M-7").get_json()["points"] == 50
    sync(hub)
    sync(hub)
    levels = hq.get("/api/v1/stores/test/stock?sku=BEANS-HOUSE-250")["levels"]
    assert [(level["location"], level["on_hand"]) for level in levels] == [("test", 12)]
    assert hq.get("/api/v1/hq/members/M-7")["balance"] == 50
    assert client.get("/api/v1/loyalty/M-7").get_json()["points"] == 50, "HQ's balance, nothing counted twice"
    kinds = sorted(kind for kind, _ in hq.stored_events("test"))
    assert kinds == ["loyalty_entry", "order", "payment", "stock_move"]


def test_an_entry_hq_refuses_for_good_is_parked_with_its_reason_on_admin_and_blocks_nothing(store, hq):
    hub, client = store
    a_small_menu(hq)
    sync(hub)
    # L-1001 is a member from the store's own catalog file: HQ has never heard of her.
    order_id = str(uuid.uuid4())
    client.post("/api/v1/orders", json={"order_id": order_id, "origin": "counter", "fulfilment": "takeaway",
                                        "lines": [{"sku": "CROISSANT", "qty": 1}], "customer": {"loyalty_id": "L-1001"}})
    spent = client.post(f"/api/v1/orders/{order_id}/tenders", json={"kind": "points", "amount": 250, "code": "L-1001"})
    assert spent.status_code == 201, spent.get_json()
    later = str(uuid.uuid4())
    client.post("/api/v1/orders", json={"order_id": later, "origin": "kiosk", "fulfilment": "takeaway",
                                        "lines": [{"sku": "LATTE", "qty": 1}]})
    sync(hub)
    stored = hq.stored_events("test")
    assert ("order", order_id) in stored and ("order", later) in stored
    assert sorted(kind for kind, _ in stored) == ["order", "order", "payment"]
    report = client.get("/api/v1/health").get_json()
    check = report["checks"]["headquarters"]
    assert check["ok"] is False
    assert "1 refused by HQ for good and set aside" in check["detail"]
    assert "L-1001 is not a member" in check["detail"]
    assert report["cloud"]["outbox"]["waiting"] == 0
    page = client.get("/admin").get_data(as_text=True)
    assert "refused by HQ for good" in page


def test_doctor_and_status_say_offline_since_when_and_what_waits(store, hq, tmp_path):
    hub, client = store
    a_small_menu(hq)
    sync(hub)
    hq.stop()
    order_id = str(uuid.uuid4())
    assert client.post("/api/v1/orders", json={"order_id": order_id, "origin": "kiosk", "fulfilment": "takeaway",
                                               "lines": [{"sku": "LATTE", "qty": 1}]}).status_code == 201
    sync_quietly(hub)
    assert hub.cloud.health.online is False
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
           "PASSLINE_STORE": "test", "PASSLINE_DATA_DIR": str(hub.settings.data_dir),
           "PASSLINE_DATABASE_URL": hub.settings.database_url}
    status = subprocess.run([PASSLINE, "cloud", "status"], env=env, capture_output=True, text=True, timeout=60)
    assert "offline since" in status.stdout
    assert "outbox: 1 events waiting" in status.stdout
    assert "catalog: last read 20" in status.stdout
    doctor = subprocess.run([PASSLINE, "doctor"], env=env, capture_output=True, text=True, timeout=120)
    line = next(line for line in doctor.stdout.splitlines() if " cloud " in line)
    assert "WARN" in line and "headquarters unreachable since" in line and "1 sales waiting to be sent" in line
    assert not [data for event, data in hub.sent if event == "cloud.status"], "no banner before the threshold"

    hub.cloud.settings = hub.cloud.settings.model_copy(update={"offline_banner_seconds": 0})  # as if 60 s had passed
    sync_quietly(hub)
    assert [data["banner"] for event, data in hub.sent if event == "cloud.status"] == [True]
    assert client.get("/api/v1/health").get_json()["checks"]["headquarters"]["ok"] is False
    hq.start()
    sync(hub)
    assert [data["banner"] for event, data in hub.sent if event == "cloud.status"] == [True, False]
    assert ("order", order_id) in hq.stored_events("test")
    assert client.get("/api/v1/health").get_json()["checks"]["headquarters"]["ok"] is True


def sync_quietly(hub) -> None:
    """Run one round of the link, whether or not HQ answers."""
    client = hub.cloud.make_client()
    try:
        hub.cloud.round(client)
    finally:
        client.close()


def test_a_revoked_store_token_is_offline_in_words_and_parks_nothing(store, hq):
    hub, client = store
    a_small_menu(hq)
    sync(hub)
    hq.cli("stores", "revoke", "test")
    order_id = str(uuid.uuid4())
    client.post("/api/v1/orders", json={"order_id": order_id, "origin": "kiosk", "fulfilment": "takeaway",
                                        "lines": [{"sku": "LATTE", "qty": 1}]})
    sync_quietly(hub)
    status = hub.cloud.status()
    assert status["online"] is False
    assert status["last_error"].startswith("HQ refused the store: ")
    assert status["outbox"]["waiting"] == 1 and status["outbox"]["parked"] == []
