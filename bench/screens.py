"""Screens benchmark: N enrolled screens on their views, orders at 100/s, baskets priced over HTTP at once.

    .venv/bin/python bench/screens.py [--screens 500] [--rate 100] [--orders 3000] [--pricing-rate 20]

Starts the hub as store IT runs it (`passline serve` with its supervised Mosquitto), enrols N
screens through the real claim exchange (the owner makes a claim code, the screen claims it
over HTTP from its own loopback address and keeps the device cookie it gets), and connects
each over one Engine.IO websocket from that address: kitchen displays on `kds:<station>`,
expo and the order-ready board on `/displays` (joined to their view), kiosks on `/hub`.
Then a kiosk sends orders over MQTT at --rate while a counter prices baskets with
`POST /api/v1/baskets/price` at --pricing-rate from another process. Each order is timed
from `publish()` to the first `change` naming it on every display whose view it is on;
each basket from request to answer. The last line is one JSON object: screens,
display_p99_ms, api_p99_ms, hub_rss_mb, missing (and the figures behind them).

All screens are read by one asyncio loop speaking the websocket protocol directly
(a thread per screen would measure the bench's own GIL, not the hub).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import http.client
import json
import multiprocessing
import os
import resource
import socket
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import paho.mqtt.client as mqtt

sys.path.append(str(Path(__file__).resolve().parents[1]))  # appended: a PYTHONPATH given to the bench wins

from hub.contracts import topics  # noqa: E402
from hub.contracts.envelope import envelope  # noqa: E402
from tests.support.hub_process import HubProcess  # noqa: E402
from displays import order_lines, views_of  # noqa: E402  (bench/displays.py: the same orders and views)

DISPLAYS, LIVE = "/displays", "/hub"
# Of every 20 screens: 12 kitchen displays (bar, kitchen, pastry in turn), 2 expo, 2 boards, 4 kiosks.
MIX = ["kds:bar", "kds:kitchen", "kds:pastry"] * 4 + ["expo"] * 2 + ["board"] * 2 + ["kiosk"] * 4
ROLE_OF = {"expo": "display", "board": "board", "kiosk": "kiosk"}
DRAIN_TIMEOUT_S = 15.0  # after the last order, how long late changes are waited for
SETUP_TIMEOUT_S = 30.0
BASKET = {"channel": "counter", "lines": [{"sku": "LATTE-M", "qty": 2, "modifiers": ["OAT"]},
                                          {"sku": "CROISSANT", "qty": 3}, {"sku": "BAGEL-SALMON", "qty": 1}]}


class SetupError(RuntimeError):
    """The bench could not set up what it measures."""


def say(text: str) -> None:
    """Print a progress line (the figures come last, as JSON)."""
    print(text, file=sys.stderr, flush=True)


def percentile(values: list[float], pct: float) -> float | None:
    """Return the pct-th percentile (nearest rank) of values, or None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def source_address(index: int) -> str:
    """Return screen `index`'s own loopback address (127.0.1.0 upwards), as a screen on its own network port."""
    n = 256 + index
    return f"127.0.{n // 250}.{2 + n % 250}"


def enrol(hub: HubProcess, index: int, view: str) -> str:
    """Make a claim code as the owner and claim it as the screen would; return its device cookie."""
    device_id = f"screen-{index}"
    status, made = hub.api("POST", "/api/v1/devices", {"device_id": device_id, "role": ROLE_OF.get(view, "display")})
    if status != 201:
        raise SetupError(f"{device_id}: enrolment answered {status}: {made}")
    connection = http.client.HTTPConnection("127.0.0.1", hub.http_port, timeout=SETUP_TIMEOUT_S,
                                            source_address=(source_address(index), 0))
    connection.request("POST", "/api/v1/devices/claim", json.dumps({"code": made["claim_code"]}),
                       {"Content-Type": "application/json"})
    reply = connection.getresponse()
    reply.read()
    cookie = (reply.getheader("Set-Cookie") or "").split(";")[0]
    connection.close()
    if reply.status != 200 or not cookie:
        raise SetupError(f"{device_id}: the claim answered {reply.status} without a cookie")
    return cookie


