"""`passline demo`: a whole café on one machine, in one command."""

from __future__ import annotations

import atexit
import logging
import socket
import subprocess
import sys

from hub.adapters.db.migrate import upgrade
from hub.config import Settings
from hub.demo import DEMO_CATALOG
from hub.entrypoints.catalog_import import import_catalog

logger = logging.getLogger(__name__)

TRAFFIC_START_DELAY_S = 3  # let the hub and its broker come up before simulated devices connect


def run_demo(settings: Settings, *, traffic: float = 0.0) -> int:
    """Create the database, load the demo catalog, print where to look, and serve."""
    from hub.entrypoints.server import serve

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)
    count, _ = import_catalog(settings, DEMO_CATALOG)
    print(banner(settings, count, traffic), flush=True)
    if traffic > 0:
        _start_traffic(settings, traffic)
    serve(settings)
    return 0


def banner(settings: Settings, items: int, traffic: float) -> str:
    """Return the text that tells a person what to open."""
    host = _lan_address() if settings.http_host in ("0.0.0.0", "::") else settings.http_host
    http = f"http://{host}:{settings.http_port}"
    mqtt = settings.mqtt.address.replace("127.0.0.1", host) if settings.embedded_broker else settings.mqtt.address
    lines = [
        "",
        f"Passline demo — store '{settings.store}', {items} catalog items, data in {settings.data_dir}",
        f"  Start page        {http}/",
        f"  Admin and health  {http}/admin",
        f"  Order queue       {http}/api/v1/queue",
        f"  Devices           {http}/api/v1/devices",
        f"  Place an order    POST {http}/api/v1/orders",
        f"  MQTT broker       {mqtt}" + (" (embedded, anonymous logins allowed)" if settings.embedded_broker else ""),
        f"  Simulated orders  {_traffic_line(traffic)}",
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


def _start_traffic(settings: Settings, rate: float) -> None:
    target = settings.mqtt
    url = f"mqtt://{target.host}:{target.port}"
    command = [sys.executable, "-c",
               f"import time; time.sleep({TRAFFIC_START_DELAY_S}); from devices.simulators.traffic import main; main()",
               "--mqtt-url", url, "--store", settings.store, "--rate", str(rate), "--menu", str(DEMO_CATALOG)]
    process = subprocess.Popen(command)
    atexit.register(_stop, process)
    logger.info("simulated traffic started (pid %s)", process.pid)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
