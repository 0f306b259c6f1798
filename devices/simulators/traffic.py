"""Simulated order traffic from every origin: kiosks, a counter and the order gateways.

Run by `passline demo --traffic RATE`, each sender enrolled as a gateway with the demo's claim code;
by hand: python -m devices.simulators.traffic --mqtt-url mqtt://127.0.0.1:1883 --store demo --rate 0.5

Customers arrive at RATE a second on average (a Poisson stream: `--rate 0.5` is 1,800 orders an hour)
and order, from every origin; the demo's crew (devices/simulators/crew.py) has enough cooks for that
rate. Only when the kitchen falls behind anyway (BUSY_TICKETS tickets fired at the stations and
waiting for a free cook, read from the hub's queue) do customers walk away, so a rate beyond what the
crew or the machine can do makes a long queue, not an ever-growing one.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import signal
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt

from hub.contracts import topics
from hub.contracts.catalog import CatalogFile, CatalogItemIn
from hub.contracts.demo import TRAFFIC_SENDERS
from hub.contracts.envelope import envelope

logger = logging.getLogger(__name__)

RETRY_AFTER_S = 5.0  # no reply by then: send the same order again (same order_id), as real senders must
BUSY_TICKETS = 20  # tickets waiting for a free cook at which new customers walk away (a queue out of the door)
QUEUE_EVERY_S = 3.0  # how often the hub's queue length is read
CATCH_UP_S = 5.0  # customers who came while the simulator was held up this long ago still order
SENDERS = TRAFFIC_SENDERS
FULFILMENT = {
    "kiosk": ["dine_in", "takeaway"],
    "counter": ["dine_in", "takeaway"],
    "app": ["pickup"],
    "web": ["pickup", "ship"],
    "phone": ["pickup", "delivery"],
    "marketplace": ["delivery"],
}


class Shelf:
    """What the hub last said is sold out, so simulated customers pick what they can buy, as at a kiosk."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sold_out: set[str] = set()
        self._stock: dict[str, dict[str, int]] = {}

    def update(self, availability: dict) -> None:
        """Take the hub's `availability` broadcast."""
        with self._lock:
            self._sold_out = set(availability.get("sold_out", []))
            self._stock = dict(availability.get("stock", {}))

    def can_sell(self, sku: str, origin: str) -> bool:
        """Say whether an origin's channel may still sell an item (phone orders sell as the counter)."""
        channel = "counter" if origin == "phone" else origin
        with self._lock:
            return sku not in self._sold_out and self._stock.get(sku, {}).get(channel, 1) > 0


class SimulatedSender:
    """One device that announces itself and sends orders, retrying until each is answered."""

    def __init__(self, device_id: str, origin: str, url: str, store: str, shelf: Shelf | None = None) -> None:
        self.device_id = device_id
        self.origin = origin
        self.store = store
        self.shelf = shelf or Shelf()
        self._pending: dict[str, dict] = {}
        self._lock = threading.Lock()
        parts = urlsplit(url)
        self._client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"sim-{device_id}", protocol=mqtt.MQTTv311)
        if parts.username:
            self._client.username_pw_set(parts.username, parts.password)
        offline = envelope("device.status", {"state": "offline", "kind": "simulator"})
        self._client.will_set(topics.device_status(store, device_id), json.dumps(offline), qos=1, retain=True)
        self._client.on_connect = self._on_connect
        self._client.on_message = self._on_message
        self._client.connect_async(parts.hostname or "127.0.0.1", parts.port or 1883)
        self._client.loop_start()

    def _on_connect(self, client, _u, _f, reason_code, _p) -> None:
        if reason_code.is_failure:
            logger.error("%s: broker refused login: %s", self.device_id, reason_code)
            return
        client.subscribe(topics.device_in(self.store, self.device_id, "reply"), qos=1)
        client.subscribe(topics.broadcast(self.store, "availability"), qos=1)
        online = envelope("device.status", {"state": "online", "kind": "simulator", "health": {"origin": self.origin}})
        client.publish(topics.device_status(self.store, self.device_id), json.dumps(online), qos=1, retain=True)

    def _on_message(self, _client, _u, message) -> None:
        if message.topic.endswith("/broadcast/availability"):
            self.shelf.update(json.loads(message.payload)["data"])
            return
        reply = json.loads(message.payload)
        with self._lock:
            for order_id, request in list(self._pending.items()):
                if reply.get("re") == request["id"] or reply.get("data", {}).get("order_id") == order_id:
                    del self._pending[order_id]
                    if reply["type"] == "order.accepted":
                        logger.info("%s: order %s accepted", self.device_id, reply["data"]["number"])
                    else:
                        logger.warning("%s: order refused: %s", self.device_id, reply["data"]["message"])

    def send(self, data: dict) -> None:
        """Send a new order."""
        request = envelope("order.submit", data)
        with self._lock:
            self._pending[data["order_id"]] = request | {"sent": time.monotonic()}
        self._publish(request)

    def resend_overdue(self) -> None:
        """Send again every order that has waited too long for a reply."""
        now = time.monotonic()
        with self._lock:
            overdue = [r for r in self._pending.values() if now - r["sent"] > RETRY_AFTER_S]
            for request in overdue:
                request["sent"] = now
        for request in overdue:
            self._publish({k: v for k, v in request.items() if k != "sent"})

    def _publish(self, request: dict) -> None:
        self._client.publish(topics.device_out(self.store, self.device_id, "order"), json.dumps(request), qos=1)

    def close(self) -> None:
        """Say offline and disconnect."""
        offline = envelope("device.status", {"state": "offline", "kind": "simulator"})
        try:
            self._client.publish(topics.device_status(self.store, self.device_id), json.dumps(offline), qos=1,
                                 retain=True).wait_for_publish(2)
        except (RuntimeError, ValueError):
            pass  # the broker went first (Ctrl+C stops the whole demo): the last will says offline
        self._client.disconnect()
        self._client.loop_stop()


