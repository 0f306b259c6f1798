"""Measure order intake over MQTT: latency, throughput, lost and duplicate orders.

Simulated kiosks submit orders to a hub through a broker and time each `order.submit`
to its `order.accepted`; a publisher and a subscriber on the same broker give the raw
round trip to compare with, and durable SQLite commits of an order's size, with the hub's
settings, give the disk's share. The last line printed is one JSON object; bench/README.md
says what each figure means and which targets apply.

Run: python bench/intake.py --rate 100 --orders 3000
"""

from __future__ import annotations

import argparse
import json
import math
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from sqlalchemy import Column, Integer, MetaData, String, Table, insert
from sqlalchemy.exc import SQLAlchemyError

from hub.adapters.db.engine import make_engine
from hub.contracts import topics
from hub.contracts.envelope import envelope
from hub.demo import DEMO_CATALOG

DEFAULT_ORDERS = 2000
DEFAULT_KIOSKS = 10
DEFAULT_STORE = "bench"
WINDOW = 10  # unanswered orders per kiosk at --rate 0: 10 kiosks fill the hub's 100 in flight from the broker; more only grows the broker's queue, which it rewrites to disk on every change
REPLY_TIMEOUT_S = 30.0  # unanswered this long after the last send means lost: the bench never resends
BROKER_SAMPLES = 1000  # raw round trips: a stable p99 without doubling a long run
KIOSK_INFLIGHT = 1000  # paho's default of 20 would hold orders back in the kiosk and bill the hub for it
CONNECT_TIMEOUT_S = 10.0
HUB_START_TIMEOUT_S = 60.0
PROGRESS_EVERY_S = 2.0
START_LEAD_S = 0.2  # every sender thread is waiting before the first scheduled send
ORDER_LINES = [{"sku": "LATTE-M", "qty": 2, "modifiers": ["OAT"]}]
COMMIT_ROWS = ("order", "line", "ticket")  # what the hub writes for one order before it may reply

BROKER_TEMPLATE = Path(__file__).resolve().parents[1] / "firmware_configs" / "mosquitto" / "mosquitto.conf.template"
# Durability, queue and latency tuning read from the shipped template, so the bench meets
# the broker a store runs; only where it listens, who may log in and where it saves differ.
TUNING_KEYS = (
    "persistence", "autosave_on_changes", "autosave_interval", "max_queued_messages",
    "max_queued_bytes", "max_inflight_messages", "set_tcp_nodelay", "persistent_client_expiration",
)
BROKER_BINARY = "/usr/sbin/mosquitto"  # Debian installs it outside a normal user's PATH
BROKER_USER = "mosquitto"  # started as root, Mosquitto drops to this user before it writes persistence


class SetupError(RuntimeError):
    """The bench could not build what it measures; nothing was measured."""


def say(text: str) -> None:
    """Print one human-readable progress line."""
    print(text, flush=True)


