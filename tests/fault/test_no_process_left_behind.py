"""A hub or a demo killed with SIGKILL leaves no Mosquitto and no simulator running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import require_mosquitto
from tests.support.hub_process import HubProcess, mosquitto_pids
from tests.support.mosquitto import free_port

pytestmark = [pytest.mark.slow, pytest.mark.mosquitto]

PASSLINE = str(Path(sys.executable).with_name("passline"))
GONE_WITHIN_S = 10  # a SIGKILLed gunicorn master is noticed by its worker within about a second


def processes_of(data_dir: Path, *, but: int | None = None) -> list[str]:
    """Return "pid cmdline" of every live process started with this data folder in its environment."""
    marker = f"PASSLINE_DATA_DIR={data_dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in (os.getpid(), but):
            continue
        try:
            if marker not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            if "zombie" in (entry / "status").read_text():
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            found.append(f"{entry.name} {command}")
        except OSError:
            continue
    return found


def wait_until_gone(data_dir: Path, timeout: float = GONE_WITHIN_S) -> list[str]:
    deadline = time.monotonic() + timeout
    while (left := processes_of(data_dir)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


@pytest.fixture
def hub(tmp_path):
    require_mosquitto()
    process = HubProcess(tmp_path / "hub")
    process.prepare()
    process.start()
    assert process.broker_pids()
    yield process
    process.stop()


def test_sigkill_of_the_whole_hub_ends_its_mosquitto(hub):
    hub.kill()
    assert wait_until_gone(hub.data_dir) == []
    assert mosquitto_pids(hub.data_dir) == []


def test_sigkill_of_the_gunicorn_master_alone_ends_its_mosquitto(hub):
    os.kill(hub._process.pid, signal.SIGKILL)
    hub._process.wait(5)
    assert wait_until_gone(hub.data_dir) == []


def test_sigkill_of_the_demo_ends_its_simulators_and_its_broker(tmp_path):
    require_mosquitto()
    data_dir = tmp_path / "data"
    env = {**os.environ, "PASSLINE_DATA_DIR": str(data_dir), "PASSLINE_HTTP_PORT": str(free_port()),
           "PASSLINE_BROKER_PORT": str(free_port()), "PASSLINE_HTTP_HOST": "127.0.0.1",
           "PASSLINE_BROKER_HOST": "127.0.0.1"}
    env.pop("PASSLINE_MQTT_URL", None)
    with (tmp_path / "demo.log").open("w+") as log:
        demo = subprocess.Popen([PASSLINE, "demo", "--traffic", "1"], env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            commands = " ".join(processes_of(data_dir, but=demo.pid))
            if all(name in commands for name in ("demo_printers", "demo_terminal", "traffic", "crew", "mosquitto")):
                break
            time.sleep(0.2)
        else:
            log.seek(0)
            demo.kill()
            pytest.fail(f"the demo did not start all its devices: {processes_of(data_dir)}\n{log.read()[-3000:]}")
        demo.kill()  # SIGKILL, the demo process alone: nothing of it gets to clean up
        demo.wait(5)
        left = wait_until_gone(data_dir)
        for line in left:
            os.kill(int(line.split()[0]), signal.SIGKILL)
        assert left == []
