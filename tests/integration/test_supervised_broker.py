"""The Mosquitto the hub supervises: started, restarted, locked down, and devices' logins on it."""

from __future__ import annotations

import json
import os
import queue
import signal
import stat
import time

import paho.mqtt.client as mqtt
import pytest

from hub.adapters.mqtt.dynsec import DynamicSecurityError
from hub.contracts import topics
from hub.domain.access import Role
from tests.conftest import make_settings, prepare_database, require_mosquitto, start_hub
from tests.support.devices import TestDevice, order_data
from tests.support.mosquitto import device_urls
from tests.support.print_jobs import print_job

pytestmark = pytest.mark.mosquitto


@pytest.fixture
def hub(tmp_path):
    require_mosquitto()
    settings = make_settings(tmp_path, broker_host="127.0.0.1")
    prepare_database(settings)
    hub, _ = start_hub(settings)
    yield hub
    hub.stop()


@pytest.fixture
def urls(hub):
    return device_urls(hub)


class Client:
    """A bare MQTT client that records whether it got in, what it received and when it was dropped."""

    def __init__(self, hub, username: str | None, password: str | None, *, client_id: str = "", clean: bool = True):
        self.events: queue.Queue = queue.Queue()
        self.messages: queue.Queue = queue.Queue()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=clean,
                                  protocol=mqtt.MQTTv311)
        if username:
            self.client.username_pw_set(username, password)
        self.client.on_connect = lambda _c, _u, _f, code, _p: self.events.put(("connect", code))
        self.client.on_disconnect = lambda _c, _u, _f, code, _p: self.events.put(("disconnect", code))
        self.client.on_message = lambda _c, _u, m: self.messages.put((m.topic, m.payload))
        self.client.on_subscribe = lambda *_: self.events.put(("subscribed", None))
        self.client.reconnect_delay_set(30, 60)  # a refused or dropped client stays out while the test looks
        self.client.connect(hub.broker.host, hub.broker.port)
        self.client.loop_start()
        kind, self.code = self.events.get(timeout=5)
        assert kind == "connect"

    @property
    def accepted(self) -> bool:
        return not self.code.is_failure

    def subscribe(self, topic: str) -> None:
        self.client.subscribe(topic, qos=1)
        assert self.events.get(timeout=5)[0] == "subscribed"

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def _login(url: str) -> tuple[str, str]:
    credentials = url.split("://", 1)[1].rsplit("@", 1)[0]
    username, password = credentials.split(":", 1)
    return username, password


