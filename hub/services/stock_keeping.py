"""Stock kept by hand: 86 an item or bring it back, book a delivery; availability goes out at once."""

from __future__ import annotations

from hub.domain.errors import CommerceRefused
from hub.domain.stock import MarkSoldOut, ReceiveStock, StockChanged, StockLevel
from hub.services.ports import Clock, UnitOfWork


def mark_sold_out(command: MarkSoldOut, uow: UnitOfWork, clock: Clock) -> bool:
    """86 an item by hand or bring it back; availability goes out at once."""
    if uow.catalog().get(command.sku) is None:
        raise CommerceRefused("unknown_sku", f"sku: unknown SKU {command.sku}")
    uow.commerce.mark_sold_out(command.sku, command.sold_out, command.by, clock())
    uow.raise_event(StockChanged((command.sku,)))
    return command.sold_out


def receive_stock(command: ReceiveStock, uow: UnitOfWork, clock: Clock) -> StockLevel:
    """Book a delivery of a stock-tracked item; availability goes out at once."""
    location = command.location or uow.catalog().location or "store"
    level = uow.commerce.stock([command.sku]).get((command.sku, location))
    if level is None:
        raise CommerceRefused("not_found", f"sku: {command.sku} is not stock-tracked at {location}")
    if command.qty < 1:
        raise CommerceRefused("invalid_payload", "qty must be at least 1")
    level.receive(command.qty)
    uow.commerce.save_stock(level)
    uow.commerce.add_move(command.sku, location, "receive", command.qty, None, None, clock())
    uow.raise_event(StockChanged((command.sku,)))
    return level
