"""Watch a running `passline demo --traffic RATE`: does the simulated kitchen keep up?

    PASSLINE_OWNER_PASSWORD=... .venv/bin/python bench/demo_keepup.py --hub-url http://127.0.0.1:8000 \
        --data-dir data --minutes 20

Signs in as the demo's owner (the password the demo printed on its first run, read from
PASSLINE_OWNER_PASSWORD so it stays out of the process list) and every `--every` seconds reads the
hub's queue (/api/v1/queue) and today's newest orders (/api/v1/orders). Each round prints one line:
per station the open tickets (fired and waiting for a cook + started), the orders taken since the
last round as orders a minute, and, with `--data-dir`, what the printers did (read from the demo's
database, read-only, and printed.txt): kitchen tickets moved to the backup printer and tickets on
paper more than once. The last line is one JSON object with the run's figures:

- `orders`: orders received over the run; `orders_per_minute`: the same a minute;
- `open_max` / `open_last`: per station, the most open tickets seen in any round / in the last one;
- `waiting_max`: per station, the most tickets fired and not started by any cook;
- `on_backup`, `printed_twice`, `print_failed`: kitchen tickets moved to the backup printer, printed
  more than once (the same station's ticket of the same order on paper twice), failed for good.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import time
import urllib.request
from collections import Counter
from contextlib import closing
from datetime import datetime, timezone
from http.cookiejar import CookieJar
from pathlib import Path

ORDERS_PAGE = 200  # the most /api/v1/orders gives at once: rounds must see fewer new orders than this
OPEN = ("fired", "started")


class Hub:
    """The demo's HTTP API, signed in as its owner."""

    def __init__(self, url: str, username: str, password: str) -> None:
        self.url = url.rstrip("/")
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self._call("POST", "/api/v1/sessions", {"username": username, "password": password})

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(self.url + path, method=method, headers={"Content-Type": "application/json"},
                                         data=json.dumps(body).encode() if body is not None else None)
        with self._opener.open(request, timeout=30) as answer:
            return json.load(answer)

    def open_tickets(self) -> tuple[Counter[str], Counter[str]]:
        """Return per station the open tickets (fired or started) and those of them no cook has started."""
        open_, waiting = Counter(), Counter()
        for order in self._call("GET", "/api/v1/queue")["orders"]:
            for ticket in order.get("tickets", []):
                if ticket["status"] in OPEN:
                    open_[ticket["station"]] += 1
                if ticket["status"] == "fired":
                    waiting[ticket["station"]] += 1
        return open_, waiting

    def orders_since(self, since: datetime) -> int:
        """Return how many of today's orders were received after `since`."""
        orders = self._call("GET", f"/api/v1/orders?limit={ORDERS_PAGE}")["orders"]
        return sum(1 for order in orders if order["received_at"] and _moment(order["received_at"]) > since)


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def printing(data_dir: Path) -> dict[str, int]:
    """Read what the printers did from the demo's database (read-only) and its printed.txt."""
    figures = {"on_backup": 0, "printed_twice": 0, "print_failed": 0}
    database = data_dir / "passline.db"
    if database.exists():
        with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)) as db:
            figures["on_backup"] = db.execute(
                "SELECT count(*) FROM print_requests WHERE document = 'kitchen_ticket' AND on_backup").fetchone()[0]
            figures["print_failed"] = db.execute(
                "SELECT count(*) FROM print_requests WHERE state = 'failed'").fetchone()[0]
    figures["printed_twice"] = printed_twice(data_dir / "printed.txt")
    return figures


def printed_twice(text_file: Path) -> int:
    """Return how many kitchen tickets are on paper more than once in the printers' text file.

    A kitchen ticket starts with its station's name (after a `BACKUP - FROM ...` banner when it moved to
    the backup) and ends with `Order NUMBER  ID`: the same station's ticket for the same order twice is
    a ticket printed twice.
    """
    if not text_file.exists():
        return 0
    seen: Counter[tuple[str, str]] = Counter()
    for document in text_file.read_text(encoding="utf-8").split("==== ")[1:]:
        header, *lines = [line for line in document.splitlines() if line.strip()]
        lines = [line for line in lines if not line.startswith("BACKUP - ")]
        if header.split()[0] != "receipt" and len(lines) >= 2 and lines[-1].startswith("Order "):
            seen[(lines[0], lines[-1])] += 1
    return sum(1 for count in seen.values() if count > 1)


def main() -> None:
    """Poll until the time is up; print a line a round and the figures as JSON last."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hub-url", default="http://127.0.0.1:8000")
    parser.add_argument("--owner", default="owner")
    parser.add_argument("--data-dir", type=Path, help="the demo's data folder, to count tickets moved or printed twice")
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--every", type=float, default=30.0, help="seconds between rounds")
    args = parser.parse_args()
    password = os.environ.get("PASSLINE_OWNER_PASSWORD")
    if not password:
        sys.exit("set PASSLINE_OWNER_PASSWORD to the owner's password the demo printed")
    hub = Hub(args.hub_url, args.owner, password)
    started = time.monotonic()
    last = datetime.now(timezone.utc)
    orders = 0
    open_max: Counter[str] = Counter()
    waiting_max: Counter[str] = Counter()
    open_ = Counter()
    while True:
        time.sleep(args.every)
        now = datetime.now(timezone.utc)
        taken = hub.orders_since(last)
        orders += taken
        open_, waiting = hub.open_tickets()
        for station in open_ | waiting:
            open_max[station] = max(open_max[station], open_[station])
            waiting_max[station] = max(waiting_max[station], waiting[station])
        per_minute = taken * 60 / (now - last).total_seconds()
        last = now
        elapsed = (time.monotonic() - started) / 60
        shown = " ".join(f"{s} {open_[s]}({waiting[s]})" for s in sorted(open_ | waiting)) or "none"
        extra = printing(args.data_dir) if args.data_dir else {}
        print(f"{elapsed:5.1f} min  {per_minute:5.1f} orders/min  open (waiting): {shown}"
              + (f"  backup {extra['on_backup']} twice {extra['printed_twice']}" if extra else ""), flush=True)
        if elapsed >= args.minutes:
            break
    elapsed = (time.monotonic() - started) / 60
    figures = {"minutes": round(elapsed, 1), "orders": orders, "orders_per_minute": round(orders / elapsed, 1),
               "open_max": dict(sorted(open_max.items())), "open_last": dict(sorted(open_.items())),
               "waiting_max": dict(sorted(waiting_max.items())),
               **(printing(args.data_dir) if args.data_dir else {})}
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
