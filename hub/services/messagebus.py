"""The in-process message bus: runs a command's handler in a unit of work, then its events."""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from hub.domain.errors import OrderRefused
from hub.services.ports import UnitOfWork

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class HandlerTables:
    """Which handler serves which command, and which handlers react to each event.

    `within` handlers run inside the command's unit of work, before the commit, so what
    they write (a print job, a display change) is kept exactly when the order is; they
    must not refuse. `after` handlers run once the commit succeeded (live screens, wakeups).
    `prepare` handlers get every command of their type in a batch before any runs, to read
    what all of them need in one query.
    """

    commands: dict[type, Callable] = field(default_factory=dict)
    prepare: dict[type, Callable] = field(default_factory=dict)  # reads a whole batch of one command type needs
    within: dict[type, list[Callable]] = field(default_factory=dict)
    after: dict[type, list[Callable]] = field(default_factory=dict)

    @classmethod
    def merged(cls, *tables: HandlerTables) -> HandlerTables:
        """Merge capabilities' tables into one; a command served twice is a wiring mistake."""
        merged = cls()
        for table in tables:
            for command, handler in table.commands.items():
                if command in merged.commands:
                    raise ValueError(f"{command.__name__} has two handlers")
                merged.commands[command] = handler
            merged.prepare.update(table.prepare)
            for source, target in ((table.within, merged.within), (table.after, merged.after)):
                for event, handlers in source.items():
                    target.setdefault(event, []).extend(handlers)
        return merged


@dataclass(frozen=True)
class Committed:
    """What a committed batch gave: one outcome per command, and the events still to react to."""

    outcomes: list[Any]
    reactions: list[object]


class MessageBus:
    """Dispatch commands and events to handlers, injecting their dependencies by name.

    A handler that names `handle_within` gets a function that runs another command's handler in the same
    unit of work (an approval that unlocks a refund, a tender that opens the drawer): one commit for both,
    and handlers never import each other.
    """

    MAX_EVENT_ROUNDS = 20  # an event raising an event ... deeper than this is a loop, not a cascade

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        tables: HandlerTables,
        dependencies: dict[str, Any],
    ) -> None:
        self._uow_factory = uow_factory
        self._command_handlers = tables.commands
        self._prepare = tables.prepare
        self._within_handlers = tables.within
        self._event_handlers = tables.after
        self._dependencies = dependencies
        # One writer at a time keeps "same id twice" decisions and day numbers race-free
        # in this process; the database's unique keys guard across processes.
        self._write_lock = threading.Lock()
        self._wanted: dict[Callable, list[str]] = {}

    def with_handlers(self, more: HandlerTables) -> MessageBus:
        """Return a bus with these handlers added to this one's, on the same units of work and dependencies."""
        mine = HandlerTables(self._command_handlers, self._prepare, self._within_handlers, self._event_handlers)
        return MessageBus(self._uow_factory, HandlerTables.merged(mine, more), self._dependencies)

    def now(self) -> datetime:
        """Return the time by the bus's clock (a test's fake clock when it has one)."""
        clock = self._dependencies.get("clock")
        return clock() if clock is not None else datetime.now(timezone.utc)

    def handle(self, command: object) -> Any:
        """Run one command in its own unit of work and return its result; refusals raise."""
        outcome = self.handle_batch([command])[0]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def handle_batch(self, batch: Sequence[object]) -> list[Any]:
        """Run commands in one unit of work, committed once, then react; each gets a result or its refusal."""
        committed = self.commit_batch(batch)
        self.react(committed.reactions)
        return committed.outcomes

    def commit_batch(self, batch: Sequence[object]) -> Committed:
        """Run commands in one unit of work and commit it; the after-commit reactions are left to react().

        A caller that answers senders (the MQTT consumer) replies between the two, so a kiosk's
        `order.accepted` does not wait for live screens to be told. A refused command writes
        nothing, so the others still commit. If the commit itself fails the batch is retried one
        command at a time, so one bad write cannot sink the rest.
        """
        try:
            with self._write_lock:
                uow = self._uow_factory()
                with uow:
                    self._prepare_batch(batch, uow)
                    outcomes = [self._run(command, uow) for command in batch]
                    pending = self._settle(uow)
                    uow.commit()
        except Exception:
            if len(batch) == 1:
                raise
            logger.exception("committing a batch of %d commands failed; retrying one at a time", len(batch))
            alone = [self._commit_alone(command) for command in batch]
            return Committed([outcome for outcome, _ in alone], [event for _, events in alone for event in events])
        return Committed(outcomes, pending)

    def _commit_alone(self, command: object) -> tuple[Any, list[object]]:
        try:
            committed = self.commit_batch([command])
        except Exception as exc:  # noqa: BLE001 - reported to the sender as a result
            logger.exception("command %s failed", type(command).__name__)
            return exc, []
        return committed.outcomes[0], committed.reactions

    def _prepare_batch(self, batch: Sequence[object], uow: UnitOfWork) -> None:
        """Let a command type read what its whole batch needs at once (one query, not one per command)."""
        if len(batch) < 2:
            return
        of_type: dict[type, list[object]] = {}
        for command in batch:
            if type(command) in self._prepare:
                of_type.setdefault(type(command), []).append(command)
        for kind, commands in of_type.items():
            self._call(self._prepare[kind], commands, uow=uow)

    def _run(self, command: object, uow: UnitOfWork) -> Any:
        handler = self._command_handlers[type(command)]
        try:
            return self._call(handler, command, uow=uow)
        except OrderRefused as refusal:
            return refusal

    def _settle(self, uow: UnitOfWork) -> list[object]:
        """Run the in-transaction reactions to every new event, and theirs, before the commit."""
        settled: list[object] = []
        for _ in range(self.MAX_EVENT_ROUNDS):
            fresh = list(uow.collect_new_events())
            if not fresh:
                return settled
            for event in fresh:
                for handler in self._within_handlers.get(type(event), []):
                    self._call(handler, event, uow=uow)
            settled.extend(fresh)
        raise RuntimeError(f"events kept raising events after {self.MAX_EVENT_ROUNDS} rounds: {settled[-3:]}")

    def react(self, reactions: Sequence[object]) -> None:
        """Run the after-commit handlers of committed events; a failing one is logged, never undoes the commit."""
        for event in reactions:
            for handler in self._event_handlers.get(type(event), []):
                try:
                    self._call(handler, event)
                except Exception:  # noqa: BLE001 - an event handler must not undo a committed order
                    logger.exception("event handler %s failed for %s", handler.__name__, event)

    def _call(self, handler: Callable, message: object, **extra: Any) -> Any:
        wanted = self._wanted.get(handler)
        if wanted is None:
            wanted = self._wanted[handler] = list(inspect.signature(handler).parameters)[1:]
        available = {**self._dependencies, **extra}
        if "handle_within" in wanted:
            uow = extra["uow"]
            available["handle_within"] = lambda command: self._call(self._command_handlers[type(command)], command, uow=uow)
        return handler(message, **{name: available[name] for name in wanted})
