"""The agent SIGKILLed in the middle of a print job prints it exactly once after a restart."""

from __future__ import annotations

import time

import pytest

from devices.simulators.printer import PrinterSimulator
from tests.support.agent_process import AgentProcess, HubPeer, ticket_payload, write_agent_config

STORE = "test"


@pytest.fixture
def rig(tmp_path, mosquitto):
    printer = PrinterSimulator(port=0, name="grill").start()
    config = write_agent_config(tmp_path / "agent.toml", device_id="printers-k", store=STORE, mqtt_url=mosquitto.url,
                                spool_dir=tmp_path / "spool",
                                hardware=[{"name": "grill", "type": "escpos", "connection": printer.url,
                                           "poll_s": 3600, "timeout_s": 10}])
    peer = HubPeer(mosquitto.url, STORE)
    agent = AgentProcess(config).start()
    peer.wait_status("printers-k", lambda s: s["state"] == "online")
    yield agent, peer, printer
    agent.stop()
    peer.close()
    printer.stop()


def wait_until(check, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def test_killed_while_asking_the_printer_prints_once_after_restart(rig):
    agent, peer, printer = rig
    printer.status_delay_s = 3.0  # the printer is slow to answer: the agent is mid-job, nothing printed yet
    queries_before = printer.status_queries
    job_id = peer.send_job("printers-k", "print", ticket_payload("K1"))
    wait_until(lambda: printer.status_queries > queries_before)
    agent.kill()
    assert printer.documents() == []
    printer.status_delay_s = 0.0
    agent.start()
    assert peer.result(job_id)["ok"] is True
    docs = printer.wait_for(2, timeout=3)
    assert [d.line_with("K1").text for d in docs] == ["K1"]


def test_killed_after_the_bytes_went_out_does_not_print_again(rig):
    agent, peer, printer = rig
    printer.hold_after_cut_s = 5.0  # the ticket is on paper; the agent waits for the after-print status
    job_id = peer.send_job("printers-k", "print", ticket_payload("K2"))
    assert len(printer.wait_for(1)) == 1
    journal = agent.config_path.parent / "spool" / "hardware" / "grill" / "sent" / f"{job_id}.sent"
    wait_until(journal.exists)  # the agent noted that every byte went out, then died before reporting
    agent.kill()
    printer.hold_after_cut_s = 0.0
    agent.start()
    result = peer.result(job_id)
    assert result["ok"] is True and result["detail"].get("recovered") is True
    time.sleep(1.0)
    assert len(printer.wait_for(2, timeout=1)) == 1
