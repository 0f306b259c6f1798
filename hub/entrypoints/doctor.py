"""`passline doctor`: check what a store needs at 7 am and say what to do about each problem."""

from __future__ import annotations

import json
import os
import shutil
import socket
import ssl
import subprocess
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import paho.mqtt.client as mqtt
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from hub.adapters.db import order_tables
from hub.adapters.db.dead_letters import SqlDeadLetters
from hub.adapters.db.engine import make_engine
from hub.adapters.db.migrate import schema_state
from hub.adapters.db.access_repo import SqlAccessRepository
from hub.adapters.mqtt.mosquitto_supervisor import plain_mqtt_on_network
from hub.adapters.store_tls import TlsFiles, ca_made_at, certificate_expiry
from hub.config import MqttTarget, Settings, hide_password
from hub.domain.access import on_plain_mqtt

CONNECT_TIMEOUT_S = 5
LOW_DISK_BYTES = 1 << 30  # warn below 1 GiB
CRITICAL_DISK_BYTES = 200 << 20  # fail below 200 MiB: SQLite needs room to commit
TLS_RENEW_WITHIN = timedelta(days=30)  # a month's notice to renew the hub's certificate


@dataclass(frozen=True)
class Finding:
    """One check's verdict."""

    level: str  # OK, WARN or FAIL
    part: str
    detail: str
    fix: str | None = None


def run_doctor(settings: Settings, *, out=print) -> int:
    """Print a plain report; return 1 if anything failed."""
    findings = [check_database(settings), check_broker(settings), check_hub(settings), check_disk(settings), check_clock(settings),
                check_settings(settings), check_tls(settings), check_plain_mqtt(settings), check_cloud(settings)]
    findings = [f for f in findings if f is not None]
    out(f"Passline doctor — store {settings.store}, data in {settings.data_dir}")
    for f in findings:
        out(f"  {f.level:<5} {f.part:<9} {f.detail}")
        if f.fix:
            out(f"  {'':<5} {'':<9} → {f.fix}")
    failed = [f for f in findings if f.level == "FAIL"]
    out("All good." if not failed else f"{len(failed)} problem(s) need fixing before the store can sell.")
    return 1 if failed else 0


def check_database(settings: Settings) -> Finding:
    """Connect and compare the schema with the newest migration."""
    shown = hide_password(settings.database_url)
    missing = _missing_sqlite_file(settings.database_url)
    if missing is not None:
        return Finding("FAIL", "database", f"there is no database at {missing}",
                       "Run `passline db upgrade` to make one, or set PASSLINE_DATA_DIR to the store's data folder "
                       "(`make demo` uses ./data in the checkout).")
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as db:
            db.execute(text("SELECT 1"))
        current, head = schema_state(engine)
        parked = SqlDeadLetters(engine).count() if current is not None and current == head else 0
    except Exception as exc:  # noqa: BLE001 - reported in words
        return Finding("FAIL", "database", f"cannot open {shown}: {exc.__class__.__name__}: {exc}",
                       "Check PASSLINE_DATABASE_URL and that the data directory is writable.")
    finally:
        engine.dispose()
    if current is None:
        return Finding("FAIL", "database", f"{shown} has no schema yet", "Run `passline db upgrade`.")
    if current != head:
        return Finding("FAIL", "database", f"{shown} is at schema {current}, newest is {head}", "Run `passline db upgrade`.")
    if parked:
        return Finding("WARN", "database", f"{shown}, schema {current} (newest); {parked} device message(s) the hub "
                       "could not handle are set aside", "See them under \"Device messages the hub could not handle\" "
                       "on /admin, with the reason for each.")
    return Finding("OK", "database", f"{shown}, schema {current} (newest)")


