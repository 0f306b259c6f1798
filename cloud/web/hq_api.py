"""What an HQ account calls: sign in, stores and their enrolment, the chain's objects, loyalty and stock."""

from __future__ import annotations

from datetime import timedelta

from argon2.exceptions import InvalidHashError, VerificationError
from flask import Blueprint, current_app, jsonify, request

from cloud.contracts import LoyaltyEntryEvent, SessionReply, SignIn, StoreInfo
from cloud.db import access as repo
from cloud.db.feeds import KINDS, delete_object, get_object, put_object
from cloud.db.loyalty import add_hq_entry, ledger_lines, member_balance, put_member
from cloud.db.stock import stock_levels
from cloud.domain import LOCKOUT_ATTEMPTS, sign_in_locked_until
from cloud.web.access import for_hq, open_route
from cloud.web.errors import ApiError, parse
from cloud.web.store_api import levels_reply

hq_api = Blueprint("hq_api", __name__, url_prefix="/api/v1")

# The collections an HQ account writes, by their name in the path.
COLLECTIONS = {
    "categories": "category", "items": "item", "modifier_groups": "modifier_group", "bundles": "bundle",
    "prices": "price", "promotions": "promotion", "taxes": "tax", "tiers": "tier", "members": "member",
}


def _engine():
    return current_app.config["CLOUD_ENGINE"]


def _now():
    return current_app.config["CLOUD_CLOCK"]()


@hq_api.post("/session")
@open_route
def sign_in():
    """Exchange an HQ account's name and password for a bearer token; 5 wrong passwords lock the name 5 minutes."""
    body = parse(SignIn, request.get_json(silent=True))
    hasher = current_app.config["CLOUD_PASSWORDS"]
    now = _now()
    with _engine().begin() as conn:
        until = sign_in_locked_until(repo.recent_failures(conn, body.name, now), now)
        if until is None:
            stored = repo.password_hash_of(conn, body.name)
            try:
                # An unknown name costs the same hashing time as a wrong password, so names cannot be probed by timing.
                hasher.verify(stored or current_app.config["CLOUD_DUMMY_HASH"], body.password)
            except (VerificationError, InvalidHashError):
                stored = None
            if stored is None:
                repo.record_failure(conn, body.name, now)  # committed with this block, before the refusal below
            else:
                repo.clear_failures(conn, body.name)
                if hasher.check_needs_rehash(stored):
                    repo.set_password_hash(conn, body.name, hasher.hash(body.password))
                expires_at = now + timedelta(hours=current_app.config["CLOUD_SETTINGS"].session_hours)
                token = repo.open_session(conn, body.name, expires_at)
    if until is not None:
        error = ApiError(429, "locked", f"{LOCKOUT_ATTEMPTS} wrong passwords: signing in as {body.name} is locked "
                         f"until {until:%H:%M:%S} UTC")
        response, status = error.reply()
        response.headers["Retry-After"] = str(max(1, int((until - now).total_seconds()) + 1))
        return response, status
    if stored is None:
        raise ApiError(401, "wrong_password", "the name or the password is wrong")
    return jsonify(SessionReply(token=token, expires_at=expires_at).model_dump(mode="json")), 201


@hq_api.delete("/session")
@for_hq
def sign_out():
    """End this session."""
    token = request.headers["Authorization"].partition(" ")[2].strip()
    with _engine().begin() as conn:
        repo.close_session(conn, token)
    return "", 204


@hq_api.get("/stores")
@for_hq
def list_stores():
    """List the chain's stores."""
    with _engine().connect() as conn:
        found = repo.list_stores(conn)
    return jsonify({"stores": [StoreInfo(code=s.code, name=s.name, jurisdiction=s.jurisdiction).model_dump()
                               for s in found]})


