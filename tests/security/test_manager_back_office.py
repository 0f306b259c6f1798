"""A manager signed in at a till opens the back office and sees what a manager may; nobody else gets in that way."""

from __future__ import annotations

import re

from tests.support.identities import screen_client
from tests.support.staff import CASHIER_PIN, MANAGER_PIN, ensure_staff


def _signed_in_till(app, hub, pin: str, device_id: str = "counter-1"):
    ensure_staff(hub)
    till = screen_client(app, device_id, "counter")
    reply = till.post("/api/v1/staff/sessions", json={"pin": pin, "device_id": device_id})
    assert reply.status_code == 201, reply.get_json()
    return till, {"Authorization": f"Bearer {reply.get_json()['token']}"}


def test_a_manager_at_a_till_opens_the_back_office_and_sees_what_a_manager_may(app, hub):
    till, bearer = _signed_in_till(app, hub, MANAGER_PIN)
    reply = till.post("/api/v1/staff/back-office", headers=bearer, json={})
    assert reply.status_code == 200 and reply.get_json() == {"url": "/admin"}
    cookie = reply.headers["Set-Cookie"]
    assert "passline_staff=" in cookie and "Path=/admin" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    page = till.get("/admin").get_data(as_text=True)
    assert re.search(r"Signed in as <strong>Morgan</strong> \(manager\)\s+at the till counter-1", page)
    assert "Sign out and go back to the till" in page
    assert "<h2>Staff</h2>" in page and "<td>Sam</td>" in page  # a manager manages staff
    assert "Enrolled devices" not in page and "Enrol a device" not in page  # devices are store IT's
    assert "<h2>Accounts</h2>" not in page


def test_going_back_to_the_till_ends_the_managers_session(app, hub):
    till, bearer = _signed_in_till(app, hub, MANAGER_PIN)
    till.post("/api/v1/staff/back-office", headers=bearer, json={})
    reply = till.post("/admin/leave")
    assert reply.status_code == 302 and reply.location == "/counter/counter-1"
    assert till.get("/api/v1/staff/sessions/current", headers=bearer).status_code == 401
    assert till.get("/admin").status_code == 403  # the till alone holds no back office


def test_a_cashier_cannot_open_the_back_office(app, hub):
    till, bearer = _signed_in_till(app, hub, CASHIER_PIN)
    reply = till.post("/api/v1/staff/back-office", headers=bearer, json={})
    assert reply.status_code == 403 and reply.get_json()["code"] == "forbidden"
    assert "passline_staff" not in reply.headers.get("Set-Cookie", "")


def test_the_back_office_cookie_opens_nothing_but_the_back_office(app, hub):
    till, bearer = _signed_in_till(app, hub, MANAGER_PIN)
    till.post("/api/v1/staff/back-office", headers=bearer, json={})
    # The cookie is sent to /admin only: the till's API calls still need the bearer.
    assert till.get("/api/v1/orders?q=Alice").status_code == 403
    # On another screen the manager's session is worth nothing.
    other = screen_client(app, "counter-2", "counter")
    token = bearer["Authorization"].split()[1]
    other.set_cookie("passline_staff", token, path="/admin")
    assert other.get("/admin").status_code == 403


def test_signing_out_at_the_till_clears_the_back_office_cookie(app, hub):
    till, bearer = _signed_in_till(app, hub, MANAGER_PIN)
    till.post("/api/v1/staff/back-office", headers=bearer, json={})
    reply = till.delete("/api/v1/staff/sessions/current", headers=bearer)
    assert reply.status_code == 204
    assert "passline_staff=;" in reply.headers["Set-Cookie"] and "Path=/admin" in reply.headers["Set-Cookie"]
    assert till.get("/admin").status_code == 403
