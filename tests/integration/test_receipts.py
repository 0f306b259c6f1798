"""Receipts at the till: printed on the till's printer with tenders, change and the e-receipt QR; the e-receipt page."""

from __future__ import annotations

import stat

import pytest

from devices.simulators.printer import PrinterSimulator
from tests.support.agent_process import AgentProcess, HubPeer, write_agent_config
from tests.support.devices import order_data

ROUTE = {"printer": {"device_id": "till-printers", "hardware": "front"}}


def _paid_order(client, cash: int = 2000) -> dict:
    order = client.post("/api/v1/orders", json=order_data(origin="counter", lines=[{"sku": "BURGER", "qty": 1}])).get_json()
    client.post(f"/api/v1/orders/{order['order_id']}/tenders", json={"kind": "cash", "amount": cash})
    return order


def _print_jobs(hub):
    with hub.uow_factory() as uow:
        return [j for j in uow.device_jobs.unfinished(100) if j.kind == "print"]


def test_the_receipt_prints_on_the_tills_own_printer_with_cash_given_change_and_the_e_receipt_link(client, hub):
    client.put("/api/v1/printing/routes/receipt/*", json={"printer": {"device_id": "office", "hardware": None}})
    client.put("/api/v1/printing/routes/receipt/counter-1", json=ROUTE)
    order = _paid_order(client)
    printed = client.post(f"/api/v1/orders/{order['order_id']}/receipt", json={"device_id": "counter-1"})
    assert printed.status_code == 202 and printed.get_json()["print"]["reprint"] is False
    [job] = _print_jobs(hub)
    receipt = job.payload["document"]
    assert (job.device_id, job.hardware) == ("till-printers", "front")
    assert receipt["tenders"] == [{"label": "Cash", "amount": 2000}] and receipt["change"] == 2000 - 990
    link = client.get(f"/api/v1/orders/{order['order_id']}/e-receipt").get_json()["url"]
    assert receipt["e_receipt_url"] == link and f"/r/{order['order_id']}/" in link
    again = client.post(f"/api/v1/orders/{order['order_id']}/receipt", json={"device_id": "counter-1"}).get_json()
    assert again["print"]["reprint"] is True


def test_a_till_without_its_own_route_uses_the_catch_all_and_none_at_all_is_refused(client, hub):
    order = _paid_order(client)
    refused = client.post(f"/api/v1/orders/{order['order_id']}/receipt", json={"device_id": "counter-2"})
    assert refused.status_code == 422 and refused.get_json()["code"] == "no_printer"
    assert "PUT /api/v1/printing/routes/receipt/counter-2" in refused.get_json()["message"]
    client.put("/api/v1/printing/routes/receipt/*", json=ROUTE)
    assert client.post(f"/api/v1/orders/{order['order_id']}/receipt", json={"device_id": "counter-2"}).status_code == 202
    assert [j.device_id for j in _print_jobs(hub)] == ["till-printers"]
    unknown = client.post("/api/v1/orders/00000000-0000-4000-8000-000000000000/receipt", json={"device_id": "counter-2"})
    assert unknown.status_code == 404


def test_the_e_receipt_page_shows_the_receipt_to_the_link_holder_only_and_needs_nothing_from_outside(client, hub, settings):
    order = _paid_order(client)
    answer = client.get(f"/api/v1/orders/{order['order_id']}/e-receipt").get_json()
    assert answer["qr_svg"].startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in answer["qr_svg"]
    page = client.get(answer["url"].replace("http://localhost", ""))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and order["number"] in html and "€9.90" in html and "€20.00" in html
    assert "Change" in html and "€10.10" in html and 'name="viewport"' in html
    assert "<link" not in html and "<script" not in html and "src=" not in html  # works offline, on a phone
    sig = answer["url"].rsplit("/", 1)[1]
    assert client.get(f"/r/{order['order_id']}/{'0' * len(sig)}").status_code == 404
    other = _paid_order(client)
    assert client.get(f"/r/{other['order_id']}/{sig}").status_code == 404
    secret = settings.data_dir / "receipt_secret"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600 and sig not in secret.read_text()


