"""A hub on Mosquitto with a grill printer and a pass printer behind one agent process, for printing tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devices.simulators.printer import PrinterSimulator
from tests.conftest import make_settings, prepare_database, start_hub
from tests.support.agent_process import AgentProcess, write_agent_config
from tests.support.identities import owner_client

AGENT = "printers-1"


@dataclass
class PrinterPair:
    """What a printing test drives and reads: the owner's client, the hub, both printers, the stations' warnings."""

    client: Any
    hub: Any
    grill: PrinterSimulator
    passp: PrinterSimulator
    agent: AgentProcess
    warnings: list[dict] = field(default_factory=list)


@contextmanager
def printer_pair(tmp_path: Path, mqtt_url: str, store: str = "test") -> Iterator[PrinterPair]:
    """Start the hub, the two simulated ESC/POS printers and their agent; no print routes are set."""
    settings = make_settings(tmp_path, mqtt_url=mqtt_url)
    prepare_database(settings)
    hub, app = start_hub(settings)
    warnings: list[dict] = []
    live = hub.notifier.send
    hub.notifier.send = lambda event, data: (warnings.append(data) if event == "printer.warning" else None, live(event, data))
    grill = PrinterSimulator(port=0, name="grill").start()
    passp = PrinterSimulator(port=0, name="pass").start()
    config = write_agent_config(tmp_path / "agent.toml", device_id=AGENT, store=store, mqtt_url=mqtt_url,
                                spool_dir=tmp_path / "spool",
                                hardware=[{"name": "grill", "type": "escpos", "connection": grill.url, "poll_s": 0.5},
                                          {"name": "pass", "type": "escpos", "connection": passp.url, "poll_s": 0.5}])
    agent = AgentProcess(config).start()
    try:
        yield PrinterPair(owner_client(app), hub, grill, passp, agent, warnings)
    finally:
        agent.stop()
        hub.stop()
        grill.stop()
        passp.stop()
