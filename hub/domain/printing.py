"""Print routing: which printer takes each document, and when a print moves to the backup.

A print goes to its route's printer; when that printer cannot take it (offline, out of
paper, cover open, no answer in time) it goes once to the route's backup, with a banner
saying where it should have come out. The first printer's job is finished for good at
that point (the agent got a deadline with it), so the paper never shows it twice.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hub.domain.errors import OrderRefused

KITCHEN_TICKET = "kitchen_ticket"
RECEIPT = "receipt"
DOCUMENTS = (KITCHEN_TICKET, RECEIPT)
ANY_PLACE = "*"  # the route for every station (or till) without its own
ANSWER_WITHIN_S = 20.0  # a kitchen ticket later than this is late food: print it on the backup instead
MOVE_TO_BACKUP = frozenset({"offline", "paper_out", "cover_open", "no_answer", "expired", "no_hardware"})


class PrintRefused(OrderRefused):
    """A print request the hub cannot carry out (no such order, no printer set up)."""

    code = "print_refused"


class PrintState(str, enum.Enum):
    """Where one print is."""

    PRINTING = "printing"  # a job is out with a printer
    PRINTED = "printed"  # a printer confirmed it
    FAILED = "failed"  # neither the printer nor its backup could print it


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
        """Take the current job's outcome; return `printed`, `to_backup` or `failed`."""
        if ok:
            self.state, self.printed_by, self.finished_at = PrintState.PRINTED, self.current_printer().label, now
            return "printed"
        self.error, self.message = error, message
        if not self.on_backup and self.route.backup is not None and error in MOVE_TO_BACKUP:
            self.on_backup = True
            return "to_backup"
        self.state, self.finished_at = PrintState.FAILED, now
        return "failed"


@dataclass(frozen=True, slots=True)
class PrintMovedToBackup:
    """A printer could not take a print; it went to the backup printer."""

    print_id: str
    place: str
    printer: str
    backup: str
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
class OpenDrawer:
    """Kick the cash drawer behind a receipt printer (no sale: counting, change)."""

    printer: PrinterRef
    pin: int = 2
