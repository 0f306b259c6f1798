"""The agent: spool jobs from the hub, run them on hardware, report results until acked."""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import datetime, timezone

from pydantic import ValidationError

from devices.agent.config import AgentConfig
from devices.agent.hardware_interface import Hardware, JobOutcome
from devices.agent.mqtt_link import AgentLink
from devices.agent.registry import hardware_class
from devices.agent.spool import Spool
from hub.contracts.envelope import Envelope, envelope
from hub.contracts.jobs import ACK, JOB, JOB_RESULT, JobOut, JobResult

logger = logging.getLogger(__name__)


class Agent:
    """One device agent with its hardware, spool and MQTT session."""

    def __init__(self, config: AgentConfig) -> None:
        self.config = config
        self.spool = Spool(config.spool_dir)
        self.hardware: dict[str, Hardware] = {}
        for hw in config.hardware:
            options = {"state_dir": str(config.spool_dir / "hardware" / hw.name), **hw.options}
            self.hardware[hw.name] = hardware_class(hw.type)(hw.name, options, self._report_for(hw.name))
        self.link = AgentLink(config.mqtt_url, config.store, config.device_id, self._on_message, self._on_connected,
                              ca_file=str(config.ca_file) if config.ca_file else None)
        # One job thread per hardware: a printer that takes seconds to time out must not
        # hold up its backup on the same agent. Key "" serves jobs no hardware takes.
        self._wake = {name: threading.Event() for name in [*self.hardware, ""]}
        self._outbox_wake = threading.Event()  # an event or a status change waits to go out
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._last_status: dict | None = None

    def _report_for(self, name: str):
        def report(event_type: str, data: dict) -> None:
            self.spool.add_event(envelope(event_type, data))
            self._outbox_wake.set()
            logger.info("%s reported %s", name, event_type)

        return report

    def start(self) -> None:
        """Start the hardware, the MQTT session and the worker threads."""
        for hw in self.hardware.values():
            try:
                hw.start()
            except Exception:  # one broken driver must not keep the others from working
                logger.exception("hardware %s failed to start", hw.name)
        self.link.start()
        workers = [(lambda n=name: self._work(n), f"jobs-{name or 'unrouted'}") for name in self._wake]
        for target, name in [*workers, (self._tend, "agent-outbox")]:
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Stop threads, say offline and close the spool."""
        self._stop.set()
        for wake in self._wake.values():
            wake.set()
        self._outbox_wake.set()
        for thread in self._threads:
            thread.join(10)
        self.link.stop()
        for hw in self.hardware.values():
            hw.stop()
        self.spool.close()

    def request_stop(self) -> None:
        """Ask a running agent to stop (safe from a signal handler)."""
        self._stop.set()

    def wait(self) -> None:
        """Block until request_stop() is called."""
        self._stop.wait()

    # -- from the broker (paho's thread): store, then return so the PUBACK follows the commit
    def _on_message(self, topic: str, payload: bytes) -> None:
        try:
            message = Envelope.model_validate_json(payload)
        except ValidationError as exc:
            logger.warning("ignored an unreadable message on %s: %s", topic, exc.errors()[0]["msg"])
            return
        if message.type == JOB:
            try:
                job = JobOut.model_validate(message.data)
            except ValidationError as exc:
                logger.warning("ignored an invalid job on %s: %s", topic, exc)
                return
            hw = self._hardware_for(job)
            target = hw.name if hw is not None else ""
            if self.spool.add_job(job, target):
                logger.info("job %s (%s) spooled for %s", job.job_id, job.kind, target or "no hardware")
            else:
                logger.info("job %s seen before: not done again", job.job_id)
                self._outbox_wake.set()
            self._wake[target].set()
        elif message.type == ACK and message.re is not None:
            self.spool.ack(str(message.re))
        elif message.type == "error":
            if message.data.get("code") == "internal":
                # The hub could not store it this time ("send it again"): keep it; the outbox re-sends it.
                logger.warning("hub could not store an event yet: %s", message.data.get("message"))
                return
            logger.warning("hub refused an event: %s", message.data.get("message"))
            if message.re is not None:
                self.spool.ack(str(message.re))  # resending a refused event would be refused again
        else:
            logger.info("ignored a %s message on %s", message.type, topic)

    def _on_connected(self) -> None:
        self._last_status = None
        self._outbox_wake.set()

    # -- job thread
    def _work(self, target: str) -> None:
        wake = self._wake[target]
        while not self._stop.is_set():
            pending = self.spool.next_job(target)
            if pending is None:
                wake.wait(1.0)
                wake.clear()
                continue
            job, started_before = pending
            outcome = self._do(job, started_before)
            result = JobResult(job_id=job.job_id, ok=outcome.ok, error=outcome.error,
                               message=outcome.message, detail=outcome.detail)
            self.spool.finish_job(str(job.job_id), envelope(JOB_RESULT, result.model_dump(mode="json")))
            logger.info("job %s finished: %s", job.job_id, "ok" if outcome.ok else outcome.error)
            self._outbox_wake.set()

    def _do(self, job: JobOut, started_before: bool) -> JobOutcome:
        hw = self._hardware_for(job)
        if hw is None:
            return JobOutcome(False, "no_hardware", f"This agent has no hardware for {job.kind!r} jobs"
                              + (f" named {job.hardware!r}." if job.hardware else "."))
        if started_before:
            recovered = hw.recover(job)
            if recovered is not None:
                return recovered
        if job.expires_at is not None and datetime.now(timezone.utc) >= job.expires_at:
            return JobOutcome(False, "expired", "The job came too late and was not started; the hub has sent it elsewhere.")
        self.spool.start_job(str(job.job_id))
        try:
            return hw.run(job)
        except Exception as exc:  # a driver bug must end in a result, never in a job retried forever
            logger.exception("hardware %s failed on job %s", hw.name, job.job_id)
            return JobOutcome(False, "driver_error", f"{hw.name} failed: {exc}")

    def _hardware_for(self, job: JobOut) -> Hardware | None:
        if job.hardware:
            hw = self.hardware.get(job.hardware)
            return hw if hw is not None and job.kind in hw.job_kinds else None
        takers = [hw for hw in self.hardware.values() if job.kind in hw.job_kinds]
        return takers[0] if len(takers) == 1 else None

    # -- outbox and status thread
    def _tend(self) -> None:
        last_prune = 0.0
        while not self._stop.is_set():
            if self.link.connected:
                self._publish_status_if_changed()
                for event in self.spool.due_events(self.config.resend_s):
                    self.link.publish_event(event)
                    self.spool.mark_sent(event["id"])
            if time.monotonic() - last_prune > 3600:
                self.spool.prune()
                last_prune = time.monotonic()
            self._outbox_wake.wait(self.config.health_s)
            self._outbox_wake.clear()

    def status(self) -> dict:
        """Return the status data: online, kind, each hardware's health, and the first problem."""
        health = {}
        for name, hw in self.hardware.items():
            try:
                health[name] = {"kind": hw.kind, **hw.health()}
            except Exception:  # health must never stop the status from going out
                logger.exception("health of %s failed", name)
                health[name] = {"kind": hw.kind, "online": False, "error": f"{name}: cannot read its health"}
        kinds = {hw.kind for hw in self.hardware.values()}
        errors = [h["error"] for h in health.values() if h.get("error")]
        return {"state": "online", "kind": kinds.pop() if len(kinds) == 1 else "agent",
                "health": health, "error": "; ".join(errors) or None}

    def _publish_status_if_changed(self) -> None:
        status = self.status()
        if json.dumps(status, sort_keys=True) != json.dumps(self._last_status, sort_keys=True):
            self.link.publish_status(status)
            self._last_status = status
