"""A ZVT payment terminal for tests and the demo, on TCP and on a pseudo-terminal.

It speaks the same bytes as a real terminal, keeps a journal of what it charged (so a
test can count charges; a reversal cancels one), and repeats its last transaction's
status information on a status enquiry, so a cash register can recover a lost result.
Its text is CP437, as real terminals send it, and it does what the registration's config
byte asks: intermediate status only when the ECR wants it, receipt text only for the
receipts the ECR prints and only when it asked for print lines; it prints the rest itself
(`printed_here`).

Run: python -m devices.simulators.zvt_terminal --tcp 20007      (or --pty: prints the device path)
"""

from __future__ import annotations

import argparse
import collections
import enum
import logging
import os
import signal
import socket
import threading
import time
import tty
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devices.zvt import apdu as codes
from devices.zvt import bmp, messages
from devices.zvt.apdu import Apdu, ack, nak
from devices.zvt.errors import LinkError, ZvtError
from devices.zvt.link import Link, SerialLink, TcpLink
from devices.zvt.transport import FdTransport, TcpTransport
from hub.contracts.money import format_money

logger = logging.getLogger(__name__)

SOFTWARE_VERSION = "PASSLINE-SIM 1.0"
TERMINAL_LOCALE = "de"  # a ZVT terminal is a German one: its receipt texts are German
TEST_CARD = "491761******0119"  # what most terminals send of a card; pass a full test number to check the ECR masks it
IDLE_WAIT_S = 3600.0


class Scenario(str, enum.Enum):
    """What happens to the next card transaction."""

    APPROVE = "approve"
    DECLINE = "decline"
    CANCEL = "cancel"  # the customer presses the abort key
    TIMEOUT = "timeout"  # the terminal never answers (until the ECR aborts)
    DROP_AFTER_CARD = "drop_after_card"  # the card is charged, then the connection is lost


@dataclass
class JournalEntry:
    """One transaction the terminal did."""

    kind: str  # payment, reversal, refund, end_of_day
    amount: int
    currency: str
    result_code: int
    trace_no: str
    receipt_no: str
    auth_code: str = ""
    reversed: bool = False
    fields: list[tuple[int, Any]] = field(default_factory=list)

    @property
    def approved(self) -> bool:
        """Return True when the transaction went through."""
        return self.result_code == messages.RESULT_SUCCESS