def check_cloud(settings: Settings) -> Finding:
    """Say whether the store reaches headquarters, what waits in the outbox, and when the feeds were read."""
    from hub.adapters.cloud.link import link_status
    from hub.adapters.cloud.settings import load_cloud_settings
    from hub.adapters.db.engine import make_engine
    from hub.entrypoints.cloud_health import cloud_check

    cloud = load_cloud_settings(settings.data_dir)
    if not cloud.linked:
        return Finding("OK", "cloud", "not linked to headquarters: the catalog comes from files")
    engine = make_engine(settings.database_url)
    try:
        check = cloud_check(link_status(cloud, engine, None, datetime.now(timezone.utc)))
    except Exception as exc:  # noqa: BLE001 - the database check above says what is wrong with it
        return Finding("WARN", "cloud", f"cannot read the link's state: {exc.__class__.__name__}")
    finally:
        engine.dispose()
    return Finding(check["level"], "cloud", check["detail"], check["fix"])


def check_broker(settings: Settings) -> Finding:
    """Log in to the configured broker, or check what the supervised Mosquitto needs."""
    from hub.adapters.mqtt.mosquitto_files import DYNSEC_PLUGIN
    from hub.adapters.mqtt.mosquitto_supervisor import MOSQUITTO_BINARY

    target = settings.mqtt
    if settings.supervised_broker:
        missing = [path for path in (MOSQUITTO_BINARY, DYNSEC_PLUGIN) if not os.path.exists(path)]
        if missing:
            return Finding("FAIL", "broker", f"the hub runs Mosquitto itself, but {', '.join(missing)} is missing",
                           "Install it: `sudo apt-get install mosquitto`, or point PASSLINE_MQTT_URL at a broker.")
        if not _port_open(target.host, target.port):
            return Finding("OK", "broker", f"Mosquitto (the hub starts it) on port {target.port}; port is free")
        verdict = _mqtt_login(target)
        if verdict is not None and "authori" in verdict.lower():  # it answers and wants a login: Mosquitto
            return Finding("OK", "broker", f"a broker that refuses anonymous logins answers at {target.address} "
                                           "(the hub's own Mosquitto, if the hub runs)")
        return Finding("FAIL", "broker", f"something on port {target.port} is not the hub's Mosquitto: "
                                         f"{verdict or 'it lets anyone in'}",
                       "Stop it, or set PASSLINE_BROKER_PORT, or point PASSLINE_MQTT_URL at it.")
    verdict = _mqtt_login(target)
    if verdict is None:
        return Finding("OK", "broker", f"logged in to {target.address} as {target.username or 'anonymous'}")
    return Finding("FAIL", "broker", f"cannot log in to {target.address}: {verdict}",
                   "Start the broker (systemctl start mosquitto) and check the user and password in PASSLINE_MQTT_URL.")


def check_hub(settings: Settings) -> Finding:
    """Ask a running hub whether it is up and has its broker (the open probe), and for its health if it tells us."""
    base, context = local_hub(settings, "")
    try:
        with urllib.request.urlopen(f"{base}/api/v1/live", timeout=CONNECT_TIMEOUT_S, context=context) as response:
            live = json.load(response)
    except (OSError, ValueError):
        return Finding("WARN", "hub", f"not running at {base}", "Start it: `systemctl start passline-hub` or `passline serve`.")
    if not live.get("ready"):
        return Finding("FAIL", "hub", f"running at {base} but not connected to its broker",
                       "Check the broker (above) and `journalctl -u passline-hub`.")
    try:
        with urllib.request.urlopen(f"{base}/api/v1/health", timeout=CONNECT_TIMEOUT_S, context=context) as response:
            report = json.load(response)
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):  # the full report is for signed-in accounts
            return Finding("OK", "hub", f"running at {base}, connected to its broker (the full report: {base}/admin)")
        report = json.load(exc)
    except (OSError, ValueError):
        return Finding("WARN", "hub", f"running at {base}, but its health report did not answer",
                       "Look at /admin, and `journalctl -u passline-hub`.")
    problems = [f"{name}: {c['detail']}" for name, c in report.get("checks", {}).items() if not c.get("ok")]
    if problems:
        return Finding("FAIL", "hub", "running but unwell: " + "; ".join(problems), "Open /admin on the hub for details.")
    return Finding("OK", "hub", f"running at {base}, version {report.get('version')}, {report.get('orders_today')} orders today")


