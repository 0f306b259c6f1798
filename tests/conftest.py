"""Shared fixtures: a throwaway database per test, the app, real brokers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hub.adapters.db.migrate import upgrade
from hub.bootstrap import bootstrap
from hub.config import Settings, load_settings
from hub.demo import DEMO_CATALOG
from hub.entrypoints.catalog_import import import_catalog
from hub.entrypoints.web.app import create_app
from tests.support.contract_report import misfits, summary, turn_on
from tests.support.identities import owner_client
from tests.support.mosquitto import dev_broker, mosquitto_binary

CONTRACT_REPORT = turn_on()  # before any hub starts: every message the suite makes a hub send is checked


def pytest_sessionfinish(session, exitstatus) -> None:
    """Fail the run when a message the hub sent did not fit its contract, or had none."""
    found = misfits(CONTRACT_REPORT)
    if found:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write_line(summary(found), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def make_settings(tmp_path: Path, **overrides: str) -> Settings:
    """Return settings for a store with its own temp data dir and SQLite file."""
    env = {"PASSLINE_STORE": "test", "PASSLINE_DATA_DIR": str(tmp_path / "data"), "PASSLINE_BROKER_PORT": "0"}
    env.update({f"PASSLINE_{k.upper()}": v for k, v in overrides.items()})
    if os.environ.get("PASSLINE_TEST_DATABASE") == "postgresql" and "PASSLINE_DATABASE_URL" not in env:
        from tests.support.postgres import fresh_database_url

        env["PASSLINE_DATABASE_URL"] = fresh_database_url()
    return load_settings(env)


def prepare_database(settings: Settings) -> None:
    """Create the schema with Alembic and load the demo catalog."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)
    import_catalog(settings, DEMO_CATALOG)


def start_hub(settings: Settings):
    """Bootstrap a hub on a prepared database, start its messaging, and wait until it is connected; return (hub, app)."""
    hub = bootstrap(settings)
    app = create_app(hub=hub, start_messaging=True)
    assert hub.connection.wait_connected(10), hub.connection.last_error
    return hub, app


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with a migrated temp database holding the demo catalog."""
    settings = make_settings(tmp_path)
    prepare_database(settings)
    return settings


@pytest.fixture
def hub(settings: Settings):
    """A hub with no messaging started."""
    hub = bootstrap(settings)
    yield hub
    hub.stop()


@pytest.fixture
def app(hub):
    """The web app around the hub."""
    app = create_app(hub=hub)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    """A test client for the web app, signed in as the store's owner (who may do everything)."""
    return owner_client(app)


@pytest.fixture
def anonymous(app):
    """A test client with no identity at all: someone on the store's Wi-Fi."""
    return app.test_client()


def require_mosquitto() -> None:
    """Fail (not skip) when Mosquitto is missing: the tests need the real broker."""
    if mosquitto_binary() is None:
        pytest.fail("mosquitto is not installed: run `bash .ci/run` or `apt-get install mosquitto`")


@pytest.fixture
def mosquitto(tmp_path: Path):
    """A real Mosquitto on a free port, anonymous logins, production persistence tuning."""
    require_mosquitto()
    broker = dev_broker(tmp_path / "mosquitto")
    broker.start()
    yield broker
    broker.stop()
