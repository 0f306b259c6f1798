"""TLS: `passline tls init`, the hub over HTTPS, Mosquitto's TLS listener, and an agent enrolled over both."""

from __future__ import annotations

import ipaddress
import os
import queue
import re
import socket
import ssl
import stat
import subprocess
import tomllib
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
import requests
from cryptography import x509

from hub.adapters.store_tls import CERT_VALIDITY, TlsFiles, certificate_names, default_addresses, init_tls
from hub.adapters.mqtt.dynsec import DynamicSecurityLogins
from hub.config import parse_mqtt_url
from hub.domain.access import Role
from hub.domain.enrolment import CreateClaim
from hub.entrypoints.broker_setup import write_broker_config
from tests.conftest import make_settings, prepare_database, require_mosquitto, start_hub
from tests.support.hub_process import OWNER, OWNER_PASSWORD, PASSLINE, HubProcess
from tests.support.mosquitto import MosquittoProcess, free_port

pytestmark = pytest.mark.mosquitto


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def tls_init(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PASSLINE_DATA_DIR": str(data_dir), "PASSLINE_STORE": "test"}
    return subprocess.run([PASSLINE, "tls", "init", *args], env=env, capture_output=True, text=True)


def test_tls_init_makes_a_store_ca_and_a_certificate_for_this_machines_names_readable_by_the_hub_alone(tmp_path):
    data = tmp_path / "data"
    done = tls_init(data, "--name", "hub.store.example", "--address", "10.20.30.40")
    assert done.returncode == 0, done.stderr
    files = TlsFiles.in_data_dir(data)
    assert mode(data) == 0o700 and mode(files.folder) == 0o700
    assert {p.name: mode(p) for p in files.folder.iterdir()} == {
        "ca.crt": 0o600, "ca.key": 0o600, "hub.crt": 0o600, "hub.key": 0o600}
    names, addresses = certificate_names(files.cert)
    host = socket.gethostname().split(".")[0]
    assert {host, f"{host}.local", "localhost", "hub.store.example"} <= set(names)
    assert {"127.0.0.1", "10.20.30.40"} <= set(addresses)
    assert not any(a.startswith("127.") and a != "127.0.0.1" for a in addresses)
    chain = x509.load_pem_x509_certificates(files.cert.read_bytes())
    ca = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    chain[0].verify_directly_issued_by(ca)  # raises if the hub's certificate is not the store CA's
    assert chain[1] == ca and ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert "made a new store CA" in done.stdout and "hub.store.example" in done.stdout
    assert "BEGIN" not in done.stdout  # no key (nor anything else in PEM) on the screen


def test_tls_init_again_renews_the_hubs_certificate_under_the_same_ca(tmp_path):
    data = tmp_path / "data"
    assert tls_init(data, "--only", "--name", "hub.local").returncode == 0
    files = TlsFiles.in_data_dir(data)
    ca_before, cert_before = files.ca_cert.read_bytes(), files.cert.read_bytes()
    again = tls_init(data, "--only", "--name", "hub.local", "--name", "till-room.local", "--address", "192.168.5.2")
    assert again.returncode == 0 and "kept the store CA" in again.stdout
    assert files.ca_cert.read_bytes() == ca_before and files.cert.read_bytes() != cert_before
    assert certificate_names(files.cert) == (["hub.local", "till-room.local"], ["192.168.5.2"])
    bad = tls_init(data, "--address", "not-an-address")
    assert bad.returncode == 2 and "not-an-address" in bad.stderr and "Traceback" not in bad.stderr


@pytest.fixture(scope="module")
def tls_hub(tmp_path_factory):
    """One hub under gunicorn with a certificate, for the tests below (starting one takes seconds)."""
    require_mosquitto()
    hub = HubProcess(tmp_path_factory.mktemp("tls") / "hub")
    hub.prepare()
    assert tls_init(hub.data_dir).returncode == 0
    hub.start()
    yield hub
    hub.stop()


def test_a_hub_with_a_certificate_answers_https_verified_by_the_store_ca_and_redirects_plain_http(tls_hub):
    live = requests.get(f"https://127.0.0.1:{tls_hub.https_port}/api/v1/live", verify=tls_hub.ca_file, timeout=5)
    assert live.status_code == 200 and live.json()["ready"] is True
    with pytest.raises(requests.exceptions.SSLError):  # a client that does not trust the store CA refuses the hub
        requests.get(f"https://127.0.0.1:{tls_hub.https_port}/api/v1/live", timeout=5)
    plain = f"http://127.0.0.1:{tls_hub.http_port}"
    for method in ("GET", "POST"):
        moved = requests.request(method, f"{plain}/admin?tab=devices", allow_redirects=False, timeout=5)
        assert moved.status_code == 308
        assert moved.headers["Location"] == f"https://127.0.0.1:{tls_hub.https_port}/admin?tab=devices"
    followed = requests.get(f"{plain}/api/v1/live", verify=tls_hub.ca_file, timeout=5)
    assert followed.url.startswith("https://") and followed.json()["live"] is True


def test_admin_over_https_has_no_warning_and_the_session_cookie_is_secure(tls_hub):
    session = requests.Session()  # its own `verify` would lose to REQUESTS_CA_BUNDLE: each call names the CA
    signed_in = session.post(f"{tls_hub.base_url}/api/v1/sessions", json={"username": OWNER, "password": OWNER_PASSWORD},
                             verify=tls_hub.ca_file)
    assert signed_in.status_code == 201 and "Secure" in signed_in.headers["Set-Cookie"]
    page = session.get(f"{tls_hub.base_url}/admin", verify=tls_hub.ca_file)
    assert page.status_code == 200 and "not encrypted" not in page.text


def test_admin_over_plain_http_warns_in_words_that_connections_are_not_encrypted(client):
    page = client.get("/admin").get_data(as_text=True)
    shown = " ".join(re.sub(r"<[^>]+>", "", page).split())
    assert "Connections are not encrypted: run passline tls init on the hub and restart it." in shown
    secure = client.get("/admin", base_url="https://localhost").get_data(as_text=True)
    assert "not encrypted" not in secure and "Store test" in secure


def test_doctor_reaches_the_https_hub_and_says_how_long_its_certificate_lasts(tls_hub, tmp_path):
    report = subprocess.run([PASSLINE, "doctor"], env=tls_hub.env, capture_output=True, text=True).stdout
    assert f"OK    hub       running at https://127.0.0.1:{tls_hub.https_port}, connected to its broker" in report
    assert "OK    tls       HTTPS on port" in report and f"certificate good for {CERT_VALIDITY.days - 1} more days" in report
    plain = subprocess.run([PASSLINE, "doctor"], env={**os.environ, "PASSLINE_DATA_DIR": str(tmp_path / "plain")},
                           capture_output=True, text=True).stdout
    assert "WARN  tls       connections are not encrypted" in plain and "Run `passline tls init`" in plain


@pytest.fixture
def tls_broker_hub(tmp_path):
    """An in-process hub whose supervised Mosquitto has the TLS listener."""
    require_mosquitto()
    settings = make_settings(tmp_path, broker_host="127.0.0.1", broker_tls_port="0")
    prepare_database(settings)
    init_tls(settings.data_dir, ["localhost"], ["127.0.0.1"], store="test")
    hub, app = start_hub(settings)
    yield hub, app
    hub.stop()


def connect(port: int, username: str, password: str, ca_file: str) -> tuple[str, object]:
    """Connect over TLS trusting only ca_file; return ("connect", reason) or ("tls", the error)."""
    events: queue.Queue = queue.Queue()
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv311)
    client.username_pw_set(username, password)
    client.tls_set(ca_certs=ca_file)
    client.on_connect = lambda _c, _u, _f, code, _p: events.put(("connect", code))
    try:
        client.connect("127.0.0.1", port)
    except ssl.SSLError as exc:
        return "tls", exc
    client.loop_start()
    try:
        return events.get(timeout=5)
    finally:
        client.disconnect()
        client.loop_stop()


