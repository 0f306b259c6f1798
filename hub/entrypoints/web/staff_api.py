"""Staff at the counter under /api/v1: sign in and out by PIN, manager approvals, held baskets."""

from __future__ import annotations

import uuid

from flask import Blueprint, current_app, jsonify, request

from hub.bootstrap import utc_now
from hub.contracts.staff import ApprovalIn, HeldBasketIn, SessionIn
from hub.domain.staff import SESSION_TTL, GrantApproval, SignIn, SignOut, StaffMember, StaffRefused
from hub.domain.till import HoldBasket, RecallBasket
from hub.entrypoints.web.context import current_hub
from hub.entrypoints.web.replies import body_of, error, refused, run
from hub.services.staff import SignedIn, session_member
from hub.domain.access import Permission
from hub.entrypoints.web.access import (BACK_OFFICE_PATH, STAFF_COOKIE, bearer_token, current_identity, own_device,
                                        requires)

blueprint = Blueprint("staff_api", __name__, url_prefix="/api/v1")


def signed_in():
    """Return (member or None, None) for this request's session, or (None, 401 reply) for a dead token."""
    token = bearer_token()
    if token is None:
        return None, None
    with current_hub().uow_factory() as uow:
        member = session_member(uow, token, utc_now())
    if member is None:
        return None, error(401, "not_signed_in", "Authorization: the staff session ended or expired: sign in again",
                           "Authorization")
    return member, None


def _granted(outcome: SignedIn, key: str):
    return jsonify({key: outcome.token, "staff": outcome.member.view(),
                    "expires_at": outcome.expires_at.isoformat().replace("+00:00", "Z")}), 201


@blueprint.post("/staff/sessions")
@requires(Permission.STAFF_SIGN_IN)
def post_session():
    """Sign in at a till with a PIN: 201 with a bearer token, 401 `wrong_pin`, 429 `locked`."""
    body, problem = body_of(SessionIn)
    if problem:
        return problem
    if not own_device(body.device_id):
        return error(403, "forbidden", "device_id: a till signs staff in on itself only", "device_id")
    outcome, problem = run(SignIn(body.pin, body.device_id, source=request.remote_addr))
    if problem:
        return problem
    if isinstance(outcome, StaffRefused):
        return refused(outcome)
    return _granted(outcome, "token")


@blueprint.get("/staff/sessions/current")
@requires(Permission.STAFF_SIGN_IN)
def get_session():
    """Say who this request's bearer token belongs to (401 when none or ended)."""
    member, problem = signed_in()
    if problem:
        return problem
    if member is None:
        return error(401, "not_signed_in", "Authorization: send `Authorization: Bearer <token>` from a sign-in",
                     "Authorization")
    return jsonify({"staff": member.view()})


@blueprint.delete("/staff/sessions/current")
@requires(Permission.STAFF_SIGN_IN)
def delete_session():
    """Sign out: the bearer token stops working at once."""
    token = bearer_token()
    if token is None:
        return error(401, "not_signed_in", "Authorization: send `Authorization: Bearer <token>` to sign out",
                     "Authorization")
    ended, problem = run(SignOut(token))
    if problem:
        return problem
    if not ended:
        return error(401, "not_signed_in", "Authorization: that session had ended already", "Authorization")
    reply = current_app.response_class(status=204)
    reply.delete_cookie(STAFF_COOKIE, path=BACK_OFFICE_PATH)
    return reply


@blueprint.post("/staff/back-office")
@requires(Permission.ADMIN_VIEW)
def post_back_office():
    """A manager signed in at this till opens the back office: their session goes along in a cookie for /admin."""
    token = bearer_token()
    if token is None or current_identity().staff_id is None:
        return error(403, "forbidden", "Authorization: only a manager signed in at this till opens the back office",
                     "Authorization")
    reply = jsonify({"url": BACK_OFFICE_PATH})
    reply.set_cookie(STAFF_COOKIE, token, max_age=int(SESSION_TTL.total_seconds()), path=BACK_OFFICE_PATH,
                     httponly=True, samesite="Strict", secure=request.is_secure)
    return reply


@blueprint.post("/staff/approvals")
@requires(Permission.STAFF_SIGN_IN)
def post_approval():
    """A manager's PIN approves one discount, refund or void: 201 with a one-use token good for 5 minutes."""
    body, problem = body_of(ApprovalIn)
    if problem:
        return problem
    if not own_device(body.device_id):
        return error(403, "forbidden", "device_id: a till signs staff in on itself only", "device_id")
    outcome, problem = run(GrantApproval(body.pin, body.action, body.device_id, source=request.remote_addr))
    if problem:
        return problem
    if isinstance(outcome, StaffRefused):
        return refused(outcome)
    return _granted(outcome, "approval")


def _member_id(member: StaffMember | None) -> str | None:
    return member.staff_id if member else None


@blueprint.post("/held-baskets")
@requires(Permission.BASKET_HOLD)
def post_held_basket():
    """Park the basket the counter is building; recall it once later."""
    body, problem = body_of(HeldBasketIn)
    if problem:
        return problem
    member, problem = signed_in()
    if problem:
        return problem
    held_id, problem = run(HoldBasket(str(uuid.uuid4()), body.device_id, body.label, body.basket, _member_id(member)))
    return problem or (jsonify({"held_id": held_id}), 201)


@blueprint.get("/held-baskets")
@requires(Permission.BASKET_HOLD)
def list_held_baskets():
    """Return the baskets waiting to be recalled (one till's with `?device_id=`), oldest first."""
    with current_hub().uow_factory() as uow:
        held = uow.staff.held_baskets(request.args.get("device_id") or None)
    return jsonify({"held": [{**row, "held_at": row["held_at"].isoformat().replace("+00:00", "Z")} for row in held]})


@blueprint.post("/held-baskets/<held_id>/recall")
@requires(Permission.BASKET_HOLD)
def recall_held_basket(held_id: str):
    """Take a held basket back: 200 with the basket, and it is gone (a second recall is 404)."""
    member, problem = signed_in()
    if problem:
        return problem
    row, problem = run(RecallBasket(held_id, _member_id(member)))
    if problem:
        return problem
    return jsonify({"held_id": row["held_id"], "device_id": row["device_id"], "label": row["label"],
                    "basket": row["basket"], "held_at": row["held_at"].isoformat().replace("+00:00", "Z")})
