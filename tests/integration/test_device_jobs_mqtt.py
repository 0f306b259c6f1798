"""Device jobs over a real broker: sent after commit, re-sent until answered, results acked."""

from __future__ import annotations

import json
import queue
import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from hub.adapters.db.device_jobs_tables import device_jobs as jobs_table
from hub.adapters.clock import utc_now
from hub.contracts import topics
from hub.contracts.envelope import envelope
from hub.domain import device_jobs as device_jobs_domain
from hub.services.device_jobs import queue_job
from tests.integration.test_mqtt_orders import store  # noqa: F401 - the same hub on both brokers
from tests.support.devices import TestDevice
from tests.support.print_jobs import print_payload

STORE = "test"


@pytest.fixture
def agent(store):
    """A device subscribed to its jobs and its replies."""
    hub, url, _ = store
    device = TestDevice(url, STORE, "agent-1", extra_topics=(topics.device_in(STORE, "agent-1", "print"),))
    yield device
    device.close()


def queue_print(hub, text: str, **options) -> str:
    with hub.uow_factory() as uow:
        job = queue_job(uow, utc_now, device_id="agent-1", kind="print", payload=print_payload(text), **options)
        uow.commit()
    hub.relay_bell.set()  # what the bus does after a command that queued a job
    return job.job_id


def next_job(device: TestDevice, timeout: float = 10) -> dict:
    while True:
        try:
            topic, payload = device.received.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("no job arrived") from None
        if topic.endswith("/in/print"):
            return json.loads(payload)


def job_state(hub, job_id: str) -> tuple[str, dict | None]:
    with hub.engine.connect() as connection:
        row = connection.execute(select(jobs_table.c.state, jobs_table.c.result).where(jobs_table.c.job_id == job_id)).one()
    return row.state, row.result


def send_result(device: TestDevice, job_id: str, ok: bool = True, error: str | None = None, event_id: str | None = None) -> dict:
    message = envelope("job.result", {"job_id": job_id, "ok": ok, "error": error, "message": None, "detail": {}})
    if event_id:
        message["id"] = event_id
    device.send_raw(json.dumps(message), kind="event")
    return message


def test_a_queued_job_reaches_its_device_and_its_result_is_acked_and_stored(store, agent):
    hub, _, _ = store
    job_id = queue_print(hub, "A001 2x LATTE-M")
    job = next_job(agent)
    assert job["type"] == "job"
    assert job["data"]["job_id"] == job_id
    assert job["data"]["payload"] == print_payload("A001 2x LATTE-M")
    sent = send_result(agent, job_id)
    ack = agent.reply()
    assert (ack["type"], ack["re"]) == ("ack", sent["id"])
    assert job_state(hub, job_id) == ("done", {"ok": True, "error": None, "message": None, "detail": {}})


def test_an_unanswered_job_is_sent_again_until_its_result_arrives(store, agent, monkeypatch):
    hub, _, _ = store
    monkeypatch.setattr(device_jobs_domain, "RESEND_AFTER", timedelta(0))
    job_id = queue_print(hub, "again")
    first, second = next_job(agent), next_job(agent)
    assert first["data"]["job_id"] == second["data"]["job_id"] == job_id
    send_result(agent, job_id)
    agent.reply()
    assert job_state(hub, job_id)[0] == "done"
    while not agent.received.empty():  # drain what was already on its way
        agent.received.get()
    hub.relay.sweep()
    with pytest.raises(AssertionError):
        next_job(agent, timeout=1.5)


def test_a_result_sent_twice_is_acked_twice_and_counted_once(store, agent):
    hub, _, _ = store
    job_id = queue_print(hub, "twice")
    next_job(agent)
    event_id = str(uuid.uuid4())
    send_result(agent, job_id, ok=False, error="paper_out", event_id=event_id)
    send_result(agent, job_id, ok=False, error="paper_out", event_id=event_id)
    assert [agent.reply()["re"], agent.reply()["re"]] == [event_id, event_id]
    state, result = job_state(hub, job_id)
    assert state == "failed" and result["error"] == "paper_out"


def test_a_job_without_an_answer_in_time_expires_and_says_so_on_the_wire(store, agent):
    hub, _, _ = store
    job_id = queue_print(hub, "late", answer_within_s=1)
    job = next_job(agent)
    assert job["data"]["expires_at"] is not None
    deadline = utc_now() + timedelta(seconds=10)
    while job_state(hub, job_id)[0] != "expired":
        assert utc_now() < deadline, "the job never expired"
        time.sleep(0.2)
        hub.relay.sweep()
    assert job_state(hub, job_id)[1]["error"] == "no_answer"


def test_a_malformed_result_is_refused_with_the_field_named(store, agent):
    message = envelope("job.result", {"job_id": "not-a-uuid", "ok": True})
    agent.send_raw(json.dumps(message), kind="event")
    reply = agent.reply()
    assert reply["type"] == "error"
    assert reply["re"] == message["id"]
    assert reply["data"]["code"] == "invalid_payload"
    assert reply["data"]["field"] == "job_id"