class Screen:
    """One screen: a websocket from its own address, speaking Engine.IO 4 / Socket.IO 5."""

    def __init__(self, index: int, view: str, cookie: str) -> None:
        self.index, self.view, self.cookie = index, view, cookie
        self.namespace = LIVE if view == "kiosk" else DISPLAYS
        self.arrived: dict[str, float] = {}
        self.gaps = 0
        self.seq = -1
        self.closed = False
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def connect(self, port: int) -> None:
        """Open the websocket, connect the namespace and (displays) join the view."""
        self._reader, self._writer = await asyncio.open_connection(
            "127.0.0.1", port, local_addr=(source_address(self.index), 0))
        self._writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        key = base64.b64encode(os.urandom(16)).decode()
        self._writer.write((f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                            f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                            f"Sec-WebSocket-Version: 13\r\nCookie: {self.cookie}\r\n\r\n").encode())
        head = await self._reader.readuntil(b"\r\n\r\n")
        status_line = head.split(b"\r\n", 1)[0].decode()
        if " 101 " not in status_line:
            raise SetupError(f"screen {self.index}: no websocket: {status_line}")
        if not (await self._text()).startswith("0"):
            raise SetupError(f"screen {self.index}: no Engine.IO session")
        self.send(f"40{self.namespace},")
        while not (await self._text()).startswith(f"40{self.namespace},"):
            pass
        if self.namespace == DISPLAYS:
            self.send(f"42{DISPLAYS},1" + json.dumps(["join", {"view": self.view}]))
            while not (frame := await self._text()).startswith(f"43{DISPLAYS},1"):
                pass
            snapshot = json.loads(frame[len(f"43{DISPLAYS},1"):])[0]
            if not snapshot.get("ok"):
                raise SetupError(f"screen {self.index} could not join {self.view}: {snapshot}")
            self.seq = snapshot["seq"]

    def send(self, text: str) -> None:
        """Send one masked text frame (a client must mask)."""
        data = text.encode()
        mask = os.urandom(4)
        size = len(data)
        head = bytes([0x81, 0x80 | size]) if size < 126 else bytes([0x81, 0x80 | 126]) + size.to_bytes(2, "big")
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self._writer.write(head + mask + masked)

    async def _text(self) -> str:
        while True:
            first, second = await self._reader.readexactly(2)
            size = second & 0x7F
            if size == 126:
                size = int.from_bytes(await self._reader.readexactly(2), "big")
            elif size == 127:
                size = int.from_bytes(await self._reader.readexactly(8), "big")
            payload = await self._reader.readexactly(size)
            opcode = first & 0x0F
            if opcode == 0x1:
                return payload.decode()
            if opcode == 0x8:
                raise ConnectionError("closed by the hub")

    async def read(self) -> None:
        """Note the arrival of every change until the socket closes; answer Engine.IO pings."""
        prefix = f"42{DISPLAYS},"
        try:
            while True:
                frame = await self._text()
                now = time.monotonic()
                if frame == "2":
                    self.send("3")
                elif frame.startswith(prefix) and frame.startswith('["change"', len(prefix)):
                    data = json.loads(frame[len(prefix):])[1]
                    if data["seq"] != self.seq + 1:
                        self.gaps += 1
                    self.seq = max(self.seq, data["seq"])
                    self.arrived.setdefault(data["order_id"], now)
        except (ConnectionError, asyncio.IncompleteReadError, OSError):
            self.closed = True

    def close(self) -> None:
        """Close the connection."""
        if self._writer is not None:
            self._writer.close()


