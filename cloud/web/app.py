"""HQ's web app factory."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from argon2 import PasswordHasher, profiles
from flask import Flask, request
from sqlalchemy import Engine

from cloud.config import CloudSettings, load_cloud_settings
from cloud.db.engine import make_engine
from cloud.web.access import OPEN
from cloud.web.errors import ApiError, register_errors
from cloud.web.hq_api import hq_api
from cloud.web.store_api import store_api
from cloud.web.web_orders_api import web_orders_api

MAX_BODY_BYTES = 8 * 1024 * 1024  # a batch of 500 large orders fits; a runaway client does not


def password_hasher(settings: CloudSettings) -> PasswordHasher:
    """Return argon2id with argon2-cffi's defaults, or its cheapest profile when the settings say so (tests)."""
    if settings.password_cost == "cheapest":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher()


def utc_now() -> datetime:
    """Return the time now, in UTC."""
    return datetime.now(timezone.utc)


def create_app(settings: CloudSettings | None = None, *, engine: Engine | None = None,
               clock: Callable[[], datetime] = utc_now) -> Flask:
    """Build HQ's app on a migrated database."""
    settings = settings or load_cloud_settings()
    app = Flask("cloud")
    hasher = password_hasher(settings)
    app.config.update(
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        CLOUD_SETTINGS=settings,
        CLOUD_ENGINE=engine or make_engine(settings.database_url),
        CLOUD_CLOCK=clock,
        CLOUD_PASSWORDS=hasher,
        CLOUD_DUMMY_HASH=hasher.hash("not a password anyone has"),
    )
    register_errors(app)
    app.register_blueprint(store_api)
    app.register_blueprint(hq_api)
    app.register_blueprint(web_orders_api)

    @app.get("/healthz")
    def healthz():
        """Say HQ is up (nothing more)."""
        return {"ok": True}

    healthz.cloud_access = OPEN

    @app.before_request
    def _declared():
        view = app.view_functions.get(request.endpoint or "")
        if view is not None and not hasattr(view, "cloud_access") and request.endpoint != "static":
            raise ApiError(500, "undeclared_route", "this route does not say who may call it")

    return app
