"""Drive orders through their real status changes for commerce tests."""

from __future__ import annotations

from dataclasses import dataclass

from hub.domain.orders import OrderStatus
from hub.services.messagebus import HandlerTables, MessageBus


@dataclass(frozen=True)
class MoveOrder:
    """Move an order along its lifecycle, as the kitchen and the counter would."""

    order_id: str
    path: tuple[str, ...]


def move_order(command: MoveOrder, uow) -> None:
    """Apply each status of the path to the order."""
    order = uow.orders.get(command.order_id)
    for status in command.path:
        order.move_to(OrderStatus(status))
    uow.orders.save(order)


@dataclass(frozen=True)
class Happened:
    """Record an event as another part of the hub would (a card payment approved)."""

    event: object


def record_event(command: Happened, uow) -> None:
    """Raise the event in a unit of work so its in-transaction handlers run."""
    uow.raise_event(command.event)


THESE_TESTS = HandlerTables(commands={MoveOrder: move_order, Happened: record_event})


def status_bus(hub) -> MessageBus:
    """Return the hub's bus with MoveOrder and Happened added: every handler and dependency of the hub's own."""
    return hub.bus.with_handlers(THESE_TESTS)


def complete(hub, order_id: str) -> None:
    """Hand an accepted order over to its customer."""
    status_bus(hub).handle(MoveOrder(order_id, ("ready", "completed")))


def happened(hub, event: object) -> None:
    """Let an event happen in its own unit of work."""
    status_bus(hub).handle(Happened(event))


def cancel(hub, order_id: str) -> None:
    """Cancel an accepted order."""
    status_bus(hub).handle(MoveOrder(order_id, ("cancelled",)))