def price_baskets(port: int, cookie: str, rate: float, stop_at: float, out: multiprocessing.Queue) -> None:
    """Price baskets as a counter at `rate` until `stop_at` (monotonic); put the latencies (ms) and failures on `out`."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=("127.0.0.250", 0))
    body = json.dumps(BASKET)
    latencies, failures = [], 0
    due = time.monotonic()
    while due < stop_at:
        while (wait := due - time.monotonic()) > 0:
            time.sleep(wait)
        started = time.monotonic()
        try:
            connection.request("POST", "/api/v1/baskets/price", body, {"Content-Type": "application/json",
                                                                      "Cookie": cookie})
            reply = connection.getresponse()
            reply.read()
            if reply.status == 200:
                latencies.append((time.monotonic() - started) * 1000)
            else:
                failures += 1
        except (OSError, http.client.HTTPException):
            failures += 1
            connection.close()
        due += 1 / rate
    out.put((latencies, failures))


def kiosk_publisher(hub: HubProcess) -> tuple[mqtt.Client, str]:
    """Return a connected MQTT kiosk (its own broker login from a claim) and the topic its orders go to."""
    code = hub.claim_code("bench-kiosk", "agent")
    connection = http.client.HTTPConnection("127.0.0.1", hub.http_port, timeout=SETUP_TIMEOUT_S,
                                            source_address=("127.0.0.251", 0))
    connection.request("POST", "/api/v1/devices/claim", json.dumps({"code": code}), {"Content-Type": "application/json"})
    login = json.loads(connection.getresponse().read())["mqtt"]
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="bench-kiosk")
    client.username_pw_set(login["username"], login["password"])
    connected = threading.Event()
    client.on_connect = lambda *_: connected.set()
    client.connect("127.0.0.1", hub.broker_port)
    client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    client.loop_start()
    if not connected.wait(SETUP_TIMEOUT_S):
        raise SetupError("the kiosk could not log in to the broker")
    return client, topics.device_out(hub.store, "bench-kiosk", "order")


def rss_mb(pids: list[int]) -> float:
    """Return the resident memory of these processes together, in MB."""
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
    return round(total / 1024, 1)


def cpu_s(pids: list[int]) -> float:
    """Return the CPU time (user + system) these processes used so far, in seconds."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def runqueue_wait_s(pids: list[int]) -> float:
    """Return how long these processes' threads were ready to run but waited for a CPU, in seconds (schedstat)."""
    waited = 0
    for pid in pids:
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                waited += int((task / "schedstat").read_text().split()[1])
            except (OSError, IndexError, ValueError):
                continue
    return waited / 1e9


