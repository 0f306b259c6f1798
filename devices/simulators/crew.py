"""The demo's simulated staff: cooks at every station, expo, pickers, and a cashier who confirms remote orders.

Run by `passline demo --traffic RATE`. The crew works through the same doors people do: the kitchen
is a kitchen display enrolled with a claim code, with a screen of its own at every station, pick zone
and expo (devices/simulators/crew_screen.py: a Socket.IO connection on `/displays` that joins its view
and follows the hub's changes), where the crew starts, bumps, picks, packs, passes and hands over; the
cashier is a counter enrolled the same way, signed in with the demo cashier's PIN (HTTP
`/api/v1/incoming`, `confirm`). Each screen's crew works on a thread of its own, as people at different
stations do, so a busy station never keeps another waiting.

Each station has the cooks the traffic's rate needs and each pick zone the pickers (`crew_size`: the
work its tickets bring in a second, with a third to spare, never fewer than COOKS), so the kitchen keeps
up with `--rate`. A cook starts a fired ticket when one of the station's cooks is free and bumps it after
its prep time (the longest of its items, give or take a fifth); a picker takes an order, one unit off
the shelf every few seconds, and packs it when all are picked; expo passes an order once every station
is done; the customer collects it a little later.
"""

from __future__ import annotations

import argparse
import logging
import math
import random
import signal
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import socketio

from devices.simulators.crew_cashier import Cashier
from devices.simulators.crew_screen import Screen
from devices.simulators.enrolment import enrolment, hub_url
from devices.simulators.traffic import SENDERS, Shelf, random_order
from hub.contracts.catalog import CatalogFile
from hub.contracts.demo import CASHIER_DEVICE, CASHIER_PIN, KITCHEN_DEVICE

logger = logging.getLogger(__name__)

COOKS = {"bar": 6, "kitchen": 4, "grill": 3, "fryer": 2, "pastry": 2}  # people (or machines) per station, at least
OTHER_STATION_COOKS = 2
PICKERS = 1  # people per pick zone, at least
SPARE = 4 / 3  # crew beyond the average load: arrivals bunch up, and a ticket takes up to a fifth longer
SAMPLE_ORDERS = 3000  # simulated orders that measure what a second of traffic brings each station
STOCK_HOURS = 1.0  # stock that would not last this long at the rate counts as sold out: customers order the rest
PREP_SPREAD = (0.8, 1.2)  # a ticket takes its prep time give or take a fifth
PICK_UNIT_S = (3.0, 7.0)  # walking to the bin and scanning one unit; packing an order takes as long
EXPO_S = (2.0, 6.0)  # expo checks an order whose stations are all done
COLLECT_S = (15.0, 60.0)  # the customer (or driver) collects a ready order
LOOK_EVERY_S = 0.5  # each crew member glances at the screen this often (reading it costs the hub nothing)
CASHIER_LOOKS_EVERY_S = 2.0  # the cashier reads the incoming list from the hub
SETTLE_S = 10.0  # an action answered ok whose change has not shown by then: the screen looks again
REPORT_EVERY_S = 300.0  # how often the crew says in the log what it has done


class Crew:
    """The people at one screen; `work` does what is due on it now."""

    def __init__(self, screen: Screen, rng: random.Random) -> None:
        self.screen = screen
        self._rng = rng
        self._acted: dict[str, tuple[int, float]] = {}  # card key -> (version it was acted on, when)
        self.done: Counter[str] = Counter()  # what the crew did, by action kind

    def work(self) -> None:
        """Look at the screen and do what is due."""
        raise NotImplementedError

    def _settled(self, key: str, version: int) -> bool:
        """Say whether the screen shows what came after this crew's last action on the card."""
        acted = self._acted.get(key)
        if acted is None or version > acted[0]:
            self._acted.pop(key, None)
            return True
        if time.monotonic() - acted[1] > SETTLE_S:
            self._acted.pop(key, None)
            self.screen.look_again()
        return False

    def _due(self, card: dict) -> bool:
        # A later-starting ticket waits: the hub fires it so the order finishes together.
        return not card["fire_at"] or datetime.fromisoformat(card["fire_at"]) <= self.screen.now()

    def _act(self, key: str, version: int, kind: str, card: dict, **fields) -> bool:
        answer = self.screen.act(kind, card, **fields)
        if not answer.get("ok"):
            logger.info("%s on order %s refused: %s", kind, card.get("number"), answer.get("reason"))
            return False
        self._acted[key] = (version, time.monotonic())
        self.done[kind] += 1
        return True

    def _forget(self, keys: set[str], *tables: dict) -> None:
        for table in (self._acted, *tables):
            for key in [key for key in table if key not in keys]:
                del table[key]


