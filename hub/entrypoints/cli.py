"""The `passline` command."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from hub.config import ConfigError, Settings, checkout_data_dir, load_settings

logger = logging.getLogger("passline")


def main(argv: list[str] | None = None) -> int:
    """Run the `passline` command line."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its plugin chatter hides what matters
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"passline: configuration error: {exc}", file=sys.stderr)
        return 2
    if getattr(args, "host", None):
        settings = settings.model_copy(update={"http_host": args.host})
    if getattr(args, "port", None) is not None:
        settings = settings.model_copy(update={"http_port": args.port})
    # Commands that make or bring their own data (tls init, restore, HQ's) say so with needs_store_database=False.
    if args.run not in _NO_DATABASE and args.run is not _demo and getattr(args, "needs_store_database", True):
        if settings.data_dir == checkout_data_dir() and not os.environ.get("PASSLINE_DATA_DIR"):
            print(f"passline: using the demo's data folder {settings.data_dir} (set PASSLINE_DATA_DIR for another)",
                  file=sys.stderr)
        problem = _database_problem(settings) if args.run not in _SCHEMA_OPTIONAL else None
        if problem:
            print(f"passline: {problem}", file=sys.stderr)
            return 2
    try:
        return args.run(settings, args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - a person reads this: words, never a traceback
        if os.environ.get("PASSLINE_DEBUG"):
            raise
        logger.debug("command failed", exc_info=True)
        print(f"passline: {_in_words(exc)}", file=sys.stderr)
        print("passline: (PASSLINE_DEBUG=1 shows the details for a bug report)", file=sys.stderr)
        return 1


def _database_problem(settings: Settings) -> str | None:
    """Say in words why the store's database cannot be used yet (missing, or without a schema); never create it."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from hub.adapters.db.migrate import schema_state

    url = make_url(settings.database_url)
    where = (f"in the data folder {settings.data_dir}" if url.get_backend_name() == "sqlite"
             else f"at {_shown_url(settings)} (PASSLINE_DATABASE_URL)")
    make = ("make one with `passline db upgrade` (or `make demo`), or set PASSLINE_DATA_DIR to the store's data "
            "folder (`make demo` uses ./data in the checkout)")
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:") \
            and not Path(url.database).is_file():
        return f"there is no Passline database {where}: {make}"
    engine = create_engine(url)
    try:
        current, _ = schema_state(engine)
    except SQLAlchemyError as exc:
        return f"cannot open the database {where}: {_in_words(exc)}"
    finally:
        engine.dispose()
    if current is None:
        return f"the database {where} has no tables yet: {make}"
    return None


def _in_words(exc: BaseException) -> str:
    """Say what went wrong in one line, without a stack trace."""
    from sqlalchemy.exc import SQLAlchemyError

    if isinstance(exc, SQLAlchemyError):
        cause = getattr(exc, "orig", None) or exc
        return f"the database refused: {str(cause).splitlines()[0]} (is its schema current? `passline db upgrade`)"
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")
    return f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="passline", description="Passline store hub.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the hub (gunicorn, one worker, Flask-SocketIO)")
    _http_options(serve)
    serve.set_defaults(run=_serve)

    demo = commands.add_parser("demo", help="create the database, load the demo catalog and run the hub")
    _http_options(demo)
    demo.add_argument("--traffic", type=float, default=0.0, metavar="RATE",
                      help="also send simulated orders from every origin, up to RATE orders per second, and "
                           "simulate the kitchen, expo, pickers and a cashier (default: off)")
    demo.add_argument("--reset", action="store_true",
                      help="first delete the demo's data folder (orders, devices, logins) and start afresh")
    demo.add_argument("--hq", action="store_true",  # issue 13
                      help="also run the reference headquarters with the demo's catalog, and link the store to it")
    demo.set_defaults(run=_demo)

    db = commands.add_parser("db", help="database schema").add_subparsers(required=True, metavar="ACTION")
    db.add_parser("upgrade", help="apply Alembic migrations up to the newest").set_defaults(run=_db_upgrade)

    catalog = commands.add_parser("catalog", help="the store's catalog").add_subparsers(required=True, metavar="ACTION")
    catalog_import = catalog.add_parser("import", help="replace the catalog with a JSON or CSV file, all or nothing")
    catalog_import.add_argument("file", type=Path)
    catalog_import.set_defaults(run=_catalog_import)
    catalog_export = catalog.add_parser("export", help="write the catalog to a JSON file (or CSV: items and stock)")
    catalog_export.add_argument("file", type=Path)
    catalog_export.set_defaults(run=_catalog_export)

    broker = commands.add_parser("broker", help="Mosquitto for production").add_subparsers(required=True, metavar="ACTION")
    broker_config = broker.add_parser("config", help="write mosquitto.conf, the dynamic security file and the hub's logins")
    broker_config.add_argument("--out", type=Path, required=True, help="config folder, e.g. /etc/passline/mosquitto")
    broker_config.add_argument("--port", type=int, default=1883)
    broker_config.add_argument("--bind", default="0.0.0.0", help="address the broker listens on")
    broker_config.add_argument("--tls-port", type=int, default=8883,
                               help="MQTT over TLS with the hub's certificate, once `passline tls init` made it (0: none)")
    broker_config.add_argument("--data-dir", type=Path, default=Path("/var/lib/passline-mosquitto"),
                               help="the broker's persistence folder")
    broker_config.add_argument("--env-file", type=Path, help="where to write PASSLINE_MQTT_URL and PASSLINE_MQTT_ADMIN_URL (default: OUT/hub.env)")
    broker_config.set_defaults(run=_broker_config)

    doctor = commands.add_parser("doctor", help="check broker, database, disk and clock; say what to fix")
    doctor.set_defaults(run=_doctor)

    docs = commands.add_parser("docs", help="generated documentation").add_subparsers(required=True, metavar="DOC")
    protocol = docs.add_parser("protocol", help="write docs/protocol.md from the contracts")
    protocol.add_argument("--output", type=Path, default=Path("docs/protocol.md"))
    protocol.add_argument("--check", action="store_true", help="fail if the file is not up to date")
    protocol.set_defaults(run=_docs_protocol)

    agent = commands.add_parser("agent", help="run a device agent (printers, drawers, bump bars, scanners)")
    agent.add_argument("--config", type=Path, default=Path("agent.toml"), help="agent TOML (default ./agent.toml)")
    agent.add_argument("--claim", metavar="CODE", help="enrol first: exchange this claim code with the hub, keep what it gives")
    agent.add_argument("--hub", metavar="URL", help="the hub's address for --claim, e.g. http://hub.local:8000")
    agent.add_argument("--ca", type=Path, metavar="FILE",
                       help="the store CA (the hub's tls/ca.crt) to check an https:// hub against for --claim")
    agent.set_defaults(run=_agent)
    printer_sim = commands.add_parser("printer-sim", help="run a simulated ESC/POS network printer")
    printer_sim.add_argument("--port", type=int, default=9100)
    printer_sim.add_argument("--bind", default="127.0.0.1")
    printer_sim.add_argument("--name", default="printer")
    printer_sim.add_argument("--state", default="online", help="online, paper_low, paper_out, cover_open or offline")
    printer_sim.add_argument("--text", type=Path, help="append each printed document's text to this file")
    printer_sim.set_defaults(run=_printer_sim)
    terminal_sim = commands.add_parser("terminal-sim", help="run a simulated ZVT payment terminal (TCP or a pty)")
    terminal_sim.add_argument("--tcp", type=int, metavar="PORT", help="listen on this TCP port (default 20007)")
    terminal_sim.add_argument("--pty", action="store_true", help="open a pseudo-terminal and print its device path")
    terminal_sim.add_argument("--bind", default="127.0.0.1")
    terminal_sim.add_argument("--scenario", default="approve", help="approve, decline, cancel, timeout or drop_after_card")
    terminal_sim.set_defaults(run=_terminal_sim)
    printers = commands.add_parser("printers", help="print routes: which printer prints what").add_subparsers(
        required=True, metavar="ACTION", dest="action")
    printers.add_parser("list", help="show every route").set_defaults(run=_printers)
    for action, text in (("set", "send a document kind for a station (* = all) to a printer"), ("remove", "delete a route")):
        command = printers.add_parser(action, help=text)
        command.add_argument("document", help="kitchen_ticket or receipt")
        command.add_argument("station", help="station name (grill, bar, ...) or * for every station")
        if action == "set":
            command.add_argument("--printer", required=True, metavar="DEVICE[:HARDWARE]")
            command.add_argument("--backup", metavar="DEVICE[:HARDWARE]")
            command.add_argument("--language", choices=("en", "de"), default="en")
            command.add_argument("--answer-within", type=float, default=20.0, metavar="SECONDS",
                                 help="no result by then: print on the backup (default 20)")
        command.set_defaults(run=_printers)
    staff = commands.add_parser("staff", help="counter staff and their PINs").add_subparsers(
        required=True, metavar="ACTION", dest="action")
    staff.add_parser("list", help="show every member (never their PINs)").set_defaults(run=_staff)
    staff_add = staff.add_parser("add", help="add a member; the PIN signs them in at a counter")
    staff_add.add_argument("name")
    staff_add.add_argument("--role", choices=("cashier", "manager"), required=True)
    staff_add.add_argument("--pin", help="4 to 8 digits (asked for, unseen, when left out)")
    staff_add.set_defaults(run=_staff)
    from hub.entrypoints.access_cli import add_commands  # issue 12: accounts, device enrolment

    add_commands(commands)
    from hub.entrypoints.tls_cli import add_commands as add_tls_commands  # issue 15: the store CA, HTTPS, MQTT over TLS

    add_tls_commands(commands)
    from hub.entrypoints.backup_cli import add_commands as add_backup_commands  # issue 15: backup, restore

    add_backup_commands(commands)
    from cloud.cli import add_commands as add_cloud_commands  # issue 13: the CLI is where hub and HQ share a command

    cloud_actions = add_cloud_commands(commands)
    from hub.entrypoints.cloud_cli import add_commands as add_link_commands  # issue 13: the hub's link to HQ

    add_link_commands(cloud_actions)
    return parser


def _http_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--host", help="address to listen on (PASSLINE_HTTP_HOST, default 0.0.0.0)")
    command.add_argument("--port", type=int, help="HTTP port (PASSLINE_HTTP_PORT, default 8000)")


def _serve(settings: Settings, _args) -> int:
    """Run the hub."""
    from hub.entrypoints.server import serve

    serve(settings)
    return 0


def _db_upgrade(settings: Settings, _args) -> int:
    from hub.adapters.db.migrate import upgrade

    upgrade(settings.database_url)
    print(f"database is up to date ({_shown_url(settings)})")
    return 0


def _catalog_export(settings: Settings, args) -> int:
    from hub.entrypoints.catalog_import import export_catalog

    count = export_catalog(settings, args.file)
    print(f"exported {count} items to {args.file}")
    return 0


def _catalog_import(settings: Settings, args) -> int:
    from hub.adapters.catalog_file import CatalogFileError
    from hub.entrypoints.catalog_import import import_catalog

    try:
        count, version = import_catalog(settings, args.file)
    except CatalogFileError as exc:
        print(f"passline: catalog not imported: {exc}", file=sys.stderr)
        return 1
    print(f"imported {count} items from {args.file} (catalog version {version})")
    return 0


def _broker_config(settings: Settings, args) -> int:
    from hub.entrypoints.broker_setup import write_broker_config

    try:
        for line in write_broker_config(settings.store, args.out, port=args.port, bind=args.bind,
                                        data_dir=args.data_dir, env_file=args.env_file, tls_port=args.tls_port,
                                        hub_data_dir=settings.data_dir):
            print(line)
    except (ValueError, OSError) as exc:
        print(f"passline: broker config not written: {exc}", file=sys.stderr)
        return 1
    return 0


def _doctor(settings: Settings, _args) -> int:
    from hub.entrypoints.doctor import run_doctor

    return run_doctor(settings)


def _docs_protocol(_settings: Settings, args) -> int:
    from hub.entrypoints.protocol_doc import render_protocol
    from passline_shared.generated_docs import write_or_check

    return write_or_check(render_protocol(), args.output, args.check, "passline docs protocol")


def _demo(settings: Settings, args) -> int:
    from hub.entrypoints.demo import DemoRefused, run_demo

    try:
        return run_demo(settings, traffic=args.traffic, reset=args.reset, hq=args.hq)
    except DemoRefused as refusal:
        print(f"passline demo: {refusal}", file=sys.stderr)
        return 1


def _agent(_settings: Settings, args) -> int:
    from devices.agent.__main__ import claim_and_run  # the CLI is the one place the hub package starts device code

    return claim_and_run(args.config, args.claim, args.hub, args.ca)


def _printers(settings: Settings, args) -> int:
    from hub.entrypoints.printing_cli import run_printers

    return run_printers(settings, args)


def _staff(settings: Settings, args) -> int:
    from hub.entrypoints.staff_cli import run_staff

    return run_staff(settings, args)


def _printer_sim(_settings: Settings, args) -> int:
    from devices.simulators.printer import main as printer_main

    argv = ["--port", str(args.port), "--host", args.bind, "--name", args.name, "--state", args.state]
    return printer_main(argv + (["--text", str(args.text)] if args.text else []))


def _terminal_sim(_settings: Settings, args) -> int:
    from devices.simulators.zvt_terminal import main as terminal_main

    where = ["--pty"] if args.pty else ["--tcp", str(20007 if args.tcp is None else args.tcp)]
    return terminal_main(where + ["--host", args.bind, "--scenario", args.scenario])


def _shown_url(settings: Settings) -> str:
    from hub.config import hide_password

    return hide_password(settings.database_url)


# Commands that never open the store's database, and the one that reports on it in its own words.
_NO_DATABASE = {_db_upgrade, _docs_protocol, _agent, _printer_sim, _terminal_sim, _broker_config}
_SCHEMA_OPTIONAL = {_doctor}


if __name__ == "__main__":
    sys.exit(main())
