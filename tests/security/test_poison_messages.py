"""Poison never blocks: what a device sends that cannot be read or handled is answered and set aside, and the orders behind it go on.

A real Mosquitto (max_inflight_messages 100, as in production) and the hub's real SQLite database.
"""

from __future__ import annotations

import json
import queue
import time

import pytest
from sqlalchemy import text

from hub.contracts import topics
from hub.entrypoints import mqtt_consumer
from tests.conftest import make_settings, prepare_database, start_hub
from tests.support.devices import TestDevice, order_data
from tests.support.identities import owner_client

NESTED = "[" * 3000 + "]" * 3000  # 6 KB; Python's json parser gives up with RecursionError at about 1,000 levels


@pytest.fixture
def settings(tmp_path, mosquitto):
    settings = make_settings(tmp_path, mqtt_url=mosquitto.url)
    prepare_database(settings)
    return settings


@pytest.fixture
def running(settings):
    """The hub, in a list so a test can restart it; stopped at the end."""
    hubs = [start_hub(settings)]
    yield hubs
    hubs[-1][0].stop()


@pytest.fixture
def kiosk(settings, mosquitto):
    device = TestDevice(mosquitto.url, settings.store, "kiosk-1", extra_topics=(topics.deadletter(settings.store),))
    yield device
    device.close()


def poison_envelope(index: int) -> str:
    return json.dumps({"v": 1, "id": f"00000000-0000-4000-8000-{index:012d}", "type": "order.submit",
                       "at": "2026-11-22T12:00:00Z", "data": "PLACEHOLDER"}).replace('"PLACEHOLDER"', NESTED)


def replies_until_accepted(device: TestDevice, timeout: float = 30) -> tuple[list[dict], dict]:
    """Return the error replies before the first `order.accepted`, and that reply."""
    errors: list[dict] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reply = device.reply(timeout=max(0.1, deadline - time.monotonic()))
        if reply["type"] == "order.accepted":
            return errors, reply
        errors.append(reply)
    raise AssertionError(f"no order.accepted within {timeout} s; {len(errors)} errors")


def dead_letter_copies(device: TestDevice) -> list[dict]:
    copies = []
    while True:
        try:
            topic, payload = device.received.get(timeout=0.5)
        except queue.Empty:
            return copies
        if topic.endswith("/hub/deadletter"):
            copies.append(json.loads(payload))


def stored_order(hub, order_id: str) -> dict | None:
    with hub.engine.connect() as db:
        row = db.execute(text("SELECT number, source FROM orders WHERE order_id = :id"), {"id": order_id}).first()
    return None if row is None else {"number": row.number, "source": row.source}


def test_a_hundred_deeply_nested_payloads_do_not_stop_the_order_behind_them_before_and_after_a_restart(
        settings, running, kiosk):
    for index in range(100):
        kiosk.send_raw(poison_envelope(index))
    valid = kiosk.submit(order_data())
    errors, accepted = replies_until_accepted(kiosk)
    assert len(errors) == 100
    assert {e["data"]["code"] for e in errors} == {"invalid_json"}
    assert errors[0]["data"]["message"] == "the payload is nested more than 32 levels deep"
    assert accepted["re"] == valid["id"]
    assert stored_order(running[-1][0], valid["data"]["order_id"]) == {"number": "A001", "source": "kiosk-1"}
    copies = dead_letter_copies(kiosk)
    assert len(copies) == 100 and all(c["data"]["error"]["code"] == "invalid_json" for c in copies)
    assert all(c["data"]["topic"] == topics.device_out(settings.store, "kiosk-1", "order") for c in copies)

    # The hub goes down with the broker keeping the device's next messages for it (persistent session).
    running[-1][0].stop()
    for index in range(100, 200):
        kiosk.send_raw(poison_envelope(index))
    after = kiosk.submit(order_data())
    running.append(start_hub(settings))
    errors, accepted = replies_until_accepted(kiosk)
    assert len(errors) == 100 and accepted["re"] == after["id"]
    hub, app = running[-1]
    assert stored_order(hub, after["data"]["order_id"]) == {"number": "A002", "source": "kiosk-1"}
    health = owner_client(app).get("/api/v1/health").get_json()
    assert health["checks"]["messages"]["ok"] is True
    assert health["dead_letters"]["count"] == 0  # refused at once, nothing to park


def test_huge_numbers_and_impossible_times_are_refused_by_name_over_mqtt(running, kiosk):
    kiosk.send_raw('{"v": 1, "id": "x", "data": ' + "9" * 5000 + "}")
    reply = kiosk.reply()["data"]
    assert (reply["code"], reply["message"]) == ("invalid_json", "the payload has a number of 5000 digits (at most 1000)")
    kiosk.submit(order_data(promised_at="0001-01-01T00:00:00+14:00"))
    assert kiosk.reply()["data"] == {"code": "invalid_payload", "field": "promised_at",
                                     "message": "promised_at must be a time between 1970 and 2999, e.g. 2026-11-22T12:00:00Z"}
    kiosk.submit(order_data(redeem_points=10**19))
    reply = kiosk.reply()["data"]
    assert (reply["code"], reply["field"]) == ("invalid_payload", "redeem_points")
    kiosk.submit(order_data())
    assert kiosk.reply()["type"] == "order.accepted"


