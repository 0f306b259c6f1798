"""Soak: a compressed store day against a real hub, with its broker and hub killed at random; then the books.

    .venv/bin/python bench/soak.py [--minutes 30] [--peak-rate 1.2] [--seed N]

Starts a whole store as tests/support/store_stack.py wires it: `passline serve` with its supervised
Mosquitto, a kitchen printer and, for the kiosk and the counter, a receipt printer and a ZVT terminal
(the simulators, over TCP) driven by real device agents. Then, from opening to close (the order rate
follows a day: a quiet opening, a lunch peak, an afternoon lull, a dinner peak, a quiet close):

- orders from every origin: kiosk, app, web and marketplace over MQTT (devices enrolled by claim code,
  each on its own login and persistent session), counter, kiosk, phone and web over HTTP (the owner);
- kitchen displays for each station (enrolled screens on Socket.IO `/displays`) start and bump tickets;
- card payments at the kiosk's and the counter's terminal (declines and terminal line drops after the
  card was charged injected at random), cash tenders at the counter, card refunds with a manager's
  approval;
- paper out on a random printer for a few seconds, at random;
- the hub SIGKILLed and started again, and Mosquitto SIGKILLed (the hub's supervisor starts it), at
  random moments.

Clients retry as real devices do: an MQTT device resends an unanswered order (the same envelope, the same
order_id) every few seconds; an HTTP client repeats a request that got no answer or a 5xx with the same
order_id / payment_id. At close the bench waits for every order, payment and ticket to settle, stops the
hub, and reads the database (sqlite3), the terminals' journals and what reached the printers' paper.
The last line is one JSON object; bench/README.md defines each figure.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import shutil
import signal
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
import socketio

sys.path.append(str(Path(__file__).resolve().parents[1]))  # appended: a PYTHONPATH given to the bench wins

from devices.simulators.escpos_decoder import decode  # noqa: E402
from devices.simulators.zvt_terminal import Scenario  # noqa: E402
from hub.contracts import topics  # noqa: E402
from hub.contracts.envelope import envelope  # noqa: E402
from tests.support.hub_process import OWNER, OWNER_PASSWORD  # noqa: E402
from tests.support.store_stack import COUNTER, KIOSK, StoreStack  # noqa: E402

MANAGER_PIN = "9999"  # Morgan, whom StoreStack takes on as the demo's manager
MQTT_DEVICES = (("soak-kiosk-2", "agent", "kiosk"), ("soak-app", "gateway", "app"),
                ("soak-web", "gateway", "web"), ("soak-marketplace", "gateway", "marketplace"))
HTTP_ORIGINS = ("counter", "counter", "kiosk", "phone", "web")
STATIONS = ("bar", "kitchen", "pastry")
VIEWS = (*(f"kds:{station}" for station in STATIONS), "expo")
RESEND_S = 5.0  # an MQTT device resends an order unanswered this long (a real kiosk's retry)
HTTP_RETRY_S = 1.0
HTTP_TIMEOUT_S = 10.0
SETTLE_S = 180.0  # at close: how long everything may take to settle
WARM_UP_S = 60.0  # RSS is first read this long after the hub's last start
SHAPE = ((0.0, 0.25), (0.15, 0.5), (0.35, 1.0), (0.5, 0.35), (0.6, 0.35), (0.78, 0.85), (0.92, 0.4), (1.0, 0.15))


def say(text: str) -> None:
    """Print a progress line (the figures come last, as JSON)."""
    print(f"{time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)


def day_shape(fraction: float) -> float:
    """Return the order rate at this point of the day, as a share of the peak (linear between points)."""
    for (x0, y0), (x1, y1) in zip(SHAPE, SHAPE[1:]):
        if x0 <= fraction <= x1:
            return y0 + (y1 - y0) * (fraction - x0) / (x1 - x0)
    return SHAPE[-1][1]


def percentile(values: list[float], pct: float) -> float | None:
    """Return the pct-th percentile (nearest rank), or None when there are no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(pct / 100 * len(ordered)) - 1))]


