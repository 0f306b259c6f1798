"""The demo's simulated staff: cooks at every station, expo, pickers, and a cashier who confirms remote orders.

Run by `passline demo --traffic RATE`. The crew works through the same doors people do: the kitchen
is a kitchen display enrolled with a claim code (Socket.IO `/displays`: `join` for a view's
snapshot, `action` to start, bump, pick, pack, expo-bump and hand over), the cashier a counter
enrolled the same way, signed in with the demo cashier's PIN (HTTP `/api/v1/incoming`, `confirm`).

Each station has the cooks the traffic's rate needs (`crew_size`: the prep time its tickets bring in a
second, with a third to spare, never fewer than COOKS), so the kitchen keeps up with `--rate`. Cooks
start a fired ticket when one of the station's cooks is free and bump it after its prep time
(the longest of its items, give or take a fifth); expo passes an order once every station is done;
the customer collects it a little later; pickers take one unit off the shelf every few seconds and
pack the order when all are picked.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import random
import signal
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from datetime import datetime
from pathlib import Path

import socketio

from devices.simulators.enrolment import enrolment, hub_url
from devices.simulators.traffic import SENDERS, random_order
from hub.contracts.catalog import CatalogFile
from hub.contracts.demo import CASHIER_DEVICE, CASHIER_PIN, KITCHEN_DEVICE
from hub.contracts.displays import NAMESPACE

logger = logging.getLogger(__name__)

COOKS = {"bar": 6, "kitchen": 4, "grill": 3, "fryer": 2, "pastry": 2}  # people (or machines) per station, at least
OTHER_STATION_COOKS = 2
SPARE = 4 / 3  # cooks beyond the average load: arrivals bunch up, and a ticket takes up to a fifth longer
SAMPLE_ORDERS = 3000  # simulated orders that measure what a second of traffic brings each station
PREP_SPREAD = (0.8, 1.2)  # a ticket takes its prep time give or take a fifth
PICK_UNIT_S = (3.0, 7.0)  # walking to the bin and scanning one unit
EXPO_S = (2.0, 6.0)  # expo checks an order whose stations are all done
COLLECT_S = (15.0, 60.0)  # the customer (or driver) collects a ready order
CONFIRM_S = (20.0, 60.0)  # the cashier gets to a waiting remote order
LOOK_EVERY_S = 2.0  # each view's snapshot is read this often
CALL_TIMEOUT_S = 10.0


class Kitchen:
    """Cooks, expo and pickers acting through one enrolled kitchen display's Socket.IO connection."""

    def __init__(self, url: str, cookie: str, rng: random.Random | None = None,
                 cooks: dict[str, int] | None = None) -> None:
        self._url = url
        self._cookie = cookie
        self._rng = rng or random.Random()
        self._cooks = cooks or COOKS
        self._client = socketio.Client(reconnection=True, reconnection_delay=1, reconnection_delay_max=5)
        self._stations: set[str] = set()
        self._due: dict[str, float] = {}  # ticket or order key -> when the person doing it is done
        self._server_now = datetime.now().astimezone()
        self.done: dict[str, int] = {}  # what the crew did, by action kind

    def connect(self) -> None:
        """Connect to `/displays` with the display's cookie."""
        self._client.connect(self._url, headers={"Cookie": self._cookie}, namespaces=[NAMESPACE],
                             transports=["websocket"], wait_timeout=CALL_TIMEOUT_S)

    def close(self) -> None:
        """Disconnect."""
        self._client.disconnect()

    def work(self) -> None:
        """Look at expo and at every station seen there once, and do what is due."""
        now = time.monotonic()
        expo = self._look("expo")
        for row in expo:
            self._stations.update(s["station"] for s in row["stations"])
            self._expo(row, now)
        for station in sorted(self._stations):
            cards = self._look(f"kds:{station}")
            if any(card.get("pick") for card in cards):
                self._pick(cards, now)
            else:
                self._cook(station, cards, now)

    def _look(self, view: str) -> list[dict]:
        snapshot = self._client.call("join", {"view": view}, namespace=NAMESPACE, timeout=CALL_TIMEOUT_S)
        if not snapshot or not snapshot.get("ok"):
            logger.warning("no snapshot of %s: %s", view, (snapshot or {}).get("reason"))
            return []
        self._server_now = datetime.fromisoformat(snapshot["now"])
        return snapshot["cards"]

    def _cook(self, station: str, cards: list[dict], now: float) -> None:
        busy = 0
        for card in cards:
            key = card["ticket_id"]
            if card["cancelled"]:
                self._act("bump", card)  # seen: it leaves the screen
            elif card["status"] == "started":
                finish = self._due.setdefault(key, now + card["prep_s"] * self._rng.uniform(*PREP_SPREAD))
                if now >= finish:
                    self._act("bump", card)
                    self._due.pop(key, None)
                else:
                    busy += 1
        free = self._cooks.get(station, OTHER_STATION_COOKS) - busy
        for card in cards:  # in queue order
            if free <= 0:
                break
            if card["cancelled"] or card["held"] or card["status"] not in ("queued", "fired"):
                continue
            if card["fire_at"] and datetime.fromisoformat(card["fire_at"]) > self._server_now:
                continue  # a later-starting ticket: the hub fires it so the order finishes together
            if self._act("start", card):
                self._due[card["ticket_id"]] = now + card["prep_s"] * self._rng.uniform(*PREP_SPREAD)
                free -= 1

    def _pick(self, cards: list[dict], now: float) -> None:
        for card in cards:  # one picker per zone, one order at a time, in queue order
            if card["cancelled"]:
                self._act("bump", card)
                continue
            if card["status"] == "done" or card["held"]:
                continue
            key = card["ticket_id"]
            due = self._due.setdefault(key, now + self._rng.uniform(*PICK_UNIT_S))
            if now < due:
                return
            left = [item for item in card["items"] if item["picked"] < item["qty"]]
            if left:
                self._act("pick", card, line_no=left[0]["line_no"], sku=left[0]["sku"])
                self._due[key] = now + self._rng.uniform(*PICK_UNIT_S)
            else:
                self._act("pack", card)
                self._due.pop(key, None)
            return

    def _expo(self, row: dict, now: float) -> None:
        key = f"order:{row['order_id']}:{row['status']}"
        if row["status"] == "ready":
            if now >= self._due.setdefault(key, now + self._rng.uniform(*COLLECT_S)):
                self._act("hand_over", row)
                self._due.pop(key, None)
        elif row["all_done"]:
            if now >= self._due.setdefault(key, now + self._rng.uniform(*EXPO_S)):
                self._act("expo_bump", row)
                self._due.pop(key, None)

    def _act(self, kind: str, card: dict, **extra) -> bool:
        action = {"action_id": uuid.uuid4().hex, "kind": kind, "order_id": card["order_id"], **extra}
        if "ticket_id" in card and kind not in ("expo_bump", "hand_over"):
            action.update(ticket_id=card["ticket_id"], version=None if kind == "pick" else card["version"])
        answer = self._client.call("action", action, namespace=NAMESPACE, timeout=CALL_TIMEOUT_S) or {}
        if not answer.get("ok"):
            logger.info("%s on order %s refused: %s", kind, card.get("number"), answer.get("reason"))
            return False
        self.done[kind] = self.done.get(kind, 0) + 1
        return True


