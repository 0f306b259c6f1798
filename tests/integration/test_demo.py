"""`passline demo` starts a whole café: database, catalog, broker, hub, and traffic on request."""

from __future__ import annotations

import json
import re
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

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
        while time.monotonic() < deadline and (len(origins) < 6 or len(devices) < 7):
            time.sleep(0.5)
            try:
                if cookie is None:
                    log.seek(0)
                    cookie = _sign_in(http_port, log.read())
                origins = {o["origin"] for o in _get(f"http://127.0.0.1:{http_port}/api/v1/queue", cookie)["orders"]}
                devices = [d for d in _get(f"http://127.0.0.1:{http_port}/api/v1/devices", cookie)["devices"] if d["online"]]
            except OSError:
                continue
        log.seek(0)
        output = log.read()
        assert origins == {"kiosk", "counter", "app", "web", "phone", "marketplace"}, output[-3000:]
        assert {d["device_id"] for d in devices} >= {"kiosk-1", "counter-1", "gateway-marketplace"}
        assert f"Admin and health  http://127.0.0.1:{http_port}/admin" in output
        assert f"Order-ready board http://127.0.0.1:{http_port}/displays/board" in output
        board = urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{http_port}/displays/board",
                                                              headers={"Cookie": cookie}), timeout=5).read().decode()
        assert "Ready" in board
        anonymous = urllib.request.urlopen(f"http://127.0.0.1:{http_port}/displays/board", timeout=5)
        assert anonymous.url.endswith("/pair?next=/displays/board")  # an unpaired screen is asked for its code
        assert f"MQTT broker       mqtt://127.0.0.1:{broker_port}" in output
        assert "24 catalog items" in output
    finally:
        os.killpg(demo.pid, signal.SIGTERM)
        demo.wait(20)
