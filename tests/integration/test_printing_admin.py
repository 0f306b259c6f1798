"""The admin page shows each agent's hardware health in words, and the print routes API checks its input."""

from __future__ import annotations

import re

from hub.adapters.clock import utc_now
from hub.domain.presence import DeviceState


def page_text(client) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get("/admin").get_data(as_text=True)))


def test_admin_page_lists_each_printer_with_its_problem_or_ready(client, hub):
    health = {"grill": {"kind": "printer", "online": True, "paper": "out",
                        "error": "Printer grill is out of paper: put in a new roll."},
              "pass": {"kind": "printer", "online": True, "paper": "low", "error": None,
                       "warning": "Printer pass paper is running low."},
              "bar": {"kind": "bumpbar", "online": True, "error": None}}
    hub.presence.update(DeviceState("printers-1", True, "agent", health, health["grill"]["error"], utc_now()))
    text = page_text(client)
    assert "grill (printer): Printer grill is out of paper: put in a new roll. · paper out" in text
    assert "pass (printer): Printer pass paper is running low. · paper low" in text
    assert "bar (bumpbar): ready" in text


def test_route_api_sets_lists_and_refuses_bad_input(client):
    reply = client.put("/api/v1/printing/routes/kitchen_ticket/grill",
                       json={"printer": {"device_id": "printers-1", "hardware": "grill"}, "language": "de"})
    assert reply.status_code == 200
    routes = client.get("/api/v1/printing/routes").json["routes"]
    assert routes == [{"document": "kitchen_ticket", "station": "grill", "language": "de", "answer_within_s": 20.0,
                       "printer": {"device_id": "printers-1", "hardware": "grill"}, "backup": None}]
    bad = client.put("/api/v1/printing/routes/kitchen_ticket/grill", json={"printer": {"device_id": "a b"}})
    assert bad.status_code == 422 and bad.json["field"] == "printer.device_id"
    assert client.put("/api/v1/printing/routes/menu/grill", json={}).status_code == 404
    assert client.delete("/api/v1/printing/routes/kitchen_ticket/grill").status_code == 204
    assert client.delete("/api/v1/printing/routes/kitchen_ticket/grill").status_code == 404


def test_order_without_routes_prints_nothing_and_is_accepted(client):
    from tests.support.devices import order_data

    reply = client.post("/api/v1/orders", json=order_data())
    assert reply.status_code == 201
    assert client.get("/api/v1/printing/prints").json["prints"] == []


def test_receipt_on_demand_carries_the_priced_order_and_prints_its_total(client, hub):
    from devices.printers.layout import render
    from devices.printers.profiles import load_profile
    from hub.contracts.printing import PrintPayload
    from tests.support.devices import order_data
    from tests.support.escpos_decoder import only_document

    order = client.post("/api/v1/orders", json=order_data()).json
    client.put("/api/v1/printing/routes/receipt/*", json={"printer": {"device_id": "till-1", "hardware": "receipt"}})
    reply = client.post(f"/api/v1/orders/{order['order_id']}/reprint", json={"document": "receipt"})
    assert reply.status_code == 202, reply.json
    [made] = reply.json["prints"]
    assert made["document"] == "receipt" and made["reprint"] is False
    with hub.uow_factory() as uow:
        [job] = uow.device_jobs.for_order(order["order_id"])
    assert (job.device_id, job.hardware, job.kind) == ("till-1", "receipt", "print")
    doc = only_document(render(PrintPayload.model_validate(job.payload), load_profile("epson-tm-t88v")))
    total = order["total"]["amount"]
    assert doc.line_with("TOTAL").text.endswith(f"€{total // 100}.{total % 100:02d}")
    assert doc.has_line(f"Order {order['number']}") and doc.has_line("2 x Latte (medium)")


def test_drawer_endpoint_queues_a_drawer_job_for_the_printer(client, hub):
    reply = client.post("/api/v1/printing/drawer", json={"printer": {"device_id": "till-1", "hardware": "receipt"}, "pin": 5})
    assert reply.status_code == 202
    with hub.uow_factory() as uow:
        job = uow.device_jobs.get(reply.json["job_id"])
    assert (job.device_id, job.hardware, job.kind, job.payload) == ("till-1", "receipt", "drawer", {"pin": 5})
    bad = client.post("/api/v1/printing/drawer", json={"printer": {"device_id": "till-1"}, "pin": 3})
    assert bad.status_code == 422 and bad.json["field"] == "pin"
