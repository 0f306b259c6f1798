"""Owner and store IT accounts over HTTP and the CLI, `passline devices`, and `passline agent --claim`."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import threading
import tomllib
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from devices.agent.__main__ import claim_and_run, enrol
from devices.agent.config import load_config
from hub.domain.enrolment import ChangePassword, CreateClaim, DisableAccount
from tests.integration.access_support import OWNER_PASSWORD, app, clock, hub, logins, owner  # noqa: F401 - fixtures
from tests.support.hub_process import free_port

PASSLINE = str(Path(sys.executable).with_name("passline"))


def test_an_owner_signs_in_sees_who_they_are_and_signs_out(owner):
    cookie = owner.get_cookie("passline_account")
    assert cookie.http_only and cookie.same_site == "Strict" and cookie.path == "/"
    assert owner.get("/api/v1/sessions/current").get_json() == {"username": "owner", "role": "owner"}
    assert owner.delete("/api/v1/sessions/current").status_code == 204
    assert owner.get_cookie("passline_account") is None
    assert owner.get("/api/v1/sessions/current").status_code == 401


def test_a_wrong_password_and_an_unknown_name_get_the_same_401(app):
    browser = app.test_client()
    wrong = browser.post("/api/v1/sessions", json={"username": "owner", "password": "not the password"})
    nobody = browser.post("/api/v1/sessions", json={"username": "nobody", "password": "not the password"})
    assert wrong.status_code == nobody.status_code == 401 and wrong.get_json() == nobody.get_json()
    assert browser.get_cookie("passline_account") is None
    missing = browser.post("/api/v1/sessions", json={"username": "owner"})
    assert missing.status_code == 422 and missing.get_json()["field"] == "password"


def test_a_new_password_or_disabling_ends_the_sessions_already_open(app, hub, owner):
    hub.bus.handle(ChangePassword("owner", "another long password"))
    assert owner.get("/api/v1/sessions/current").status_code == 401
    assert owner.post("/api/v1/sessions", json={"username": "owner", "password": OWNER_PASSWORD}).status_code == 401
    assert owner.post("/api/v1/sessions", json={"username": "owner", "password": "another long password"}).status_code == 201
    hub.bus.handle(DisableAccount("owner"))
    assert owner.get("/api/v1/sessions/current").status_code == 401
    assert owner.post("/api/v1/sessions", json={"username": "owner", "password": "another long password"}).status_code == 401


def test_sign_ins_from_one_address_are_limited_to_ten_a_minute(app):
    browser = app.test_client()
    answers = [browser.post("/api/v1/sessions", json={"username": "owner", "password": "guess number x"},
                            environ_base={"REMOTE_ADDR": "10.0.0.99"}) for _ in range(11)]
    assert [a.status_code for a in answers] == [401] * 10 + [429] and "Retry-After" in answers[-1].headers


def test_the_pairing_and_sign_in_pages_go_back_only_to_pages_of_this_hub(app):
    browser = app.test_client()
    page = browser.get("/pair?next=/kiosk/kiosk-1").get_data(as_text=True)
    assert "Pair this screen" in page and '"/kiosk/kiosk-1"' in page and "/api/v1/devices/claim" in page
    assert '"//evil.example"' not in browser.get("/pair?next=//evil.example").get_data(as_text=True)
    sign_in = browser.get("/admin/sign-in?next=https://evil.example").get_data(as_text=True)
    assert "Sign in" in sign_in and "evil.example" not in sign_in and '"/admin"' in sign_in


def passline(tmp_path: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PASSLINE_DATA_DIR": str(tmp_path / "data"),
                   "PASSLINE_STORE": "test", "PYTHONPATH": os.environ.get("PYTHONPATH", "")}
    return subprocess.run([PASSLINE, *args], env=environment, capture_output=True, text=True, timeout=60, input=stdin)


def test_the_accounts_commands_add_list_change_and_disable(tmp_path):
    assert passline(tmp_path, "db", "upgrade").returncode == 0
    made = passline(tmp_path, "accounts", "add", "boss", "--role", "owner")
    assert made.returncode == 0, made.stderr
    password = made.stdout.split("keep it somewhere safe): ")[1].strip()
    assert len(password) >= 16
    typed = passline(tmp_path, "accounts", "add", "it", "--role", "store_it", "--password-stdin",
                     stdin="typed in a pipe\n")
    assert typed.returncode == 0 and "typed in a pipe" not in typed.stdout
    assert passline(tmp_path, "accounts", "passwd", "it", "--password-stdin", stdin="another one, long\n").returncode == 0
    assert passline(tmp_path, "accounts", "disable", "it").returncode == 0
    listed = json.loads(passline(tmp_path, "accounts", "list", "--json").stdout)
    assert [(a["username"], a["role"], a["state"]) for a in listed] == [("boss", "owner", "active"),
                                                                          ("it", "store_it", "disabled")]
    hashes = [r[0] for r in sqlite3.connect(tmp_path / "data" / "passline.db").execute("select password_hash from accounts")]
    assert all(h.startswith("$argon2id$") for h in hashes) and password not in str(hashes)
    bad = passline(tmp_path, "accounts", "add", "x", "--role", "owner", "--password-stdin", stdin="short\n")
    assert bad.returncode == 2 and "username" in bad.stderr and "Traceback" not in bad.stderr
    again = passline(tmp_path, "accounts", "add", "boss", "--role", "owner")
    assert again.returncode == 2 and "boss already has an account" in again.stderr


def test_the_devices_commands_add_list_and_revoke(tmp_path):
    assert passline(tmp_path, "db", "upgrade").returncode == 0
    made = passline(tmp_path, "devices", "add", "kiosk-1", "--role", "kiosk", "--json")
    assert made.returncode == 0, made.stderr
    claim = json.loads(made.stdout)
    assert list(claim) == ["device_id", "role", "claim_code", "expires_at"] and len(claim["claim_code"]) == 10
    shown = passline(tmp_path, "devices", "add", "printers-1", "--role", "agent", "--hub-url", "http://hub:8000")
    assert "passline agent --claim" in shown.stdout and "--hub http://hub:8000" in shown.stdout and "▄" in shown.stdout
    listed = json.loads(passline(tmp_path, "devices", "list", "--json").stdout)
    assert [(d["device_id"], d["role"], d["state"]) for d in listed] == [("kiosk-1", "kiosk", "pending"),
                                                                          ("printers-1", "agent", "pending")]
    revoked = passline(tmp_path, "devices", "revoke", "kiosk-1")
    assert revoked.returncode == 0 and "revoked" in revoked.stdout
    assert json.loads(passline(tmp_path, "devices", "list", "--json").stdout)[0]["state"] == "revoked"
    agent = passline(tmp_path, "devices", "revoke", "printers-1")  # no broker here: its login could not be removed
    assert agent.returncode == 1 and "NOT removed" in agent.stderr and "revoked" in agent.stdout
    unknown = passline(tmp_path, "devices", "revoke", "nobody")
    assert unknown.returncode == 2 and "device_id" in unknown.stderr
    bad = passline(tmp_path, "devices", "add", "kiosk/2", "--role", "kiosk")
    assert bad.returncode == 2 and "device_id" in bad.stderr
    bad_role = passline(tmp_path, "devices", "add", "k2", "--role", "owner")
    assert bad_role.returncode == 2 and "role must be one of" in bad_role.stderr
    stored = str(list(sqlite3.connect(tmp_path / "data" / "passline.db").execute("select * from claim_codes")))
    assert claim["claim_code"] not in stored


@pytest.fixture
def served(app):
    """The app on a real HTTP port, as an agent reaches it."""
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def test_an_agent_claims_its_code_and_keeps_its_login_in_a_0600_config(tmp_path, hub, served, logins):
    config = tmp_path / "agent.toml"
    config.write_text('# our printers\n[agent]\ndevice_id = "old"\nstore = "old"\nmqtt_url = "mqtt://x:y@h:1883"\n'
                      'spool_dir = "/var/spool/passline"\n\n[[hardware]]\nname = "grill"\ntype = "escpos"\n')
    os.chmod(config, 0o644)
    code = hub.bus.handle(CreateClaim("printers-1", "agent")).code
    enrol(config, code, served)
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    loaded = load_config(config)
    password = logins.logins["printers-1"][1]
    assert (loaded.device_id, loaded.store, str(loaded.spool_dir)) == ("printers-1", "test", "/var/spool/passline")
    assert loaded.mqtt_url.startswith("mqtt://printers-1:") and loaded.mqtt_url.endswith("@127.0.0.1:1883")
    assert password in tomllib.loads(config.read_text())["agent"]["mqtt_url"]
    assert [h.name for h in loaded.hardware] == ["grill"] and "# our printers" in config.read_text()
    again = claim_and_run(tmp_path / "other.toml", code, served)  # a used code: refused in words, nothing written
    assert again == 2 and not (tmp_path / "other.toml").exists()
