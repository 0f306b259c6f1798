"""Consume device messages: orders in, replies out, acknowledged only after commit.

No message may hold the others up. One that cannot be read is answered with an `error` and
acknowledged; one whose handling keeps failing is parked in the `dead_letters` table (store IT
sees it on /admin), answered and acknowledged, and the messages behind it go on. Only while the
database refuses even the parking does a message stay unacknowledged, and /health says so once
it has waited STUCK_AFTER_S.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from datetime import datetime, timezone

from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError

from hub.adapters.mqtt.connection import HubConnection, ReceivedMessage
from hub.adapters.read_models.orders import order_accepted
from hub.adapters.read_models.replies import ack_data, deadletter_data
from hub.contracts import topics
from hub.contracts.envelope import Envelope, envelope
from hub.contracts.errors import ErrorCode
from hub.contracts.presence import DeviceStatus
from hub.domain.errors import OrderRefused, PasslineError
from hub.domain.presence import DeviceState, Presence
from hub.contracts.jobs import ACK
from hub.entrypoints.dead_letters import DeadLetters, Parked, envelope_id_of, in_words, redacted
from hub.entrypoints.device_events import parse_device_event
from hub.entrypoints.intake import Refusal, parse_submission, refusal_from
from hub.services.order_intake import SubmitResult
from hub.services.messagebus import MessageBus

logger = logging.getLogger(__name__)

MAX_BATCH = 128  # orders committed together; one fsync for many orders is what makes 500/s possible
RETRYABLE = (DBAPIError, OSError)  # the database or disk said no; it will say yes later
RETRY_DELAY_S = 1.0  # wait before retrying a batch the database refused; nothing is acked meanwhile
PARK_AFTER_ATTEMPTS = 5  # a lock or a full disk passes within seconds; a message refused this often is parked
STUCK_AFTER_S = 10.0  # /health turns not-ok when the oldest unacknowledged message waited longer than this


class Stopping(RuntimeError):
    """The hub stops with messages not committed; the broker delivers them again."""


class MqttConsumer:
    """Run device messages through the bus on one thread, in the order they arrived."""

    def __init__(self, bus: MessageBus, presence: Presence, store: str, *,
                 dead_letters: DeadLetters | None = None) -> None:
        self._bus = bus
        self._presence = presence
        self._store = store
        self._dead_letters = dead_letters
        self._inbox: queue.Queue[ReceivedMessage | None] = queue.Queue()
        self._arrivals: deque[float] = deque()  # when each message not yet finished arrived, oldest first
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.connection: HubConnection | None = None
        self.processed = 0
        self.parked = 0
        self._settled = 0  # how many of the batch in hand are answered and acknowledged

    def receive(self, message: ReceivedMessage) -> None:
        """Take a message from paho's thread; it is handled and acknowledged on ours."""
        self._arrivals.append(time.monotonic())
        self._inbox.put(message)

    def oldest_waiting_s(self) -> float:
        """Return how long the oldest message not yet answered and acknowledged has waited (0 when none)."""
        try:
            return max(0.0, time.monotonic() - self._arrivals[0])
        except IndexError:
            return 0.0

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
            self._settled = 0
            try:
                self._handle(batch)
            except Stopping:
                logger.warning("stopping with %d MQTT messages not committed; the broker delivers them again", len(batch))
            except Exception as exc:  # noqa: BLE001 - no input may stop the hub
                logger.exception("handling %d MQTT messages failed; parking the ones not acknowledged", len(batch))
                self._park_rest(batch[self._settled:], exc)
            for _ in batch:
                self._finished()

    def _finished(self) -> None:
        try:
            self._arrivals.popleft()
        except IndexError:  # a message injected without receive() (tests, replays)
            pass

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
            try:
                if direction == "status":
                    self._track(device_id, message)
                    continue
                parsed = self._parse(message, device_id, direction, kind)
            except Exception as exc:  # noqa: BLE001 - whatever a payload makes the parser do, it is refused
                logger.warning("a message from %s on %s could not be read", device_id, message.topic, exc_info=True)
                parsed = Refusal(ErrorCode.INVALID_PAYLOAD.value, f"the payload could not be read: {in_words(exc)}")
            if isinstance(parsed, Refusal):
                replies[position] = (device_id, self._refuse(message, device_id, parsed))
            elif parsed is not None:
                command, envelope_id = parsed
                orders.append((position, device_id, command, envelope_id))
        reactions: list[object] = []
        if orders:
            outcomes, reactions = self._commit([command for _, _, command, _ in orders],
                                               [batch[position] for position, _, _, _ in orders])
            for (position, device_id, _, envelope_id), outcome in zip(orders, outcomes):
                replies[position] = (device_id, self._answer_safely(batch[position], device_id, outcome, envelope_id))
        connection = self.connection
        try:
            for position, message in enumerate(batch):
                if connection is not None:
                    if position in replies:
                        device_id, reply = replies[position]
                        self._publish(topics.device_in(self._store, device_id, "reply"), reply)
                    connection.ack(message)
                self._settled = position + 1
                self.processed += 1
        finally:
            self._bus.react(reactions)  # committed either way: the screens must hear of it

    def _parse(self, message: ReceivedMessage, device_id: str, direction: str, kind: str):
        """Return (command, envelope id), a Refusal, or None for a topic the hub has no handler for."""
        if direction == "out" and kind == "order":
            return parse_submission(message.payload, device_id)
        if direction == "out" and kind == "event":
            event = parse_device_event(message.payload, device_id)
            return event if isinstance(event, Refusal) else (event, event.event_id)
        logger.debug("ignoring %s from %s (no handler yet)", kind, device_id)
        return None

    def _commit(self, commands: list, messages: list[ReceivedMessage] | None = None) -> tuple[list, list[object]]:
        """Commit the batch; retry what the database refuses, and park what keeps failing.

        Returns each command's outcome and the committed events still to react to. Database
        and I/O errors are retried: they pass (disk freed, lock released, a racing writer
        done). A command still refused after PARK_AFTER_ATTEMPTS tries, or one that failed
        for any other reason (a bug for that one message), is parked in the dead-letter table
        and answered, so one bad message cannot stall the store. If the database refuses even
        the parking, the message waits, unacknowledged, and is tried again.
        """
        outcomes: list = [None] * len(commands)
        attempts = [0] * len(commands)
        reactions: list[object] = []
        waiting = list(range(len(commands)))  # positions whose commands are not committed yet
        while True:
            try:
                committed = self._bus.commit_batch([commands[i] for i in waiting])
                results = committed.outcomes
                reactions.extend(committed.reactions)
            except Exception as exc:  # noqa: BLE001 - a failed batch is retried or parked below, never stops the hub
                results = [exc] * len(waiting)
            for position, result in zip(waiting, results):
                outcomes[position] = result
                attempts[position] += 1
            still: list[int] = []
            for position in waiting:
                outcome = outcomes[position]
                if not _failed(outcome):
                    continue
                if isinstance(outcome, RETRYABLE) and attempts[position] < PARK_AFTER_ATTEMPTS:
                    still.append(position)
                    continue
                parked = self._park(messages[position], outcome, attempts[position]) if messages else None
                if parked is not None:
                    outcomes[position] = parked
                elif isinstance(outcome, RETRYABLE):
                    still.append(position)  # not even the parking was taken: the database is down, wait for it
            waiting = still
            if not waiting:
                return outcomes, reactions
            if self._stopping.is_set():
                self._bus.react(reactions)  # what did commit still reaches the screens
                raise Stopping("stopping with an uncommitted batch; the broker will redeliver it")
            logger.error("the database refused %d of %d messages (%s); retrying in %.1f s",
                         len(waiting), len(commands), outcomes[waiting[0]], RETRY_DELAY_S)
            self._stopping.wait(RETRY_DELAY_S)

    def _park(self, message: ReceivedMessage, failure: BaseException, attempts: int) -> Parked | None:
        """Keep a message whose handling failed in the dead-letter table; None if there is none or it refused."""
        if self._dead_letters is None:
            return None
        route = topics.parse_device_topic(self._store, message.topic)
        reason = f"{'the database refused it' if isinstance(failure, RETRYABLE) else 'the hub failed on it'}: {in_words(failure)}"
        try:
            letter_id = self._dead_letters.park(
                topic=message.topic, device_id=route[0] if route else None, message_id=envelope_id_of(message.payload),
                payload=redacted(message.payload), reason=reason, attempts=attempts, at=datetime.now(timezone.utc))
        except Exception:  # noqa: BLE001 - the message stays unacknowledged and is tried again
            logger.exception("could not park a message from %s; it stays unacknowledged", message.topic)
            return None
        self.parked += 1
        logger.error("parked a message from %s as dead letter %d after %d attempts: %s",
                     message.topic, letter_id, attempts, reason, exc_info=failure)
        return Parked(letter_id, reason, attempts)

    def _park_rest(self, batch: list[ReceivedMessage], failure: Exception) -> None:
        """Park, answer and acknowledge what an unexpected failure left; what cannot be parked stays for redelivery."""
        for message in batch:
            parked = self._park(message, failure, 1)
            route = topics.parse_device_topic(self._store, message.topic)
            if parked is None or route is None or self.connection is None:
                continue
            try:
                reply = self._answer(message, route[0], parked, envelope_id_of(message.payload))
                self._publish(topics.device_in(self._store, route[0], "reply"), reply)
                self.connection.ack(message)
            except Exception:  # noqa: BLE001 - parked already; the broker may deliver it again
                logger.exception("could not answer parked dead letter %d", parked.letter_id)

    def _answer_safely(self, message: ReceivedMessage, device_id: str, outcome: object, envelope_id: str) -> dict:
        """Answer an outcome; if even that fails, say so: the outcome is committed, so sending it again is safe."""
        try:
            return self._answer(message, device_id, outcome, envelope_id)
        except Exception:  # noqa: BLE001 - the message is settled either way; its reply must not hold up the rest
            logger.exception("could not write the reply to %s's message %s", device_id, envelope_id)
            text = "the hub took this message but could not write its reply; send it again to get the reply"
            return self._refuse(message, device_id, Refusal(ErrorCode.INTERNAL.value, text, None, envelope_id))

    def _answer(self, message: ReceivedMessage, device_id: str, outcome: object, envelope_id: str | None) -> dict:
        if isinstance(outcome, bool):  # a device event, taken now (True) or before (False)
            return envelope(ACK, ack_data(envelope_id), re=envelope_id)
        if isinstance(outcome, SubmitResult):
            if outcome.created:
                logger.info("order %s (%s) accepted from %s", outcome.order.number, outcome.order.order_id, device_id)
            return envelope("order.accepted", order_accepted(outcome.order), re=envelope_id)
        if isinstance(outcome, OrderRefused):
            return self._refuse(message, device_id, refusal_from(outcome, envelope_id))
        if isinstance(outcome, PasslineError):  # refused by the domain: the device's mistake, said in words
            code = getattr(outcome, "code", ErrorCode.INVALID_PAYLOAD.value)
            return self._refuse(message, device_id, Refusal(code, str(outcome), getattr(outcome, "field", None), envelope_id))
        if isinstance(outcome, Parked):
            text = (f"the hub could not handle this message ({outcome.reason}) after {outcome.attempts} "
                    f"{'try' if outcome.attempts == 1 else 'tries'}; it is kept as dead letter {outcome.letter_id} "
                    "for store IT")
            return self._refuse(message, device_id, Refusal(ErrorCode.INTERNAL.value, text, None, envelope_id))
        logger.error("message from %s could not be handled: %s", device_id, outcome)
        refusal = Refusal(ErrorCode.INTERNAL.value, "the hub could not store this message; send it again", None, envelope_id)
        return self._refuse(message, device_id, refusal)

    def _refuse(self, message: ReceivedMessage, device_id: str, refusal: Refusal) -> dict:
        logger.warning("refused a message from %s on %s: %s (%s)", device_id, message.topic, refusal.code, refusal.message)
        self._publish(topics.deadletter(self._store),
                      envelope("deadletter", deadletter_data(message.topic, refusal.data(), message.payload), re=refusal.re))
        return envelope("error", refusal.data(), re=refusal.re)

    def _publish(self, topic: str, message: dict) -> None:
        if self.connection is None:
            return
        try:
            self.connection.publish(topic, message)
        except Exception:  # noqa: BLE001 - a reply that cannot go out must not keep the message from its ack
            logger.exception("could not publish to %s", topic)

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



def _failed(outcome: object) -> bool:
    """Return True for an outcome that is an error of the hub's own (not an answer to the sender)."""
    return isinstance(outcome, BaseException) and not isinstance(outcome, PasslineError)
