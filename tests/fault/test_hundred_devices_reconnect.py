"""100 devices, each with its own broker login, reconnect at once after Mosquitto is killed mid-stream.

The hub's supervisor starts the broker again; the devices (well-written kiosks: they send
the same envelope again when no reply comes) and the hub all come back within a second or
two of each other. Every order ends up stored once, with the number its device was told.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.fault.books import assert_once_each, stored_orders, wait_for
from tests.fault.test_crash_recovery import make_orders
from tests.support.hub_process import HubProcess, running_hub
from tests.support.publishers import Fleet

pytestmark = [pytest.mark.slow, pytest.mark.mosquitto]

DEVICES = 100
ORDERS = 600
WINDOW = 3  # orders in flight per device: 300 in all at the moment of the kill
KILL_AFTER_REPLIES = 200
ALL_REPLIES_TIMEOUT_S = 120
LOG_TAIL_CHARS = 5_000


@pytest.fixture
def hub(tmp_path: Path):
    with running_hub(tmp_path / "hub", log_tail_chars=LOG_TAIL_CHARS) as hub:
        yield hub


def test_a_hundred_devices_reconnect_at_once_and_nothing_is_lost_or_doubled(hub: HubProcess):
    fleet = Fleet(hub.device_url, hub.store, make_orders(ORDERS, seed=100), devices=DEVICES, window=WINDOW)
    try:
        fleet.start()
        assert fleet.wait_answered(KILL_AFTER_REPLIES, 60), f"the hub is slow to answer: {fleet.summary()}"
        connected = {p.device_id: p.connects for p in fleet.publishers}
        assert all(n == 1 for n in connected.values()), connected

        broker = hub.broker_pids()
        for pid in broker:
            os.kill(pid, signal.SIGKILL)
        killed_at = time.monotonic()
        wait_for(lambda: all(p.connects >= 2 for p in fleet.publishers), 60,
              lambda: f"devices not back: {[p.device_id for p in fleet.publishers if p.connects < 2]}")
        all_back_s = time.monotonic() - killed_at
        assert fleet.wait_answered(ORDERS, ALL_REPLIES_TIMEOUT_S), f"orders without a reply: {fleet.summary()}"
        time.sleep(1.0)  # a late duplicate would show up now
    finally:
        fleet.stop()

    summary = fleet.summary()
    print(f"--- fleet --- {summary}; all {DEVICES} devices back {all_back_s:.1f} s after the kill")
    assert hub.broker_pids() and set(hub.broker_pids()).isdisjoint(broker), "Mosquitto was not restarted"
    records = fleet.records()
    assert_once_each(hub.data_dir / "passline.db", {i: r.numbers for i, r in records.items()})
    assert len(stored_orders(hub.data_dir / "passline.db")) == ORDERS
    assert [i for i, r in records.items() if r.errors] == [], "orders that got an error reply"
    assert [p.stray_replies for p in fleet.publishers if p.stray_replies] == [], "replies to nothing a device sent"
    health = hub.health()
    assert health is not None and health["checks"]["broker"]["ok"], health

