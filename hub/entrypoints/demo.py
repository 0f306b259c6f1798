"""`passline demo`: a whole café on one machine, in one command."""

from __future__ import annotations

import atexit
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from hub.contracts.demo import (
    BACKUP_PRINTER,
    CASHIER_DEVICE,
    CLAIMS_ENV,
    CREDENTIALS_ENV,
    HUB_URL_ENV,
    KITCHEN_DEVICE,
    PRINTERS_DEVICE,
    RECEIPT_PRINTER,
    STATION_PRINTERS,
    TERMINAL_DEVICE,
    TRAFFIC_SENDERS,
)
from hub.adapters.child_process import die_with_parent
from hub.adapters.db.migrate import upgrade
from hub.config import DEMO_MARKER, Settings  # the marker: only a folder the demo made may be reset
from hub.demo import DEMO_CATALOG
from hub.domain.access import Role
from hub.entrypoints.catalog_import import import_catalog
from hub.entrypoints.staff_cli import add_demo_staff

logger = logging.getLogger(__name__)

DEMO_OWNER = "owner"
STOPPED = "Passline demo stopped."  # all Ctrl+C prints: the hub, its broker and the devices stop quietly
DEVICES_STOP_S = 5.0  # the simulated devices get this long to say goodbye to the broker before the hub stops
CREDENTIALS_FOLDER = "demo-devices"  # where the simulated devices keep what their claims gave them
CLAIM_TTL = timedelta(minutes=10)  # the simulated devices spend their codes within seconds
FRONTDESK_FILE = "frontdesk.toml"
DEMO_FRONTDESK = """\
# Written by `passline demo`: app, web, phone and marketplace orders wait at the counter until a
# cashier accepts them with a quoted time (see docs/counter.md). Delete this file for "auto".
[counter]
remote_orders = "confirm"
"""


class DemoRefused(Exception):
    """The demo will not do what was asked (reset a folder it did not make); the message says why."""


def run_demo(settings: Settings, *, traffic: float = 0.0, reset: bool = False, hq: bool = False) -> int:
    """Create the database, load the demo catalog, print where to look, and serve."""
    from hub.entrypoints.server import serve

    if reset:
        reset_demo(settings)
    _prepare_data_dir(settings)
    upgrade(settings.database_url)
    count, _ = import_catalog(settings, DEMO_CATALOG)
    _route_demo_printers(settings)
    _assign_demo_terminal(settings)
    add_demo_staff(settings, DEMO_PRINTERS, "receipt")  # Sam 1111 (cashier), Morgan 9999 (manager): demo PINs only
    password = _demo_owner(settings)
    devices = DemoDevices(settings, traffic)
    devices.claims = _claims(settings, devices.roles())
    print(banner(settings, count, traffic, password), flush=True)
    # --- issue 13: the reference headquarters beside the demo (`--hq`), before the hub reads its link ---
    if hq:
        from hub.entrypoints.demo_hq import start_demo_hq

        print("\n".join(start_demo_hq(settings)), flush=True)
    # --- end issue 13 ---
    devices.start()
    try:
        serve(settings, before_stop=devices.stop)  # gunicorn's master ends with SystemExit on Ctrl+C
    finally:
        devices.stop()
        print(STOPPED, flush=True)
    return 0


def reset_demo(settings: Settings) -> None:
    """Delete the demo's data folder (database, broker logins, printed tickets), or refuse if the demo did not make it."""
    folder = settings.data_dir
    if not folder.exists():
        return
    if settings.database_url != f"sqlite:///{folder / 'passline.db'}":
        raise DemoRefused("--reset deletes only the demo's own SQLite database; PASSLINE_DATABASE_URL points elsewhere")
    made_by_demo = (folder / DEMO_MARKER).exists() or (folder / "printed.txt").exists()
    if any(folder.iterdir()) and not made_by_demo:
        raise DemoRefused(f"{folder} holds data `passline demo` did not make: not deleting it "
                          "(point PASSLINE_DATA_DIR at the demo's folder)")
    shutil.rmtree(folder)
    print(f"passline demo: deleted the demo's data in {folder}; starting afresh", flush=True)


def _prepare_data_dir(settings: Settings) -> None:
    """Make the data folder (0700), mark it as the demo's, and have remote orders confirmed at the counter."""
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    marker = settings.data_dir / DEMO_MARKER
    if not marker.exists():
        _write_private(marker, "made by `passline demo`; `passline demo --reset` may delete this folder\n")
    frontdesk = settings.data_dir / FRONTDESK_FILE
    if not frontdesk.exists():
        _write_private(frontdesk, DEMO_FRONTDESK)


def _write_private(path: Path, text: str) -> None:
    """Write a file only the hub's user can read, like every file in the data folder."""
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
        out.write(text)


