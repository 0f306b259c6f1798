"""The suite's check that every message the hub sends fits its contract (hub/adapters/contract_check.py).

The suite's conftest turns the check on for this process and every hub it starts (they inherit the
environment), with one report file in a temp folder; when the session ends, a report with any line
in it fails the run and lists the misfits.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from hub.adapters.contract_check import CHECK_ENV, REPORT_ENV


def turn_on() -> Path:
    """Check outgoing messages in this process and its children; return the report file."""
    os.environ[CHECK_ENV] = "1"
    if not os.environ.get(REPORT_ENV):
        os.environ[REPORT_ENV] = str(Path(tempfile.mkdtemp(prefix="passline-contracts-")) / "misfits.jsonl")
    return Path(os.environ[REPORT_ENV])


def misfits(report: Path) -> list[dict]:
    """Return the messages written down as not fitting their contracts."""
    if not report.exists():
        return []
    return [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines() if line.strip()]


def summary(found: list[dict], limit: int = 20) -> str:
    """Say which messages broke their contracts, the first `limit` of them."""
    lines = [f"{len(found)} outgoing message(s) broke their contracts (hub/contracts/outgoing.py):"]
    lines += [f"  {m['channel']} {m['where']}: {m['problem']}" for m in found[:limit]]
    return "\n".join(lines)
