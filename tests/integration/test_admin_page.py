"""The admin page and health endpoint: what store IT sees at 7 am."""

from __future__ import annotations

import re

from hub.adapters.db.migrate import newest_revision
from hub.domain.presence import DeviceState
from hub.adapters.clock import utc_now
from tests.support.devices import order_data
from tests.support.identities import screen_client


def test_admin_page_shows_each_part_and_what_to_do(client):
    page = client.get("/admin").get_data(as_text=True)
    assert "needs attention" in page  # messaging was never started in this test
    assert "Broker" in page and "What to do:" in page
    assert "Database" in page and f"schema {newest_revision()}" in page
    assert "No device has announced itself yet." in page


def test_admin_page_counts_todays_orders_and_lists_devices(client, hub):
    client.post("/api/v1/orders", json=order_data())
    hub.presence.update(DeviceState("printer-bar", False, "printer", {}, "Paper is out", utc_now()))
    page = client.get("/admin").get_data(as_text=True)
    assert "Orders today: <strong>1</strong>" in page
    assert "printer-bar" in page and "Paper is out" in page and "offline" in page


def test_health_is_503_while_the_broker_is_down(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"]["ok"] is True
    assert response.get_json()["checks"]["broker"]["ok"] is False


def test_admin_lists_enrolled_devices_accounts_and_makes_a_claim_code(app, client):
    screen_client(app, "kiosk-7", "kiosk")
    page = client.get("/admin").get_data(as_text=True)
    assert re.search(r"<title>Passline admin — test</title>", page)  # the title is a title, nothing more
    assert re.search(r'<tr data-device="kiosk-7">\s*<td>kiosk-7</td><td>kiosk</td>', page)
    assert "Revoke" in page and "Enrol a device" in page
    assert re.search(r"<td>owner</td><td>owner</td>", page)
    made = client.post("/api/v1/devices", json={"device_id": "printer-agent", "role": "agent"}).get_json()
    assert len(made["claim_code"]) == 10 and made["qr_svg"].startswith("<svg")
    assert "printer-agent" in client.get("/admin").get_data(as_text=True)  # pending, without its code
    assert made["claim_code"] not in client.get("/admin").get_data(as_text=True)


def test_admin_asks_for_a_sign_in_and_refuses_a_screen(app, anonymous):
    reply = anonymous.get("/admin")
    assert reply.status_code == 302 and reply.location == "/admin/sign-in?next=/admin"
    kiosk = screen_client(app, "kiosk-7", "kiosk")
    assert kiosk.get("/admin").status_code == 403
