"""The `passline` command as store IT uses it: upgrade, import, doctor, docs."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.support.hub_process import free_port

PASSLINE = str(Path(sys.executable).with_name("passline"))


def run(tmp_path: Path, *args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess:
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PASSLINE_DATA_DIR": str(tmp_path / "data"),
                   "PASSLINE_HTTP_PORT": str(free_port()), "PASSLINE_BROKER_PORT": str(free_port()), **env}
    if "PYTHONPATH" in os.environ:  # a worktree's code, not the installed one
        environment["PYTHONPATH"] = os.environ["PYTHONPATH"]
    environment = {k: v for k, v in environment.items() if v is not None}
    return subprocess.run([PASSLINE, *args], env=environment, capture_output=True, text=True, timeout=60,
                          cwd=cwd or tmp_path)


def test_db_upgrade_creates_the_schema_and_is_repeatable(tmp_path):
    assert run(tmp_path, "db", "upgrade").returncode == 0
    again = run(tmp_path, "db", "upgrade")
    assert again.returncode == 0 and "up to date" in again.stdout
    tables = {row[0] for row in sqlite3.connect(tmp_path / "data" / "passline.db").execute("select name from sqlite_master")}
    assert {"orders", "order_lines", "tickets", "catalog_items", "alembic_version"} <= tables
    mode = sqlite3.connect(tmp_path / "data" / "passline.db").execute("pragma journal_mode").fetchone()[0]
    assert mode == "wal"


def test_catalog_import_is_all_or_nothing_and_names_the_field(tmp_path):
    run(tmp_path, "db", "upgrade")
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"currency": "EUR", "items": [
        {"sku": "TEA", "name": "Tea", "price": 300, "tax_rate_bp": 1900, "station": "bar", "prep_seconds": 60}]}))
    assert "imported 1 items" in run(tmp_path, "catalog", "import", str(good)).stdout
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"currency": "EUR", "items": [
        {"sku": "COFFEE", "name": "Coffee", "price": 300, "tax_rate_bp": 1900, "station": "bar", "prep_seconds": 60},
        {"sku": "CAKE", "name": "Cake", "price": -5, "tax_rate_bp": 700, "station": "pastry", "prep_seconds": 60}]}))
    result = run(tmp_path, "catalog", "import", str(bad))
    assert result.returncode == 1
    assert "items[1].price" in result.stderr
    skus = [r[0] for r in sqlite3.connect(tmp_path / "data" / "passline.db").execute("select sku from catalog_items")]
    assert skus == ["TEA"]


def test_doctor_says_what_to_do_about_a_missing_schema_and_an_unreachable_broker(tmp_path):
    result = run(tmp_path, "doctor", PASSLINE_MQTT_URL=f"mqtt://hub:secret@127.0.0.1:{free_port()}")
    assert result.returncode == 1
    assert "FAIL  database" in result.stdout and "Run `passline db upgrade`" in result.stdout
    assert "FAIL  broker" in result.stdout and "check the user and password" in result.stdout
    assert "secret" not in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_doctor_is_happy_with_a_prepared_store(tmp_path):
    run(tmp_path, "db", "upgrade")
    result = run(tmp_path, "doctor")
    assert "OK    database" in result.stdout
    assert "OK    broker" in result.stdout
    assert "WARN  hub" in result.stdout  # not running: a warning with what to do, not a failure
    assert result.returncode == 0, result.stdout


def test_configuration_error_is_one_clear_line(tmp_path):
    result = run(tmp_path, "doctor", PASSLINE_HTTP_PORT="eighty")
    assert result.returncode == 2
    assert result.stderr.strip() == "passline: configuration error: PASSLINE_HTTP_PORT must be a whole number, got 'eighty'"


def test_protocol_check_fails_on_a_stale_document(tmp_path):
    stale = tmp_path / "protocol.md"
    stale.write_text("# old\n")
    assert run(tmp_path, "docs", "protocol", "--check", "--output", str(stale)).returncode == 1
    assert run(tmp_path, "docs", "protocol", "--output", str(stale)).returncode == 0
    assert run(tmp_path, "docs", "protocol", "--check", "--output", str(stale)).returncode == 0


def test_doctor_names_a_bad_settings_file_and_the_key(tmp_path):
    run(tmp_path, "db", "upgrade")
    (tmp_path / "data" / "frontdesk.toml").write_text('[kiosk]\npay_at_counter = "later"\n')
    result = run(tmp_path, "doctor")
    assert result.returncode == 1
    assert "FAIL  settings" in result.stdout and "kiosk.pay_at_counter must be one of off, hold, release" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_commands_run_from_a_checkout_act_on_the_demo_data_folder_and_say_so(tmp_path):
    checkout = tmp_path / "checkout"
    (checkout / "data").mkdir(parents=True)
    (checkout / "data" / ".passline-demo").write_text("made by passline demo\n")  # as `make demo` leaves it
    assert run(tmp_path, "db", "upgrade", PASSLINE_DATA_DIR=str(checkout / "data")).returncode == 0
    assert run(tmp_path, "staff", "add", "Kim", "--role", "cashier", "--pin", "4321",
               PASSLINE_DATA_DIR=str(checkout / "data")).returncode == 0
    result = run(tmp_path, "staff", "list", cwd=checkout, PASSLINE_DATA_DIR=None)
    assert result.returncode == 0, result.stderr
    assert "Kim" in result.stdout
    assert f"using the demo's data folder {checkout / 'data'} (set PASSLINE_DATA_DIR for another)" in result.stderr
    assert not (tmp_path / ".local" / "share" / "passline").exists()  # nothing made in the user's folder


def test_a_command_without_a_database_refuses_in_words_and_makes_none(tmp_path):
    for command in (["printers", "list"], ["staff", "list"], ["devices", "list"], ["catalog", "export", "x.json"]):
        result = run(tmp_path, *command)
        assert result.returncode == 2, command
        assert result.stderr.startswith(f"passline: there is no Passline database in the data folder {tmp_path / 'data'}")
        assert "`passline db upgrade`" in result.stderr and "PASSLINE_DATA_DIR" in result.stderr
        assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "data" / "passline.db").exists()
    doctor = run(tmp_path, "doctor")
    assert "FAIL  database  there is no database at" in doctor.stdout
    assert not (tmp_path / "data").exists()  # the doctor looks; it makes nothing


def test_a_database_without_tables_is_refused_in_words(tmp_path):
    (tmp_path / "data").mkdir()
    sqlite3.connect(tmp_path / "data" / "passline.db").close()  # an empty file, as older versions left behind
    result = run(tmp_path, "printers", "list")
    assert result.returncode == 2
    assert "has no tables yet: make one with `passline db upgrade`" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_failing_command_prints_one_line_in_words_and_no_traceback(tmp_path):
    run(tmp_path, "db", "upgrade")
    db = sqlite3.connect(tmp_path / "data" / "passline.db")
    db.execute("drop table print_routes")  # a damaged database: the command fails half way
    db.commit()
    result = run(tmp_path, "printers", "list")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    said = [line for line in result.stderr.splitlines() if line.startswith("passline:")]
    assert said[0] == (
        "passline: the database refused: no such table: print_routes (is its schema current? `passline db upgrade`)")