def random_order(origin: str, menu: CatalogFile, rng: random.Random, shelf: Shelf | None = None) -> dict:
    """Build a plausible order for an origin from what the menu still has."""
    lines = []
    items = [item for item in menu.items if shelf is None or shelf.can_sell(item.sku, origin)] or menu.items
    for item in rng.sample(items, k=rng.randint(1, min(3, len(items)))):
        lines.append({"sku": item.sku, "qty": rng.choice([1, 1, 1, 2]), "modifiers": random_modifiers(item, rng)})
    promised = None
    if origin in ("app", "web", "phone", "marketplace"):
        promised = (datetime.now(timezone.utc) + timedelta(minutes=rng.randint(10, 40))).isoformat()
    return {
        "order_id": str(uuid.uuid4()),
        "origin": origin,
        "fulfilment": rng.choice(FULFILMENT[origin]),
        "lines": lines,
        "promised_at": promised,
        "rush": rng.random() < 0.05,
    }


def random_modifiers(item: CatalogItemIn, rng: random.Random) -> list[str]:
    """Choose modifiers a real customer could: within each group's min and max, children after their parent."""
    groups = {group.code: group for group in item.modifier_groups}
    chosen: list[str] = []
    for code, group in groups.items():
        members = [m.code for m in item.modifiers if m.group == code and m.parent is None]
        most = min(group.max or len(members), len(members))
        least = min(group.min, most)
        chosen += rng.sample(members, k=rng.randint(least, most) if rng.random() < 0.3 else least)
    loose = [m.code for m in item.modifiers if m.group is None and m.parent is None and rng.random() < 0.3]
    chosen += loose[:2]
    for child in item.modifiers:
        if child.parent in chosen and rng.random() < 0.3 and _room_in_group(child.group, chosen, item, groups):
            chosen.append(child.code)
    return chosen


def _room_in_group(group: str | None, chosen: list[str], item: CatalogItemIn, groups: dict) -> bool:
    if group is None or groups[group].max is None:
        return True
    taken = sum(1 for m in item.modifiers if m.code in chosen and m.group == group)
    return taken < groups[group].max


