"""The cash register's side of a ZVT exchange: send one command, follow it to its end.

After a command the terminal answers 80 00 00 (or 84 xx 00 to refuse), then holds the
line: intermediate status, status information, receipt lines, and finally Completion
(06 0F) or Abort (06 1E). The ECR acknowledges every one of them with 80 00 00.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from devices.zvt import apdu as codes
from devices.zvt import bmp, messages
from devices.zvt.apdu import Apdu, ack
from devices.zvt.bcd import read_var_length
from devices.zvt.errors import MalformedApdu, TerminalRefused
from devices.zvt.link import Link

logger = logging.getLogger(__name__)

RESPONSE_TIMEOUT_S = 5.0  # a command's 80 00 00 comes at once; longer silence means the terminal is not there
COMPLETION_TIMEOUT_S = 180.0  # the longest silence inside a transaction (PIN entry, host call); each message restarts it

APPROVED, DECLINED, CANCELLED, FAILED = "approved", "declined", "cancelled", "failed"


@dataclass(frozen=True)
class TransactionResult:
    """How one terminal transaction ended, with the facts a receipt needs (never a card number)."""

    operation: str
    result: str  # approved | declined | cancelled | failed
    result_code: int
    message: str
    amount: int | None = None
    currency: str | None = None
    masked_pan: str | None = None
    brand: str | None = None
    auth_code: str | None = None
    receipt_no: str | None = None
    trace_no: str | None = None
    terminal_id: str | None = None
    card_token: str | None = None
    date: str | None = None
    time: str | None = None
    receipt: tuple[str, ...] = field(default_factory=tuple)

    @property
    def approved(self) -> bool:
        """Return True when the terminal approved the transaction."""
        return self.result == APPROVED

    def detail(self) -> dict[str, Any]:
        """Return the result as plain data for a job result."""
        data = asdict(self)
        data["receipt"] = list(self.receipt)
        return data


@dataclass(frozen=True)
class TerminalStatus:
    """The answer to a status enquiry: ready or not, and the last transaction the terminal stored."""

    ready: bool
    status_code: int
    software_version: str | None
    last: TransactionResult | None


def classify(code: int) -> str:
    """Return approved, declined, cancelled or failed for a ZVT result code."""
    if code == messages.RESULT_SUCCESS:
        return APPROVED
    if code == messages.RESULT_ABORTED:
        return CANCELLED
    if code < 0x80:  # issuer answers (01-63) and card problems (64-7F)
        return DECLINED
    return FAILED


def result_from(operation: str, info: dict[str, Any], code: int, receipt: list[str]) -> TransactionResult:
    """Build a result from the fields of the status information and the final result code."""
    currency = info.get("currency_code")
    card_type = info.get("card_type")
    brand = info.get("card_name") or (messages.CARD_BRANDS.get(card_type) if card_type is not None else None)
    return TransactionResult(
        operation=operation,
        result=classify(code),
        result_code=code,
        message=messages.describe_result(code),
        amount=info.get("amount"),
        currency=messages.CURRENCY_NAMES.get(currency, currency) if currency else None,
        masked_pan=info.get("masked_pan"),
        brand=brand,
        auth_code=info.get("auth_code") or None,
        receipt_no=info.get("receipt_no"),
        trace_no=info.get("trace_no"),
        terminal_id=info.get("terminal_id"),
        date=info.get("date"),
        time=info.get("time"),
        receipt=tuple(receipt),
    )


class ZvtClient:
    """Run ZVT commands over an open link, one at a time."""

    def __init__(
        self,
        link: Link,
        *,
        password: str = messages.DEFAULT_PASSWORD,
        currency: str = "EUR",
        config: int = messages.DEFAULT_CONFIG,
        response_timeout_s: float = RESPONSE_TIMEOUT_S,
        completion_timeout_s: float = COMPLETION_TIMEOUT_S,
        on_status: Callable[[str], None] | None = None,
    ) -> None:
        self.link = link
        self.password = password
        self.currency = currency
        self.config = config
        self.response_timeout_s = response_timeout_s
        self.completion_timeout_s = completion_timeout_s
        self.on_status = on_status or (lambda text: None)

    def register(self) -> TransactionResult:
        """Log on to the terminal (06 00) with the ECR's config byte and currency."""
        return self._transact("registration", messages.registration(self.password, self.config, self.currency))

    def authorise(self, amount: int, currency: str | None = None) -> TransactionResult:
        """Take a card payment of amount minor units (06 01)."""
        return self._transact("authorise", messages.authorisation(amount, currency or self.currency))

    def reverse(self, receipt_no: str) -> TransactionResult:
        """Reverse the payment with a receipt number (06 30)."""
        return self._transact("reverse", messages.reversal(receipt_no, self.password))

    def refund(self, amount: int, currency: str | None = None) -> TransactionResult:
        """Refund amount minor units to a card (06 31)."""
        return self._transact("refund", messages.refund(amount, currency or self.currency, self.password))

    def end_of_day(self) -> TransactionResult:
        """Close the terminal's batch (06 50)."""
        return self._transact("end_of_day", messages.end_of_day(self.password))

    def abort(self) -> TransactionResult:
        """Ask the terminal to stop the running transaction (06 B0); it ends it with 06 1E."""
        return self._transact("abort", messages.abort(), self.response_timeout_s)

    def status(self) -> TerminalStatus:
        """Ask the terminal how it is (05 01); it also repeats its last transaction's status information."""
        infos, final, receipt = self._exchange(messages.status_enquiry(self.password))
        version, status_code = None, messages.TERMINAL_READY
        if final.command == codes.COMPLETION and final.data:
            version, status_code = _status_completion(final.data)
        last = None
        if infos and "result_code" in infos[-1]:
            last = result_from("last", infos[-1], infos[-1]["result_code"], receipt)
        return TerminalStatus(ready=status_code == messages.TERMINAL_READY and final.command == codes.COMPLETION,
                              status_code=status_code, software_version=version, last=last)

    def _transact(self, operation: str, command: Apdu, timeout_s: float | None = None) -> TransactionResult:
        infos, final, receipt = self._exchange(command, timeout_s)
        info: dict[str, Any] = {}
        for one in infos:
            info.update(one)
        if final.command == codes.ABORT_FROM_TERMINAL:
            code = final.data[0] if final.data else messages.RESULT_SYSTEM_ERROR
        else:
            code = info.get("result_code", messages.RESULT_SUCCESS)
        return result_from(operation, info, code, receipt)

    def _exchange(self, command: Apdu, timeout_s: float | None = None) -> tuple[list[dict[str, Any]], Apdu, list[str]]:
        """Send a command and collect what the terminal sends until Completion or Abort."""
        logger.debug("ZVT -> %s", command.name())
        self.link.send(command)
        reply = self.link.receive(self.response_timeout_s)
        if reply.is_nak:
            raise TerminalRefused(reply.instr)
        infos: list[dict[str, Any]] = []
        receipt: list[str] = []
        message = None if reply.is_ack else reply
        while True:
            if message is None:
                message = self.link.receive(timeout_s or self.completion_timeout_s)
            logger.debug("ZVT <- %s", message.name())
            self.link.send(ack())
            if message.command in (codes.COMPLETION, codes.ABORT_FROM_TERMINAL):
                return infos, message, receipt
            if message.command == codes.STATUS_INFORMATION:
                infos.append(bmp.as_dict(bmp.decode_bmps(message.data)))
            elif message.command == codes.INTERMEDIATE_STATUS and message.data:
                self.on_status(messages.STATUS_TEXTS.get(message.data[0], f"status {message.data[0]:02X}"))
            elif message.command == codes.PRINT_LINE:
                receipt.append(bmp.scrub_text(bmp.decode_text(message.data[1:])))
            elif message.command == codes.PRINT_TEXT_BLOCK:
                receipt.extend(bmp.scrub_text(line) for line in _text_block_lines(message.data))
            message = None


def _status_completion(data: bytes) -> tuple[str | None, int]:
    try:
        size = read_var_length(data, 0, 3)
        version = bmp.decode_text(data[3:3 + size])
        rest = data[3 + size:]
        return version, rest[0] if rest else messages.TERMINAL_READY
    except MalformedApdu:
        return None, data[0]


def _text_block_lines(data: bytes) -> list[str]:
    fields = bmp.decode_bmps(data)
    lines = []
    for tag, value in fields:
        if tag == bmp.TLV_CONTAINER:
            for item in value:
                container = [item] if item.tag == messages.TEXT_LINE else item.find(messages.TEXT_LINE)
                lines.extend(bmp.decode_text(line.value) for line in container)
    return lines


__all__ = ["ZvtClient", "TransactionResult", "TerminalStatus"]
