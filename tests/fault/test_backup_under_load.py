"""A backup taken while orders pour in over MQTT and HTTP restores into a hub that has every order confirmed before it.

`passline backup` copies the SQLite database inside one read transaction while the hub keeps
committing; `passline restore` refuses while a hub runs on the database, and a hub started on
a new data folder holding the restored copy answers for every order that was confirmed
before the backup began, with the number its sender was told.
"""

from __future__ import annotations

import re
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest

from tests.fault.test_crash_recovery import make_orders
from tests.support.devices import TestDevice, order_data
from tests.support.hub_process import PASSLINE, HubProcess, running_hub
from tests.support.publishers import Fleet

pytestmark = [pytest.mark.slow, pytest.mark.mosquitto]

MQTT_ORDERS = 600
DEVICES = 3
ANSWERED_BEFORE_BACKUP = 150  # MQTT orders confirmed before the backup starts: it is taken mid-stream
HTTP_BEFORE_BACKUP = 20
ALL_ANSWERED_TIMEOUT_S = 120
LOG_TAIL_CHARS = 4_000


class HttpSender:
    """An integration posting orders one after another over HTTP until stopped, noting each confirmed one."""

    def __init__(self, hub: HubProcess) -> None:
        self.hub = hub
        self.sent: list[str] = []
        self.confirmed: dict[str, str] = {}  # order id -> number, once the hub answered 201
        self.failures: list[tuple[int, dict]] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="http-orders", daemon=True)

    def start(self) -> None:
        """Sign in (once, before the thread shares the cookie) and start posting."""
        self.hub.api("GET", "/api/v1/queue")
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            data = order_data(origin="web", fulfilment="pickup")
            with self._lock:
                self.sent.append(data["order_id"])
            status, body = self.hub.api("POST", "/api/v1/orders", data)
            with self._lock:
                if status == 201:
                    self.confirmed[data["order_id"]] = body["number"]
                else:
                    self.failures.append((status, body))

    def snapshot(self) -> dict[str, str]:
        """Return the orders confirmed so far."""
        with self._lock:
            return dict(self.confirmed)

    def stop(self) -> None:
        """Stop after the order in flight."""
        self._stop.set()
        self._thread.join(15)


@pytest.fixture
def hub(tmp_path: Path):
    """A running hub with its own supervised Mosquitto, as `passline serve` runs it."""
    with running_hub(tmp_path / "hub", log_tail_chars=LOG_TAIL_CHARS) as hub:
        yield hub


def confirmed_mqtt(fleet: Fleet) -> dict[str, str]:
    """Return the MQTT orders whose order.accepted reply has arrived, with the number it gave."""
    return {order_id: r.numbers[0] for order_id, r in fleet.records().items() if r.numbers}


