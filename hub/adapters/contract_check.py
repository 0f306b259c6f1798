"""Check, when asked, that every message the hub sends fits its contract, and write down any that does not.

With PASSLINE_CHECK_CONTRACTS=1 (the test suite sets it, for the hubs it starts too) each MQTT
publish and each Socket.IO emit is validated against hub/contracts/outgoing.py. A message that
does not fit is still sent (production code never raises for it): the misfit is appended as one
JSON line to the file PASSLINE_CONTRACT_REPORT names, which the suite reads when it finishes.
Off (the default), a check is one look at the environment.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from typing import Any

from hub.contracts.outgoing import ack_problem, mqtt_problem, socket_problem

logger = logging.getLogger(__name__)

CHECK_ENV = "PASSLINE_CHECK_CONTRACTS"
REPORT_ENV = "PASSLINE_CONTRACT_REPORT"

_write_lock = threading.Lock()


def checking() -> bool:
    """Say whether outgoing messages are checked against their contracts."""
    return os.environ.get(CHECK_ENV) == "1"


def check_mqtt(topic: str, message: Any) -> None:
    """Write down an MQTT envelope that does not fit its contract."""
    if checking():
        _record("mqtt", topic, _safely(mqtt_problem, message))


def check_socket(namespace: str, event: str, data: Any) -> None:
    """Write down a Socket.IO event that does not fit its contract."""
    if checking():
        _record("socket.io", f"{namespace} {event}", _safely(socket_problem, namespace, event, data))


def check_ack(namespace: str, event: str, data: Any) -> None:
    """Write down the acknowledgement of a screen's event that does not fit its contract."""
    if checking():
        _record("socket.io ack", f"{namespace} {event}", _safely(ack_problem, namespace, event, data))


def _safely(find, *args: Any) -> str | None:
    try:
        return find(*args)
    except Exception as exc:  # noqa: BLE001 - a check must never stop a message
        return f"the check failed: {type(exc).__name__}: {exc}"


def _record(channel: str, where: str, problem: str | None) -> None:
    if problem is None:
        return
    logger.error("outgoing %s message on %s breaks its contract: %s", channel, where, problem)
    path = os.environ.get(REPORT_ENV)
    if not path:
        return
    line = json.dumps({"channel": channel, "where": where, "problem": problem, "pid": os.getpid()})
    try:
        with _write_lock, open(path, "a", encoding="utf-8") as report:
            report.write(line + "\n")
    except OSError:
        logger.exception("could not write the contract report %s", path)
