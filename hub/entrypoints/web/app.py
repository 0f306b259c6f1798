"""The Flask app factory."""

from __future__ import annotations

import logging

from flask import Flask
from flask_socketio import SocketIO

from hub.adapters.contract_check import check_socket
from hub.bootstrap import Hub, bootstrap
from hub.config import Settings, load_settings
from hub.contracts.displays import NAMESPACE as DISPLAYS_NAMESPACE
from hub.contracts.live import LIVE_NAMESPACE
from hub.domain.access import Permission, Role
from hub.entrypoints import runtime
from hub.entrypoints.web import day_page, end_of_day_api, menu_page
from hub.entrypoints.web import (access, accounts_api, baskets_api, catalog_api, context, devices_api, hardware_api,
                                 health_api, loyalty_api, menu_api, orders_api, pages, payments_api, receipts_api,
                                 replies, reports_pages, staff_api, throttle)
from hub.entrypoints.https import page_port
from hub.entrypoints.web.access import own_origins
from hub.entrypoints.web.socket_limits import SocketLimits, gevent_running

logger = logging.getLogger(__name__)

STAFF_ROOM = "staff"  # every `/hub` screen but kiosks: counters and accounts follow the orders
# One blueprint a resource; every one's routes are under /api/v1 but the pairing, sign-in and e-receipt pages.
API_BLUEPRINTS = (orders_api.blueprint, payments_api.blueprint, baskets_api.blueprint, menu_api.blueprint,
                  catalog_api.blueprint, loyalty_api.blueprint, staff_api.blueprint, accounts_api.blueprint,
                  devices_api.blueprint, hardware_api.blueprint, receipts_api.blueprint, health_api.blueprint,
                  end_of_day_api.blueprint)
# All a kiosk listens to; the stream of every order's events would only cost it (and the hub) a send each.
KIOSK_EVENTS = frozenset({"availability", "payment.changed"})


def create_app(settings: Settings | None = None, *, hub: Hub | None = None, start_messaging: bool = False) -> Flask:
    """Build the web app around a hub; start its broker connection when asked."""
    settings = settings or (hub.settings if hub else load_settings())
    hub = hub or bootstrap(settings)
    app = Flask(__name__)
    context.attach(app, hub)
    app.json.sort_keys = False
    # gevent under gunicorn's gevent worker (see docs/deployment.md, "Server model"): an open
    # screen is a greenlet, not a thread. In-process tests, which run no gevent loop, use threads.
    # Browsers may open sockets only from the hub's own pages (never `[]`: that turns the check off).
    socketio = SocketIO(app, async_mode="gevent" if gevent_running() else "threading",
                        cors_allowed_origins=own_origins(page_port(settings)))
    app.extensions["passline_socketio"] = socketio
    app.extensions["passline_socket_limits"] = SocketLimits().install(socketio.server.eio)
    hub.notifier.send = lambda event, data: _emit_live(socketio, event, data)
    access.install(app, hub)
    replies.install(app)  # one error reply: every failure under /api answers in JSON, in words
    throttle.install(app)

    def _live_connected() -> None:
        from flask_socketio import emit, join_room

        from hub.services.commerce import availability_snapshot

        if access.identify_request(hub).role is not Role.KIOSK:
            join_room(STAFF_ROOM)
        with hub.uow_factory() as uow:  # a kiosk that (re)connects starts from what is sold out now
            snapshot = availability_snapshot(uow)
        check_socket(LIVE_NAMESPACE, "availability", snapshot)
        emit("availability", snapshot)

    socketio.on("connect", namespace=LIVE_NAMESPACE)(
        access.connect_guard(hub, Permission.MENU_READ, _live_connected))

    for blueprint in API_BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(day_page.blueprint)
    app.register_blueprint(reports_pages.blueprint)  # issue 17: /admin/reports
    app.register_blueprint(menu_page.blueprint)  # issue 17: /admin/menu, sold out (86) by one tap
    _serve_displays(app, socketio, hub)
    _serve_frontdesk(app)
    if start_messaging:
        runtime.start_messaging(hub)
    return app


def _emit_live(socketio: SocketIO, event: str, data: dict) -> None:
    """Send an event to the `/hub` pages that hear it: kiosks only what they listen to, staff screens all."""
    check_socket(LIVE_NAMESPACE, event, data)
    socketio.emit(event, data, namespace=LIVE_NAMESPACE, to=None if event in KIOSK_EVENTS else STAFF_ROOM)
    if event == "availability":  # kitchen displays mark what is sold out (86) in their all-day lists
        check_socket(DISPLAYS_NAMESPACE, event, data)
        socketio.emit(event, data, namespace=DISPLAYS_NAMESPACE)


def _serve_displays(app: Flask, socketio: SocketIO, hub: Hub) -> None:
    """Serve the display pages and their `/displays` Socket.IO namespace."""
    from displays.pages import blueprint as display_pages
    from hub.entrypoints.web.displays_socket import DisplaySockets

    sockets = DisplaySockets(socketio, hub)
    sockets.register()
    app.extensions["passline_displays"] = sockets
    app.register_blueprint(display_pages)


def _serve_frontdesk(app: Flask) -> None:
    """Serve the kiosk and counter pages, in the store's languages."""
    from kiosk import counter_page, kiosk_page
    from kiosk.i18n import init_babel

    init_babel(app)
    app.register_blueprint(kiosk_page.blueprint)
    app.register_blueprint(counter_page.blueprint)
