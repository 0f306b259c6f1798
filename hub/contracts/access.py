"""How a view declares the permission it needs, for pages served by the hub but built outside it.

The kiosk and display pages may not import the hub's domain, so they name the permission by
its wire name (`"screen.kiosk"`); the hub checks the name against its one table of roles.
"""

from __future__ import annotations

from collections.abc import Callable

PERMISSION_ATTR = "passline_permission"


def needs(permission: str) -> Callable:
    """Declare, by its name, the permission a view needs."""

    def declare(view: Callable) -> Callable:
        setattr(view, PERMISSION_ATTR, str(permission))
        return view

    return declare