def _claims(settings: Settings, roles: dict[str, Role]) -> dict[str, str]:
    """Make a claim code for each simulated device that is not enrolled with a kept enrolment; return id -> code."""
    from hub.bootstrap import bootstrap
    from hub.domain.enrolment import CreateClaim

    kept = settings.data_dir / CREDENTIALS_FOLDER
    hub = bootstrap(settings)
    try:
        with hub.uow_factory() as uow:
            known = {device.device_id: device for device in uow.access.devices()}
        codes = {}
        for device_id, role in roles.items():
            device = known.get(device_id)
            if (kept / f"{device_id}.json").exists() and device is not None and device.state == "enrolled" \
                    and device.role is role:
                continue
            codes[device_id] = hub.bus.handle(CreateClaim(device_id, role.value, CLAIM_TTL)).code
        return codes
    finally:
        hub.stop()


def _demo_owner(settings: Settings) -> str | None:
    """Make the demo's owner account on the first run; return its new password (None when it existed)."""
    from hub.bootstrap import bootstrap
    from hub.domain.enrolment import AddAccount, new_password

    hub = bootstrap(settings)
    try:
        with hub.uow_factory() as uow:
            if uow.access.account(DEMO_OWNER) is not None:
                return None
        password = new_password()
        hub.bus.handle(AddAccount(DEMO_OWNER, "owner", password))
        return password
    finally:
        hub.stop()


def banner(settings: Settings, items: int, traffic: float, owner_password: str | None = None) -> str:
    """Return the text that tells a person what to open."""
    host = _lan_address() if settings.http_host in ("0.0.0.0", "::") else settings.http_host
    http = f"http://{host}:{settings.http_port}"
    mqtt = settings.mqtt.address.replace("127.0.0.1", host) if settings.supervised_broker else settings.mqtt.address
    lines = [
        "",
        f"Passline demo — store '{settings.store}', {items} catalog items, data in {settings.data_dir}",
        f"  Start page        {http}/",
        f"  Kiosk             {http}/kiosk/kiosk-1  (portrait touchscreen; also kiosk-2)",
        f"  Counter           {http}/counter/counter-1  (sign in with a PIN below)",
        f"  Admin and health  {http}/admin",
        f"  Kitchen displays  {http}/displays/  (bar, kitchen, grill, pastry, expo, pick lists)",
        f"  Order-ready board {http}/displays/board",
        f"  Order queue       {http}/api/v1/queue",
        f"  Devices           {http}/api/v1/devices",
        f"  Place an order    POST {http}/api/v1/orders",
        f"  MQTT broker       {mqtt}" + (" (Mosquitto, run by the hub; every device has its own login)"
                                          if settings.supervised_broker else ""),
        f"  Simulated orders  {_traffic_line(traffic)}",
        "  Remote orders     app, web, phone and marketplace orders wait for a cashier at the counter (F2)",
        f"  Printed tickets   {settings.data_dir / 'printed.txt'} (simulated printers at each station, 'pass' and 'receipt')",
        f"  Card payments     POST {http}/api/v1/orders/<id>/payments {{\"device_id\": \"kiosk-1\"}} (simulated ZVT terminal)",
        "  Counter staff     Sam PIN 1111 (cashier), Morgan PIN 9999 (manager) — demo PINs, add real staff with `passline staff add`",
        f"  Owner sign-in     {DEMO_OWNER} / {owner_password}  (shown this once: write it down)" if owner_password else
        f"  Owner sign-in     {DEMO_OWNER} (password shown on the first run; new one: `passline accounts passwd {DEMO_OWNER}`)",
        "  Pair a screen     open any page above on it and type a code from /admin → Enrol a device,",
        "                    or `passline devices add kiosk-2 --role kiosk` (see docs/provisioning.md)",
        "Press Ctrl+C to stop. Start again from scratch: `make demo-reset` (or `passline demo --reset`).",
        "",
    ]
    return "\n".join(lines)


def _traffic_line(traffic: float) -> str:
    if traffic > 0:
        return (f"{traffic:g} a second from every origin (about {round(traffic * 3600)} an hour); "
                "simulated cooks (as many as that needs), expo, pickers and a cashier work them")
    return 'off (to turn on: make demo DEMO_ARGS="--traffic 0.5")'


def _lan_address() -> str:
    try:
        address = socket.gethostbyname(socket.gethostname())
    except OSError:
        return "127.0.0.1"
    return "127.0.0.1" if address.startswith("127.") else address


DEMO_PRINTERS = PRINTERS_DEVICE  # the device id devices/simulators/demo_printers.py runs its agent as