def local_hub(settings: Settings, path: str) -> tuple[str, ssl.SSLContext | None]:
    """Return the address of a path on the hub these settings run, from this machine, and the TLS context to check it."""
    host = "127.0.0.1" if settings.http_host in ("0.0.0.0", "::") else settings.http_host
    if TlsFiles.in_data_dir(settings.data_dir).ready:  # checked against the store CA, as a device would
        return f"https://{host}:{settings.https_port}{path}", ssl.create_default_context(cafile=str(settings.store_ca_file))
    return f"http://{host}:{settings.http_port}{path}", None


def check_tls(settings: Settings) -> Finding:
    """Say whether connections are encrypted, and how long the hub's certificate has left."""
    files = TlsFiles.in_data_dir(settings.data_dir)
    if not files.ready:
        return Finding("WARN", "tls", "connections are not encrypted (plain HTTP and MQTT)",
                       "Run `passline tls init` and restart the hub (docs/deployment.md §6).")
    left = certificate_expiry(files.cert) - datetime.now(timezone.utc)
    if left <= timedelta(0):
        return Finding("FAIL", "tls", f"the hub's certificate {files.cert} has expired: devices and browsers refuse it",
                       "Run `passline tls init` again (the store CA is kept) and restart the hub.")
    if left < TLS_RENEW_WITHIN:
        return Finding("WARN", "tls", f"the hub's certificate expires in {left.days} days",
                       "Run `passline tls init` again (the store CA is kept) and restart the hub.")
    return Finding("OK", "tls", f"HTTPS on port {settings.https_port}, MQTT over TLS on {settings.broker_tls_port}; "
                                f"certificate good for {left.days} more days")


def check_plain_mqtt(settings: Settings) -> Finding | None:
    """Once the hub has TLS, say which devices still use unencrypted MQTT and whether it is open to the network."""
    files = TlsFiles.in_data_dir(settings.data_dir)
    if not files.ready:
        return None  # the tls line says that nothing is encrypted
    try:
        engine = make_engine(settings.database_url)
        try:
            with engine.connect() as connection:
                devices = SqlAccessRepository(connection).devices()
        finally:
            engine.dispose()
    except SQLAlchemyError as exc:
        return Finding("WARN", "mqtt", f"cannot read the enrolled devices ({exc.__class__.__name__}; see the database line)")
    plain = on_plain_mqtt(devices, ca_made_at(files.ca_cert))
    if plain:
        return Finding("WARN", "mqtt", f"{len(plain)} device(s) enrolled before TLS still use unencrypted MQTT: "
                                       f"{', '.join(plain)}",
                       "Enrol each again with a new claim code (`passline devices add ID --role ROLE`), then restart "
                       "the hub: unencrypted MQTT then listens on this machine only.")
    if settings.supervised_broker and plain_mqtt_on_network(settings.data_dir):
        return Finding("WARN", "mqtt", "every device uses MQTT over TLS, but unencrypted MQTT still listens on the network",
                       "Restart the hub: its Mosquitto then takes unencrypted MQTT from this machine only.")
    return Finding("OK", "mqtt", "every device uses MQTT over TLS")


def check_disk(settings: Settings) -> Finding:
    """Check free space where the database lives."""
    where = settings.data_dir if settings.data_dir.exists() else settings.data_dir.parent
    while not where.exists():
        where = where.parent
    free = shutil.disk_usage(where).free
    detail = f"{free // (1 << 20)} MiB free in {where}"
    if free < CRITICAL_DISK_BYTES:
        return Finding("FAIL", "disk", detail, "Free disk space now: the hub cannot store orders on a full disk.")
    if free < LOW_DISK_BYTES:
        return Finding("WARN", "disk", detail, "Free some disk space soon.")
    return Finding("OK", "disk", detail)