def test_an_order_the_database_refuses_every_time_is_parked_and_the_next_order_goes_on(
        monkeypatch, settings, running, kiosk):
    monkeypatch.setattr(mqtt_consumer, "RETRY_DELAY_S", 0.05)
    hub, app = running[-1]
    refused = order_data(member_proof="card-proof-secret")
    with hub.engine.begin() as db:  # a constraint this one order breaks, on every try
        db.execute(text(f"CREATE TRIGGER one_bad BEFORE INSERT ON orders WHEN NEW.order_id = '{refused['order_id']}' "
                        "BEGIN SELECT RAISE(ABORT, 'order violates the test constraint'); END"))
    bad = kiosk.submit(refused)
    good = kiosk.submit(order_data())
    first, second = kiosk.reply(), kiosk.reply()
    assert (first["type"], first["re"], first["data"]["code"]) == ("error", bad["id"], "internal")
    assert "order violates the test constraint" in first["data"]["message"]
    assert "after 5 tries" in first["data"]["message"] and "dead letter 1" in first["data"]["message"]
    assert (second["type"], second["re"], second["data"]["number"]) == ("order.accepted", good["id"], "A001")
    assert stored_order(hub, refused["order_id"]) is None
    copies = dead_letter_copies(kiosk)
    assert [(c["re"], c["data"]["error"]["code"]) for c in copies] == [(bad["id"], "internal")]

    with hub.engine.connect() as db:
        letter = db.execute(text("SELECT * FROM dead_letters")).mappings().one()
    assert (letter["device_id"], letter["message_id"], letter["attempts"]) == ("kiosk-1", bad["id"], 5)
    assert letter["reason"] == "the database refused it: IntegrityError: order violates the test constraint"
    kept = json.loads(letter["payload"])
    assert kept["data"]["order_id"] == refused["order_id"]
    assert kept["data"]["member_proof"] == "(removed)" and "card-proof-secret" not in letter["payload"]

    owner = owner_client(app)
    health = owner.get("/api/v1/health").get_json()
    assert health["dead_letters"]["count"] == 1
    assert health["dead_letters"]["newest"][0]["reason"] == letter["reason"]
    page = owner.get("/admin").get_data(as_text=True)
    assert "Device messages the hub could not handle (1)" in page
    assert "kiosk-1" in page and "order violates the test constraint" in page and "tried 5 times" in page


def test_health_says_in_words_when_a_device_message_waits_too_long_and_recovers(monkeypatch, running, kiosk):
    monkeypatch.setattr(mqtt_consumer, "STUCK_AFTER_S", 1.0)
    hub, app = running[-1]
    owner = owner_client(app)
    with hub.engine.begin() as db:  # the database takes nothing, not even a dead letter: a full disk
        for table in ("tickets", "dead_letters"):
            db.execute(text(f"CREATE TRIGGER full_{table} BEFORE INSERT ON {table} "
                            "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"))
    sent = kiosk.submit(order_data())
    time.sleep(1.5)
    response = owner.get("/api/v1/health")
    assert response.status_code == 503
    check = response.get_json()["checks"]["messages"]
    assert check["ok"] is False and check["waiting_s"] > 1.0
    assert check["detail"].startswith("the oldest device message has waited ")
    assert "passline doctor" in check["fix"]
    page = owner.get("/admin").get_data(as_text=True)
    assert "needs attention" in page and "without being stored and acknowledged" in page

    with hub.engine.begin() as db:
        for table in ("tickets", "dead_letters"):
            db.execute(text(f"DROP TRIGGER full_{table}"))
    reply = kiosk.reply(timeout=10)
    assert (reply["type"], reply["re"]) == ("order.accepted", sent["id"])
    response = owner.get("/api/v1/health")
    assert response.get_json()["checks"]["messages"]["ok"] is True


def test_store_it_hides_a_dead_letter_it_has_seen_and_the_row_is_kept(settings, running):
    from hub.adapters.db.dead_letters import SqlDeadLetters
    from hub.entrypoints.doctor import run_doctor

    hub, app = running[-1]
    letters = SqlDeadLetters(hub.engine)
    letter_id = letters.park(topic="passline/test/device/kiosk-1/out/order", device_id="kiosk-1", message_id=None,
                             payload="{}", reason="the hub failed on it: KeyError: 'lines'", attempts=1, at=hub.bus.now())
    report: list[str] = []
    run_doctor(settings, out=report.append)
    assert any(line.startswith("  WARN  database") and "1 device message(s) the hub could not handle are set aside" in line
               for line in report), report
    owner = owner_client(app)
    assert "Seen, hide it" in owner.get("/admin").get_data(as_text=True)
    assert owner.post(f"/api/v1/dead-letters/{letter_id}/dismiss").get_json() == {"id": letter_id, "dismissed": True}
    assert owner.post(f"/api/v1/dead-letters/{letter_id}/dismiss").status_code == 404
    assert owner.post(f"/api/v1/dead-letters/{10**19}/dismiss").status_code == 404
    assert "Device messages the hub could not handle" not in owner.get("/admin").get_data(as_text=True)
    assert owner.get("/api/v1/health").get_json()["dead_letters"] == {"count": 0, "newest": []}
    with hub.engine.connect() as db:
        assert db.execute(text("SELECT dismissed_by FROM dead_letters")).scalar_one() == "owner"