class ZvtTerminalSimulator:
    """The terminal's logic, independent of the line it is reached on."""

    def __init__(self, *, terminal_id: str = "52500001", scenario: Scenario = Scenario.APPROVE,
                 card: str = TEST_CARD, card_type: int = 10, drop_silence_s: float = 2.0,
                 merchant: str = "Passline Café", text_blocks: bool = False) -> None:
        self.terminal_id = terminal_id
        self.merchant = merchant  # the receipt's first line
        self.text_blocks = text_blocks  # receipts as Print Text Block (06 D3) rather than Print Line (06 D1)
        self.config = 0  # until an ECR registers: no status, no receipts to the ECR (it keeps the last one, as terminals do)
        self.printed_here: list[list[str]] = []  # receipts the terminal printed on its own printer
        self.scenario = Scenario(scenario)
        self.card = card
        self.card_type = card_type
        self.drop_silence_s = drop_silence_s  # on a serial line a "lost connection" is this long a silence
        self.journal: list[JournalEntry] = []
        self.received: list[str] = []  # names of the commands it got, in order
        self._next: collections.deque[Scenario] = collections.deque()
        self._trace = 0
        self._receipt = 0
        self._last_fields: list[tuple[int, Any]] | None = None
        self._lock = threading.Lock()
        self.silent_until = 0.0
        self.waiting_for_card = False  # a transaction hangs at "insert card" (scenario timeout)
        self.charge_if_abandoned = False  # a hanging transaction whose ECR went away still charges the card
        self.pin_entry_s = 0.0  # how long the customer takes between "insert card" and the bank's answer
        self.customers_at_pin_pad = 0  # card transactions that reached the PIN pad, for tests to wait on

    def queue(self, *scenarios: Scenario | str) -> None:
        """Use these scenarios for the next transactions, then the default again."""
        with self._lock:
            self._next.extend(Scenario(s) for s in scenarios)

    def charges(self) -> list[JournalEntry]:
        """Return the approved payments that were not reversed."""
        with self._lock:
            return [e for e in self.journal if e.kind == "payment" and e.approved and not e.reversed]

    def batch(self) -> list[JournalEntry]:
        """Return the approved payments (not reversed) and refunds since the last end-of-day: the open batch."""
        with self._lock:
            closed = max((i for i, e in enumerate(self.journal) if e.kind == "end_of_day"), default=-1)
            return [e for e in self.journal[closed + 1:] if e.approved and e.kind in ("payment", "refund")
                    and not e.reversed]

    def charge_by_hand(self, amount: int, currency: str = "EUR") -> JournalEntry:
        """Take a payment keyed on the terminal itself, as a cashier does when the till is down: the hub never hears of it."""
        return self._record("payment", amount, messages.CURRENCY_CODES[currency], messages.RESULT_SUCCESS)

    def _scenario(self) -> Scenario:
        with self._lock:
            return self._next.popleft() if self._next else self.scenario

    def serve(self, link: Link, *, serial: bool = False) -> None:
        """Answer commands on a link until it is closed."""
        while True:
            try:
                command = link.receive(IDLE_WAIT_S)
            except LinkError as exc:
                logger.debug("terminal simulator: link ended: %s", exc)
                return
            except ZvtError as exc:
                logger.warning("terminal simulator: bad message: %s", exc)
                continue
            if time.monotonic() < self.silent_until:
                continue  # the "cable" is still out: whatever came in is lost
            self.received.append(command.name())
            try:
                keep = self._handle(link, command, serial)
            except LinkError as exc:
                logger.info("terminal simulator: link lost mid-transaction: %s", exc)
                return
            if not keep:
                return

    def _handle(self, link: Link, command: Apdu, serial: bool) -> bool:
        handler = {
            codes.REGISTRATION: self._registration,
            codes.AUTHORISATION: self._authorisation,
            codes.REVERSAL: self._reversal,
            codes.REFUND: self._refund,
            codes.END_OF_DAY: self._end_of_day,
            codes.STATUS_ENQUIRY: self._status_enquiry,
            codes.ABORT: self._idle_abort,
        }.get(command.command)
        if handler is None:
            link.send(nak(messages.RESULT_FUNCTION_NOT_POSSIBLE))
            return True
        return handler(link, command, serial)

    def _say(self, link: Link, message: Apdu) -> None:
        """Send a message while holding the line, and wait for the ECR's 80 00 00."""
        link.send(message)
        reply = link.receive(5.0)
        if not reply.is_ack:
            logger.info("terminal simulator: expected 80 00 00, got %s", reply.name())

    def _registration(self, link: Link, command: Apdu, serial: bool) -> bool:
        if len(command.data) >= 4:  # password (3 bytes BCD), then the config byte
            self.config = command.data[3]
        link.send(ack())
        self._say(link, messages.completion(bmp.encode_bmps([(bmp.TERMINAL_ID, self.terminal_id)])))
        return True

    def _idle_abort(self, link: Link, command: Apdu, serial: bool) -> bool:
        link.send(ack())
        self._say(link, messages.abort_from_terminal(messages.RESULT_ABORTED))
        return True

    def _new_numbers(self) -> tuple[str, str]:
        # As a real terminal counts: the trace number runs on across end-of-day (wrapping after
        # 999999); the 4-digit receipt number wraps after 9999 and starts at 0001 after an end-of-day.
        with self._lock:
            self._trace = self._trace % 999_999 + 1
            self._receipt = self._receipt % 9_999 + 1
            return f"{self._trace:06d}", f"{self._receipt:04d}"

    def _record(self, kind: str, amount: int, currency: str, code: int) -> JournalEntry:
        trace, receipt = self._new_numbers()
        now = time.localtime()
        auth = f"{(self._trace * 7919) % 1000000:06d}" if code == messages.RESULT_SUCCESS else ""
        fields: list[tuple[int, Any]] = [
            (bmp.RESULT_CODE, code), (bmp.AMOUNT, amount), (bmp.CURRENCY, currency),
            (bmp.TRACE_NUMBER, trace), (bmp.TIME, time.strftime("%H%M%S", now)), (bmp.DATE, time.strftime("%m%d", now)),
            (bmp.RECEIPT_NUMBER, receipt), (bmp.TERMINAL_ID, self.terminal_id),
        ]
        if kind in ("payment", "refund"):
            fields += [(bmp.CARD_NUMBER, self.card), (bmp.CARD_TYPE, self.card_type)]
        if auth:
            fields.append((bmp.AUTH_ATTRIBUTE, auth))
        entry = JournalEntry(kind, amount, messages.CURRENCY_NAMES.get(currency, currency), code, trace, receipt, auth, fields=fields)
        with self._lock:
            self.journal.append(entry)
            self._last_fields = fields
        return entry

    def _status(self, link: Link, code: int, timeout_s: int | None = None) -> None:
        """Tell the ECR what the customer is asked to do, if it registered for intermediate status."""
        if self.config & messages.CONFIG_INTERMEDIATE_STATUS:
            self._say(link, messages.intermediate_status(code, timeout_s))

    def _print(self, link: Link, lines: list[str], *, admin: bool = False) -> None:
        """Hand a receipt to the ECR when the config byte gives it this receipt as print lines; else print it here."""
        ecr_prints = messages.CONFIG_ECR_PRINTS_ADMIN_RECEIPT if admin else messages.CONFIG_ECR_PRINTS_PAYMENT_RECEIPT
        if not self.config & ecr_prints:
            self.printed_here.append(lines)
        elif self.config & messages.CONFIG_ECR_PRINT_LINES:
            if self.text_blocks:
                self._say(link, messages.text_block(lines, receipt_type=3 if admin else 2))
            else:
                for line in lines:
                    self._say(link, messages.print_line(line))
        # else the ECR builds the receipt itself from the status information: no text goes either way

    def _card_transaction(self, link: Link, kind: str, amount: int, currency: str, serial: bool) -> bool:
        scenario = self._scenario()
        link.send(ack())
        self._status(link, messages.STATUS_INSERT_CARD, 60)
        if scenario is Scenario.TIMEOUT:
            return self._hang(link, kind, amount, currency)
        with self._lock:
            self.customers_at_pin_pad += 1
        time.sleep(self.pin_entry_s)
        if scenario is Scenario.CANCEL:
            self._say(link, messages.abort_from_terminal(messages.RESULT_ABORTED))
            return True
        self._status(link, messages.STATUS_PLEASE_WAIT)
        code = messages.RESULT_DECLINED if scenario is Scenario.DECLINE else messages.RESULT_SUCCESS
        entry = self._record(kind, amount, currency, code)
        if scenario is Scenario.DROP_AFTER_CARD:
            logger.info("terminal simulator: charged %s, now dropping the connection", entry.receipt_no)
            if serial:
                self.silent_until = time.monotonic() + self.drop_silence_s
                return True
            return False
        self._say(link, messages.status_information(entry.fields))
        if not entry.approved:
            self._say(link, messages.abort_from_terminal(code))
            return True
        self._print(link, self._receipt_lines(entry))
        self._say(link, messages.completion())
        return True

    def _hang(self, link: Link, kind: str, amount: int, currency: str) -> bool:
        """Say nothing until the ECR aborts (answer 06 1E 6C) or goes away."""
        self.waiting_for_card = True
        try:
            command = link.receive(IDLE_WAIT_S)
        except LinkError:
            self.waiting_for_card = False
            if self.charge_if_abandoned:  # the customer finished at the PIN pad after the ECR was gone
                self._record(kind, amount, currency, messages.RESULT_SUCCESS)
            return False
        self.waiting_for_card = False
        if command.command == codes.ABORT:
            link.send(ack())
            self._say(link, messages.abort_from_terminal(messages.RESULT_ABORTED))
        return True

    def _receipt_lines(self, entry: JournalEntry) -> list[str]:
        euros = _amount(entry.amount, entry.currency)
        return [self.merchant, "Kartenzahlung" if entry.kind == "payment" else "Gutschrift", f"Terminal-ID {self.terminal_id}",
                f"Trace {entry.trace_no}  Beleg {entry.receipt_no}", f"Karte {self.card[:6]}{bmp.mask_pan(self.card)[6:]}", f"Betrag {euros}",
                f"Autorisierung {entry.auth_code}" if entry.auth_code else "", "Zahlung erfolgt" if entry.approved else "Abgelehnt"]

    def _authorisation(self, link: Link, command: Apdu, serial: bool) -> bool:
        fields = dict(bmp.decode_bmps(command.data))
        return self._card_transaction(link, "payment", fields[bmp.AMOUNT], fields.get(bmp.CURRENCY, "0978"), serial)

    def _refund(self, link: Link, command: Apdu, serial: bool) -> bool:
        fields = dict(bmp.decode_bmps(command.data, offset=3))
        return self._card_transaction(link, "refund", fields[bmp.AMOUNT], fields.get(bmp.CURRENCY, "0978"), serial)

    def _reversal(self, link: Link, command: Apdu, serial: bool) -> bool:
        receipt = dict(bmp.decode_bmps(command.data, offset=3)).get(bmp.RECEIPT_NUMBER)
        link.send(ack())
        with self._lock:
            # Only the open batch can be reversed: a receipt number from before the last end-of-day is not this one.
            closed = max((i for i, e in enumerate(self.journal) if e.kind == "end_of_day"), default=-1)
            original = next((e for e in self.journal[closed + 1:] if e.kind == "payment" and e.approved
                             and not e.reversed and e.receipt_no == receipt), None)
            if original is not None:
                original.reversed = True
        if original is None:
            self._say(link, messages.abort_from_terminal(messages.RESULT_FUNCTION_NOT_POSSIBLE))
            return True
        entry = self._record("reversal", original.amount, messages.CURRENCY_CODES[original.currency], messages.RESULT_SUCCESS)
        self._say(link, messages.status_information(entry.fields))
        self._say(link, messages.completion())
        return True

    def _end_of_day(self, link: Link, command: Apdu, serial: bool) -> bool:
        link.send(ack())
        batch = self.batch()  # the batch's turnover: its payments less its refunds
        total = sum(e.amount if e.kind == "payment" else -e.amount for e in batch)
        entry = self._record("end_of_day", max(total, 0), "0978", messages.RESULT_SUCCESS)
        self._say(link, messages.status_information(entry.fields))
        self._print(link, [self.merchant, "Kassenschnitt", f"Terminal-ID {self.terminal_id}",
                           f"Umsätze {len(batch)}", f"Summe {_amount(total, 'EUR')}"], admin=True)
        with self._lock:
            self._receipt = 0  # the day's batch is closed: the next receipt is 0001 again
        self._say(link, messages.completion())
        return True

    def _status_enquiry(self, link: Link, command: Apdu, serial: bool) -> bool:
        link.send(ack())
        with self._lock:
            last = self._last_fields
        if last is not None:
            self._say(link, messages.status_information(last))
        self._say(link, messages.status_completion(SOFTWARE_VERSION, messages.TERMINAL_READY))
        return True


