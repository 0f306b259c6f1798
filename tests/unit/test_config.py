"""Settings from PASSLINE_* variables and the TOML file, with errors that name the setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.config import ConfigError, load_settings


def test_defaults_give_a_demo_store_with_sqlite_and_a_supervised_broker(tmp_path):
    settings = load_settings({"HOME": str(tmp_path)}, cwd=tmp_path)
    assert settings.store == "demo"
    assert settings.database_url == f"sqlite:///{tmp_path}/.local/share/passline/passline.db"
    assert settings.supervised_broker
    assert settings.mqtt.address == "mqtt://127.0.0.1:1883"
    assert (settings.http_host, settings.http_port) == ("0.0.0.0", 8000)


def test_environment_overrides_the_file(tmp_path):
    config = tmp_path / "passline.toml"
    config.write_text('store = "berlin-1"\nhttp_port = 9000\ntimezone = "Europe/Berlin"\n')
    settings = load_settings({"PASSLINE_CONFIG": str(config), "PASSLINE_HTTP_PORT": "9100", "PASSLINE_DATA_DIR": str(tmp_path)})
    assert (settings.store, settings.http_port, settings.timezone) == ("berlin-1", 9100, "Europe/Berlin")


def test_mqtt_url_with_credentials_is_parsed_and_never_shown(tmp_path):
    settings = load_settings({"PASSLINE_MQTT_URL": "mqtt://hub:s3cret%21@broker.local:8883", "PASSLINE_DATA_DIR": str(tmp_path)})
    target = settings.mqtt
    assert (target.host, target.port, target.username, target.password) == ("broker.local", 8883, "hub", "s3cret!")
    assert not settings.supervised_broker
    assert "s3cret" not in repr(settings) and "s3cret" not in repr(target)


def test_database_password_is_hidden_in_repr(tmp_path):
    settings = load_settings({"PASSLINE_DATABASE_URL": "postgresql://passline:hunter2@db/passline", "PASSLINE_DATA_DIR": str(tmp_path)})
    assert "hunter2" not in repr(settings)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"PASSLINE_HTTP_PORT": "eighty"}, "PASSLINE_HTTP_PORT"),
        ({"PASSLINE_HTTP_PORT": "70000"}, "PASSLINE_HTTP_PORT"),
        ({"PASSLINE_MQTT_URL": "http://broker"}, "PASSLINE_MQTT_URL"),
        ({"PASSLINE_MQTT_URL": "mqtt://broker:notaport"}, "PASSLINE_MQTT_URL"),
        ({"PASSLINE_STORE": "a/b"}, "PASSLINE_STORE"),
        ({"PASSLINE_TIMEZONE": "Mars/Olympus"}, "PASSLINE_TIMEZONE"),
        ({"PASSLINE_DAY_STARTS_AT_HOUR": "25"}, "PASSLINE_DAY_STARTS_AT_HOUR"),
    ],
)
def test_bad_values_name_the_setting(env, named, tmp_path):
    with pytest.raises(ConfigError) as error:
        load_settings({**env, "PASSLINE_DATA_DIR": str(tmp_path)})
    assert named in str(error.value)


def test_unknown_or_broken_config_file_is_named(tmp_path):
    config = tmp_path / "passline.toml"
    config.write_text('stor = "typo"\n')
    with pytest.raises(ConfigError, match="unknown settings: stor"):
        load_settings({"PASSLINE_CONFIG": str(config)})
    config.write_text("store = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings({"PASSLINE_CONFIG": str(config)})
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings({"PASSLINE_CONFIG": str(Path(tmp_path, "missing.toml"))})


def test_admin_url_is_read_checked_and_never_shown(tmp_path):
    settings = load_settings({"PASSLINE_MQTT_URL": "mqtt://hub:a@broker.local", "PASSLINE_DATA_DIR": str(tmp_path),
                              "PASSLINE_MQTT_ADMIN_URL": "mqtt://hub-admin:s3cret@broker.local:1883"})
    assert settings.mqtt_admin_url == "mqtt://hub-admin:s3cret@broker.local:1883"
    assert "s3cret" not in repr(settings)
    with pytest.raises(ConfigError, match="PASSLINE_MQTT_ADMIN_URL"):
        load_settings({"PASSLINE_MQTT_ADMIN_URL": "http://x", "PASSLINE_DATA_DIR": str(tmp_path)})


def test_a_checkout_where_the_demo_ran_uses_its_data_folder_unless_told_otherwise(tmp_path):
    checkout = tmp_path / "passline"
    (checkout / "data").mkdir(parents=True)
    home = {"HOME": str(tmp_path)}
    assert load_settings(home, cwd=checkout).data_dir == tmp_path / ".local/share/passline"  # no demo ran here yet
    (checkout / "data" / ".passline-demo").write_text("made by passline demo\n")
    assert load_settings(home, cwd=checkout).data_dir == checkout / "data"
    assert load_settings({**home, "PASSLINE_DATA_DIR": str(tmp_path / "store")}, cwd=checkout).data_dir == tmp_path / "store"


def test_a_bad_value_in_the_config_file_names_the_file_and_the_key(tmp_path):
    config = tmp_path / "passline.toml"
    config.write_text('http_port = "eighty"\n')
    with pytest.raises(ConfigError) as error:
        load_settings({"PASSLINE_CONFIG": str(config), "PASSLINE_DATA_DIR": str(tmp_path)})
    assert str(error.value) == f"config file {config}: http_port must be a whole number, got 'eighty'"
    assert load_settings({"PASSLINE_CONFIG": str(config), "PASSLINE_DATA_DIR": str(tmp_path),
                          "PASSLINE_HTTP_PORT": "8080"}).http_port == 8080  # the variable wins over the file


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PASSLINE_HTTP_PORT": "70000"}, "PASSLINE_HTTP_PORT must be a whole number of at most 65535, got '70000'"),
        ({"PASSLINE_DAY_STARTS_AT_HOUR": "-1"}, "PASSLINE_DAY_STARTS_AT_HOUR must be a whole number of at least 0, got '-1'"),
        ({"PASSLINE_STORE": "a/b"}, "PASSLINE_STORE must not be empty or contain / + # (got 'a/b')"),
        ({"PASSLINE_MQTT_URL": "http://hub:s3cret@broker"},
         "PASSLINE_MQTT_URL must start with mqtt:// or mqtts:// (got scheme 'http')"),
    ],
)
def test_a_bad_value_is_said_in_words_and_never_shows_a_password(env, message, tmp_path):
    with pytest.raises(ConfigError) as error:
        load_settings({**env, "PASSLINE_DATA_DIR": str(tmp_path)})
    assert str(error.value) == message


def test_the_links_and_the_cloud_services_variables_are_checked_naming_them(tmp_path):
    from cloud.config import load_cloud_settings as load_hq_service_settings
    from hub.adapters.cloud.settings import load_cloud_settings as load_link_settings

    assert load_link_settings(tmp_path, {"PASSLINE_HQ_PULL_SECONDS": "0.5", "PASSLINE_HQ_URL": ""}).pull_seconds == 0.5
    with pytest.raises(ConfigError) as error:
        load_link_settings(tmp_path, {"PASSLINE_HQ_PULL_SECONDS": "soon"})
    assert str(error.value) == "PASSLINE_HQ_PULL_SECONDS must be a number, got 'soon'"
    with pytest.raises(ConfigError) as error:
        load_link_settings(tmp_path, {"PASSLINE_HQ_PUSH_SECONDS": "-1"})
    assert str(error.value) == "PASSLINE_HQ_PUSH_SECONDS must be a number of at least 0, got '-1'"
    hq = load_hq_service_settings({"PASSLINE_CLOUD_DATA_DIR": str(tmp_path / "hq"), "PASSLINE_CLOUD_HTTP_PORT": "9100"})
    assert (hq.http_port, hq.database_url) == (9100, f"sqlite:///{tmp_path / 'hq' / 'cloud.db'}")
    with pytest.raises(ConfigError) as error:
        load_hq_service_settings({"PASSLINE_CLOUD_SESSION_HOURS": "twelve"})
    assert str(error.value) == "PASSLINE_CLOUD_SESSION_HOURS must be a whole number, got 'twelve'"


def test_settings_files_are_never_read_from_variables_and_settings_never_show_a_password(tmp_path, monkeypatch):
    from hub.adapters.kitchen_config import load_kitchen_settings

    monkeypatch.setenv("EXPO_REQUIRED", "false")  # a key of displays.toml, not a setting of the environment
    assert load_kitchen_settings(tmp_path / "displays.toml").expo_required
    settings = load_settings({"PASSLINE_DATABASE_URL": "postgresql://passline:hunter2@db/passline",
                              "PASSLINE_MQTT_URL": "mqtt://hub:s3cret@broker.local", "PASSLINE_DATA_DIR": str(tmp_path)})
    assert "hunter2" not in f"{settings}" and "s3cret" not in f"{settings}"
    assert "hunter2" not in str(settings.model_copy(update={"http_port": 9000}))
