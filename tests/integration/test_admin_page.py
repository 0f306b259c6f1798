"""The admin page and health endpoint: what store IT sees at 7 am."""

from __future__ import annotations

from hub.adapters.db.migrate import newest_revision
from hub.domain.presence import DeviceState
from hub.bootstrap import utc_now
from tests.support.devices import order_data


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
