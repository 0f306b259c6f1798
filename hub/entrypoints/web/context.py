"""The hub a web app serves, reached the same way by every blueprint and page module.

The hub is typed `Any` here on purpose: the kiosk and display pages import this module and must
not reach hub internals, not even through a type-checking import of `hub.bootstrap.Hub`.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app

HUB_KEY = "PASSLINE_HUB"  # where create_app keeps the hub, in `app.config`


def attach(app: Flask, hub: Any) -> None:
    """Make a hub the one an app serves."""
    app.config[HUB_KEY] = hub


def hub_of(app: Flask) -> Any:
    """Return the hub (`hub.bootstrap.Hub`) an app serves."""
    return app.config[HUB_KEY]


def current_hub() -> Any:
    """Return the hub (`hub.bootstrap.Hub`) of the app handling this request."""
    return hub_of(current_app)
