"""The agent's ESC/POS printer: takes `print` and `drawer` jobs, watches paper and cover."""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from devices.agent.hardware_interface import Hardware, JobOutcome, Report
from devices.printers import status as rt
from devices.printers.layout import drawer_kick, render
from devices.printers.link import PrinterLink, PrinterUnavailable
from devices.printers.profiles import DEFAULT_PROFILE, load_profile
from hub.contracts.jobs import JobOut
from hub.contracts.printing import DrawerKick, PrintPayload

logger = logging.getLogger(__name__)

POLL_S = 10.0  # status poll when idle, so paper-out shows before the next job
KEEP_MARKS_S = 7 * 24 * 3600  # as long as the spool remembers finished jobs


def field_error(exc: ValidationError) -> str:
    """Return the first validation problem as `field: message`."""
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "payload"
    return f"{where}: {first['msg']}"


class SentJournal:
    """Remember on disk which jobs' bytes were handed to the printer, to settle a job cut off by a crash."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        cutoff = time.time() - KEEP_MARKS_S
        for mark in directory.iterdir():
            if mark.stat().st_mtime < cutoff:
                mark.unlink(missing_ok=True)

    def _mark(self, job_id: str, state: str) -> None:
        # Creating the file is enough to survive a SIGKILL (the kernel has it); the fsyncs
        # after it are for a power cut, and must not widen the window after the last byte.
        path = self.directory / f"{job_id}.{state}"
        with open(path, "wb") as marker:
            os.fsync(marker.fileno())
        dir_fd = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def sending(self, job_id: str) -> None:
        """Record that the job's bytes are about to go out."""
        self._mark(job_id, "sending")

    def sent(self, job_id: str) -> None:
        """Record that every byte of the job was handed over."""
        self._mark(job_id, "sent")

    def state(self, job_id: str) -> str | None:
        """Return `sent`, `sending` or None."""
        for state in ("sent", "sending"):
            if (self.directory / f"{job_id}.{state}").exists():
                return state
        return None