def test_a_backup_under_load_restores_into_a_hub_with_every_order_confirmed_before_it(hub: HubProcess, tmp_path: Path):
    fleet = Fleet(hub.device_url, hub.store, make_orders(MQTT_ORDERS, seed=15), devices=DEVICES)
    http = HttpSender(hub)
    fleet.start()
    http.start()
    try:
        assert fleet.wait_answered(ANSWERED_BEFORE_BACKUP, 60), f"the hub is not taking MQTT orders: {fleet.summary()}"
        _wait(lambda: len(http.snapshot()) >= HTTP_BEFORE_BACKUP, 60, "the hub is not taking HTTP orders")

        pager_url = hub.device_url("pager-1")  # enrolled before the backup: its broker login must survive a restore
        before = {**confirmed_mqtt(fleet), **http.snapshot()}
        printed = hub.passline("backup", "--to", str(tmp_path / "backups"), "--keep", "3")
        after = {**confirmed_mqtt(fleet), **http.snapshot()}

        refused = _run_passline(hub.env, "restore", _backup_path(printed))
        assert fleet.wait_answered(MQTT_ORDERS, ALL_ANSWERED_TIMEOUT_S), f"orders lost after the backup: {fleet.summary()}"
    finally:
        http.stop()
        fleet.stop()
    backup = Path(_backup_path(printed))

    assert refused.returncode == 1
    assert "not restored: the hub is running" in refused.stderr and "Stop it first" in refused.stderr
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert re.fullmatch(rf"passline-{hub.store}-\d{{8}}T\d{{6}}Z\.sqlite", backup.name)

    in_backup = _orders_in(backup)
    sent = set(fleet.records()) | set(http.sent)
    assert sorted(set(before) - set(in_backup)) == [], "orders confirmed before the backup are missing from it"
    assert sorted(set(in_backup) - sent) == [], "the backup holds orders nobody sent"
    assert {i: in_backup[i] for i in before} == before, "the backup gives an order another number than its sender was told"
    total_confirmed = len(confirmed_mqtt(fleet)) + len(http.snapshot())
    assert len(in_backup) < total_confirmed, "the backup was not taken while orders were still coming in"
    assert len(after) >= len(before)
    assert [n for n, k in Counter(in_backup.values()).items() if k > 1] == [], "numbers given twice in the backup"
    assert _orders_without_lines_or_tickets(backup) == [], "the backup caught an order half written"
    assert http.failures == []
    print(f"--- backup --- {len(before)} orders confirmed before it, {len(in_backup)} in it, {total_confirmed} in all")

    restored = HubProcess(tmp_path / "restored")
    restored.data_dir.mkdir(mode=0o700)
    said = restored.passline("restore", str(backup))
    assert f"restored {backup} into {restored.data_dir / 'passline.db'}" in said
    assert f"put back from the backup into {restored.data_dir}: mosquitto/dynsec.json, mosquitto/hub-logins.json, " \
           "receipt_secret" in said
    assert (restored.data_dir / "receipt_secret").read_bytes() == (hub.data_dir / "receipt_secret").read_bytes()
    assert stat.S_IMODE((restored.data_dir / "receipt_secret").stat().st_mode) == 0o600
    restored.start()
    try:
        answers = {order_id: restored.api("GET", f"/api/v1/orders/{order_id}") for order_id in before}
        pager = TestDevice(pager_url.replace(f":{hub.broker_port}", f":{restored.broker_port}"), restored.store, "pager-1")
        try:
            pager.submit(order_data())
            reply = pager.reply()
        finally:
            pager.close()
    finally:
        restored.stop()
    assert reply["type"] == "order.accepted", "a device enrolled before the backup cannot order from the restored hub"
    missing = sorted(order_id for order_id, (status, _) in answers.items() if status != 200)
    assert missing == [], "the hub started on the restored backup does not know these confirmed orders"
    assert {order_id: body["number"] for order_id, (_, body) in answers.items()} == before
    assert len(_orders_in(restored.data_dir / "passline.db")) == len(in_backup) + 1  # and the pager's
    with closing(sqlite3.connect(restored.data_dir / "passline.db")) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "passline_backup_files" not in tables, "the backup's copy of the store files stayed in the database"


def test_restore_refuses_a_file_that_is_not_a_backup_and_leaves_the_database_alone(tmp_path: Path):
    hub = HubProcess(tmp_path / "hub")
    hub.prepare()
    before = (hub.data_dir / "passline.db").read_bytes()
    stray = tmp_path / "orders.csv"
    stray.write_text("order_id,number\n")
    refused = _run_passline(hub.env, "restore", str(stray))
    assert (refused.returncode, refused.stderr.strip()) == (
        1, f"passline: not restored: {stray} is neither an SQLite database nor a pg_dump file: not a Passline backup")
    other_store = tmp_path / "passline-berlin-1-20261207T031500Z.sqlite"
    hub.passline("backup", "--to", str(tmp_path / "own"))
    own = next((tmp_path / "own").iterdir())
    other_store.write_bytes(own.read_bytes())
    refused = _run_passline(hub.env, "restore", str(other_store))
    assert refused.returncode == 1 and "is a backup of store 'berlin-1', this hub is store 'test'" in refused.stderr
    assert (hub.data_dir / "passline.db").read_bytes() == before


