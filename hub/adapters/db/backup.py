"""Copy the store's database while the hub serves, and put a copy back.

SQLite: the online backup API copies every page inside one read transaction, so the copy is
the database as it was at one moment, while the hub goes on committing (WAL readers never
block the writer). PostgreSQL: `pg_dump` in its custom format, itself one snapshot.
Backup files are 0600 and named `passline-<store>-<UTC time>.sqlite|.pgdump`.

An SQLite backup also carries the data folder's own small files (the e-receipt secret, the
settings files, the supervised Mosquitto's logins, the store CA and the hub's certificate) in a
table of the copy, so a hub restored on a new machine keeps its e-receipt links, its devices'
broker logins and the CA they trust.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.engine import make_url

from hub.adapters.mqtt.mosquitto_files import DYNSEC_FILE_NAME, HUB_LOGINS_FILE_NAME
from hub.adapters.mqtt.mosquitto_supervisor import FOLDER_NAME as MOSQUITTO_FOLDER
from hub.adapters.receipt_secret import FILE_NAME as RECEIPT_SECRET
from hub.adapters.store_tls import TlsFiles
from hub.config import TLS_FOLDER

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
STAMP = "%Y%m%dT%H%M%SZ"
SQLITE_SUFFIX = ".sqlite"
POSTGRES_SUFFIX = ".pgdump"
_NAME = re.compile(r"^passline-(?P<store>.+)-(?P<stamp>\d{8}T\d{6}Z)(?P<suffix>\.sqlite|\.pgdump)$")
PG_TIMEOUT_S = 3600  # a dump of a big store takes minutes, never an hour
FILES_TABLE = "passline_backup_files"  # only in backup copies: restore takes it out again
# The data folder's files a hub needs besides its database, relative to the folder.
_TLS = TlsFiles(Path(TLS_FOLDER))  # relative: the store CA devices trust, its key, the hub's certificate and key
STORE_FILES = (RECEIPT_SECRET, "displays.toml", "frontdesk.toml",
               f"{MOSQUITTO_FOLDER}/{DYNSEC_FILE_NAME}", f"{MOSQUITTO_FOLDER}/{HUB_LOGINS_FILE_NAME}",
               *(str(path) for path in (_TLS.ca_cert, _TLS.ca_key, _TLS.cert, _TLS.key)))
FILE_READ_TRIES = 3  # Mosquitto may be rewriting its dynamic security file at the moment we read it


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why in words."""


@dataclass(frozen=True)
class BackupFile:
    """One backup file: whose store, when it was taken, and what it holds."""

    path: Path
    store: str
    taken_at: datetime
    kind: str  # sqlite or postgresql

    @classmethod
    def parse(cls, path: Path) -> BackupFile | None:
        """Return the backup a file name describes, or None if the name is not a backup's."""
        match = _NAME.match(path.name)
        if match is None:
            return None
        taken_at = datetime.strptime(match["stamp"], STAMP).replace(tzinfo=timezone.utc)
        kind = "sqlite" if match["suffix"] == SQLITE_SUFFIX else "postgresql"
        return cls(path, match["store"], taken_at, kind)


@dataclass(frozen=True)
class BackupFacts:
    """What a finished backup holds, for the line the command prints."""

    file: BackupFile
    orders: int | None
    schema: str | None
    size: int


def database_kind(database_url: str) -> str:
    """Return sqlite or postgresql for a database URL, refusing anything else."""
    backend = make_url(database_url).get_backend_name()
    if backend in ("sqlite", "postgresql"):
        return backend
    raise BackupError(f"backups know SQLite and PostgreSQL, not {backend}")


def sqlite_path(database_url: str) -> Path:
    """Return the file of an SQLite database URL."""
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupError("the database lives in memory: there is nothing to back up")
    return Path(database)


def backup_name(store: str, taken_at: datetime, kind: str) -> str:
    """Return `passline-<store>-<UTC time><suffix>`."""
    suffix = SQLITE_SUFFIX if kind == "sqlite" else POSTGRES_SUFFIX
    return f"passline-{store}-{taken_at.astimezone(timezone.utc).strftime(STAMP)}{suffix}"


def take_backup(database_url: str, store: str, folder: Path, *, data_dir: Path | None = None,
                now: datetime | None = None) -> BackupFacts:
    """Write a consistent copy of the database (and, on SQLite, data_dir's store files) into folder."""
    kind = database_kind(database_url)
    folder.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    taken_at = now or datetime.now(timezone.utc)
    target = folder / backup_name(store, taken_at, kind)
    if target.exists():
        raise BackupError(f"{target} exists already (two backups in the same second?)")
    partial = folder / f".{target.name}.partial"
    _private_empty_file(partial)
    try:
        if kind == "sqlite":
            orders, schema = _sqlite_copy(sqlite_path(database_url), partial, _store_files(data_dir))
        else:
            _pg_dump(database_url, partial)
            orders, schema = None, None
        _fsync(partial)
        os.link(partial, target)  # never replaces a file, unlike rename
        _fsync_dir(folder)
    finally:
        partial.unlink(missing_ok=True)
    return BackupFacts(BackupFile(target, store, taken_at, kind), orders, schema, target.stat().st_size)


def prune(folder: Path, store: str, keep: int) -> list[Path]:
    """Delete this store's backups in folder beyond the newest `keep`; return what was deleted."""
    if keep < 1:
        raise BackupError("--keep must be at least 1: the newest backup is always kept")
    ours = sorted((b for b in map(BackupFile.parse, folder.iterdir()) if b is not None and b.store == store),
                  key=lambda b: b.taken_at, reverse=True)
    removed = []
    for old in ours[keep:]:
        old.path.unlink(missing_ok=True)
        removed.append(old.path)
    return removed


