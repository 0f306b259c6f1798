"""`passline cloud ...`: run and administer the reference headquarters service."""

from __future__ import annotations

import argparse
import secrets
import sys
from datetime import datetime, timezone
from pathlib import Path

from cloud.config import CloudConfigError, CloudSettings, load_cloud_settings

GENERATED_PASSWORD_BYTES = 18  # 24 characters of urlsafe base64: 144 bits
DEFAULT_JURISDICTION = "DE"


def add_commands(commands: argparse._SubParsersAction) -> argparse._SubParsersAction:
    """Add `cloud` and its actions to the `passline` command line; return the actions (the hub adds its link's)."""
    cloud = commands.add_parser("cloud", help="the reference headquarters service (catalog, loyalty, every store's sales)")
    actions = cloud.add_subparsers(required=True, metavar="ACTION")

    serve = actions.add_parser("serve", help="run HQ under gunicorn (PASSLINE_CLOUD_* settings)")
    serve.add_argument("--host", help="address to listen on (PASSLINE_CLOUD_HTTP_HOST, default 0.0.0.0)")
    serve.add_argument("--port", type=int, help="HTTP port (PASSLINE_CLOUD_HTTP_PORT, default 8100)")
    serve.set_defaults(run=_cloud(_serve), needs_store_database=False)

    db = actions.add_parser("db", help="HQ's database schema").add_subparsers(required=True, metavar="ACTION")
    db.add_parser("upgrade", help="apply HQ's Alembic migrations up to the newest").set_defaults(run=_cloud(_db_upgrade), needs_store_database=False)

    stores = actions.add_parser("stores", help="the chain's stores").add_subparsers(required=True, metavar="ACTION")
    add = stores.add_parser("add", help="add a store (or keep it) and print a one-time enrolment code for its hub")
    add.add_argument("store", help="the store's code, the same as the hub's PASSLINE_STORE")
    add.add_argument("--name", default="", help="the store's name, for people")
    add.add_argument("--jurisdiction", help=f"where a new store's taxes come from (default {DEFAULT_JURISDICTION})")
    add.set_defaults(run=_cloud(_stores_add), needs_store_database=False)
    revoke = stores.add_parser("revoke", help="revoke the store's token and unused codes at once")
    revoke.add_argument("store")
    revoke.set_defaults(run=_cloud(_stores_revoke), needs_store_database=False)
    stores.add_parser("list", help="show every store").set_defaults(run=_cloud(_stores_list), needs_store_database=False)

    accounts = actions.add_parser("accounts", help="HQ accounts").add_subparsers(required=True, metavar="ACTION")
    account = accounts.add_parser("add", help="open an HQ account (a strong password is made and shown once)")
    account.add_argument("name")
    account.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    account.set_defaults(run=_cloud(_accounts_add), needs_store_database=False)

    docs = actions.add_parser("docs", help="write docs/cloud-api.md from the contracts")
    docs.add_argument("--output", type=Path, default=Path("docs/cloud-api.md"))
    docs.add_argument("--check", action="store_true", help="fail if the file is not up to date")
    docs.set_defaults(run=_cloud(_docs), needs_store_database=False)
    return actions


def _cloud(action):
    """Adapt an action to the hub's `run(settings, args)` call: HQ reads its own settings."""

    def run(_hub_settings, args) -> int:
        try:
            settings = load_cloud_settings()
        except CloudConfigError as exc:
            print(f"passline cloud: configuration error: {exc}", file=sys.stderr)
            return 2
        return action(settings, args)

    return run


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _engine(settings: CloudSettings):
    from cloud.db.engine import make_engine

    return make_engine(settings.database_url)


def _serve(settings: CloudSettings, args) -> int:
    from cloud.server import serve

    if args.host:
        settings = settings.model_copy(update={"http_host": args.host})
    if args.port is not None:
        settings = settings.model_copy(update={"http_port": args.port})
    serve(settings)
    return 0


def _db_upgrade(settings: CloudSettings, _args) -> int:
    from sqlalchemy.engine import make_url

    from cloud.db.migrate import upgrade

    upgrade(settings.database_url)
    print(f"HQ database is up to date ({make_url(settings.database_url).render_as_string(hide_password=True)})")
    return 0


def _stores_add(settings: CloudSettings, args) -> int:
    from cloud.contracts import StoreInfo
    from cloud.db.access import add_store, issue_enrolment_code

    jurisdiction = args.jurisdiction or DEFAULT_JURISDICTION
    try:
        StoreInfo(code=args.store, name=args.name, jurisdiction=jurisdiction)
    except ValueError:
        print("passline cloud: a store code and jurisdiction are letters, digits, '.', '_', ':' or '-' (up to 64)",
              file=sys.stderr)
        return 2
    with _engine(settings).begin() as conn:
        store, created = add_store(conn, args.store, name=args.name, jurisdiction=jurisdiction, at=_now())
        code = issue_enrolment_code(conn, store.code, _now())
    print(f"{'added' if created else 'kept'} store {store.code} (jurisdiction {store.jurisdiction})")
    if not created and args.jurisdiction and args.jurisdiction != store.jurisdiction:
        print(f"passline cloud: store {store.code}'s jurisdiction stays {store.jurisdiction}: adding a store again does "
              "not change it", file=sys.stderr)
    print(f"enrolment code (one use, 7 days, shown this once): {code}")
    return 0


def _stores_revoke(settings: CloudSettings, args) -> int:
    from cloud.db.access import find_store, revoke_store

    with _engine(settings).begin() as conn:
        if find_store(conn, args.store) is None:
            print(f"passline cloud: there is no store {args.store}", file=sys.stderr)
            return 1
        count = revoke_store(conn, args.store, _now())
    print(f"revoked {count} token(s) and code(s) of store {args.store}; its hub is signed out now")
    return 0


def _stores_list(settings: CloudSettings, _args) -> int:
    from cloud.db.access import list_stores

    with _engine(settings).connect() as conn:
        for store in list_stores(conn):
            print(f"{store.code}\t{store.jurisdiction}\t{store.name}")
    return 0


def _accounts_add(settings: CloudSettings, args) -> int:
    from cloud.db.access import add_account
    from cloud.web.app import password_hasher

    made = not args.password_stdin
    password = secrets.token_urlsafe(GENERATED_PASSWORD_BYTES) if made else sys.stdin.readline().rstrip("\n")
    if len(password) < 12:
        print("passline cloud: a password needs at least 12 characters", file=sys.stderr)
        return 2
    with _engine(settings).begin() as conn:
        if not add_account(conn, args.name, password_hasher(settings).hash(password), _now()):
            print(f"passline cloud: there is an account {args.name} already", file=sys.stderr)
            return 1
    print(f"added HQ account {args.name}")
    if made:
        print(f"password (shown this once, keep it somewhere safe): {password}")
    return 0


def _docs(_settings: CloudSettings, args) -> int:
    from cloud.api_doc import render_cloud_api
    from passline_shared.generated_docs import write_or_check

    return write_or_check(render_cloud_api(), args.output, args.check, "passline cloud docs")
