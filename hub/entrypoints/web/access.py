"""Who is asking, and may they: every route and socket event names the permission it needs.

A view declares its permission with `@requires(Permission.X)` next to its definition; one
`before_request` hook finds who sent the request (account cookie, screen cookie, gateway or
staff bearer token) and refuses what that identity may not do. A view that declares nothing
is refused, so a forgotten declaration fails closed (and a test lists every such view).
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

from flask import Flask, g, redirect, render_template, request

from hub.contracts.access import PERMISSION_ATTR
from hub.domain.access import ANONYMOUS, Identity, Permission
from hub.entrypoints.web.replies import ApiProblem
from hub.services import access as access_service

logger = logging.getLogger(__name__)

ACCOUNT_COOKIE = "passline_account"
DEVICE_COOKIE = "passline_device"
# A manager signed in at a till carries their staff session into the back office in this cookie,
# sent only to /admin pages (the till's own requests send it as a bearer token).
STAFF_COOKIE = "passline_staff"
BACK_OFFICE_PATH = "/admin"
# Flask's own asset routes cannot be decorated; assets hold nothing of the store's.
ASSET_ENDPOINT = "static"

# Words for the refusal a person reads; the permission's name goes to logs only.
_NEEDS_SIGN_IN = "Sign in first: this needs an enrolled screen, a signed-in account or a staff member."
_NOT_ALLOWED = "You are signed in, but your role may not do this. Ask the owner or a manager."


def requires(permission: Permission) -> Callable:
    """Declare the permission a view or socket handler needs."""
    permission = Permission(permission)

    def declare(view: Callable) -> Callable:
        setattr(view, PERMISSION_ATTR, permission)
        return view

    return declare


def permission_of(view: Callable | None) -> Permission | None:
    """Return the permission a view declared (by value or by name), or None."""
    declared = getattr(view, PERMISSION_ATTR, None)
    return Permission(declared) if declared is not None else None


def endpoint_permission(app: Flask, endpoint: str | None) -> Permission | None:
    """Return the permission an endpoint needs (assets are open), or None when it declared none."""
    if endpoint is None:
        return None
    if endpoint == ASSET_ENDPOINT or endpoint.endswith("." + ASSET_ENDPOINT):
        return Permission.OPEN
    return permission_of(app.view_functions.get(endpoint))


def bearer_token() -> str | None:
    """Return the `Authorization: Bearer <token>` of this request, or None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def identify_request(hub: Any) -> Identity:
    """Return who sent this request, from its cookies and bearer token."""
    account = request.cookies.get(ACCOUNT_COOKIE)
    device = request.cookies.get(DEVICE_COOKIE)
    bearer = bearer_token() or (request.cookies.get(STAFF_COOKIE) if _in_back_office(request.path) else None)
    if not (account or device or bearer):
        return ANONYMOUS
    with hub.uow_factory() as uow:
        identity = access_service.identify(uow, account_token=account, device_token=device, bearer=bearer,
                                           now=hub.bus.now())
        uow.commit()  # last-seen times
    return identity


def _in_back_office(path: str) -> bool:
    return path == BACK_OFFICE_PATH or path.startswith(BACK_OFFICE_PATH + "/")


def current_identity() -> Identity:
    """Return the identity of the request being served."""
    return g.get("identity", ANONYMOUS)


def install(app: Flask, hub: Any) -> None:
    """Check every request against the permission its view declared."""

    @app.before_request
    def _check_permission():
        if request.endpoint is None:
            return None  # 404 and 405 answer on their own
        permission = endpoint_permission(app, request.endpoint)
        if permission is Permission.OPEN:
            g.identity = ANONYMOUS  # assets, probe, pairing, sign-in: no view of these asks who it is
            return None
        g.identity = identify_request(hub)
        if permission is None:
            logger.error("refused %s %s: its view declares no permission", request.method, request.path)
            return _refuse(403, "no_permission_declared", "This page is not open to anyone.")
        if g.identity.may(permission):
            return None
        if g.identity.kind == "anonymous":
            return _refuse(401, "not_signed_in", _NEEDS_SIGN_IN, permission)
        logger.info("refused %s %s to %s %s: needs %s", request.method, request.path, g.identity.kind,
                    g.identity.name, permission.value)
        return _refuse(403, "forbidden", _NOT_ALLOWED, permission)


