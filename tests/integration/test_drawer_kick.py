"""Cash drawer behind the receipt printer: a drawer job kicks it, and its switch reports opened and closed."""

from __future__ import annotations

import pytest

from devices.simulators.escpos_decoder import decode
from devices.simulators.printer import PrinterSimulator
from tests.support.agent_process import AgentProcess, HubPeer, write_agent_config

STORE = "test"


@pytest.fixture
def rig(tmp_path, mosquitto):
    printer = PrinterSimulator(port=0, name="till").start()
    config = write_agent_config(tmp_path / "agent.toml", device_id="till-1", store=STORE, mqtt_url=mosquitto.url,
                                spool_dir=tmp_path / "spool",
                                hardware=[{"name": "receipt", "type": "escpos", "connection": printer.url,
                                           "drawer_sensor": "high_open", "poll_s": 0.2}])
    peer = HubPeer(mosquitto.url, STORE)
    agent = AgentProcess(config).start()
    peer.wait_status("till-1", lambda s: s["state"] == "online" and s["health"]["receipt"].get("drawer") == "closed")
    yield peer, printer
    agent.stop()
    peer.close()
    printer.stop()


def events_of(peer, wanted, count=1):
    found = []
    while len(found) < count:
        _, event = peer.events.get(timeout=10)
        if event["type"] in wanted:
            found.append(event)
    return found


def test_drawer_job_kicks_the_drawer_and_the_switch_reports_open_then_closed(rig):
    peer, printer = rig
    job_id = peer.send_job("till-1", "drawer", {"pin": 2})
    assert peer.result(job_id)["ok"] is True
    assert [d.drawer_kicks for d in decode(bytes(printer.printed)) if d.drawer_kicks] == [[2]]
    [opened] = events_of(peer, {"drawer.opened", "drawer.closed"})
    assert opened["type"] == "drawer.opened" and opened["data"]["hardware"] == "receipt"
    peer.wait_status("till-1", lambda s: s["health"]["receipt"]["drawer"] == "open")
    printer.drawer_open = False  # the cashier pushes it shut
    [closed] = events_of(peer, {"drawer.opened", "drawer.closed"})
    assert closed["type"] == "drawer.closed"
