"""The broker files the hub writes: password hashes, the dynamic security file, the rendered config."""

from __future__ import annotations

import base64
import json
import stat

import pytest

from hub.adapters.mqtt.dynsec_acls import device_acls
from hub.adapters.mqtt.mosquitto_files import DYNSEC_PLUGIN, hash_password, render_broker_config, write_dynsec_file

# `mosquitto_ctrl dynsec init dynsec.json admin secretpw` from Debian's mosquitto 2.0.11 wrote this login.
CTRL_SALT = "pAzBMQs7JvLu/Ykz"
CTRL_HASH = "uflBKAHuktHriDBQn9MQRXeingThhu7sVUsAVuxR+4oTzBJ590LXZBCc+OQX48jC8CSSp2X2KZqQtk2y7x9vvA=="


def test_hash_matches_what_mosquitto_ctrl_wrote():
    fields = hash_password("secretpw", salt=base64.b64decode(CTRL_SALT))

    assert fields == {"password": CTRL_HASH, "salt": CTRL_SALT, "iterations": 101}


def test_hash_has_a_12_byte_salt_and_a_64_byte_digest_and_differs_each_time():
    first, second = hash_password("secret"), hash_password("secret")

    assert len(base64.b64decode(first["salt"])) == 12
    assert len(base64.b64decode(first["password"])) == 64
    assert first != second


@pytest.mark.parametrize("length", [8, 16])
def test_salt_of_a_length_mosquitto_refuses_is_refused(length):
    with pytest.raises(ValueError, match="12 bytes"):
        hash_password("secret", salt=bytes(length))


def test_dynsec_file_holds_the_hubs_two_logins_as_hashes_and_denies_by_default(tmp_path):
    path = tmp_path / "dynsec.json"

    write_dynsec_file(path, "store-7", "hub-secret", "admin-secret")

    text = path.read_text()
    document = json.loads(text)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "secret" not in text
    assert [c["username"] for c in document["clients"]] == ["hub", "hub-admin"]
    assert {r["rolename"] for r in document["roles"]} == {"passline-hub", "passline-admin", "passline-agent",
                                                          "passline-gadget", "passline-gateway"}
    assert not any(document["defaultACLAccess"][k] for k in ("publishClientSend", "publishClientReceive", "subscribe"))
    hub_role = next(r for r in document["roles"] if r["rolename"] == "passline-hub")
    assert {a["topic"] for a in hub_role["acls"]} == {"passline/store-7/#"}


def test_a_device_writes_its_out_and_status_and_reads_its_in_only():
    acls = {(a["acltype"], a["topic"]) for a in device_acls("store-7", "kiosk-1")}

    assert acls == {
        ("publishClientSend", "passline/store-7/device/kiosk-1/out/#"),
        ("publishClientSend", "passline/store-7/device/kiosk-1/status"),
        ("subscribePattern", "passline/store-7/device/kiosk-1/in/#"),
        ("publishClientReceive", "passline/store-7/device/kiosk-1/in/#"),
    }


@pytest.mark.parametrize("device_id", ["", "a:b", "kiosk/1", "+", "#", "kiosk 1", "kiosk\n1"])
def test_device_id_that_would_widen_its_acl_is_refused(device_id):
    with pytest.raises(ValueError, match="device id"):
        device_acls("store-7", device_id)


def test_rendered_config_names_the_store_port_plugin_and_files(tmp_path):
    conf_path = render_broker_config(
        tmp_path / "conf", store="store-7", port=18830, bind_address="127.0.0.1", data_dir=tmp_path / "data"
    )

    lines = conf_path.read_text().splitlines()
    assert conf_path == tmp_path / "conf" / "mosquitto.conf"
    for line in ("listener 18830 127.0.0.1", f"plugin {DYNSEC_PLUGIN}",
                 f"plugin_opt_config_file {tmp_path}/data/dynsec.json", f"persistence_location {tmp_path}/data/",
                 "allow_anonymous false", "use_username_as_clientid true", "per_listener_settings false",
                 "autosave_interval 1", "autosave_on_changes true", "max_queued_messages 200000",
                 "set_tcp_nodelay true"):
        assert line in lines
    assert not any(line.startswith(("password_file", "acl_file", "user ")) for line in lines)
    assert (tmp_path / "data").is_dir()


def test_rendered_config_for_the_supervised_broker_runs_as_the_hubs_account(tmp_path):
    conf_path = render_broker_config(tmp_path, store="s", port=1883, data_dir=tmp_path, run_as="passline",
                                     conf_mode=0o600)

    assert "user passline" in conf_path.read_text().splitlines()
    assert stat.S_IMODE(conf_path.stat().st_mode) == 0o600


def test_rendered_config_leaves_no_placeholder(tmp_path):
    text = render_broker_config(tmp_path, store="store-7", port=1883, data_dir=tmp_path / "data").read_text()

    assert "{" not in text and "}" not in text


@pytest.mark.parametrize("store", ["", "a/b", "a+b", "#", "a b"])
def test_store_id_that_is_not_one_topic_level_is_refused(tmp_path, store):
    with pytest.raises(ValueError, match="store"):
        render_broker_config(tmp_path, store=store, port=1883, data_dir=tmp_path / "data")
