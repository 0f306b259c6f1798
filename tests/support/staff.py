"""Staff for tests: a manager to approve refunds and discounts, a cashier to sign in."""

from __future__ import annotations

from hub.domain.staff import AddStaff, StaffRefused

MANAGER_PIN = "9999"
CASHIER_PIN = "1111"


def ensure_staff(hub) -> None:
    """Take on the demo's manager Morgan and cashier Sam, once per database."""
    for staff_id, name, role, pin in (("staff-morgan", "Morgan", "manager", MANAGER_PIN),
                                      ("staff-sam", "Sam", "cashier", CASHIER_PIN)):
        try:
            hub.bus.handle(AddStaff(staff_id, name, role, pin))
        except StaffRefused as refusal:
            assert refusal.code == "pin_taken", refusal.message


def approval(client, hub, action: str = "refund", device_id: str = "counter-1") -> str:
    """Return a fresh one-use approval token from the manager's PIN, as the counter gets it."""
    ensure_staff(hub)
    reply = client.post("/api/v1/staff/approvals", json={"pin": MANAGER_PIN, "action": action, "device_id": device_id})
    assert reply.status_code == 201, reply.get_json()
    return reply.get_json()["approval"]


def sign_in(client, hub, pin: str = CASHIER_PIN, device_id: str = "counter-1") -> str:
    """Return a bearer token for a signed-in member."""
    ensure_staff(hub)
    reply = client.post("/api/v1/staff/sessions", json={"pin": pin, "device_id": device_id})
    assert reply.status_code == 201, reply.get_json()
    return reply.get_json()["token"]
