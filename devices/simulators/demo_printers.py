"""Simulated kitchen and receipt printers and an agent wired to them, for `passline demo`.

Run by `passline demo`: python -m devices.simulators.demo_printers --store demo --out DIR
It enrols with the claim code the demo gives it (devices/simulators/enrolment.py), or takes a
login with --mqtt-url. Every printed ticket's text is appended to DIR/printed.txt.
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
from hub.contracts.demo import PRINTERS_DEVICE

DEVICE_ID = PRINTERS_DEVICE
PRINTERS = ("kitchen", "pass", "receipt")  # stations print in the kitchen, the pass is its backup; receipts and
# the counter's cash drawer are on the receipt printer


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
    sims = [PrinterSimulator(port=0, name=name, text_file=text_file).start() for name in PRINTERS]
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
