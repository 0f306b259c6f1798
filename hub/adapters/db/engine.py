"""Create the database engine with the durability settings Passline relies on."""

from __future__ import annotations

import logging
import os
import stat
import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.engine import make_url

logger = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 10_000  # a CLI import and the hub may write at once; wait rather than fail
# SQLite's own busy wait sleeps inside C: under the gevent worker that stops every greenlet, including the
# one holding the write lock (waiting, say, for the broker's answer to a new device login), until the wait
# times out. So SQLite waits only this long at a time, and a writer that finds the lock taken retries
# BEGIN IMMEDIATE after a sleep that lets the others run (time.sleep is gevent's there), up to the timeout.
SQLITE_LOCK_STEP_MS = 20
SQLITE_LOCK_RETRY_S = 0.005
PRIVATE_DIR = 0o700  # the data folder: orders, customers' phones, secrets; the hub's user alone
PRIVATE_FILE = 0o600
SQLITE_FILES = ("", "-wal", "-shm", "-journal")  # SQLite gives its side files the database file's mode


def make_engine(database_url: str, **options) -> Engine:
    """Return an engine; SQLite gets WAL, synchronous=FULL and foreign keys on every connection."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            make_private_database(Path(url.database))
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_LOCK_STEP_MS / 1000}, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        _take_over_transactions(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **options)


def secure_data_dir(folder: Path) -> None:
    """Make the data folder 0700 and every file directly in it 0600, creating the folder if missing."""
    folder.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    _tighten(folder, PRIVATE_DIR)
    for child in folder.iterdir():
        if child.is_file() and not child.is_symlink():
            _tighten(child, PRIVATE_FILE)


def make_private_database(path: Path) -> None:
    """Create the SQLite file 0600 before SQLite does (it would use 0644), and tighten a looser one and its folder."""
    folder = path.parent
    if _is_own_private_place(folder):
        secure_data_dir(folder)
    for suffix in SQLITE_FILES:
        side = path.with_name(path.name + suffix)
        if side.is_file():
            _tighten(side, PRIVATE_FILE)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE))


def _is_own_private_place(folder: Path) -> bool:
    # A folder shared by design (`/tmp`, sticky) or owned by someone else is left alone; only its files tighten.
    if not folder.exists():
        return True
    info = folder.stat()
    return info.st_uid == os.getuid() and not info.st_mode & stat.S_ISVTX


def _tighten(path: Path, allowed: int) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & ~allowed:
        os.chmod(path, mode & allowed)
        logger.warning("%s was mode %o; now %o (readable by the hub alone)", path, mode, mode & allowed)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: an order we acknowledged survives a power cut (NORMAL may lose the last commits).
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_LOCK_STEP_MS}")
    cursor.close()


def _take_over_transactions(engine: Engine) -> None:
    """Begin write transactions with BEGIN IMMEDIATE so two writers queue instead of deadlocking."""

    @event.listens_for(engine, "connect")
    def _no_implicit_begin(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except OperationalError as exc:
                if "locked" not in str(exc.orig) or time.monotonic() >= deadline:
                    raise
            time.sleep(SQLITE_LOCK_RETRY_S)
