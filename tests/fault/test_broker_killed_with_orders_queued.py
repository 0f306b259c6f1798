"""Mosquitto SIGKILLed while orders wait in it for the hub: the hub restarts it, and every order arrives once.

The hub is frozen (SIGSTOP) so orders pile up in its persistent session at the broker; the
devices have their PUBACKs, so to them the orders are sent. Then the broker is killed. When
the hub thaws, its supervisor starts Mosquitto again on the same persistence file, the hub
reconnects to its session, and each queued order is stored once and answered.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.fault.books import PatientDevice, assert_once_each, stored_orders, wait_for
from tests.fault.test_crash_recovery import make_orders
from tests.support.hub_process import HubProcess

pytestmark = [pytest.mark.slow, pytest.mark.mosquitto]

DEVICES = 4
ORDERS_PER_DEVICE = 50
BROKER_SAVES_WITHIN_S = 2.0  # autosave_interval 1 with autosave_on_changes: on disk within a second
LOG_TAIL_CHARS = 5_000


@pytest.fixture
def hub(tmp_path: Path):
    hub = HubProcess(tmp_path / "hub")
    hub.prepare()
    hub.start()
    yield hub
    for pid in hub_pids(hub):  # never leave it frozen
        os.kill(pid, signal.SIGCONT)
    hub.stop()
    print(f"--- hub log (tail) ---\n{hub.log()[-LOG_TAIL_CHARS:]}")
    print(f"--- mosquitto log (tail) ---\n{_broker_log(hub)[-LOG_TAIL_CHARS:]}")


def hub_pids(hub: HubProcess) -> list[int]:
    """Return the gunicorn master and worker: the hub's process group without its Mosquitto."""
    group = hub._process.pid if hub._process is not None else None
    brokers = set(hub.broker_pids())
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat_fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat_fields[2]) == group and int(entry.name) not in brokers:  # field 5 of stat: the process group
            pids.append(int(entry.name))
    return pids


def test_orders_queued_in_mosquitto_survive_its_kill_and_reach_the_hub_once(hub: HubProcess):
    devices = [PatientDevice(hub.device_url(f"kiosk-{n}"), hub.store, f"kiosk-{n}") for n in range(1, DEVICES + 1)]
    try:
        warm_up = make_orders(DEVICES, seed=1)
        for device, order in zip(devices, warm_up):
            device.submit(order)
        wait_for(lambda: len(stored_orders(_db(hub))) == DEVICES, 30, "the hub does not take orders")
        broker_before = hub.broker_pids()
        frozen = hub_pids(hub)
        assert len(frozen) == 2, f"expected the gunicorn master and worker, found {frozen}"

        for pid in frozen:
            os.kill(pid, signal.SIGSTOP)
        orders = make_orders(DEVICES * ORDERS_PER_DEVICE, seed=2)
        for n, order in enumerate(orders):
            devices[n % DEVICES].submit(order)  # acknowledged by the broker, queued for the frozen hub
        assert len(stored_orders(_db(hub))) == DEVICES, "the frozen hub stored orders"
        time.sleep(BROKER_SAVES_WITHIN_S)
        for pid in broker_before:
            os.kill(pid, signal.SIGKILL)
        for pid in frozen:
            os.kill(pid, signal.SIGCONT)

        total = DEVICES + len(orders)
        wait_for(lambda: len(stored_orders(_db(hub))) >= total, 60,
                 lambda: f"{len(stored_orders(_db(hub)))} of {total} orders stored after the broker's restart")
        wait_for(lambda: all(all(n for n in d.numbers().values()) for d in devices), 30,
                 "devices still wait for replies")
        time.sleep(1.0)  # a duplicate would show up now
    finally:
        for device in devices:
            device.close()

    broker_after = hub.broker_pids()
    assert broker_after and set(broker_after).isdisjoint(broker_before), "the hub did not start a new Mosquitto"
    assert "Mosquitto exited" in hub.log() and "restarting it" in hub.log()
    told = {order_id: numbers for d in devices for order_id, numbers in d.numbers().items()}
    assert len(told) == DEVICES * (ORDERS_PER_DEVICE + 1)
    assert_once_each(_db(hub), told)
    assert [e for d in devices for e in d.errors()] == [], "error replies"
    health = hub.health()
    assert health is not None and health["checks"]["broker"]["ok"], health


def _db(hub: HubProcess) -> Path:
    return hub.data_dir / "passline.db"


def _broker_log(hub: HubProcess) -> str:
    path = hub.data_dir / "mosquitto" / "mosquitto.log"
    return path.read_text(errors="replace") if path.exists() else ""
