"""Devices' broker logins, made and removed through Mosquitto's dynamic security plugin.

The same code serves the Mosquitto the hub supervises and a store's own Mosquitto
(`passline broker config` sets up the same plugin and roles). Each call connects as the
hub's admin login, sends its commands on `$CONTROL/dynamic-security/v1`, waits for the
answers on `.../response` and disconnects: the broker takes a login's client id from its
name, so a connection held open here would be thrown off by the next process (the CLI, a
test) that logs in as the same admin, and would throw that one off in turn.
"""

from __future__ import annotations

import json
import logging
import queue
import secrets
import threading
import uuid
from collections.abc import Callable
from urllib.parse import quote

import paho.mqtt.client as mqtt

from hub.adapters.mqtt.dynsec_acls import (
    CONTROL_RESPONSE_TOPIC, CONTROL_TOPIC, RESERVED_LOGINS, base_roles, check_name, device_acls, device_role, kind_role,
)
from hub.config import MqttTarget
from hub.domain.access import MQTT_ROLES, Role
from hub.services.access_ports import DeviceLogins, MqttLogin

logger = logging.getLogger(__name__)

TIMEOUT_S = 5.0  # the broker answers in milliseconds; this covers a broker that is restarting
PASSWORD_BYTES = 24  # 192 bits: a device's password is never typed by a person
# Answers that mean "already as wanted", by command (Mosquitto 2.0.11's wording).
_ALREADY = {
    "createRole": "Role already exists",
    "deleteRole": "Role not found",
    "deleteClient": "Client not found",
    "disableClient": "Client not found",
    "addRoleACL": "ACL with this topic already exists",
}


class DynamicSecurityError(RuntimeError):
    """The broker refused or did not answer a dynamic security command; the message says which and why."""


class DynamicSecurityLogins(DeviceLogins):
    """Make and remove devices' Mosquitto logins as the hub's admin login."""

    def __init__(self, admin: Callable[[], MqttTarget], *, store: str, device_host: str | None = None,
                 timeout: float = TIMEOUT_S) -> None:
        self._admin = admin
        self._store = check_name("store", store)
        self._device_host = device_host
        self._timeout = timeout
        self._lock = threading.Lock()

    def ensure_roles(self) -> None:
        """Create the hub's and the device kinds' roles with their ACLs if they are missing."""
        commands = []
        for role in base_roles(self._store):
            commands.append({"command": "createRole", "rolename": role["rolename"]})
            commands += [{"command": "addRoleACL", "rolename": role["rolename"], **acl} for acl in role["acls"]]
        self._run(commands)

    def create(self, device_id: str, role: Role) -> MqttLogin:
        """Make or replace the device's login with a new password; a connected device is thrown off."""
        username = self._device_login(device_id)
        if role not in MQTT_ROLES:
            raise ValueError(f"a {role} has no broker login (only {', '.join(sorted(MQTT_ROLES))})")
        password = secrets.token_urlsafe(PASSWORD_BYTES)
        own_role = device_role(device_id)
        self._run([
            {"command": "deleteClient", "username": username},
            {"command": "deleteRole", "rolename": own_role},
            {"command": "createRole", "rolename": own_role},
            *({"command": "addRoleACL", "rolename": own_role, **acl} for acl in device_acls(self._store, device_id)),
            {"command": "createClient", "username": username, "password": password,
             "roles": [{"rolename": own_role}, {"rolename": kind_role(role.value)}]},
        ])
        logger.info("made the broker login of %s %s", role, device_id)
        target = self._admin()
        host = self._device_host or target.host
        host = f"[{host}]" if ":" in host else host
        url = f"mqtt://{quote(username, safe='')}:{quote(password, safe='')}@{host}:{target.port}"
        return MqttLogin(url=url, username=username, password=password)

    def remove(self, device_id: str) -> None:
        """Delete the device's login and role; the broker disconnects it at once."""
        username = self._device_login(device_id)
        self._run([
            {"command": "disableClient", "username": username},  # disconnects it now
            {"command": "deleteClient", "username": username},
            {"command": "deleteRole", "rolename": device_role(device_id)},
        ])
        logger.info("removed the broker login of %s", device_id)

    def _device_login(self, device_id: str) -> str:
        check_name("device id", device_id)
        if device_id in RESERVED_LOGINS:
            raise ValueError(f"{device_id!r} is the hub's own broker login; a device cannot have it")
        return device_id

    def _run(self, commands: list[dict]) -> None:
        with self._lock:
            answers = self._exchange(commands)
        for command in commands:
            error = answers[command["correlationData"]].get("error")
            if error and error != _ALREADY.get(command["command"]):
                names = command.get("username") or command.get("rolename")
                raise DynamicSecurityError(f"the broker refused {command['command']} {names}: {error}")

    def _exchange(self, commands: list[dict]) -> dict[str, dict]:
        target = self._admin()
        for command in commands:
            command["correlationData"] = uuid.uuid4().hex
        answers: dict[str, dict] = {}
        arrived: queue.Queue = queue.Queue()
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=target.username or "",
                             protocol=mqtt.MQTTv311, clean_session=True)
        client.username_pw_set(target.username, target.password)
        if target.tls:
            client.tls_set(ca_certs=target.ca_file)
        client.on_connect = lambda c, _u, _f, code, _p: arrived.put(("connect", code))
        client.on_subscribe = lambda *_: arrived.put(("subscribed", None))
        client.on_message = lambda _c, _u, message: arrived.put(("message", message.payload))
        client.on_disconnect = lambda _c, _u, _f, code, _p: arrived.put(("disconnect", code))
        try:
            client.connect(target.host, target.port, keepalive=30)
        except OSError as exc:
            raise DynamicSecurityError(f"cannot reach the broker at {target.address}: {exc}") from exc
        client.loop_start()
        try:
            self._await(arrived, "connect", target)
            client.subscribe(CONTROL_RESPONSE_TOPIC, qos=1)
            self._await(arrived, "subscribed", target)
            client.publish(CONTROL_TOPIC, json.dumps({"commands": commands}), qos=1)
            while len(answers) < len(commands):
                payload = self._await(arrived, "message", target)
                for response in json.loads(payload).get("responses", []):
                    answers[response.get("correlationData")] = response
            return answers
        finally:
            client.disconnect()
            client.loop_stop()

    def _await(self, arrived: queue.Queue, wanted: str, target: MqttTarget):
        while True:
            try:
                kind, value = arrived.get(timeout=self._timeout)
            except queue.Empty:
                raise DynamicSecurityError(f"the broker at {target.address} did not answer ({wanted}) "
                                           f"within {self._timeout}s") from None
            if kind == "connect" and value.is_failure:
                raise DynamicSecurityError(f"the broker at {target.address} refused the login "
                                           f"{target.username}: {value}")
            if kind == "disconnect":
                raise DynamicSecurityError(f"the broker at {target.address} dropped the admin connection: {value}")
            if kind == wanted:
                return value
