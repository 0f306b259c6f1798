"""`passline backup` and `restore` on PostgreSQL: pg_dump and pg_restore against a real server started here.

The hub's schema is made with `passline db upgrade`, and rows the test can read back with psql
go into a table of the test's own beside it; what is tested is the backup path itself: the
dump is taken with the password kept off the command line, lands 0600 under the store's name,
and a restore puts the rows back as they were when it was taken.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.hub_process import PASSLINE
from tests.support.mosquitto import free_port
from tests.support.postgres import PostgresServer, postgres_bin_dir

pytestmark = pytest.mark.slow

PASSWORD = "pg-test-secret"


@pytest.fixture
def postgres():
    """A PostgreSQL server on 127.0.0.1 with a password login `passline` and a database `passline`."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        pytest.fail("PostgreSQL is needed for this test: apt-get install postgresql")
    server = PostgresServer(bin_dir, password=PASSWORD)
    server.start()
    try:
        yield server.create_database("passline")
    finally:
        server.stop()


def psql(url: str, sql: str) -> str:
    """Run SQL through psql (password in PGPASSWORD) and return its unaligned output."""
    plain = url.replace("+psycopg", "").replace(f":{PASSWORD}@", "@")
    done = subprocess.run(["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", plain, "-c", sql],
                          env={**os.environ, "PGPASSWORD": PASSWORD}, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def passline(url: str, data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PASSLINE_STORE": "berlin-1", "PASSLINE_DATABASE_URL": url, "PASSLINE_DATA_DIR": str(data_dir),
           "PASSLINE_HTTP_HOST": "127.0.0.1", "PASSLINE_HTTP_PORT": str(free_port())}
    return subprocess.run([PASSLINE, *args], env=env, capture_output=True, text=True, timeout=120)


def test_pg_dump_backup_restores_the_rows_as_they_were(postgres: str, tmp_path: Path):
    made = passline(postgres, tmp_path / "data", "db", "upgrade")
    assert made.returncode == 0, made.stderr
    psql(postgres, "CREATE TABLE probe_orders (order_id text PRIMARY KEY, number text NOT NULL);"
                   "INSERT INTO probe_orders VALUES ('o-1', 'A001'), ('o-2', 'A002'), ('o-3', 'Ä003')")
    taken = passline(postgres, tmp_path / "data", "backup", "--to", str(tmp_path / "backups"), "--keep", "2")
    assert taken.returncode == 0, taken.stderr
    assert PASSWORD not in taken.stdout + taken.stderr
    match = re.search(r": (/\S+\.pgdump) \(", taken.stdout)
    assert match, taken.stdout
    dump = Path(match.group(1))
    assert re.fullmatch(r"passline-berlin-1-\d{8}T\d{6}Z\.pgdump", dump.name)
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    assert dump.read_bytes().startswith(b"PGDMP")

    psql(postgres, "DELETE FROM probe_orders WHERE order_id = 'o-1'; INSERT INTO probe_orders VALUES ('o-4', 'A004')")
    time.sleep(1)  # a second backup in the same second would need the same name
    restored = passline(postgres, tmp_path / "data", "restore", str(dump))
    assert restored.returncode == 0, restored.stderr
    assert "restored" in restored.stdout and PASSWORD not in restored.stdout + restored.stderr
    assert psql(postgres, "SELECT order_id || ' ' || number FROM probe_orders ORDER BY order_id").splitlines() == [
        "o-1 A001", "o-2 A002", "o-3 Ä003"]


def test_a_sqlite_backup_is_refused_on_a_postgresql_hub(postgres: str, tmp_path: Path):
    stray = tmp_path / "passline-berlin-1-20261207T031500Z.sqlite"
    stray.write_bytes(b"SQLite format 3\x00" + bytes(100))
    refused = passline(postgres, tmp_path / "data", "restore", str(stray))
    assert (refused.returncode, refused.stderr.strip()) == (
        1, f"passline: not restored: {stray} is a SQLite backup, but this hub's database is PostgreSQL")