def _route_demo_printers(settings: Settings) -> None:
    """Send each station's kitchen tickets to its simulated printer (any other station's to the kitchen's), the
    pass printer as backup; every till's receipts to the simulated receipt printer."""
    from hub.bootstrap import bootstrap
    from hub.domain.printing import ANY_PLACE, KITCHEN_TICKET, RECEIPT, PrinterRef, PrintRoute, SetPrintRoute

    backup = PrinterRef(DEMO_PRINTERS, BACKUP_PRINTER)
    hub = bootstrap(settings)
    try:
        for station, printer in {ANY_PLACE: STATION_PRINTERS["kitchen"], **STATION_PRINTERS}.items():
            hub.bus.handle(SetPrintRoute(PrintRoute(KITCHEN_TICKET, station, PrinterRef(DEMO_PRINTERS, printer), backup)))
        hub.bus.handle(SetPrintRoute(PrintRoute(RECEIPT, ANY_PLACE, PrinterRef(DEMO_PRINTERS, RECEIPT_PRINTER))))
    finally:
        hub.stop()


DEMO_TERMINAL = TERMINAL_DEVICE  # the device id of the agent driving the simulated payment terminal
DEMO_TILLS = ("kiosk-1", "kiosk-2", "counter-1")  # the simulated kiosks and counter pay at that terminal


def _assign_demo_terminal(settings: Settings) -> None:
    """Let every simulated kiosk and the counter take card payments on the simulated terminal."""
    from hub.bootstrap import bootstrap
    from hub.domain.payments import AssignTerminal, TerminalRef

    hub = bootstrap(settings)
    try:
        for till in DEMO_TILLS:
            hub.bus.handle(AssignTerminal(till, TerminalRef(DEMO_TERMINAL, "terminal")))
    finally:
        hub.stop()


class DemoDevices(threading.Thread):
    """Start the simulated printers, terminal, traffic and crew; each enrols with its own claim code.

    This thread starts them and then waits on them, for as long as the demo runs: a child gets
    SIGTERM when the thread that started it ends, so they all end with the demo, even when it
    is SIGKILLed.
    """

    def __init__(self, settings: Settings, traffic: float) -> None:
        super().__init__(name="demo-devices", daemon=True)
        self._settings = settings
        self._traffic = traffic
        self.claims: dict[str, str] = {}
        self.processes: list[subprocess.Popen] = []
        self._lock = threading.Lock()
        self._stopping = False

    def roles(self) -> dict[str, Role]:
        """Return the simulated devices this demo runs, with the role each enrols as."""
        roles = {PRINTERS_DEVICE: Role.AGENT, TERMINAL_DEVICE: Role.AGENT}
        if self._traffic > 0:
            roles.update({KITCHEN_DEVICE: Role.DISPLAY, CASHIER_DEVICE: Role.COUNTER})
            roles.update(dict.fromkeys(TRAFFIC_SENDERS, Role.GATEWAY))
        return roles

    def run(self) -> None:
        """Start the devices, and wait on them."""
        settings = self._settings
        python = sys.executable
        self._start("printers", [PRINTERS_DEVICE], [python, "-m", "devices.simulators.demo_printers",
                                                    "--store", settings.store, "--out", str(settings.data_dir)])
        self._start("payment terminal", [TERMINAL_DEVICE],
                    [python, "-m", "devices.simulators.demo_terminal", "--tcp", "0", "--agent-store", settings.store,
                     "--agent-spool", str(settings.data_dir / "terminal-agent-spool")])
        if self._traffic > 0:
            self._start("kitchen and cashier", [KITCHEN_DEVICE, CASHIER_DEVICE],
                        [python, "-m", "devices.simulators.crew", "--rate", str(self._traffic), "--menu", str(DEMO_CATALOG)])
            self._start("traffic", list(TRAFFIC_SENDERS),
                        [python, "-m", "devices.simulators.traffic", "--store", settings.store,
                         "--rate", str(self._traffic), "--menu", str(DEMO_CATALOG)])
        for process in list(self.processes):
            process.wait()

    def stop(self) -> None:
        """Stop every simulated device and wait a little for each: they leave while their broker is still up."""
        with self._lock:
            self._stopping = True
            processes = list(self.processes)
        for process in processes:
            process.terminate()
        deadline = time.monotonic() + DEVICES_STOP_S
        for process in processes:
            try:
                process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()

    def _start(self, what: str, device_ids: list[str], command: list[str]) -> None:
        claims = {device_id: self.claims[device_id] for device_id in device_ids if device_id in self.claims}
        env = {**os.environ, HUB_URL_ENV: hub_url(self._settings), CLAIMS_ENV: json.dumps(claims),
               CREDENTIALS_ENV: str(self._settings.data_dir / CREDENTIALS_FOLDER)}
        with self._lock:
            if self._stopping:  # Ctrl+C while the devices were still starting
                return
            process = subprocess.Popen(command, env=env, preexec_fn=die_with_parent())
            self.processes.append(process)
        atexit.register(_stop, process)
        logger.info("simulated %s started (pid %s)", what, process.pid)


def hub_url(settings: Settings) -> str:
    """Return where a process on this machine reaches the hub's HTTP API."""
    host = "127.0.0.1" if settings.http_host in ("0.0.0.0", "::", "") else settings.http_host
    return f"http://{host}:{settings.http_port}"


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
