"""Who may call what: enrolment once, a store only in its own store, revocation at once, HQ accounts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from cloud.db.access import add_store, issue_enrolment_code
from cloud.db.tables import account_sessions, store_credentials
from cloud.web.access import HQ, OPEN, STORE
from tests.support.cloud import ADMIN, ADMIN_PASSWORD, Hq, order


def new_code(hq: Hq, store: str) -> str:
    with hq.engine.begin() as conn:
        add_store(conn, store, name="", jurisdiction="DE", at=hq.clock())
        return issue_enrolment_code(conn, store, hq.clock())


def test_an_enrolment_code_works_once(hq: Hq):
    code = new_code(hq, "berlin")
    first = hq.client.post("/api/v1/enrol", json={"code": code})
    assert first.status_code == 201 and first.json["store"] == "berlin"
    assert first.json["token"].startswith("plst_")
    again = hq.client.post("/api/v1/enrol", json={"code": code})
    assert again.status_code == 401 and again.json["code"] == "invalid_code" and again.json["field"] == "code"


def test_a_code_is_typed_forgivingly_but_expires(hq: Hq):
    code = new_code(hq, "berlin")
    sloppy = code.lower().replace("-", " ")
    assert hq.client.post("/api/v1/enrol", json={"code": sloppy}).status_code == 201
    late = new_code(hq, "berlin")
    hq.clock.now += timedelta(days=8)
    assert hq.client.post("/api/v1/enrol", json={"code": late}).json["code"] == "invalid_code"


def test_hq_keeps_only_hashes_of_codes_and_tokens(hq: Hq):
    code = new_code(hq, "berlin")
    token = hq.client.post("/api/v1/enrol", json={"code": code}).json["token"]
    hq.admin()
    with hq.engine.connect() as conn:
        kept = [row.hash for row in conn.execute(select(store_credentials.c.hash))]
        kept += [row.hash for row in conn.execute(select(account_sessions.c.hash))]
    assert len(kept) == 3 and all(len(digest) == 64 for digest in kept)
    assert not any(secret in digest for digest in kept for secret in (code, code.replace("-", ""), token))


def test_a_store_cannot_read_or_write_another_store(hq: Hq):
    berlin = hq.enrol("berlin")
    hamburg = hq.enrol("hamburg")
    reply = hq.feed("hamburg", "catalog", berlin)
    assert reply.status_code == 403 and reply.json["code"] == "forbidden"
    assert hq.post_events("hamburg", berlin, [order("O-1")]).status_code == 403
    assert hq.client.get("/api/v1/stores/hamburg/stock", headers=berlin).status_code == 403
    assert hq.feed("hamburg", "catalog", hamburg).status_code == 200


def test_a_store_token_cannot_administer_the_chain(hq: Hq):
    berlin = hq.enrol("berlin")
    reply = hq.client.put("/api/v1/hq/prices", json={"sku": "X", "price": {"amount": 1, "currency": "EUR"}},
                          headers=berlin)
    assert reply.status_code == 403 and reply.json["code"] == "forbidden"
    assert hq.client.post("/api/v1/stores/berlin/enrolment", headers=berlin).status_code == 403
    assert hq.client.get("/api/v1/stock/X", headers=berlin).status_code == 403


def test_revoking_a_store_ends_its_token_and_its_unused_codes_at_once(hq: Hq):
    berlin = hq.enrol("berlin")
    unused = new_code(hq, "berlin")
    assert hq.feed("berlin", "catalog", berlin).status_code == 200
    reply = hq.client.post("/api/v1/stores/berlin/revoke", headers=hq.admin())
    assert reply.json == {"store": "berlin", "revoked": 2}
    after = hq.feed("berlin", "catalog", berlin)
    assert after.status_code == 401 and after.json["code"] == "unauthenticated"
    assert hq.client.post("/api/v1/enrol", json={"code": unused}).status_code == 401
    fresh = hq.client.post("/api/v1/stores/berlin/enrolment", headers=hq.admin()).json["code"]
    token = hq.client.post("/api/v1/enrol", json={"code": fresh}).json["token"]
    assert hq.feed("berlin", "catalog", {"Authorization": f"Bearer {token}"}).status_code == 200


def test_no_token_or_a_made_up_one_is_unauthenticated(hq: Hq):
    hq.enrol("berlin")
    for headers in ({}, {"Authorization": "Bearer plst_madeup"}, {"Authorization": "Basic abc"},
                    {"Authorization": "Bearer plhq_madeup"}):
        reply = hq.feed("berlin", "catalog", headers)
        assert reply.status_code == 401 and reply.json["code"] == "unauthenticated", headers


def test_an_hq_account_signs_in_administers_and_its_session_ends(hq: Hq):
    admin = hq.admin()
    wrong = hq.client.post("/api/v1/session", json={"name": ADMIN, "password": ADMIN_PASSWORD + "!"})
    assert wrong.status_code == 401 and wrong.json["code"] == "wrong_password"
    nobody = hq.client.post("/api/v1/session", json={"name": "nobody", "password": ADMIN_PASSWORD})
    assert nobody.json == wrong.json, "an unknown name is told apart from a wrong password by nothing"

    created = hq.client.post("/api/v1/stores", json={"code": "munich", "name": "München", "jurisdiction": "DE"},
                             headers=admin)
    assert created.status_code == 201
    assert hq.client.post("/api/v1/stores", json={"code": "munich", "jurisdiction": "DE"}, headers=admin).status_code == 409
    assert [s["code"] for s in hq.client.get("/api/v1/stores", headers=admin).json["stores"]] == ["munich"]
    assert hq.feed("munich", "catalog", admin).status_code == 200, "HQ reads any store's feed"

    hq.clock.now += timedelta(hours=13)
    assert hq.client.get("/api/v1/stores", headers=admin).status_code == 401, "sessions expire"


def test_signing_out_ends_the_session(hq: Hq):
    admin = hq.admin()
    assert hq.client.delete("/api/v1/session", headers=admin).status_code == 204
    assert hq.client.get("/api/v1/stores", headers=admin).status_code == 401


def test_every_route_says_who_may_call_it(hq: Hq):
    undeclared = [rule.rule for rule in hq.app.url_map.iter_rules()
                  if rule.endpoint != "static"
                  and getattr(hq.app.view_functions[rule.endpoint], "cloud_access", None) not in (OPEN, STORE, HQ)]
    assert undeclared == []
    opened = sorted(rule.rule for rule in hq.app.url_map.iter_rules()
                    if getattr(hq.app.view_functions[rule.endpoint], "cloud_access", None) == OPEN)
    assert opened == ["/api/v1/enrol", "/api/v1/session", "/healthz"]


def test_five_wrong_passwords_lock_the_name_for_five_minutes_even_against_the_right_one(hq: Hq):
    hq.admin()  # opens the account
    wrong = {"name": ADMIN, "password": "guess"}
    for _ in range(5):
        assert hq.client.post("/api/v1/session", json=wrong).status_code == 401
    locked = hq.client.post("/api/v1/session", json={"name": ADMIN, "password": ADMIN_PASSWORD})
    assert locked.status_code == 429 and locked.json["code"] == "locked"
    assert "locked until 09:05:00 UTC" in locked.json["message"] and locked.headers["Retry-After"] == "301"
    hq.clock.now += timedelta(minutes=5)
    assert hq.client.post("/api/v1/session", json={"name": ADMIN, "password": ADMIN_PASSWORD}).status_code == 201
    assert hq.client.post("/api/v1/session", json=wrong).status_code == 401, "signing in cleared the failures"


def test_an_unknown_name_locks_the_same_way_so_names_cannot_be_told_apart(hq: Hq):
    for _ in range(5):
        hq.client.post("/api/v1/session", json={"name": "nobody", "password": "guess"})
    assert hq.client.post("/api/v1/session", json={"name": "nobody", "password": "guess"}).status_code == 429


def test_a_hub_asks_which_store_its_token_is_for(hq: Hq):
    berlin = hq.enrol("berlin", jurisdiction="DE")
    hq.enrol("vienna", jurisdiction="AT")
    assert hq.client.get("/api/v1/stores/berlin", headers=berlin).json == {"code": "berlin", "name": "Berlin",
                                                                           "jurisdiction": "DE"}
    assert hq.client.get("/api/v1/stores/vienna", headers=berlin).status_code == 403
    assert hq.client.get("/api/v1/stores/vienna", headers=hq.admin()).json["jurisdiction"] == "AT"
