"""Run HQ as it runs in production (`passline cloud serve`, gunicorn) in its own process group, and kill it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.support.mosquitto import free_port

PASSLINE = str(Path(sys.executable).with_name("passline"))
START_TIMEOUT_S = 30


def cloud_env(folder: Path, database_url: str) -> dict[str, str]:
    """Return the environment of a `passline cloud` command on a database (cheap password hashing)."""
    return {"PATH": "/usr/bin:/bin", "HOME": str(folder), "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
            "PASSLINE_DATA_DIR": str(folder / "hub-data"), "PASSLINE_CLOUD_DATA_DIR": str(folder / "cloud"),
            "PASSLINE_CLOUD_DATABASE_URL": database_url, "PASSLINE_CLOUD_PASSWORD_COST": "cheapest"}


class HqProcess:
    """`passline cloud serve` on a fixed port: start it, SIGKILL it with its workers, start it again."""

    def __init__(self, folder: Path, database_url: str) -> None:
        self.env = cloud_env(folder, database_url)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start HQ and wait until it answers."""
        self._process = subprocess.Popen(
            [PASSLINE, "cloud", "serve", "--host", "127.0.0.1", "--port", str(self.port)], env=self.env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise AssertionError(f"HQ exited: {self._process.stdout.read().decode(errors='replace')}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):  # workers still booting
                time.sleep(0.1)
        raise AssertionError("HQ did not come up")

    def kill(self) -> None:
        """SIGKILL the gunicorn master and every worker at once, as a power cut would."""
        os.killpg(self._process.pid, signal.SIGKILL)
        self._process.wait(10)

    def stop(self) -> None:
        """Stop HQ gracefully (if it still runs)."""
        if self._process is not None and self._process.poll() is None:
            os.killpg(self._process.pid, signal.SIGTERM)
            self._process.wait(20)
