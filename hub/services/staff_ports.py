"""The staff repository: members, sessions, approvals, PIN failures, held baskets, drawers, who took orders."""

from __future__ import annotations

import abc
from datetime import datetime
from typing import Any

from hub.domain.staff import Approval, StaffMember, StaffSession


class StaffRepository(abc.ABC):
    """Where staff and till state live, inside the caller's unit of work."""

    @abc.abstractmethod
    def members(self) -> list[StaffMember]:
        """Return every member, active or not, by name."""

    @abc.abstractmethod
    def member(self, staff_id: str) -> StaffMember | None:
        """Return one member, or None."""

    @abc.abstractmethod
    def add_member(self, member: StaffMember, at: datetime) -> None:
        """Store a new member."""

    @abc.abstractmethod
    def add_session(self, session: StaffSession) -> None:
        """Store a new session."""

    @abc.abstractmethod
    def session(self, token_hash: str) -> StaffSession | None:
        """Return a session by its token's hash, or None."""

    @abc.abstractmethod
    def end_session(self, token_hash: str, at: datetime) -> bool:
        """End a live session; return False when it was not live."""

    @abc.abstractmethod
    def add_approval(self, approval: Approval) -> None:
        """Store a new approval."""

    @abc.abstractmethod
    def approval(self, token_hash: str) -> Approval | None:
        """Return an approval by its token's hash, or None."""

    @abc.abstractmethod
    def use_approval(self, token_hash: str, at: datetime, used_for: str) -> bool:
        """Mark an approval used unless it already was; return whether this call used it."""

    @abc.abstractmethod
    def pin_failures(self, device_id: str | None, since: datetime) -> list[datetime]:
        """Return when wrong PINs were entered at a till (None: at any till) since a time."""

    @abc.abstractmethod
    def add_pin_failure(self, device_id: str, at: datetime) -> None:
        """Record a wrong PIN at a till."""

    @abc.abstractmethod
    def clear_pin_failures(self, device_id: str) -> None:
        """Forget a till's wrong PINs (a right one was entered)."""

    @abc.abstractmethod
    def set_order_staff(self, order_id: str, staff_id: str | None, approved_by: str | None, at: datetime) -> None:
        """Record who took an order and whose approval its discounts used."""

    @abc.abstractmethod
    def order_staff(self, order_id: str) -> tuple[str | None, str | None] | None:
        """Return (staff id, approved by) for an order, or None."""

    @abc.abstractmethod
    def hold_basket(self, held_id: str, device_id: str, label: str, basket: Any, staff_id: str | None,
                    at: datetime) -> None:
        """Keep a basket for later."""

    @abc.abstractmethod
    def held_baskets(self, device_id: str | None) -> list[dict[str, Any]]:
        """Return baskets not yet recalled (one till's, or all), oldest first, without their contents."""

    @abc.abstractmethod
    def recall_basket(self, held_id: str, at: datetime, staff_id: str | None) -> dict[str, Any] | None:
        """Take a held basket back once; None when there is none or it was recalled already."""

    @abc.abstractmethod
    def set_cash_drawer(self, device_id: str, printer_device_id: str, hardware: str | None, pin: int) -> None:
        """Say which receipt printer kicks a till's drawer."""

    @abc.abstractmethod
    def cash_drawer(self, device_id: str) -> tuple[str, str | None, int] | None:
        """Return (printer agent, hardware, pin) for a till's drawer, or None."""

    @abc.abstractmethod
    def cash_drawers(self) -> dict[str, tuple[str, str | None, int]]:
        """Return every till's drawer."""

    @abc.abstractmethod
    def record_cash(self, tender_id: str, order_id: str, offered: int, change: int, device_id: str | None = None) -> None:
        """Keep what a cash tender was handed and gave back, for the receipt, and which till's drawer took it."""

    @abc.abstractmethod
    def cash_for(self, order_id: str) -> dict[str, tuple[int, int]]:
        """Return tender id -> (offered, change) for an order's cash tenders."""
