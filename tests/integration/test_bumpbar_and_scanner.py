"""Serial bump bars and scanners on pseudo-terminals: presses and scans reach the hub as acked events."""

from __future__ import annotations

import pytest

from tests.support.agent_process import AgentProcess, HubPeer, write_agent_config
from tests.support.pty_device import PtyDevice

STORE = "test"


@pytest.fixture
def rig(tmp_path, mosquitto):
    bar, scanner = PtyDevice(), PtyDevice()
    config = write_agent_config(tmp_path / "agent.toml", device_id="line-1", store=STORE, mqtt_url=mosquitto.url,
                                spool_dir=tmp_path / "spool",
                                hardware=[{"name": "grill-bar", "type": "bumpbar", "port": bar.path, "station": "grill"},
                                          {"name": "till-scanner", "type": "scanner", "port": scanner.path}])
    peer = HubPeer(mosquitto.url, STORE)
    agent = AgentProcess(config).start()
    peer.wait_status("line-1", lambda s: s["state"] == "online" and s["error"] is None)
    yield peer, bar, scanner, agent
    agent.stop()
    peer.close()
    bar.close()
    scanner.close()


def next_events(peer, count):
    return [peer.events.get(timeout=10)[1] for _ in range(count)]


def test_bump_bar_keys_become_key_pressed_events_for_its_station(rig):
    peer, bar, _, _ = rig
    bar.send(b"BR\r\n")
    events = next_events(peer, 3)
    assert [(e["type"], e["data"]["key"]) for e in events] == [("key.pressed", "bump"), ("key.pressed", "recall"),
                                                                 ("key.pressed", "enter")]
    assert {e["data"]["station"] for e in events} == {"grill"}


def test_scanner_lines_become_scan_events(rig):
    peer, _, scanner, _ = rig
    scanner.send(b"4006381")
    scanner.send(b"333931\r\n")
    [event] = next_events(peer, 1)
    assert event["type"] == "scan" and event["data"] == {"hardware": "till-scanner", "code": "4006381333931"}


def test_missing_serial_port_shows_in_the_status(tmp_path, mosquitto):
    config = write_agent_config(tmp_path / "agent.toml", device_id="line-2", store=STORE, mqtt_url=mosquitto.url,
                                spool_dir=tmp_path / "spool",
                                hardware=[{"name": "bar", "type": "bumpbar", "port": str(tmp_path / "ttyNONE")}])
    peer = HubPeer(mosquitto.url, STORE)
    agent = AgentProcess(config).start()
    try:
        status = peer.wait_status("line-2", lambda s: s["state"] == "online" and s["error"])
        assert status["error"] == f"Bump bar bar is not connected at {tmp_path / 'ttyNONE'}: check its cable."
        assert status["health"]["bar"]["online"] is False
    finally:
        agent.stop()
        peer.close()
