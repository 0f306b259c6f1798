"""Every route and socket event names its permission; without an identity only a few things are open."""

from __future__ import annotations

import pytest

from hub.domain.access import Permission
from hub.entrypoints.web.access import endpoint_permission, own_origins, permission_of

# What a phone, a probe or a screen that is not paired yet may reach without any identity.
OPEN_RULES = {
    "/static/<path:filename>",  # assets
    "/kiosk/static/<path:filename>",
    "/counter/static/<path:filename>",
    "/displays/static/<path:filename>",
    "/favicon.ico",  # the icon a browser asks for on every page
    "/api/v1/live",  # liveness probe
    "/r/<order_id>/<sig>",  # e-receipt by its signed link
    "/pair",  # the pairing page and the claim exchange
    "/api/v1/devices/claim",
    "/admin/sign-in",  # the owner's and store IT's sign-in
    "/api/v1/sessions",
}


def _rules(app):
    return [rule for rule in app.url_map.iter_rules()]


def test_every_route_declares_its_permission(app):
    undeclared = sorted(rule.rule for rule in _rules(app) if endpoint_permission(app, rule.endpoint) is None)
    assert undeclared == []


def test_every_socket_event_declares_its_permission(app):
    server = app.extensions["passline_socketio"].server
    events = [(namespace, event, handler) for namespace, table in server.handlers.items()
              for event, handler in table.items()]
    assert {namespace for namespace, _, _ in events} == {"/hub", "/displays"}
    undeclared = [(namespace, event) for namespace, event, handler in events if permission_of(handler) is None]
    assert undeclared == []


def test_only_the_pairing_sign_in_receipt_probe_and_assets_are_open(app):
    opened = {rule.rule for rule in _rules(app) if endpoint_permission(app, rule.endpoint) is Permission.OPEN}
    assert opened <= OPEN_RULES
    assert {"/api/v1/live", "/r/<order_id>/<sig>"} <= opened


def _example_path(rule) -> str:
    path = rule.rule
    for argument in rule.arguments:
        path = path.replace(f"<{argument}>", "x").replace(f"<path:{argument}>", "x")
    return path


def test_someone_on_the_wifi_gets_nothing_but_the_open_routes(app, anonymous):
    for rule in _rules(app):
        if endpoint_permission(app, rule.endpoint) is Permission.OPEN:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            reply = anonymous.open(_example_path(rule), method=method, json={})
            if rule.rule.startswith("/api/"):
                assert reply.status_code == 401, (method, rule.rule, reply.status_code)
                assert reply.get_json()["code"] == "not_signed_in"
            elif method == "GET":
                assert reply.status_code == 302, (method, rule.rule, reply.status_code)
                assert reply.location.startswith(("/pair?next=", "/admin/sign-in?next=")), reply.location
            else:
                assert reply.status_code == 401, (method, rule.rule)


def test_a_free_gift_card_is_refused_to_anyone_without_a_manager_or_owner(anonymous):
    reply = anonymous.post("/api/v1/gift-cards", json={"code": "FREEMONEY0001", "amount": 99999999, "currency": "EUR"})
    assert reply.status_code == 401


def test_the_liveness_probe_says_nothing_about_the_store(anonymous):
    reply = anonymous.get("/api/v1/live")
    assert reply.status_code == 200
    assert set(reply.get_json()) == {"live", "ready"}


@pytest.mark.parametrize("origin, allowed", [
    ("http://127.0.0.1:8000", True),
    ("http://localhost:8000", True),
    ("http://127.0.0.1:9999", False),  # another port is another site
    ("http://evil.example:8000", False),
    ("null", False),  # a sandboxed frame or a file:// page
    (None, True),  # not a browser: the device credential decides
])
def test_sockets_open_only_from_the_hubs_own_pages(origin, allowed):
    assert own_origins(8000)(origin) is allowed
