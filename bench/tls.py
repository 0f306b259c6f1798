"""What TLS costs: the same hub without and with `passline tls init`, over HTTP(S) and MQTT (over TLS).

    .venv/bin/python bench/tls.py [--requests 300] [--orders 300]

For each of the two hubs (`passline serve` with its supervised Mosquitto, started as store IT runs it)
it times GET /api/v1/live on a new connection each time (the TLS handshake included) and on one kept-alive
connection, then enrols an agent by claim code, logs it in with what the claim gave it (mqtts:// and the
store CA on the TLS hub) and times order.submit to the hub's reply, one order at a time. The last line is
one JSON object: `<figure>_plain` and `<figure>_tls` for each figure, in milliseconds.
"""

from __future__ import annotations

import argparse
import http.client
import json
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hub.contracts import topics  # noqa: E402
from hub.contracts.envelope import envelope  # noqa: E402
from tests.support.devices import order_data  # noqa: E402
from tests.support.hub_process import PASSLINE, HubProcess  # noqa: E402

WAIT_S = 30.0  # upper bound for any one step; a run that needs it has failed


def percentile(samples: list[float], share: float) -> float:
    """Return the nearest-rank percentile of samples, in milliseconds, rounded to 0.01."""
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000, 2)


def connection(hub: HubProcess, context: ssl.SSLContext | None) -> http.client.HTTPConnection:
    """Return a connection to the hub's pages: HTTPS checked against the store CA, or plain HTTP."""
    if context is not None:
        return http.client.HTTPSConnection("127.0.0.1", hub.https_port, timeout=WAIT_S, context=context)
    return http.client.HTTPConnection("127.0.0.1", hub.http_port, timeout=WAIT_S)


def time_requests(hub: HubProcess, count: int, context: ssl.SSLContext | None, *, reuse: bool) -> list[float]:
    """Return how long each GET /api/v1/live took, on one kept-alive connection or a new one each time."""
    samples, kept = [], connection(hub, context) if reuse else None
    for _ in range(count):
        started = time.perf_counter()
        conn = kept or connection(hub, context)
        conn.request("GET", "/api/v1/live")
        reply = conn.getresponse()
        reply.read()
        if reply.status != 200:
            raise RuntimeError(f"/api/v1/live answered {reply.status}")
        if not reuse:
            conn.close()
        samples.append(time.perf_counter() - started)
    if kept:
        kept.close()
    return samples


def time_orders(hub: HubProcess, count: int, context: ssl.SSLContext | None, ca_dir: Path) -> list[float]:
    """Enrol an agent by claim code and time each order it sends until the hub's reply."""
    conn = connection(hub, context)
    conn.request("POST", "/api/v1/devices/claim", json.dumps({"code": hub.claim_code("bench-agent", "agent")}),
                 {"Content-Type": "application/json"})
    reply = conn.getresponse()
    answer = json.loads(reply.read())
    conn.close()
    if reply.status != 200:
        raise RuntimeError(f"the claim answered {reply.status}: {answer}")
    login = urlsplit(answer["mqtt"]["url"])
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="bench-agent")
    client.username_pw_set(answer["mqtt"]["username"], answer["mqtt"]["password"])
    if login.scheme == "mqtts":
        ca_file = ca_dir / "store-ca.pem"
        ca_file.write_text(answer["mqtt"]["ca"])
        client.tls_set(ca_certs=str(ca_file))
    replied, subscribed = threading.Event(), threading.Event()
    client.on_message = lambda *_: replied.set()
    client.on_subscribe = lambda *_: subscribed.set()
    client.on_connect = lambda c, *_: c.subscribe(topics.device_in(hub.store, "bench-agent", "reply"), 1)
    client.connect(login.hostname, login.port)
    client.loop_start()
    try:
        if not subscribed.wait(WAIT_S):
            raise RuntimeError("the agent could not subscribe to its replies")
        samples = []
        for _ in range(count):
            replied.clear()
            started = time.perf_counter()
            client.publish(topics.device_out(hub.store, "bench-agent", "order"),
                           json.dumps(envelope("order.submit", order_data(origin="kiosk"))), qos=1)
            if not replied.wait(WAIT_S):
                raise RuntimeError("no reply to an order")
            samples.append(time.perf_counter() - started)
        return samples
    finally:
        client.disconnect()
        client.loop_stop()


def measure(root: Path, mode: str, requests: int, orders: int) -> dict[str, float]:
    """Start a hub (with a certificate for mode "tls"), measure it, stop it; return its figures."""
    hub = HubProcess(root / mode)
    hub.prepare()
    if mode == "tls":
        subprocess.run([PASSLINE, "tls", "init"], env=hub.env, check=True, capture_output=True)
    hub.start()
    try:
        context = ssl.create_default_context(cafile=str(hub.ca_file)) if mode == "tls" else None
        time_requests(hub, 20, context, reuse=True)  # warm-up: imports, first queries
        fresh = time_requests(hub, requests, context, reuse=False)
        kept = time_requests(hub, requests, context, reuse=True)
        round_trips = time_orders(hub, orders, context, root)
    finally:
        hub.stop()
    return {f"http_new_connection_p50_ms_{mode}": percentile(fresh, 0.50),
            f"http_new_connection_p99_ms_{mode}": percentile(fresh, 0.99),
            f"http_kept_alive_p50_ms_{mode}": percentile(kept, 0.50),
            f"http_kept_alive_p99_ms_{mode}": percentile(kept, 0.99),
            f"mqtt_order_p50_ms_{mode}": percentile(round_trips, 0.50),
            f"mqtt_order_p99_ms_{mode}": percentile(round_trips, 0.99),
            f"mqtt_order_mean_ms_{mode}": round(statistics.fmean(round_trips) * 1000, 2)}


def main() -> int:
    """Measure both hubs and print the figures side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="HTTP requests of each kind (default 300)")
    parser.add_argument("--orders", type=int, default=300, help="orders over MQTT, one at a time (default 300)")
    args = parser.parse_args()
    figures: dict[str, float] = {"requests": args.requests, "orders": args.orders}
    with tempfile.TemporaryDirectory(prefix="passline-bench-tls-") as root:
        for mode in ("plain", "tls"):
            figures.update(measure(Path(root), mode, args.requests, args.orders))
            print(f"{mode}: done", file=sys.stderr)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
