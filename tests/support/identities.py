"""Who a test acts as: the owner (who may do everything), an enrolled screen, or a live Socket.IO screen.

The credentials are written straight into the hub's database, as a sign-in or a claim would
leave them, so a test pays no password hashing; the sign-in and claim paths have tests of their own.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from hub.domain.access import Account, EnrolledDevice, Role
from hub.domain.enrolment import AccountSession, new_token
from hub.entrypoints.web.access import ACCOUNT_COOKIE, DEVICE_COOKIE

OWNER = "owner"
FAR = timedelta(days=3650)  # tests move their clocks about; the credential must outlive them


def _hub(app: Flask):
    return app.config["PASSLINE_HUB"]


def owner_client(app: Flask) -> FlaskClient:
    """Return a test client signed in as the store's owner."""
    hub = _hub(app)
    now = hub.bus.now()
    token, token_hash = new_token()
    with hub.uow_factory() as uow:
        if uow.access.account(OWNER) is None:
            uow.access.add_account(Account(OWNER, Role.OWNER, "not-a-real-hash", now - FAR))
        uow.access.add_session(AccountSession(token_hash, OWNER, now - FAR, now + FAR))
        uow.commit()
    client = app.test_client()
    client.set_cookie(ACCOUNT_COOKIE, token)
    return client


def screen_client(app: Flask, device_id: str, role: Role | str) -> FlaskClient:
    """Return a test client that is an enrolled screen (kiosk, counter, display, board)."""
    hub = _hub(app)
    now = hub.bus.now()
    token, token_hash = new_token()
    with hub.uow_factory() as uow:
        if uow.access.device(device_id) is None:
            uow.access.add_device(EnrolledDevice(device_id, Role(role), now - FAR))
        uow.access.enrol_device(device_id, Role(role), token_hash, now - FAR)
        uow.commit()
    client = app.test_client()
    client.set_cookie(DEVICE_COOKIE, token)
    return client


def screen_socket(app: Flask, namespace: str, client: FlaskClient | None = None):
    """Return a Socket.IO test client on a namespace, connected with a client's (by default the owner's) cookies."""
    socketio = app.extensions["passline_socketio"]
    return socketio.test_client(app, namespace=namespace, flask_test_client=client or owner_client(app))
