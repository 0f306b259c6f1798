"""A ZVT payment terminal as agent hardware: takes `pay` jobs, never lets a card number out.

A result lost on the way (the connection dropped, the terminal went silent) is read back
with a status enquiry, which repeats the terminal's last transaction. The agent keeps the
trace numbers of the results it already has, so an old transaction is never taken for
the lost one; the hub checks receipt numbers once more on its side.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from devices.agent.hardware_interface import Hardware, JobOutcome, Report
from devices.zvt import ecr as zvt
from devices.zvt.ecr import TerminalStatus, TransactionResult, ZvtClient
from devices.zvt.errors import LinkError, LinkTimeout, TerminalRefused, ZvtError
from devices.zvt.link import open_link
from hub.contracts.jobs import JobOut
from hub.contracts.payments import PayJob, PayOperation

logger = logging.getLogger(__name__)

DEFAULT_RECOVERY_WINDOW_S = 60.0  # how long to keep asking a terminal that dropped mid-transaction for its result
RECOVERY_RETRY_S = 1.0
DEFAULT_HEALTH_INTERVAL_S = 30.0  # an idle terminal is asked how it is this often (0 = never)
KNOWN_TRACES_KEPT = 500

ERRORS = {zvt.DECLINED: "declined", zvt.CANCELLED: "cancelled", zvt.FAILED: "terminal_error"}


class ZvtTerminal(Hardware):
    """A payment terminal on `tcp://host:20007` or a serial port, speaking ZVT."""

    kind = "terminal"
    job_kinds = ("pay",)

    def __init__(self, name: str, options: dict, report: Report) -> None:
        super().__init__(name, options, report)
        self.connection = str(options.get("connection") or "")
        if not self.connection:
            raise ValueError(f"terminal {name!r} needs a connection (tcp://host:20007 or a serial device)")
        self.password = str(options.get("password", "000000"))
        self.currency = str(options.get("currency", "EUR"))
        self.response_timeout_s = float(options.get("response_timeout_s", zvt.RESPONSE_TIMEOUT_S))
        self.completion_timeout_s = float(options.get("completion_timeout_s", zvt.COMPLETION_TIMEOUT_S))
        self.recovery_window_s = float(options.get("recovery_window_s", DEFAULT_RECOVERY_WINDOW_S))
        self.health_interval_s = float(options.get("health_interval_s", DEFAULT_HEALTH_INTERVAL_S))
        self.register_first = bool(options.get("register", True))
        self.state_file = Path(options["state_file"]) if options.get("state_file") else None
        self._lock = threading.Lock()
        self._state = "unknown"  # ready, busy, offline
        self._error: str | None = None
        self._terminal_id: str | None = None
        self._known_traces: list[str] = self._load_known()
        self._stop = threading.Event()
        self._prober: threading.Thread | None = None

    # lifecycle and health

    def start(self) -> None:
        """Ask the terminal how it is now and then every health_interval_s while idle."""
        if self.health_interval_s > 0:
            self._prober = threading.Thread(target=self._probe_loop, name=f"terminal-{self.name}", daemon=True)
            self._prober.start()

    def stop(self) -> None:
        """Stop asking the terminal."""
        self._stop.set()
        if self._prober is not None:
            self._prober.join(timeout=self.response_timeout_s + 1)

    def health(self) -> dict:
        """Return ready/busy/offline and the last error in words."""
        return {"online": self._state in ("ready", "busy"), "terminal": self._state,
                "terminal_id": self._terminal_id, "error": self._error}

    def _probe_loop(self) -> None:
        while not self._stop.is_set():
            if self._lock.acquire(blocking=False):
                try:
                    self._status()
                except ZvtError:
                    pass
                finally:
                    self._lock.release()
            self._stop.wait(self.health_interval_s)

    def _set(self, state: str, error: str | None = None) -> None:
        self._state, self._error = state, error

    # jobs

    def run(self, job: JobOut) -> JobOutcome:
        """Do the payload's operation on the terminal and report what it said."""
        try:
            pay = PayJob.model_validate(job.payload)
        except ValidationError as exc:
            return JobOutcome(False, "invalid_payload", f"the pay job is not valid: {exc.errors()[0]['msg']}")
        with self._lock:
            self._set("busy")
            try:
                return self._run(pay)
            finally:
                if self._state == "busy":
                    self._set("ready")

    def recover(self, job: JobOut) -> JobOutcome | None:
        """Settle a job the agent started before it stopped: ask the terminal what became of it."""
        try:
            pay = PayJob.model_validate(job.payload)
        except ValidationError:
            return None
        if pay.operation not in (PayOperation.AUTHORISE, PayOperation.REFUND):
            return None  # asking again is harmless: a status, a reversal the terminal refuses twice, an end-of-day
        with self._lock:
            self._set("busy")
            try:
                outcome = self._resolve(pay, "the agent restarted mid-transaction")
                expired = job.expires_at is not None and job.expires_at <= datetime.now(timezone.utc)
                if outcome.ok and expired and pay.operation is PayOperation.AUTHORISE:
                    return self._reverse_unwanted(outcome)
                if outcome.detail.get("result") == "not_charged":
                    return JobOutcome(False, "interrupted",
                                      "The payment was interrupted before the card was charged; ask the customer to pay again.",
                                      outcome.detail)
                return outcome
            finally:
                if self._state == "busy":
                    self._set("ready")

    def _run(self, pay: PayJob) -> JobOutcome:
        try:
            link = open_link(self.connection)
        except (LinkError, OSError, ValueError) as exc:
            self._set("offline", f"The payment terminal cannot be reached ({exc}).")
            return JobOutcome(False, "offline", "The payment terminal cannot be reached; nothing was charged.",
                              {"operation": pay.operation.value, "result": "failed"})
        try:
            client = self._client(link)
            if self.register_first:
                client.register()
            if pay.operation is PayOperation.STATUS:
                return self._status_outcome(client.status())
            if pay.operation is PayOperation.END_OF_DAY:
                return self._outcome(pay, client.end_of_day())
            if pay.operation is PayOperation.REVERSE:
                return self._outcome(pay, client.reverse(pay.receipt_no or ""))
            if pay.operation is PayOperation.REFUND:
                return self._outcome(pay, client.refund(pay.amount or 0, pay.currency))
            return self._outcome(pay, client.authorise(pay.amount or 0, pay.currency))
        except TerminalRefused as exc:
            self._set("busy", "The terminal is busy or cannot do this now.")
            return JobOutcome(False, "busy", f"The payment terminal refused: {exc}; nothing was charged.",
                              {"operation": pay.operation.value, "result": "failed"})
        except LinkTimeout as exc:
            self._try_abort(link)
            why = f"the terminal stopped answering ({exc})"
        except ZvtError as exc:
            why = f"the connection to the terminal was lost ({exc})"
        finally:
            link.close()  # before asking again: a terminal serves one connection at a time
        return self._lost(pay, why)

    def _lost(self, pay: PayJob, why: str) -> JobOutcome:
        logger.warning("terminal %s: %s during %s; asking the terminal for the result", self.name, why, pay.operation.value)
        if pay.operation not in (PayOperation.AUTHORISE, PayOperation.REFUND):
            self._set("offline", f"The payment terminal stopped answering: {why}.")
            return JobOutcome(False, "no_answer", f"The payment terminal stopped answering: {why}.",
                              {"operation": pay.operation.value, "result": "unknown"})
        outcome = self._resolve(pay, why)
        if outcome.detail.get("result") == "not_charged":
            return JobOutcome(False, "timeout", f"The payment did not complete ({why}); the card was not charged.",
                              {**outcome.detail, "result": "failed"})
        return outcome

    def _resolve(self, pay: PayJob, why: str) -> JobOutcome:
        """Ask the terminal, until recovery_window_s, whether the lost transaction went through."""
        deadline = time.monotonic() + self.recovery_window_s
        last_error = why
        while True:
            try:
                link = open_link(self.connection)
                try:
                    status = self._client(link).status()
                finally:
                    link.close()
            except (ZvtError, OSError) as exc:
                last_error = str(exc)
                if time.monotonic() >= deadline:
                    break
                time.sleep(RECOVERY_RETRY_S)
                continue
            self._set("ready")
            last = status.last
            if last is not None and self._is_lost_one(last, pay):
                outcome = self._outcome(pay, last, recovered=True)
                logger.info("terminal %s: recovered the lost %s: %s", self.name, pay.operation.value, last.result)
                return outcome
            return JobOutcome(False, "not_charged", "The terminal has no record of this transaction.",
                              {"operation": pay.operation.value, "result": "not_charged", "recovered": True})
        self._set("offline", f"The payment terminal cannot be reached: {last_error}.")
        return JobOutcome(False, "connection_lost",
                          "The connection to the payment terminal was lost mid-payment and the result is unknown; the hub will check again.",
                          {"operation": pay.operation.value, "result": "unknown"})

    def _is_lost_one(self, last: TransactionResult, pay: PayJob) -> bool:
        return (last.trace_no is not None and last.trace_no not in self._known_traces
                and last.amount == pay.amount and last.masked_pan is not None)

    def _reverse_unwanted(self, outcome: JobOutcome) -> JobOutcome:
        """Reverse a charge the hub no longer wants (the job expired while the agent was down)."""
        receipt = outcome.detail.get("receipt_no")
        try:
            link = open_link(self.connection)
            try:
                reversal = self._client(link).reverse(receipt or "")
            finally:
                link.close()
        except ZvtError as exc:
            return JobOutcome(False, "expired", f"The job had expired but the card was charged, and reversing it failed ({exc}).",
                              outcome.detail)
        self._remember(reversal)
        result = "reversed" if reversal.approved else outcome.detail.get("result")
        return JobOutcome(False, "expired", "The job had expired; the charge found on the terminal was reversed.",
                          {**outcome.detail, "result": result})

    def _status(self) -> TerminalStatus:
        try:
            link = open_link(self.connection)
        except (ZvtError, OSError, ValueError) as exc:
            self._set("offline", f"The payment terminal cannot be reached ({exc}).")
            raise LinkError(str(exc)) from exc
        try:
            status = self._client(link).status()
        except ZvtError as exc:
            self._set("offline", f"The payment terminal does not answer ({exc}).")
            raise
        finally:
            link.close()
        self._set("ready" if status.ready else "busy", None if status.ready else f"terminal status {status.status_code:02X}")
        return status

    def _status_outcome(self, status: TerminalStatus) -> JobOutcome:
        self._set("ready" if status.ready else "busy")
        detail: dict[str, Any] = {"operation": "status", "result": "approved", "ready": status.ready}
        if status.last is not None:
            # unreported: this agent never passed that transaction's result on, so it may be a lost one
            detail["last"] = {**_facts(status.last), "unreported": status.last.trace_no not in self._known_traces}
        return JobOutcome(True, None, "terminal ready" if status.ready else "terminal busy", detail)

    def _outcome(self, pay: PayJob, result: TransactionResult, *, recovered: bool = False) -> JobOutcome:
        self._remember(result)
        if result.terminal_id:
            self._terminal_id = result.terminal_id
        detail = {**_facts(result), "operation": pay.operation.value, "result_code": result.result_code,
                  "recovered": recovered, "receipt": list(result.receipt)}
        if result.approved:
            return JobOutcome(True, None, f"{pay.operation.value}: approved", detail)
        return JobOutcome(False, ERRORS.get(result.result, "terminal_error"), result.message, detail)

    def _client(self, link) -> ZvtClient:
        return ZvtClient(link, password=self.password, currency=self.currency,
                         response_timeout_s=self.response_timeout_s, completion_timeout_s=self.completion_timeout_s)

    def _try_abort(self, link) -> None:
        try:
            self._client(link).abort()
        except ZvtError:
            pass

    # what the agent has already seen

    def _remember(self, result: TransactionResult) -> None:
        if result.trace_no and result.trace_no not in self._known_traces:
            self._known_traces = (self._known_traces + [result.trace_no])[-KNOWN_TRACES_KEPT:]
            if self.state_file is not None:
                self.state_file.parent.mkdir(parents=True, exist_ok=True)
                tmp = self.state_file.with_suffix(".tmp")
                tmp.write_text(json.dumps({"known_traces": self._known_traces}))
                tmp.replace(self.state_file)

    def _load_known(self) -> list[str]:
        if self.state_file is None or not self.state_file.exists():
            return []
        try:
            return list(json.loads(self.state_file.read_text())["known_traces"])
        except (ValueError, KeyError, OSError):
            logger.warning("terminal %s: state file %s unreadable; starting empty", self.name, self.state_file)
            return []


def _facts(result: TransactionResult) -> dict[str, Any]:
    return {"result": result.result, "amount": result.amount, "currency": result.currency,
            "masked_pan": result.masked_pan, "brand": result.brand, "auth_code": result.auth_code,
            "receipt_no": result.receipt_no, "trace_no": result.trace_no, "terminal_id": result.terminal_id,
            "card_token": result.card_token}
