"""Run `passline agent` as a real subprocess, and play the hub's side of the job protocol over MQTT."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt

from hub.contracts import topics
from hub.contracts.envelope import envelope

ROOT = Path(__file__).resolve().parents[2]


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value))


def write_agent_config(path: Path, *, device_id: str, store: str, mqtt_url: str, spool_dir: Path,
                       hardware: list[dict], resend_s: float = 1.0) -> Path:
    """Write an agent TOML file; hardware tables are dicts of name, type and options."""
    lines = ["[agent]", f"device_id = {_toml_value(device_id)}", f"store = {_toml_value(store)}",
             f"mqtt_url = {_toml_value(mqtt_url)}", f"spool_dir = {_toml_value(spool_dir)}",
             f"resend_s = {resend_s}", "health_s = 0.2", ""]
    for table in hardware:
        lines.append("[[hardware]]")
        lines += [f"{key} = {_toml_value(value)}" for key, value in table.items()]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


class AgentProcess:
    """`python -m devices.agent --config PATH` in its own process, logging to a file."""

    def __init__(self, config_path: Path) -> None:
        self.config_path = config_path
        self.log_path = config_path.with_suffix(".log")
        self.process: subprocess.Popen | None = None

    def start(self) -> AgentProcess:
        """Start the agent."""
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "devices.agent", "--config", str(self.config_path)],
                                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        return self

    def log(self) -> str:
        """Return what the agent logged so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL the agent: nothing gets to clean up."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> int | None:
        """SIGTERM the agent and wait for it."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode if self.process else None


class HubPeer:
    """The hub's half of the device protocol, for agent tests: sends jobs, collects events, acks them."""

    __test__ = False

    def __init__(self, url: str, store: str, *, ack: bool = True) -> None:
        self.store = store
        self.ack = ack
        self.events: queue.Queue[tuple[str, dict]] = queue.Queue()
        self.seen_events: list[tuple[str, dict]] = []
        self.statuses: dict[str, dict] = {}
        self._status_changed = threading.Condition()
        self._ready = threading.Event()
        parts = urlsplit(url)
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"hubpeer-{uuid.uuid4().hex[:8]}",
                                  protocol=mqtt.MQTTv311)
        if parts.username:
            self.client.username_pw_set(parts.username, parts.password)
        self.client.on_connect = lambda c, *_: c.subscribe(
            [(f"passline/{store}/device/+/status", 1), (f"passline/{store}/device/+/out/event", 1)])
        self.client.on_subscribe = lambda *_: self._ready.set()
        self.client.on_message = self._on_message
        self.client.connect(parts.hostname, parts.port)
        self.client.loop_start()
        assert self._ready.wait(10), "hub peer could not subscribe"

    def _on_message(self, _c, _u, message) -> None:
        parsed = topics.parse_device_topic(self.store, message.topic)
        if parsed is None:
            return
        device_id, direction, _ = parsed
        if direction == "status":
            with self._status_changed:
                self.statuses[device_id] = json.loads(message.payload)["data"] if message.payload else {}
                self._status_changed.notify_all()
            return
        event = json.loads(message.payload)
        self.seen_events.append((device_id, event))
        self.events.put((device_id, event))
        if self.ack:
            self.send_ack(device_id, event["id"])

    def send_ack(self, device_id: str, event_id: str) -> None:
        """Acknowledge a device event, as the hub does after commit."""
        self.client.publish(topics.device_in(self.store, device_id, "reply"), json.dumps(envelope("ack", {}, re=event_id)), qos=1)

    def send_job(self, device_id: str, kind: str, payload: dict, *, hardware: str | None = None,
                 job_id: str | None = None, expires_at: str | None = None) -> str:
        """Publish a job to a device and return its id."""
        job_id = job_id or str(uuid.uuid4())
        data = {"job_id": job_id, "kind": kind, "hardware": hardware, "expires_at": expires_at, "payload": payload}
        self.client.publish(topics.device_in(self.store, device_id, kind), json.dumps(envelope("job", data)), qos=1).wait_for_publish(5)
        return job_id

    def result(self, job_id: str, timeout: float = 15) -> dict:
        """Wait for the job.result of job_id and return its data."""
        deadline = time.monotonic() + timeout
        others = []  # other events stay in the queue for the test to read
        try:
            while time.monotonic() < deadline:
                try:
                    item = self.events.get(timeout=max(deadline - time.monotonic(), 0.01))
                except queue.Empty:
                    break
                if item[1]["type"] == "job.result" and item[1]["data"]["job_id"] == job_id:
                    return item[1]["data"]
                others.append(item)
        finally:
            for item in others:
                self.events.put(item)
        raise AssertionError(f"no result for job {job_id} within {timeout} s")

    def wait_status(self, device_id: str, check, timeout: float = 15) -> dict:
        """Wait until the device's retained status satisfies check(data); return it."""
        deadline = time.monotonic() + timeout
        with self._status_changed:
            while True:
                status = self.statuses.get(device_id)
                if status is not None and check(status):
                    return status
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"{device_id} status never matched; last: {status}")
                self._status_changed.wait(remaining)

    def close(self) -> None:
        """Disconnect."""
        self.client.disconnect()
        self.client.loop_stop()


def ticket_payload(number: str = "A012", station: str = "grill", **document) -> dict:
    """Return a print payload with a kitchen ticket for two burgers."""
    doc = {"document": "kitchen_ticket", "order_id": str(uuid.uuid4()), "order_number": number, "station": station,
           "origin": "kiosk", "fulfilment": "takeaway", "placed_at": "2026-11-22T12:00:00+00:00",
           "items": [{"qty": 2, "name": "Burger", "modifiers": ["No onion"], "note": "well done"}]}
    doc.update(document)
    return {"document": doc}
