"""Ports of the trust boundary: what the services need from the broker's login store.

Defined here by the broker part until the identity part's file (same shape) replaces it.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass

from hub.domain.access import Role


@dataclass(frozen=True)
class MqttLogin:
    """A device's own broker login."""

    url: str
    username: str
    password: str

    def __repr__(self) -> str:
        return f"MqttLogin(url={self.url.split('@')[-1]!r}, username={self.username!r}, password=***)"


class DeviceLogins(abc.ABC):
    """Make and remove devices' broker logins."""

    @abc.abstractmethod
    def create(self, device_id: str, role: Role) -> MqttLogin:
        """Make or replace the device's broker login; return its url, username and password."""

    @abc.abstractmethod
    def remove(self, device_id: str) -> None:
        """Delete the device's login and disconnect the device at once."""
