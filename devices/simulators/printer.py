"""A network ESC/POS printer: records every byte, answers DLE EOT with a status you set.

Run: python -m devices.simulators.printer --port 9100 --text printed.txt
"""

from __future__ import annotations

import argparse
import logging
import socket
import threading
import time
from pathlib import Path

from devices.printers.status import status_byte
from devices.simulators.escpos_decoder import Document, decode, decode_cut

logger = logging.getLogger(__name__)

STATES = ("online", "paper_low", "paper_out", "cover_open", "offline")
LINE_MM = 4.0  # a line of text and its spacing on 80 mm thermal paper (32 dots at 8 dots a mm); a big line twice that
FEED_MM = 20.0  # paper fed past the cutter before each cut
CUT_S = 0.25  # the cutter's stroke


class PrinterSimulator:
    """A TCP printer on host:port (0 = any free port) for tests and the demo."""

    def __init__(self, host: str = "127.0.0.1", port: int = 9100, *, name: str = "printer",
                 state: str = "online", text_file: Path | None = None, raw_file: Path | None = None,
                 speed_mm_s: float = 0.0) -> None:
        self.name = name
        self.host = host
        self._requested_port = port
        self.text_file = text_file
        self.raw_file = raw_file
        self.received = bytearray()  # every byte, as sent
        self.printed = bytearray()  # bytes that reached paper (not while out of paper, cover open or offline)
        self.status_queries = 0
        self.silent = False  # no answers to DLE EOT: a printer that hangs
        self.status_delay_s = 0.0
        self.hold_after_cut_s = 0.0  # delay the first status answer after a cut: a slow printer mid-job
        self.refuse = False  # accept then close at once: a printer that resets its link
        self.drawer_open = False  # a kick (ESC p) opens it; set False to "close" it
        # Paper a second (0 = at once): a status answer after a cut waits until the paper is out, as a thermal
        # printer's does while it prints (an Epson TM-T88 prints 150-300 mm/s).
        self.speed_mm_s = speed_mm_s
        self._state = "online"
        self.set_state(state)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._conns: set[socket.socket] = set()
        self._server: socket.socket | None = None
        self._threads: list[threading.Thread] = []
        self._paper_lock = threading.Lock()  # what reached paper is read and written to the files in order
        self._paper_from = 0  # where in `printed` the documents not cut yet begin, and the code page in use there
        self._paper_codec = "cp437"
        self.busy_until = 0.0  # monotonic time the paper printed so far is all out

    @property
    def port(self) -> int:
        """Return the port it listens on."""
        return self._server.getsockname()[1] if self._server else self._requested_port

    @property
    def url(self) -> str:
        """Return the connection URL the agent config uses."""
        return f"tcp://{self.host}:{self.port}"

    def set_state(self, state: str) -> None:
        """Set what the printer reports: online, paper_low, paper_out, cover_open or offline."""
        if state not in STATES:
            raise ValueError(f"state must be one of {', '.join(STATES)}, not {state!r}")
        self._state = state

    @property
    def state(self) -> str:
        """Return the state it reports."""
        return self._state

    def _can_print(self) -> bool:
        return self._state in ("online", "paper_low")

    def start(self) -> PrinterSimulator:
        """Listen and serve connections on threads."""
        server = socket.create_server((self.host, self._requested_port), reuse_port=False)
        server.settimeout(0.2)
        self._server = server
        thread = threading.Thread(target=self._accept, name=f"sim-{self.name}", daemon=True)
        thread.start()
        self._threads.append(thread)
        logger.info("printer simulator %s listening on %s", self.name, self.url)
        return self

    def stop(self) -> None:
        """Close every connection and stop listening."""
        server, self._server = self._server, None
        if server:
            server.close()
        self.drop_connections()

    def drop_connections(self) -> None:
        """Close every open connection, as a printer does when it is switched off."""
        with self._lock:
            conns, self._conns = list(self._conns), set()
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()

    def _accept(self) -> None:
        while self._server is not None:
            try:
                conn, _ = self._server.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            if self.refuse:
                conn.close()
                continue
            with self._lock:
                self._conns.add(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        pending = b""
        hold = False
        try:
            while True:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data = pending + chunk
                answers, pending = self._split_queries(data)
                with self._changed:
                    self.received += chunk
                    if self._can_print():
                        self.printed += chunk
                    if b"\x1dV" in chunk:
                        hold = self.hold_after_cut_s > 0
                    if b"\x1bp" in chunk:
                        self.drawer_open = True
                    self._changed.notify_all()
                self._on_paper(chunk)
                for n in answers:
                    self.status_queries += 1
                    if self.silent:
                        continue
                    delay = self.status_delay_s + (self.hold_after_cut_s if hold else 0)
                    delay += max(0.0, self.busy_until - time.monotonic())
                    hold = False
                    if delay:
                        time.sleep(delay)
                    conn.sendall(bytes([status_byte(n, online=self._state != "offline", cover_open=self._state == "cover_open",
                                                    paper={"paper_out": "out", "paper_low": "low"}.get(self._state, "ok"),
                                                    drawer_high=self.drawer_open)]))
        except OSError:
            return
        finally:
            with self._lock:
                self._conns.discard(conn)
            conn.close()

    @staticmethod
    def _split_queries(data: bytes) -> tuple[list[int], bytes]:
        answers, i = [], 0
        while (i := data.find(b"\x10\x04", i)) >= 0:
            if i + 2 >= len(data):
                return answers, data[i:]
            answers.append(data[i + 2])
            i += 3
        return answers, data[-1:] if data.endswith(b"\x10") else b""

    def _on_paper(self, chunk: bytes) -> None:
        """Write the bytes and each newly cut document to the files, and take the time its paper takes."""
        with self._paper_lock:
            if self.raw_file:
                with open(self.raw_file, "ab") as raw:
                    raw.write(chunk)
            if not (self.text_file or self.speed_mm_s):
                return
            with self._lock:
                fresh = bytes(self.printed[self._paper_from:])
            # Only the bytes since the last cut: decoding all the paper again for every chunk grows with the day.
            docs, used, self._paper_codec = decode_cut(fresh, codec=self._paper_codec)
            self._paper_from += used
            docs = [d for d in docs if d.lines or d.qr_codes]
            if self.speed_mm_s and docs:
                paper_mm = sum(LINE_MM * line.height for doc in docs for line in doc.lines) + FEED_MM * len(docs)
                self.busy_until = max(self.busy_until, time.monotonic()) + paper_mm / self.speed_mm_s + CUT_S * len(docs)
            if self.text_file and docs:
                with open(self.text_file, "a", encoding="utf-8") as text:
                    for doc in docs:
                        text.write(f"==== {self.name} {time.strftime('%H:%M:%S')} ====\n{doc.text}\n\n")

    def documents(self) -> list[Document]:
        """Return what reached paper, one document per cut."""
        with self._lock:
            data = bytes(self.printed)
        return [d for d in decode(data) if d.lines or d.qr_codes]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Document]:
        """Wait until `count` cut documents are on paper; return them."""
        deadline = time.monotonic() + timeout
        while True:
            docs = [d for d in self.documents() if d.cut]
            if len(docs) >= count or time.monotonic() > deadline:
                return docs
            with self._changed:
                self._changed.wait(0.1)


def main(argv: list[str] | None = None) -> int:
    """Run a printer simulator until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m devices.simulators.printer", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--name", default="printer")
    parser.add_argument("--state", choices=STATES, default="online", help="what it answers to DLE EOT")
    parser.add_argument("--text", type=Path, help="append each printed document's text to this file")
    parser.add_argument("--raw", type=Path, help="append every received byte to this file")
    parser.add_argument("--speed", type=float, default=0.0, metavar="MM_S",
                        help="print this many mm of paper a second (default: at once)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    sim = PrinterSimulator(args.host, args.port, name=args.name, state=args.state, text_file=args.text, raw_file=args.raw,
                           speed_mm_s=args.speed).start()
    print(f"printer simulator {args.name} on {sim.url} ({args.state})", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        sim.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
