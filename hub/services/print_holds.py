"""What staff read about held prints, and whether a printer is ready for them again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hub.domain.presence import Presence
from hub.domain.printing import HELD_ALERT_AFTER, KITCHEN_TICKET, RECEIPT_HOLD, PrinterRef, PrintRequest


PROBLEM_WORDS = {"paper_out": "paper out", "cover_open": "cover open", "offline": "off or not connected",
                 "no_answer": "not answering", "expired": "not answering"}


def problem_words(error: str | None) -> str:
    """Return a printer error code as staff say it."""
    return PROBLEM_WORDS.get(error or "", (error or "a problem").replace("_", " "))


def held_words(request: PrintRequest, number: str, printer: str) -> str:
    """Say that a print waits, why, and that it comes out by itself."""
    what = f"The ticket of order {number}" if request.document == KITCHEN_TICKET else f"The receipt of order {number}"
    return (f"{what} is waiting (printer {printer}: {problem_words(request.error)}). "
            "It prints by itself when the printer is ready.")


def held_report(held: list[PrintRequest], now: datetime) -> dict[str, Any]:
    """Say, per printer and problem, how many prints wait; `ok` is False once one has waited HELD_ALERT_AFTER."""
    groups: dict[tuple[str, str, str], list[PrintRequest]] = {}
    for request in held:
        groups.setdefault((request.document, request.current_printer().label, problem_words(request.error)), []).append(request)
    lines = []
    for (document, printer, problem), requests in groups.items():
        kind, noun = ("Kitchen printer", "ticket") if document == KITCHEN_TICKET else ("Receipt printer", "receipt")
        count = len(requests)
        lines.append(f"{kind} {printer}: {problem} — {count} {noun}{'' if count == 1 else 's'} waiting")
    oldest = min((r.held_since or now for r in held), default=None)
    ok = oldest is None or now - oldest < HELD_ALERT_AFTER
    waiting = [{"print_id": r.print_id, "order_id": r.order_id, "held_since": (r.held_since or now).isoformat(),
                "words": held_words(r, r.payload["document"].get("order_number", ""), r.current_printer().label)}
               for r in held]
    return {"ok": ok, "held": len(held), "waiting": waiting, "detail": "; ".join(lines) or "every print came out",
            "fix": None if ok else ("See to the printer (paper, cover, power): the waiting prints come out by themselves "
                                    "as soon as it says it is ready, each once. Or press Print again below. "
                                    f"A receipt waiting over {int(RECEIPT_HOLD.total_seconds() // 60)} minutes is dropped "
                                    "(its customer has left); reprint it from the order if asked.")}


def ready_since(presence: Presence, printer: PrinterRef) -> datetime | None:
    """Return when the printer's agent last said it is ready to print, or None while it is not.

    An agent's retained status lists each printer's health by its hardware name; a route
    without a hardware name prints on the agent's only printer."""
    state = next((d for d in presence.devices() if d.device_id == printer.device_id), None)
    if state is None or not state.online:
        return None
    if printer.hardware is not None:
        health = [state.health.get(printer.hardware)]
    else:
        health = [h for h in state.health.values() if isinstance(h, dict) and h.get("kind") == "printer"]
    return state.since if health and all(isinstance(h, dict) and h.get("ready") is True for h in health) else None
