"""The in-process message bus: runs a command's handler in a unit of work, then its events."""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

from hub.domain.errors import OrderRefused
from hub.services.ports import UnitOfWork

logger = logging.getLogger(__name__)


class MessageBus:
    """Dispatch commands and events to handlers, injecting their dependencies by name."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        command_handlers: dict[type, Callable],
        event_handlers: dict[type, list[Callable]],
        dependencies: dict[str, Any],
    ) -> None:
        self._uow_factory = uow_factory
        self._command_handlers = command_handlers
        self._event_handlers = event_handlers
        self._dependencies = dependencies
        # One writer at a time keeps "same id twice" decisions and day numbers race-free
        # in this process; the database's unique keys guard across processes.
        self._write_lock = threading.Lock()
        self._wanted: dict[Callable, list[str]] = {}

    def handle(self, command: object) -> Any:
        """Run one command in its own unit of work and return its result; refusals raise."""
        outcome = self.handle_batch([command])[0]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def handle_batch(self, batch: Sequence[object]) -> list[Any]:
        """Run commands in one unit of work, committed once; each gets a result or its refusal.

        A refused command writes nothing, so the others still commit. If the commit itself
        fails the batch is retried one command at a time, so one bad write cannot sink the rest.
        """
        try:
            with self._write_lock:
                uow = self._uow_factory()
                with uow:
                    outcomes = [self._run(command, uow) for command in batch]
                    uow.commit()
                    pending = list(uow.collect_new_events())
        except Exception:
            if len(batch) == 1:
                raise
            logger.exception("committing a batch of %d commands failed; retrying one at a time", len(batch))
            return [self._handle_alone(command) for command in batch]
        self._publish(pending)
        return outcomes

    def _handle_alone(self, command: object) -> Any:
        try:
            return self.handle_batch([command])[0]
        except Exception as exc:  # noqa: BLE001 - reported to the sender as a result
            logger.exception("command %s failed", type(command).__name__)
            return exc

    def _run(self, command: object, uow: UnitOfWork) -> Any:
        handler = self._command_handlers[type(command)]
        try:
            return self._call(handler, command, uow=uow)
        except OrderRefused as refusal:
            return refusal

    def _publish(self, pending: list[object]) -> None:
        for event in pending:
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
        return handler(message, **{name: available[name] for name in wanted})
