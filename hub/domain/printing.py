"""Print routing: which printer takes each document, and when a print moves to the backup.

A print goes to its route's printer; when that printer cannot take it (offline, out of
paper, cover open, no answer in time) it goes once to the route's backup, with a banner
saying where it should have come out. The first printer's job is finished for good at
that point (the agent got a deadline with it), so the paper never shows it twice.

When no printer is left for a reason that passes (paper, cover, power), the print is
HELD, never dropped: a cook must not lose a ticket. It goes out again, as one new job,
when one of its printers reports ready (or store IT presses "print again"); every job
before it is finished, so it comes out once. A held customer receipt waits
RECEIPT_HOLD only: after that the customer has gone, and a receipt printing by itself
at a till later is paper nobody takes; it is dropped with a note (reprint on request).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from hub.domain.errors import OrderRefused

KITCHEN_TICKET = "kitchen_ticket"
RECEIPT = "receipt"
DOCUMENTS = (KITCHEN_TICKET, RECEIPT)
ANY_PLACE = "*"  # the route for every station (or till) without its own
ANSWER_WITHIN_S = 20.0  # a kitchen ticket later than this is late food: print it on the backup instead
# The printer will take the print once a person has seen to it: on the backup, or held until it is ready.
RECOVERABLE = frozenset({"offline", "paper_out", "cover_open", "no_answer", "expired"})
MOVE_TO_BACKUP = RECOVERABLE | {"no_hardware"}  # an agent without that printer: the backup may still have its own
RECEIPT_HOLD = timedelta(minutes=10)  # a receipt held longer is dropped: its customer has left the counter
RETRY_HELD_AFTER = timedelta(seconds=60)  # a held print tries a printer that looked ready all along this often
HELD_ALERT_AFTER = timedelta(seconds=30)  # /health turns not-ok once a print has waited this long: a person must look


class PrintRefused(OrderRefused):
    """A print request the hub cannot carry out (no such order, no printer set up)."""

    code = "print_refused"


class PrintState(str, enum.Enum):
    """Where one print is."""

    PRINTING = "printing"  # a job is out with a printer
    PRINTED = "printed"  # a printer confirmed it
    HELD = "held"  # no printer can take it now; it prints once one of its printers is ready again
    FAILED = "failed"  # it cannot be printed (a document the printer cannot render), or a receipt held too long


@dataclass(frozen=True, slots=True)
class PrinterRef:
    """A printer: the agent's device id and the hardware name in its config."""

    device_id: str
    hardware: str | None = None

    @property
    def label(self) -> str:
        """Return the name staff know the printer by."""
        return self.hardware or self.device_id


@dataclass(frozen=True, slots=True)
class PrintRoute:
    """Where one kind of document for one station (or till) prints."""

    document: str
    place: str
    printer: PrinterRef
    backup: PrinterRef | None = None
    language: str = "en"
    answer_within_s: float = ANSWER_WITHIN_S


def pick_route(routes: list[PrintRoute], document: str, place: str) -> PrintRoute | None:
    """Return the route for a place, else the document's catch-all route, else None."""
    exact = [r for r in routes if r.document == document and r.place == place]
    fallback = [r for r in routes if r.document == document and r.place == ANY_PLACE]
    return (exact or fallback or [None])[0]


