"""The broker files the hub writes: password hashes, password file, rendered config."""

from __future__ import annotations

import base64
import re
import stat

import pytest

from hub.adapters.mqtt.mosquitto_files import (
    ACL_FILE_NAME,
    PASSWORD_FILE_NAME,
    hash_password,
    render_broker_config,
    write_password_file,
)

# `mosquitto_passwd -c -b passwd alice secret` from Debian's mosquitto 2.0.11.
MOSQUITTO_PASSWD_LINE = (
    "alice:$7$101$4UzgA0J6HMng/tsN$4tJu2b3KOZuygDC8aaQ4V06168pEpiyGBNrfuAm2cgePGTaE8vfnN3Jnry"
    "KP4jxvC+rp0VVc2Cuo1K9yRr4/EA=="
)
MOSQUITTO_2_HASH = re.compile(r"\$7\$101\$(?P<salt>[A-Za-z0-9+/=]+)\$(?P<hash>[A-Za-z0-9+/=]+)")


def test_hash_matches_what_mosquitto_passwd_wrote():
    expected = MOSQUITTO_PASSWD_LINE.split(":", 1)[1]
    salt = base64.b64decode(expected.split("$")[3])

    assert hash_password("secret", salt=salt) == expected


def test_hash_has_mosquitto_2_format_with_a_12_byte_salt_and_64_byte_digest():
    match = MOSQUITTO_2_HASH.fullmatch(hash_password("secret"))

    assert match
    assert len(base64.b64decode(match["salt"])) == 12
    assert len(base64.b64decode(match["hash"])) == 64


def test_same_password_hashes_differently_each_time():
    assert hash_password("secret") != hash_password("secret")


def test_hash_records_its_iteration_count():
    assert hash_password("secret", iterations=1000).startswith("$7$1000$")


@pytest.mark.parametrize("length", [8, 16])
def test_salt_of_a_length_mosquitto_refuses_is_refused(length):
    with pytest.raises(ValueError, match="12 bytes"):
        hash_password("secret", salt=bytes(length))


def test_password_file_holds_hashes_only_and_is_private(tmp_path):
    path = tmp_path / PASSWORD_FILE_NAME

    write_password_file(path, {"hub": "hub-secret", "kiosk-1": "kiosk-secret"})

    text = path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [line.split(":")[0] for line in text.splitlines()] == ["hub", "kiosk-1"]
    assert all(MOSQUITTO_2_HASH.fullmatch(line.split(":", 1)[1]) for line in text.splitlines())
    assert "secret" not in text


def test_password_file_is_replaced_whole_and_leaves_no_temp_file(tmp_path):
    path = tmp_path / PASSWORD_FILE_NAME
    write_password_file(path, {"kiosk-1": "old"})

    write_password_file(path, {"kiosk-2": "new"})

    assert path.read_text().startswith("kiosk-2:$7$")
    assert "kiosk-1" not in path.read_text()
    assert [p.name for p in tmp_path.iterdir()] == [PASSWORD_FILE_NAME]


@pytest.mark.parametrize("username", ["", "a:b", "kiosk/1", "+", "#", "kiosk 1", "kiosk\n1"])
def test_username_that_would_break_the_file_or_the_acl_is_refused(tmp_path, username):
    with pytest.raises(ValueError, match="username"):
        write_password_file(tmp_path / PASSWORD_FILE_NAME, {username: "pw"})


def test_rendered_config_names_the_store_port_and_files(tmp_path):
    conf_path = render_broker_config(
        tmp_path / "conf", store="store-7", port=18830, bind_address="127.0.0.1", data_dir=tmp_path / "data"
    )

    conf = conf_path.read_text()
    acl = (tmp_path / "conf" / ACL_FILE_NAME).read_text()
    assert conf_path == tmp_path / "conf" / "mosquitto.conf"
    assert "\nlistener 18830 127.0.0.1\n" in conf
    assert f"\npassword_file {tmp_path}/conf/{PASSWORD_FILE_NAME}\n" in conf
    assert f"\nacl_file {tmp_path}/conf/{ACL_FILE_NAME}\n" in conf
    assert f"\npersistence_location {tmp_path}/data\n" in conf
    assert "\nuser hub\ntopic readwrite passline/store-7/#\n" in acl
    assert "\npattern write passline/store-7/device/%u/out/#\n" in acl
    assert (tmp_path / "data").is_dir()


def test_rendered_config_leaves_no_placeholder(tmp_path):
    render_broker_config(tmp_path, store="store-7", port=1883, data_dir=tmp_path / "data")

    for name in ("mosquitto.conf", ACL_FILE_NAME):
        text = (tmp_path / name).read_text()
        assert "{" not in text and "}" not in text, name


@pytest.mark.parametrize("store", ["", "a/b", "a+b", "#", "a b"])
def test_store_id_that_is_not_one_topic_level_is_refused(tmp_path, store):
    with pytest.raises(ValueError, match="store"):
        render_broker_config(tmp_path, store=store, port=1883, data_dir=tmp_path / "data")
