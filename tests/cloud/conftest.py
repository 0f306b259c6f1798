"""HQ fixtures: every test runs on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from cloud.config import load_cloud_settings
from cloud.db.engine import make_engine
from cloud.db.migrate import upgrade
from cloud.web.app import create_app
from tests.support.clock import Clock
from tests.support.cloud import Hq
from tests.support.postgres import PostgresServer, postgres_bin_dir

TEMPLATE = "cloud_template"
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL server for the session, with HQ's schema migrated into a template database."""
    bin_dir = postgres_bin_dir()
    assert bin_dir is not None, "PostgreSQL is not installed: apt-get install postgresql (.ci/run does)"
    server = PostgresServer(bin_dir)
    server.start()
    upgrade(server.create_database(TEMPLATE))
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path: Path) -> str:
    """A migrated, empty HQ database: a SQLite file, or a fresh copy of the PostgreSQL template."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'cloud.db'}"
        upgrade(url)
        return url
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.create_database(f"cloud_{next(_numbers)}", template=TEMPLATE)


@pytest.fixture
def clock() -> Clock:
    """A clock the test moves by hand."""
    clock = Clock()
    clock.now = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)
    return clock


@pytest.fixture
def hq(database_url: str, tmp_path: Path, clock: Clock) -> Iterator[Hq]:
    """HQ's app on the database, with an HQ account signed in."""
    settings = load_cloud_settings({"PASSLINE_CLOUD_DATA_DIR": str(tmp_path / "cloud"),
                                    "PASSLINE_CLOUD_DATABASE_URL": database_url,
                                    "PASSLINE_CLOUD_PASSWORD_COST": "cheapest"})
    engine = make_engine(database_url)
    app = create_app(settings, engine=engine, clock=clock)
    yield Hq(app, engine, clock)
    engine.dispose()