def own_cpu_s() -> float:
    """Return the CPU time this bench process used so far (its pricing child not included), in seconds."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def hub_pids(hub: HubProcess) -> list[int]:
    """Return the gunicorn master and worker of this hub (its broker is not the hub)."""
    group = os.getpgid(hub._process.pid)
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == group and b"mosquitto" not in (entry / "cmdline").read_bytes():
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


async def measure(args: argparse.Namespace, hub: HubProcess, cookies: list[str]) -> dict:
    """Connect the screens, send the orders while baskets are priced, and return the figures."""
    screens = [Screen(i, MIX[i % len(MIX)], cookie) for i, cookie in enumerate(cookies)]
    started = time.monotonic()
    for batch in range(0, len(screens), 50):
        await asyncio.wait_for(asyncio.gather(*(s.connect(hub.http_port) for s in screens[batch:batch + 50])),
                               SETUP_TIMEOUT_S)
    say(f"{len(screens)} screens connected in {time.monotonic() - started:.1f} s; rss {rss_mb(hub_pids(hub))} MB")
    readers = [asyncio.create_task(s.read()) for s in screens]
    kiosk, topic = kiosk_publisher(hub)
    counter = next(c for s, c in zip(screens, cookies) if s.view == "kiosk")
    duration = args.orders / args.rate
    prices: multiprocessing.Queue = multiprocessing.Queue()
    pricer = multiprocessing.Process(target=price_baskets, args=(hub.http_port, counter, args.pricing_rate,
                                                                 time.monotonic() + 0.5 + duration, prices))
    pricer.start()
    sent: dict[str, tuple[float, set[str]]] = {}
    pids = hub_pids(hub)
    hub_cpu_before, bench_cpu_before, hub_wait_before = cpu_s(pids), own_cpu_s(), runqueue_wait_s(pids)
    start = time.monotonic() + 0.5
    rss_peak = 0.0
    for j in range(args.orders):
        due = start + j / args.rate
        if (wait := due - time.monotonic()) > 0:
            await asyncio.sleep(wait)
        lines = order_lines(j)
        data = {"order_id": str(uuid.uuid4()), "origin": "kiosk", "fulfilment": "takeaway", "lines": lines}
        sent[data["order_id"]] = (time.monotonic(), views_of(lines))
        kiosk.publish(topic, json.dumps(envelope("order.submit", data)), qos=1)
        if j % int(args.rate) == 0:
            rss_peak = max(rss_peak, rss_mb(hub_pids(hub)))
    deadline = time.monotonic() + DRAIN_TIMEOUT_S
    while time.monotonic() < deadline and missing(sent, screens):
        await asyncio.sleep(0.1)
    hub_cpu, bench_cpu = cpu_s(pids) - hub_cpu_before, own_cpu_s() - bench_cpu_before
    hub_waited = runqueue_wait_s(pids) - hub_wait_before
    wall = time.monotonic() - start
    api_ms, api_failures = await asyncio.get_running_loop().run_in_executor(None, prices.get)
    pricer.join()
    kiosk.loop_stop()
    kiosk.disconnect()
    for screen in screens:
        screen.close()
    for reader in readers:
        reader.cancel()
    display_ms = [(s.arrived[o] - at) * 1000 for o, (at, views) in sent.items() for s in screens
                  if s.view in views and o in s.arrived]
    return {
        "screens": len(screens),
        "display_p99_ms": round(percentile(display_ms, 99) or 0, 2),
        "api_p99_ms": round(percentile(api_ms, 99) or 0, 2),
        "hub_rss_mb": rss_peak,
        "missing": missing(sent, screens),
        "display_p50_ms": round(percentile(display_ms, 50) or 0, 2),
        "display_max_ms": round(max(display_ms, default=0), 2),
        "deliveries": len(display_ms),
        "gaps": sum(s.gaps for s in screens),
        "screens_dropped": sum(s.closed for s in screens),
        "api_p50_ms": round(percentile(api_ms, 50) or 0, 2),
        "baskets": len(api_ms),
        "api_failures": api_failures,
        "orders": args.orders,
        "rate": args.rate,
        "hub_cpu_share": round(hub_cpu / wall, 2),  # cores the hub used while the orders ran
        "hub_cpu_wait_share": round(hub_waited / wall, 2),  # ready to run, but the machine's CPUs were busy
        "bench_cpu_share": round(bench_cpu / wall, 2),
        "hub_cpu_us_per_delivery": round(hub_cpu / max(1, len(display_ms)) * 1e6, 1),
        "load_avg_1min": os.getloadavg()[0],
    }


def missing(sent: dict[str, tuple[float, set[str]]], screens: list[Screen]) -> int:
    """Return how many (order, display) deliveries have not arrived."""
    return sum(1 for order_id, (_, views) in sent.items() for s in screens
               if s.view in views and order_id not in s.arrived)


def run(args: argparse.Namespace) -> dict:
    """Start a hub, enrol the screens, measure, stop the hub."""
    with tempfile.TemporaryDirectory(prefix="passline-bench-screens-") as folder:
        hub = HubProcess(Path(folder) / "hub", store="bench")
        hub.prepare()
        hub.start()
        try:
            say(f"hub on {hub.base_url}; enrolling {args.screens} screens")
            with ThreadPoolExecutor(8) as pool:
                cookies = list(pool.map(lambda i: enrol(hub, i, MIX[i % len(MIX)]), range(args.screens)))
            return asyncio.run(measure(args, hub, cookies))
        finally:
            hub.stop()


def main(argv: list[str] | None = None) -> int:
    """Parse options, run, print the figures; the last line is JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screens", type=int, default=500, help="enrolled screens connected (default 500)")
    parser.add_argument("--rate", type=float, default=100.0, help="orders per second over MQTT (default 100)")
    parser.add_argument("--orders", type=int, default=3000, help="orders in total (default 3000)")
    parser.add_argument("--pricing-rate", type=float, default=20.0, help="baskets priced per second (default 20)")
    args = parser.parse_args(argv)
    if args.screens < len(MIX) or args.rate <= 0 or args.orders < 1 or args.pricing_rate <= 0:
        parser.error(f"--screens must be at least {len(MIX)}; --rate, --orders and --pricing-rate above 0")
    try:
        figures = run(args)
    except SetupError as exc:
        print(f"setup failed: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
