"""Display benchmark: K displays on `/displays`, orders over MQTT at a fixed rate, publish -> arrival on each display.

    .venv/bin/python bench/displays.py --displays 8 --rate 100 --orders 2000

Starts Mosquitto and `passline serve` like bench/intake.py (whose helpers it reuses), connects
K displays to `/displays` (spread over kds:bar, kds:kitchen, kds:pastry, expo and board),
sends orders that touch one to three stations, and times each order from `publish()` to the
first `change` naming it on every display whose view the order is on. The last line printed
is one JSON object: displays, rate, orders, missing, p50_ms, p99_ms, and for comparison the
kiosk's own `order.accepted` times (reply_p50_ms, reply_p99_ms) and the sequence gaps seen.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import paho.mqtt.client as mqtt
import websocket

sys.path.insert(0, str(Path(__file__).resolve().parent))
from intake import Broker, HubProcess, SetupError, percentile, say  # noqa: E402

from hub.contracts import topics  # noqa: E402
from hub.contracts.envelope import envelope  # noqa: E402

NAMESPACE = "/displays"
VIEWS = ["kds:bar", "kds:kitchen", "kds:pastry", "expo", "board"]
STATION_OF = {"LATTE-M": "bar", "BAGEL-SALMON": "kitchen", "CROISSANT": "pastry"}
DRAIN_TIMEOUT_S = 10.0  # after the last order, how long late arrivals are waited for


def order_lines(j: int) -> list[dict]:
    """Return order j's lines: always a latte, a bagel every other order, a croissant every third."""
    lines = [{"sku": "LATTE-M", "qty": 1}]
    if j % 2:
        lines.append({"sku": "BAGEL-SALMON", "qty": 1})
    if j % 3 == 0:
        lines.append({"sku": "CROISSANT", "qty": 1})
    return lines


def views_of(lines: list[dict]) -> set[str]:
    """Return the views an order with these lines appears on."""
    return {f"kds:{STATION_OF[line['sku']]}" for line in lines} | {"expo", "board"}


class Display:
    """One display on a view, speaking Engine.IO 4 / Socket.IO 5 over a raw websocket.

    python-socketio's Client hands every message to a new thread, which reorders changes
    and adds a thread start to each timing; one reader thread here sees them as sent.
    """

    def __init__(self, url: str, view: str, cookie: str) -> None:
        self.view = view
        self.arrived: dict[str, float] = {}
        self.gaps = 0
        self.seq = -1
        self.ws = websocket.create_connection(url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket",
                                              timeout=10, header=[f"Cookie: {cookie}"])
        self.ws.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if not self.ws.recv().startswith("0"):  # Engine.IO open
            raise SetupError("the hub did not open an Engine.IO session")
        self.ws.send(f"40{NAMESPACE},")
        while not (frame := self.ws.recv()).startswith(f"40{NAMESPACE},"):
            pass
        self.ws.send(f"42{NAMESPACE},1" + json.dumps(["join", {"view": view}]))
        while not (frame := self.ws.recv()).startswith(f"43{NAMESPACE},1"):
            pass
        snapshot = json.loads(frame[len(f"43{NAMESPACE},1"):])[0]
        if not snapshot.get("ok"):
            raise SetupError(f"display on {view} could not join: {snapshot}")
        self.seq = snapshot["seq"]
        self.ws.settimeout(None)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        prefix = f"42{NAMESPACE},"
        while True:
            try:
                frame = self.ws.recv()
            except (websocket.WebSocketException, OSError):
                return
            now = time.perf_counter()
            if frame == "2":
                self.ws.send("3")  # Engine.IO ping -> pong
            elif frame.startswith(prefix):
                name, data = json.loads(frame[len(prefix):])
                if name == "change":
                    if data["seq"] != self.seq + 1:
                        self.gaps += 1
                    self.seq = max(self.seq, data["seq"])
                    self.arrived.setdefault(data["order_id"], now)

    def close(self) -> None:
        self.ws.close()


