"""The demo's simulated ZVT payment terminal with its agent, enrolled with the demo's claim code.

Run by `passline demo`: python -m devices.simulators.demo_terminal --agent-spool DIR (and the
other options of devices.simulators.zvt_terminal).
"""

from __future__ import annotations

import logging
import os
import sys

from devices.simulators import zvt_terminal
from devices.simulators.enrolment import broker_url, enrolment
from hub.contracts.demo import TERMINAL_DEVICE

DEVICE_URL_ENV = "PASSLINE_DEVICE_MQTT_URL"  # where zvt_terminal reads its agent's login (out of ps)


def main(argv: list[str] | None = None) -> int:
    """Enrol (or read the kept enrolment), then run the terminal and its agent."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    os.environ[DEVICE_URL_ENV] = broker_url(enrolment(TERMINAL_DEVICE))
    return zvt_terminal.main(["--agent-device-id", TERMINAL_DEVICE, *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    raise SystemExit(main())