@hq_api.post("/stores")
@for_hq
def add_store():
    """Add a store."""
    body = parse(StoreInfo, request.get_json(silent=True))
    with _engine().begin() as conn:
        _, created = repo.add_store(conn, body.code, name=body.name, jurisdiction=body.jurisdiction, at=_now())
    if not created:
        raise ApiError(409, "store_exists", f"store {body.code} exists already", "code")
    return jsonify(body.model_dump()), 201


@hq_api.post("/stores/<store>/enrolment")
@for_hq
def new_enrolment_code(store: str):
    """Issue a one-time enrolment code for a store (shown once)."""
    with _engine().begin() as conn:
        if repo.find_store(conn, store) is None:
            raise ApiError(404, "unknown_store", f"there is no store {store}")
        code = repo.issue_enrolment_code(conn, store, _now())
    return jsonify({"store": store, "code": code}), 201


@hq_api.post("/stores/<store>/revoke")
@for_hq
def revoke(store: str):
    """Revoke a store's tokens and unused codes at once."""
    with _engine().begin() as conn:
        if repo.find_store(conn, store) is None:
            raise ApiError(404, "unknown_store", f"there is no store {store}")
        count = repo.revoke_store(conn, store, _now())
    return jsonify({"store": store, "revoked": count})


@hq_api.put("/hq/<collection>")
@for_hq
def put(collection: str):
    """Create or replace one object of the chain; its change goes out on its feed."""
    kind = KINDS[_kind(collection)]
    body = parse(kind.model, request.get_json(silent=True))
    with _engine().begin() as conn:
        if kind.name == "member":
            put_member(conn, body, _now())
            key = body.member_id
        else:
            key = put_object(conn, kind, body, _now())
    return jsonify({"kind": kind.name, "key": key})


@hq_api.get("/hq/<collection>/<path:key>")
@for_hq
def get(collection: str, key: str):
    """Return one object's newest state (a member with their balance and ledger)."""
    kind = KINDS[_kind(collection)]
    with _engine().connect() as conn:
        found = get_object(conn, kind, key)
        if found is None:
            raise ApiError(404, "not_found", f"there is no {kind.name} {key}")
        if kind.name == "member":
            found = {**found, "balance": member_balance(conn, key).balance, "ledger": ledger_lines(conn, key)}
    return jsonify(found)


@hq_api.delete("/hq/<collection>/<path:key>")
@for_hq
def delete(collection: str, key: str):
    """Delete one object; stores see the deletion on its feed."""
    kind = KINDS[_kind(collection)]
    if kind.name == "member":
        raise ApiError(409, "member_has_ledger", "members keep their ledger; they are not deleted")
    with _engine().begin() as conn:
        if not delete_object(conn, kind, key, _now()):
            raise ApiError(404, "not_found", f"there is no {kind.name} {key}")
    return "", 204


@hq_api.post("/hq/ledger")
@for_hq
def add_ledger_entry():
    """Add HQ's own points entry (positive or negative) to a member's ledger, once by its id."""
    entry = parse(LoyaltyEntryEvent, request.get_json(silent=True))
    with _engine().begin() as conn:
        outcome = add_hq_entry(conn, entry, _now())
    if outcome == "member_unknown":
        raise ApiError(422, "member_unknown", f"member_id: {entry.member_id} is not a member of the chain", "member_id")
    if outcome == "conflict":
        raise ApiError(409, "conflict", f"{entry.id} was committed before with other content", "id")
    return jsonify({"id": entry.id, "outcome": outcome}), 201 if outcome == "committed" else 200


@hq_api.get("/stock/<sku>")
@for_hq
def stock_across_locations(sku: str):
    """Return one SKU's stock at every location of the chain."""
    with _engine().connect() as conn:
        return jsonify(levels_reply(stock_levels(conn, sku=sku)))


def _kind(collection: str) -> str:
    if collection not in COLLECTIONS:
        raise ApiError(404, "unknown_collection", f"there is no collection {collection}; "
                       f"collections: {', '.join(COLLECTIONS)}")
    return COLLECTIONS[collection]


