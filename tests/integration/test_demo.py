"""`passline demo` starts a whole café: database, catalog, broker, hub, and traffic on request."""

from __future__ import annotations

import json
import re
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
import uuid
from datetime import datetime
from pathlib import Path

from tests.fault.test_no_process_left_behind import wait_until_gone
from tests.support.hub_process import free_port

PASSLINE = str(Path(sys.executable).with_name("passline"))


def _owner(output: str) -> tuple[str, str]:
    """Return the owner's name and password as the banner shows them once."""
    found = re.search(r"Owner sign-in +(\S+) / (\S+)", output)
    if not found:
        raise OSError("the demo has not printed its banner yet")  # the callers' loops wait and try again
    return found.group(1), found.group(2)


def _get(url: str, cookie: str):
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=2) as response:
        return json.load(response)


def _sign_in(http_port: int, output: str) -> str:
    """Sign in as the demo's owner with the password its banner showed; return the session cookie."""
    username, password = _owner(output)
    request = urllib.request.Request(f"http://127.0.0.1:{http_port}/api/v1/sessions", method="POST",
                                     data=json.dumps({"username": username, "password": password}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.headers["Set-Cookie"].split(";")[0]


def test_demo_prints_where_to_look_and_takes_simulated_orders_from_every_origin(tmp_path):
    http_port, broker_port = free_port(), free_port()
    env = {**os.environ, "PASSLINE_DATA_DIR": str(tmp_path / "data"), "PASSLINE_HTTP_PORT": str(http_port),
           "PASSLINE_BROKER_PORT": str(broker_port), "PASSLINE_HTTP_HOST": "127.0.0.1"}
    env.pop("PASSLINE_MQTT_URL", None)
    log = (tmp_path / "demo.log").open("w+")
    demo = subprocess.Popen([PASSLINE, "demo", "--traffic", "20"], env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        origins: set[str] = set()
        devices: list[dict] = []
        deadline = time.monotonic() + 60
        cookie = None
        while time.monotonic() < deadline and (len(origins) < 6 or len(devices) < 8):
            time.sleep(0.5)
            try:
                if cookie is None:
                    log.seek(0)
                    cookie = _sign_in(http_port, log.read())
                # Remote orders wait at the counter first (the demo confirms them there): count both lists.
                origins |= {o["origin"] for o in _get(f"http://127.0.0.1:{http_port}/api/v1/queue", cookie)["orders"]}
                origins |= {o["origin"] for o in _get(f"http://127.0.0.1:{http_port}/api/v1/incoming", cookie)["orders"]}
                devices = [d for d in _get(f"http://127.0.0.1:{http_port}/api/v1/devices", cookie)["devices"] if d["online"]]
            except OSError:
                continue
        log.seek(0)
        output = log.read()
        assert origins == {"kiosk", "counter", "app", "web", "phone", "marketplace"}, output[-3000:]
        # Each simulated device enrolled with its own claim code, and is online with the login it got.
        assert {d["device_id"] for d in devices} >= {"sim-kiosk", "sim-counter", "gateway-marketplace", "demo-printers",
                                                      "demo-terminal"}
        assert "claim code made for sim-kiosk as gateway" in output and "device sim-kitchen enrolled as display" in output
        assert f"Admin and health  http://127.0.0.1:{http_port}/admin" in output
        assert f"Order-ready board http://127.0.0.1:{http_port}/displays/board" in output
        board = urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{http_port}/displays/board",
                                                              headers={"Cookie": cookie}), timeout=5).read().decode()
        assert "Ready" in board
        anonymous = urllib.request.urlopen(f"http://127.0.0.1:{http_port}/displays/board", timeout=5)
        assert anonymous.url.endswith("/pair?next=/displays/board")  # an unpaired screen is asked for its code
        assert f"MQTT broker       mqtt://127.0.0.1:{broker_port}" in output
        assert "24 catalog items" in output
        # Store IT's commands, run from the checkout beside the running demo, look at the demo's store.
        beside = {k: v for k, v in env.items() if k != "PASSLINE_DATA_DIR"}
        doctor = subprocess.run([PASSLINE, "doctor"], env=beside, cwd=tmp_path, capture_output=True, text=True,
                                timeout=60)
        assert f"using the demo's data folder {tmp_path / 'data'}" in doctor.stderr
        assert "OK    database" in doctor.stdout and "schema" in doctor.stdout
        assert f"OK    hub       running at http://127.0.0.1:{http_port}, connected to its broker" in doctor.stdout
        routes = subprocess.run([PASSLINE, "printers", "list"], env=beside, cwd=tmp_path, capture_output=True,
                                text=True, timeout=60)
        assert "demo-printers:kitchen" in routes.stdout and "Traceback" not in routes.stderr
    finally:
        os.killpg(demo.pid, signal.SIGTERM)
        demo.wait(20)


def _start_demo(tmp_path: Path, name: str, *args: str, data_dir: Path | None = None):
    """Start `passline demo` on free ports; return (process, log file, http port)."""
    http_port = free_port()
    env = {**os.environ, "PASSLINE_DATA_DIR": str(data_dir or tmp_path / "data"), "PASSLINE_HTTP_PORT": str(http_port),
           "PASSLINE_BROKER_PORT": str(free_port()), "PASSLINE_HTTP_HOST": "127.0.0.1"}
    env.pop("PASSLINE_MQTT_URL", None)
    log = (tmp_path / f"{name}.log").open("w+")
    demo = subprocess.Popen([PASSLINE, "demo", *args], env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    return demo, log, http_port


def _wait_for(check, what: str, log, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = check()
        except (OSError, sqlite3.Error):  # not up yet
            found = None
        if found:
            return found
        time.sleep(1)
    log.seek(0)
    raise AssertionError(f"{what} did not happen within {timeout:.0f} s\n{log.read()[-4000:]}")


def _ctrl_c(demo: subprocess.Popen) -> None:
    """Press Ctrl+C, as in a terminal: SIGINT to the demo and all it started."""
    os.killpg(demo.pid, signal.SIGINT)
    demo.wait(30)


def _rows(db: Path, query: str) -> list[tuple]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        return connection.execute(query).fetchall()


def test_the_simulated_kitchen_starts_bumps_passes_and_hands_over_at_the_items_prep_times(tmp_path):
    demo, log, http_port = _start_demo(tmp_path, "kitchen", "--traffic", "2")
    db = tmp_path / "data" / "passline.db"
    try:
        # Pastry tickets take 20-30 s, expo a few seconds, the customer 15-60 s to collect: an order is handed over.
        _wait_for(lambda: _rows(db, "select count(*) from orders where status = 'completed'")[0][0] > 0,
                  "an order handed over by the simulated crew", log, timeout=300)
        done = _wait_for(lambda: _rows(db, """
            select t.station, (julianday(t.done_at) - julianday(t.started_at)) * 86400, max(l.prep_seconds)
            from tickets t join order_lines l on l.order_id = t.order_id and l.station = t.station
            where t.status = 'done' and t.station not like 'pick-%' group by t.ticket_id"""),
            "a station bumping a ticket", log, timeout=300)
        for station, took, prep in done:  # started, then bumped after the ticket's prep time (give or take a fifth)
            assert 0.75 * prep - 3 <= took <= 1.25 * prep + 10, (station, took, prep)
        log.seek(0)
        output = log.read()
        assert "Sam signed in at sim-cashier" in output  # the simulated cashier confirms remote orders
        _wait_for(lambda: _rows(db, "select count(*) from orders where origin in ('app', 'web', 'phone', 'marketplace') "
                                    "and status != 'received'")[0][0] > 0, "a remote order confirmed", log)
        assert "Traceback" not in output
    finally:
        _ctrl_c(demo)
        log.seek(0)
        tail = log.read()[-3000:]
    assert "Passline demo stopped." in tail and "Traceback" not in tail and "SIGKILL" not in tail, tail


LOG_STAMP = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")  # how the demo and its devices date their lines


def test_ctrl_c_stops_the_demo_and_everything_it_started_with_one_line(tmp_path):
    demo, log, http_port = _start_demo(tmp_path, "stop", "--traffic", "0.1")
    printed = tmp_path / "stop.log"
    try:  # the hub, its Mosquitto, the printers, the terminal, the crew (signed in) and the senders (an order in)
        _wait_for(lambda: all(line in printed.read_text() for line in (
            "agent demo-printers connected", "agent demo-terminal connected", "Sam signed in at sim-cashier",
            "gateway-marketplace enrolled as gateway")) and re.search(r"traffic \S+: order A\d+ accepted",
                                                                      printed.read_text()),
                  "the demo running with traffic", log, timeout=120)
    except BaseException:
        os.killpg(demo.pid, signal.SIGKILL)
        raise
    before = len(printed.read_bytes())
    pressed = datetime.now()
    _ctrl_c(demo)
    after = printed.read_bytes()[before:].decode()
    said = [line for line in after.splitlines()  # leaving out what was written before the key was pressed
            if not ((stamp := LOG_STAMP.match(line)) and datetime.strptime(stamp[1], "%Y-%m-%d %H:%M:%S,%f") < pressed)]
    assert said == ["Passline demo stopped."], after
    assert demo.returncode == 0
    assert wait_until_gone(tmp_path / "data") == []  # no simulator, no Mosquitto left running


def test_the_demo_restarts_after_selling_serial_numbered_stock_and_resets_on_request(tmp_path):
    demo, log, http_port = _start_demo(tmp_path, "first")
    db = tmp_path / "data" / "passline.db"
    try:
        cookie = _wait_for(lambda: (log.seek(0), _sign_in(http_port, log.read()))[1], "the demo's sign-in", log)
        order = {"order_id": str(uuid.uuid4()), "origin": "counter", "fulfilment": "takeaway",
                 "lines": [{"sku": "GRINDER-HAND", "qty": 2}]}
        request = urllib.request.Request(f"http://127.0.0.1:{http_port}/api/v1/orders", method="POST",
                                         data=json.dumps(order).encode(),
                                         headers={"Content-Type": "application/json", "Cookie": cookie})
        with urllib.request.urlopen(request, timeout=10) as answer:
            number = json.load(answer)["number"]
    finally:
        _ctrl_c(demo)
    reserved = _rows(db, "select serial from stock_serials where status = 'reserved' order by serial")
    assert len(reserved) == 2

    demo, log, http_port = _start_demo(tmp_path, "again")
    try:
        _wait_for(lambda: urllib.request.urlopen(f"http://127.0.0.1:{http_port}/api/v1/live", timeout=2).status == 200,
                  "the restarted demo answering", log)
        log.seek(0)
        output = log.read()
        assert "IntegrityError" not in output and "Traceback" not in output, output[-3000:]
        assert "Owner sign-in     owner (password shown on the first run" in output  # the same store, kept
    finally:
        _ctrl_c(demo)
    assert _rows(db, "select serial from stock_serials where status = 'reserved' order by serial") == reserved
    assert _rows(db, f"select number from orders where number = '{number}'") == [(number,)]

    demo, log, http_port = _start_demo(tmp_path, "reset", "--reset")
    try:
        _wait_for(lambda: urllib.request.urlopen(f"http://127.0.0.1:{http_port}/api/v1/live", timeout=2).status == 200,
                  "the reset demo answering", log)
        log.seek(0)
        output = log.read()
        assert f"passline demo: deleted the demo's data in {tmp_path / 'data'}; starting afresh" in output
        assert re.search(r"Owner sign-in +owner / \S+", output)  # a new store: a new owner password
    finally:
        _ctrl_c(demo)
    assert _rows(db, "select count(*) from orders") == [(0,)]
    assert _rows(db, "select count(*) from stock_serials where status = 'in_stock'") == [(3,)]


def test_reset_refuses_a_data_folder_the_demo_did_not_make(tmp_path):
    store = tmp_path / "store"
    environment = {**os.environ, "PASSLINE_DATA_DIR": str(store), "PASSLINE_HTTP_PORT": str(free_port())}
    subprocess.run([PASSLINE, "db", "upgrade"], env=environment, check=True, capture_output=True, timeout=60)
    result = subprocess.run([PASSLINE, "demo", "--reset"], env=environment, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"passline demo: {store} holds data `passline demo` did not make: not deleting it "
        "(point PASSLINE_DATA_DIR at the demo's folder)")
    assert (store / "passline.db").exists()
