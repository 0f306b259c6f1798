"""Simulated kitchen and receipt printers and an agent wired to them, for `passline demo`.

Run: python -m devices.simulators.demo_printers --mqtt-url mqtt://127.0.0.1:1883 --store demo --out DIR
Every printed ticket's text is appended to DIR/printed.txt.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
from pathlib import Path

from devices.agent.config import AgentConfig, HardwareConfig
from devices.agent.runner import Agent
from devices.simulators.printer import PrinterSimulator
from hub.contracts.demo import DEVICE_URL_ENV

DEVICE_ID = "demo-printers"
URL_ENV = DEVICE_URL_ENV
PRINTERS = ("kitchen", "pass", "receipt")  # stations print in the kitchen, the pass is its backup; receipts and
# the counter's cash drawer are on the receipt printer


def main(argv: list[str] | None = None) -> int:
    """Start the printers and the agent; run until SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m devices.simulators.demo_printers")
    parser.add_argument("--mqtt-url", default=os.environ.get(URL_ENV), required=not os.environ.get(URL_ENV),
                        help=f"the agent's broker login (or ${URL_ENV}, which keeps the password out of ps)")
    parser.add_argument("--store", required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args.out.mkdir(parents=True, exist_ok=True)
    text_file = args.out / "printed.txt"
    sims = [PrinterSimulator(port=0, name=name, text_file=text_file).start() for name in PRINTERS]
    config = AgentConfig(
        device_id=DEVICE_ID, store=args.store, mqtt_url=args.mqtt_url, spool_dir=args.out / "agent-spool",
        hardware=tuple(HardwareConfig(sim.name, "escpos", {"connection": sim.url, "profile": "epson-tm-t88v"})
                       for sim in sims),
    )
    agent = Agent(config)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    agent.start()
    done.wait()
    agent.stop()
    for sim in sims:
        sim.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
