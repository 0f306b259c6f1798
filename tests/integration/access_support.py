"""Fixtures for the access tests: a hub with a fake broker-login port and cheap argon2, and an owner's browser.
"""

from __future__ import annotations


import pytest
from argon2 import profiles

from hub.bootstrap import bootstrap
from hub.domain.enrolment import AddAccount
from hub.entrypoints.web.app import create_app
from hub.services import access
from tests.fakes import FakeDeviceLogins
from tests.support.clock import Clock

OWNER_PASSWORD = "correct horse battery"


@pytest.fixture
def clock():
    """The hub's clock, moved by the test."""
    return Clock()


@pytest.fixture
def logins():
    """The broker-login port, faked: what each device got and who was removed."""
    return FakeDeviceLogins()


@pytest.fixture
def hub(settings, clock, logins):
    """A hub whose owner account exists, with cheap argon2 parameters."""
    hub = bootstrap(settings, clock=clock, device_logins=logins,
                    password_hasher=access.password_hasher(profiles.CHEAPEST))
    hub.bus.handle(AddAccount("owner", "owner", OWNER_PASSWORD))
    yield hub
    hub.stop()


@pytest.fixture
def app(hub, clock):
    """The web app around the hub."""
    app = create_app(hub=hub)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def owner(app):
    """A browser signed in as the owner."""
    browser = app.test_client()
    assert browser.post("/api/v1/sessions", json={"username": "owner", "password": OWNER_PASSWORD}).status_code == 201
    return browser


def new_code(owner, device_id: str, role: str, **extra) -> dict:
    """Return the reply to an owner's POST /api/v1/devices."""
    reply = owner.post("/api/v1/devices", json={"device_id": device_id, "role": role, **extra})
    assert reply.status_code == 201, reply.get_json()
    return reply.get_json()
