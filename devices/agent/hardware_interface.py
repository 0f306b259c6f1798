"""The interface every piece of hardware the agent drives implements (see DEVICE_SEAMS.md §2)."""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from hub.contracts.jobs import JobOut

Report = Callable[[str, dict], None]
"""report(event_type, data): an unsolicited event, e.g. ("key.pressed", {"key": "enter"})."""


@dataclass(frozen=True)
class JobOutcome:
    """How one job ended on the hardware."""

    ok: bool
    error: str | None = None  # machine code: offline, paper_out, cover_open, no_answer, expired, declined, ...
    message: str | None = None  # words a store manager understands
    detail: dict[str, Any] = field(default_factory=dict)  # never a card number


class Hardware(abc.ABC):
    """One named piece of hardware in the agent's config."""

    kind: ClassVar[str]  # "printer", "terminal", "bumpbar", "scanner", "display"
    job_kinds: ClassVar[tuple[str, ...]] = ()  # job kinds it takes, e.g. ("print", "drawer") or ("pay",)

    def __init__(self, name: str, options: dict, report: Report) -> None:
        self.name = name
        self.options = dict(options)
        self.report = report

    def start(self) -> None:
        """Open ports and threads; never raise for a missing device (show it in health)."""

    def stop(self) -> None:
        """Close ports and stop threads."""

    def health(self) -> dict:
        """Return health for the retained status, e.g. {"online": True, "paper": "ok", "error": None}."""
        return {"online": True, "error": None}

    @abc.abstractmethod
    def run(self, job: JobOut) -> JobOutcome:
        """Do one job; blocking, on the agent's job thread."""

    def recover(self, job: JobOut) -> JobOutcome | None:
        """Settle a job started but not finished before an agent restart; None = run it again."""
        return None
