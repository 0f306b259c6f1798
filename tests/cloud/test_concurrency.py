"""Many writers at once: a reader by cursor misses nothing, and one id posted twice at once is stored once."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from cloud.db.tables import events
from tests.support.cloud import Hq, loyalty_entry, order

WRITERS, PRICES_EACH = 4, 25


def test_a_reader_paging_while_four_writers_commit_sees_every_change_once(hq: Hq):
    store = hq.enrol("berlin")
    admin = hq.admin()
    seen: list[str] = []
    done = threading.Event()
    failures: list[object] = []

    def write(writer: int) -> None:
        client = hq.app.test_client()
        for n in range(PRICES_EACH):
            reply = client.put("/api/v1/hq/prices", headers=admin,
                               json={"sku": f"W{writer}-{n}", "price": {"amount": 100 + n, "currency": "EUR"}})
            if reply.status_code != 200:
                failures.append(reply.json)

    def read() -> None:
        client, after = hq.app.test_client(), "0"
        while True:
            finished = done.is_set()  # read once more after the writers are done
            page = client.get("/api/v1/stores/berlin/feeds/prices", query_string={"after": after, "limit": 7},
                              headers=store).json
            seen.extend(change["key"] for change in page["changes"])
            after = page["next_cursor"]
            if finished and not page["more"]:
                return

    reader = threading.Thread(target=read)
    writers = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    reader.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join(60)
    done.set()
    reader.join(60)
    assert failures == []
    expected = {f"W{w}-{n}|*|*" for w in range(WRITERS) for n in range(PRICES_EACH)}
    assert len(seen) == len(expected) and set(seen) == expected


def test_one_event_posted_twice_at_the_same_moment_is_stored_once(hq: Hq):
    store = hq.enrol("berlin")
    outcomes: list[str] = []
    start = threading.Barrier(4)

    def post() -> None:
        start.wait()
        reply = hq.app.test_client().post("/api/v1/stores/berlin/events", headers=store,
                                          json={"events": [order("O-race")]})
        outcomes.append(reply.json["results"][0]["outcome"])

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["already_committed"] * 3 + ["committed"]
    with hq.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(events)).scalar_one() == 1


def test_the_newest_balance_on_the_feed_is_the_ledger_sum_when_many_stores_post_for_one_member_at_once(hq: Hq):
    stores = {f"s{n}": hq.enrol(f"s{n}") for n in range(6)}
    hq.put("members", {"member_id": "L-1", "name": "Ada"})
    start = threading.Barrier(len(stores))

    def post(store: str, headers: dict) -> None:
        client = hq.app.test_client()
        start.wait()
        for n in range(5):
            entries = [loyalty_entry(f"{store}-{n}-{k}", "L-1", 10 + k) for k in range(3)]
            assert client.post(f"/api/v1/stores/{store}/events", json={"events": entries}, headers=headers).status_code == 200

    threads = [threading.Thread(target=post, args=item) for item in stores.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    balances = [c["body"]["balance"] for c in hq.read_all("s0", "loyalty", stores["s0"]) if c["key"] == "L-1"]
    assert balances[-1] == 6 * 5 * (10 + 11 + 12)
    assert balances == sorted(balances), "a later cursor never carries an older balance"
