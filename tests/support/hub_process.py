"""Run the real hub (`passline serve` under gunicorn) as a separate process, for fault tests and benchmarks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from hub.adapters.mqtt.dynsec import DynamicSecurityLogins
from hub.adapters.mqtt.mosquitto_supervisor import supervised_admin_target
from hub.config import load_settings
from hub.demo import DEMO_CATALOG
from hub.domain.access import Role
from tests.support.mosquitto import free_port

PASSLINE = str(Path(sys.executable).with_name("passline"))


class HubProcess:
    """The hub as store IT runs it, in its own process group so SIGKILL takes master and worker."""

    def __init__(self, data_dir: Path, *, mqtt_url: str | None = None, store: str = "test",
                 http_port: int | None = None, broker_port: int | None = None) -> None:
        self.data_dir = data_dir
        self.store = store
        self.http_port = http_port or free_port()
        self.broker_port = broker_port or free_port()
        self.env = {
            **os.environ,
            "PASSLINE_STORE": store,
            "PASSLINE_DATA_DIR": str(data_dir),
            "PASSLINE_HTTP_HOST": "127.0.0.1",
            "PASSLINE_HTTP_PORT": str(self.http_port),
            "PASSLINE_BROKER_HOST": "127.0.0.1",
            "PASSLINE_BROKER_PORT": str(self.broker_port),
        }
        if mqtt_url:
            self.env["PASSLINE_MQTT_URL"] = mqtt_url
        else:
            self.env.pop("PASSLINE_MQTT_URL", None)
        self.mqtt_url = mqtt_url
        self.log_path = data_dir / "hub.log"
        self._process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        """Return the hub's HTTP address."""
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def database_url(self) -> str:
        """Return the hub's SQLite URL."""
        return f"sqlite:///{self.data_dir / 'passline.db'}"

    def device_url(self, device_id: str, role: str = "agent") -> str:
        """Return `mqtt://user:pass@127.0.0.1:port`: the device's own login on the hub's broker.

        Made through DynamicSecurityLogins as the hub's admin login (read from the data folder);
        on a hub given PASSLINE_MQTT_URL (an anonymous test broker) that URL itself. Enrolment
        by claim code will replace this one method.
        """
        if self.mqtt_url:
            return self.mqtt_url
        settings = load_settings(self.env)
        logins = DynamicSecurityLogins(lambda: supervised_admin_target(settings), store=self.store)
        return logins.create(device_id, Role(role)).url

    def broker_pids(self) -> list[int]:
        """Return the process ids of every Mosquitto running on this hub's data folder."""
        return mosquitto_pids(self.data_dir)

    def prepare(self) -> None:
        """Create the schema and load the demo catalog, as store IT would."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        for args in (["db", "upgrade"], ["catalog", "import", str(DEMO_CATALOG)]):
            subprocess.run([PASSLINE, *args], env=self.env, check=True, capture_output=True)

    def start(self, timeout: float = 30) -> None:
        """Start `passline serve` and wait until its health says the broker is connected."""
        log = self.log_path.open("ab")
        self._process = subprocess.Popen([PASSLINE, "serve"], env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"the hub exited with {self._process.returncode}:\n{self.log()}")
            health = self.health()
            if health and health["checks"]["broker"]["ok"]:
                return
            time.sleep(0.1)
        raise TimeoutError(f"the hub did not become healthy within {timeout} s:\n{self.log()}")

    def health(self) -> dict | None:
        """Return the hub's health report, or None if it does not answer."""
        try:
            with urllib.request.urlopen(f"{self.base_url}/api/v1/health", timeout=2) as response:
                return json.load(response)
        except urllib.error.HTTPError as exc:
            return json.load(exc)
        except OSError:
            return None

    def kill(self) -> None:
        """SIGKILL the whole hub (gunicorn master and worker): a crash, nothing gets to clean up."""
        if self._process is not None and self._process.poll() is None:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait(10)

    def stop(self) -> None:
        """Stop the hub the way systemd does (SIGTERM), killing it if it hangs."""
        if self._process is not None and self._process.poll() is None:
            os.killpg(self._process.pid, signal.SIGTERM)
            try:
                self._process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        """Return what the hub logged."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def mosquitto_pids(data_dir: Path) -> list[int]:
    """Return the process ids of every Mosquitto whose config lies in this data folder."""
    conf = str(Path(data_dir).resolve() / "mosquitto" / "mosquitto.conf").encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            state = next(line for line in (entry / "status").read_text().splitlines() if line.startswith("State:"))
        except (OSError, StopIteration):
            continue
        if conf in argv and "zombie" not in state:
            pids.append(int(entry.name))
    return pids