def test_a_claimed_device_gets_the_store_ca_and_the_tls_listener_takes_it_but_not_a_client_trusting_another_ca(
        tls_broker_hub, tmp_path):
    hub, app = tls_broker_hub
    assert hub.broker.tls_port and hub.mqtt_target().tls and hub.mqtt_target().port == hub.broker.tls_port
    assert f"on port {hub.broker.tls_port}." in hub.broker.log_tail(50)  # the hub's own connection is over TLS
    code = hub.bus.handle(CreateClaim("printers-1", "agent")).code
    answer = app.test_client().post("/api/v1/devices/claim", json={"code": code}).get_json()["mqtt"]
    assert answer["url"].startswith("mqtts://printers-1:") and answer["url"].endswith(f":{hub.broker.tls_port}")
    assert answer["ca"] == hub.broker.ca_file.read_text()
    store_ca = tmp_path / "store-ca.pem"
    store_ca.write_text(answer["ca"])
    kind, reason = connect(hub.broker.tls_port, answer["username"], answer["password"], str(store_ca))
    assert kind == "connect" and not reason.is_failure
    kind, reason = connect(hub.broker.tls_port, answer["username"], "wrong", str(store_ca))
    assert kind == "connect" and reason.is_failure  # TLS does not replace the login
    other = init_tls(tmp_path / "elsewhere", ["localhost"], ["127.0.0.1"], store="other")
    kind, error = connect(hub.broker.tls_port, answer["username"], answer["password"], str(other.files.ca_cert))
    assert kind == "tls" and "certificate verify failed" in str(error)
    assert plain_login_accepted(hub.broker.port, answer["username"], answer["password"])  # enrolled before TLS: still in


