"""`passline cloud link|status|sync`: the store's side of headquarters (issue 13)."""

from __future__ import annotations

import argparse
import json
import sys

from hub.config import Settings


def add_commands(actions: argparse._SubParsersAction) -> None:
    """Add the hub's link commands beside HQ's own under `passline cloud`."""
    link = actions.add_parser("link", help="link this store to its headquarters with a one-time enrolment code")
    link.add_argument("url", help="HQ's address, e.g. https://hq.example.com")
    link.add_argument("code", help="the enrolment code HQ printed (`passline cloud stores add STORE`)")
    link.set_defaults(run=_link)
    status = actions.add_parser("status", help="is HQ reachable, what waits in the outbox, when each feed was read")
    status.add_argument("--json", action="store_true", help="print the status as JSON")
    status.set_defaults(run=_status)
    actions.add_parser("sync", help="send the outbox and read every feed now, once").set_defaults(run=_sync)


def _link(settings: Settings, args) -> int:
    from hub.adapters.cloud.client import HqClient, HqError, HqRefused, HttpTransport
    from hub.adapters.cloud.outbox import start_marks
    from hub.adapters.cloud.settings import save_link
    from hub.adapters.db.engine import make_engine

    url = args.url.rstrip("/")
    try:
        client = HqClient(HttpTransport(url))
        store, token = client.enrol(args.code.strip())
    except ValueError as exc:
        print(f"passline: {exc}", file=sys.stderr)
        return 2
    except HqRefused as exc:
        print(f"passline: HQ did not take the code: {exc.message}", file=sys.stderr)
        return 1
    except HqError as exc:
        print(f"passline: {exc}", file=sys.stderr)
        return 1
    if store != settings.store:
        print(f"passline: the code is for store {store!r}, but this hub is store {settings.store!r} "
              f"(PASSLINE_STORE). Set PASSLINE_STORE={store} or ask HQ for a code for {settings.store!r}; "
              f"HQ can revoke the token it just made (`passline cloud stores revoke {store}`).", file=sys.stderr)
        return 1
    try:
        info = HqClient(HttpTransport(url), store, token).store_info()
    except HqError as exc:
        print(f"passline: HQ gave a token but does not accept it: {exc}", file=sys.stderr)
        return 1
    engine = make_engine(settings.database_url)
    try:
        with engine.begin() as connection:
            start_marks(connection)  # sales from now on go to HQ; the store's history stays its own
    finally:
        engine.dispose()
    path = save_link(settings.data_dir, url, store, token)
    print(f"linked store {store} ({info.get('name') or store}, taxes of {info.get('jurisdiction')}) to {url}")
    print(f"the store token is kept in {path} (readable by this user only); the running hub reads HQ's feeds "
          "within seconds")
    return 0


def _status(settings: Settings, args) -> int:
    from hub.adapters.cloud.link import link_status
    from hub.adapters.cloud.settings import load_cloud_settings
    from hub.adapters.db.engine import make_engine
    from hub.adapters.clock import utc_now

    cloud = load_cloud_settings(settings.data_dir)
    engine = make_engine(settings.database_url)
    try:
        status = link_status(cloud, engine, None, utc_now())
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(status, indent=2))
        return 0
    for line in status_lines(status):
        print(line)
    return 0


def status_lines(status: dict) -> list[str]:
    """Say in words what the link's status means."""
    if not status.get("linked"):
        return ["not linked to headquarters (`passline cloud link URL CODE`)"]
    box = status["outbox"]
    lines = [f"headquarters: {status['url']}"]
    if status.get("online") is not None:
        lines.append(f"{'online' if status['online'] else 'offline'} since {status['since']}"
                     + (f" ({status['last_error']})" if status.get("last_error") else ""))
    age = f", the oldest {box['oldest_age_s']} s old" if box["oldest_age_s"] is not None else ""
    lines.append(f"outbox: {box['waiting']} events waiting{age}; {len(box['parked'])} parked")
    for parked in box["parked"]:
        lines.append(f"  parked {parked['kind']} {parked['event']}: {parked['reason']}")
    for feed, at in status["last_pull"].items():
        lines.append(f"  {feed}: last read {at or 'never'}")
    if status.get("catalog_error"):
        lines.append(f"HQ's catalog could not be used: {status['catalog_error']}")
    for web_order_id, reason in (status.get("web_orders_not_taken") or {}).items():
        lines.append(f"web order {web_order_id} is not in the queue: {reason}")
    return lines


def _sync(settings: Settings, _args) -> int:
    from hub.bootstrap import bootstrap

    hub = bootstrap(settings)
    try:
        link = hub.cloud
        if not link.settings.linked:
            print("passline: not linked to headquarters (`passline cloud link URL CODE`)", file=sys.stderr)
            return 1
        client = link.make_client()
        link.round(client)
        client.close()
        status = link.status()
    finally:
        hub.stop()
    for line in status_lines(status):
        print(line)
    return 0 if status.get("online") else 1