def test_hub_runs_mosquitto_in_a_private_folder_and_keeps_its_passwords_out_of_the_log(hub, caplog):
    folder = hub.broker.folder
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in ("mosquitto.conf", "dynsec.json", "hub-logins.json", "mosquitto.log"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name
    conf = (folder / "mosquitto.conf").read_text()
    for line in ("allow_anonymous false", "use_username_as_clientid true", "per_listener_settings false",
                 "autosave_interval 1", "autosave_on_changes true", "set_tcp_nodelay true",
                 f"listener {hub.broker.port} 127.0.0.1"):
        assert line in conf.splitlines()
    password = hub.broker.target().password
    assert password not in hub.broker.log_path.read_text()
    assert password not in caplog.text


def test_mosquitto_is_restarted_after_a_kill_and_the_hub_reconnects(hub, caplog):
    first = hub.broker.pid
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while hub.broker.pid in (None, first) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert hub.broker.pid not in (None, first)
    assert "Mosquitto exited with code -9" in caplog.text
    time.sleep(0.5)
    assert hub.connection.wait_connected(15), hub.connection.last_error


def test_anonymous_login_is_refused(hub):
    client = Client(hub, None, None)
    assert not client.accepted
    client.close()


def test_device_orders_on_its_own_topic_and_is_refused_on_others(hub, urls):
    kiosk = TestDevice(urls, hub.settings.store, "kiosk-1")
    kiosk.submit(order_data())
    assert kiosk.reply()["type"] == "order.accepted"
    watcher = Client(hub, *_login(urls.observer("watcher")))
    watcher.subscribe(f"passline/{hub.settings.store}/#")
    store = hub.settings.store
    tried = [topics.device_out(store, "kiosk-2", "order"), topics.broadcast(store, "availability"),
             topics.device_in(store, "kiosk-2", "print"), topics.device_out(store, "kiosk-1", "event")]
    for topic in tried:
        kiosk.client.publish(topic, "{}", qos=1).wait_for_publish(5)
    time.sleep(1)
    seen = []
    while not watcher.messages.empty():
        topic, payload = watcher.messages.get()
        if payload == b"{}":  # what the kiosk sent (retained messages and the hub's replies are envelopes)
            seen.append(topic)
    assert seen == [topics.device_out(store, "kiosk-1", "event")]
    watcher.close()
    kiosk.close()


def test_device_reads_only_its_own_commands_and_the_broadcasts(hub, urls):
    store = hub.settings.store
    printer = Client(hub, *_login(urls("printer-1")))
    for topic in (f"passline/{store}/#", topics.device_in(store, "printer-1", "#"), topics.broadcast(store, "#")):
        printer.subscribe(topic)
    time.sleep(0.3)
    while not printer.messages.empty():
        printer.messages.get()
    hub.connection.publish(topics.device_in(store, "printer-2", "print"), print_job("for printer 2"))
    hub.connection.publish(topics.device_in(store, "printer-1", "print"), print_job("for printer 1"))
    hub.broadcaster("ready", {"order_id": "o-1", "number": "A1"})
    got = {printer.messages.get(timeout=5)[0] for _ in range(2)}
    assert got == {topics.device_in(store, "printer-1", "print"), topics.broadcast(store, "ready")}
    time.sleep(0.3)
    assert printer.messages.empty()
    printer.close()


def test_hub_logins_cannot_be_taken_and_a_device_using_the_hubs_client_id_leaves_its_queue_alone(hub, urls):
    with pytest.raises(ValueError, match="hub's own broker login"):
        hub.device_logins.create("hub", Role.AGENT)
    assert not Client(hub, "hub", "wrong password").accepted
    kiosk = TestDevice(urls, hub.settings.store, "kiosk-1")
    hub.connection.stop()  # the hub is away; the broker keeps its session and queues what comes
    sent = [kiosk.submit(order_data()) for _ in range(10)]
    username, password = _login(urls("intruder"))
    intruder = Client(hub, username, password, client_id="hub", clean=True)
    assert intruder.accepted
    intruder.close()
    hub.connection.start()
    replies = [kiosk.reply(timeout=15) for _ in sent]
    assert {r["re"] for r in replies} == {m["id"] for m in sent}
    kiosk.close()


def test_remove_disconnects_a_connected_device_at_once_and_its_login_is_gone(hub, urls):
    username, password = _login(urls("pager-1", "gadget"))
    pager = Client(hub, username, password)
    assert pager.accepted
    started = time.monotonic()
    hub.device_logins.remove("pager-1")
    kind, _ = pager.events.get(timeout=2)
    assert kind == "disconnect"
    assert time.monotonic() - started < 2
    pager.close()
    assert not Client(hub, username, password).accepted


def test_a_screen_role_gets_no_broker_login(hub):
    with pytest.raises(ValueError, match="no broker login"):
        hub.device_logins.create("kiosk-9", Role.KIOSK)


def test_a_wrong_admin_password_is_a_clear_error(hub):
    from dataclasses import replace

    from hub.adapters.mqtt.dynsec import DynamicSecurityLogins

    wrong = replace(hub.broker.admin_target(), password="nope")
    logins = DynamicSecurityLogins(lambda: wrong, store=hub.settings.store, timeout=2)
    with pytest.raises(DynamicSecurityError, match="refused the login hub-admin"):
        logins.create("kiosk-1", Role.AGENT)


def test_replacing_a_login_makes_the_old_password_useless(hub, urls):
    old = _login(urls("agent-1"))
    new = _login(urls("agent-1"))
    assert old[1] != new[1]
    assert not Client(hub, *old).accepted
    assert Client(hub, *new).accepted


def test_hub_status_stays_the_hubs_own(hub, urls):
    store = hub.settings.store
    device = Client(hub, *_login(urls("agent-2")))
    device.client.publish(topics.hub_status(store), json.dumps({"state": "offline"}), qos=1, retain=True)
    time.sleep(0.3)
    watcher = Client(hub, *_login(urls.observer("watcher")))
    watcher.subscribe(topics.hub_status(store))
    _, payload = watcher.messages.get(timeout=5)
    assert json.loads(payload)["data"]["state"] == "online"
