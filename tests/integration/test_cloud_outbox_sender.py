"""The outbox sender against a fake HQ on a real SQLite outbox: splitting, backoff, order per aggregate, restarts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from hub.adapters.cloud.client import HqClient, HqUnreachable
from hub.adapters.cloud.outbox import SqlOutbox
from hub.adapters.cloud.sender import OutboxSender
from hub.adapters.db.cloud_tables import cloud_outbox
from hub.adapters.db.engine import make_engine
from hub.adapters.db.migrate import upgrade
from tests.support.clock import Clock


class FakeHq(HqClient):
    """HQ that fails (500) any batch holding a poisoned event, and refuses payments of orders it has not seen."""

    def __init__(self, poisoned: set[str] = frozenset()) -> None:
        super().__init__(transport=None, store="test", token="plst_fake")
        self.poisoned = set(poisoned)
        self.stored: list[str] = []
        self.batches: list[int] = []

    def send_events(self, events: list[dict]) -> list[dict]:
        self.batches.append(len(events))
        if any(event["id"] in self.poisoned for event in events):
            raise HqUnreachable("HQ failed (HTTP 500); nothing was stored", 500)
        results = []
        for event in events:
            if event["kind"] == "payment" and event["order_id"] not in self.stored:
                results.append({"id": event["id"], "outcome": "refused", "status": 422, "code": "order_unknown",
                                "message": "its order is not at HQ yet", "retry": True})
                continue
            outcome = "already_committed" if event["id"] in self.stored else "committed"
            if outcome == "committed":
                self.stored.append(event["id"])
            results.append({"id": event["id"], "outcome": outcome, "status": 201})
        return results


@pytest.fixture
def engine(tmp_path):
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def queue(engine, clock, *events: tuple[str, str, dict]) -> None:
    with engine.begin() as connection:
        outbox = SqlOutbox(connection, "test", clock)
        for event_id, aggregate, body in events:
            assert outbox.add(event_id, aggregate, {"id": event_id, **body})


def order(n: int) -> tuple[str, str, dict]:
    return f"O-{n}", f"order:O-{n}", {"kind": "order"}


def test_one_event_that_breaks_hq_is_split_out_and_waits_while_the_rest_go(engine):
    clock = Clock()
    queue(engine, clock, *[order(n) for n in range(20)])
    hq = FakeHq(poisoned={"O-7"})
    sender = OutboxSender(engine, hq, clock)
    for _ in range(10):
        sender.send_waiting()
    assert sorted(hq.stored) == sorted(f"O-{n}" for n in range(20) if n != 7)
    with engine.connect() as connection:
        row = connection.execute(select(cloud_outbox).where(cloud_outbox.c.event_id == "O-7")).mappings().one()
    assert row["sent_at"] is None and row["parked_at"] is None and row["attempts"] >= 1
    assert "HTTP 500" in row["last_error"]
    hq.poisoned.clear()
    clock.now += timedelta(minutes=10)
    sender.send_waiting()
    assert "O-7" in hq.stored


def test_a_payment_never_overtakes_its_order_waiting_out_a_backoff(engine):
    clock = Clock()
    queue(engine, clock, order(1))
    hq = FakeHq(poisoned={"O-1"})
    OutboxSender(engine, hq, clock).send_waiting()
    queue(engine, clock, ("P-1", "order:O-1", {"kind": "payment", "order_id": "O-1"}), order(2))
    hq.poisoned.clear()
    OutboxSender(engine, hq, clock).send_waiting()  # O-1 still waits its backoff: P-1 waits with it
    assert hq.stored == ["O-2"]
    clock.now += timedelta(minutes=10)
    OutboxSender(engine, hq, clock).send_waiting()  # a new sender, as after a restart: the backoff was kept
    assert hq.stored == ["O-2", "O-1", "P-1"]


def test_hqs_retry_answer_backs_off_and_a_refusal_after_fifty_is_parked(engine):
    clock = Clock()
    queue(engine, clock, ("P-9", "order:O-9", {"kind": "payment", "order_id": "O-9"}))
    hq = FakeHq()
    for _ in range(51):
        OutboxSender(engine, hq, clock).send_waiting()
        clock.now += timedelta(minutes=10)
    with engine.connect() as connection:
        row = connection.execute(select(cloud_outbox).where(cloud_outbox.c.event_id == "P-9")).mappings().one()
    assert row["parked_at"] is not None
    assert row["last_error"] == "HQ refused it: its order is not at HQ yet (order_unknown)"


def test_the_same_event_id_is_queued_once(engine):
    clock = Clock()
    queue(engine, clock, order(1))
    with engine.begin() as connection:
        assert SqlOutbox(connection, "test", clock).add("O-1", "order:O-1", {"id": "O-1", "kind": "order"}) is False