def free_port() -> int:
    """Return a loopback TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.02)
    return False


def _end(process: subprocess.Popen | None, *, group: bool, timeout: float) -> None:
    if process is None or process.poll() is not None:
        return
    send = (lambda sig: os.killpg(process.pid, sig)) if group else process.send_signal
    send(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        process.wait()


class Broker:
    """A Mosquitto on a free loopback port in its own folder, tuned like the shipped one."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.url = f"mqtt://127.0.0.1:{self.port}"
        self._process: subprocess.Popen | None = None

    def config(self) -> str:
        """Return the bench's mosquitto.conf: the template's tuning, anonymous, on loopback."""
        try:
            template = BROKER_TEMPLATE.read_text()
        except OSError as exc:
            raise SetupError(f"cannot read the shipped broker settings: {exc}") from None
        tuning = [line for line in template.splitlines() if line.split(" ", 1)[0] in TUNING_KEYS]
        return "\n".join([
            f"listener {self.port} 127.0.0.1",
            "allow_anonymous true",
            *tuning,
            f"persistence_location {self.workdir / 'data'}/",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
            "",
        ])

    def start(self) -> None:
        """Write the config, start the broker and wait until it accepts connections."""
        binary = shutil.which("mosquitto") or BROKER_BINARY
        if not os.access(binary, os.X_OK):
            raise SetupError("mosquitto is not installed: apt-get install mosquitto, or pass --mqtt-url")
        (self.workdir / "data").mkdir(parents=True)
        conf = self.workdir / "mosquitto.conf"
        conf.write_text(self.config())
        if os.geteuid() == 0:
            account = pwd.getpwnam(BROKER_USER)
            for path in (self.workdir, self.workdir / "data", conf):
                os.chown(path, account.pw_uid, account.pw_gid)
        with open(self.workdir / "mosquitto.log", "ab") as log:
            self._process = subprocess.Popen([binary, "-c", str(conf)], stdin=subprocess.DEVNULL, stdout=log,
                                             stderr=subprocess.STDOUT)
        if not _wait_for_port(self.port, self._process, CONNECT_TIMEOUT_S):
            self.stop()
            raise SetupError(f"mosquitto did not start on {self.url}:\n{self.log()}")

    def log(self) -> str:
        """Return what the broker wrote."""
        path = self.workdir / "mosquitto.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def complaints(self) -> list[str]:
        """Return the broker's error lines: one that cannot save is not the broker a store runs."""
        return [line for line in self.log().splitlines() if "Error" in line]

    def stop(self) -> None:
        """Stop the broker."""
        _end(self._process, group=False, timeout=10)


