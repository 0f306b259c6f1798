"""Every message the hub sends is checked against its contract, and a misfit is written down, never raised."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.adapters.contract_check import CHECK_ENV, REPORT_ENV, check_ack, check_mqtt, check_socket
from hub.adapters.mqtt.connection import HubConnection
from hub.config import MqttTarget
from hub.contracts.envelope import envelope
from hub.contracts.jobs import JOB
from tests.support.contract_report import misfits

ORDER_ID = "0b6e7a52-7c1e-4f0e-8d0a-3a7a5f6b9c01"
TICKET_ID = "6f1c2d9e-4d1b-4c55-9a39-0b3c1f0b2a11"


@pytest.fixture
def report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A report file of this test's own, so the misfits it makes on purpose do not fail the suite."""
    path = tmp_path / "misfits.jsonl"
    monkeypatch.setenv(CHECK_ENV, "1")
    monkeypatch.setenv(REPORT_ENV, str(path))
    return path


def accepted(**changes) -> dict:
    data = {"order_id": ORDER_ID, "number": "A012", "status": "accepted", "total": {"amount": 900, "currency": "EUR"},
            "tickets": [{"station": "bar", "ticket_id": TICKET_ID}], "hold": None, "promised_at": None}
    return {**data, **changes}


def test_an_order_accepted_that_fits_its_contract_is_not_written_down(report: Path):
    check_mqtt("passline/test/device/kiosk-1/in/reply", envelope("order.accepted", accepted()))
    assert misfits(report) == []


def test_a_published_reply_missing_a_field_is_written_down_and_still_sent(report: Path):
    connection = HubConnection(MqttTarget(host="127.0.0.1", port=1), store="test", version="0", on_message=lambda _m: None)
    bad = accepted()
    del bad["number"]
    connection.publish("passline/test/device/kiosk-1/in/reply", envelope("order.accepted", bad))  # no exception
    [misfit] = misfits(report)
    assert misfit["channel"] == "mqtt" and misfit["where"] == "passline/test/device/kiosk-1/in/reply"
    assert "OrderAccepted" in misfit["problem"] and "number" in misfit["problem"]


def test_an_undocumented_field_is_a_misfit(report: Path):
    check_mqtt("passline/test/device/kiosk-1/in/reply", envelope("order.accepted", accepted(colour="red")))
    assert "colour" in misfits(report)[0]["problem"]


def test_a_message_type_with_no_contract_is_a_misfit(report: Path):
    check_mqtt("passline/test/broadcast/weather", envelope("weather", {"sunny": True}))
    assert "no contract for MQTT message type 'weather'" in misfits(report)[0]["problem"]


def test_a_job_payload_is_checked_by_its_kind(report: Path):
    job = {"job_id": TICKET_ID, "kind": "drawer", "payload": {"pin": 7}}
    check_mqtt("passline/test/device/printers/in/drawer", envelope(JOB, job))
    assert "DrawerKick" in misfits(report)[0]["problem"]


def test_a_live_event_is_checked_on_the_way_to_the_pages(report: Path, hub, app):
    hub.notifier("order.status", {"order_id": ORDER_ID, "status": "ready"})  # `previous` is missing
    [misfit] = misfits(report)
    assert misfit["where"] == "/hub order.status" and "previous" in misfit["problem"]


def test_a_display_refusal_is_checked_as_an_ack(report: Path):
    check_ack("/displays", "action", {"ok": False, "reason": "no", "code": "refused"})
    check_ack("/displays", "action", {"ok": False, "reason": "no", "why": "undocumented"})
    [misfit] = misfits(report)
    assert misfit["channel"] == "socket.io ack" and "why" in misfit["problem"]


def test_no_misfit_names_a_value(report: Path):
    check_socket("/hub", "payment.changed", {"payment_id": 4111111111111111, "order_id": ORDER_ID, "state": "paid"})
    assert "4111" not in misfits(report)[0]["problem"]


def test_nothing_is_checked_when_the_check_is_off(report: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(CHECK_ENV)
    check_socket("/hub", "no.such.event", {})
    assert misfits(report) == []
