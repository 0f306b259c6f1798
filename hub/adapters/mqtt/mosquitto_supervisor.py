"""Run Mosquitto for the hub when no broker is configured: its files, its process, its restarts."""

from __future__ import annotations

import logging
import os
import pwd
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from hub.adapters.child_process import die_with_parent
from hub.adapters.mqtt.dynsec_acls import ADMIN_LOGIN, HUB_LOGIN
from hub.adapters.mqtt.mosquitto_files import (
    CONF_FILE_NAME, DYNSEC_FILE_NAME, HUB_LOGINS_FILE_NAME, TlsListener, new_hub_logins, read_hub_logins, render_broker_config,
    write_dynsec_file, write_hub_logins,
)
from hub.adapters.store_tls import TlsFiles
from hub.config import DEFAULT_BROKER_TLS_PORT, MqttTarget

logger = logging.getLogger(__name__)

MOSQUITTO_BINARY = "/usr/sbin/mosquitto"  # Debian 12's mosquitto 2.0.11
FOLDER_NAME = "mosquitto"  # <data dir>/mosquitto: config, dynamic security file, persistence, log
LOG_FILE_NAME = "mosquitto.log"
START_TIMEOUT_S = 10.0  # a first start reads an empty database: well under a second here
STOP_TIMEOUT_S = 10.0  # SIGTERM saves the persistence database first; then SIGKILL
RESTART_DELAY_S = 0.5  # a crashed broker is back before the devices' reconnect back-off notices
RESTART_DELAY_MAX_S = 10.0  # a broker that dies at once on every start is retried less often
STABLE_RUN_S = 30.0  # a broker that ran this long resets the back-off
LOG_TAIL_LINES = 15


class BrokerStartError(RuntimeError):
    """The supervised Mosquitto did not come up; the message holds the end of its log."""