class EscposPrinter(Hardware):
    """A receipt or kitchen printer on tcp, usb, serial or a file."""

    kind = "printer"
    job_kinds = ("print", "drawer")

    def __init__(self, name: str, options: dict, report: Report) -> None:
        super().__init__(name, options, report)
        if "connection" not in options:
            raise ValueError(f"hardware {name!r}: printer needs `connection`, e.g. tcp://192.168.1.50:9100")
        self.link = PrinterLink(str(options["connection"]), float(options.get("timeout_s", 2.0)))
        profiles_dir = options.get("profiles_dir")
        self.profile = load_profile(str(options.get("profile", DEFAULT_PROFILE)), Path(profiles_dir) if profiles_dir else None)
        self.tz = ZoneInfo(options["timezone"]) if options.get("timezone") else None
        self.read_status = bool(options.get("read_status", self.link.reads_status))
        self.poll_s = float(options.get("poll_s", POLL_S))
        state_dir = Path(options.get("state_dir") or Path(options.get("spool_dir", ".")) / name)
        self.journal = SentJournal(state_dir / "sent")
        self._lock = threading.Lock()  # one conversation with the printer at a time
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._status = rt.PrinterStatus(answered=False) if self.read_status else None
        # A drawer switch wired to the printer: report opening and closing (pin 3 high = open unless told).
        self.drawer_sensor = str(options.get("drawer_sensor", "none"))
        if self.drawer_sensor not in ("none", "high_open", "low_open"):
            raise ValueError(f"hardware {name!r}: drawer_sensor must be none, high_open or low_open")
        if self.drawer_sensor != "none" and "poll_s" not in options:
            self.poll_s = 0.5
        self._drawer_open: bool | None = None
        self._error: str | None = None

    def start(self) -> None:
        """Check the printer now and every poll_s seconds while idle."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._poll, name=f"printer-{self.name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop polling and close the connection."""
        self._stop.set()
        if self._thread:
            self._thread.join(5)
        self.link.close()

    def _poll(self) -> None:
        while not self._stop.is_set():
            if self._lock.acquire(timeout=0.1):
                try:
                    self._check()
                except Exception:  # a poll failure must not end the thread; the next poll retries
                    logger.exception("printer %s: status poll failed", self.name)
                finally:
                    self._lock.release()
            self._stop.wait(self.poll_s)

    def _check(self) -> tuple[str, str] | None:
        """Read the status now; return (code, words) when the printer cannot print."""
        if not self.read_status:
            try:
                self.link._open()
            except PrinterUnavailable as exc:
                return self._fail("offline", f"Printer {self.name} cannot be opened: {exc}")
            return self._fail(None, None)
        try:
            status = rt.interpret(self.link.ask(rt.PRINTER), self.link.ask(rt.OFFLINE_CAUSE), self.link.ask(rt.PAPER))
        except PrinterUnavailable as exc:
            self._status = rt.PrinterStatus(answered=False)
            return self._fail("offline", f"Printer {self.name} cannot be reached ({exc}): check power and cable.")
        self._status = status
        self._watch_drawer(status)
        problem = status.problem(self.name)
        return self._fail(*problem) if problem else self._fail(None, None)

    def _watch_drawer(self, status: rt.PrinterStatus) -> None:
        if self.drawer_sensor == "none" or not status.answered:
            return
        is_open = status.drawer_pin3_high == (self.drawer_sensor == "high_open")
        if self._drawer_open is not None and is_open != self._drawer_open:
            self.report("drawer.opened" if is_open else "drawer.closed", {"hardware": self.name, "job_id": None})
        self._drawer_open = is_open

    def _fail(self, code: str | None, words: str | None) -> tuple[str, str] | None:
        self._error = words
        return (code, words) if code else None

    def health(self) -> dict:
        """Return online, paper, cover and the last problem in words."""
        reachable = self._status.answered if self._status is not None else self._error is None
        health = {"online": reachable, "ready": self._error is None, "connection": self.link.url, "profile": self.profile.name,
                  "error": self._error}
        if self._status is not None:
            health.update(paper=self._status.paper, cover_open=self._status.cover_open)
            if self._drawer_open is not None:
                health["drawer"] = "open" if self._drawer_open else "closed"
            if self._status.paper == "low" and self._error is None:
                health["warning"] = f"Printer {self.name} paper is running low."
        return health

    def run(self, job: JobOut) -> JobOutcome:
        """Print a document or kick the drawer, checking the printer before and after."""
        try:
            if job.kind == "drawer":
                data = drawer_kick(DrawerKick.model_validate(job.payload).pin, self.profile)
            else:
                data = render(PrintPayload.model_validate(job.payload), self.profile, self.tz)
        except ValidationError as exc:
            return JobOutcome(False, "invalid_payload", f"The hub sent a print job this agent cannot read ({field_error(exc)}).")
        with self._lock:
            problem = self._check()
            if problem:
                return JobOutcome(False, problem[0], problem[1], {"printed": False})
            if job.expires_at is not None and datetime.now(timezone.utc) >= job.expires_at:
                # The status check took long enough for the hub to give the job to the backup.
                return JobOutcome(False, "expired", "The job ran out of time before printing; the hub sent it elsewhere.")
            self.journal.sending(str(job.job_id))
            try:
                self.link.write(data)
            except PrinterUnavailable as exc:
                self._fail("offline", f"Printer {self.name} stopped taking data ({exc}).")
                return JobOutcome(False, "offline", self._error, {"printed": False})
            self.journal.sent(str(job.job_id))
            # Every byte was taken. A problem seen now (paper ran out just after) goes to the
            # health, not to this job: failing it would print the ticket a second time elsewhere.
            after = self._check()
        if self.drawer_sensor == "none" and (job.kind == "drawer" or job.payload.get("open_drawer")):
            self.report("drawer.opened", {"hardware": self.name, "job_id": str(job.job_id)})
        detail = {"bytes": len(data), "printer": self.name}
        if after:
            detail["problem_after"] = after[0]
        return JobOutcome(True, detail=detail)

    def recover(self, job: JobOut) -> JobOutcome | None:
        """After a crash: a job whose bytes all went out is done; anything else prints again."""
        if self.journal.state(str(job.job_id)) == "sent":
            return JobOutcome(True, detail={"printer": self.name, "recovered": True})
        return None
