"""Card payments on a terminal: requested, then approved, declined, cancelled, failed or reversed.

The hub never holds a card number: a payment keeps what a receipt may show (masked
number, brand, authorisation code, receipt and trace numbers, terminal id, a token).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hub.domain.errors import Refused
from hub.domain.presence import DeviceState

# A payment in `checking` may hold a charge only the terminal can confirm, so the hub never
# stops asking. A dropped connection or a restarting agent is usually back within seconds,
# so the first retries come soon; a terminal switched off for the night is asked every
# two minutes, which keeps the log readable and the cashier's wait short once it is back.
CHECK_BACKOFF_S = (10.0, 30.0, 60.0)  # waits after the 1st, 2nd and 3rd unanswered check
CHECK_EVERY_S = 120.0  # wait after every later unanswered check
LONGEST_CHECK_WAIT = timedelta(seconds=max(*CHECK_BACKOFF_S, CHECK_EVERY_S))


class PaymentState(str, enum.Enum):
    """Where a card payment is."""

    REQUESTED = "requested"  # sent to the terminal; the customer is paying
    CHECKING = "checking"  # the result was lost on the way; the terminal is being asked
    APPROVED = "approved"  # the card was charged for this order
    DECLINED = "declined"  # the card or its bank said no; nothing charged
    CANCELLED = "cancelled"  # the customer cancelled at the terminal; nothing charged
    FAILED = "failed"  # the terminal could not take it (offline, timeout); nothing charged
    REVERSED = "reversed"  # charged, then reversed on the terminal
    REFUNDED = "refunded"  # charged, then all of it given back to the card


def check_delay(unanswered: int) -> timedelta:
    """Return how long to wait after the n-th unanswered check (1-based) before asking again."""
    if 1 <= unanswered <= len(CHECK_BACKOFF_S):
        return timedelta(seconds=CHECK_BACKOFF_S[unanswered - 1])
    return timedelta(seconds=CHECK_EVERY_S)


OPEN = frozenset({PaymentState.REQUESTED, PaymentState.CHECKING})
CHARGED = frozenset({PaymentState.APPROVED, PaymentState.REFUNDED})

# The card facts a payment keeps from a terminal's answer; anything else is dropped.
CARD_FACTS = ("masked_pan", "brand", "auth_code", "receipt_no", "trace_no", "terminal_id", "card_token")


class PaymentRefused(Refused):
    """A payment request the hub will not carry out, with a code and a message."""


@dataclass(frozen=True, slots=True)
class TerminalRef:
    """The terminal that serves a kiosk or counter: an agent and its hardware name."""

    device_id: str
    hardware: str | None = None


@dataclass(slots=True)
class Payment:
    """One card payment towards one order."""

    payment_id: str
    order_id: str
    amount: int
    currency: str
    pos_device_id: str  # the kiosk or counter the customer paid at
    terminal: TerminalRef
    created_at: datetime
    state: PaymentState = PaymentState.REQUESTED
    job_id: str | None = None  # the job now running for it on the terminal
    masked_pan: str | None = None
    brand: str | None = None
    auth_code: str | None = None
    receipt_no: str | None = None
    trace_no: str | None = None
    terminal_id: str | None = None
    card_token: str | None = None
    refunded_amount: int = 0
    error: str | None = None
    message: str | None = None
    updated_at: datetime | None = None
    checks: int = 0  # status enquiries (or reversal retries) sent since the result was lost
    next_check_at: datetime | None = None  # when the hub asks the terminal again; None while a check runs

    @property
    def open(self) -> bool:
        """Return True while the outcome is not known yet."""
        return self.state in OPEN

    @property
    def net_charged(self) -> int:
        """Return what the card pays towards the order now."""
        return self.amount - self.refunded_amount if self.state in CHARGED else 0

    def approve(self, facts: dict[str, Any], now: datetime) -> None:
        """Record the terminal's approval and the card facts a receipt shows."""
        for name in CARD_FACTS:
            value = facts.get(name)
            setattr(self, name, str(value) if value is not None else None)
        self._move(PaymentState.APPROVED, None, "approved", now)

    def end(self, state: PaymentState, error: str | None, message: str | None, now: datetime) -> None:
        """Record that nothing was charged (declined, cancelled, failed)."""
        self._move(state, error, message, now)

    def check(self, message: str, now: datetime) -> None:
        """Note that the result was lost and the terminal is being asked."""
        self._move(PaymentState.CHECKING, "result_lost", message, now)

    def asking(self) -> None:
        """Note that one more check goes to the terminal now."""
        self.checks += 1
        self.next_check_at = None

    def check_due(self, now: datetime) -> bool:
        """Return whether the next check should go now: its time came, or lies further ahead than any wait.

        The second means the wall clock stepped back: the terminal is asked now rather than a whole step later.
        """
        return self.next_check_at is not None and (self.next_check_at <= now or self.next_check_at - now > LONGEST_CHECK_WAIT)

    def check_missed(self, why: str, now: datetime) -> datetime:
        """Schedule the next check after one the terminal did not answer; return when it is."""
        self.next_check_at = now + check_delay(self.checks)
        at = self.next_check_at.strftime("%H:%M:%S")
        if self.error == "reversal_failed":
            self.message = (f"reversing the charge (receipt {self.receipt_no}) failed at attempt {self.checks} ({why}); "
                            f"the hub tries again at {at} UTC")[:500]
        else:
            self.message = f"check {self.checks} got no answer ({why}); the hub asks the terminal again at {at} UTC"[:500]
        self.updated_at = now
        return self.next_check_at

    def reversed(self, now: datetime) -> int:
        """Record a reversal; return the amount that went back."""
        back = self.amount - self.refunded_amount if self.state in CHARGED else 0
        self._move(PaymentState.REVERSED, None, "reversed on the terminal", now)
        return back

    def refunded(self, amount: int, now: datetime) -> None:
        """Record an amount given back to the card."""
        self.refunded_amount = min(self.amount, self.refunded_amount + amount)
        state = PaymentState.REFUNDED if self.refunded_amount >= self.amount else PaymentState.APPROVED
        self._move(state, None, f"refunded {self.refunded_amount} of {self.amount}", now)

    def _move(self, state: PaymentState, error: str | None, message: str | None, now: datetime) -> None:
        if state is not PaymentState.CHECKING:
            self.next_check_at = None
        self.state, self.error, self.message, self.updated_at = state, error, (message or "")[:500] or None, now


# Commands

@dataclass(frozen=True, slots=True)
class AssignTerminal:
    """Say which terminal serves a kiosk or counter."""

    pos_device_id: str
    terminal: TerminalRef


@dataclass(frozen=True, slots=True)
class RequestPayment:
    """Ask the terminal of a kiosk or counter to take a card payment for an order."""

    payment_id: str
    order_id: str
    pos_device_id: str
    amount: int | None = None  # None: what is still due
    # What the hub heard from devices when the request came (hub presence); None: the caller cannot tell
    devices_seen: tuple[DeviceState, ...] | None = None


@dataclass(frozen=True, slots=True)
class RefundPayment:
    """Give (part of) an approved card payment back to the card."""

    payment_id: str
    amount: int | None = None  # None: all that was not refunded yet


@dataclass(frozen=True, slots=True)
class CheckPayment:
    """Ask the terminal again what became of a payment whose result was lost."""

    payment_id: str


@dataclass(frozen=True, slots=True)
class RetryPaymentChecks:
    """Ask the terminals again about payments in `checking` whose next check is due (run by the device relay)."""

    limit: int = 50