class MosquittoSupervisor:
    """Start Mosquitto on the hub's data folder, restart it if it exits, stop it with the hub."""

    def __init__(self, data_dir: Path, *, store: str, host: str, port: int, tls_port: int = DEFAULT_BROKER_TLS_PORT,
                 binary: str = MOSQUITTO_BINARY, plain_on_network: Callable[[], bool] = lambda: True) -> None:
        """plain_on_network says, when the broker starts with TLS, whether any device still needs the unencrypted
        listener on the network; if none does, it listens on loopback only (the hub's admin login uses it)."""
        self.folder = Path(data_dir) / FOLDER_NAME
        self._tls_files = TlsFiles.in_data_dir(data_dir)
        self._store = store
        self._bind = host
        self._port = port
        self._tls_port = tls_port
        self._tls = False  # decided when the files are written: a certificate made later needs a hub restart
        self._plain_on_network = plain_on_network
        self._plain_bind = host  # loopback once TLS is on and no device needs plain MQTT (decided at start)
        self._binary = binary
        self._process: subprocess.Popen | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._spawns = 0
        self._logins: dict[str, str] = {}

    @property
    def port(self) -> int:
        """Return the port the broker listens on (a free one is chosen at start when 0 was asked)."""
        return self._port

    @property
    def tls_port(self) -> int | None:
        """Return the port of the TLS listener, or None when there is no certificate."""
        return self._tls_port if self._tls else None

    @property
    def ca_file(self) -> Path | None:
        """Return the store CA that the TLS listener's certificate verifies against, or None without TLS."""
        return self._tls_files.ca_cert if self._tls else None

    @property
    def host(self) -> str:
        """Return the address clients on this machine connect to."""
        return {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(self._bind, self._bind)

    @property
    def pid(self) -> int | None:
        """Return the running broker's process id."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    @property
    def log_path(self) -> Path:
        """Return the file the broker writes its log to."""
        return self.folder / LOG_FILE_NAME

    def target(self, login: str = HUB_LOGIN) -> MqttTarget:
        """Return how to reach the broker as one of the hub's logins: over TLS, verified, once there is a certificate."""
        if self._tls:
            return MqttTarget(host=self.host, port=self._tls_port, username=login, password=self._logins[login],
                              tls=True, ca_file=str(self._tls_files.ca_cert))
        return MqttTarget(host=self.host, port=self._port, username=login, password=self._logins[login])

    def admin_target(self) -> MqttTarget:
        """Return how to reach the broker as the login that manages device logins (loopback, plain: the URLs it
        hands out are the plain listener's, and the claim exchange moves a device to TLS)."""
        return MqttTarget(host=self.host, port=self._port, username=ADMIN_LOGIN, password=self._logins[ADMIN_LOGIN])

    def start(self, timeout: float = START_TIMEOUT_S) -> None:
        """Write the broker's files, start it, and return once it accepts connections."""
        if self._thread is not None:
            raise RuntimeError("the supervised Mosquitto was already started")
        if not os.access(self._binary, os.X_OK):
            raise BrokerStartError(f"Mosquitto is not installed ({self._binary} missing): "
                                   "run `sudo apt-get install mosquitto`, or set PASSLINE_MQTT_URL to a broker")
        if self._port == 0:
            self._port = _free_port(self._bind)
        self._tls = self._tls_files.ready
        if self._tls and self._tls_port == 0:
            self._tls_port = _free_port(self._bind)
        self._plain_bind = self._bind if not self._tls or self._plain_on_network() else self.host
        self._prepare_files()
        # The child's death signal follows the thread that started it, so one long-lived thread starts every run.
        self._thread = threading.Thread(target=self._watch, name="mosquitto-supervisor", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if _accepts_connections(self.host, self._port) and (
                    not self._tls or _accepts_connections(self.host, self._tls_port)):
                logger.info("Mosquitto (pid %s) listening on %s:%s%s", self.pid, self._plain_bind, self._port,
                            f" and over TLS on {self._bind}:{self._tls_port}" if self._tls
                            else " (no TLS: no certificate yet)")
                return
            if self._spawns and self.pid is None:
                break
            time.sleep(0.02)
        self.stop()
        raise BrokerStartError(f"Mosquitto did not listen on {self._bind}:{self._port} within {timeout}s:\n{self.log_tail()}")

    def stop(self) -> None:
        """Stop the broker (it saves its database) and the supervision; calling it again does nothing."""
        self._stopping.set()
        process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                logger.warning("Mosquitto did not stop within %ss; killing it", STOP_TIMEOUT_S)
                process.kill()
                process.wait()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(STOP_TIMEOUT_S)

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        """Return the last lines the broker logged."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def _prepare_files(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)
        logins_file = self.folder / HUB_LOGINS_FILE_NAME
        dynsec_file = self.folder / DYNSEC_FILE_NAME
        if logins_file.exists() and dynsec_file.exists():
            self._logins = read_hub_logins(logins_file)
        else:
            if dynsec_file.exists():
                logger.warning("the hub's broker passwords are missing: starting %s afresh (devices enrol again)",
                               dynsec_file)
            self._logins = new_hub_logins()
            write_dynsec_file(dynsec_file, self._store, self._logins[HUB_LOGIN], self._logins[ADMIN_LOGIN])
            write_hub_logins(logins_file, self._logins)
        render_broker_config(self.folder, store=self._store, port=self._port, bind_address=self._bind or "0.0.0.0",
                             data_dir=self.folder, run_as=pwd.getpwuid(os.geteuid()).pw_name, conf_mode=0o600,
                             tls=TlsListener(self._tls_port, self._tls_files.cert, self._tls_files.key)
                             if self._tls else None, plain_bind_address=self._plain_bind)

    def _watch(self) -> None:
        delay = RESTART_DELAY_S
        while not self._stopping.is_set():
            started = time.monotonic()
            try:
                process = self._spawn()
            except OSError as exc:
                logger.error("cannot start Mosquitto: %s", exc)
                self._stopping.wait(delay)
                continue
            code = process.wait()
            if self._stopping.is_set():
                logger.info("Mosquitto stopped (exit code %s)", code)
                return
            delay = RESTART_DELAY_S if time.monotonic() - started > STABLE_RUN_S else min(delay * 2, RESTART_DELAY_MAX_S)
            logger.error("Mosquitto exited with code %s; restarting it in %.1fs. The end of its log:\n%s",
                         code, delay, self.log_tail())
            self._stopping.wait(delay)

    def _spawn(self) -> subprocess.Popen:
        log = open(self.log_path, "ab")
        os.chmod(self.log_path, 0o600)
        with log:
            process = subprocess.Popen(
                [self._binary, "-c", str(self.folder / "mosquitto.conf")],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, close_fds=True,
                preexec_fn=die_with_parent(),
            )
        self._process = process
        self._spawns += 1
        return process


def _free_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host or "0.0.0.0", 0))
        return sock.getsockname()[1]


def _accepts_connections(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


def supervised_admin_target(settings) -> MqttTarget:
    """Return the admin login of the Mosquitto a hub on these settings supervises (from another process)."""
    folder = Path(settings.data_dir) / FOLDER_NAME
    try:
        password = read_hub_logins(folder / HUB_LOGINS_FILE_NAME)[ADMIN_LOGIN]
    except (OSError, KeyError, ValueError):
        raise BrokerStartError(f"no supervised broker in {folder} yet: start the hub first") from None
    port = settings.broker_port or _listener_port(folder / "mosquitto.conf")
    return replace(settings.mqtt, port=port, username=ADMIN_LOGIN, password=password)


def _listener_port(conf: Path) -> int:
    return int(_plain_listener(conf)[0])


def _plain_listener(conf: Path) -> list[str]:
    """Return the first listener line's port and address (the unencrypted one)."""
    for line in conf.read_text(encoding="utf-8").splitlines():
        if line.startswith("listener "):
            return line.split()[1:]
    raise BrokerStartError(f"{conf} has no listener line")


def plain_mqtt_on_network(data_dir: Path) -> bool | None:
    """Return whether the supervised broker's unencrypted listener takes connections from the network,
    as its last start wrote it; None when the hub has not started one."""
    conf = Path(data_dir) / FOLDER_NAME / CONF_FILE_NAME
    try:
        _, *address = _plain_listener(conf)
    except (OSError, BrokerStartError):
        return None
    return not address or address[0] not in ("127.0.0.1", "::1", "localhost")
