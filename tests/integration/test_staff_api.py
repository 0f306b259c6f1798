"""Staff at the counter over HTTP: PIN sign-in, lockout, sign-out, one-use manager approvals, the refund gate."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hub.bootstrap import bootstrap
from tests.integration.commerce_support import complete
from tests.support.devices import order_data
from tests.support.staff import CASHIER_PIN, MANAGER_PIN, approval, ensure_staff, sign_in
from tests.support.clock import Clock


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def hub(settings, clock):
    hub = bootstrap(settings, clock=clock)
    ensure_staff(hub)
    yield hub
    hub.stop()


def _paid_order(client, hub) -> str:
    data = order_data(lines=[{"sku": "BURGER", "qty": 1}], origin="counter")
    order = client.post("/api/v1/orders", json=data).get_json()
    client.post(f"/api/v1/orders/{order['order_id']}/tenders", json={"kind": "cash", "amount": order["total"]["amount"]})
    complete(hub, order["order_id"])
    return order["order_id"]


def test_a_cashier_signs_in_with_a_pin_and_the_token_says_who_is_at_the_till(client, hub, settings):
    reply = client.post("/api/v1/staff/sessions", json={"pin": CASHIER_PIN, "device_id": "counter-1"})
    assert reply.status_code == 201
    body = reply.get_json()
    assert body["staff"] == {"staff_id": "staff-sam", "name": "Sam", "role": "cashier"}
    me = client.get("/api/v1/staff/sessions/current", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.get_json()["staff"]["name"] == "Sam"
    with hub.engine.connect() as database:  # the hub's own engine: SQLite or PostgreSQL
        stored = [str(v) for table in ("staff", "staff_sessions")
                  for row in database.exec_driver_sql(f"select * from {table}") for v in row]
    assert body["token"] not in stored and CASHIER_PIN not in stored and MANAGER_PIN not in stored


def test_signing_out_ends_the_session_at_once(client, hub):
    token = sign_in(client, hub)
    assert client.delete("/api/v1/staff/sessions/current", headers={"Authorization": f"Bearer {token}"}).status_code == 204
    me = client.get("/api/v1/staff/sessions/current", headers={"Authorization": f"Bearer {token}"})
    assert (me.status_code, me.get_json()["code"]) == (401, "not_signed_in")
    again = client.delete("/api/v1/staff/sessions/current", headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 401 and "ended already" in again.get_json()["message"]


def test_five_wrong_pins_lock_the_till_for_five_minutes_even_for_the_right_pin(client, hub, clock):
    for tries_left in (4, 3, 2, 1):
        wrong = client.post("/api/v1/staff/sessions", json={"pin": "4321", "device_id": "counter-1"})
        assert (wrong.status_code, wrong.get_json()["code"]) == (401, "wrong_pin")
        assert f"{tries_left} more tr" in wrong.get_json()["message"]
    assert "now locked" in client.post("/api/v1/staff/sessions", json={"pin": "4321", "device_id": "counter-1"}).get_json()["message"]
    locked = client.post("/api/v1/staff/sessions", json={"pin": CASHIER_PIN, "device_id": "counter-1"})
    assert (locked.status_code, locked.get_json()["code"]) == (429, "locked")
    other_till = client.post("/api/v1/staff/sessions", json={"pin": CASHIER_PIN, "device_id": "counter-2"},
                             environ_base={"REMOTE_ADDR": "192.0.2.2"})
    assert other_till.status_code == 201
    clock.now += timedelta(minutes=5, seconds=1)
    assert client.post("/api/v1/staff/sessions", json={"pin": CASHIER_PIN, "device_id": "counter-1"}).status_code == 201


def test_only_a_manager_pin_gives_an_approval_and_the_refusal_names_the_role(client, hub):
    cashier = client.post("/api/v1/staff/approvals", json={"pin": CASHIER_PIN, "action": "refund", "device_id": "counter-1"})
    assert cashier.status_code == 403
    assert cashier.get_json() == {"code": "not_permitted", "field": "pin",
                                  "message": "Sam is a cashier: a refund needs a manager's PIN"}
    manager = client.post("/api/v1/staff/approvals", json={"pin": MANAGER_PIN, "action": "refund", "device_id": "counter-1"})
    assert manager.status_code == 201 and manager.get_json()["staff"]["role"] == "manager"
    wrong = client.post("/api/v1/staff/approvals", json={"pin": "0000", "action": "refund", "device_id": "counter-1"})
    assert (wrong.status_code, wrong.get_json()["code"]) == (401, "wrong_pin")
    bad = client.post("/api/v1/staff/approvals", json={"pin": MANAGER_PIN, "action": "lunch", "device_id": "counter-1"})
    assert (bad.status_code, bad.get_json()["field"]) == (422, "action")


def test_a_refund_without_a_manager_approval_is_refused_and_nothing_goes_back(client, hub):
    order_id = _paid_order(client, hub)
    refused = client.post(f"/api/v1/orders/{order_id}/refunds", json={})
    assert (refused.status_code, refused.get_json()["code"], refused.get_json()["field"]) == (403, "approval_required", "approval")
    assert client.get(f"/api/v1/orders/{order_id}/tenders").get_json()["tenders"][0]["refunded"] == 0


def test_an_approval_pays_for_one_refund_only(client, hub):
    order_id = _paid_order(client, hub)
    token = approval(client, hub)
    first = client.post(f"/api/v1/orders/{order_id}/refunds", json={"lines": [{"index": 0, "qty": 1}], "approval": token})
    assert first.status_code == 201
    second = client.post(f"/api/v1/orders/{order_id}/refunds", json={"approval": token})
    assert second.status_code == 403 and "used already" in second.get_json()["message"]


def test_a_refused_refund_does_not_use_up_the_approval(client, hub):
    order_id = _paid_order(client, hub)
    token = approval(client, hub)
    too_many = client.post(f"/api/v1/orders/{order_id}/refunds", json={"lines": [{"index": 0, "qty": 5}], "approval": token})
    assert too_many.get_json()["code"] == "invalid_refund"
    assert client.post(f"/api/v1/orders/{order_id}/refunds", json={"approval": token}).status_code == 201


def test_an_approval_expires_after_five_minutes_and_is_good_only_for_its_action(client, hub, clock):
    order_id = _paid_order(client, hub)
    discount = approval(client, hub, action="discount")
    wrong_kind = client.post(f"/api/v1/orders/{order_id}/refunds", json={"approval": discount})
    assert "given for a discount, not a refund" in wrong_kind.get_json()["message"]
    late = approval(client, hub)
    clock.now += timedelta(minutes=5)
    expired = client.post(f"/api/v1/orders/{order_id}/refunds", json={"approval": late})
    assert expired.status_code == 403 and "expired" in expired.get_json()["message"]
    made_up = client.post(f"/api/v1/orders/{order_id}/refunds", json={"approval": "x" * 40})
    assert "not one the hub gave" in made_up.get_json()["message"]


def test_the_cli_adds_staff_with_a_hashed_pin_and_refuses_a_pin_already_in_use(settings, capsys, monkeypatch):
    from hub.entrypoints.cli import main

    monkeypatch.setenv("PASSLINE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("PASSLINE_DATABASE_URL", settings.database_url)  # PostgreSQL when the tests run there
    assert main(["staff", "add", "Alex", "--role", "manager", "--pin", "2468"]) == 0
    assert main(["staff", "add", "Bo", "--role", "cashier", "--pin", "2468"]) == 2
    assert main(["staff", "add", "Bo", "--role", "cashier", "--pin", "24"]) == 2
    assert main(["staff", "list"]) == 0
    out = capsys.readouterr()
    assert "added Alex as manager" in out.out and "already uses this PIN" in out.err and "4 to 8 digits" in out.err
    assert out.out.splitlines()[-1].startswith("Alex") and "2468" not in out.out


def test_hopping_from_till_id_to_till_id_does_not_get_round_the_lockout(client, hub, clock):
    for attempt in range(20):
        client.post("/api/v1/staff/sessions", json={"pin": "4321", "device_id": f"fake-{attempt // 4}"})
    blocked = client.post("/api/v1/staff/sessions", json={"pin": CASHIER_PIN, "device_id": "counter-1"})
    assert (blocked.status_code, blocked.get_json()["code"]) == (429, "locked")
    assert "from this address" in blocked.get_json()["message"]
    clock.now += timedelta(minutes=5, seconds=1)
    assert client.post("/api/v1/staff/sessions", json={"pin": CASHIER_PIN, "device_id": "counter-1"}).status_code == 201