class Cooks(Crew):
    """A station's cooks: each starts the next fired ticket when free and bumps it after its prep time."""

    def __init__(self, screen: Screen, cooks: int, rng: random.Random) -> None:
        super().__init__(screen, rng)
        self.cooks = cooks
        self._finish: dict[str, float] = {}  # ticket -> when its cook is done

    def work(self) -> None:
        """Bump what is ready, then start fired tickets in queue order while a cook is free."""
        cards = self.screen.cards()
        now = time.monotonic()
        self._forget({card["ticket_id"] for card in cards}, self._finish)
        busy = 0
        waiting = []
        for card in cards:
            key = card["ticket_id"]
            if not self._settled(key, card["version"]):
                busy += key in self._finish
                continue
            if card["cancelled"]:
                self._finish.pop(key, None)
                self._act(key, card["version"], "bump", card)  # seen: it leaves the screen
            elif card["status"] == "started":
                finish = self._finish.setdefault(key, now + card["prep_s"] * self._rng.uniform(*PREP_SPREAD))
                if now < finish:
                    busy += 1
                elif self._act(key, card["version"], "bump", card):
                    self._finish.pop(key, None)
            elif card["status"] in ("queued", "fired") and not card["held"] and self._due(card):
                waiting.append(card)
        for card in waiting[:max(0, self.cooks - busy)]:
            if self._act(card["ticket_id"], card["version"], "start", card):
                self._finish[card["ticket_id"]] = now + card["prep_s"] * self._rng.uniform(*PREP_SPREAD)


class Pickers(Crew):
    """A pick zone's pickers: each takes the next order, picks it a unit at a time, and packs it."""

    def __init__(self, screen: Screen, pickers: int, rng: random.Random) -> None:
        super().__init__(screen, rng)
        self.pickers = pickers
        self._next: dict[str, float] = {}  # ticket a picker has in hand -> when the next unit (or the pack) is done

    def work(self) -> None:
        """Take orders while a picker is free; pick the next unit, or pack, of each order in hand when it is due."""
        cards = self.screen.cards()
        now = time.monotonic()
        self._forget({card["ticket_id"] for card in cards}, self._next)
        for card in cards:  # in queue order
            key = card["ticket_id"]
            if not self._settled(key, card["version"]):
                continue
            if card["cancelled"]:
                self._next.pop(key, None)
                self._act(key, card["version"], "bump", card)
            elif card["status"] not in ("queued", "fired", "started") or card["held"] or not self._due(card):
                self._next.pop(key, None)  # packed (it stays listed until handed over), held, or for later
            elif key in self._next or len(self._next) < self.pickers:
                if now >= self._next.setdefault(key, now + self._rng.uniform(*PICK_UNIT_S)):
                    self._step(key, card, now)

    def _step(self, key: str, card: dict, now: float) -> None:
        left = [item for item in card["items"] if item["picked"] < item["qty"]]
        if left:
            if self._act(key, card["version"], "pick", card, line_no=left[0]["line_no"], sku=left[0]["sku"]):
                self._next[key] = now + self._rng.uniform(*PICK_UNIT_S)
        elif self._act(key, card["version"], "pack", card):
            self._next.pop(key, None)


class Expo(Crew):
    """Expo passes an order once every station is done; the customer collects it a little later."""

    def __init__(self, screen: Screen, rng: random.Random) -> None:
        super().__init__(screen, rng)
        self._due: dict[str, float] = {}

    def work(self) -> None:
        """Pass and hand over what is due."""
        rows = self.screen.cards()
        now = time.monotonic()
        self._forget({f"{row['order_id']}:{row['status']}" for row in rows}, self._due)
        for row in rows:
            key = f"{row['order_id']}:{row['status']}"
            if not self._settled(key, 0):
                continue  # passed or handed over: the row changes or leaves when the hub says so
            if row["status"] == "ready":
                if now >= self._due.setdefault(key, now + self._rng.uniform(*COLLECT_S)):
                    self._act(key, 0, "hand_over", row)
            elif row["all_done"]:
                if now >= self._due.setdefault(key, now + self._rng.uniform(*EXPO_S)):
                    self._act(key, 0, "expo_bump", row)


def crew_size(rate: float, menu: CatalogFile, rng: random.Random | None = None) -> dict[str, int]:
    """Return the cooks each kitchen station, and the pickers each pick zone, needs for `rate` orders a second.

    A station's load is the prep seconds its tickets bring per order (a ticket takes as long as its
    longest item), a pick zone's the seconds its units and the packing take, measured on simulated
    orders, times the rate: that many people are busy on average. The orders are those customers place
    once the items with little stock are sold out (the decaf beans and the grinders, within minutes at
    an order a second): they order more of the rest, and the kitchen gets more to do.
    """
    rng = rng or random.Random(1)
    items = {item.sku: item for item in menu.items}
    work: Counter[str] = Counter()
    origins = list(SENDERS.values())
    unit_s = sum(PICK_UNIT_S) / 2
    shelf = Shelf()
    shelf.update({"sold_out": sorted(selling_out(rate, menu, rng))})  # customers then order more of the rest
    for _ in range(SAMPLE_ORDERS):
        ticket: dict[str, float] = {}
        for line in random_order(rng.choice(origins), menu, rng, shelf)["lines"]:
            bundle = items[line["sku"]]
            # A bundle (the burger meal) is made as its parts, each at its own station.
            for sku, qty in [(part.sku, part.qty) for part in bundle.parts] or [(bundle.sku, 1)]:
                item = items[sku]
                if item.bin is None:
                    ticket[item.station] = max(ticket.get(item.station, 0), item.prep_seconds)
                else:  # picked from a shelf a unit at a time, then packed
                    ticket[item.station] = ticket.get(item.station, unit_s) + line["qty"] * qty * unit_s
        work.update(ticket)
    least = {item.station: PICKERS for item in menu.items if item.bin is not None}
    return {station: max(least.get(station, COOKS.get(station, OTHER_STATION_COOKS)),
                         math.ceil(rate * seconds / SAMPLE_ORDERS * SPARE))
            for station, seconds in work.items()}


