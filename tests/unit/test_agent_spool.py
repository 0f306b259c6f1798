"""The agent's spool: jobs survive a reopen, repeats are recognised, events stay until acked."""

from __future__ import annotations

import uuid

import pytest

from devices.agent.config import AgentConfigError, parse_config
from devices.agent.spool import Spool
from hub.contracts.envelope import envelope
from hub.contracts.jobs import JobOut


def a_job(**kw) -> JobOut:
    return JobOut(job_id=uuid.uuid4(), kind="print", payload={"x": 1}, **kw)


def test_job_survives_reopening_the_spool_and_is_seen_as_started(tmp_path):
    spool = Spool(tmp_path)
    job = a_job()
    assert spool.add_job(job) is True
    spool.start_job(str(job.job_id))
    spool.close()
    again = Spool(tmp_path)
    assert again.next_job() == (job, True)


def test_repeated_job_id_is_not_queued_twice_and_its_result_goes_out_again(tmp_path):
    spool = Spool(tmp_path)
    job = a_job()
    spool.add_job(job)
    result = envelope("job.result", {"job_id": str(job.job_id), "ok": True})
    spool.finish_job(str(job.job_id), result)
    spool.mark_sent(result["id"])
    assert spool.ack(result["id"]) is True
    assert spool.add_job(job) is False
    assert spool.next_job() is None
    [again] = spool.due_events(0)
    assert again["data"] == result["data"] and again["id"] != result["id"]
    assert spool.ack(result["id"]) is False and spool.due_events(0) == [again]  # a late ack of the old copy


def test_events_are_due_until_acked(tmp_path):
    spool = Spool(tmp_path)
    event = envelope("scan", {"hardware": "s", "code": "4006381333931"})
    spool.add_event(event)
    assert spool.due_events(60) == [event]
    spool.mark_sent(event["id"])
    assert spool.due_events(60) == []
    assert spool.due_events(0) == [event]
    assert spool.ack(event["id"]) and not spool.ack(event["id"])
    assert spool.due_events(0) == []
    assert spool.counts() == {"jobs_waiting": 0, "events_unacked": 0}


CONFIG = {"agent": {"device_id": "printers-1", "store": "demo", "mqtt_url": "mqtt://printers-1:pw@hub:1883",
                    "spool_dir": "spool"},
          "hardware": [{"name": "grill", "type": "escpos", "connection": "tcp://10.0.0.5:9100"}]}


def test_config_resolves_spool_dir_and_passes_free_options(tmp_path):
    config = parse_config(CONFIG, tmp_path)
    assert config.spool_dir == tmp_path / "spool"
    assert config.hardware[0].options == {"connection": "tcp://10.0.0.5:9100"}


@pytest.mark.parametrize("change, message", [
    ({"agent": {**CONFIG["agent"], "mqtt_url": "http://x"}}, "agent.mqtt_url must look like"),
    ({"agent": {**CONFIG["agent"], "device_id": "a b"}}, "agent.device_id 'a b' may hold only"),
    ({"hardware": []}, "at least one [[hardware]]"),
    ({"hardware": [{"name": "x"}]}, "hardware[0].type is required"),
    ({"hardware": [{"name": "x", "type": "escpos"}, {"name": "x", "type": "escpos"}]}, "hardware[1].name 'x' is used twice"),
])
def test_config_errors_name_the_field(tmp_path, change, message):
    with pytest.raises(AgentConfigError) as error:
        parse_config({**CONFIG, **change}, tmp_path)
    assert message in str(error.value)


def test_agent_command_refuses_a_bad_config_naming_the_problem(tmp_path, capsys):
    from devices.agent.__main__ import main

    assert main(["--config", str(tmp_path / "missing.toml")]) == 2
    assert f"{tmp_path / 'missing.toml'}: no such file" in capsys.readouterr().err
    bad = tmp_path / "agent.toml"
    bad.write_text('[agent]\ndevice_id = "p1"\nstore = "s"\nmqtt_url = "mqtt://h"\nspool_dir = "x"\n'
                   '[[hardware]]\nname = "grill"\ntype = "laser"\n')
    assert main(["--config", str(bad)]) == 2
    assert "unknown hardware type 'laser'" in capsys.readouterr().err
