"""The port the report roll-ups are written and read through (hub.adapters.db.report_repo in SQL)."""

from __future__ import annotations

import abc
from collections.abc import Mapping
from datetime import datetime

from hub.domain.report_rollups import Rollup
from hub.domain.reports import Period

Sums = dict[str, int]


class ReportRollups(abc.ABC):
    """Running sums per business day for the reports: written with each sale, read by the report pages."""

    @abc.abstractmethod
    def add(self, rollup: Rollup) -> None:
        """Add a sale's (or a refund's, or a cancellation's) sums to the roll-ups."""

    @abc.abstractmethod
    def refund_history(self, order_id: str) -> list[tuple[str, dict[int, int]]]:
        """Return an order's refunds, oldest first: (refund id, units refunded so far per line index)."""

    @abc.abstractmethod
    def record_stock(self, sku: str, day: str, day_began: datetime) -> None:
        """Write the item's stock row for the business day from its moves since the day began and its stock now."""

    # Reads: each sums the period's rows, filtered by channel (origin) and station when given.
    @abc.abstractmethod
    def hourly(self, period: Period, channel: str | None, station: str | None) -> dict[int, Sums]:
        """Return sums per hour of the store's clock."""

    @abc.abstractmethod
    def channels(self, period: Period, station: str | None) -> dict[str, Sums]:
        """Return sums per channel."""

    @abc.abstractmethod
    def items(self, period: Period, channel: str | None, station: str | None) -> dict[str, Sums]:
        """Return sums per item."""

    @abc.abstractmethod
    def modifiers(self, period: Period, channel: str | None, station: str | None) -> dict[tuple[str, str], Sums]:
        """Return sums per (item, modifier code)."""

    @abc.abstractmethod
    def pairs(self, period: Period, channel: str | None, station: str | None) -> dict[tuple[str, str], int]:
        """Return how many orders held both items, per (item A, item B); the station is item A's."""

    @abc.abstractmethod
    def promotions(self, period: Period, channel: str | None,
                   station: str | None) -> tuple[dict[str, Sums], dict[str, dict[str, Sums]]]:
        """Return sums per promotion (orders, discount) and per promotion and item it discounted."""

    @abc.abstractmethod
    def stock(self, period: Period) -> dict[str, Sums]:
        """Return per stock-tracked item: opening stock on the first day and units received in the period."""

    @abc.abstractmethod
    def speed_bump(self, ticket_id: str) -> tuple[tuple, int] | None:
        """Return where a bumped ticket was counted (its speed key) and whether it was over target, if it was."""

    @abc.abstractmethod
    def record_speed_bump(self, ticket_id: str, entry: tuple[tuple, int] | None) -> None:
        """Remember where a bumped ticket is counted (None: it no longer is)."""

    @abc.abstractmethod
    def speed(self, period: Period, channel: str | None, station: str | None) -> dict[tuple[str, str, int], Sums]:
        """Return tickets and tickets over target per (station, daypart, 5-second bucket)."""

    @abc.abstractmethod
    def names(self) -> Mapping[tuple[str, str], str]:
        """Return the names items, modifiers and promotions were last sold under."""

    @abc.abstractmethod
    def stations(self, since: str) -> tuple[str, ...]:
        """Return every station that has sold something since a business day (`YYYY-MM-DD`)."""