def publisher(url: str, store: str, replies: dict[str, float]) -> mqtt.Client:
    """Return a connected kiosk client with Nagle off, as bench/intake.py's kiosks, noting reply times."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-displays-{uuid.uuid4().hex[:8]}")
    connected = threading.Event()

    def on_connect(c, *_):
        c.subscribe(topics.device_in(store, "bench-kiosk", "reply"), qos=1)
        connected.set()

    def on_message(_c, _u, message):
        reply = json.loads(message.payload)
        if reply.get("type") == "order.accepted":
            replies.setdefault(reply["data"]["order_id"], time.perf_counter())

    client.on_connect = on_connect
    client.on_message = on_message
    client.connect(parts.hostname, parts.port)
    client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    client.loop_start()
    if not connected.wait(10):
        raise SetupError(f"the kiosk could not connect to {url}")
    return client


def run(args: argparse.Namespace) -> dict:
    """Start broker and hub, run the displays and the orders, return the figures."""
    workdir = Path(tempfile.mkdtemp(prefix="passline-bench-displays-"))
    broker = Broker(workdir / "broker")
    broker.workdir.mkdir(parents=True)
    broker.start()
    hub = HubProcess(workdir / "hub", mqtt_url=broker.url, store="bench")
    hub.data_dir.mkdir(parents=True)
    displays: list[Display] = []
    kiosk = None
    try:
        hub.prepare()
        hub.start()
        say(f"hub {hub.url} ({hub.pids()}), broker {broker.url}")
        # Each display is an enrolled screen (a board for the board view), as in a store.
        displays = [Display(hub.url, view, hub.enrol_screen(f"display-{k}", "board" if view == "board" else "display"))
                    for k, view in ((k, VIEWS[k % len(VIEWS)]) for k in range(args.displays))]
        replies: dict[str, float] = {}
        kiosk = publisher(broker.url, "bench", replies)
        topic = topics.device_out("bench", "bench-kiosk", "order")
        sent: dict[str, tuple[float, set[str]]] = {}
        start = time.perf_counter() + 0.5
        for j in range(args.orders):
            lines = order_lines(j)
            data = {"order_id": str(uuid.uuid4()), "origin": "kiosk", "fulfilment": "takeaway", "lines": lines}
            payload = json.dumps(envelope("order.submit", data))
            due = start + j / args.rate
            while (wait := due - time.perf_counter()) > 0:
                time.sleep(min(wait, 0.002))
            sent[data["order_id"]] = (time.perf_counter(), views_of(lines))
            kiosk.publish(topic, payload, qos=1)
        deadline = time.perf_counter() + DRAIN_TIMEOUT_S
        while time.perf_counter() < deadline and _missing(sent, displays):
            time.sleep(0.1)
        latencies = [
            (display.arrived[order_id] - at) * 1000
            for order_id, (at, views) in sent.items()
            for display in displays
            if display.view in views and order_id in display.arrived
        ]
        reply_ms = [(replies[o] - at) * 1000 for o, (at, _) in sent.items() if o in replies]
        return {
            "displays": args.displays,
            "rate": args.rate,
            "orders": args.orders,
            "missing": _missing(sent, displays),
            "p50_ms": round(percentile(latencies, 50) or 0, 2),
            "p99_ms": round(percentile(latencies, 99) or 0, 2),
            "max_ms": round(max(latencies, default=0), 2),
            "deliveries": len(latencies),
            "gaps": sum(d.gaps for d in displays),
            "reply_p50_ms": round(percentile(reply_ms, 50) or 0, 2),  # the kiosk's order.accepted, for comparison
            "reply_p99_ms": round(percentile(reply_ms, 99) or 0, 2),
        }
    finally:
        for display in displays:
            display.close()
        if kiosk is not None:
            kiosk.loop_stop()
            kiosk.disconnect()
        hub.stop()
        broker.stop()


def _missing(sent: dict[str, tuple[float, set[str]]], displays: list[Display]) -> int:
    return sum(1 for order_id, (_, views) in sent.items() for d in displays if d.view in views and order_id not in d.arrived)


def main(argv: list[str] | None = None) -> int:
    """Parse options, run, print the figures; the last line is JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--displays", type=int, default=8, help="Socket.IO displays (default 8)")
    parser.add_argument("--rate", type=float, default=100.0, help="orders per second (default 100)")
    parser.add_argument("--orders", type=int, default=2000, help="orders in total (default 2000)")
    args = parser.parse_args(argv)
    if args.displays < 1 or args.rate <= 0 or args.orders < 1:
        parser.error("--displays, --rate and --orders must be above 0")
    try:
        figures = run(args)
    except SetupError as exc:
        print(f"setup failed: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