@dataclass(slots=True)
class PrintRequest:
    """One document to print, and the jobs that tried to print it."""

    print_id: str
    document: str
    place: str
    order_id: str | None
    payload: dict[str, Any]
    route: PrintRoute
    created_at: datetime
    state: PrintState = PrintState.PRINTING
    job_id: str | None = None  # the job out now (or the last one)
    on_backup: bool = False
    reprint: bool = False
    printed_by: str | None = None
    error: str | None = None
    message: str | None = None
    finished_at: datetime | None = None
    job_ids: list[str] = field(default_factory=list)
    held_since: datetime | None = None  # first held: how long the kitchen has been waiting for it
    held_at: datetime | None = None  # held this time (after its latest job)

    def current_printer(self) -> PrinterRef:
        """Return the printer the current job went to."""
        return self.route.backup if self.on_backup and self.route.backup else self.route.printer

    def job_payload(self) -> dict[str, Any]:
        """Return the print job payload for the current printer (with the backup banner when moved)."""
        payload = dict(self.payload)
        if self.on_backup:
            payload["banner"] = f"BACKUP — FROM {self.route.printer.label}"
        if self.reprint:
            payload["reprint"] = True
        payload.setdefault("language", self.route.language)
        return payload

    def sent_as(self, job_id: str) -> None:
        """Record the job now carrying this print."""
        self.job_id = job_id
        self.job_ids.append(job_id)

    def settle(self, ok: bool, error: str | None, message: str | None, now: datetime) -> str:
        """Take the current job's outcome; return `printed`, `to_backup`, `held` or `failed`."""
        if ok:
            self.state, self.printed_by, self.finished_at = PrintState.PRINTED, self.current_printer().label, now
            self.held_at = None
            return "printed"
        self.error, self.message = error, message
        first_try = self.held_since is None
        if first_try and not self.on_backup and self.route.backup is not None and error in MOVE_TO_BACKUP:
            self.on_backup = True
            return "to_backup"
        if error in RECOVERABLE:
            self.state, self.held_at = PrintState.HELD, now
            self.held_since = self.held_since or now
            return "held"
        self.state, self.finished_at = PrintState.FAILED, now
        return "failed"

    def printers(self) -> list[PrinterRef]:
        """Return the printers this print may come out on: its route's printer, then the backup."""
        return [self.route.printer] + ([self.route.backup] if self.route.backup not in (None, self.route.printer) else [])

    def ready_to_retry(self, ready_since: datetime | None, now: datetime) -> bool:
        """Return True when a held print should try a printer reported ready at `ready_since` (None: not ready).

        Ready news from after the hold is the printer coming back; ready news from before it is
        tried again only every RETRY_HELD_AFTER (the job may have timed out on a printer that never
        said it had a problem), so a printer whose status lags does not get the job every second."""
        if self.state is not PrintState.HELD or ready_since is None or self.held_at is None:
            return False
        stepped_back = self.held_at > now  # the wall clock went back: do not wait out the step
        return ready_since > self.held_at or now - self.held_at >= RETRY_HELD_AFTER or stepped_back

    def too_old_to_print(self, now: datetime) -> bool:
        """Return True for a held receipt whose customer has surely left."""
        return (self.state is PrintState.HELD and self.document == RECEIPT and self.held_since is not None
                and now - self.held_since >= RECEIPT_HOLD)

    def release(self, printer: PrinterRef) -> bool:
        """Send a held print to one of its printers (with the backup banner there); False when it is not held."""
        if self.state is not PrintState.HELD or printer not in self.printers():
            return False
        self.state, self.on_backup, self.held_at = PrintState.PRINTING, printer != self.route.printer, None
        return True

    def printed_after_all(self, printer: PrinterRef, now: datetime) -> bool:
        """Take a late "printed" for a job the hub had given up on; True when that ends a hold.

        The printer did print it, only its answer came after the deadline: sending the held
        print again would put it on paper twice."""
        if self.state is not PrintState.HELD:
            return False
        self.state, self.printed_by, self.finished_at, self.held_at = PrintState.PRINTED, printer.label, now, None
        self.on_backup = printer != self.route.printer
        return True

    def printed_before_its_copy(self, printer: PrinterRef, now: datetime) -> None:
        """Take a late "printed" that came before the copy sent in its place left the hub: the print is done."""
        self.state, self.printed_by, self.finished_at, self.held_at = PrintState.PRINTED, printer.label, now, None
        self.on_backup = printer != self.route.printer

    def drop(self, now: datetime) -> None:
        """Give up on a held receipt, saying so."""
        minutes = int(RECEIPT_HOLD.total_seconds() // 60)
        self.state, self.finished_at, self.error = PrintState.FAILED, now, "held_too_long"
        self.message = (f"The receipt was not printed: the printer was not ready for {minutes} minutes and the customer "
                        "has most likely left. Reprint it from the order if they ask.")


@dataclass(frozen=True, slots=True)
class PrintMovedToBackup:
    """A printer could not take a print; it went to the backup printer."""

    print_id: str
    place: str
    printer: str
    backup: str
    message: str


@dataclass(frozen=True, slots=True)
class PrintHeld:
    """No printer could take a print now; it waits and prints when one is ready."""

    print_id: str
    place: str
    printer: str
    message: str


@dataclass(frozen=True, slots=True)
class PrintedTwice:
    """A printer printed after its deadline while a copy was already out on another: it may be on paper twice."""

    print_id: str
    place: str
    printer: str
    message: str


@dataclass(frozen=True, slots=True)
class PrintFailed:
    """A print could not be printed anywhere."""

    print_id: str
    place: str
    printer: str
    message: str


@dataclass(frozen=True, slots=True)
class SetPrintRoute:
    """Send a kind of document for a station (or `*`) to a printer, with an optional backup."""

    route: PrintRoute


@dataclass(frozen=True, slots=True)
class RemovePrintRoute:
    """Stop printing a kind of document for a station."""

    document: str
    place: str


@dataclass(frozen=True, slots=True)
class ReprintOrder:
    """Print an order's document again: its kitchen ticket for one station (or all), or its receipt."""

    order_id: str
    document: str = KITCHEN_TICKET
    place: str | None = None  # a station; None = every station of the order (or the catch-all till)


@dataclass(frozen=True, slots=True)
class ReleaseHeldPrints:
    """Send held prints to their printers that are ready again (the relay asks every sweep), and drop stale receipts."""


@dataclass(frozen=True, slots=True)
class PrintHeldAgain:
    """Store IT pressed "print again" on a held print: send it now, to the printer it waits for."""

    print_id: str


@dataclass(frozen=True, slots=True)
class OpenDrawer:
    """Kick the cash drawer behind a receipt printer (no sale: counting, change)."""

    printer: PrinterRef
    pin: int = 2