def check_sqlite_backup(path: Path) -> str:
    """Return the schema revision of an SQLite backup, refusing a file that is not a sound Passline database."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            verdict = db.execute("PRAGMA quick_check").fetchone()[0]
            if verdict != "ok":
                raise BackupError(f"{path} is damaged: SQLite says {verdict}")
            row = db.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a Passline SQLite backup ({exc})") from None
    if row is None:
        raise BackupError(f"{path} has no schema version: it is not a Passline backup")
    return row[0]


def backup_files(backup: Path) -> dict[str, tuple[int, bytes]]:
    """Return the store files an SQLite backup carries: relative path -> (mode, content)."""
    with closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as db:
        try:
            rows = db.execute(f"SELECT path, mode, content FROM {FILES_TABLE}").fetchall()
        except sqlite3.OperationalError:
            return {}  # a backup without the table: taken without a data folder
    return {path: (mode, bytes(content)) for path, mode, content in rows if path in STORE_FILES}


def put_back_files(files: dict[str, tuple[int, bytes]], data_dir: Path) -> tuple[list[str], list[str]]:
    """Write the backup's store files that data_dir lacks; return (written, kept because they differ)."""
    written, kept = [], []
    for name, (mode, content) in sorted(files.items()):
        target = data_dir / name
        if target.exists():
            if target.read_bytes() != content:
                kept.append(name)
            continue
        target.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode & PRIVATE_FILE or PRIVATE_FILE)
        with os.fdopen(descriptor, "wb") as out:
            out.write(content)
        written.append(name)
    return written, kept


def restore_sqlite(backup: Path, database: Path, *, now: datetime | None = None) -> Path | None:
    """Put an SQLite backup in the database's place; return where the replaced database was kept (or None)."""
    check_sqlite_backup(backup)
    stamp = (now or datetime.now(timezone.utc)).strftime(STAMP)
    database.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    incoming = database.with_name(f".{database.name}.restoring")
    incoming.unlink(missing_ok=True)
    _private_empty_file(incoming)
    with backup.open("rb") as source, incoming.open("wb") as target:
        shutil.copyfileobj(source, target, 1 << 20)
    with closing(sqlite3.connect(incoming)) as db:  # the store files go back to the folder, not into the database
        db.execute(f"DROP TABLE IF EXISTS {FILES_TABLE}")
        db.commit()
    _fsync(incoming)
    kept = None
    if database.exists():
        kept = database.with_name(f"{database.name}.replaced-{stamp}")
        for suffix in ("", "-wal", "-shm", "-journal"):  # the WAL belongs to the file it was written for
            side = database.with_name(database.name + suffix)
            if side.exists():
                side.rename(kept.with_name(kept.name + suffix))
    incoming.rename(database)
    _fsync_dir(database.parent)
    return kept


def restore_postgresql(backup: Path, database_url: str) -> None:
    """Load a pg_dump backup into the database, replacing what is there, in one transaction."""
    conninfo, env = _pg_target(database_url)
    _run_pg(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
             f"--dbname={conninfo}", str(backup)], env)


def _sqlite_copy(database: Path, target: Path, files: dict[str, tuple[int, bytes]]) -> tuple[int, str | None]:
    if not database.exists():
        raise BackupError(f"there is no database at {database}: nothing to back up")
    with closing(sqlite3.connect(database, timeout=30)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)  # pages=-1: every page in one step, inside one read transaction: one moment
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no WAL beside it
        copy.execute(f"CREATE TABLE {FILES_TABLE} (path TEXT PRIMARY KEY, mode INTEGER NOT NULL, content BLOB NOT NULL)")
        copy.executemany(f"INSERT INTO {FILES_TABLE} VALUES (?, ?, ?)",
                         [(name, mode, content) for name, (mode, content) in files.items()])
        copy.commit()
        verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"the copy does not check out: SQLite says {verdict}")
        orders = copy.execute("SELECT count(*) FROM orders").fetchone()[0]
        row = copy.execute("SELECT version_num FROM alembic_version").fetchone()
    return orders, row[0] if row else None


def _store_files(data_dir: Path | None) -> dict[str, tuple[int, bytes]]:
    """Read the data folder's store files that exist: relative path -> (mode, content)."""
    found: dict[str, tuple[int, bytes]] = {}
    for name in STORE_FILES if data_dir is not None else ():
        path = data_dir / name
        for _ in range(FILE_READ_TRIES):
            try:
                content, mode = path.read_bytes(), path.stat().st_mode & 0o777
            except FileNotFoundError:
                break
            if not name.endswith(".json") or _is_json(content):
                found[name] = (mode, content)
                break
            time.sleep(0.1)
        else:
            raise BackupError(f"{path} does not read as JSON (three tries): check it, then back up again")
    return found


def _is_json(content: bytes) -> bool:
    try:
        json.loads(content)
    except ValueError:
        return False
    return True


def _pg_dump(database_url: str, target: Path) -> None:
    conninfo, env = _pg_target(database_url)
    _run_pg(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", f"--dbname={conninfo}"], env)


def _pg_target(database_url: str) -> tuple[str, dict[str, str]]:
    """Return a libpq URL without the password (which `ps` would show) and the environment carrying it."""
    url = make_url(database_url)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run_pg(argv: list[str], env: dict[str, str]) -> None:
    if shutil.which(argv[0]) is None:
        raise BackupError(f"{argv[0]} is not installed: `sudo apt-get install postgresql-client`")
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=PG_TIMEOUT_S)
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(f"{argv[0]} failed: {said[-1] if said else f'exit status {done.returncode}'}")


def _private_empty_file(path: Path) -> None:
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)

