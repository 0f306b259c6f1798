"""`passline demo`: a whole café on one machine, in one command."""

from __future__ import annotations

import atexit
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time

from hub.contracts.demo import DEVICE_URL_ENV, TRAFFIC_LOGINS_ENV, TRAFFIC_SENDERS
from hub.adapters.child_process import die_with_parent
from hub.adapters.db.migrate import upgrade
from hub.config import Settings
from hub.demo import DEMO_CATALOG
from hub.domain.access import Role
from hub.entrypoints.catalog_import import import_catalog
from hub.entrypoints.staff_cli import add_demo_staff

logger = logging.getLogger(__name__)

DEMO_OWNER = "owner"
BROKER_WAIT_S = 60  # how long the simulated devices wait for the hub's broker to take their logins


def run_demo(settings: Settings, *, traffic: float = 0.0) -> int:
    """Create the database, load the demo catalog, print where to look, and serve."""
    from hub.entrypoints.server import serve

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)
    count, _ = import_catalog(settings, DEMO_CATALOG)
    _route_demo_printers(settings)
    _assign_demo_terminal(settings)
    add_demo_staff(settings, DEMO_PRINTERS, "receipt")  # Sam 1111 (cashier), Morgan 9999 (manager): demo PINs only
    password = _demo_owner(settings)
    print(banner(settings, count, traffic, password), flush=True)
    DemoDevices(settings, traffic).start()
    serve(settings)
    return 0


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
        f"  Printed tickets   {settings.data_dir / 'printed.txt'} (simulated printers 'kitchen', 'pass' and 'receipt')",
        f"  Card payments     POST {http}/api/v1/orders/<id>/payments {{\"device_id\": \"kiosk-1\"}} (simulated ZVT terminal)",
        "  Counter staff     Sam PIN 1111 (cashier), Morgan PIN 9999 (manager) — demo PINs, add real staff with `passline staff add`",
        f"  Owner sign-in     {DEMO_OWNER} / {owner_password}  (shown this once: write it down)" if owner_password else
        f"  Owner sign-in     {DEMO_OWNER} (password shown on the first run; new one: `passline accounts passwd {DEMO_OWNER}`)",
        "  Pair a screen     open any page above on it and type a code from /admin → Enrol a device,",
        "                    or `passline devices add kiosk-2 --role kiosk` (see docs/provisioning.md)",
        "Press Ctrl+C to stop.",
        "",
    ]
    return "\n".join(lines)


def _traffic_line(traffic: float) -> str:
    if traffic > 0:
        return f"{traffic:g} orders per second from every origin"
    return 'off (to turn on: make demo DEMO_ARGS="--traffic 0.5")'


def _lan_address() -> str:
    try:
        address = socket.gethostbyname(socket.gethostname())
    except OSError:
        return "127.0.0.1"
    return "127.0.0.1" if address.startswith("127.") else address


DEMO_PRINTERS = "demo-printers"  # the device id devices/simulators/demo_printers.py runs its agent as


def _route_demo_printers(settings: Settings) -> None:
    """Send every station's kitchen ticket to the simulated kitchen printer, the pass printer as backup;
    every till's receipts to the simulated receipt printer."""
    from hub.bootstrap import bootstrap
    from hub.domain.printing import ANY_PLACE, KITCHEN_TICKET, RECEIPT, PrinterRef, PrintRoute, SetPrintRoute

    hub = bootstrap(settings)
    try:
        hub.bus.handle(SetPrintRoute(PrintRoute(KITCHEN_TICKET, ANY_PLACE, PrinterRef(DEMO_PRINTERS, "kitchen"),
                                                PrinterRef(DEMO_PRINTERS, "pass"))))
        hub.bus.handle(SetPrintRoute(PrintRoute(RECEIPT, ANY_PLACE, PrinterRef(DEMO_PRINTERS, "receipt"))))
    finally:
        hub.stop()


DEMO_TERMINAL = "demo-terminal"  # the device id of the agent driving the simulated payment terminal
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
    """Start the simulated printers, terminal and traffic once the broker is up, each with its own login.

    This thread starts them and then waits on them, for as long as the demo runs: a child gets
    SIGTERM when the thread that started it ends, so they all end with the demo, even when it
    is SIGKILLed.
    """

    def __init__(self, settings: Settings, traffic: float) -> None:
        super().__init__(name="demo-devices", daemon=True)
        self._settings = settings
        self._traffic = traffic
        self.processes: list[subprocess.Popen] = []

    def run(self) -> None:
        """Wait for the broker, make the devices' logins, start them, and wait on them."""
        from hub.bootstrap import make_device_logins

        logins = make_device_logins(self._settings)
        login = self._first_login(logins)
        if login is None:
            return
        settings = self._settings
        self._start("printers", [sys.executable, "-m", "devices.simulators.demo_printers", "--store", settings.store,
                                 "--out", str(settings.data_dir)], {DEVICE_URL_ENV: login.url})
        terminal = logins.create(DEMO_TERMINAL, Role.AGENT)
        self._start("payment terminal", [sys.executable, "-m", "devices.simulators.zvt_terminal", "--tcp", "0",
                                         "--agent-store", settings.store, "--agent-device-id", DEMO_TERMINAL,
                                         "--agent-spool", str(settings.data_dir / "terminal-agent-spool")],
                    {DEVICE_URL_ENV: terminal.url})
        if self._traffic > 0:
            # The simulated kiosks and counter send orders over MQTT as the gateways do, so they get a gateway's login.
            urls = {device_id: logins.create(device_id, Role.GATEWAY).url for device_id in TRAFFIC_SENDERS}
            self._start("traffic", [sys.executable, "-m", "devices.simulators.traffic", "--store", settings.store,
                                    "--rate", str(self._traffic), "--menu", str(DEMO_CATALOG)],
                        {TRAFFIC_LOGINS_ENV: json.dumps(urls)})
        for process in self.processes:
            process.wait()

    def _first_login(self, logins):
        from hub.adapters.mqtt.dynsec import DynamicSecurityError
        from hub.adapters.mqtt.mosquitto_supervisor import BrokerStartError

        deadline = time.monotonic() + BROKER_WAIT_S
        while True:
            try:
                return logins.create(DEMO_PRINTERS, Role.AGENT)
            except (DynamicSecurityError, BrokerStartError) as exc:
                if time.monotonic() > deadline:
                    logger.error("no simulated devices: cannot make their broker logins: %s", exc)
                    return None
                time.sleep(0.5)

    def _start(self, what: str, command: list[str], env: dict[str, str]) -> None:
        process = subprocess.Popen(command, env={**os.environ, **env}, preexec_fn=die_with_parent())
        self.processes.append(process)
        atexit.register(_stop, process)
        logger.info("simulated %s started (pid %s)", what, process.pid)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
