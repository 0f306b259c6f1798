"""What the agent does with the hub's answers to its events: keep what the hub could not store."""

from __future__ import annotations

import json

from devices.agent.config import AgentConfig
from devices.agent.runner import Agent
from hub.contracts.envelope import envelope


def agent(tmp_path) -> Agent:
    return Agent(AgentConfig(device_id="agent-1", store="test", mqtt_url="mqtt://127.0.0.1:1", spool_dir=tmp_path,
                             hardware=()))


def answer(agent: Agent, type_: str, data: dict, re: str) -> None:
    agent._on_message("passline/test/device/agent-1/in/reply", json.dumps(envelope(type_, data, re=re)).encode())


def test_an_event_the_hub_could_not_store_stays_in_the_spool_to_be_sent_again(tmp_path):
    runner = agent(tmp_path)
    event = envelope("job.result", {"job_id": "7b0a1c8e-1b8e-4a43-9a55-3f6f3c1f2a10", "ok": True})
    runner.spool.add_event(event)
    answer(runner, "error", {"code": "internal", "message": "send it again", "field": None}, event["id"])
    assert runner.spool.counts()["events_unacked"] == 1
    assert [e["id"] for e in runner.spool.due_events(0)] == [event["id"]]
    answer(runner, "ack", {"event_id": event["id"]}, event["id"])
    assert runner.spool.counts()["events_unacked"] == 0
    runner.spool.close()


def test_an_event_the_hub_refused_as_invalid_is_not_sent_again(tmp_path):
    runner = agent(tmp_path)
    event = envelope("scan", {"code": ""})
    runner.spool.add_event(event)
    answer(runner, "error", {"code": "invalid_payload", "message": "code is empty", "field": "code"}, event["id"])
    assert runner.spool.counts()["events_unacked"] == 0
    runner.spool.close()
