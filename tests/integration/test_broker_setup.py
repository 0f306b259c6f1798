"""`passline broker config` produces a Mosquitto that the hub can log in to and manage devices' logins on, and nobody else can."""

from __future__ import annotations

import os
import stat


from hub.bootstrap import bootstrap
from hub.config import load_settings
from hub.domain.access import Role
from hub.entrypoints.broker_setup import write_broker_config
from tests.conftest import prepare_database, require_mosquitto
from hub.entrypoints.doctor import check_broker
from tests.support.mosquitto import MosquittoProcess, free_port
from hub.entrypoints.web.app import create_app


def test_rendered_broker_takes_the_hub_login_and_refuses_anonymous(tmp_path):
    require_mosquitto()
    port = free_port()
    lines = write_broker_config("shop-1", tmp_path / "etc", port=port, bind="127.0.0.1", data_dir=tmp_path / "persist")
    env_file = tmp_path / "etc" / "hub.env"
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert not any("mqtt://hub:" in line for line in lines), "the password must not be printed"
    env = dict(line.split("=", 1) for line in env_file.read_text().splitlines())
    for parent in (tmp_path, *tmp_path.parents):  # pytest's 0700 folders: let the broker's account through
        os.chmod(parent, parent.stat().st_mode | stat.S_IXOTH)
    broker = MosquittoProcess(tmp_path / "etc" / "mosquitto.conf", port)
    broker.start()
    try:
        settings = load_settings({**env, "PASSLINE_DATA_DIR": str(tmp_path / "data")})
        prepare_database(settings)
        hub = bootstrap(settings)
        create_app(hub=hub, start_messaging=True)
        assert hub.connection.wait_connected(10), hub.connection.last_error
        login = hub.device_logins.create("printer-1", Role.AGENT)  # the same code path as the supervised broker
        assert login.url.endswith(f"@127.0.0.1:{port}")
        hub.device_logins.remove("printer-1")
        hub.stop()
        assert check_broker(settings.model_copy(update={"mqtt_url": f"mqtt://127.0.0.1:{port}"})).level == "FAIL"
        assert check_broker(settings).level == "OK"
    finally:
        broker.stop()
    again = write_broker_config("shop-1", tmp_path / "etc", port=port, bind="127.0.0.1", data_dir=tmp_path / "persist")
    assert any("kept the existing logins" in line for line in again)
    assert dict(line.split("=", 1) for line in env_file.read_text().splitlines()) == env
