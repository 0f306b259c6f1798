"""Who may call what: a store token for its own store, an HQ account for the chain. Every route says which."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import current_app, g, request

from cloud.db import access as repo
from cloud.db.access import StoreRow
from cloud.domain import ACCOUNT_TOKEN_PREFIX, STORE_TOKEN_PREFIX
from cloud.web.errors import ApiError

OPEN, STORE, HQ = "open", "store", "hq"


@dataclass(frozen=True)
class Caller:
    """The identity behind a request: a store, or an HQ account."""

    store: StoreRow | None = None
    account: str | None = None


def open_route(view: Callable) -> Callable:
    """Mark a route that needs no identity (enrolment, sign-in)."""
    view.cloud_access = OPEN
    return view


def for_hq(view: Callable) -> Callable:
    """Let only a signed-in HQ account through."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        caller = _caller()
        if caller.account is None:
            raise ApiError(403, "forbidden", "only an HQ account may do this")
        return view(*args, **kwargs)

    wrapper.cloud_access = HQ
    return wrapper


def for_store(view: Callable) -> Callable:
    """Let through the store named in the path (its own token) or an HQ account; `g.store` is that store."""

    @wraps(view)
    def wrapper(*args, store: str, **kwargs):
        caller = _caller()
        if caller.store is not None and caller.store.code != store:
            raise ApiError(403, "forbidden", "a store token reads and writes only its own store")
        with current_app.config["CLOUD_ENGINE"].connect() as conn:
            found = caller.store if caller.store is not None else repo.find_store(conn, store)
        if found is None:
            raise ApiError(404, "unknown_store", f"there is no store {store}")
        g.store = found
        return view(*args, store=store, **kwargs)

    wrapper.cloud_access = STORE
    return wrapper


def _caller() -> Caller:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, "unauthenticated", "send a store token or an HQ session token as Authorization: Bearer")
    now = current_app.config["CLOUD_CLOCK"]()
    with current_app.config["CLOUD_ENGINE"].connect() as conn:
        if token.startswith(STORE_TOKEN_PREFIX):
            store = repo.store_of_token(conn, token)
            if store is not None:
                return Caller(store=store)
        elif token.startswith(ACCOUNT_TOKEN_PREFIX):
            account = repo.account_of_token(conn, token, now)
            if account is not None:
                g.account = account
                return Caller(account=account)
    raise ApiError(401, "unauthenticated", "this token is unknown, revoked or expired")
