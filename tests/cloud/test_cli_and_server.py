"""`passline cloud ...` as store IT and HQ use it, and HQ served by gunicorn in its own process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests
from sqlalchemy import create_engine, inspect

from tests.support.mosquitto import free_port

PASSLINE = str(Path(sys.executable).with_name("passline"))


def run(tmp_path: Path, database_url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([PASSLINE, "cloud", *args], env=_env(tmp_path, database_url), input=stdin,
                          capture_output=True, text=True, timeout=60)


def _env(tmp_path: Path, database_url: str, **more: str) -> dict:
    return {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
            "PASSLINE_DATA_DIR": str(tmp_path / "hub-data"), "PASSLINE_CLOUD_DATA_DIR": str(tmp_path / "cloud"),
            "PASSLINE_CLOUD_DATABASE_URL": database_url, "PASSLINE_CLOUD_PASSWORD_COST": "cheapest", **more}


def code_in(output: str) -> str:
    return output.split("shown this once): ", 1)[1].split()[0]


def test_db_upgrade_makes_hqs_own_tables_and_is_repeatable(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    first = run(tmp_path, url, "db", "upgrade")
    assert first.returncode == 0, first.stderr
    assert run(tmp_path, url, "db", "upgrade").returncode == 0
    tables = set(inspect(create_engine(url)).get_table_names())
    assert {"stores", "changes", "events", "ledger", "stock_moves", "cloud_alembic_version"} <= tables
    assert "alembic_version" not in tables, "HQ's migrations keep their own version table"
    assert os.stat(tmp_path / "fresh.db").st_mode & 0o077 == 0


def test_served_hq_enrols_a_store_with_the_printed_code_once_and_revocation_signs_it_out(tmp_path, database_url):
    added = run(tmp_path, database_url, "stores", "add", "berlin", "--name", "Berlin Mitte", "--jurisdiction", "DE")
    assert added.returncode == 0, added.stderr
    assert "added store berlin (jurisdiction DE)" in added.stdout
    code = code_in(added.stdout)
    account = run(tmp_path, database_url, "accounts", "add", "ops", "--password-stdin", stdin="a long enough password\n")
    assert account.returncode == 0 and "password" not in account.stdout.replace("--password", "")

    port = free_port()
    server = subprocess.Popen([PASSLINE, "cloud", "serve", "--host", "127.0.0.1", "--port", str(port)],
                              env=_env(tmp_path, database_url), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_up(base, server)
        enrolled = requests.post(f"{base}/api/v1/enrol", json={"code": code}, timeout=5)
        assert enrolled.status_code == 201
        assert requests.post(f"{base}/api/v1/enrol", json={"code": code}, timeout=5).status_code == 401
        store = {"Authorization": f"Bearer {enrolled.json()['token']}"}
        assert requests.get(f"{base}/api/v1/stores/berlin/feeds/catalog", headers=store, timeout=5).status_code == 200

        session = requests.post(f"{base}/api/v1/session", json={"name": "ops", "password": "a long enough password"},
                                timeout=5)
        assert session.status_code == 201
        stores = requests.get(f"{base}/api/v1/stores", headers={"Authorization": f"Bearer {session.json()['token']}"},
                              timeout=5).json()
        assert stores == {"stores": [{"code": "berlin", "name": "Berlin Mitte", "jurisdiction": "DE"}]}

        revoked = run(tmp_path, database_url, "stores", "revoke", "berlin")
        assert revoked.returncode == 0 and "revoked 1 token(s)" in revoked.stdout
        refused = requests.get(f"{base}/api/v1/stores/berlin/feeds/catalog", headers=store, timeout=5)
        assert refused.status_code == 401 and refused.json()["code"] == "unauthenticated"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)


def test_an_account_gets_a_strong_password_shown_once(tmp_path, database_url):
    made = run(tmp_path, database_url, "accounts", "add", "ops")
    assert made.returncode == 0
    assert len(made.stdout.split("keep it somewhere safe): ", 1)[1].strip()) >= 24
    again = run(tmp_path, database_url, "accounts", "add", "ops")
    assert again.returncode == 1 and "there is an account ops already" in again.stderr


def test_revoking_an_unknown_store_says_so(tmp_path, database_url):
    result = run(tmp_path, database_url, "stores", "revoke", "atlantis")
    assert result.returncode == 1 and "there is no store atlantis" in result.stderr


def test_the_api_document_check_fails_when_stale(tmp_path):
    url = f"sqlite:///{tmp_path / 'unused.db'}"
    stale = tmp_path / "cloud-api.md"
    stale.write_text("# old\n")
    assert run(tmp_path, url, "docs", "--check", "--output", str(stale)).returncode == 1
    assert run(tmp_path, url, "docs", "--output", str(stale)).returncode == 0
    assert run(tmp_path, url, "docs", "--check", "--output", str(stale)).returncode == 0


def _wait_up(base: str, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stdout.read().decode(errors="replace")
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):  # workers still booting
            time.sleep(0.1)
    raise AssertionError("HQ did not come up")


def test_adding_a_store_again_keeps_it_and_prints_a_new_code(tmp_path, database_url):
    first = run(tmp_path, database_url, "stores", "add", "berlin", "--jurisdiction", "DE")
    again = run(tmp_path, database_url, "stores", "add", "berlin", "--jurisdiction", "AT")
    assert again.returncode == 0 and "kept store berlin (jurisdiction DE)" in again.stdout
    assert "jurisdiction stays DE" in again.stderr
    assert code_in(first.stdout) != code_in(again.stdout)
    listing = run(tmp_path, database_url, "stores", "list")
    assert listing.stdout.splitlines() == ["berlin\tDE\t"]
    bad = run(tmp_path, database_url, "stores", "add", "no spaces please")
    assert bad.returncode == 2 and "a store code" in bad.stderr