def selling_out(rate: float, menu: CatalogFile, rng: random.Random) -> set[str]:
    """Return the items whose stock would not last STOCK_HOURS of the traffic's orders at `rate` orders a second."""
    units: Counter[str] = Counter()
    origins = list(SENDERS.values())
    for _ in range(SAMPLE_ORDERS):
        for line in random_order(rng.choice(origins), menu, rng)["lines"]:
            units[line["sku"]] += line["qty"]
    orders = rate * 3600 * STOCK_HOURS
    return {stock.sku for stock in menu.stock if stock.on_hand < units[stock.sku] * orders / SAMPLE_ORDERS}


def screens(url: str, cookie: str, crew: dict[str, int], pick_zones: set[str], rng: random.Random) -> list[Crew]:
    """Return the crew at expo and at a screen of each station and pick zone."""
    people: list[Crew] = [Expo(Screen(url, cookie, "expo"), random.Random(rng.random()))]
    for station, count in sorted(crew.items()):
        screen, own = Screen(url, cookie, f"kds:{station}"), random.Random(rng.random())
        people.append(Pickers(screen, count, own) if station in pick_zones else Cooks(screen, count, own))
    return people


def work_at(crew: Crew | Cashier, stop: threading.Event, every: float = LOOK_EVERY_S) -> None:
    """Connect the crew's screen (if it has one) and work until stopped; a failed look is logged and tried again."""
    screen = getattr(crew, "screen", None)
    while screen is not None and not stop.is_set():
        try:
            screen.connect()
            break
        except socketio.exceptions.ConnectionError as exc:
            logger.warning("%s cannot connect yet: %s", screen.view, exc)
            stop.wait(1.0)
    try:
        while not stop.wait(every):
            try:
                crew.work()
            except (OSError, ValueError, KeyError, socketio.exceptions.SocketIOError) as exc:
                logger.warning("%s: %s", screen.view if screen else type(crew).__name__.lower(), exc)
                stop.wait(1.0)
    finally:
        if screen is not None:
            screen.close()


def run(stop: threading.Event, crew: list[Crew], cashier: Cashier | None) -> None:
    """Work every screen (and the cashier) on a thread of its own until stopped."""
    threads = [threading.Thread(target=work_at, args=(member, stop), name=member.screen.view, daemon=True)
               for member in crew]
    if cashier is not None:
        threads.append(threading.Thread(target=work_at, args=(cashier, stop, CASHIER_LOOKS_EVERY_S),
                                        name="cashier", daemon=True))
    for thread in threads:
        thread.start()
    while not stop.wait(REPORT_EVERY_S):
        done = sum((member.done for member in crew), Counter())
        logger.info("crew so far: %s; %d snapshots", ", ".join(f"{kind} {n}" for kind, n in sorted(done.items())),
                    sum(member.screen.snapshots for member in crew))
    for thread in threads:
        thread.join()


def main() -> None:
    """Enrol the kitchen display and the cashier's counter (or read their kept enrolments), then work."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-cashier", action="store_true", help="leave remote orders for a person to confirm")
    parser.add_argument("--rate", type=float, default=0.0, help="the traffic's orders a second, to staff the stations for")
    parser.add_argument("--menu", type=Path, required=True, help="the catalog JSON the traffic orders from")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s crew %(message)s")
    logging.getLogger("socketio").setLevel(logging.WARNING)
    logging.getLogger("engineio").setLevel(logging.WARNING)
    url = hub_url()
    menu = CatalogFile.model_validate_json(args.menu.read_text())
    crew = crew_size(args.rate, menu)
    pick_zones = {item.station for item in menu.items if item.bin is not None}
    logger.info("crew for %g orders a second: %s", args.rate, ", ".join(
        f"{s} {n} {'pickers' if s in pick_zones else 'cooks'}" for s, n in sorted(crew.items())))
    rng = random.Random()
    people = screens(url, enrolment(KITCHEN_DEVICE)["cookie"], crew, pick_zones, rng)
    cashier = None if args.no_cashier else Cashier(url, CASHIER_DEVICE, enrolment(CASHIER_DEVICE)["cookie"], CASHIER_PIN)
    stop = threading.Event()
    # Ctrl+C reaches the whole demo: leave at once, so the hub's web server is not kept waiting for these sockets.
    def leave(*_) -> None:
        logging.disable(logging.WARNING)  # the hub is stopping too: its refusals from now on are no news
        stop.set()

    signal.signal(signal.SIGTERM, leave)
    signal.signal(signal.SIGINT, leave)
    run(stop, people, cashier)


if __name__ == "__main__":
    main()