class HubProcess:
    """`passline serve` on a fresh data folder, in its own process group."""

    def __init__(self, data_dir: Path, *, mqtt_url: str, store: str) -> None:
        self.data_dir = data_dir
        self.url = f"http://127.0.0.1:{free_port()}"
        port = urlsplit(self.url).port
        # Only the bench's settings: an inherited PASSLINE_DATABASE_URL must not point it at a real store.
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PASSLINE_")} | {
            "PASSLINE_STORE": store,
            "PASSLINE_DATA_DIR": str(data_dir),
            "PASSLINE_MQTT_URL": mqtt_url,
            "PASSLINE_HTTP_HOST": "127.0.0.1",
            "PASSLINE_HTTP_PORT": str(port),
        }
        self.log_path = data_dir / "hub.log"
        self.command = str(Path(sys.executable).with_name("passline"))
        if not os.access(self.command, os.X_OK):
            self.command = shutil.which("passline") or ""
        if not self.command:
            raise SetupError("the passline command is not installed: run `make bench`")
        self._process: subprocess.Popen | None = None

    def prepare(self) -> None:
        """Create the schema and load the demo catalog, as store IT would."""
        for args in (["db", "upgrade"], ["catalog", "import", str(DEMO_CATALOG)]):
            done = subprocess.run([self.command, *args], env=self.env, capture_output=True, text=True)
            if done.returncode:
                raise SetupError(f"passline {' '.join(args)} failed:\n{done.stdout}{done.stderr}")

    def enrol_screen(self, device_id: str, role: str) -> str:
        """Enrol a screen as store IT would (a claim code, exchanged once) and return its `Cookie` header value."""
        done = subprocess.run([self.command, "devices", "add", device_id, "--role", role, "--json"], env=self.env,
                              capture_output=True, text=True)
        if done.returncode:
            raise SetupError(f"passline devices add {device_id} failed:\n{done.stdout}{done.stderr}")
        code = json.loads(done.stdout)["claim_code"]
        request = urllib.request.Request(f"{self.url}/api/v1/devices/claim", data=json.dumps({"code": code}).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=10) as answer:
            cookie = answer.headers["Set-Cookie"]
        return cookie.split(";", 1)[0]

    def start(self) -> None:
        """Start the hub and wait until it reports its broker connection up."""
        with open(self.log_path, "ab") as log:
            self._process = subprocess.Popen([self.command, "serve"], env=self.env, stdin=subprocess.DEVNULL,
                                             stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + HUB_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise SetupError(f"the hub exited with {self._process.returncode}:\n{self.log()}")
            if hub_ready(self.url):
                return
            time.sleep(0.1)
        self.stop()
        raise SetupError(f"the hub was not ready within {HUB_START_TIMEOUT_S:.0f} s:\n{self.log()}")

    def pids(self) -> str:
        """Return the gunicorn master's and worker's pids, for py-spy."""
        if self._process is None:
            return "?"
        try:
            children = Path(f"/proc/{self._process.pid}/task/{self._process.pid}/children").read_text().split()
        except OSError:
            children = []
        return f"master {self._process.pid}, worker {' '.join(children) or '?'}"

    def log(self) -> str:
        """Return what the hub logged."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        """Stop master and worker the way systemd does, killing them if they hang."""
        _end(self._process, group=True, timeout=15)


def hub_ready(url: str) -> bool:
    """Return whether a hub answers its open liveness probe with its broker connected (health needs a sign-in)."""
    try:
        with urllib.request.urlopen(f"{url}/api/v1/live", timeout=2) as response:
            return bool(json.load(response).get("ready"))
    except (OSError, ValueError):
        return False


class Endpoint:
    """One MQTT client: (re)subscribes on every connect and hands each message on with its arrival time."""

    def __init__(self, url: str, client_id: str, *, subscription: str | None = None,
                 on_payload: Callable[[bytes, float], None] | None = None, clean_session: bool = True) -> None:
        self.name = client_id
        self._url = urlsplit(url)
        self._subscription = subscription
        self._on_payload = on_payload
        self._ready = threading.Event()
        self._closing = False
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv311,
                                  clean_session=clean_session)
        if self._url.username:
            self.client.username_pw_set(self._url.username, self._url.password)
        self.client.max_inflight_messages_set(KIOSK_INFLIGHT)
        # paho leaves Nagle's algorithm on: an order published soon after the kiosk's PUBACK of the
        # last reply would wait for the broker's delayed ACK (up to 40 ms), billed to the hub.
        self.client.on_socket_open = lambda _client, _userdata, sock: sock.setsockopt(
            socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.client.on_connect = self._connected
        self.client.on_subscribe = lambda *_: self._ready.set()
        self.client.on_disconnect = self._disconnected
        self.client.on_message = self._message

    def open(self) -> None:
        """Connect and wait until subscribed."""
        try:
            self.client.connect(self._url.hostname or "127.0.0.1", self._url.port or 1883, keepalive=30)
        except OSError as exc:
            raise SetupError(f"{self.name} cannot reach the broker: {exc}") from None
        self.client.loop_start()
        if not self._ready.wait(CONNECT_TIMEOUT_S):
            raise SetupError(f"{self.name} could not connect and subscribe within {CONNECT_TIMEOUT_S:.0f} s")

    def publish(self, topic: str, payload: str) -> None:
        """Publish with QoS 1."""
        self.client.publish(topic, payload, qos=1)

    def close(self) -> None:
        """Disconnect and stop the network thread."""
        self._closing = True
        if self._subscription and self.client.is_connected():
            self.client.unsubscribe(self._subscription)
        self.client.disconnect()
        self.client.loop_stop()

    def _connected(self, client, _userdata, _flags, reason_code, _properties) -> None:
        if reason_code.is_failure:
            say(f"{self.name}: the broker refused the connection: {reason_code}")
        elif self._subscription:
            client.subscribe(self._subscription, qos=1)
        else:
            self._ready.set()

    def _disconnected(self, _client, _userdata, _flags, reason_code, _properties) -> None:
        if not self._closing:
            say(f"{self.name}: disconnected ({reason_code}); reconnecting")

    def _message(self, _client, _userdata, message) -> None:
        at = time.perf_counter()
        if self._on_payload is not None:
            self._on_payload(message.payload, at)


@dataclass(frozen=True, slots=True)
class Sent:
    """A request in the air: which lane sent it and when."""

    lane: int
    at: float


class Flight:
    """Requests sent in one phase and what came back: latencies, refusals, duplicates, numbers."""

    def __init__(self, lanes: int, window: int | None) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, Sent] = {}
        self._answered: set[str] = set()
        self._owner_of_number: dict[str, str] = {}
        self.room = [threading.Semaphore(window) for _ in range(lanes)] if window else None
        self.latencies_ms: list[float] = []
        self.sent = self.refused = self.duplicates = self.strays = 0
        self.first_sent_at: float | None = None
        self.last_sent_at: float | None = None
        self.last_answer_at: float | None = None

    def sending(self, request_id: str, lane: int) -> None:
        """Note a request as sent now; call it just before publishing."""
        now = time.perf_counter()
        with self._lock:
            self._pending[request_id] = Sent(lane, now)
            self.sent += 1
            self.first_sent_at = self.first_sent_at or now
            self.last_sent_at = now

    def answer(self, request_id: str | None, at: float, *, accepted: bool = True, number: str | None = None,
               order_id: str | None = None) -> None:
        """Take a reply: time it, or count it as a duplicate, a refusal or a stray."""
        with self._lock:
            sent = self._pending.pop(request_id, None) if request_id else None
            if sent is None:
                if request_id in self._answered:
                    self.duplicates += 1
                else:
                    self.strays += 1
                return
            self._answered.add(request_id)
            if accepted:
                self.latencies_ms.append((at - sent.at) * 1000)
                self.last_answer_at = at
            else:
                self.refused += 1
            if number is not None:
                owner = self._owner_of_number.setdefault(number, order_id or request_id)
                if owner != (order_id or request_id):
                    self.duplicates += 1
        if self.room is not None:
            self.room[sent.lane].release()

    def waiting(self) -> int:
        """Return how many requests have no answer yet."""
        with self._lock:
            return len(self._pending)


def percentile(values: list[float], p: float) -> float | None:
    """Return the nearest-rank percentile, or None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def run_phase(name: str, lanes: list[Callable[[int, int], None]], count: int, rate: float, flight: Flight) -> None:
    """Send `count` requests over the lanes at `rate` per second in total (0: as fast as windows allow)."""
    start = time.perf_counter() + START_LEAD_S
    lag = [0.0] * len(lanes)

    def send_lane(lane: int) -> None:
        for index in range(lane, count, len(lanes)):
            if rate:
                # Absolute send times: a late send does not push the next one back.
                due = start + index / rate
                delay = due - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                lag[lane] = max(lag[lane], time.perf_counter() - due)
            elif not flight.room[lane].acquire(timeout=REPLY_TIMEOUT_S):
                say(f"  {name}: sender {lane + 1} stops: its whole window unanswered for {REPLY_TIMEOUT_S:.0f} s")
                return
            lanes[lane](index, lane)

    threads = [threading.Thread(target=send_lane, args=(lane,), daemon=True) for lane in range(len(lanes))]
    for thread in threads:
        thread.start()
    next_report = time.perf_counter() + PROGRESS_EVERY_S
    while any(thread.is_alive() for thread in threads) or flight.waiting():
        time.sleep(0.02)
        now = time.perf_counter()
        if flight.last_sent_at and not any(t.is_alive() for t in threads) and now > flight.last_sent_at + REPLY_TIMEOUT_S:
            break
        if now >= next_report:
            next_report += PROGRESS_EVERY_S
            p50 = percentile(flight.latencies_ms[-500:], 50)
            say(f"  {name}: {flight.sent}/{count} sent, {len(flight.latencies_ms)} answered, {flight.waiting()} waiting"
                + (f", recent p50 {p50:.2f} ms" if p50 is not None else ""))
    if rate:
        say(f"  {name}: worst send lag behind schedule {max(lag) * 1000:.1f} ms")


def describe(name: str, flight: Flight) -> None:
    """Print a phase's outcome in words."""
    done = len(flight.latencies_ms)
    span = (flight.last_answer_at or 0) - (flight.first_sent_at or 0)
    line = f"{name}: {flight.sent} sent, {done} answered, {flight.sent - done - flight.refused} unanswered"
    if flight.refused or flight.strays:
        line += f", {flight.refused} refused, {flight.strays} replies to unknown requests"
    line += f", {flight.duplicates} duplicates"
    if done and span > 0:
        marks = ", ".join(f"p{p} {percentile(flight.latencies_ms, p):.2f}" for p in (50, 90, 99))
        line += f"; {done / span:.1f}/s; latency ms {marks}, max {max(flight.latencies_ms):.2f}"
    say(line)


def _order_lane(kiosk: Endpoint, topic: str, flight: Flight) -> Callable[[int, int], None]:
    def send(_index: int, lane: int) -> None:
        request = envelope("order.submit", {
            "order_id": str(uuid.uuid4()), "origin": "kiosk", "fulfilment": "takeaway", "lines": ORDER_LINES,
        })
        payload = json.dumps(request, separators=(",", ":"))
        flight.sending(request["id"], lane)
        kiosk.publish(topic, payload)
    return send


def _order_reply(flight: Flight) -> Callable[[bytes, float], None]:
    def take(payload: bytes, at: float) -> None:
        try:
            reply = json.loads(payload)
            data = reply.get("data") or {}
            accepted = reply.get("type") == "order.accepted"
            flight.answer(reply.get("re"), at, accepted=accepted,
                          number=data.get("number") if accepted else None, order_id=data.get("order_id"))
            if not accepted:
                say(f"  refused: {data.get('code')}: {data.get('message')}")
        except (ValueError, AttributeError):
            flight.answer(None, at)
    return take


def order_size() -> int:
    """Return the size in bytes of an order as the kiosks send it."""
    sample = envelope("order.submit", {"order_id": str(uuid.uuid4()), "origin": "kiosk", "fulfilment": "takeaway",
                                       "lines": ORDER_LINES})
    return len(json.dumps(sample, separators=(",", ":")))


def measure_broker(url: str, store: str, run_id: str, count: int, rate: float, window: int) -> Flight:
    """Time publish → receive on the broker alone, QoS 1, with order-sized payloads."""
    topic = f"{topics.ROOT}/{store}/bench/{run_id}/roundtrip"
    flight = Flight(1, window if not rate else None)
    size = order_size()

    def take(payload: bytes, at: float) -> None:
        flight.answer(payload[:36].decode(), at)

    # A persistent subscriber with QoS 1, as the hub is; the publisher is a clean session, as a kiosk is.
    receiver = Endpoint(url, f"bench-{run_id}-sub", subscription=topic, on_payload=take, clean_session=False)
    sender = Endpoint(url, f"bench-{run_id}-pub")
    try:
        receiver.open()
        sender.open()

        def send(_index: int, lane: int) -> None:
            request_id = str(uuid.uuid4())
            payload = request_id + "x" * (size - len(request_id))
            flight.sending(request_id, lane)
            sender.publish(topic, payload)

        run_phase("broker", [send], count, rate, flight)
    finally:
        sender.close()
        receiver.close()
    return flight


def measure_orders(url: str, store: str, run_id: str, count: int, rate: float, kiosks: int) -> Flight:
    """Have the kiosks submit `count` orders and time each to its `order.accepted`."""
    flight = Flight(kiosks, WINDOW if not rate else None)
    endpoints, lanes = [], []
    try:
        for number in range(1, kiosks + 1):
            device_id = f"bench-{run_id}-kiosk-{number:02d}"
            kiosk = Endpoint(url, device_id, subscription=topics.device_in(store, device_id, "reply"),
                             on_payload=_order_reply(flight))
            endpoints.append(kiosk)
            kiosk.open()
            lanes.append(_order_lane(kiosk, topics.device_out(store, device_id, "order"), flight))
        run_phase("orders", lanes, count, rate, flight)
    finally:
        for kiosk in endpoints:
            kiosk.close()
    return flight


def measure_commits(parent: Path, count: int, rate: float, size: int) -> list[float]:
    """Time `count` durable commits of an order's rows in a scratch SQLite file under `parent`; return ms."""
    try:
        folder = Path(tempfile.mkdtemp(prefix="passline-bench-commit-", dir=parent))
    except OSError as exc:
        raise SetupError(f"cannot make a scratch folder in {parent}: {exc}") from None
    # make_engine gives the hub's own pragmas: WAL, synchronous=FULL, BEGIN IMMEDIATE.
    engine = make_engine(f"sqlite:///{folder / 'commit.db'}")
    # Bench-only scratch, deleted after the phase: a table made here with Core, not an Alembic migration.
    writes = Table("order_writes", MetaData(), Column("id", Integer, primary_key=True),
                   Column("kind", String(16), nullable=False), Column("payload", String, nullable=False))
    payload = "x" * (size // len(COMMIT_ROWS))
    timings: list[float] = []
    lag = 0.0
    try:
        writes.metadata.create_all(engine)
        with engine.connect() as db:
            start = time.perf_counter()
            next_report = start + PROGRESS_EVERY_S
            for index in range(count):
                if rate:
                    # Absolute times as in the other phases: the disk idles between commits as it does at this rate.
                    due = start + index / rate
                    delay = due - time.perf_counter()
                    if delay > 0:
                        time.sleep(delay)
                    lag = max(lag, time.perf_counter() - due)
                transaction = db.begin()
                for kind in COMMIT_ROWS:
                    db.execute(insert(writes), {"kind": kind, "payload": payload})
                began = time.perf_counter()
                transaction.commit()
                timings.append((time.perf_counter() - began) * 1000)
                if time.perf_counter() >= next_report:
                    next_report += PROGRESS_EVERY_S
                    say(f"  durable commit: {len(timings)}/{count} committed, recent p50 "
                        f"{percentile(timings[-500:], 50):.2f} ms")
    except SQLAlchemyError as exc:
        raise SetupError(f"cannot write the scratch database in {folder}: {exc}") from None
    finally:
        engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)
    if rate:
        say(f"  durable commit: worst lag behind schedule {lag * 1000:.1f} ms")
    return timings


def describe_commits(timings: list[float], rate: float) -> None:
    """Print the commit phase's outcome in words."""
    pace = f"{rate:g}/s" if rate else "back to back"
    line = f"durable commit: {len(timings)} commits (WAL, synchronous=FULL), {pace}"
    if timings:
        marks = ", ".join(f"p{p} {percentile(timings, p):.2f}" for p in (50, 90, 99))
        line += f"; commit ms {marks}, max {max(timings):.2f}"
    say(line)


def summary(orders: Flight, broker: Flight, rate: float, commits_ms: list[float]) -> dict:
    """Return the figures of the last line."""
    done = len(orders.latencies_ms)
    span = (orders.last_answer_at or 0) - (orders.first_sent_at or 0)
    p50, p99 = percentile(orders.latencies_ms, 50), percentile(orders.latencies_ms, 99)
    b50, b99 = percentile(broker.latencies_ms, 50), percentile(broker.latencies_ms, 99)
    c50, c99 = percentile(commits_ms, 50), percentile(commits_ms, 99)
    return {
        "orders": orders.sent,
        "rate": int(rate) if rate == int(rate) else rate,
        "lost": orders.sent - done,
        "duplicates": orders.duplicates,
        "orders_per_s": round(done / span, 1) if done and span > 0 else 0.0,
        "p50_ms": round(p50, 2) if p50 is not None else None,
        "p99_ms": round(p99, 2) if p99 is not None else None,
        "broker_p50_ms": round(b50, 3) if b50 is not None else None,
        "broker_p99_ms": round(b99, 3) if b99 is not None else None,
        "overhead_p50": round(p50 / b50, 2) if p50 is not None and b50 else None,
        "commit_p50_ms": round(c50, 3) if c50 is not None else None,
        "commit_p99_ms": round(c99, 3) if c99 is not None else None,
        # The lowest overhead_p50 this machine allows: two broker hops and a durable commit, no hub code.
        "floor_overhead_p50": round((2 * b50 + c50) / b50, 2) if c50 is not None and b50 else None,
    }


def _options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=DEFAULT_ORDERS, help="orders to send in total")
    parser.add_argument("--rate", type=float, default=0, help="orders per second over all kiosks (0: as fast as possible)")
    parser.add_argument("--kiosks", type=int, default=DEFAULT_KIOSKS, help="simulated kiosks")
    parser.add_argument("--mqtt-url", help="broker to use (default: start a Mosquitto tuned like production)")
    parser.add_argument("--hub-url", help="running hub to measure (default: start one on a fresh database)")
    parser.add_argument("--store", help=f"store id (default: the hub's, or {DEFAULT_STORE!r})")
    options = parser.parse_args(argv)
    if options.orders < 1 or options.kiosks < 1 or options.rate < 0:
        parser.error("--orders and --kiosks must be at least 1, --rate at least 0")
    return options


