"""HQ killed mid-ingest: after the store sends again what went unanswered, everything is there exactly once."""

from __future__ import annotations

import threading
import time

import pytest
import requests
from sqlalchemy import func, select

from cloud.contracts import Member
from cloud.db.access import add_store, issue_enrolment_code, redeem_enrolment_code
from cloud.db.engine import make_engine
from cloud.db.feeds import read_feed
from cloud.db.loyalty import member_balance, put_member
from cloud.db.tables import events, ledger
from tests.support.cloud import at
from tests.support.cloud_process import HqProcess

BATCHES, ORDERS_PER_BATCH, EVENTS_PER_ORDER = 40, 10, 4


def batch(number: int) -> list[dict]:
    found = []
    for n in range(ORDERS_PER_BATCH):
        order_id = f"o-{number}-{n}"
        price = {"amount": 450, "currency": "EUR"}
        found += [
            {"kind": "order", "id": order_id, "number": "A001", "origin": "kiosk", "placed_at": at(),
             "lines": [{"sku": "LATTE", "qty": 1, "unit_price": price}], "total": price},
            {"kind": "payment", "id": f"{order_id}-p", "order_id": order_id, "method": "card", "amount": price,
             "paid_at": at(1)},
            {"kind": "stock_move", "id": f"{order_id}-s", "location": "berlin", "sku": "LATTE", "on_hand": -1,
             "reason": "sale", "moved_at": at(1)},
            {"kind": "loyalty_entry", "id": f"{order_id}-l", "member_id": f"M-{n % 3}", "points": 4, "at": at(1)},
        ]
    return found


@pytest.mark.slow
def test_events_sent_again_after_hq_was_killed_mid_ingest_are_stored_exactly_once(tmp_path, database_url, clock):
    engine = make_engine(database_url)
    with engine.begin() as conn:
        add_store(conn, "berlin", name="Berlin", jurisdiction="DE", at=clock())
        token = redeem_enrolment_code(conn, issue_enrolment_code(conn, "berlin", clock()), clock())[1]
        for n in range(3):
            put_member(conn, Member(member_id=f"M-{n}", name=f"Member {n}"), clock())
    hq = HqProcess(tmp_path, database_url)
    hq.start()
    answered = threading.Semaphore(0)
    outcomes: list[str] = []
    unanswered = []

    def push() -> None:  # the hub's outbox in miniature: a batch counts as sent only when HQ answered for it
        for number in range(BATCHES):
            while True:
                try:
                    reply = requests.post(f"{hq.url}/api/v1/stores/berlin/events", json={"events": batch(number)},
                                          headers={"Authorization": f"Bearer {token}"}, timeout=10)
                    if reply.status_code == 200:
                        outcomes.extend(r["outcome"] for r in reply.json()["results"])
                        answered.release()
                        break
                except (requests.ConnectionError, requests.Timeout):
                    unanswered.append(number)
                time.sleep(0.05)

    pusher = threading.Thread(target=push)
    try:
        pusher.start()
        for _ in range(BATCHES // 4):
            assert answered.acquire(timeout=60)
        hq.kill()
        time.sleep(0.5)
        hq.start()
        pusher.join(120)
        assert not pusher.is_alive()
    finally:
        hq.stop()

    total = BATCHES * ORDERS_PER_BATCH * EVENTS_PER_ORDER
    assert unanswered, "the kill must have left at least one request unanswered"
    assert set(outcomes) <= {"committed", "already_committed"}
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(events)).scalar_one() == total
        feed, _ = read_feed(conn, "loyalty", store="berlin", jurisdiction="DE", after=0, limit=10_000)
        newest = {change.key: change.body["balance"] for change in feed}
        for n in range(3):
            ledger_sum = conn.execute(select(func.sum(ledger.c.points)).where(ledger.c.member_id == f"M-{n}")).scalar_one()
            assert member_balance(conn, f"M-{n}").balance == ledger_sum == newest[f"M-{n}"]
        assert conn.execute(select(func.sum(ledger.c.points))).scalar_one() == BATCHES * ORDERS_PER_BATCH * 4
    engine.dispose()