class Queue:
    """How far behind the kitchen is: tickets fired at a station that no cook has started, from the hub's queue.

    Open orders are no measure: an app order promised in 40 minutes is open all that time without
    keeping anyone busy. The queue is read at most every QUEUE_EVERY_S on `clock`.
    """

    def __init__(self, hub_url: str | None = None, token: str | None = None, *,
                 read: Callable[[], list[dict]] | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self._hub_url = hub_url
        self._token = token
        self._read = read or (self._read_hub if hub_url and token else None)
        self._clock = clock
        self._read_at: float | None = None
        self.waiting_tickets = 0

    def busy(self) -> bool:
        """Say whether so many tickets wait for a cook that customers walk away."""
        if self._read is None:
            return False
        now = self._clock()
        if self._read_at is None or now - self._read_at > QUEUE_EVERY_S:
            self._read_at = now
            try:
                self.waiting_tickets = waiting_tickets(self._read())
            except (OSError, ValueError, KeyError):
                pass  # keep the last count; the hub may be busy or restarting
        return self.waiting_tickets >= BUSY_TICKETS

    def _read_hub(self) -> list[dict]:
        request = urllib.request.Request(f"{self._hub_url}/api/v1/queue", headers={"Authorization": f"Bearer {self._token}"})
        with urllib.request.urlopen(request, timeout=5) as answer:
            return json.load(answer)["orders"]


def waiting_tickets(orders: list[dict]) -> int:
    """Return how many tickets of the hub's open orders are fired at their station and not started yet."""
    return sum(1 for order in orders for ticket in order.get("tickets", []) if ticket["status"] == "fired")


class Customers:
    """Customers arriving at `rate` a second, who order unless the kitchen is behind (then they walk away)."""

    def __init__(self, rate: float, queue: Queue, rng: random.Random) -> None:
        self.rate = rate
        self._queue = queue
        self._rng = rng
        self.ordered = 0
        self.walked_away = 0

    def gap(self) -> float:
        """Return the seconds until the next customer comes (exponential: arrivals at random, `rate` on average)."""
        return self._rng.expovariate(self.rate) if self.rate > 0 else 1.0

    def orders(self) -> bool:
        """Say whether the customer who just came orders."""
        if self.rate <= 0:
            return False
        if self._queue.busy():
            if not self.walked_away % 50:  # now and then, not for every customer
                logger.info("customers walk away: %s tickets wait for a cook", self._queue.waiting_tickets)
            self.walked_away += 1
            return False
        self.ordered += 1
        return True


def run(url: str | Mapping[str, str], store: str, rate: float, menu_path: Path,
        stop: threading.Event | None = None, queue: Queue | None = None) -> None:
    """Send orders at `rate` per second from every origin until stopped; url is one for all, or each sender's own."""
    menu = CatalogFile.model_validate_json(menu_path.read_text())
    rng = random.Random()
    shelf = Shelf()
    customers = Customers(rate, queue or Queue(), rng)
    urls = url if isinstance(url, Mapping) else dict.fromkeys(SENDERS, url)
    senders = [SimulatedSender(device_id, origin, urls[device_id], store, shelf) for device_id, origin in SENDERS.items()]
    stop = stop or threading.Event()
    comes_at = time.monotonic()
    try:
        while True:
            # Customers come when they come: a slow look at the hub's queue must not space them out
            # (after the machine stalled, those of the last CATCH_UP_S come at once; earlier ones went).
            comes_at = max(comes_at + customers.gap(), time.monotonic() - CATCH_UP_S)
            if stop.wait(max(0.0, comes_at - time.monotonic())):
                break
            for s in senders:
                s.resend_overdue()
            if customers.orders():
                sender = rng.choice(senders)
                sender.send(random_order(sender.origin, menu, rng, shelf))
    finally:
        for sender in senders:
            sender.close()


def main() -> None:
    """Run simulated traffic from the command line."""
    from devices.simulators.enrolment import broker_url, enrolment, hub_url

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mqtt-url", help="one broker URL for every sender (default: each enrols with the demo's claim code)")
    parser.add_argument("--store", default="demo")
    parser.add_argument("--rate", type=float, default=0.5, help="orders per second on average (default 0.5)")
    parser.add_argument("--menu", type=Path, required=True, help="a catalog JSON file to pick items from")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s traffic %(message)s")

    def interrupted(*_) -> None:
        logging.disable(logging.WARNING)  # Ctrl+C stops the whole demo: unanswered orders are no news now
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)  # the demo stops its devices so, before the hub
    try:
        if args.mqtt_url:
            run(args.mqtt_url, args.store, args.rate, args.menu)
            return
        replies = {device_id: enrolment(device_id, mqtt=True) for device_id in SENDERS}
        token = next(iter(replies.values())).get("token")
        run({device_id: broker_url(reply) for device_id, reply in replies.items()}, args.store, args.rate, args.menu,
            queue=Queue(hub_url(), token))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
