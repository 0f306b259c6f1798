"""Run a real, throwaway PostgreSQL server in tests (Debian's postgresql package)."""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from tests.support.mosquitto import free_port

SUPERUSER = "passline"
START_TIMEOUT_S = 30
# Durability is not what these tests measure, and a throwaway cluster is gone afterwards anyway.
FAST_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")
# PostgreSQL refuses to run as root; as root (CI) it runs as one of these system users.
UNPRIVILEGED_USERS = ("postgres", "nobody")


def postgres_bin_dir() -> Path | None:
    """Return the folder with initdb and postgres (the newest Debian version first), or None when not installed."""
    for found in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True):
        if os.access(Path(found) / "initdb", os.X_OK):
            return Path(found)
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


class PostgresServer:
    """One PostgreSQL cluster in a temp folder, on a free port, as an unprivileged user when we are root.

    Without a password every local login is trusted; with one, the superuser signs in with it (SCRAM),
    as a store's server would ask, for tests of what must keep a password off command lines.
    """

    def __init__(self, bin_dir: Path, password: str | None = None) -> None:
        self.bin_dir = bin_dir
        self.password = password
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="passline-pg-"))
        self.data_dir = self.folder / "data"
        self.log_path = self.folder / "postgres.log"
        self._user = _run_as()
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Create the cluster and start the server; wait until it takes connections."""
        auth = ["-A", "trust"]
        if self.password is not None:
            password_file = self.folder / "password"
            password_file.write_text(self.password)
            auth = ["-A", "scram-sha-256", f"--pwfile={password_file}"]
        if self._user is not None:
            for path in (self.folder, *self.folder.iterdir()):
                os.chown(path, self._user.pw_uid, self._user.pw_gid)
        self._run([str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-U", SUPERUSER, *auth,
                   "-E", "UTF8", "--locale=C", "--no-sync"])
        if self.password is not None:
            (self.folder / "password").unlink()
        settings = [arg for setting in FAST_SETTINGS for arg in ("-c", setting)]
        with open(self.log_path, "ab") as log:
            self._process = subprocess.Popen(
                [str(self.bin_dir / "postgres"), "-D", str(self.data_dir), "-p", str(self.port), "-k", str(self.folder),
                 "-c", "listen_addresses=127.0.0.1", *settings],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **self._identity())
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"postgres exited with {self._process.returncode}: {self.log()}")
            try:
                psycopg.connect(self.dsn("postgres"), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                time.sleep(0.1)
        raise RuntimeError(f"postgres did not take connections within {START_TIMEOUT_S} s: {self.log()}")

    def dsn(self, database: str) -> str:
        """Return a libpq address of a database on this server."""
        return f"postgresql://{self._login}@127.0.0.1:{self.port}/{database}"

    def url(self, database: str) -> str:
        """Return a SQLAlchemy URL of a database on this server (psycopg 3)."""
        return f"postgresql+psycopg://{self._login}@127.0.0.1:{self.port}/{database}"

    @property
    def _login(self) -> str:
        return SUPERUSER if self.password is None else f"{SUPERUSER}:{self.password}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create an empty database (or a copy of a template) and return its SQLAlchemy URL."""
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            # FILE_COPY: a small template copies in ~0.05 s here, where WAL_LOG (15's default) takes ~1 s.
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""))
        return self.url(name)

    def log(self) -> str:
        """Return the server's log."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder."""
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)  # postgres' "fast" shutdown: roll back and stop
            try:
                self._process.wait(15)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _identity(self) -> dict:
        if self._user is None:
            return {}
        return {"user": self._user.pw_uid, "group": self._user.pw_gid, "extra_groups": []}

    def _run(self, argv: list[str]) -> None:
        done = subprocess.run(argv, capture_output=True, text=True, **self._identity())
        if done.returncode != 0:
            raise RuntimeError(f"{argv[0]} failed: {done.stdout}{done.stderr}")


def _run_as() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    for name in UNPRIVILEGED_USERS:
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as")


_shared: PostgresServer | None = None
_databases = 0


def fresh_database_url() -> str:
    """Return the URL of a new, empty database on one PostgreSQL server shared by the whole test run.

    The hub's own tests use it when PASSLINE_TEST_DATABASE=postgresql: `make_settings` has no fixture to ask, so the
    server starts on first use and stops when the test process exits.
    """
    global _shared, _databases
    if _shared is None:
        bin_dir = postgres_bin_dir()
        if bin_dir is None:
            raise RuntimeError("PASSLINE_TEST_DATABASE=postgresql needs PostgreSQL: apt-get install postgresql")
        server = PostgresServer(bin_dir)
        server.start()
        atexit.register(server.stop)
        _shared = server
    _databases += 1
    return _shared.create_database(f"hub_{os.getpid()}_{_databases}")
