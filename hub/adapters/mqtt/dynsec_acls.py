"""Who may do what on the broker: the dynamic security roles and ACLs of DESIGN §3, as data.

Mosquitto 2.0.11's dynamic security plugin does not substitute %u or %c in ACL topics
(tested on the real broker: `passline/s/device/%u/out/#` refused a device's own publish), so
every device gets a role of its own (`passline-device-<id>`) for its subtree, on top of the
shared role of its kind (`passline-agent`, ...) that reads the broadcasts.
"""

from __future__ import annotations

import re

from hub.contracts import topics

HUB_LOGIN = "hub"  # the hub's bus connection: a persistent session, so it needs a login of its own
ADMIN_LOGIN = "hub-admin"  # the hub's dynamic-security connection: one login per connection (client id = login)
RESERVED_LOGINS = frozenset({HUB_LOGIN, ADMIN_LOGIN})
HUB_ROLE = "passline-hub"
ADMIN_ROLE = "passline-admin"
DEVICE_KIND_ROLES = ("agent", "gadget", "gateway")  # each gets a shared role passline-<kind>
CONTROL_TOPIC = "$CONTROL/dynamic-security/v1"
CONTROL_RESPONSE_TOPIC = f"{CONTROL_TOPIC}/response"

# A login becomes a topic level, so it must not hold a separator, a wildcard or whitespace.
_NAME = re.compile(r"[A-Za-z0-9._-]+")

# Deny what no role grants: a device sees and writes nothing it was not given.
DEFAULT_ACL_ACCESS = {"publishClientSend": False, "publishClientReceive": False,
                      "subscribe": False, "unsubscribe": True}


def check_name(what: str, value: str) -> str:
    """Return value if it is one topic level of letters, digits, '.', '_' and '-'; raise ValueError if not."""
    if not _NAME.fullmatch(value or ""):
        raise ValueError(f"{what} {value!r} may hold only letters, digits, '.', '_' and '-'")
    return value


def _acl(kind: str, topic: str) -> dict:
    return {"acltype": kind, "topic": topic, "priority": 0, "allow": True}


def _read(topic: str) -> list[dict]:
    return [_acl("subscribePattern", topic), _acl("publishClientReceive", topic)]


def hub_acls(store: str) -> list[dict]:
    """Return the hub's rights: everything under its store's root."""
    root = f"{topics.ROOT}/{check_name('store', store)}/#"
    return [_acl("publishClientSend", root), *_read(root)]


def admin_acls() -> list[dict]:
    """Return the rights of the login that manages the dynamic security plugin."""
    control = "$CONTROL/dynamic-security/#"
    return [_acl("publishClientSend", control), *_read(control)]


def kind_role(kind: str) -> str:
    """Return the shared role of a device kind (agent, gadget, gateway)."""
    if kind not in DEVICE_KIND_ROLES:
        raise ValueError(f"{kind!r} is not an MQTT device role ({', '.join(DEVICE_KIND_ROLES)})")
    return f"passline-{kind}"


def kind_acls(store: str) -> list[dict]:
    """Return what every device of any kind may do: read the broadcasts."""
    return _read(topics.broadcast(check_name("store", store), "#"))


def device_role(device_id: str) -> str:
    """Return the name of a device's own role."""
    return f"passline-device-{check_name('device id', device_id)}"


def device_acls(store: str, device_id: str) -> list[dict]:
    """Return a device's own subtree: write out/# and status, read in/#."""
    check_name("store", store)
    check_name("device id", device_id)
    return [
        _acl("publishClientSend", topics.device_out(store, device_id, "#")),
        _acl("publishClientSend", topics.device_status(store, device_id)),
        *_read(topics.device_in(store, device_id, "#")),
    ]


def base_roles(store: str) -> list[dict]:
    """Return the roles the broker needs before any device exists: the hub's, the admin's, one per kind."""
    roles = [{"rolename": HUB_ROLE, "acls": hub_acls(store)}, {"rolename": ADMIN_ROLE, "acls": admin_acls()}]
    roles += [{"rolename": kind_role(kind), "acls": kind_acls(store)} for kind in DEVICE_KIND_ROLES]
    return roles
