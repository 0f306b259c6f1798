"""`passline backup [--to DIR] [--keep N]` and `passline restore FILE`."""

from __future__ import annotations

import os
import ssl
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from hub.adapters.db.backup import (
    BackupError,
    BackupFile,
    backup_files,
    check_sqlite_backup,
    database_kind,
    prune,
    put_back_files,
    restore_postgresql,
    restore_sqlite,
    sqlite_path,
    take_backup,
)
from hub.config import Settings

PROBE_TIMEOUT_S = 3
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


def add_commands(commands) -> None:
    """Add the `backup` and `restore` commands to the `passline` parser."""
    backup = commands.add_parser("backup", help="copy the database now, while the hub serves (SQLite online backup or pg_dump)")
    backup.add_argument("--to", type=Path, metavar="DIR", help="where to write it (default: backups/ in the data folder)")
    backup.add_argument("--keep", type=int, metavar="N", help="then delete this store's older backups in DIR beyond the newest N")
    backup.set_defaults(run=run_backup)
    restore = commands.add_parser("restore", help="put a backup in the database's place (only while the hub is stopped)")
    restore.add_argument("file", type=Path, metavar="FILE")
    restore.set_defaults(run=run_restore, needs_store_database=False)


def run_backup(settings: Settings, args) -> int:
    """Take one backup, then apply the retention; print one line per file written or deleted."""
    folder = args.to or settings.data_dir / "backups"
    started = time.monotonic()
    try:
        facts = take_backup(settings.database_url, settings.store, folder, data_dir=settings.data_dir)
        removed = prune(folder, settings.store, args.keep) if args.keep is not None else []
    except (BackupError, OSError) as exc:
        print(f"passline: no backup taken: {_words(exc)}", file=sys.stderr)
        return 1
    holds = f"{facts.orders} orders, schema {facts.schema}, " if facts.orders is not None else ""
    print(f"backup of store {settings.store} as it was at {facts.file.taken_at:%Y-%m-%d %H:%M:%S} UTC: "
          f"{facts.file.path} ({holds}{_size(facts.size)}, {time.monotonic() - started:.1f} s)")
    for path in removed:
        print(f"deleted older backup {path} (keeping the newest {args.keep})")
    return 0


def run_restore(settings: Settings, args) -> int:
    """Refuse while the hub runs; otherwise put the backup in place and say what to do next."""
    try:
        kind = database_kind(settings.database_url)
        running = hub_running(settings)
        if running:
            print(f"passline: not restored: the hub is running ({running}). Stop it first "
                  "(`systemctl stop passline-hub`), then run the restore again.", file=sys.stderr)
            return 1
        _check_file(args.file, kind, settings.store)
        if kind == "sqlite":
            return _restore_sqlite(settings, args.file)
        restore_postgresql(args.file, settings.database_url)
    except (BackupError, OSError) as exc:
        print(f"passline: not restored: {_words(exc)}", file=sys.stderr)
        return 1
    print(f"restored {args.file} into the PostgreSQL database; start the hub (`systemctl start passline-hub`), "
          "which brings the schema up to date first.")
    return 0


def hub_running(settings: Settings) -> str | None:
    """Say how a running hub on this database shows itself, or return None when none does.

    The same probe as `passline doctor` (the hub answers on its HTTPS port when TLS is set up,
    else on its HTTP port), the plain HTTP port as well (it redirects), and for SQLite any other
    process holding the database file open: a hub on another port still counts.
    """
    from hub.entrypoints.doctor import local_hub

    probes = dict([local_hub(settings, "/api/v1/live"), (_plain_url(settings, "/api/v1/live"), None)])
    for url, context in probes.items():
        if _answers(url, context):
            return f"it answers at {url}"
    if database_kind(settings.database_url) == "sqlite":
        holders = _processes_with_open(sqlite_path(settings.database_url))
        if holders:
            pid, name = holders[0]
            return f"process {pid} ({name}) has the database open"
    return None


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Take a redirect (plain HTTP to HTTPS) as the answer it is, rather than follow it."""

    def redirect_request(self, *_args, **_kwargs):
        return None


def _answers(url: str, context) -> bool:
    """Return whether anything answers HTTP (or TLS) at url: a redirect, an error page or a refused certificate count."""
    opener = urllib.request.build_opener(_NoRedirects, urllib.request.HTTPSHandler(context=context))
    try:
        with opener.open(url, timeout=PROBE_TIMEOUT_S):
            return True
    except urllib.error.HTTPError:
        return True
    except urllib.error.URLError as exc:
        return isinstance(exc.reason, ssl.SSLError)  # a TLS server answered, with a certificate we do not trust
    except OSError:
        return False


def _plain_url(settings: Settings, path: str) -> str:
    host = "127.0.0.1" if settings.http_host in ("0.0.0.0", "::") else settings.http_host
    return f"http://{host}:{settings.http_port}{path}"


def _restore_sqlite(settings: Settings, backup: Path) -> int:
    from hub.adapters.db.migrate import newest_revision

    schema, newest = check_sqlite_backup(backup), newest_revision()
    if schema > newest:  # revisions are zero-padded numbers: their order is the migrations' order
        raise BackupError(f"{backup} was made by a newer Passline (schema {schema}; this one knows up to {newest}): "
                          "install that version first")
    database = sqlite_path(settings.database_url)
    kept = restore_sqlite(backup, database)
    written, differing = put_back_files(backup_files(backup), settings.data_dir)
    print(f"restored {backup} into {database} (schema {schema})")
    if kept is not None:
        print(f"the database it replaced is kept as {kept}")
    if written:
        print(f"put back from the backup into {settings.data_dir}: {', '.join(written)}")
    for name in differing:
        print(f"kept {settings.data_dir / name}, which differs from the backup's copy (delete it and restore again "
              "to take the backup's)")
    if schema != newest:
        print(f"the backup's schema is older than this Passline's ({newest}): run `passline db upgrade` "
              "(the passline-hub unit does it when it starts)")
    print("start the hub: `systemctl start passline-hub` (or `passline serve`)")
    return 0


def _check_file(path: Path, kind: str, store: str) -> None:
    if not path.is_file():
        raise BackupError(f"there is no file {path}")
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    found = "sqlite" if head.startswith(SQLITE_MAGIC) else "postgresql" if head.startswith(PG_DUMP_MAGIC) else None
    if found is None:
        raise BackupError(f"{path} is neither an SQLite database nor a pg_dump file: not a Passline backup")
    if found != kind:
        raise BackupError(f"{path} is a {_kind_words(found)} backup, but this hub's database is {_kind_words(kind)}")
    named = BackupFile.parse(path)
    if named is not None and named.store != store:
        raise BackupError(f"{path} is a backup of store {named.store!r}, this hub is store {store!r} "
                          "(PASSLINE_STORE); restore it on that store's hub")


def _processes_with_open(path: Path) -> list[tuple[int, str]]:
    """Return (pid, command name) of other processes that have this file open (those this user may see)."""
    try:
        target = path.resolve()
    except OSError:
        return []
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            opened = any(Path(os.readlink(fd)) == target for fd in (entry / "fd").iterdir())
            name = (entry / "comm").read_text().strip() if opened else ""
        except OSError:
            continue
        if opened:
            found.append((int(entry.name), name))
    return found


def _kind_words(kind: str) -> str:
    return "SQLite" if kind == "sqlite" else "PostgreSQL"


def _size(size: int) -> str:
    return f"{size / (1 << 20):.1f} MiB" if size >= 1 << 20 else f"{size / 1024:.0f} KiB"


def _words(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}" + (f" ({exc.filename})" if exc.filename else "")
    return str(exc)

