"""`passline demo` prints kitchen tickets on its simulated printers, readable in printed.txt."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

from tests.integration.test_demo import _sign_in
from tests.support.hub_process import free_port

PASSLINE = str(Path(sys.executable).with_name("passline"))


def test_demo_order_comes_out_on_the_simulated_kitchen_printer(tmp_path):
    http_port, broker_port = free_port(), free_port()
    data = tmp_path / "data"
    env = {**os.environ, "PASSLINE_DATA_DIR": str(data), "PASSLINE_HTTP_PORT": str(http_port),
           "PASSLINE_BROKER_PORT": str(broker_port), "PASSLINE_HTTP_HOST": "127.0.0.1"}
    env.pop("PASSLINE_MQTT_URL", None)
    log = (tmp_path / "demo.log").open("w+")
    demo = subprocess.Popen([PASSLINE, "demo"], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    printed = data / "printed.txt"
    try:
        number = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(0.5)
            try:
                if number is None:
                    body = json.dumps({"order_id": str(uuid.uuid4()), "origin": "kiosk", "fulfilment": "takeaway",
                                       "lines": [{"sku": "BURGER", "qty": 1}]}).encode()
                    log.seek(0)
                    request = urllib.request.Request(f"http://127.0.0.1:{http_port}/api/v1/orders", body,
                                                     {"Content-Type": "application/json",
                                                      "Cookie": _sign_in(http_port, log.read())})
                    with urllib.request.urlopen(request, timeout=5) as response:
                        number = json.load(response)["number"]
            except OSError:
                continue
            if printed.exists() and number in printed.read_text():
                break
        log.seek(0)
        output = log.read()
        assert number and printed.exists(), output[-3000:]
        text = printed.read_text()
        assert "==== kitchen" in text and "1 x Cheeseburger" in text and number in text, text
        assert f"Printed tickets   {printed}" in output
    finally:
        os.killpg(demo.pid, signal.SIGTERM)
        demo.wait(20)
