"""The cash drawer per till: a cash tender at a till queues its drawer kick in the tender's transaction."""

from __future__ import annotations

from tests.support.devices import order_data

DRAWER = {"printer": {"device_id": "receipt-agent", "hardware": "front"}, "pin": 2}


def _order(client) -> dict:
    return client.post("/api/v1/orders", json=order_data(origin="counter")).get_json()


def _drawer_jobs(hub, order_id=None):
    with hub.uow_factory() as uow:
        return [j for j in uow.device_jobs.unfinished(100) if j.kind == "drawer"]


def test_cash_at_a_till_with_a_drawer_opens_that_drawer(client, hub):
    assert client.put("/api/v1/cash-drawers/counter-1", json=DRAWER).get_json() == {"device_id": "counter-1", **DRAWER}
    order = _order(client)
    paid = client.post(f"/api/v1/orders/{order['order_id']}/tenders",
                       json={"kind": "cash", "amount": 2000, "device_id": "counter-1"}).get_json()
    assert paid["change"] == 2000 - order["total"]["amount"] and paid["drawer"] == "opening"
    [job] = _drawer_jobs(hub)
    assert (job.job_id, job.device_id, job.hardware, job.payload) == (paid["drawer_job_id"], "receipt-agent", "front", {"pin": 2})
    assert client.get("/api/v1/cash-drawers").get_json()["cash_drawers"] == [{"device_id": "counter-1", **DRAWER}]


def test_no_drawer_opens_for_cards_gift_cards_other_tills_or_no_till(client, hub):
    client.put("/api/v1/cash-drawers/counter-1", json=DRAWER)
    order = _order(client)
    client.post("/api/v1/gift-cards", json={"code": "GC-1", "amount": 100, "currency": "EUR"})
    gift = client.post(f"/api/v1/orders/{order['order_id']}/tenders",
                       json={"kind": "gift_card", "amount": 100, "code": "GC-1", "device_id": "counter-1"}).get_json()
    assert gift["drawer"] == "none"
    other = client.post(f"/api/v1/orders/{order['order_id']}/tenders",
                        json={"kind": "cash", "amount": 100, "device_id": "counter-9"}).get_json()
    assert other["drawer"] == "none" and "PUT /api/v1/cash-drawers/counter-9" in other["drawer_message"]
    nowhere = client.post(f"/api/v1/orders/{order['order_id']}/tenders", json={"kind": "cash", "amount": 100}).get_json()
    assert nowhere["drawer"] == "none"
    assert _drawer_jobs(hub) == []


def test_a_refused_tender_opens_no_drawer(client, hub):
    client.put("/api/v1/cash-drawers/counter-1", json=DRAWER)
    refused = client.post("/api/v1/orders/00000000-0000-4000-8000-000000000000/tenders",
                          json={"kind": "cash", "amount": 100, "device_id": "counter-1"})
    assert refused.status_code == 404 and _drawer_jobs(hub) == []


def test_a_drawer_pin_must_be_2_or_5(client):
    bad = client.put("/api/v1/cash-drawers/counter-1", json={**DRAWER, "pin": 3})
    assert (bad.status_code, bad.get_json()["field"]) == (422, "pin")
