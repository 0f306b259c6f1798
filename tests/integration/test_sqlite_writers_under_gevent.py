"""Two writers in the hub's gevent worker: one waits for the lock without stopping the one that holds it.

Under the gevent worker every request and background task is a greenlet in one thread. A writer that
holds SQLite's lock while it waits on the network (a new device's broker login is made inside the claim's
transaction) must be able to finish while another greenlet waits for the lock; SQLite's own busy wait
would sleep in C and stop them all until it timed out ("database is locked").
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    from gevent import monkey
    monkey.patch_all()
    import json, sys, time
    import gevent
    from sqlalchemy import text
    from hub.adapters.db.engine import make_engine

    engine = make_engine(f"sqlite:///{sys.argv[1]}")
    with engine.begin() as connection:
        connection.execute(text("create table moves (id integer primary key, who text)"))
    outcome = {}

    def holder():
        with engine.begin() as connection:
            connection.execute(text("insert into moves (who) values ('holder')"))
            gevent.sleep(0.5)  # waits on the network with the write lock held
        outcome["holder_done"] = time.monotonic()

    def waiter():
        gevent.sleep(0.05)
        started = time.monotonic()
        try:
            with engine.begin() as connection:
                connection.execute(text("insert into moves (who) values ('waiter')"))
            outcome["waiter_s"] = time.monotonic() - started
        except Exception as exc:
            outcome["waiter_error"] = str(exc).splitlines()[0]

    gevent.joinall([gevent.spawn(holder), gevent.spawn(waiter)])
    with engine.connect() as connection:
        outcome["rows"] = [row[0] for row in connection.execute(text("select who from moves order by id"))]
    print(json.dumps(outcome))
""")


def test_a_writer_waiting_for_the_lock_lets_the_holder_finish(tmp_path):
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "passline.db")], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout.splitlines()[-1])
    assert "waiter_error" not in outcome, outcome
    assert outcome["rows"] == ["holder", "waiter"]  # both written, in the order they took the lock
    assert outcome["waiter_s"] < 5  # it waited for the holder's half second, not for SQLite's 10 s timeout
