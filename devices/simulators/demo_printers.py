"""Simulated station, pass and receipt printers and an agent wired to them, for `passline demo`.

Run by `passline demo`: python -m devices.simulators.demo_printers --store demo --out DIR
It enrols with the claim code the demo gives it (devices/simulators/enrolment.py), or takes a
login with --mqtt-url. Every printed ticket's text is appended to DIR/printed.txt. The printers take
as long as real thermal printers to print (SPEED_MM_S), so a printer given more tickets than it can
print shows it as a real one would: its tickets move to the backup.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from pathlib import Path

from devices.agent.config import AgentConfig, HardwareConfig
from devices.agent.runner import Agent
from devices.simulators.printer import PrinterSimulator
from devices.simulators.enrolment import broker_url, enrolment
from hub.contracts.demo import BACKUP_PRINTER, PRINTERS_DEVICE, RECEIPT_PRINTER, STATION_PRINTERS

DEVICE_ID = PRINTERS_DEVICE
# The stations' printers, the pass (every station's backup), and the receipt printer with the counter's cash drawer.
PRINTERS = (*dict.fromkeys(STATION_PRINTERS.values()), BACKUP_PRINTER, RECEIPT_PRINTER)
SPEED_MM_S = 200.0  # an Epson TM-T20's print speed: a kitchen ticket takes about half a second


def main(argv: list[str] | None = None) -> int:
    """Start the printers and the agent; run until SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m devices.simulators.demo_printers")
    parser.add_argument("--mqtt-url", help="the agent's broker login (default: enrol with the demo's claim code)")
    parser.add_argument("--store", required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args.out.mkdir(parents=True, exist_ok=True)
    mqtt_url = args.mqtt_url or broker_url(enrolment(DEVICE_ID))
    text_file = args.out / "printed.txt"
    sims = [PrinterSimulator(port=0, name=name, text_file=text_file, speed_mm_s=SPEED_MM_S).start() for name in PRINTERS]
    config = AgentConfig(
        device_id=DEVICE_ID, store=args.store, mqtt_url=mqtt_url, spool_dir=args.out / "agent-spool",
        hardware=tuple(HardwareConfig(sim.name, "escpos", {"connection": sim.url, "profile": "epson-tm-t88v"})
                       for sim in sims),
    )
    agent = Agent(config)
    done = threading.Event()
    def stop(*_) -> None:
        logging.disable(logging.WARNING)  # Ctrl+C stops the broker too: "lost the broker" would only be noise
        done.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    agent.start()
    done.wait()
    agent.stop()
    for sim in sims:
        sim.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
