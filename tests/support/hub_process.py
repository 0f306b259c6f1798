"""Run the real hub (`passline serve` under gunicorn) as a separate process, for fault tests and benchmarks."""

from __future__ import annotations

import json
import os
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from hub.adapters.mqtt.dynsec import DynamicSecurityLogins
from hub.adapters.mqtt.mosquitto_supervisor import supervised_admin_target
from hub.config import load_settings
from hub.demo import DEMO_CATALOG
from hub.domain.access import Role
from tests.support.mosquitto import free_port

PASSLINE = str(Path(sys.executable).with_name("passline"))
OWNER, OWNER_PASSWORD = "owner", "owner-test-password"  # made by prepare(), as store IT would


class HubProcess:
    """The hub as store IT runs it, in its own process group so SIGKILL takes master and worker."""

    def __init__(self, data_dir: Path, *, mqtt_url: str | None = None, store: str = "test",
                 http_port: int | None = None, broker_port: int | None = None) -> None:
        self.data_dir = data_dir
        self.store = store
        self.http_port = http_port or free_port()
        self.broker_port = broker_port or free_port()
        self.https_port = free_port()  # used once `passline tls init` made a certificate
        self.broker_tls_port = free_port()
        self.env = {
            **os.environ,
            "PASSLINE_STORE": store,
            "PASSLINE_DATA_DIR": str(data_dir),
            "PASSLINE_HTTP_HOST": "127.0.0.1",
            "PASSLINE_HTTP_PORT": str(self.http_port),
            "PASSLINE_BROKER_HOST": "127.0.0.1",
            "PASSLINE_BROKER_PORT": str(self.broker_port),
            "PASSLINE_HTTPS_PORT": str(self.https_port),
            "PASSLINE_BROKER_TLS_PORT": str(self.broker_tls_port),
        }
        if mqtt_url:
            self.env["PASSLINE_MQTT_URL"] = mqtt_url
        else:
            self.env.pop("PASSLINE_MQTT_URL", None)
        self.mqtt_url = mqtt_url
        self.log_path = data_dir / "hub.log"
        self._process: subprocess.Popen | None = None
        self._owner_cookie: str | None = None
        self._screens: dict[tuple[str, str], list[dict]] = {}  # (device id, role) -> its cookies once paired

    @property
    def ca_file(self) -> Path:
        """Return the store CA that `passline tls init` makes in the data folder."""
        return self.data_dir / "tls" / "ca.crt"

    @property
    def tls(self) -> bool:
        """Return True when the hub has a certificate, so it serves HTTPS."""
        return (self.data_dir / "tls" / "hub.crt").exists()

    @property
    def base_url(self) -> str:
        """Return the hub's address: HTTPS once it has a certificate, else HTTP."""
        return f"https://127.0.0.1:{self.https_port}" if self.tls else f"http://127.0.0.1:{self.http_port}"

    def _context(self) -> ssl.SSLContext | None:
        return ssl.create_default_context(cafile=str(self.ca_file)) if self.tls else None

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
        """Create the schema, load the demo catalog and make the owner's account, as store IT would."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        for args in (["db", "upgrade"], ["catalog", "import", str(self._timeless_catalog())]):
            subprocess.run([PASSLINE, *args], env=self.env, check=True, capture_output=True)
        self.passline("accounts", "add", OWNER, "--role", "owner", "--password-stdin", stdin=OWNER_PASSWORD)

    def _timeless_catalog(self) -> Path:
        """Return the demo catalog without its time-windowed promotions, which would change totals by the hour the tests run."""
        catalog = json.loads(DEMO_CATALOG.read_text())
        for promotion in catalog.get("promotions", []):
            if promotion.get("windows"):
                promotion["active"] = False
        path = self.data_dir / "catalog.json"
        path.write_text(json.dumps(catalog))
        return path

    def passline(self, *args: str, stdin: str | None = None) -> str:
        """Run a `passline` command against this hub's data folder and return what it printed."""
        done = subprocess.run([PASSLINE, *args], env=self.env, input=stdin, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"passline {' '.join(args)} failed: {done.stderr or done.stdout}")
        return done.stdout

    def claim_code(self, device_id: str, role: str) -> str:
        """Return a fresh one-time claim code for a device, from `passline devices add --json`."""
        return json.loads(self.passline("devices", "add", device_id, "--role", role, "--json"))["claim_code"]

    def enrol_screen(self, context, device_id: str, role: str) -> None:
        """Pair a browser context as a screen: claim a fresh code the way the pairing page does.

        A screen paired once keeps its device cookie, as a real screen does across reloads: a later
        context for the same device gets that cookie instead of a new claim, so a module's tests stay
        under the hub's limit of 10 claims a minute per address. When the limit is reached all the
        same, wait as long as the hub's Retry-After says, as the pairing page tells store IT to.
        """
        paired = self._screens.get((device_id, role))
        if paired is not None:
            context.add_cookies(paired)
            return
        code = self.claim_code(device_id, role)
        for _ in range(3):
            reply = context.request.post(f"{self.base_url}/api/v1/devices/claim", data={"code": code})
            if reply.status != 429:
                break
            time.sleep(int(reply.headers.get("retry-after", "10")) + 1)
        assert reply.ok, reply.text()
        self._screens[(device_id, role)] = context.cookies()

    def api(self, method: str, path: str, body: object = None) -> tuple[int, dict]:
        """Call the hub's API as the signed-in owner; return (status, JSON body)."""
        if self._owner_cookie is None:
            status, _, cookie = self._send("POST", "/api/v1/sessions", {"username": OWNER, "password": OWNER_PASSWORD})
            assert status == 201, f"the owner could not sign in ({status})"
            self._owner_cookie = cookie
        status, answer, _ = self._send(method, path, body, self._owner_cookie)
        return status, answer

    def _send(self, method: str, path: str, body: object = None, cookie: str | None = None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.base_url}{path}", data=data, method=method,
                                         headers={"content-type": "application/json"})
        if cookie:
            request.add_header("Cookie", cookie)
        try:
            with urllib.request.urlopen(request, timeout=10, context=self._context()) as response:
                raw, status, headers = response.read(), response.status, response.headers
        except urllib.error.HTTPError as exc:
            raw, status, headers = exc.read(), exc.code, exc.headers
        session = headers.get("Set-Cookie", "").split(";")[0] or None
        return status, json.loads(raw) if raw else {}, session

    def start(self, timeout: float = 30) -> None:
        """Start `passline serve` and wait until its liveness probe says the broker is connected."""
        log = self.log_path.open("ab")
        self._process = subprocess.Popen([PASSLINE, "serve"], env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"the hub exited with {self._process.returncode}:\n{self.log()}")
            if self.ready():
                return
            time.sleep(0.1)
        raise TimeoutError(f"the hub did not become healthy within {timeout} s:\n{self.log()}")

    def ready(self) -> bool:
        """Return whether the hub answers its open liveness probe and is connected to its broker."""
        try:
            with urllib.request.urlopen(f"{self.base_url}/api/v1/live", timeout=2, context=self._context()) as response:
                return bool(json.load(response)["ready"])
        except OSError:
            return False

    def health(self) -> dict | None:
        """Return the hub's health report as the owner sees it, or None if it does not answer."""
        try:
            return self.api("GET", "/api/v1/health")[1]
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


def prepared_hub(data_dir: Path, *, frontdesk_toml: str = "", commands: Iterable[tuple[str, ...]] = ()) -> HubProcess:
    """Return a hub ready to start on a fresh data folder: a `frontdesk.toml` if given, the schema, the demo catalog
    and the owner (prepare()), then `passline` commands as store IT would run them (staff, say)."""
    process = HubProcess(data_dir)
    if frontdesk_toml:
        process.data_dir.mkdir(parents=True, exist_ok=True)
        (process.data_dir / "frontdesk.toml").write_text(frontdesk_toml)
    process.prepare()
    for command in commands:
        process.passline(*command)
    return process


@contextmanager
def running_hub(data_dir: Path, *, frontdesk_toml: str = "", commands: Iterable[tuple[str, ...]] = (),
                log_tail_chars: int = 3000) -> Iterator[HubProcess]:
    """Run a prepared_hub() with `passline serve` (and its supervised Mosquitto); stop it and print its log's tail."""
    process = prepared_hub(data_dir, frontdesk_toml=frontdesk_toml, commands=commands)
    process.start()
    try:
        yield process
    finally:
        process.stop()
        print(f"--- hub log (tail) ---\n{process.log()[-log_tail_chars:]}")
