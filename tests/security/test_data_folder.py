"""The data folder is the hub's alone: 0700, and its database, WAL, shared memory and secrets 0600."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy import text

from hub.adapters.db.engine import make_engine
from hub.adapters.db.migrate import upgrade
from hub.adapters.receipt_secret import load_secret
from tests.conftest import make_settings


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def write_an_order_row(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.begin() as connection:  # a write makes SQLite open the -wal and -shm files
        connection.execute(text("CREATE TABLE IF NOT EXISTS probe (x INTEGER)"))
        connection.execute(text("INSERT INTO probe VALUES (1)"))
    engine.dispose()


def test_a_new_data_folder_is_0700_and_its_database_files_0600_whatever_the_umask(tmp_path):
    settings = make_settings(tmp_path)
    old = os.umask(0o022)  # a shell's usual umask, outside systemd
    try:
        upgrade(settings.database_url)
        engine = make_engine(settings.database_url)
        with engine.connect() as connection:  # hold the WAL open to see its files
            connection.execute(text("SELECT count(*) FROM orders")).scalar()
            load_secret(settings.data_dir)
            files = sorted(p.name for p in settings.data_dir.iterdir())
            assert {"passline.db", "passline.db-wal", "passline.db-shm", "receipt_secret"} <= set(files)
            assert mode(settings.data_dir) == 0o700
            assert {name: mode(settings.data_dir / name) for name in files} == {name: 0o600 for name in files}
        engine.dispose()
    finally:
        os.umask(old)


def test_a_data_folder_left_open_by_an_older_hub_is_closed_at_start(tmp_path):
    settings = make_settings(tmp_path)
    folder = settings.data_dir
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    db = folder / "passline.db"
    write_an_order_row(settings.database_url)
    for path in [db, db.with_name("passline.db-wal"), db.with_name("passline.db-shm"), folder / "receipt_secret"]:
        path.touch()
        os.chmod(path, 0o644)
    os.chmod(folder, 0o755)

    write_an_order_row(settings.database_url)  # what the hub, a CLI command or a migration does first
    load_secret(folder)

    assert mode(folder) == 0o700
    assert {p.name: mode(p) for p in folder.iterdir()} == {p.name: 0o600 for p in folder.iterdir()}


def test_a_database_in_a_shared_folder_is_0600_and_the_folder_is_left_alone(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)  # like /tmp
    write_an_order_row(f"sqlite:///{shared / 'passline.db'}")
    assert mode(shared) == 0o1777
    assert mode(shared / "passline.db") == 0o600
