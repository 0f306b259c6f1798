"""A batch the database refused in part: only the refused messages are tried again, none is answered `internal`."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from hub.domain.presence import Presence
from hub.entrypoints import mqtt_consumer
from hub.entrypoints.mqtt_consumer import MqttConsumer
from hub.services.messagebus import Committed


class FlakyBus:
    """A bus whose database refuses some commands a given number of times."""

    def __init__(self, refusals: dict[str, int]) -> None:
        self.refusals = dict(refusals)
        self.batches: list[list[str]] = []

    def commit_batch(self, batch: list[str]) -> Committed:
        self.batches.append(list(batch))
        outcomes: list = []
        reactions: list[str] = []
        for command in batch:
            if self.refusals.get(command, 0) > 0:
                self.refusals[command] -= 1
                outcomes.append(OperationalError("INSERT", {}, Exception("database is locked")))
            else:
                outcomes.append(f"done {command}")
                reactions.append(f"{command} committed")
        return Committed(outcomes, reactions)


def test_only_the_refused_commands_are_retried_until_the_database_takes_them(monkeypatch):
    monkeypatch.setattr(mqtt_consumer, "RETRY_DELAY_S", 0)
    bus = FlakyBus({"job.result": 2})
    consumer = MqttConsumer(bus, Presence(), "test")
    outcomes, reactions = consumer._commit(["order A", "job.result", "order B"])
    assert outcomes == ["done order A", "done job.result", "done order B"]
    assert sorted(reactions) == ["job.result committed", "order A committed", "order B committed"]
    assert bus.batches == [["order A", "job.result", "order B"], ["job.result"], ["job.result"]]
