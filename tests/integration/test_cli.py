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


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PASSLINE_DATA_DIR": str(tmp_path / "data"),
                   "PASSLINE_HTTP_PORT": str(free_port()), "PASSLINE_BROKER_PORT": str(free_port()),
                   # a worktree run with PYTHONPATH=its checkout tests its own code, not the installed one
                   **({"PYTHONPATH": os.environ["PYTHONPATH"]} if os.environ.get("PYTHONPATH") else {}), **env}
    return subprocess.run([PASSLINE, *args], env=environment, capture_output=True, text=True, timeout=60)


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
