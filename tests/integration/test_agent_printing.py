"""The agent as a real process, a real Mosquitto and simulated network printers."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from devices.simulators.printer import PrinterSimulator
from tests.support.agent_process import AgentProcess, HubPeer, ticket_payload, write_agent_config

STORE = "test"


@pytest.fixture
def printers():
    grill = PrinterSimulator(port=0, name="grill").start()
    bar = PrinterSimulator(port=0, name="bar").start()
    yield grill, bar
    grill.stop()
    bar.stop()


@pytest.fixture
def agent_setup(tmp_path, mosquitto, printers):
    grill, bar = printers
    config = write_agent_config(
        tmp_path / "agent.toml", device_id="printers-1", store=STORE, mqtt_url=mosquitto.url,
        spool_dir=tmp_path / "spool",
        hardware=[{"name": "grill", "type": "escpos", "connection": grill.url, "profile": "epson-tm-t88v", "poll_s": 0.5},
                  {"name": "bar", "type": "escpos", "connection": bar.url, "profile": "epson-tm-t88v", "poll_s": 0.5}])
    peer = HubPeer(mosquitto.url, STORE)
    agent = AgentProcess(config).start()
    yield agent, peer, grill, bar
    agent.stop()
    peer.close()


def online(status: dict) -> bool:
    return status.get("state") == "online"


def test_kitchen_ticket_reaches_the_named_printer_with_its_text(agent_setup):
    agent, peer, grill, bar = agent_setup
    peer.wait_status("printers-1", online)
    job_id = peer.send_job("printers-1", "print", ticket_payload("A012", "grill"), hardware="grill")
    result = peer.result(job_id)
    assert result["ok"] is True, result
    [ticket] = grill.wait_for(1)
    assert ticket.line_with("A012").width == 4
    assert ticket.has_line("GRILL") and ticket.has_line("Kiosk - TAKEAWAY")
    assert ticket.has_line("2 x Burger") and ticket.has_line("+ No onion") and ticket.has_line("> well done")
    assert bar.documents() == []


def test_same_job_id_twice_prints_once_and_answers_twice(agent_setup):
    agent, peer, grill, _ = agent_setup
    peer.wait_status("printers-1", online)
    job_id = peer.send_job("printers-1", "print", ticket_payload("B7"), hardware="grill")
    first = peer.result(job_id)
    peer.send_job("printers-1", "print", ticket_payload("B7"), hardware="grill", job_id=job_id)
    again = peer.result(job_id)
    assert first == again and first["ok"]  # the same result data (in a new envelope)
    assert len(grill.wait_for(2, timeout=2)) == 1


def test_job_past_its_expiry_is_not_started(agent_setup):
    agent, peer, grill, _ = agent_setup
    peer.wait_status("printers-1", online)
    past = (datetime.now(timezone.utc) - timedelta(seconds=1)).isoformat()
    job_id = peer.send_job("printers-1", "print", ticket_payload("C1"), hardware="grill", expires_at=past)
    result = peer.result(job_id)
    assert (result["ok"], result["error"]) == (False, "expired")
    assert grill.documents() == []


def test_paper_out_is_refused_and_shown_in_the_status(agent_setup):
    agent, peer, grill, _ = agent_setup
    peer.wait_status("printers-1", online)
    grill.set_state("paper_out")
    status = peer.wait_status("printers-1", lambda s: s["health"]["grill"].get("paper") == "out")
    assert status["error"] == "Printer grill is out of paper: put in a new roll."
    job_id = peer.send_job("printers-1", "print", ticket_payload("D4"), hardware="grill")
    result = peer.result(job_id)
    assert (result["ok"], result["error"]) == (False, "paper_out")
    assert grill.documents() == []
    grill.set_state("online")
    status = peer.wait_status("printers-1", lambda s: s["health"]["grill"].get("paper") == "ok")
    assert status["error"] is None


def test_results_are_sent_again_until_the_hub_acks(tmp_path, mosquitto, printers):
    grill, _ = printers
    config = write_agent_config(tmp_path / "agent.toml", device_id="printers-2", store=STORE, mqtt_url=mosquitto.url,
                                spool_dir=tmp_path / "spool", resend_s=0.5,
                                hardware=[{"name": "grill", "type": "escpos", "connection": grill.url}])
    peer = HubPeer(mosquitto.url, STORE, ack=False)
    agent = AgentProcess(config).start()
    try:
        peer.wait_status("printers-2", online)
        job_id = peer.send_job("printers-2", "print", ticket_payload("E5"))
        first = None
        for _ in range(3):
            while True:
                _, event = peer.events.get(timeout=10)
                if event["type"] == "job.result":
                    break
            first = first or event
            assert event["id"] == first["id"] and event["data"]["job_id"] == job_id
        peer.send_ack("printers-2", first["id"])
        peer.wait_status("printers-2", online)
        import time
        time.sleep(1.5)
        sent = [e for _, e in peer.seen_events if e["id"] == first["id"]]
        time.sleep(1.5)
        assert len([e for _, e in peer.seen_events if e["id"] == first["id"]]) == len(sent)
        assert len(grill.documents()) == 1
    finally:
        agent.stop()
        peer.close()


def test_a_job_sent_while_the_agent_is_down_prints_when_it_returns(agent_setup):
    agent, peer, grill, _ = agent_setup
    peer.wait_status("printers-1", online)
    agent.stop()
    peer.wait_status("printers-1", lambda s: s["state"] == "offline")
    job_id = peer.send_job("printers-1", "print", ticket_payload("F6"), hardware="grill")
    agent.start()
    assert peer.result(job_id)["ok"]
    assert [d.line_with("F6").text for d in grill.wait_for(1)] == ["F6"]


def test_sigkill_leaves_the_last_will_offline(agent_setup):
    agent, peer, *_ = agent_setup
    peer.wait_status("printers-1", online)
    agent.kill()
    assert peer.wait_status("printers-1", lambda s: s["state"] == "offline", timeout=40)


def test_a_silent_printer_does_not_hold_up_the_other_printer_on_the_same_agent(agent_setup):
    agent, peer, grill, bar = agent_setup
    peer.wait_status("printers-1", online)
    grill.silent = True  # each status request now waits out its timeout
    stuck = peer.send_job("printers-1", "print", ticket_payload("G1"), hardware="grill")
    quick = peer.send_job("printers-1", "print", ticket_payload("B1"), hardware="bar")
    finished = []
    while len(finished) < 2:
        _, event = peer.events.get(timeout=20)
        if event["type"] == "job.result":
            finished.append(event["data"]["job_id"])
    assert finished == [quick, stuck]
    assert [d.line_with("B1").text for d in bar.documents()] == ["B1"] and grill.documents() == []


def test_agent_comes_back_after_a_broker_restart_and_takes_jobs(agent_setup, mosquitto):
    agent, peer, grill, _ = agent_setup
    peer.wait_status("printers-1", online)
    mosquitto.restart()
    peer.close()
    peer = HubPeer(mosquitto.url, STORE)
    try:
        job_id = peer.send_job("printers-1", "print", ticket_payload("R1"), hardware="grill")
        assert peer.result(job_id, timeout=30)["ok"] is True
        assert [d.line_with("R1").text for d in grill.wait_for(1)] == ["R1"]
    finally:
        peer.close()
