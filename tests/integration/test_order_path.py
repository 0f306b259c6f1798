"""A kiosk's order travels down the layers to the screens without a callback turning it back up."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_an_order_reaches_the_screens_with_no_callback_back_up_a_layer():
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "order_path.py")], capture_output=True, text=True,
                         timeout=120, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    reached = run.stdout.split("in this order:")[1]
    assert "hub.entrypoints.mqtt_consumer" in reached and "hub.entrypoints.web.displays_socket" in reached
    assert figures["callbacks_up"] == 0, run.stdout
