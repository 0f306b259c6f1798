"""Who is online: the hub's view of every device's retained status."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class DeviceState:
    """The last status a device announced."""

    device_id: str
    online: bool
    kind: str | None
    health: dict[str, Any]
    error: str | None
    since: datetime


@dataclass
class Presence:
    """Track device status messages; safe to read from web threads while MQTT writes."""

    _devices: dict[str, DeviceState] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def update(self, state: DeviceState) -> None:
        """Record a device's latest status."""
        with self._lock:
            self._devices[state.device_id] = state

    def forget(self, device_id: str) -> None:
        """Drop a device whose retained status was cleared."""
        with self._lock:
            self._devices.pop(device_id, None)

    def devices(self) -> list[DeviceState]:
        """Return every known device, sorted by id."""
        with self._lock:
            return sorted(self._devices.values(), key=lambda d: d.device_id)

    def online_count(self) -> int:
        """Return how many devices are online."""
        with self._lock:
            return sum(1 for d in self._devices.values() if d.online)