class Cashier:
    """A cashier at an enrolled counter who confirms each waiting remote order with the hub's suggested time."""

    def __init__(self, url: str, device_id: str, cookie: str, pin: str, rng: random.Random | None = None) -> None:
        self._url = url
        self._device_id = device_id
        self._cookie = cookie
        self._pin = pin
        self._rng = rng or random.Random()
        self._token: str | None = None
        self._due: dict[str, float] = {}
        self.confirmed = 0

    def work(self) -> None:
        """Confirm the remote orders that have waited long enough for the cashier to get to them."""
        now = time.monotonic()
        for order in self._request("GET", "/api/v1/incoming")["orders"]:
            due = self._due.setdefault(order["order_id"], now + self._rng.uniform(*CONFIRM_S))
            if now >= due:
                self._request("POST", f"/api/v1/orders/{order['order_id']}/confirm",
                              {"minutes": order["suggested_minutes"]})
                self._due.pop(order["order_id"], None)
                self.confirmed += 1

    def _request(self, method: str, path: str, body: dict | None = None, signing_in: bool = False) -> dict:
        if self._token is None and not signing_in:
            self._sign_in()
        headers = {"Cookie": self._cookie, "Content-Type": "application/json"}
        if self._token and not signing_in:
            headers["Authorization"] = f"Bearer {self._token}"
        request = urllib.request.Request(self._url + path, method=method, headers=headers,
                                         data=json.dumps(body).encode() if body is not None else None)
        try:
            with urllib.request.urlopen(request, timeout=CALL_TIMEOUT_S) as answer:
                return json.load(answer)
        except urllib.error.HTTPError as exc:
            if exc.code == 401 and not signing_in:
                self._token = None  # the session ended: sign in again next time
            raise

    def _sign_in(self) -> None:
        reply = self._request("POST", "/api/v1/staff/sessions", {"pin": self._pin, "device_id": self._device_id},
                              signing_in=True)
        self._token = reply["token"]