def check_clock(settings: Settings) -> Finding:
    """Check the clock is synchronised and has not gone back behind the newest order."""
    now = datetime.now(timezone.utc)
    newest = _newest_order_time(settings)
    if newest is not None and newest > now:
        return Finding("FAIL", "clock", f"the clock ({now:%Y-%m-%d %H:%M}) is behind the newest order ({newest:%Y-%m-%d %H:%M})",
                       "Set the time (timedatectl set-ntp true); order numbers and queue times depend on it.")
    synced = _ntp_synchronised()
    if synced is False:
        return Finding("WARN", "clock", f"{now:%Y-%m-%d %H:%M:%S} UTC, not synchronised with a time server",
                       "Enable time sync: timedatectl set-ntp true.")
    return Finding("OK", "clock", f"{now:%Y-%m-%d %H:%M:%S} UTC" + (", synchronised" if synced else ""))


def check_settings(settings: Settings) -> Finding:
    """Check the optional settings files the hub reads at start: a bad one stops it."""
    from hub.adapters.frontdesk_config import load_frontdesk_settings
    from hub.adapters.kitchen_config import load_kitchen_settings

    if not settings.data_dir.is_dir():
        return Finding("OK", "settings", f"no data folder {settings.data_dir} yet: the defaults apply")
    found = []
    for name, load in (("displays.toml", load_kitchen_settings), ("frontdesk.toml", load_frontdesk_settings)):
        path = settings.data_dir / name
        try:
            load(path)
        except ValueError as exc:
            return Finding("FAIL", "settings", str(exc), f"Fix {path} (see docs/operations.md); the hub will not start with it.")
        if path.exists():
            found.append(name)
    return Finding("OK", "settings", ", ".join(found) + " read" if found else "no settings files: the defaults apply")


def _missing_sqlite_file(database_url: str) -> str | None:
    """Return the path of a SQLite database that does not exist (opening it would make an empty one)."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:") and not os.path.isfile(url.database):
        return url.database
    return None


def _newest_order_time(settings: Settings) -> datetime | None:
    if _missing_sqlite_file(settings.database_url) is not None:
        return None
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as db:
            return db.execute(select(func.max(order_tables.orders.c.received_at))).scalar()
    except Exception:  # noqa: BLE001 - no schema yet: nothing to compare
        return None
    finally:
        engine.dispose()


def _ntp_synchronised() -> bool | None:
    if shutil.which("timedatectl") is None:
        return None
    try:
        result = subprocess.run(["timedatectl", "show", "-p", "NTPSynchronized", "--value"],
                                capture_output=True, text=True, timeout=CONNECT_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired):
        return None
    value = result.stdout.strip()
    return {"yes": True, "no": False}.get(value)


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S):
            return True
    except OSError:
        return False


def _mqtt_login(target: MqttTarget) -> str | None:
    """Try an MQTT login; return None on success or the reason in words."""
    done = threading.Event()
    outcome: list[str | None] = ["no answer within 5 s"]
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="passline-doctor", protocol=mqtt.MQTTv311)
    if target.username:
        client.username_pw_set(target.username, target.password)
    if target.tls:
        client.tls_set(ca_certs=target.ca_file)

    def on_connect(_c, _u, _flags, reason_code, _p):
        outcome[0] = None if not reason_code.is_failure else str(reason_code)
        done.set()

    client.on_connect = on_connect
    try:
        client.connect(target.host, target.port, keepalive=10)
    except OSError as exc:
        return f"{exc.strerror or exc}"
    client.loop_start()
    done.wait(CONNECT_TIMEOUT_S)
    client.disconnect()
    client.loop_stop()
    return outcome[0]
