"""A ticket no printer can take is held, shown in words, and printed once when its printer is back.

The hub, a real Mosquitto, the agent as a process, and simulated ESC/POS printers that run out of paper.
"""

from __future__ import annotations

import re
import time
import uuid
from datetime import timedelta

import pytest

from devices.simulators.escpos_decoder import decode
from devices.simulators.printer import PrinterSimulator
from hub.services import print_holds
from tests.support.printer_pair import printer_pair
from tests.support.waiting import wait_for

STORE = "test"


@pytest.fixture
def store(tmp_path, mosquitto):
    """A hub on Mosquitto, a grill printer and a pass printer behind one agent; routes are set by each test."""
    with printer_pair(tmp_path, mosquitto.url, STORE) as pair:
        yield pair.client, pair.hub, pair.grill, pair.passp, pair.warnings


def route(client, backup: bool) -> None:
    body = {"printer": {"device_id": "printers-1", "hardware": "grill"}, "answer_within_s": 10}
    if backup:
        body["backup"] = {"device_id": "printers-1", "hardware": "pass"}
    reply = client.put("/api/v1/printing/routes/kitchen_ticket/grill", json=body)
    assert reply.status_code == 200, reply.json


def burger_order(client) -> tuple[str, str]:
    reply = client.post("/api/v1/orders", json={
        "order_id": (order_id := str(uuid.uuid4())), "origin": "counter", "fulfilment": "dine_in",
        "lines": [{"sku": "BURGER", "qty": 1}]})
    assert reply.status_code == 201, reply.json
    return order_id, reply.json["number"]


def prints_in(client, state: str) -> list[dict]:
    return [p for p in client.get("/api/v1/printing/prints").json["prints"] if p["state"] == state]


def copies(printer: PrinterSimulator, number: str) -> tuple[int, int]:
    """Return how many tickets of an order reached the paper, and how many were sent to the printer at all."""
    on_paper = [d for d in printer.documents() if d.has_line(number)]
    sent = [d for d in decode(bytes(printer.received)) if d.has_line(number)]
    return len(on_paper), len(sent)


def admin_text(client) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get("/admin").get_data(as_text=True)))


def wait_until_agent_says(client, ready: bool) -> None:
    """Wait until the hub has heard the agent's status saying the grill printer is (not) ready."""
    def heard():
        devices = client.get("/api/v1/devices").json["devices"]
        agent = next((d for d in devices if d["device_id"] == "printers-1"), None)
        return agent is not None and agent["health"].get("grill", {}).get("ready") is ready
    wait_for(heard)


def held_ticket(client, grill: PrinterSimulator, backup_out: PrinterSimulator | None = None) -> tuple[str, str, dict]:
    """Route the grill's tickets (with a backup printer whose cover is open, if given), take the grill's paper, order
    a burger once the hub heard of it, and return the order's id and number and its held print."""
    route(client, backup=backup_out is not None)
    grill.set_state("paper_out")
    if backup_out is not None:
        backup_out.set_state("cover_open")
    wait_until_agent_says(client, ready=False)
    order_id, number = burger_order(client)
    [held] = wait_for(lambda: prints_in(client, "held"))
    return order_id, number, held


def test_paper_out_holds_the_ticket_in_words_and_paper_back_prints_it_exactly_once(store, monkeypatch):
    client, hub, grill, passp, warnings = store
    order_id, number, held = held_ticket(client, grill)
    assert held["order_id"] == order_id and held["error"] == "paper_out" and held["held_since"]
    wait_for(lambda: warnings)
    assert warnings[-1]["station"] == "grill"
    assert warnings[-1]["message"] == (f"The ticket of order {number} is waiting (printer grill: paper out). "
                                       "It prints by itself when the printer is ready.")
    check = client.get("/api/v1/health").json["checks"]["printing"]
    assert check["ok"] is True  # just held: the cook has seconds to change the roll before the store is told
    assert check["detail"] == "Kitchen printer grill: paper out — 1 ticket waiting"
    monkeypatch.setattr(print_holds, "HELD_ALERT_AFTER", timedelta(0))
    health = client.get("/api/v1/health").json
    assert health["ok"] is False and health["checks"]["printing"]["ok"] is False
    assert "the waiting prints come out by themselves" in health["checks"]["printing"]["fix"]
    text = admin_text(client)
    assert "Kitchen printer grill: paper out — 1 ticket waiting" in text
    assert f"The ticket of order {number} is waiting (printer grill: paper out)." in text
    assert "Print again" in text
    assert copies(grill, number) == (0, 0)  # nothing reached the printer while it had no paper

    grill.set_state("online")  # a new roll
    [ticket] = grill.wait_for(1, timeout=30)
    assert ticket.has_line(number) and not ticket.has_line("** REPRINT **")
    wait_for(lambda: prints_in(client, "printed"))
    time.sleep(7)  # past the relay's re-send delay and the agent's next status: no second copy may follow
    assert copies(grill, number) == (1, 1)
    assert passp.documents() == []
    assert client.get("/api/v1/health").json["checks"]["printing"] == {
        "ok": True, "held": 0, "waiting": [], "detail": "every print came out", "fix": None}


def test_with_both_printers_out_the_ticket_waits_and_comes_out_once_on_the_first_one_back(store):
    client, hub, grill, passp, warnings = store
    _, number, held = held_ticket(client, grill, backup_out=passp)
    assert held["on_backup"] is True and held["error"] == "cover_open"
    passp.set_state("online")  # the pass is back first
    [ticket] = passp.wait_for(1, timeout=30)
    assert ticket.has_line(number) and ticket.has_line("BACKUP - FROM grill")
    wait_for(lambda: prints_in(client, "printed"))
    grill.set_state("online")  # the grill comes back later: the ticket is already on paper at the pass
    wait_until_agent_says(client, ready=True)
    time.sleep(5)
    assert copies(grill, number) == (0, 0)
    assert copies(passp, number) == (1, 1)


def test_print_again_and_paper_back_together_print_a_held_ticket_once(store):
    client, hub, grill, passp, warnings = store
    order_id, number, held = held_ticket(client, grill)
    grill.set_state("online")
    again = client.post(f"/api/v1/printing/prints/{held['print_id']}/print-again")
    assert again.status_code in (202, 409), again.json  # whichever came first sent it; the other found it on its way
    grill.wait_for(1, timeout=30)
    wait_for(lambda: prints_in(client, "printed"))
    time.sleep(7)
    assert copies(grill, number) == (1, 1)
    gone = client.post(f"/api/v1/printing/prints/{held['print_id']}/print-again")
    assert gone.status_code == 409 and gone.json["field"] == "print_id"


def test_a_cook_s_reprint_of_a_held_ticket_sends_the_waiting_one_not_a_second(store):
    client, hub, grill, passp, warnings = store
    order_id, number, held = held_ticket(client, grill)
    reprint = client.post(f"/api/v1/orders/{order_id}/reprint", json={"station": "grill"})
    assert reprint.status_code == 202 and [p["print_id"] for p in reprint.json["prints"]] == [held["print_id"]]
    wait_for(lambda: prints_in(client, "held") and not prints_in(client, "printing"))  # still no paper: it waits again
    grill.set_state("online")
    [ticket] = grill.wait_for(1, timeout=30)
    assert not ticket.has_line("** REPRINT **")
    time.sleep(7)
    assert copies(grill, number) == (1, 1)
    assert len(client.get("/api/v1/printing/prints").json["prints"]) == 1
