"""Claim-code enrolment over HTTP: one use, one answer for every bad code, hashed at rest, revoked at once."""

from __future__ import annotations

import logging
import sqlite3
import threading
from datetime import timedelta

import pytest

from hub.bootstrap import bootstrap
from hub.domain.enrolment import AccessRefused, ClaimDevice, CreateClaim
from hub.services import access
from tests.fakes import FakeDeviceLogins
from tests.integration.access_support import OWNER_PASSWORD, app, clock, hub, logins, new_code, owner  # noqa: F401
from tests.support.staff import CASHIER_PIN, ensure_staff


def test_a_screen_claims_its_code_once_and_gets_a_strict_httponly_cookie(owner, app):
    made = new_code(owner, "kiosk-1", "kiosk")
    assert set(made) >= {"device_id", "role", "claim_code", "expires_at", "qr_svg"}
    assert made["qr_svg"].startswith("<svg") and len(made["claim_code"]) == 10
    screen = app.test_client()
    reply = screen.post("/api/v1/devices/claim", json={"code": made["claim_code"].lower()})
    assert reply.status_code == 200
    assert reply.get_json() == {"device_id": "kiosk-1", "role": "kiosk"}
    cookie = reply.headers["Set-Cookie"]
    assert cookie.startswith("passline_device=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Path=/" in cookie and reply.headers["Cache-Control"] == "no-store"


def test_a_used_a_wrong_and_an_expired_code_all_get_the_same_answer(owner, app, clock):
    used = new_code(owner, "kiosk-1", "kiosk")["claim_code"]
    expired = new_code(owner, "kiosk-2", "kiosk", ttl_minutes=30)["claim_code"]
    device = app.test_client()
    assert device.post("/api/v1/devices/claim", json={"code": used}).status_code == 200
    clock.now += timedelta(minutes=30)
    answers = [device.post("/api/v1/devices/claim", json={"code": code}) for code in
               (used, expired, "ABCDEFGHJK", "not even a code")]
    assert {a.status_code for a in answers} == {400}
    assert all(a.get_json() == answers[0].get_json() for a in answers)
    assert answers[0].get_json()["code"] == "invalid_claim"
    assert "passline_device" not in str(answers[1].headers)


def test_two_hubs_claiming_one_code_at_once_enrol_it_once(settings, hub):
    code = hub.bus.handle(CreateClaim("printers-1", "agent")).code
    others = [bootstrap(settings, device_logins=FakeDeviceLogins()) for _ in range(2)]
    outcomes, start = [], threading.Barrier(2)

    def claim(other):
        start.wait()
        try:
            outcomes.append(other.bus.handle(ClaimDevice(code)).mqtt.username)
        except AccessRefused as refusal:
            outcomes.append(refusal.code)

    threads = [threading.Thread(target=claim, args=(other,)) for other in others]
    [t.start() for t in threads]
    [t.join(20) for t in threads]
    [other.stop() for other in others]
    assert sorted(outcomes) == ["invalid_claim", "printers-1"]


def test_an_agent_gets_its_own_broker_login_and_its_configuration(owner, app, logins):
    code = new_code(owner, "printers-1", "agent")["claim_code"]
    reply = app.test_client().post("/api/v1/devices/claim", json={"code": code})
    body = reply.get_json()
    assert reply.status_code == 200 and "Set-Cookie" not in reply.headers
    assert body["mqtt"]["username"] == "printers-1" and body["mqtt"]["password"] == logins.logins["printers-1"][1]
    assert body["config"] == {"store": "test", "topics_root": "passline/test"} and "token" not in body


def test_without_a_broker_an_mqtt_claim_is_503_and_the_code_still_works_later(settings, owner, app, logins):
    code = new_code(owner, "printers-1", "agent")["claim_code"]
    logins.fail = True
    refused = app.test_client().post("/api/v1/devices/claim", json={"code": code})
    assert refused.status_code == 503 and refused.get_json()["code"] == "broker_unavailable"
    logins.fail = False
    assert app.test_client().post("/api/v1/devices/claim", json={"code": code}).status_code == 200
    no_broker = bootstrap(settings)  # what the hub is until the broker part hands it a DeviceLogins
    try:
        with pytest.raises(AccessRefused) as refused:
            no_broker.bus.handle(ClaimDevice(no_broker.bus.handle(CreateClaim("lights", "gadget")).code))
        assert refused.value.status == 503 and refused.value.code == "broker_unavailable"
    finally:
        no_broker.stop()


def test_a_gateway_gets_a_bearer_token_and_a_broker_login_when_it_asks(owner, app):
    code = new_code(owner, "webshop", "gateway")["claim_code"]
    body = app.test_client().post("/api/v1/devices/claim", json={"code": code, "mqtt": True}).get_json()
    assert body["token"].startswith("pld_") and body["mqtt"]["username"] == "webshop"


def test_revoking_kills_a_gateway_token_and_a_screen_cookie_at_once(owner, app, hub, clock, logins):
    screen = app.test_client()
    screen.post("/api/v1/devices/claim", json={"code": new_code(owner, "kiosk-1", "kiosk")["claim_code"]})
    cookie = screen.get_cookie("passline_device").value
    token = app.test_client().post("/api/v1/devices/claim",
                                   json={"code": new_code(owner, "webshop", "gateway")["claim_code"], "mqtt": True}
                                   ).get_json()["token"]

    def kinds():
        with hub.uow_factory() as uow:
            return [access.identify(uow, account_token=None, device_token=cookie, bearer=None, now=clock()).kind,
                    access.identify(uow, account_token=None, device_token=None, bearer=token, now=clock()).kind]

    assert kinds() == ["device", "device"]
    for device_id in ("kiosk-1", "webshop"):
        reply = owner.post(f"/api/v1/devices/{device_id}/revoke")
        assert reply.status_code == 200 and reply.get_json()["state"] == "revoked"
    assert kinds() == ["anonymous", "anonymous"]
    assert logins.removed == ["webshop"] and "webshop" not in logins.logins
    listed = {d["device_id"]: d for d in owner.get("/api/v1/devices/enrolled").get_json()["devices"]}
    assert listed["kiosk-1"]["state"] == "revoked" and listed["kiosk-1"]["online"] is False
    assert owner.post("/api/v1/devices/nobody/revoke").status_code == 404


def test_enrolling_an_id_again_makes_a_fresh_credential_and_kills_the_old_one(owner, app, hub, clock):
    first, second = app.test_client(), app.test_client()
    first.post("/api/v1/devices/claim", json={"code": new_code(owner, "kiosk-1", "kiosk")["claim_code"]})
    stale = new_code(owner, "kiosk-1", "kiosk")["claim_code"]
    fresh = new_code(owner, "kiosk-1", "counter")["claim_code"]  # the newest code replaces older unused ones
    assert second.post("/api/v1/devices/claim", json={"code": stale}).status_code == 400
    assert second.post("/api/v1/devices/claim", json={"code": fresh}).get_json()["role"] == "counter"
    with hub.uow_factory() as uow:
        old = access.identify(uow, account_token=None, device_token=first.get_cookie("passline_device").value,
                              bearer=None, now=clock())
        new = access.identify(uow, account_token=None, device_token=second.get_cookie("passline_device").value,
                              bearer=None, now=clock())
    assert old.kind == "anonymous" and (new.name, new.role) == ("kiosk-1", "counter")


def test_identify_knows_accounts_screens_gateways_and_staff_on_their_own_counter(owner, app, hub, clock):
    ensure_staff(hub)
    counter, other = app.test_client(), app.test_client()
    for client, device_id in ((counter, "counter-1"), (other, "counter-2")):
        client.post("/api/v1/devices/claim", json={"code": new_code(owner, device_id, "counter")["claim_code"]})
    staff = counter.post("/api/v1/staff/sessions", json={"pin": CASHIER_PIN, "device_id": "counter-1"})
    staff_token = staff.get_json()["token"]
    account = owner.get_cookie("passline_account").value

    def who(account_token=None, device=None, bearer=None):
        cookie = device.get_cookie("passline_device").value if device else None
        with hub.uow_factory() as uow:
            return access.identify(uow, account_token=account_token, device_token=cookie, bearer=bearer, now=clock())

    assert (who(account).kind, who(account).name, who(account).role) == ("account", "owner", "owner")
    at_till = who(device=counter, bearer=staff_token)
    assert (at_till.name, at_till.role, at_till.staff_id, at_till.staff_role) == ("counter-1", "counter", "staff-sam",
                                                                                   "cashier")
    elsewhere = who(device=other, bearer=staff_token)  # a staff token carried to another till is not staff there
    assert (elsewhere.name, elsewhere.staff_id) == ("counter-2", None)
    assert who(bearer=staff_token).kind == "anonymous"  # and without a counter it is nobody
    assert who().kind == "anonymous" and who(account_token="made-up").kind == "anonymous"
    clock.now += timedelta(hours=12)
    assert who(account).kind == "anonymous"  # the account's session lasted its 12 hours


def test_a_device_request_notes_last_seen_at_most_once_a_minute(owner, app, hub, clock):
    screen = app.test_client()
    screen.post("/api/v1/devices/claim", json={"code": new_code(owner, "kiosk-1", "kiosk")["claim_code"]})
    cookie = screen.get_cookie("passline_device").value
    seen = []
    for step in (0, 20, 50, 20):
        clock.now += timedelta(seconds=step)
        with hub.uow_factory() as uow:
            access.identify(uow, account_token=None, device_token=cookie, bearer=None, now=clock())
        with hub.uow_factory() as uow:
            seen.append(uow.access.device("kiosk-1").last_seen_at)
    assert seen[0] == seen[1] and seen[2] > seen[1] and seen[3] == seen[2]


def test_claims_from_one_address_are_limited_to_ten_a_minute(app):
    device = app.test_client()
    answers = [device.post("/api/v1/devices/claim", json={"code": "ABCDEFGHJK"},
                           environ_base={"REMOTE_ADDR": "10.0.0.66"}) for _ in range(11)]
    assert [a.status_code for a in answers] == [400] * 10 + [429]
    assert answers[-1].get_json()["code"] == "too_many_attempts" and int(answers[-1].headers["Retry-After"]) > 0
    other = device.post("/api/v1/devices/claim", json={"code": "ABCDEFGHJK"}, environ_base={"REMOTE_ADDR": "10.0.0.67"})
    assert other.status_code == 400


def test_codes_tokens_and_passwords_never_reach_the_database_or_the_log(settings, owner, app, caplog):
    caplog.set_level(logging.DEBUG)
    secrets = [OWNER_PASSWORD, owner.get_cookie("passline_account").value]
    for device_id, role in (("kiosk-1", "kiosk"), ("printers-1", "agent"), ("webshop", "gateway")):
        code = new_code(owner, device_id, role)["claim_code"]
        client = app.test_client()
        body = client.post("/api/v1/devices/claim", json={"code": code, "mqtt": role == "gateway"}).get_json()
        cookie = client.get_cookie("passline_device")
        secrets += [code, body.get("token"), body.get("mqtt", {}).get("password"), cookie.value if cookie else None]
    app.test_client().post("/api/v1/sessions", json={"username": "owner", "password": "wrong password!"})
    secrets = [s for s in secrets if s]
    assert len(secrets) == 9  # password, session, 3 codes, screen cookie, 2 broker passwords, gateway token
    database = sqlite3.connect(settings.data_dir / "passline.db")
    tables = ("accounts", "account_sessions", "enrolled_devices", "claim_codes")
    stored = " ".join(str(v) for table in tables for row in database.execute(f"select * from {table}") for v in row)
    assert "kiosk-1" in stored and "claim code made" in caplog.text and "enrolled as" in caplog.text
    assert [s for s in secrets if s in stored or s in caplog.text] == []


def test_the_enrolled_list_shows_state_last_seen_online_and_pending_codes_without_the_code(owner, app, hub):
    screen = app.test_client()
    screen.post("/api/v1/devices/claim", json={"code": new_code(owner, "kiosk-1", "kiosk")["claim_code"]})
    screen.get("/api/v1/sessions/current")  # any request of the screen notes it as seen
    waiting = new_code(owner, "printers-1", "agent")["claim_code"]
    listed = owner.get("/api/v1/devices/enrolled").get_json()
    kiosk, agent = listed["devices"]
    assert (kiosk["device_id"], kiosk["state"], kiosk["online"]) == ("kiosk-1", "enrolled", True)
    assert kiosk["enrolled_at"] and kiosk["last_seen_at"]
    assert (agent["device_id"], agent["state"], agent["online"]) == ("printers-1", "pending", False)
    assert [p["device_id"] for p in listed["pending"]] == ["printers-1"] and waiting not in str(listed)
