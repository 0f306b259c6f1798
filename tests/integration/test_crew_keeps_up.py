"""The demo's simulated crew keeps up with a burst of orders, against the real hub over Socket.IO.

The demo catalog with every prep time cut to a thirtieth (a latte in 5 s, a burger in 16 s) and the
pickers, expo and customers as quick, so a burst of a few orders a second, more than the demo's
`--traffic 1`, is over in a minute: no ticket waits for a cook, and every order is handed over.
"""

from __future__ import annotations

import json
import random
import sqlite3
import threading
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from devices.simulators import crew as crew_module
from devices.simulators.crew import crew_size, screens, work_at
from devices.simulators.traffic import random_order
from hub.contracts.catalog import CatalogFile
from hub.demo import DEMO_CATALOG
from tests.conftest import require_mosquitto
from tests.support.hub_process import HubProcess

pytestmark = pytest.mark.mosquitto

RATE = 3.0  # orders a second: three times the demo's `--traffic 1`
BURST_S = 15.0
FASTER = 30  # prep times cut to this fraction
LAG_S = 5.0  # a free cook (or picker) glancing twice a second starts a fired ticket within 3 s; 2 s more for a busy CI machine


@pytest.fixture
def served(tmp_path: Path):
    require_mosquitto()
    hub = HubProcess(tmp_path / "hub")
    hub.prepare()
    catalog = json.loads(DEMO_CATALOG.read_text())
    for item in catalog["items"]:
        item["prep_seconds"] = max(1, item["prep_seconds"] // FASTER)
    (tmp_path / "fast.json").write_text(json.dumps(catalog))
    hub.passline("catalog", "import", str(tmp_path / "fast.json"))
    hub.start()
    yield hub, CatalogFile.model_validate(catalog)
    hub.stop()


def display_cookie(hub: HubProcess) -> str:
    """Enrol the crew's kitchen display with a claim code, as the demo does; return its device cookie."""
    request = urllib.request.Request(f"{hub.base_url}/api/v1/devices/claim", method="POST",
                                     data=json.dumps({"code": hub.claim_code("crew", "display")}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        return reply.headers["Set-Cookie"].split(";")[0]


def test_the_crew_starts_every_ticket_at_once_and_hands_every_order_over(served, monkeypatch):
    hub, menu = served
    for name, seconds in (("PICK_UNIT_S", (1.0, 2.0)), ("EXPO_S", (0.5, 1.0)), ("COLLECT_S", (1.0, 2.0))):
        monkeypatch.setattr(crew_module, name, seconds)
    crew = crew_size(RATE, menu)
    zones = {item.station for item in menu.items if item.bin is not None}
    people = screens(hub.base_url, display_cookie(hub), crew, zones, random.Random(3))
    stop = threading.Event()
    threads = [threading.Thread(target=work_at, args=(member, stop), daemon=True) for member in people]
    for thread in threads:
        thread.start()
    try:
        rng = random.Random(7)
        accepted = []
        started = time.monotonic()
        while time.monotonic() - started < BURST_S:
            order = random_order(rng.choice(["kiosk", "counter"]), menu, rng)
            status, reply = hub.api("POST", "/api/v1/orders", order)
            if status in (200, 201):
                accepted.append(reply["order_id"])
            time.sleep(rng.expovariate(RATE))
        assert len(accepted) >= RATE * BURST_S / 2
        longest = max(item.prep_seconds for item in menu.items) * 1.2 + 15
        deadline = time.monotonic() + longest
        while time.monotonic() < deadline and _open(hub, accepted):
            time.sleep(1)
        assert _open(hub, accepted) == [], hub.log()[-3000:]
    finally:
        stop.set()
        for thread in threads:
            thread.join(15)
    assert _left_waiting(hub, crew) == []
    assert sum(member.done["start"] for member in people if isinstance(member, crew_module.Cooks)) > len(accepted)


def _open(hub: HubProcess, order_ids: list[str]) -> list[str]:
    with sqlite3.connect(f"file:{hub.data_dir / 'passline.db'}?mode=ro", uri=True) as db:
        done = {row[0] for row in db.execute("select order_id from orders where status = 'completed'")}
    return [order_id for order_id in order_ids if order_id not in done]


def _left_waiting(hub: HubProcess, crew: dict[str, int]) -> list[tuple[str, str, float]]:
    """Return the tickets that waited longer than LAG_S while one of their station's cooks (or pickers) was free.

    A ticket may wait when every cook is busy (arrivals bunch up); a cook is busy with a ticket from
    starting it to bumping it, a picker from walking to the first unit (the ticket starts with that
    unit picked) to packing.
    """
    with sqlite3.connect(f"file:{hub.data_dir / 'passline.db'}?mode=ro", uri=True) as db:
        rows = db.execute("select ticket_id, station, fired_at, started_at, done_at from tickets "
                          "where fired_at is not null and started_at is not null").fetchall()
    times = [(ticket, station, *(datetime.fromisoformat(t) if t else None for t in moments))
             for ticket, station, *moments in rows]

    def walk(station: str) -> timedelta:  # a picker walks to the first unit before the ticket shows started
        picking = crew_module.PICK_UNIT_S[1] + 2 * crew_module.LOOK_EVERY_S if station.startswith("pick-") else 0
        return timedelta(seconds=picking)

    waited = []
    for ticket, station, fired, started, _ in times:
        moment = fired + timedelta(seconds=LAG_S) + walk(station)
        if started <= moment:
            continue
        busy = sum(1 for _, at, _, start, done in times
                   if at == station and start - walk(at) <= moment and (done is None or done > moment))
        if busy < crew[station]:
            waited.append((station, ticket, (started - fired).total_seconds()))
    return waited