def order_body(rng: random.Random, origin: str) -> dict:
    """Return a random small order: a latte most times, a bagel or a croissant often."""
    lines = []
    if rng.random() < 0.8:
        lines.append({"sku": "LATTE-M", "qty": rng.randint(1, 2), "modifiers": ["OAT"] if rng.random() < 0.4 else []})
    if rng.random() < 0.5 or not lines:
        lines.append({"sku": "BAGEL-SALMON", "qty": 1})
    if rng.random() < 0.4:
        lines.append({"sku": "CROISSANT", "qty": rng.randint(1, 3)})
    return {"order_id": str(uuid.uuid4()), "origin": origin, "fulfilment": rng.choice(["takeaway", "dine_in"]),
            "lines": lines}


class Books:
    """What the clients sent and were told, shared by every thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sent: dict[str, float] = {}  # order_id -> first send (monotonic)
        self.accepted: dict[str, float] = {}  # order_id -> first acceptance
        self.numbers: dict[str, set[str]] = defaultdict(set)  # order_id -> every number it was told
        self.refused: list[str] = []
        self.payments: dict[str, dict] = {}  # payment_id -> {order_id, state, refunded}
        self.cash_tenders = 0
        self.refunds = 0
        self.bumps = 0
        self.starts = 0
        self.events: Counter = Counter()

    def send(self, order_id: str) -> None:
        with self.lock:
            self.sent.setdefault(order_id, time.monotonic())

    def accept(self, order_id: str, number: str) -> None:
        with self.lock:
            self.accepted.setdefault(order_id, time.monotonic())
            self.numbers[order_id].add(number)

    def open_orders(self) -> int:
        with self.lock:
            return len(set(self.sent) - set(self.accepted))


class OwnerClient:
    """The owner's HTTP client; signs in again when the hub forgot the session. Thread-safe."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._cookie: str | None = None
        self._lock = threading.Lock()

    def _raw(self, method: str, path: str, body: object = None, cookie: str | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=HTTP_TIMEOUT_S)
        try:
            headers = {"Content-Type": "application/json"}
            if cookie:
                headers["Cookie"] = cookie
            connection.request(method, path, json.dumps(body) if body is not None else None, headers)
            reply = connection.getresponse()
            raw = reply.read()
            try:
                answer = json.loads(raw) if raw else {}
            except ValueError:
                answer = {"raw": raw[:200].decode(errors="replace")}
            return reply.status, answer, (reply.getheader("Set-Cookie") or "").split(";")[0]
        finally:
            connection.close()

    def call(self, method: str, path: str, body: object = None) -> tuple[int, dict]:
        """Send once; raise OSError when the hub does not answer."""
        with self._lock:
            cookie = self._cookie
        if cookie is None:
            status, answer, cookie = self._raw("POST", "/api/v1/sessions", {"username": OWNER, "password": OWNER_PASSWORD})
            if status != 201:
                raise OSError(f"the owner could not sign in ({status})")
            with self._lock:
                self._cookie = cookie
        status, answer, _ = self._raw(method, path, body, cookie)
        if status == 401:
            with self._lock:
                self._cookie = None
        return status, answer

    def retried(self, method: str, path: str, body: object = None, stop: threading.Event | None = None,
                give_up_s: float = SETTLE_S) -> tuple[int, dict]:
        """Repeat the same request until the hub answers with something other than 5xx/401 (a till's retry)."""
        deadline = time.monotonic() + give_up_s
        while True:
            try:
                status, answer = self.call(method, path, body)
                if status < 500 and status != 401:
                    return status, answer
            except OSError:
                status, answer = 0, {}
            if time.monotonic() > deadline:
                return status, answer
            time.sleep(HTTP_RETRY_S)


