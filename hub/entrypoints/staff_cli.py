"""`passline staff add|list`, and the demo's staff and cash drawer."""

from __future__ import annotations

import getpass
import sys

from hub.config import Settings
from hub.domain.staff import AddStaff, StaffRefused

# Demo only: anyone who reads this file knows these PINs. A real store adds its own staff.
DEMO_STAFF = (("demo-sam", "Sam", "cashier", "1111"), ("demo-morgan", "Morgan", "manager", "9999"))
DEMO_COUNTER = "counter-1"


def run_staff(settings: Settings, args) -> int:
    """Run one `passline staff` action against the store's database."""
    from hub.bootstrap import bootstrap
    from hub.services.staff import new_staff_id

    hub = bootstrap(settings)
    try:
        if args.action == "list":
            with hub.uow_factory() as uow:
                members = uow.staff.members()
            for member in members:
                print(f"{member.name:30} {member.role:8} {'active' if member.active else 'inactive':8} {member.staff_id}")
            if not members:
                print("no staff yet: add some with `passline staff add NAME --role cashier`")
            return 0
        pin = args.pin or _ask_pin()
        try:
            member = hub.bus.handle(AddStaff(new_staff_id(), args.name, args.role, pin))
        except StaffRefused as refusal:
            print(f"passline: {refusal.message}", file=sys.stderr)
            return 2
        print(f"added {member.name} as {member.role} ({member.staff_id}); the PIN is stored only as a salted hash")
        return 0
    finally:
        hub.stop()


def _ask_pin() -> str:
    first = getpass.getpass("PIN (4 to 8 digits): ")
    if getpass.getpass("PIN again: ") != first:
        print("passline: the two PINs differ", file=sys.stderr)
        raise SystemExit(2)
    return first


def add_demo_staff(settings: Settings, printer_device: str, printer_hardware: str) -> None:
    """Give the demo a cashier and a manager (demo PINs), and a cash drawer on counter-1's receipt printer."""
    from hub.bootstrap import bootstrap
    from hub.domain.printing import PrinterRef
    from hub.domain.till import SetCashDrawer

    hub = bootstrap(settings)
    try:
        with hub.uow_factory() as uow:
            known = {m.staff_id for m in uow.staff.members()}
        for staff_id, name, role, pin in DEMO_STAFF:
            if staff_id not in known:
                try:
                    hub.bus.handle(AddStaff(staff_id, name, role, pin))
                except StaffRefused as refusal:  # someone took the demo PIN for a real member: keep theirs
                    print(f"passline demo: {name} not added: {refusal.message}", file=sys.stderr)
        hub.bus.handle(SetCashDrawer(DEMO_COUNTER, PrinterRef(printer_device, printer_hardware)))
    finally:
        hub.stop()