class TcpTerminal:
    """The simulator on a TCP port (0 = any free port), one connection at a time like a real terminal."""

    def __init__(self, simulator: ZvtTerminalSimulator, host: str = "127.0.0.1", port: int = 20007) -> None:
        self.simulator = simulator
        self._server = socket.create_server((host, port))
        self.host = host
        self._stopping = False
        self._conn: socket.socket | None = None
        self._thread = threading.Thread(target=self._accept, name="zvt-sim-tcp", daemon=True)

    @property
    def port(self) -> int:
        """Return the port it listens on."""
        return self._server.getsockname()[1]

    @property
    def url(self) -> str:
        """Return the connection string for the agent config."""
        return f"tcp://{self.host}:{self.port}"

    def start(self) -> TcpTerminal:
        """Start accepting connections."""
        self._thread.start()
        return self

    def _accept(self) -> None:
        while not self._stopping:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            self._conn = conn
            link = TcpLink(TcpTransport("peer", sock=conn))
            try:
                self.simulator.serve(link)
            finally:
                conn.close()
                self._conn = None

    def stop(self) -> None:
        """Stop listening and drop the connection."""
        self._stopping = True
        for sock in (self._server, self._conn):
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
        self._thread.join(timeout=5)


class PtyTerminal:
    """The simulator on a pseudo-terminal: the ECR opens `path` as its serial port."""

    def __init__(self, simulator: ZvtTerminalSimulator) -> None:
        self.simulator = simulator
        self.master, self._slave = os.openpty()
        tty.setraw(self._slave)  # no echo, no line editing: bytes pass as they are
        self.path = os.ttyname(self._slave)
        self._stop = threading.Event()
        self._link = SerialLink(FdTransport(self.master))
        self._thread = threading.Thread(target=self._run, name="zvt-sim-pty", daemon=True)

    def start(self) -> PtyTerminal:
        """Start answering on the pty."""
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self.simulator.serve(self._link, serial=True)
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop answering, then close the pty (never while the thread may still read it)."""
        self._stop.set()
        self._link.transport.close()
        self._thread.join(timeout=10)
        for fd in (self.master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass


def main(argv: list[str] | None = None) -> int:
    """Run a simulated terminal until interrupted."""
    parser = argparse.ArgumentParser(description="A simulated ZVT payment terminal.")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--tcp", type=int, metavar="PORT", help="listen on this TCP port (ZVT's is 20007)")
    where.add_argument("--pty", action="store_true", help="open a pseudo-terminal and print its path")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--scenario", default="approve", choices=[s.value for s in Scenario])
    parser.add_argument("--terminal-id", default="52500001")
    parser.add_argument("--agent-mqtt-url", metavar="URL", default=os.environ.get("PASSLINE_DEVICE_MQTT_URL"),
                        help="also run a device agent driving this terminal (for the demo); "
                             "or $PASSLINE_DEVICE_MQTT_URL, which keeps the password out of ps")
    parser.add_argument("--agent-store", default="demo")
    parser.add_argument("--agent-device-id", default="demo-terminal")
    parser.add_argument("--agent-spool", type=Path, default=Path("terminal-agent-spool"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    simulator = ZvtTerminalSimulator(terminal_id=args.terminal_id, scenario=Scenario(args.scenario))
    if args.pty:
        terminal: TcpTerminal | PtyTerminal = PtyTerminal(simulator).start()
        connection = terminal.path
    else:
        terminal = TcpTerminal(simulator, args.host, 20007 if args.tcp is None else args.tcp).start()
        connection = terminal.url
    print(f"ZVT terminal simulator on {connection} (scenario {args.scenario})", flush=True)
    agent = _agent(args, connection) if args.agent_mqtt_url else None
    done = threading.Event()

    def stop(*_) -> None:
        logging.disable(logging.INFO)  # stopping on request: its steps are no news
        done.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    done.wait()
    if agent is not None:
        agent.stop()
    terminal.stop()
    return 0


def _agent(args: argparse.Namespace, connection: str):
    """Start an in-process agent whose only hardware is this terminal, named `terminal`."""
    from devices.agent.config import AgentConfig, HardwareConfig
    from devices.agent.runner import Agent

    config = AgentConfig(device_id=args.agent_device_id, store=args.agent_store, mqtt_url=args.agent_mqtt_url,
                         spool_dir=args.agent_spool,
                         hardware=(HardwareConfig("terminal", "zvt", {"connection": connection,
                                                                     "state_file": str(args.agent_spool / "terminal.json")}),))
    agent = Agent(config)
    agent.start()
    return agent


def _amount(amount: int, currency: str) -> str:
    """Return an amount as a German terminal prints it: `12,50 EUR` (CP437 has no euro sign; a terminal spaces with plain spaces)."""
    return format_money(amount, currency, TERMINAL_LOCALE, iso_code=True).replace("\u00a0", " ")


if __name__ == "__main__":
    raise SystemExit(main())