def crew_size(rate: float, menu: CatalogFile, rng: random.Random | None = None) -> dict[str, int]:
    """Return the cooks each kitchen station needs for `rate` orders a second of the traffic's orders.

    A station's load is the prep seconds its tickets bring per order (a ticket takes as long as its
    longest item), measured on simulated orders, times the rate: that many cooks are busy on average.
    """
    rng = rng or random.Random(1)
    items = {item.sku: item for item in menu.items}
    work: Counter[str] = Counter()
    origins = list(SENDERS.values())
    for _ in range(SAMPLE_ORDERS):
        ticket: dict[str, int] = {}
        for line in random_order(rng.choice(origins), menu, rng)["lines"]:
            item = items[line["sku"]]
            if item.bin is None:  # picked from a shelf, not cooked: the zone's picker sees to it
                ticket[item.station] = max(ticket.get(item.station, 0), item.prep_seconds)
        work.update(ticket)
    return {station: max(COOKS.get(station, OTHER_STATION_COOKS), math.ceil(rate * seconds / SAMPLE_ORDERS * SPARE))
            for station, seconds in work.items()}


def run(stop: threading.Event, kitchen: Kitchen, cashier: Cashier | None) -> None:
    """Work until stopped; a failed round is logged and tried again."""
    while not stop.is_set():
        try:
            kitchen.connect()
            break
        except socketio.exceptions.ConnectionError as exc:
            logger.warning("kitchen display cannot connect yet: %s", exc)
            stop.wait(LOOK_EVERY_S)
    try:
        while not stop.wait(LOOK_EVERY_S):
            for who in (kitchen, cashier):
                if who is None:
                    continue
                try:
                    who.work()
                except (OSError, ValueError, KeyError, socketio.exceptions.SocketIOError) as exc:
                    logger.warning("%s: %s", type(who).__name__.lower(), exc)
    finally:
        kitchen.close()


def main() -> None:
    """Enrol the kitchen display and the cashier's counter (or read their kept enrolments), then work."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-cashier", action="store_true", help="leave remote orders for a person to confirm")
    parser.add_argument("--rate", type=float, default=0.0, help="the traffic's orders a second, to staff the stations for")
    parser.add_argument("--menu", type=Path, help="the catalog JSON the traffic orders from (with --rate)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s crew %(message)s")
    logging.getLogger("socketio").setLevel(logging.WARNING)
    logging.getLogger("engineio").setLevel(logging.WARNING)
    url = hub_url()
    cooks = crew_size(args.rate, CatalogFile.model_validate_json(args.menu.read_text())) if args.menu else COOKS
    logger.info("cooks for %g orders a second: %s", args.rate, ", ".join(f"{s} {n}" for s, n in sorted(cooks.items())))
    kitchen = Kitchen(url, enrolment(KITCHEN_DEVICE)["cookie"], cooks=cooks)
    cashier = None if args.no_cashier else Cashier(url, CASHIER_DEVICE, enrolment(CASHIER_DEVICE)["cookie"], CASHIER_PIN)
    stop = threading.Event()
    # Ctrl+C reaches the whole demo: leave at once, so the hub's web server is not kept waiting for this socket.
    def leave(*_) -> None:
        logging.disable(logging.WARNING)  # the hub is stopping too: its refusals from now on are no news
        stop.set()

    signal.signal(signal.SIGTERM, leave)
    signal.signal(signal.SIGINT, leave)
    run(stop, kitchen, cashier)


if __name__ == "__main__":
    main()