def main(argv: list[str] | None = None) -> int:
    """Set up broker and hub as asked, measure, print the figures; 2 if setup failed."""
    options = _options(argv)
    run_id = uuid.uuid4().hex[:8]
    with ExitStack() as cleanup:
        try:
            store, mqtt_url, broker = options.store or DEFAULT_STORE, options.mqtt_url, None
            # The hub's own disk when the bench starts the hub; with --hub-url only this machine's is at hand.
            commit_parent, commit_where = Path(tempfile.gettempdir()), "on this machine's disk, not the hub's"
            if options.hub_url:
                # A running hub tells nobody its store or broker without a sign-in: the caller names both,
                # and the broker URL carries a device login enrolled for the bench (docs/provisioning.md).
                if not (options.store and options.mqtt_url):
                    raise SetupError("with --hub-url, give --store and --mqtt-url (a device login of that store)")
                if not hub_ready(options.hub_url.rstrip("/")):
                    raise SetupError(f"the hub at {options.hub_url} is not answering with its broker connected")
                say(f"hub: {options.hub_url} (store {store})")
            if not mqtt_url:
                workdir = Path(tempfile.mkdtemp(prefix="passline-bench-broker-"))
                cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
                broker = Broker(workdir)
                broker.start()
                cleanup.callback(broker.stop)
                mqtt_url = broker.url
                say(f"broker: mosquitto on {broker.url}, tuning from {BROKER_TEMPLATE.name}")
            else:
                address = (urlsplit(mqtt_url).hostname or "127.0.0.1", urlsplit(mqtt_url).port or 1883)
                try:
                    socket.create_connection(address, timeout=CONNECT_TIMEOUT_S).close()
                except OSError as exc:
                    raise SetupError(f"cannot reach the broker at {address[0]}:{address[1]}: {exc}") from None
                say(f"broker: {address[0]}:{address[1]}")
            if not options.hub_url:
                data_dir = Path(tempfile.mkdtemp(prefix="passline-bench-hub-"))
                cleanup.callback(shutil.rmtree, data_dir, ignore_errors=True)
                commit_parent, commit_where = data_dir, "in the hub's data folder"
                hub = HubProcess(data_dir, mqtt_url=mqtt_url, store=store)
                hub.prepare()
                cleanup.callback(hub.stop)
                hub.start()
                say(f"hub: passline serve on {hub.url}, store {store}, fresh database ({hub.pids()})")
            rate_text = f"{options.rate:g}/s" if options.rate else f"as fast as possible ({WINDOW} in flight per kiosk)"
            samples = min(options.orders, BROKER_SAMPLES)
            say(f"broker round trip: {samples} messages of {order_size()} bytes, QoS 1, {rate_text}")
            broker_flight = measure_broker(mqtt_url, store, run_id, samples, options.rate, options.kiosks * WINDOW)
            describe("broker", broker_flight)
            pace = f"{options.rate:g}/s" if options.rate else "back to back"
            say(f"durable commit: {samples} transactions of {len(COMMIT_ROWS)} rows ({order_size()} bytes in all), "
                f"SQLite set up as the hub's, {commit_where} ({commit_parent}), {pace}")
            commits_ms = measure_commits(commit_parent, samples, options.rate, order_size())
            describe_commits(commits_ms, options.rate)
            say(f"orders: {options.orders} from {options.kiosks} kiosks, {rate_text}")
            orders_flight = measure_orders(mqtt_url, store, run_id, options.orders, options.rate, options.kiosks)
            describe("orders", orders_flight)
            for line in broker.complaints()[:5] if broker else []:
                say(f"broker complained: {line}")
        except SetupError as exc:
            print(f"bench: setup failed: {exc}", file=sys.stderr, flush=True)
            return 2
    print(json.dumps(summary(orders_flight, broker_flight, options.rate, commits_ms)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