def claim(port: int, code: str, source: str, mqtt_login: bool = False) -> tuple[int, dict, str]:
    """Claim a code over HTTP from a loopback address of its own; return status, body and device cookie."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT_S, source_address=(source, 0))
    connection.request("POST", "/api/v1/devices/claim", json.dumps({"code": code, "mqtt": mqtt_login}), {"Content-Type": "application/json"})
    reply = connection.getresponse()
    body = json.loads(reply.read() or b"{}")
    connection.close()
    return reply.status, body, (reply.getheader("Set-Cookie") or "").split(";")[0]


class MqttDevice:
    """A device that sends orders over MQTT on a persistent session and resends what stays unanswered."""

    def __init__(self, store: str, device_id: str, origin: str, login: dict, books: Books) -> None:
        self.store, self.device_id, self.origin, self.books = store, device_id, origin, books
        self.pending: dict[str, tuple[dict, float]] = {}  # envelope id -> (envelope, last send)
        self.lock = threading.Lock()
        self.resends = 0
        url = urlsplit(login["url"])
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=device_id, clean_session=False,
                                  protocol=mqtt.MQTTv311)
        self.client.username_pw_set(login["username"], login["password"])
        self.client.reconnect_delay_set(0.2, 2.0)
        self.client.on_connect = lambda c, _u, _f, code, _p: None if code.is_failure else c.subscribe(
            topics.device_in(store, device_id, "reply"), qos=1)
        self.client.on_message = self._on_message
        self.client.connect(url.hostname, url.port, keepalive=10)
        self.client.loop_start()

    def _on_message(self, _c, _u, message) -> None:
        try:
            reply = json.loads(message.payload)
        except ValueError:
            return
        with self.lock:
            sent = self.pending.get(reply.get("re") or "")
        if sent is None:
            return
        order_id = sent[0]["data"]["order_id"]
        if reply.get("type") == "order.accepted":
            self.books.accept(order_id, str(reply["data"].get("number")))
            with self.lock:
                self.pending.pop(reply["re"], None)
        elif reply.get("type") == "error":  # noted; the order stays pending and is sent again, as a kiosk would
            with self.books.lock:
                self.books.refused.append(f"{self.device_id}: {reply.get('data')}")

    def submit(self, data: dict) -> None:
        message = envelope("order.submit", data)
        self.books.send(data["order_id"])
        with self.lock:
            self.pending[message["id"]] = (message, time.monotonic())
        self._publish(message)

    def _publish(self, message: dict) -> None:
        self.client.publish(topics.device_out(self.store, self.device_id, "order"), json.dumps(message), qos=1)

    def resend_due(self) -> None:
        now = time.monotonic()
        with self.lock:
            due = [m for m, last in self.pending.values() if now - last >= RESEND_S]
            for message in due:
                self.pending[message["id"]] = (message, now)
        for message in due:
            self.resends += 1
            self._publish(message)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


class Display:
    """A kitchen display on one station: joins its view, starts fired tickets, bumps started ones."""

    def __init__(self, port: int, station: str, cookie: str, books: Books, rng: random.Random,
                 clearing: threading.Event) -> None:
        self.port, self.cookie, self.books, self.rng = port, cookie, books, rng
        self.view = station if station == "expo" else f"kds:{station}"
        self.clearing = clearing  # at close the cooks start what still waits, due or not
        self.client: socketio.Client | None = None
        self.started_at: dict[str, float] = {}
        self.open_cards = 0
        self.errors = 0

    def _connect(self) -> None:
        client = socketio.Client(reconnection=False)
        client.connect(f"http://127.0.0.1:{self.port}", headers={"Cookie": self.cookie}, namespaces=["/displays"],
                       transports=["websocket"], wait_timeout=5)
        self.client = client

    def _drop(self) -> None:
        if self.client is not None:
            try:
                self.client.disconnect()
            except Exception:  # noqa: BLE001 - it is gone either way
                pass
        self.client = None

    def _act(self, kind: str, card: dict) -> bool:
        action = {"action_id": uuid.uuid4().hex, "kind": kind, "order_id": card["order_id"],
                  "ticket_id": card.get("ticket_id"), "version": card.get("version")}
        answer = self.client.call("action", action, namespace="/displays", timeout=5)
        if not (answer and answer.get("ok")):
            with self.books.lock:
                self.books.events["display_actions_refused"] += 1
            return False
        return True

    def round(self) -> None:
        """Look at the view once (a join answers with its snapshot) and work the tickets."""
        try:
            if self.client is None or not self.client.connected:
                self._drop()
                self._connect()
            snapshot = self.client.call("join", {"view": self.view}, namespace="/displays", timeout=5)
            if not snapshot or not snapshot.get("ok"):
                raise ConnectionError(f"join refused: {snapshot}")
            now = time.monotonic()
            if self.view == "expo":
                self._expo(snapshot["cards"], now)
                return
            hub_now = snapshot["now"]
            cards = [c for c in snapshot["cards"] if not c.get("cancelled")]
            self.open_cards = sum(c["status"] != "done" for c in cards)
            for card in cards:
                waiting = card["status"] == "queued" and not card.get("held")
                due = not card.get("fire_at") or card["fire_at"] <= hub_now or self.clearing.is_set()
                if card["status"] == "fired" or (waiting and due):  # a due waiting ticket is on screen; start fires it
                    if self._act("start", card):
                        self.started_at[card["ticket_id"]] = now
                        with self.books.lock:
                            self.books.starts += 1
                elif card["status"] == "started":
                    since = self.started_at.setdefault(card["ticket_id"], now)
                    if now - since >= self.rng.uniform(1.0, 4.0) and self._act("bump", card):
                        self.started_at.pop(card["ticket_id"], None)
                        with self.books.lock:
                            self.books.bumps += 1
        except Exception:  # noqa: BLE001 - a display whose hub went away connects again next round
            self.errors += 1
            self._drop()


    def _expo(self, rows: list[dict], now: float) -> None:
        """Expo: mark an order ready once every station bumped it, hand it over a moment later."""
        self.open_cards = len(rows)
        for row in rows:
            if row["status"] == "ready":
                since = self.started_at.setdefault(row["order_id"], now)
                if now - since >= self.rng.uniform(1.0, 4.0) and self._act("hand_over", row):
                    self.started_at.pop(row["order_id"], None)
                    with self.books.lock:
                        self.books.events["handed_over"] += 1
            elif row.get("all_done") and self._act("expo_bump", row):
                self.started_at[row["order_id"]] = now


class Payer:
    """A till's card and cash payments, one customer at a time, and now and then a refund."""

    def __init__(self, owner: OwnerClient, device_id: str, terminal, books: Books, rng: random.Random) -> None:
        self.owner, self.device_id, self.terminal, self.books, self.rng = owner, device_id, terminal, books, rng
        self.queue: list[str] = []
        self.lock = threading.Lock()
        self.doing = "idle"

    def pay(self, order_id: str) -> None:
        with self.lock:
            self.queue.append(order_id)

    def busy(self) -> bool:
        with self.lock:
            return bool(self.queue)

    def step(self, stop: threading.Event) -> None:
        with self.lock:
            order_id = self.queue[0] if self.queue else None
        if order_id is None:
            time.sleep(0.2)
            return
        self.doing = f"order {order_id[:8]}"
        if self.device_id == COUNTER and self.rng.random() < 0.4:
            self._cash(order_id)
        else:
            self._card(order_id)
        self.doing = "idle"
        with self.lock:
            self.queue.pop(0)

    def _cash(self, order_id: str) -> None:
        status, order = self.owner.retried("GET", f"/api/v1/orders/{order_id}/payments")
        due = order.get("due") if status == 200 else None
        if not due:
            return
        offered = int(math.ceil(due / 500) * 500)
        try:
            status, _ = self.owner.call("POST", f"/api/v1/orders/{order_id}/tenders",
                                        {"kind": "cash", "amount": offered, "device_id": COUNTER})
        except OSError:
            status = 0
        if status in (200, 201):
            with self.books.lock:
                self.books.cash_tenders += 1
        else:  # a cash tender has no id to repeat it by: the cashier looks before taking the money again
            self.books.events["cash_tender_unanswered"] += 1

    def _card(self, order_id: str) -> None:
        roll = self.rng.random()
        if roll < 0.06:
            self.terminal.queue(Scenario.DROP_AFTER_CARD)
            self.books.events["terminal_drops"] += 1
        elif roll < 0.10:
            self.terminal.queue(Scenario.DECLINE)
            self.books.events["declines"] += 1
        payment_id = str(uuid.uuid4())
        with self.books.lock:
            self.books.payments[payment_id] = {"order_id": order_id, "state": "requested", "refunded": 0}
        status, answer = self.owner.retried("POST", f"/api/v1/orders/{order_id}/payments",
                                            {"device_id": self.device_id, "payment_id": payment_id})
        if status != 202:
            self.books.events[f"payment_refused_{status}"] += 1
            with self.books.lock:
                self.books.payments[payment_id]["state"] = f"refused {status}"
            return
        deadline = time.monotonic() + SETTLE_S
        state = "requested"
        self.doing = f"payment {payment_id[:8]} at the terminal"
        while time.monotonic() < deadline:
            status, view = self.owner.retried("GET", f"/api/v1/payments/{payment_id}")
            state = view.get("state", state) if status == 200 else state
            if state not in ("requested", "checking"):
                break
            time.sleep(0.5)
        with self.books.lock:
            self.books.payments[payment_id]["state"] = state
        if state == "approved" and self.rng.random() < 0.08:
            self._refund(payment_id, view["amount"])

    def _refund(self, payment_id: str, amount: int) -> None:
        for _ in range(5):
            status, given = self.owner.retried("POST", "/api/v1/staff/approvals",
                                               {"pin": MANAGER_PIN, "action": "refund", "device_id": COUNTER})
            if status != 201:
                self.books.events[f"approval_refused_{status}"] += 1
                return
            try:
                status, answer = self.owner.call("POST", f"/api/v1/payments/{payment_id}/refund",
                                                 {"amount": amount, "approval": given["approval"]})
            except OSError:
                status = 0
            if status == 202:
                with self.books.lock:
                    self.books.refunds += 1
                    self.books.payments[payment_id]["refunded"] = amount
                return
            # no answer: look whether the refund was taken before asking the manager again
            status, view = self.owner.retried("GET", f"/api/v1/payments/{payment_id}")
            if status == 200 and view.get("refunded_amount", view.get("refunded", 0)):
                with self.books.lock:
                    self.books.refunds += 1
                return
            time.sleep(HTTP_RETRY_S)


