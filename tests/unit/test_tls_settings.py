"""The small parts of TLS: mqtts:// settings, the broker's TLS listener lines, the redirect's address, the agent's CA."""

from __future__ import annotations

import http.client
import tomllib

import pytest

from devices.agent.config import enrolled_agent_table, parse_config
from hub.adapters.mqtt.mosquitto_files import TlsListener, render_broker_config
from hub.adapters.store_tls import init_tls
from hub.config import ConfigError, load_settings, parse_mqtt_url
from hub.entrypoints.https import HttpsRedirector
from tests.support.mosquitto import free_port


def test_an_mqtts_url_means_tls_on_8883_and_the_store_ca_once_there_is_one(tmp_path):
    target = parse_mqtt_url("mqtts://hub:pw@broker.store")
    assert (target.tls, target.port, target.address) == (True, 8883, "mqtts://broker.store:8883")
    env = {"PASSLINE_DATA_DIR": str(tmp_path / "data"), "PASSLINE_MQTT_URL": "mqtts://hub:pw@broker.store:8884"}
    assert load_settings(env).mqtt.ca_file is None  # no store CA yet: the system's CAs
    init_tls(tmp_path / "data", ["broker.store"], [], store="demo")
    assert load_settings(env).mqtt.ca_file == str(tmp_path / "data" / "tls" / "ca.crt")
    assert not parse_mqtt_url("mqtt://hub:pw@broker.store").tls
    with pytest.raises(ConfigError, match="mqtt:// or mqtts://"):
        parse_mqtt_url("https://broker.store")


def test_the_broker_config_gets_a_tls_listener_only_with_a_certificate(tmp_path):
    plain = render_broker_config(tmp_path / "a", store="s1", port=1883, data_dir=tmp_path / "d").read_text()
    assert "certfile" not in plain and "passline tls init" in plain
    tls = TlsListener(8883, tmp_path / "cert.pem", tmp_path / "key.pem")
    text = render_broker_config(tmp_path / "b", store="s1", port=1883, data_dir=tmp_path / "d", tls=tls).read_text()
    assert f"listener 8883 0.0.0.0\ncertfile {tmp_path / 'cert.pem'}\nkeyfile {tmp_path / 'key.pem'}\n" in text
    with pytest.raises(ValueError, match="certfile must not contain whitespace"):
        render_broker_config(tmp_path / "c", store="s1", port=1883, data_dir=tmp_path / "d",
                             tls=TlsListener(8883, tmp_path / "my cert.pem", tmp_path / "key.pem"))


@pytest.mark.parametrize("host_header, expected", [
    ("hub.local:8000", "https://hub.local:8443/kiosk/kiosk-1?lang=de"),
    ("[fd00::2]:8000", "https://[fd00::2]:8443/kiosk/kiosk-1?lang=de"),
    ("192.168.1.20", "https://192.168.1.20:8443/kiosk/kiosk-1?lang=de"),
])
def test_plain_http_is_sent_to_the_same_host_and_path_on_the_https_port(host_header, expected):
    port = free_port()
    redirector = HttpsRedirector("127.0.0.1", port, 8443)
    redirector.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("POST", "/kiosk/kiosk-1?lang=de", body=b"{}", headers={"Host": host_header})
        reply = connection.getresponse()
        assert (reply.status, reply.getheader("Location")) == (308, expected)
        assert reply.read().decode() == f"This hub answers over HTTPS only: {expected}\n"
    finally:
        redirector.stop()


def test_an_enrolled_agents_ca_file_is_read_beside_its_config(tmp_path):
    table = enrolled_agent_table("printers-1", "demo", "mqtts://printers-1:pw@hub:8883", "spool", "store-ca.pem")
    config = parse_config({**tomllib.loads(table), "hardware": [{"name": "p", "type": "escpos"}]}, tmp_path)
    assert config.ca_file == tmp_path / "store-ca.pem" and config.mqtt_url.startswith("mqtts://")
    without = enrolled_agent_table("printers-1", "demo", "mqtt://printers-1:pw@hub:1883", "spool")
    assert "ca_file" not in without
