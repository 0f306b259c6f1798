"""Text in an order, a name or a receipt never drives the printer: its control bytes are gone before paper."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from devices.printers.layout import render
from devices.printers.profiles import load_profile
from devices.simulators.escpos_decoder import decode
from devices.simulators.printer import PrinterSimulator
from hub.contracts.printing import KitchenTicket, PrintPayload, Receipt
from tests.conftest import make_settings, prepare_database, start_hub
from tests.support.agent_process import AgentProcess, HubPeer, write_agent_config
from tests.support.identities import owner_client

STORE = "test"
KICK = "\x1bp\x00\x19\x7f"  # ESC p 0 25 ...: pulse the drawer on pin 2
NASTY = KICK + "\x1b@\x1dV\x00\x9b\x07"  # and reset the printer, cut, a C1 CSI, a bell


def assert_no_text_control(printed: bytes) -> None:
    """Fail when the bytes kick a drawer or carry any byte sequence that came from the text."""
    assert all(not doc.drawer_kicks for doc in decode(printed))
    assert b"\x1bp" not in printed and b"\x7f" not in printed and b"\x07" not in printed
    assert b"\x1dV\x00" not in printed  # the layout cuts with its own GS V; a bare full cut came from the text


@pytest.fixture
def grill_stack(tmp_path, mosquitto):
    """A hub on Mosquitto, a grill printer behind an agent process, and the grill's print route."""
    settings = make_settings(tmp_path, mqtt_url=mosquitto.url)
    prepare_database(settings)
    hub, app = start_hub(settings)
    grill = PrinterSimulator(port=0, name="grill").start()
    config = write_agent_config(tmp_path / "agent.toml", device_id="printers-1", store=STORE, mqtt_url=mosquitto.url,
                                spool_dir=tmp_path / "spool",
                                hardware=[{"name": "grill", "type": "escpos", "connection": grill.url, "poll_s": 0.5}])
    agent = AgentProcess(config).start()
    client = owner_client(app)
    reply = client.put("/api/v1/printing/routes/kitchen_ticket/grill",
                       json={"printer": {"device_id": "printers-1", "hardware": "grill"}})
    assert reply.status_code == 200, reply.json
    yield client, grill
    agent.stop()
    hub.stop()
    grill.stop()


def test_order_note_control_bytes_never_reach_the_printer(grill_stack):
    client, grill = grill_stack
    reply = client.post("/api/v1/orders", json={
        "order_id": str(uuid.uuid4()), "origin": "web", "fulfilment": "pickup",
        "lines": [{"sku": "BURGER", "qty": 1, "note": f"no onions{NASTY} please"}]})
    assert reply.status_code == 201, reply.json
    [ticket] = grill.wait_for(1, timeout=20)
    assert ticket.has_line("> no onionsp@V please")  # the letters after ESC and GS stay, as harmless text
    assert grill.drawer_open is False
    assert_no_text_control(bytes(grill.printed))


@pytest.fixture
def agent_only(tmp_path, mosquitto):
    """An agent with a receipt printer, driven by a test playing the hub."""
    printer = PrinterSimulator(port=0, name="till").start()
    config = write_agent_config(tmp_path / "agent.toml", device_id="till-1", store=STORE, mqtt_url=mosquitto.url,
                                spool_dir=tmp_path / "spool",
                                hardware=[{"name": "receipt", "type": "escpos", "connection": printer.url, "poll_s": 0.5}])
    peer = HubPeer(mosquitto.url, STORE)
    agent = AgentProcess(config).start()
    peer.wait_status("till-1", lambda s: s["state"] == "online")
    yield peer, printer
    agent.stop()
    peer.close()
    printer.stop()


def test_agent_strips_control_bytes_from_a_receipt_job_whatever_the_hub_sent(agent_only):
    peer, printer = agent_only
    receipt = {"document": "receipt", "order_id": "o-1", "order_number": "A1" + KICK[:3], "store_name": "Cafe" + NASTY,
               "store_lines": ["Street" + NASTY], "placed_at": "2026-11-22T12:03:00+00:00", "currency": "EUR",
               "lines": [{"qty": 1, "name": "Latte" + NASTY, "amount": 450, "modifiers": ["Oat" + NASTY]}],
               "discounts": [{"label": "Deal" + NASTY, "amount": 50}], "total": 400,
               "tenders": [{"label": "Cash" + NASTY, "amount": 400}], "footer": "Bye" + NASTY}
    job_id = peer.send_job("till-1", "print", {"document": receipt, "banner": "Top" + NASTY})
    assert peer.result(job_id)["ok"] is True
    [doc] = printer.wait_for(1, timeout=20)
    assert doc.has_line("Latte") and doc.has_line("Bye")
    assert printer.drawer_open is False
    assert_no_text_control(bytes(printer.printed))


def test_hub_sends_print_documents_without_control_characters():
    ticket = KitchenTicket(order_id="o-1", order_number="A1", station="grill\x1b", origin="web", fulfilment="pickup",
                           placed_at="2026-11-22T12:03:00+00:00", note="line\r\nbreak" + NASTY,
                           items=[{"qty": 1, "name": "Burger" + NASTY, "modifiers": ["Bacon\x1b"], "note": KICK,
                                   "allergens": ["Nuts\x00"]}])
    sent = PrintPayload(document=ticket).model_dump(mode="json")
    text = repr(sent)
    assert sent["document"]["note"] == "line breakp@V"
    assert sent["document"]["items"][0] == {"qty": 1, "name": "Burgerp@V", "modifiers": ["Bacon"], "note": "p",
                                            "allergens": ["Nuts"]}
    assert not any(ch in text for ch in ("\x1b", "\x00", "\x7f", "\x9b", "\x07"))


def test_layout_prints_no_control_bytes_even_from_a_payload_that_skipped_validation():
    receipt = Receipt.model_construct(document="receipt", order_id="o", order_number="A1", store_name="Cafe" + NASTY,
                                      store_lines=[], placed_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
                                      currency="EUR", lines=[], discounts=[], total=0, taxes=[], tenders=[], change=0,
                                      loyalty_points=None, loyalty_balance=None, e_receipt_url=None, footer=KICK)
    data = render(PrintPayload.model_construct(document=receipt, language="en", copies=1, banner=None, reprint=False,
                                               open_drawer=False), load_profile("epson-tm-t88v"))
    assert_no_text_control(data)
