"""Run a real Mosquitto broker in tests."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from hub.adapters.mqtt.dynsec import DynamicSecurityLogins
from hub.adapters.mqtt.dynsec_acls import HUB_ROLE
from hub.adapters.mqtt.mosquitto_files import new_hub_logins, render_broker_config, write_dynsec_file
from hub.domain.access import Role

# Debian installs the broker outside a normal user's PATH.
_FALLBACK_BINARY = "/usr/sbin/mosquitto"

# The same durability and queue tuning as the production template, so hub
# integration tests meet the broker behaviour a store gets.
_DEV_CONF = """\
listener {port} 127.0.0.1
allow_anonymous true
persistence {persistence}
persistence_location {data_dir}
autosave_on_changes true
autosave_interval 1
max_queued_messages 200000
max_queued_bytes 0
max_inflight_messages 100
set_tcp_nodelay true
log_dest stderr
log_timestamp true
log_timestamp_format %Y-%m-%dT%H:%M:%S
log_type error
log_type warning
log_type notice
connection_messages true
"""


def mosquitto_binary() -> str | None:
    """Return the path of the mosquitto binary, or None when it is not installed."""
    found = shutil.which("mosquitto")
    if found:
        return found
    return _FALLBACK_BINARY if os.access(_FALLBACK_BINARY, os.X_OK) else None


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MosquittoProcess:
    """Start, stop, crash and restart one mosquitto process on a given config."""

    def __init__(self, conf_path: Path, port: int, host: str = "127.0.0.1"):
        self.conf_path = Path(conf_path)
        self.host = host
        self.port = port
        self.log_path = self.conf_path.parent / "mosquitto.stderr.log"
        self._process: subprocess.Popen[bytes] | None = None
        self._log_start = 0

    @property
    def url(self) -> str:
        """Return the broker's address as an mqtt:// URL."""
        return f"mqtt://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        """Tell whether the broker process is alive."""
        return self._process is not None and self._process.poll() is None

    def log(self) -> str:
        """Return everything the broker has written to stderr so far, over all its starts."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def _log_since_start(self) -> str:
        with open(self.log_path, "rb") as log:
            log.seek(self._log_start)
            return log.read().decode(errors="replace")

    def start(self, timeout: float = 10.0) -> None:
        """Start the broker and wait until its port accepts connections."""
        if self.running:
            raise RuntimeError(f"mosquitto already running on {self.url}")
        binary = mosquitto_binary()
        if binary is None:
            raise RuntimeError("mosquitto is not installed: run .ci/run or apt-get install mosquitto")
        with open(self.log_path, "ab") as log:
            self._log_start = log.tell()
            self._process = subprocess.Popen(
                [binary, "-c", str(self.conf_path)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                code = self._process.returncode
                self._process = None
                raise RuntimeError(f"mosquitto exited with {code} on start:\n{self._log_since_start()}")
            if _accepts_connections(self.host, self.port):
                return
            time.sleep(0.02)
        self.kill()
        raise RuntimeError(f"mosquitto did not open {self.url} within {timeout} s:\n{self._log_since_start()}")

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the broker cleanly, which saves its persistence database."""
        self._end(signal.SIGTERM, timeout)

    def kill(self) -> None:
        """Crash the broker: only what autosave already wrote survives."""
        self._end(signal.SIGKILL, 10.0)

    def restart(self, timeout: float = 10.0) -> None:
        """Stop the broker cleanly and start it again on the same port."""
        self.stop()
        self.start(timeout)

    def _end(self, sig: signal.Signals, timeout: float) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def __enter__(self) -> MosquittoProcess:
        if not self.running:
            self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def dev_broker(workdir: Path, port: int | None = None, *, persistence: bool = True) -> MosquittoProcess:
    """Prepare (not start) an anonymous broker on 127.0.0.1 tuned like production (for hubs given PASSLINE_MQTT_URL)."""
    workdir = Path(workdir).resolve()
    data_dir = workdir / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    conf_path = workdir / "mosquitto.conf"
    conf_path.write_text(
        _DEV_CONF.format(port=port, persistence=str(persistence).lower(), data_dir=data_dir),
        encoding="utf-8",
    )
    _stay_root(conf_path)
    return MosquittoProcess(conf_path, port)


def production_broker(workdir: Path, *, store: str, port: int | None = None) -> tuple[MosquittoProcess, dict[str, str]]:
    """Prepare (not start) the shipped production config on 127.0.0.1; return it and the hub's passwords."""
    workdir = Path(workdir).resolve()
    port = port or free_port()
    conf_path = render_broker_config(workdir, store=store, port=port, bind_address="127.0.0.1", data_dir=workdir / "data")
    logins = new_hub_logins()
    write_dynsec_file(workdir / "data" / "dynsec.json", store, logins["hub"], logins["hub-admin"])
    _stay_root(conf_path)
    return MosquittoProcess(conf_path, port), logins


class DeviceUrls:
    """Make real broker logins for test devices through the hub's DynamicSecurityLogins; call it with a device id."""

    def __init__(self, logins: DynamicSecurityLogins) -> None:
        self.logins = logins

    def __call__(self, device_id: str, role: str = "agent") -> str:
        """Return `mqtt://id:password@host:port` for a new login of this device."""
        return self.logins.create(device_id, Role(role)).url

    def observer(self, name: str) -> str:
        """Return a login that reads and writes everything of the store, as the hub may: for tests that watch
        the hub's own topics (its status, dead letters). No device is ever given this."""
        url = self(name)
        self.logins._run([{"command": "addClientRole", "username": name, "rolename": HUB_ROLE}])
        return url


def device_urls(hub) -> DeviceUrls:
    """Return the device login maker of an in-process hub that runs its supervised Mosquitto."""
    return DeviceUrls(hub.device_logins)


def _stay_root(conf_path: Path) -> None:
    # Started as root, Mosquitto switches to the "mosquitto" user before it
    # reads the password file or writes persistence, and that user cannot enter
    # pytest's 0700 temporary folders. The setting is ignored when not root.
    if os.geteuid() == 0:
        with open(conf_path, "a", encoding="utf-8") as conf:
            conf.write("\n# Added by tests/support/mosquitto.py: the tests run as root.\nuser root\n")


def _accepts_connections(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False