def _refuse(status: int, code: str, message: str, permission: Permission | None = None):
    if _wants_page():
        if status == 401:
            return redirect(_sign_in_url(permission))
        return render_template("access/refused.html", message=message), status
    raise ApiProblem(status, code, message, needs=permission.value if permission else None)


def _wants_page() -> bool:
    return request.method == "GET" and not request.path.startswith("/api/")


def _sign_in_url(permission: Permission | None) -> str:
    """Send people to the account sign-in, screens to the pairing page; both come back here after."""
    target = quote(request.full_path.rstrip("?"), safe="/")
    if permission in (Permission.ADMIN_VIEW, Permission.HEALTH_READ, Permission.DEVICES_READ, Permission.REPORTS_READ):
        return f"/admin/sign-in?next={target}"
    return f"/pair?next={target}"


def local_target(target: str | None, default: str) -> str:
    """Return a same-site path to go to after pairing or signing in (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def socket_guard(hub: Any, permission: Permission) -> Callable:
    """Wrap a Socket.IO handler: run it only for an identity that holds the permission."""
    permission = Permission(permission)

    def wrap(handler: Callable) -> Callable:
        @functools.wraps(handler)
        def guarded(*args: Any) -> Any:
            identity = identify_request(hub)
            if not identity.may(permission):
                logger.info("socket event refused to %s %s: needs %s", identity.kind, identity.name, permission.value)
                if identity.kind == "anonymous":
                    return {"ok": False, "reason": _NEEDS_SIGN_IN, "code": "not_signed_in"}
                return {"ok": False, "reason": _NOT_ALLOWED, "code": "forbidden"}
            return handler(*args)

        return requires(permission)(guarded)

    return wrap


def connect_guard(hub: Any, permission: Permission, on_connect: Callable | None = None) -> Callable:
    """Return a Socket.IO connect handler that accepts only an identity holding the permission."""

    @requires(permission)
    def connect(_auth: Any = None) -> bool:
        identity = identify_request(hub)
        if not identity.may(permission):
            logger.info("socket connection refused to %s %s: needs %s", identity.kind, identity.name, permission.value)
            return False
        if on_connect is not None:
            on_connect()
        return True

    return connect


def own_origins(port: int, extra: tuple[str, ...] = ()) -> Callable[[str | None], bool]:
    """Return a check that an Origin is this hub itself (its names and addresses on its port) or listed."""
    names = {"localhost", "127.0.0.1", "::1"}
    for name in (socket.gethostname(), socket.getfqdn()):
        names.add(name.lower())
        try:
            names.update(info[4][0] for info in socket.getaddrinfo(name, None))
        except OSError:
            pass
    names.update(_outbound_addresses())
    listed = {origin.rstrip("/").lower() for origin in extra}

    def allowed(origin: str | None, _environ: dict | None = None) -> bool:
        if not origin:
            return True  # not a browser page (a script or device): its credentials decide
        if origin.rstrip("/").lower() in listed:
            return True
        parts = urlsplit(origin)
        try:
            origin_port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            return False
        return (parts.hostname or "").lower() in names and origin_port == port

    return allowed


def _outbound_addresses() -> set[str]:
    """Return the addresses other machines reach this one at (no packet is sent)."""
    found = set()
    for family, target in ((socket.AF_INET, ("192.0.2.1", 9)), (socket.AF_INET6, ("2001:db8::1", 9))):
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as probe:
                probe.connect(target)
                found.add(str(ipaddress.ip_address(probe.getsockname()[0])))
        except OSError:
            pass
    return found


def acting_staff() -> bool:
    """Return whether a person who works here makes this request (staff signed in at a till, or an account)."""
    identity = current_identity()
    return identity.staff_role is not None or identity.kind == "account"


def own_device(device_id: str | None) -> bool:
    """Return whether a device named in a request is the requester itself (accounts and staff may name any)."""
    identity = current_identity()
    return identity.kind != "device" or identity.staff_role is not None or device_id == identity.name
