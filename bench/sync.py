"""Push many stores' sales into one HQ at once; print what HQ took per second and whether anything was lost.

    .venv/bin/python bench/sync.py [--stores 200] [--orders 25] [--database postgresql|sqlite]

Starts a throwaway PostgreSQL server (tests/support/postgres.py; or a SQLite file), migrates HQ's schema, enrols
every store and gives each a loyalty member, and serves HQ as it runs in production (`passline cloud serve`:
gunicorn, 2 workers). Then every store pushes its orders at once, each order as four events in one batch in order
(the order, its card payment, its stock move, its loyalty accrual), over `--clients` keep-alive connections.
Afterwards it sends every tenth batch of each store again, from its first (each event must answer
`already_committed`), and counts the rows at HQ.

Issue 13 names more figures for this command (backlog_orders, drain_s, catalog_items, catalog_apply_s): they need
the hub's link, which does not exist yet, so they print as null. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cloud.contracts import Member  # noqa: E402
from cloud.db.access import add_store, issue_enrolment_code, redeem_enrolment_code  # noqa: E402
from cloud.db.engine import make_engine  # noqa: E402
from cloud.db.loyalty import put_member  # noqa: E402
from cloud.db.migrate import upgrade  # noqa: E402
from cloud.db.tables import events, ledger  # noqa: E402
from tests.support.mosquitto import free_port  # noqa: E402
from tests.support.postgres import PostgresServer, postgres_bin_dir  # noqa: E402

PASSLINE = str(Path(sys.executable).with_name("passline"))
EVENTS_PER_ORDER = 4
START_TIMEOUT_S = 60


def store_batches(store: str, orders: int, per_batch: int) -> list[list[dict]]:
    """Return a store's events in batches of `per_batch` orders, each order's four events together and in order."""
    moment = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc).isoformat()
    batches, batch = [], []
    for n in range(orders):
        order_id = f"{store}-o{n}"
        price = {"amount": 450, "currency": "EUR"}
        batch += [
            {"kind": "order", "id": order_id, "number": f"A{n % 1000:03d}", "origin": "kiosk", "placed_at": moment,
             "lines": [{"sku": "LATTE", "qty": 1, "unit_price": price}], "total": price, "loyalty_id": f"M-{store}"},
            {"kind": "payment", "id": f"{order_id}-p", "order_id": order_id, "method": "card", "amount": price,
             "paid_at": moment},
            {"kind": "stock_move", "id": f"{order_id}-s", "location": store, "sku": "LATTE", "on_hand": -1,
             "reason": "sale", "moved_at": moment},
            {"kind": "loyalty_entry", "id": f"{order_id}-l", "member_id": f"M-{store}", "points": 4,
             "order_id": order_id, "at": moment},
        ]
        if len(batch) >= per_batch * EVENTS_PER_ORDER:
            batches.append(batch)
            batch = []
    if batch:
        batches.append(batch)
    return batches


def prepare(database_url: str, stores: int) -> dict[str, str]:
    """Migrate, add and enrol every store, give each a member; return each store's token."""
    upgrade(database_url)
    engine = make_engine(database_url)
    now = datetime.now(timezone.utc)
    tokens = {}
    with engine.begin() as conn:
        for n in range(stores):
            store = f"s{n:03d}"
            add_store(conn, store, name=store, jurisdiction="DE", at=now)
            tokens[store] = redeem_enrolment_code(conn, issue_enrolment_code(conn, store, now), now)[1]
            put_member(conn, Member(member_id=f"M-{store}"), now)
    engine.dispose()
    return tokens


def push(port: int, work: queue.Queue, outcomes: dict[str, int], failures: list[str], lock: threading.Lock) -> None:
    """Take whole stores off the queue and post their batches in order on one keep-alive connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    while True:
        try:
            store, token, batches = work.get_nowait()
        except queue.Empty:
            connection.close()
            return
        for batch in batches:
            body = json.dumps({"events": batch})
            connection.request("POST", f"/api/v1/stores/{store}/events", body=body,
                               headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            reply = connection.getresponse()
            answer = json.loads(reply.read())
            with lock:
                if reply.status != 200:
                    failures.append(f"{store}: {reply.status} {answer}")
                    continue
                for result in answer["results"]:
                    outcomes[result["outcome"]] = outcomes.get(result["outcome"], 0) + 1
                    if result["outcome"] == "refused":
                        failures.append(f"{store}: {result}")


def run_pushers(port: int, jobs: list[tuple[str, str, list[list[dict]]]], clients: int):
    """Post every job with `clients` connections at once; return (seconds, outcomes, failures)."""
    work: queue.Queue = queue.Queue()
    for job in jobs:
        work.put(job)
    outcomes: dict[str, int] = {}
    failures: list[str] = []
    lock = threading.Lock()
    threads = [threading.Thread(target=push, args=(port, work, outcomes, failures, lock)) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, outcomes, failures


def serve(database_url: str, folder: Path) -> tuple[subprocess.Popen, int]:
    """Start `passline cloud serve` on a free port and wait until it answers."""
    port = free_port()
    env = {**os.environ, "PASSLINE_CLOUD_DATABASE_URL": database_url, "PASSLINE_CLOUD_DATA_DIR": str(folder)}
    server = subprocess.Popen([PASSLINE, "cloud", "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server, port
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("HQ did not come up")


def main() -> None:
    """Parse the options, run, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=200)
    parser.add_argument("--orders", type=int, default=25, help="orders per store (4 events each)")
    parser.add_argument("--batch", type=int, default=25, help="orders per batch")
    parser.add_argument("--clients", type=int, default=32, help="connections posting at once")
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="passline-bench-sync-"))
    postgres = None
    if args.database == "postgresql":
        postgres = PostgresServer(postgres_bin_dir())
        postgres.start()
        database_url = postgres.create_database("hq")
    else:
        database_url = f"sqlite:///{folder / 'cloud.db'}"
    server = None
    try:
        tokens = prepare(database_url, args.stores)
        jobs = [(store, token, store_batches(store, args.orders, args.batch)) for store, token in tokens.items()]
        server, port = serve(database_url, folder)
        seconds, outcomes, failures = run_pushers(port, jobs, args.clients)
        again = [(store, token, batches[::10]) for store, token, batches in jobs]
        _, repeat_outcomes, repeat_failures = run_pushers(port, again, args.clients)
        engine = make_engine(database_url)
        with engine.connect() as conn:
            stored = conn.execute(select(func.count()).select_from(events)).scalar_one()
            points = conn.execute(select(func.coalesce(func.sum(ledger.c.points), 0))).scalar_one()
        engine.dispose()
        for problem in (failures + repeat_failures)[:5]:
            print(problem, file=sys.stderr)
        expected = args.stores * args.orders * EVENTS_PER_ORDER
        print(json.dumps({
            "database": args.database,
            "stores": args.stores,
            "events": expected,
            "ingest_events_per_s": round(outcomes.get("committed", 0) / seconds),
            "ingest_s": round(seconds, 2),
            "lost": expected - stored,
            "duplicated": stored - expected + repeat_outcomes.get("committed", 0),
            "repeats_answered_already_committed": repeat_outcomes.get("already_committed", 0),
            "refused": outcomes.get("refused", 0) + repeat_outcomes.get("refused", 0),
            "ledger_points": int(points),
            "backlog_orders": None, "drain_s": None, "catalog_items": None, "catalog_apply_s": None,
        }))
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(30)
        if postgres is not None:
            postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
