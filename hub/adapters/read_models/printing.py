"""Print routes and prints as the web API shows them."""

from __future__ import annotations

from typing import Any

from hub.domain.moments import iso_time
from hub.domain.printing import PrinterRef, PrintRequest, PrintRoute


def route_view(route: PrintRoute) -> dict[str, Any]:
    """Return a route as JSON."""
    def ref(p: PrinterRef | None):
        return {"device_id": p.device_id, "hardware": p.hardware} if p else None

    return {"document": route.document, "station": route.place, "printer": ref(route.printer),
            "backup": ref(route.backup), "language": route.language, "answer_within_s": route.answer_within_s}


def print_view(p: PrintRequest) -> dict[str, Any]:
    """Return a print as JSON."""
    return {"print_id": p.print_id, "document": p.document, "station": p.place, "order_id": p.order_id,
            "state": p.state.value, "on_backup": p.on_backup, "reprint": p.reprint, "printed_by": p.printed_by,
            "error": p.error, "message": p.message, "job_ids": p.job_ids,
            "created_at": iso_time(p.created_at, utc_as_z=False), "held_since": iso_time(p.held_since, utc_as_z=False)}