def test_the_store_can_set_the_address_printed_in_the_qr_code(client, hub):
    hub.frontdesk = type(hub.frontdesk)(receipt_url="https://receipts.example.com")
    order = _paid_order(client)
    url = client.get(f"/api/v1/orders/{order['order_id']}/e-receipt").get_json()["url"]
    assert url.startswith(f"https://receipts.example.com/r/{order['order_id']}/")


@pytest.fixture
def receipt_printer(tmp_path, mosquitto):
    printer = PrinterSimulator(port=0, name="front").start()
    config = write_agent_config(
        tmp_path / "agent.toml", device_id="till-printers", store="test", mqtt_url=mosquitto.url,
        spool_dir=tmp_path / "spool",
        hardware=[{"name": "front", "type": "escpos", "connection": printer.url, "profile": "epson-tm-t88v", "poll_s": 0.5}])
    peer = HubPeer(mosquitto.url, "test")
    agent = AgentProcess(config).start()
    yield peer, printer
    agent.stop()
    peer.close()
    printer.stop()


def test_the_real_agent_prints_the_hubs_receipt_with_change_and_the_qr_code(client, hub, receipt_printer):
    peer, printer = receipt_printer
    client.put("/api/v1/printing/routes/receipt/counter-1", json=ROUTE)
    order = _paid_order(client)
    client.post(f"/api/v1/orders/{order['order_id']}/receipt", json={"device_id": "counter-1"})
    [job] = _print_jobs(hub)
    peer.wait_status("till-printers", lambda status: status.get("state") == "online")
    job_id = peer.send_job("till-printers", "print", job.payload, hardware="front")  # as the hub's relay sends it
    assert peer.result(job_id)["ok"] is True
    [paper] = printer.wait_for(1)
    assert paper.has_line(order["number"]) and "Cheeseburger" in paper.text
    assert "Change" in paper.text and "10.10" in paper.text and "20.00" in paper.text
    assert paper.qr_codes == [job.payload["document"]["e_receipt_url"]]


def test_the_receipt_names_who_served_when_the_order_was_taken_at_a_signed_in_counter(client, hub):
    from datetime import datetime, timezone

    from tests.support.staff import ensure_staff

    ensure_staff(hub)
    order = _paid_order(client)
    with hub.uow_factory() as uow:  # as order intake records it (hub.services.staff.authorize_sale)
        uow.staff.set_order_staff(order["order_id"], "staff-sam", None, datetime.now(timezone.utc))
        uow.commit()
    html = client.get(client.get(f"/api/v1/orders/{order['order_id']}/e-receipt").get_json()["url"]).get_data(as_text=True)
    assert "Served by Sam" in html


def test_the_e_receipt_page_speaks_the_customers_language_with_the_catalogs_words(client, hub):
    order = client.post("/api/v1/orders", json=order_data(origin="counter", lines=[
        {"sku": "BURGER", "qty": 1, "modifiers": ["RARE"]}, {"sku": "LATTE-M", "qty": 1}])).get_json()
    client.post(f"/api/v1/orders/{order['order_id']}/tenders", json={"kind": "cash", "amount": 2000})
    link = client.get(f"/api/v1/orders/{order['order_id']}/e-receipt").get_json()["url"].replace("http://localhost", "")

    german = client.get(link, headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="de">' in german and 'aria-label="Artikel"' in german and f"<title>Beleg {order['number']} — " in german
    for words in ("Latte (mittel)", "Gesamt", "Bar", "Rückgeld", "auf 9,25\u00a0€", 'aria-label="Bestellnummer"',
                  "6,10\u00a0€", '<a href="?lang=en" hreflang="en" lang="en">English</a>'):
        assert words in german, words
    english = ("Total", ">Cash<", "Change", "on €", "Latte (medium)", "Medium rare", "Order number", "VAT")
    assert [word for word in english if word in german] == []

    phone = client.get(link, headers={"Accept-Language": "en-GB,en;q=0.8"}).get_data(as_text=True)
    assert "<html lang=\"en\">" in phone and "Latte (medium)" in phone and "€6.10" in phone and "VAT 7 % on €9.25" in phone
    switched = client.get(f"{link}?lang=de", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert '<html lang="de">' in switched and "Rückgeld" in switched  # the page's own language link wins
