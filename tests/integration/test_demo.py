"""`passline demo` starts a whole café: database, catalog, broker, hub, and traffic on request."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.support.hub_process import free_port

PASSLINE = str(Path(sys.executable).with_name("passline"))


def _get(url: str):
    with urllib.request.urlopen(url, timeout=2) as response:
        return json.load(response)


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
        while time.monotonic() < deadline and (len(origins) < 6 or len(devices) < 7):
            time.sleep(0.5)
            try:
                origins = {o["origin"] for o in _get(f"http://127.0.0.1:{http_port}/api/v1/queue")["orders"]}
                devices = [d for d in _get(f"http://127.0.0.1:{http_port}/api/v1/devices")["devices"] if d["online"]]
            except OSError:
                continue
        log.seek(0)
        output = log.read()
        assert origins == {"kiosk", "counter", "app", "web", "phone", "marketplace"}, output[-3000:]
        assert {d["device_id"] for d in devices} >= {"kiosk-1", "counter-1", "gateway-marketplace"}
        assert f"Admin and health  http://127.0.0.1:{http_port}/admin" in output
        assert f"Order-ready board http://127.0.0.1:{http_port}/displays/board" in output
        board = urllib.request.urlopen(f"http://127.0.0.1:{http_port}/displays/board", timeout=5).read().decode()
        assert "Ready" in board
        assert f"MQTT broker       mqtt://127.0.0.1:{broker_port}" in output
        assert "24 catalog items" in output
    finally:
        os.killpg(demo.pid, signal.SIGTERM)
        demo.wait(20)
