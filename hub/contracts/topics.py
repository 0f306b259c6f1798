"""The MQTT topic tree of DESIGN.md §3."""

from __future__ import annotations

ROOT = "passline"


def hub_status(store: str) -> str:
    """Return the hub's retained presence topic."""
    return f"{ROOT}/{store}/hub/status"


def deadletter(store: str) -> str:
    """Return the topic where copies of refused messages go."""
    return f"{ROOT}/{store}/hub/deadletter"


def device_status(store: str, device_id: str) -> str:
    """Return a device's retained presence topic."""
    return f"{ROOT}/{store}/device/{device_id}/status"


def device_out(store: str, device_id: str, kind: str) -> str:
    """Return the topic a device writes to the hub on (`order`, `event`)."""
    return f"{ROOT}/{store}/device/{device_id}/out/{kind}"


def device_in(store: str, device_id: str, kind: str) -> str:
    """Return the topic the hub writes to a device on (`reply`, `print`, ...)."""
    return f"{ROOT}/{store}/device/{device_id}/in/{kind}"


def broadcast(store: str, kind: str) -> str:
    """Return a broadcast topic (`availability`, `ready`)."""
    return f"{ROOT}/{store}/broadcast/{kind}"


def parse_device_topic(store: str, topic: str) -> tuple[str, str, str] | None:
    """Split `passline/<store>/device/<id>/<out|status>/...` into (device id, direction, kind)."""
    parts = topic.split("/")
    if len(parts) < 5 or parts[0] != ROOT or parts[1] != store or parts[2] != "device":
        return None
    device_id = parts[3]
    if parts[4] == "status" and len(parts) == 5:
        return device_id, "status", ""
    if len(parts) == 6 and parts[4] in ("out", "in"):
        return device_id, parts[4], parts[5]
    return None