def plain_login_accepted(port: int, username: str, password: str) -> bool:
    """Return whether the plain listener takes this login (devices enrolled before TLS keep working)."""
    events: queue.Queue = queue.Queue()
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv311)
    client.username_pw_set(username, password)
    client.on_connect = lambda _c, _u, _f, code, _p: events.put(code)
    client.connect("127.0.0.1", port)
    client.loop_start()
    try:
        return not events.get(timeout=5).is_failure
    finally:
        client.disconnect()
        client.loop_stop()


def test_without_a_certificate_a_claimed_device_gets_the_plain_listener_and_no_ca(tmp_path):
    require_mosquitto()
    settings = make_settings(tmp_path, broker_host="127.0.0.1")
    prepare_database(settings)
    hub, app = start_hub(settings)
    try:
        code = hub.bus.handle(CreateClaim("printers-1", "agent")).code
        answer = app.test_client().post("/api/v1/devices/claim", json={"code": code}).get_json()["mqtt"]
        assert answer["url"].startswith("mqtt://") and answer["url"].endswith(f":{hub.broker.port}")
        assert "ca" not in answer and hub.broker.tls_port is None and not hub.mqtt_target().tls
    finally:
        hub.stop()


def test_an_agent_enrols_over_https_with_a_claim_code_and_connects_to_the_broker_over_tls(tls_hub, tmp_path):
    code = tls_hub.claim_code("printers-1", "agent")
    config = tmp_path / "agent" / "agent.toml"
    config.parent.mkdir()
    config.write_text('[[hardware]]\nname = "bar"\ntype = "bumpbar"\nport = "/dev/null-none"\nstation = "bar"\n')
    plain = subprocess.run([PASSLINE, "agent", "--config", str(config), "--claim", code,
                            "--hub", f"http://127.0.0.1:{tls_hub.http_port}"], capture_output=True, text=True, timeout=30)
    assert plain.returncode == 2 and f"--hub https://127.0.0.1:{tls_hub.https_port}" in plain.stderr
    untrusted = subprocess.run([PASSLINE, "agent", "--config", str(config), "--claim", code, "--hub", tls_hub.base_url],
                               capture_output=True, text=True, timeout=30)
    assert untrusted.returncode == 2 and "--ca" in untrusted.stderr
    agent = subprocess.Popen([PASSLINE, "agent", "--config", str(config), "--claim", code, "--hub", tls_hub.base_url,
                              "--ca", str(tls_hub.ca_file)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        online = _wait_online(tls_hub, "printers-1")
        kept = tomllib.loads(config.read_text())["agent"]
        assert kept["mqtt_url"].startswith("mqtts://printers-1:")
        assert kept["mqtt_url"].endswith(f"@127.0.0.1:{tls_hub.broker_tls_port}")
        assert (config.parent / kept["ca_file"]).read_text() == tls_hub.ca_file.read_text()
        assert mode(config) == 0o600 and online
        broker_log = (tls_hub.data_dir / "mosquitto" / "mosquitto.log").read_text()
        assert f"on port {tls_hub.broker_tls_port}.\n" in broker_log and "as printers-1 " in broker_log
        assert _port_of_login(broker_log, "printers-1") == tls_hub.broker_tls_port
    finally:
        agent.terminate()
        agent.wait(10)


def _wait_online(hub: HubProcess, device_id: str, timeout: float = 20) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        devices = hub.api("GET", "/api/v1/devices")[1]["devices"]
        if any(d["device_id"] == device_id and d["online"] for d in devices):
            return True
        time.sleep(0.2)
    return False


def _port_of_login(log: str, login: str) -> int:
    """Return the listener port of the last connection the broker's log shows for a login."""
    lines = log.splitlines()
    for index in range(len(lines) - 1, 0, -1):
        if f"as {login} " in lines[index]:
            address = lines[index].split("connected from ")[1].split(" as ")[0]
            opened = next(line for line in reversed(lines[:index]) if f"New connection from {address} on port" in line)
            return int(opened.rsplit("port ", 1)[1].rstrip("."))
    raise AssertionError(f"{login} never connected")


def test_broker_config_gives_a_stores_own_mosquitto_the_tls_listener_with_the_hubs_certificate(tmp_path):
    require_mosquitto()
    hub_data = tmp_path / "hub"
    init_tls(hub_data, ["localhost"], ["127.0.0.1"], store="shop-1")
    port, tls_port = free_port(), free_port()
    lines = write_broker_config("shop-1", tmp_path / "etc", port=port, bind="127.0.0.1", data_dir=tmp_path / "persist",
                                tls_port=tls_port, hub_data_dir=hub_data)
    assert any(f"MQTT over TLS on port {tls_port}" in line for line in lines)
    env = dict(line.split("=", 1) for line in (tmp_path / "etc" / "hub.env").read_text().splitlines())
    for parent in (tmp_path, *tmp_path.parents):  # pytest's 0700 folders: let the broker's account through
        os.chmod(parent, parent.stat().st_mode | stat.S_IXOTH)
    broker = MosquittoProcess(tmp_path / "etc" / "mosquitto.conf", port)
    broker.start()
    try:
        logins = DynamicSecurityLogins(lambda: parse_mqtt_url(env["PASSLINE_MQTT_ADMIN_URL"]), store="shop-1")
        login = logins.create("printer-1", Role.AGENT)
        ca = str(TlsFiles.in_data_dir(hub_data).ca_cert)
        kind, reason = connect(tls_port, login.username, login.password, ca)
        assert kind == "connect" and not reason.is_failure
        other = init_tls(tmp_path / "elsewhere", ["localhost"], ["127.0.0.1"], store="other")
        assert connect(tls_port, login.username, login.password, str(other.files.ca_cert))[0] == "tls"
    finally:
        broker.stop()
    without = write_broker_config("shop-2", tmp_path / "etc2", port=port, bind="127.0.0.1", data_dir=tmp_path / "p2",
                                  tls_port=tls_port, hub_data_dir=tmp_path / "no-hub")
    assert any("no TLS listener" in line for line in without)
    assert "certfile" not in (tmp_path / "etc2" / "mosquitto.conf").read_text()


def reachable(address: str, port: int) -> bool:
    """Return whether a TCP connection to address:port is taken."""
    try:
        with socket.create_connection((address, port), timeout=2):
            return True
    except OSError:
        return False


def admin_text(hub: HubProcess) -> str:
    """Return /admin as the signed-in owner reads it over HTTPS (words, no tags)."""
    session = requests.Session()
    session.post(f"{hub.base_url}/api/v1/sessions", json={"username": OWNER, "password": OWNER_PASSWORD},
                 verify=hub.ca_file)
    page = session.get(f"{hub.base_url}/admin", verify=hub.ca_file).text
    return " ".join(re.sub(r"<[^>]+>", "", page).split())


def test_unencrypted_mqtt_stays_open_to_the_network_only_while_a_device_enrolled_before_tls_needs_it(tmp_path):
    require_mosquitto()
    hub = HubProcess(tmp_path / "hub")
    hub.env["PASSLINE_BROKER_HOST"] = "0.0.0.0"  # as a store's hub listens: for devices on the network
    hub.prepare()
    hub.start()
    try:  # an agent enrolled before the hub had a certificate gets plain MQTT
        status, answer, _ = hub._send("POST", "/api/v1/devices/claim", {"code": hub.claim_code("printers-1", "agent")})
        assert status == 200 and answer["mqtt"]["url"].startswith("mqtt://printers-1:")
    finally:
        hub.stop()
    assert tls_init(hub.data_dir, "--name", "localhost", "--address", "127.0.0.1").returncode == 0
    # this machine's IPv4 addresses other devices reach it on (0.0.0.0 is IPv4's every address)
    network = [a for a in default_addresses() if ipaddress.ip_address(a).version == 4 and not a.startswith("127.")]
    conf = hub.data_dir / "mosquitto" / "mosquitto.conf"

    hub.start()
    try:
        assert f"listener {hub.broker_port} 0.0.0.0" in conf.read_text()
        assert all(reachable(address, hub.broker_port) for address in network)
        assert ("1 device still uses unencrypted MQTT, enrolled before the hub had its certificate: printers-1. "
                "Enrol each again") in admin_text(hub)
        report = subprocess.run([PASSLINE, "doctor"], env=hub.env, capture_output=True, text=True).stdout
        assert "WARN  mqtt      1 device(s) enrolled before TLS still use unencrypted MQTT: printers-1" in report
        status, answer, _ = hub._send("POST", "/api/v1/devices/claim", {"code": hub.claim_code("printers-1", "agent")})
        assert status == 200 and answer["mqtt"]["url"].startswith("mqtts://printers-1:")
        report = subprocess.run([PASSLINE, "doctor"], env=hub.env, capture_output=True, text=True).stdout
        assert "WARN  mqtt      every device uses MQTT over TLS, but unencrypted MQTT still listens on the network" in report
    finally:
        hub.stop()

    hub.start()  # the last plain device moved: unencrypted MQTT is for this machine only
    try:
        assert f"listener {hub.broker_port} 127.0.0.1" in conf.read_text()
        assert reachable("127.0.0.1", hub.broker_port) and reachable("127.0.0.1", hub.broker_tls_port)
        assert not any(reachable(address, hub.broker_port) for address in network)
        assert all(reachable(address, hub.broker_tls_port) for address in network)
        assert "unencrypted MQTT" not in admin_text(hub)
        report = subprocess.run([PASSLINE, "doctor"], env=hub.env, capture_output=True, text=True).stdout
        assert "OK    mqtt      every device uses MQTT over TLS" in report
    finally:
        hub.stop()
