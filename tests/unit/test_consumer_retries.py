"""A batch the database refused in part: only the refused messages are tried again; what keeps failing is parked."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from hub.adapters.mqtt.connection import ReceivedMessage
from hub.domain.presence import Presence
from hub.entrypoints import mqtt_consumer
from hub.entrypoints.dead_letters import Parked
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


class BuggyBus(FlakyBus):
    """A bus whose handler for one command has a bug: it raises on every try."""

    def commit_batch(self, batch: list[str]) -> Committed:
        if "buggy" in batch:
            if len(batch) == 1:
                raise KeyError("lines")
            return Committed([self.commit_batch([command]).outcomes[0] if command != "buggy" else KeyError("lines")
                              for command in batch], [])
        return super().commit_batch(batch)


class ListDeadLetters:
    """Keeps parked messages in a list, as SqlDeadLetters keeps them in a table."""

    def __init__(self, refuse: bool = False) -> None:
        self.letters: list[dict] = []
        self.refuse = refuse

    def park(self, **letter) -> int:
        if self.refuse:
            raise OperationalError("INSERT", {}, Exception("database or disk is full"))
        self.letters.append(letter)
        return len(self.letters)


def message(mid: int) -> ReceivedMessage:
    return ReceivedMessage("passline/test/device/kiosk-1/out/order", b'{"id": "m%d"}' % mid, mid, 1, False)


def test_a_command_the_database_refuses_every_time_is_parked_after_the_set_attempts(monkeypatch):
    monkeypatch.setattr(mqtt_consumer, "RETRY_DELAY_S", 0)
    letters = ListDeadLetters()
    consumer = MqttConsumer(FlakyBus({"job.result": 99}), Presence(), "test", dead_letters=letters)
    outcomes, _ = consumer._commit(["order A", "job.result"], [message(1), message(2)])
    assert outcomes[0] == "done order A"
    assert outcomes[1] == Parked(1, "the database refused it: Exception: database is locked", mqtt_consumer.PARK_AFTER_ATTEMPTS)
    assert [(letter["device_id"], letter["message_id"], letter["attempts"]) for letter in letters.letters] == [
        ("kiosk-1", "m2", mqtt_consumer.PARK_AFTER_ATTEMPTS)]


def test_a_bug_in_a_handler_parks_its_message_at_once_and_the_others_commit(monkeypatch):
    monkeypatch.setattr(mqtt_consumer, "RETRY_DELAY_S", 0)
    letters = ListDeadLetters()
    consumer = MqttConsumer(BuggyBus({}), Presence(), "test", dead_letters=letters)
    outcomes, _ = consumer._commit(["order A", "buggy", "order B"], [message(1), message(2), message(3)])
    assert outcomes == ["done order A", Parked(1, "the hub failed on it: KeyError: 'lines'", 1), "done order B"]


def test_while_the_database_refuses_even_the_parking_the_message_waits(monkeypatch):
    monkeypatch.setattr(mqtt_consumer, "RETRY_DELAY_S", 0)
    bus = FlakyBus({"order A": mqtt_consumer.PARK_AFTER_ATTEMPTS + 3})
    consumer = MqttConsumer(bus, Presence(), "test", dead_letters=ListDeadLetters(refuse=True))
    outcomes, _ = consumer._commit(["order A"], [message(1)])
    assert outcomes == ["done order A"]  # taken once the database came back, never parked
    assert len(bus.batches) == mqtt_consumer.PARK_AFTER_ATTEMPTS + 4
