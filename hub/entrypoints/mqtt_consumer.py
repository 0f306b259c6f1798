"""Consume device messages: orders in, replies out, acknowledged only after commit."""

from __future__ import annotations

import base64
import logging
import queue
import threading
from datetime import datetime, timezone

from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError

from hub.adapters.mqtt.connection import HubConnection, ReceivedMessage
from hub.contracts import topics
from hub.contracts.envelope import Envelope, envelope
from hub.contracts.errors import ErrorCode
from hub.contracts.presence import DeviceStatus
from hub.domain.errors import OrderRefused
from hub.domain.presence import DeviceState, Presence
from hub.contracts.jobs import ACK
from hub.entrypoints.device_events import parse_device_event
from hub.entrypoints.intake import Refusal, order_accepted, parse_submission, refusal_from
from hub.services.handlers import SubmitResult
from hub.services.messagebus import MessageBus

logger = logging.getLogger(__name__)

MAX_BATCH = 128  # orders committed together; one fsync for many orders is what makes 500/s possible
RETRYABLE = (DBAPIError, OSError)  # the database or disk said no; it will say yes later
RETRY_DELAY_S = 1.0  # wait before retrying a batch the database refused; nothing is acked meanwhile


class MqttConsumer:
    """Run device messages through the bus on one thread, in the order they arrived."""

    def __init__(self, bus: MessageBus, presence: Presence, store: str) -> None:
        self._bus = bus
        self._presence = presence
        self._store = store
        self._inbox: queue.Queue[ReceivedMessage | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.connection: HubConnection | None = None
        self.processed = 0

    def receive(self, message: ReceivedMessage) -> None:
        """Take a message from paho's thread; it is handled and acknowledged on ours."""
        self._inbox.put(message)

    def start(self, connection: HubConnection) -> None:
        """Start the consuming thread."""
        self.connection = connection
        self._thread = threading.Thread(target=self._run, name="passline-mqtt-consumer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Finish the message in hand and stop."""
        self._stopping.set()
        self._inbox.put(None)
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stopping.is_set():
            first = self._inbox.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    more = self._inbox.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._stopping.set()
                    break
                batch.append(more)
            try:
                self._handle(batch)
            except Exception:  # noqa: BLE001 - no input may stop the hub
                logger.exception("handling %d MQTT messages failed; they stay unacknowledged", len(batch))

    def _handle(self, batch: list[ReceivedMessage]) -> None:
        """Answer every order in the batch, commit once, reply and acknowledge in arrival order, then react.

        The after-commit reactions (live screens, the device relay's wake-up) run after the
        replies: a kiosk's `order.accepted` needs only the commit.
        """
        replies: dict[int, tuple[str, dict]] = {}
        orders: list[tuple[int, str, object, str]] = []  # (position, device, command, envelope id): orders and device events
        for position, message in enumerate(batch):
            route = topics.parse_device_topic(self._store, message.topic)
            if route is None:
                continue
            device_id, direction, kind = route
            if direction == "status":
                self._track(device_id, message)
            elif direction == "out" and kind == "order":
                parsed = parse_submission(message.payload, device_id)
                if isinstance(parsed, Refusal):
                    replies[position] = (device_id, self._refuse(message, device_id, parsed))
                else:
                    command, envelope_id = parsed
                    orders.append((position, device_id, command, envelope_id))
            elif direction == "out" and kind == "event":
                event = parse_device_event(message.payload, device_id)
                if isinstance(event, Refusal):
                    replies[position] = (device_id, self._refuse(message, device_id, event))
                else:
                    orders.append((position, device_id, event, event.event_id))
            else:
                logger.debug("ignoring %s from %s (no handler yet)", kind, device_id)
        reactions: list[object] = []
        if orders:
            outcomes, reactions = self._commit([command for _, _, command, _ in orders])
            for (position, device_id, _, envelope_id), outcome in zip(orders, outcomes):
                replies[position] = (device_id, self._answer(batch[position], device_id, outcome, envelope_id))
        connection = self.connection
        try:
            for position, message in enumerate(batch):
                if connection is not None:
                    if position in replies:
                        device_id, reply = replies[position]
                        connection.publish(topics.device_in(self._store, device_id, "reply"), reply)
                    connection.ack(message)
                self.processed += 1
        finally:
            self._bus.react(reactions)  # committed either way: the screens must hear of it

    def _commit(self, commands: list) -> tuple[list, list[object]]:
        """Commit the batch; while the database refuses it, keep trying and acknowledge nothing.

        Returns each command's outcome and the committed events still to react to. Only
        database and I/O errors are retried: they pass (disk freed, lock released, a racing
        writer done). Any other error is a bug for that one order; its sender gets `internal`
        and a dead-letter copy, so one bad order cannot stall the store.
        """
        outcomes: list = [None] * len(commands)
        reactions: list[object] = []
        waiting = list(range(len(commands)))  # positions whose commands are not committed yet
        while True:
            try:
                committed = self._bus.commit_batch([commands[i] for i in waiting])
                results = committed.outcomes
                reactions.extend(committed.reactions)
            except RETRYABLE as exc:
                results = [exc] * len(waiting)
            except Exception as exc:  # noqa: BLE001 - answered as internal, never stops the hub
                logger.exception("an order could not be handled")
                results = [exc] * len(waiting)
            for position, result in zip(waiting, results):
                outcomes[position] = result
            # Only the commands the database refused are tried again; the committed ones keep their answers.
            waiting = [i for i in waiting if isinstance(outcomes[i], RETRYABLE)]
            if not waiting:
                return outcomes, reactions
            if self._stopping.is_set():
                self._bus.react(reactions)  # what did commit still reaches the screens
                raise RuntimeError("stopping with an uncommitted batch; the broker will redeliver it")
            logger.error("the database refused %d of %d messages (%s); retrying in %.1f s",
                         len(waiting), len(commands), outcomes[waiting[0]], RETRY_DELAY_S)
            self._stopping.wait(RETRY_DELAY_S)

    def _answer(self, message: ReceivedMessage, device_id: str, outcome: object, envelope_id: str) -> dict:
        if isinstance(outcome, bool):  # a device event, taken now (True) or before (False)
            return envelope(ACK, {"event_id": envelope_id}, re=envelope_id)
        if isinstance(outcome, SubmitResult):
            if outcome.created:
                logger.info("order %s (%s) accepted from %s", outcome.order.number, outcome.order.order_id, device_id)
            return envelope("order.accepted", order_accepted(outcome.order), re=envelope_id)
        if isinstance(outcome, OrderRefused):
            return self._refuse(message, device_id, refusal_from(outcome, envelope_id))
        logger.error("message from %s could not be handled: %s", device_id, outcome)
        refusal = Refusal(ErrorCode.INTERNAL.value, "the hub could not store this message; send it again", None, envelope_id)
        return self._refuse(message, device_id, refusal)

    def _refuse(self, message: ReceivedMessage, device_id: str, refusal: Refusal) -> dict:
        logger.warning("refused a message from %s on %s: %s (%s)", device_id, message.topic, refusal.code, refusal.message)
        try:
            payload: object = message.payload.decode()
        except UnicodeDecodeError:
            payload = {"base64": base64.b64encode(message.payload).decode()}
        if self.connection is not None:
            self.connection.publish(
                topics.deadletter(self._store),
                envelope("deadletter", {"topic": message.topic, "error": refusal.data(), "payload": payload}, re=refusal.re),
            )
        return envelope("error", refusal.data(), re=refusal.re)

    def _track(self, device_id: str, message: ReceivedMessage) -> None:
        if not message.payload:
            self._presence.forget(device_id)
            return
        try:
            status = DeviceStatus.model_validate(Envelope.model_validate_json(message.payload).data)
        except (ValidationError, ValueError) as exc:
            logger.warning("device %s sent a status the hub cannot read: %s", device_id, exc)
            return
        self._presence.update(
            DeviceState(
                device_id=device_id,
                online=status.state == "online",
                kind=status.kind,
                health=dict(status.health),
                error=status.error,
                since=datetime.now(timezone.utc),
            )
        )
