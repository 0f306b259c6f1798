"""What a store's hub calls: enrolment, feeds by cursor, the events batch, its stock."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request

from cloud.contracts import (
    Change,
    EnrolReply,
    EnrolRequest,
    EventBatch,
    EventResults,
    Feed,
    FeedPage,
    StockLevel,
    StockLevels,
    StoreInfo,
)
from cloud.db import access as repo
from cloud.db.feeds import read_feed
from cloud.db.ingest import ingest
from cloud.db.stock import stock_levels
from cloud.web.access import for_store, open_route
from cloud.web.errors import ApiError, parse

DEFAULT_PAGE = 200
MAX_PAGE = 1000  # a page stays well under a second to read and to apply at the hub

store_api = Blueprint("store_api", __name__, url_prefix="/api/v1")


def _engine():
    return current_app.config["CLOUD_ENGINE"]


def _now():
    return current_app.config["CLOUD_CLOCK"]()


@store_api.post("/enrol")
@open_route
def enrol():
    """Exchange a one-time enrolment code for the store's token."""
    body = parse(EnrolRequest, request.get_json(silent=True))
    with _engine().begin() as conn:
        redeemed = repo.redeem_enrolment_code(conn, body.code, _now())
    if redeemed is None:
        raise ApiError(401, "invalid_code", "this enrolment code is unknown, used, revoked or expired", "code")
    store, token = redeemed
    return jsonify(EnrolReply(store=store, token=token).model_dump()), 201


@store_api.get("/stores/<store>")
@for_store
def store_info(store: str):
    """Tell a hub which store its token is for, with its name and tax jurisdiction (a check that the link works)."""
    return jsonify(StoreInfo(code=g.store.code, name=g.store.name, jurisdiction=g.store.jurisdiction).model_dump())


@store_api.get("/stores/<store>/feeds/<feed>")
@for_store
def feed_page(store: str, feed: str):
    """Return the changes of a feed after a cursor, for this store."""
    if feed not in Feed.__members__:
        raise ApiError(404, "unknown_feed", f"there is no feed {feed}; feeds: {', '.join(Feed.__members__)}")
    after = _cursor(request.args.get("after"))
    limit = _limit(request.args.get("limit"))
    with _engine().connect() as conn:
        found, more = read_feed(conn, feed, store=store, jurisdiction=g.store.jurisdiction, after=after, limit=limit)
    page = FeedPage(
        feed=Feed(feed),
        changes=[Change(cursor=str(c.seq), kind=c.kind, key=c.key, deleted=c.deleted, body=c.body, at=c.at)
                 for c in found],
        next_cursor=str(found[-1].seq) if found else str(after),
        more=more,
    )
    return jsonify(page.model_dump(mode="json"))


@store_api.post("/stores/<store>/events")
@for_store
def post_events(store: str):
    """Take a batch of events, each once by its id; answer for each."""
    batch = parse(EventBatch, request.get_json(silent=True), nul_checked_later=True)  # each event on its own
    with _engine().begin() as conn:
        results = ingest(conn, store, batch.events, _now())
    return jsonify(EventResults(results=results).model_dump(mode="json", exclude_none=True))


@store_api.get("/stores/<store>/stock")
@for_store
def store_stock(store: str):
    """Return this store's stock per location, for one SKU (`?sku=`) or all."""
    with _engine().connect() as conn:
        levels = stock_levels(conn, sku=request.args.get("sku") or None, store=store)
    return jsonify(levels_reply(levels))


def levels_reply(levels) -> dict:
    """Return stock levels as the reply body."""
    return StockLevels(levels=[StockLevel(location=lv.location, sku=lv.sku, on_hand=lv.on_hand, reserved=lv.reserved,
                                          in_transit=lv.in_transit, available=lv.available) for lv in levels]).model_dump()


def _cursor(raw: str | None) -> int:
    if raw is None or raw == "":
        return 0
    if not raw.isdigit() or len(raw) > 18:
        raise ApiError(400, "invalid_cursor", "after must be a cursor this feed gave you (or left out to start)", "after")
    return int(raw)


def _limit(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_PAGE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise ApiError(400, "invalid_limit", f"limit must be a whole number from 1 to {MAX_PAGE}", "limit")
    return int(raw)