def hub_rss_mb(stack: StoreStack) -> float | None:
    """Return the resident memory of the hub's gunicorn master and worker (not its Mosquitto), in MB."""
    process = stack.hub._process
    if process is None or process.poll() is not None:
        return None
    brokers = set(stack.hub.broker_pids())
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in brokers:
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) != process.pid:
                continue
            total += int(next(line.split()[1] for line in (entry / "status").read_text().splitlines()
                              if line.startswith("VmRSS:")))
        except (OSError, StopIteration, ValueError):
            continue
    return round(total / 1024, 1) if total else None


class Soak:
    """The whole day: load, faults, close, and the books."""

    def __init__(self, root: Path, minutes: float, peak_rate: float, seed: int) -> None:
        self.root, self.minutes, self.peak_rate = root, minutes, peak_rate
        self.rng = random.Random(seed)
        self.books = Books()
        self.stop = threading.Event()
        self.clearing = threading.Event()
        self.stack = StoreStack(root)
        self.faults: Counter = Counter()
        self.hub_started_at = 0.0
        self.rss: list[tuple[float, float]] = []  # (monotonic, MB) of the hub process now running
        self.hub_lock = threading.Lock()  # held while the hub is down on purpose

    # ---- setup -------------------------------------------------------------------------------------
    def setup(self) -> None:
        say("starting the store (hub, Mosquitto, printers, terminals, agents)")
        self.stack.start()
        self.hub_started_at = time.monotonic()
        for number, till in enumerate(self.stack.tills.values(), start=1):
            till.terminal.pin_entry_s = 0.3
            till.terminal.terminal_id = f"5250010{number}"  # a store's terminals each have their own id
        hub = self.stack.hub
        self.owner = OwnerClient(hub.http_port)
        self.devices = []
        for index, (device_id, role, origin) in enumerate(MQTT_DEVICES):
            status, made = self.owner.call("POST", "/api/v1/devices", {"device_id": device_id, "role": role})
            assert status == 201, made
            status, body, _ = claim(hub.http_port, made["claim_code"], f"127.0.3.{10 + index}", True)
            assert status == 200, body
            self.devices.append(MqttDevice(hub.store, device_id, origin, body["mqtt"], self.books))
        self.displays = []
        for index, view in enumerate(VIEWS):
            station = view.removeprefix("kds:")
            device_id = f"soak-{view.replace(':', '-')}"
            status, made = self.owner.call("POST", "/api/v1/devices", {"device_id": device_id, "role": "display"})
            assert status == 201, made
            status, body, cookie = claim(hub.http_port, made["claim_code"], f"127.0.4.{10 + index}")
            assert status == 200 and cookie, body
            self.displays.append(Display(hub.http_port, station, cookie, self.books, random.Random(self.rng.random()),
                                         self.clearing))
        self.payers = {device_id: Payer(self.owner, device_id, till.terminal, self.books, random.Random(self.rng.random()))
                       for device_id, till in self.stack.tills.items()}
        self.printers = [self.stack.kitchen_printer, *(t.printer for t in self.stack.tills.values())]

    # ---- load --------------------------------------------------------------------------------------
    def _orders(self, day_s: float) -> None:
        started = time.monotonic()
        next_at = started
        while not self.stop.is_set():
            now = time.monotonic()
            fraction = (now - started) / day_s
            if fraction >= 1:
                return
            if now < next_at:
                time.sleep(min(next_at - now, 0.2))
                continue
            rate = max(self.peak_rate * day_shape(fraction), 0.05)
            next_at += self.rng.expovariate(rate)
            if self.rng.random() < 0.5:
                device = self.rng.choice(self.devices)
                device.submit(order_body(self.rng, device.origin))
            else:
                threading.Thread(target=self._http_order, args=(order_body(self.rng, self.rng.choice(HTTP_ORIGINS)),),
                                 daemon=True).start()

    def _http_order(self, data: dict) -> None:
        self.books.send(data["order_id"])
        status, answer = self.owner.retried("POST", "/api/v1/orders", data)
        if status in (200, 201):
            self.books.accept(data["order_id"], str(answer.get("number")))
            if data["origin"] in ("counter", "kiosk"):
                self.payers[COUNTER if data["origin"] == "counter" else KIOSK].pay(data["order_id"])
        else:
            with self.books.lock:
                self.books.refused.append(f"http {status}: {answer}")

    def _loop(self, every: float, work) -> None:
        while not self.stop.is_set():
            work()
            self.stop.wait(every)

    def _resends(self) -> None:
        for device in self.devices:
            device.resend_due()

    def _display_round(self) -> None:
        for display in self.displays:
            display.round()

    def _payer(self, payer: Payer) -> None:
        while not self.stop.is_set():
            payer.step(self.stop)

    def _progress(self) -> None:
        books = self.books
        say(f"{len(books.sent)} orders sent, {len(books.accepted)} accepted, {books.bumps} bumps, "
            f"tills {[(p.device_id, len(p.queue), p.doing) for p in self.payers.values()]}, "
            f"rss {self.rss[-1][1] if self.rss else None} MB, faults {dict(self.faults)}")

    def _sample_rss(self) -> None:
        with self.hub_lock:
            mb = hub_rss_mb(self.stack)
            if mb is not None:
                self.rss.append((time.monotonic(), mb))

    # ---- faults ------------------------------------------------------------------------------------
    def _fault_plan(self, day_s: float) -> list[tuple[float, str]]:
        """Return (seconds from opening, fault): hub kills in the first 60 % (the last process lives long
        enough to read its memory), broker kills anywhere before the close, paper out throughout."""
        kills = max(1, round(self.minutes / 6))
        plan = [(self.rng.uniform(0.1, 0.6) * day_s, "hub") for _ in range(kills)]
        plan += [(self.rng.uniform(0.05, 0.9) * day_s, "broker") for _ in range(kills)]
        plan += [(self.rng.uniform(0.02, 0.95) * day_s, "paper") for _ in range(max(2, round(self.minutes * 1.5)))]
        return sorted(plan)

    def _faults(self, day_s: float) -> None:
        started = time.monotonic()
        for at, fault in self._fault_plan(day_s):
            if self.stop.wait(max(0.0, started + at - time.monotonic())):
                return
            try:
                getattr(self, f"_fault_{fault}")()
            except Exception as exc:  # noqa: BLE001 - a fault that could not be made is reported, the day goes on
                say(f"fault {fault} failed: {exc}")
                self.faults[f"{fault}_failed"] += 1

    def _fault_hub(self) -> None:
        with self.hub_lock:
            say("SIGKILL the hub (and, with its process group, its Mosquitto)")
            self.stack.hub.kill()
            self.faults["hub_kills"] += 1
            time.sleep(self.rng.uniform(0.5, 3.0))
            self.stack.hub.start(timeout=60)
            self.hub_started_at = time.monotonic()
            self.rss.clear()
        say("hub back")

    def _fault_broker(self) -> None:
        pids = self.stack.hub.broker_pids()
        say(f"SIGKILL Mosquitto {pids}")
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        self.faults["broker_kills"] += 1

    def _fault_paper(self) -> None:
        printer = self.rng.choice(self.printers)
        printer.set_state("paper_out")
        self.faults["paper_outs"] += 1
        self.stop.wait(self.rng.uniform(2.0, 8.0))
        printer.set_state("online")

    # ---- the day -----------------------------------------------------------------------------------
    def run(self) -> dict:
        day_s = self.minutes * 60
        self.setup()
        loops = [threading.Thread(target=self._loop, args=(1.0, self._resends), daemon=True),
                 threading.Thread(target=self._loop, args=(1.5, self._display_round), daemon=True),
                 threading.Thread(target=self._loop, args=(5.0, self._sample_rss), daemon=True),
                 threading.Thread(target=self._loop, args=(60.0, self._progress), daemon=True),
                 *(threading.Thread(target=self._payer, args=(p,), daemon=True) for p in self.payers.values())]
        for thread in loops:
            thread.start()
        faults = threading.Thread(target=self._faults, args=(day_s,), daemon=True)
        faults.start()
        say(f"open: {self.minutes} minutes, peak {self.peak_rate} orders/s")
        self._orders(day_s)
        say(f"closed: {len(self.books.sent)} orders sent; settling")
        self.clearing.set()
        self._settle()
        self.stop.set()
        rss_end = hub_rss_mb(self.stack)
        rss_start = next((mb for t, mb in self.rss if t - self.hub_started_at >= WARM_UP_S), None)
        rss_max = max((mb for _, mb in self.rss), default=None)
        for device in self.devices:
            device.close()
        for display in self.displays:
            display._drop()
        self.stack.stop()
        figures = self.books_of()
        figures.update(rss_start_mb=rss_start, rss_end_mb=rss_end, rss_max_mb=rss_max,
                       hub_last_started_s_before_close=round(time.monotonic() - self.hub_started_at),
                       **self.faults)
        return figures

    def _settle(self) -> None:
        """Wait until every order is answered, every payment settled, every ticket bumped and printed."""
        deadline = time.monotonic() + SETTLE_S
        last_printed, quiet_since = -1, time.monotonic()
        while time.monotonic() < deadline:
            open_orders = self.books.open_orders()
            paying = any(p.busy() for p in self.payers.values())
            cards = sum(d.open_cards for d in self.displays)
            printed = sum(bytes(p.printed).count(b"\x1dV") for p in self.printers)  # cuts; status polls add bytes too
            if printed != last_printed:
                last_printed, quiet_since = printed, time.monotonic()
            if not open_orders and not paying and not cards and time.monotonic() - quiet_since > 10:
                return
            time.sleep(1)
        say(f"settling timed out: {self.books.open_orders()} orders unanswered, "
            f"{sum(d.open_cards for d in self.displays)} cards open, "
            f"tills: {[(p.device_id, len(p.queue), p.doing) for p in self.payers.values()]}")

    # ---- the books ---------------------------------------------------------------------------------
    def books_of(self) -> dict:
        database = self.stack.hub.data_dir / "passline.db"
        with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
            orders = db.execute("SELECT order_id, number, business_day FROM orders").fetchall()
            ticket_rows = db.execute("SELECT count(*) FROM tickets WHERE status != 'cancelled'").fetchone()[0]
            payments = db.execute("SELECT payment_id, order_id, state, pos_device_id, receipt_no FROM payments").fetchall()
        books = self.books
        sent = set(books.sent)
        stored = Counter(order_id for order_id, _, _ in orders)
        number_of = {order_id: number for order_id, number, _ in orders}
        lost = sorted(sent - set(stored))
        stored_twice = sum(k - 1 for k in stored.values() if k > 1)
        per_day = Counter((day, number) for _, number, day in orders)
        numbers_twice = sum(k - 1 for k in per_day.values() if k > 1)
        told_otherwise = sum(1 for order_id, told in books.numbers.items()
                             if order_id in number_of and told != {str(number_of[order_id])})
        strangers = sorted(set(stored) - sent)

        # charges: every approved, un-reversed payment in a terminal's journal, matched to the hub's payment by
        # (the till the terminal serves, receipt number); both simulated terminals share one terminal id
        approved = {(till, receipt): order_id for _, order_id, state, till, receipt in payments
                    if state in ("approved", "refunded") and receipt}
        charges_per_order: Counter = Counter()
        charges_without_order = 0
        charges = 0
        for till in self.stack.tills.values():
            for entry in till.terminal.charges():
                charges += 1
                order_id = approved.get((till.device_id, entry.receipt_no))
                if order_id is None or order_id not in stored:
                    charges_without_order += 1
                else:
                    charges_per_order[order_id] += 1
        approved_rows = Counter(order_id for _, order_id, state, _, _ in payments
                                if state in ("approved", "refunded"))
        charged_twice = {o for o, k in charges_per_order.items() if k > 1} | {o for o, k in approved_rows.items() if k > 1}

        # kitchen tickets on paper: one (station, order) per complete document, reprints excepted
        tickets: Counter = Counter()
        partial = 0
        for doc in decode(bytes(self.stack.kitchen_printer.printed)):
            lines = [line.text.strip() for line in doc.lines if line.text.strip()]
            if not doc.cut or len(lines) < 3:
                continue
            if any("REPRINT" in line.upper() for line in lines):
                continue
            station, last = lines[0], lines[-1]
            if station.lower() not in STATIONS:
                partial += 1
                continue
            tickets[(station, last)] += 1
        printed_twice = sum(1 for k in tickets.values() if k > 1)

        latencies = [(books.accepted[o] - books.sent[o]) * 1000 for o in books.accepted if o in books.sent]
        paid = Counter(p["state"] for p in books.payments.values())
        return {
            "minutes": self.minutes,
            "orders": len(set(stored) & sent),
            "lost": len(lost),
            "duplicated": stored_twice + numbers_twice + told_otherwise + len(strangers),
            "charges_without_order": charges_without_order,
            "orders_charged_twice": len(charged_twice),
            "tickets_printed_twice": printed_twice,
            "p99_ms": round(percentile(latencies, 99), 1) if latencies else None,
            "p50_ms": round(percentile(latencies, 50), 1) if latencies else None,
            "max_ms": round(max(latencies), 1) if latencies else None,
            "unanswered": len(sent - set(books.accepted)),
            "error_replies": len(books.refused),
            "mqtt_resends": sum(d.resends for d in self.devices),
            "card_payments": dict(paid),
            "terminal_charges": charges,
            "cash_tenders": books.cash_tenders,
            "refunds": books.refunds,
            "tickets_started": books.starts,
            "tickets_bumped": books.bumps,
            "tickets": ticket_rows,
            "tickets_printed": sum(tickets.values()),
            "tickets_not_printed": max(0, ticket_rows - len(tickets)),
            "partial_documents": partial,
            "display_reconnects": sum(d.errors for d in self.displays),
            **dict(books.events),
            "lost_ids": lost[:5],
            "refused_examples": books.refused[:3],
        }


def main() -> None:
    """Parse the options, run the day, print the figures (last line, JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="length of the store day")
    parser.add_argument("--peak-rate", type=float, default=1.2, help="orders per second at the lunch peak")
    parser.add_argument("--seed", type=int, default=None, help="random seed (printed), to replay a day's plan")
    parser.add_argument("--keep", action="store_true", help="keep the store's folder (logs, database) and print it")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    say(f"seed {seed}")
    folder = tempfile.mkdtemp(prefix="passline-soak-")
    soak = Soak(Path(folder), args.minutes, args.peak_rate, seed)
    try:
        figures = soak.run()
    except BaseException:
        soak.stop.set()
        try:
            soak.stack.stop()
        except Exception:  # noqa: BLE001 - already failing; show the first error
            pass
        print(soak.stack.logs()[-4000:] if hasattr(soak.stack, "hub") else "", file=sys.stderr)
        raise
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            say(f"kept {folder}")
    figures["seed"] = seed
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
