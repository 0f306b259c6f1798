"""Device jobs: stored with their cause, sent until answered, finished once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest

from hub.domain.device_jobs import (
    RESEND_AFTER,
    DeviceEventReceived,
    DeviceJobFinished,
    JobState,
    RecordDeviceEvent,
    SweepDeviceJobs,
)
from hub.services.device_jobs import queue_job
from hub.services.handler_table import DEVICE_JOBS, ORDER_INTAKE
from hub.services.messagebus import HandlerTables
from tests.fakes import FakeUnitOfWork, FixedClock, cafe_catalog, fake_bus


@pytest.fixture
def clock():
    return FixedClock()


@pytest.fixture
def uow():
    return FakeUnitOfWork(cafe_catalog())


class Seen:
    """Collects the events a test cares about, as a reaction inside the transaction would."""

    def __init__(self) -> None:
        self.finished: list[DeviceJobFinished] = []
        self.device_events: list[DeviceEventReceived] = []
        self.wakes = 0


@pytest.fixture
def seen():
    return Seen()


@dataclass(frozen=True)
class PrintNote:
    """A command of this test's own whose handler queues a job, as printing's handlers do."""

    text: str


def print_note(command: PrintNote, uow, clock) -> str:
    return queue_job(uow, clock, device_id="printer-agent", kind="print", payload={"text": command.text}).job_id


@pytest.fixture
def bus(tmp_path, uow, clock, seen):
    this_test = HandlerTables(commands={PrintNote: print_note},
                              within={DeviceJobFinished: [lambda event: seen.finished.append(event)]},
                              after={DeviceEventReceived: [lambda event: seen.device_events.append(event)]})

    def wake() -> None:
        seen.wakes += 1

    return fake_bus(tmp_path, uow, HandlerTables.merged(ORDER_INTAKE, DEVICE_JOBS, this_test), clock=clock,
                    wake_relay=wake, notify=lambda *_: None)


def queue(uow, clock, **options):
    with uow:
        job = queue_job(uow, clock, device_id="printer-agent", kind="print", payload={"text": "A001"}, **options)
        uow.commit()
    return job


def result(job_id: str, ok: bool = True, error: str | None = None, device_id: str = "printer-agent", event_id: str | None = None):
    return RecordDeviceEvent(
        device_id=device_id,
        type="job.result",
        data={"job_id": job_id, "ok": ok, "error": error, "message": None, "detail": {}},
        event_id=event_id or str(uuid.uuid4()),
    )


def test_a_queued_job_is_sent_once_and_again_only_after_the_resend_delay(bus, uow, clock):
    job = queue(uow, clock)
    first = bus.handle(SweepDeviceJobs())
    assert [d.job_id for d in first] == [job.job_id]
    assert first[0].payload == {"text": "A001"}
    assert bus.handle(SweepDeviceJobs()) == []
    clock.now += RESEND_AFTER
    assert [d.job_id for d in bus.handle(SweepDeviceJobs())] == [job.job_id]
    assert uow.device_jobs.get(job.job_id).attempts == 2


def test_the_result_finishes_the_job_once_and_a_repeat_changes_nothing(bus, uow, clock, seen):
    job = queue(uow, clock)
    bus.handle(SweepDeviceJobs())
    done = result(job.job_id)
    assert bus.handle(done) is True
    assert bus.handle(done) is False  # the same event again: the device missed our ack
    assert bus.handle(result(job.job_id, ok=False, error="paper_out")) is True  # another, late result
    stored = uow.device_jobs.get(job.job_id)
    assert stored.state is JobState.DONE
    assert [(e.job_id, e.ok) for e in seen.finished] == [(job.job_id, True)]
    clock.now += RESEND_AFTER * 3
    assert bus.handle(SweepDeviceJobs()) == []


def test_a_failed_result_is_reported_with_its_reason(bus, uow, clock, seen):
    job = queue(uow, clock)
    bus.handle(result(job.job_id, ok=False, error="paper_out"))
    assert uow.device_jobs.get(job.job_id).state is JobState.FAILED
    assert seen.finished[0].error == "paper_out"


def test_an_unanswered_job_expires_as_no_answer_and_is_never_sent_again(bus, uow, clock, seen):
    job = queue(uow, clock, answer_within_s=8)
    sent = bus.handle(SweepDeviceJobs())
    assert sent[0].expires_at == clock.now + timedelta(seconds=6)  # a print must start 2 s (a quarter) before the hub gives up
    clock.now += timedelta(seconds=8)
    assert bus.handle(SweepDeviceJobs()) == []
    assert uow.device_jobs.get(job.job_id).state is JobState.EXPIRED
    assert [(e.ok, e.error) for e in seen.finished] == [(False, "no_answer")]
    bus.handle(result(job.job_id))  # the device answers after all: too late, nothing changes
    assert uow.device_jobs.get(job.job_id).state is JobState.EXPIRED
    assert len(seen.finished) == 1


def test_a_result_from_another_device_does_not_finish_the_job(bus, uow, clock, seen):
    job = queue(uow, clock)
    bus.handle(result(job.job_id, device_id="kiosk-7"))
    assert uow.device_jobs.get(job.job_id).state is JobState.PENDING
    assert seen.finished == []


def test_other_device_events_are_passed_on_once(bus, seen):
    press = RecordDeviceEvent("bumpbar-1", "key.pressed", {"key": "enter"}, str(uuid.uuid4()))
    bus.handle(press)
    bus.handle(press)
    assert [(e.device_id, e.type, e.data) for e in seen.device_events] == [("bumpbar-1", "key.pressed", {"key": "enter"})]


def test_a_job_queued_by_a_command_is_kept_with_it_and_wakes_the_relay_after_the_commit(bus, uow, seen):
    uow.fail_commit = True
    with pytest.raises(OSError):
        bus.handle(PrintNote("lost with its cause"))
    assert uow.device_jobs.jobs == {} and seen.wakes == 0
    uow.fail_commit = False
    job_id = bus.handle(PrintNote("A002"))
    assert uow.device_jobs.get(job_id).payload == {"text": "A002"}
    assert seen.wakes == 1


def test_a_printer_may_start_a_print_only_while_its_answer_can_still_arrive_in_time(bus, uow, clock):
    job = queue(uow, clock, answer_within_s=20)
    [delivery] = bus.handle(SweepDeviceJobs())
    assert delivery.expires_at == clock.now + timedelta(seconds=15)  # 5 s before the hub gives up
    short = queue(uow, clock, answer_within_s=8)
    clock.now += RESEND_AFTER
    deliveries = {d.job_id: d for d in bus.handle(SweepDeviceJobs())}
    assert deliveries[short.job_id].expires_at == short.answer_by - timedelta(seconds=2)  # a quarter of a short window
    assert deliveries[job.job_id].expires_at == job.answer_by - timedelta(seconds=5)


def test_a_payment_job_keeps_the_hubs_deadline_as_its_expiry(bus, uow, clock):
    with uow:
        job = queue_job(uow, clock, device_id="terminal-agent", kind="pay", payload={"amount": 450},
                        answer_within_s=120)
        uow.commit()
    [delivery] = bus.handle(SweepDeviceJobs())
    assert delivery.expires_at == job.answer_by  # a terminal reverses a charge that ends after it: not one second early
