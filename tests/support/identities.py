"""Who a test acts as: the owner (who may do everything), or a live screen on a Socket.IO namespace."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient


def owner_client(app: Flask) -> FlaskClient:
    """Return a test client signed in as the store's owner."""
    client = app.test_client()
    client.set_cookie("passline_account", "test-owner")
    return client


def screen_socket(app: Flask, namespace: str):
    """Return a Socket.IO test client on a namespace, connected with the owner's credentials."""
    socketio = app.extensions["passline_socketio"]
    return socketio.test_client(app, namespace=namespace, flask_test_client=owner_client(app))