def test_backup_keeps_only_the_newest_n_of_this_store(tmp_path: Path):
    hub = HubProcess(tmp_path / "hub")
    hub.prepare()
    folder = tmp_path / "backups"
    folder.mkdir()
    old = [folder / f"passline-test-2026120{day}T031500Z.sqlite" for day in range(1, 5)]
    neighbour = folder / "passline-berlin-1-20261201T031500Z.sqlite"
    for path in (*old, neighbour):
        path.write_bytes(b"")
    said = hub.passline("backup", "--to", str(folder), "--keep", "2")
    kept = sorted(p.name for p in folder.iterdir())
    newest = _backup_path(said)
    assert kept == sorted([neighbour.name, old[-1].name, Path(newest).name])
    assert said.count("deleted older backup") == 3


def _orders_in(database: Path) -> dict[str, str]:
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        return dict(db.execute("SELECT order_id, number FROM orders").fetchall())


def _orders_without_lines_or_tickets(database: Path) -> list[str]:
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        return [row[0] for row in db.execute(
            "SELECT order_id FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.order_id)"
            " OR NOT EXISTS (SELECT 1 FROM tickets t WHERE t.order_id = o.order_id)")]


def _backup_path(printed: str) -> str:
    match = re.search(r": (/\S+\.sqlite) \(", printed)
    assert match, f"the backup command did not name its file: {printed!r}"
    return match.group(1)


def _run_passline(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PASSLINE, *args], env=env, capture_output=True, text=True, timeout=60)


def _wait(check, timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, message
        time.sleep(0.05)


def test_restore_refuses_while_another_process_holds_the_database_open(tmp_path: Path):
    hub = HubProcess(tmp_path / "hub")
    hub.prepare()
    hub.passline("backup", "--to", str(tmp_path / "backups"))
    backup = next((tmp_path / "backups").iterdir())
    database = hub.data_dir / "passline.db"
    holder = subprocess.Popen([sys.executable, "-c", "import sqlite3, sys, time; db = sqlite3.connect(sys.argv[1]); "
                               "db.execute('SELECT count(*) FROM orders').fetchall(); print('open', flush=True); time.sleep(60)",
                               str(database)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        refused = _run_passline(hub.env, "restore", str(backup))  # nothing answers on the hub's port
    finally:
        holder.kill()
        holder.wait()
    assert refused.returncode == 1
    assert f"not restored: the hub is running (process {holder.pid} (python" in refused.stderr
    assert _run_passline(hub.env, "restore", str(backup)).returncode == 0


def test_a_hub_on_https_is_seen_running_and_its_store_ca_travels_with_the_backup(tmp_path: Path):
    hub = HubProcess(tmp_path / "hub")
    hub.prepare()
    hub.passline("tls", "init")
    hub.start()
    try:
        hub.passline("backup", "--to", str(tmp_path / "backups"))
        backup = next((tmp_path / "backups").iterdir())
        refused = _run_passline(hub.env, "restore", str(backup))
    finally:
        hub.stop()
    assert refused.returncode == 1
    assert f"not restored: the hub is running (it answers at https://127.0.0.1:{hub.https_port}/api/v1/live)" \
        in refused.stderr

    elsewhere = HubProcess(tmp_path / "new-machine")
    elsewhere.data_dir.mkdir(mode=0o700)
    said = elsewhere.passline("restore", str(backup))
    tls_files = ["tls/ca.crt", "tls/ca.key", "tls/hub.crt", "tls/hub.key"]
    assert all(name in said for name in tls_files), said
    for name in tls_files:
        assert (elsewhere.data_dir / name).read_bytes() == (hub.data_dir / name).read_bytes()
        assert stat.S_IMODE((elsewhere.data_dir / name).stat().st_mode) & 0o077 == 0, name
