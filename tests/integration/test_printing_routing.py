"""Print routing end to end: the hub, a real Mosquitto, the agent as a process and simulated printers."""

from __future__ import annotations

import time
import uuid

import pytest

from tests.support.printer_pair import printer_pair
from tests.support.waiting import wait_for

STORE = "test"


@pytest.fixture
def store(tmp_path, mosquitto):
    """A hub on Mosquitto, a grill printer and a pass printer (the backup) behind one agent."""
    with printer_pair(tmp_path, mosquitto.url, STORE) as pair:
        reply = pair.client.put("/api/v1/printing/routes/kitchen_ticket/grill",
                                json={"printer": {"device_id": "printers-1", "hardware": "grill"},
                                      "backup": {"device_id": "printers-1", "hardware": "pass"}, "answer_within_s": 10})
        assert reply.status_code == 200, reply.json
        yield pair.client, pair.hub, pair.grill, pair.passp, pair.warnings, pair.agent


def burger_order(client, note: str | None = None) -> str:
    reply = client.post("/api/v1/orders", json={
        "order_id": str(uuid.uuid4()), "origin": "counter", "fulfilment": "dine_in",
        "lines": [{"sku": "BURGER", "qty": 1, "modifiers": ["BACON"], "note": note}, {"sku": "LATTE-M", "qty": 1}]})
    assert reply.status_code == 201, reply.json
    return reply.json["number"]


def test_accepted_order_prints_its_grill_ticket_on_the_grill_printer(store):
    client, hub, grill, passp, warnings, _ = store
    number = burger_order(client, note="nut allergy")
    [ticket] = grill.wait_for(1, timeout=20)
    assert ticket.line_with(number).width == 4
    assert ticket.has_line("GRILL") and ticket.has_line("Counter - EAT IN")
    assert ticket.has_line("1 x Cheeseburger") and ticket.has_line("+ Add bacon") and ticket.has_line("> nut allergy")
    assert ticket.line_with("!!! ALLERGY !!!").invert
    assert not ticket.has_line("Latte")  # the bar has no printer route: its items stay off the grill ticket
    assert passp.documents() == []
    prints = wait_for(lambda: [p for p in client.get("/api/v1/printing/prints").json["prints"] if p["state"] == "printed"])
    assert prints[0]["printed_by"] == "grill" and prints[0]["on_backup"] is False
    assert warnings == []


def test_paper_out_mid_service_moves_tickets_to_the_backup_without_duplicates(store):
    client, hub, grill, passp, warnings, _ = store
    first = burger_order(client)
    assert len(grill.wait_for(1, timeout=20)) == 1
    grill.set_state("paper_out")
    second = burger_order(client)
    [moved] = passp.wait_for(1, timeout=20)
    assert moved.line_with("BACKUP - FROM grill").invert
    assert moved.line_with(second).width == 4
    wait_for(lambda: warnings)
    assert warnings[0]["station"] == "grill" and warnings[0]["printer"] == "grill"
    assert "out of paper" in warnings[0]["message"] and "pass" in warnings[0]["message"]
    devices = client.get("/api/v1/devices").json["devices"]
    [agent] = [d for d in devices if d["device_id"] == "printers-1"]
    assert agent["health"]["grill"]["paper"] == "out"
    assert agent["error"] == "Printer grill is out of paper: put in a new roll."
    grill.set_state("online")
    time.sleep(3)  # the grill printer is back: the moved ticket must not come out there too
    assert [d.line_with(first).text for d in grill.documents()] == [first]
    assert len(passp.documents()) == 1


def test_silent_printer_times_out_to_the_backup_once(store):
    client, hub, grill, passp, warnings, _ = store
    grill.silent = True
    number = burger_order(client)
    [moved] = passp.wait_for(1, timeout=30)
    assert moved.has_line(number) and moved.has_line("BACKUP - FROM grill")
    grill.silent = False
    time.sleep(3)
    assert grill.documents() == []
    assert len(passp.documents()) == 1


def test_reprint_prints_the_ticket_again_marked_reprint(store):
    client, hub, grill, passp, warnings, _ = store
    reply = client.post("/api/v1/orders", json={
        "order_id": (order_id := str(uuid.uuid4())), "origin": "kiosk", "fulfilment": "takeaway",
        "lines": [{"sku": "BURGER", "qty": 2}]})
    number = reply.json["number"]
    assert len(grill.wait_for(1, timeout=20)) == 1
    again = client.post(f"/api/v1/orders/{order_id}/reprint", json={"station": "grill"})
    assert again.status_code == 202, again.json
    docs = grill.wait_for(2, timeout=20)
    assert docs[1].has_line("** REPRINT **") and docs[1].has_line(number)
    missing = client.post(f"/api/v1/orders/{uuid.uuid4()}/reprint", json={})
    assert missing.status_code == 404 and missing.json["field"] == "order_id"


def test_agent_killed_mid_ticket_leaves_exactly_one_ticket_on_paper(store):
    client, hub, grill, passp, warnings, agent = store
    grill.status_delay_s = 2.0  # the grill printer is slow to answer: the agent is mid-job when killed
    queries = grill.status_queries
    number = burger_order(client)
    wait_for(lambda: grill.status_queries > queries)
    agent.kill()
    grill.status_delay_s = 0.0
    agent.start()
    wait_for(lambda: [p for p in client.get("/api/v1/printing/prints").json["prints"] if p["state"] == "printed"], 40)
    time.sleep(6)  # past the hub's next re-send of the job
    printed = [d for d in grill.documents() + passp.documents() if d.has_line(number)]
    assert len(printed) == 1


def test_a_printer_set_to_german_prints_the_catalog_s_german_words(store):
    client, hub, grill, passp, warnings, _ = store
    reply = client.put("/api/v1/printing/routes/kitchen_ticket/grill",
                       json={"printer": {"device_id": "printers-1", "hardware": "grill"}, "language": "de"})
    assert reply.status_code == 200, reply.json
    reply = client.post("/api/v1/orders", json={
        "order_id": str(uuid.uuid4()), "origin": "counter", "fulfilment": "dine_in",
        "lines": [{"sku": "BURGER", "qty": 1, "modifiers": ["RARE", "BACON"]}, {"sku": "MEAL-DEAL", "qty": 1}]})
    assert reply.status_code == 201, reply.json
    [ticket] = grill.wait_for(1, timeout=20)
    assert ticket.has_line("1 x Cheeseburger") and ticket.has_line("+ Rosa gebraten") and ticket.has_line("+ Mit Bacon")
    assert not ticket.has_line("+ Add bacon")
    # a bundle's part keeps the name it was sold under
    assert ticket.has_line("Burger meal"), ticket.text
