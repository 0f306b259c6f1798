"""`passline printers ...`: list, set and remove print routes from the shell."""

from __future__ import annotations

import sys

from hub.config import Settings
from hub.domain.printing import DOCUMENTS, PrinterRef, PrintRoute, RemovePrintRoute, SetPrintRoute


def printer_ref(text: str) -> PrinterRef:
    """Parse `device_id[:hardware]`."""
    device_id, _, hardware = text.partition(":")
    if not device_id:
        raise ValueError(f"printer {text!r} must be DEVICE_ID or DEVICE_ID:HARDWARE")
    return PrinterRef(device_id, hardware or None)


def run_printers(settings: Settings, args) -> int:
    """Run one `passline printers` action against the store's database."""
    from hub.bootstrap import bootstrap

    hub = bootstrap(settings)
    try:
        if args.action == "list":
            with hub.uow_factory() as uow:
                routes = uow.printing.routes()
            for r in routes:
                backup = f"{r.backup.device_id}:{r.backup.hardware or ''}" if r.backup else "-"
                print(f"{r.document:15} {r.place:12} {r.printer.device_id}:{r.printer.hardware or '':12} backup {backup} ({r.language})")
            if not routes:
                print("no print routes: tickets are not printed (see `passline printers set --help`)")
            return 0
        if args.document not in DOCUMENTS:
            print(f"passline: document must be one of {', '.join(DOCUMENTS)}", file=sys.stderr)
            return 2
        if args.action == "remove":
            if not hub.bus.handle(RemovePrintRoute(args.document, args.station)):
                print(f"passline: no route for {args.document} at {args.station}", file=sys.stderr)
                return 1
            print(f"removed the {args.document} route of {args.station}")
            return 0
        try:
            route = PrintRoute(args.document, args.station, printer_ref(args.printer),
                               printer_ref(args.backup) if args.backup else None, args.language, args.answer_within)
        except ValueError as exc:
            print(f"passline: {exc}", file=sys.stderr)
            return 2
        hub.bus.handle(SetPrintRoute(route))
        print(f"{args.document} for {args.station} prints on {args.printer}" + (f", backup {args.backup}" if args.backup else ""))
        return 0
    finally:
        hub.stop()
