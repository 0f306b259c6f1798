"""Staff at the counter under /api/v1: sign in and out by PIN, a manager's approvals, the way into the back office."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from hub.adapters.clock import utc_now
from hub.contracts.staff import ApprovalIn, SessionIn
from hub.domain.access import Permission
from hub.domain.staff import SESSION_TTL, GrantApproval, SignIn, SignOut, StaffMember, StaffRefused
from hub.entrypoints.web.access import (BACK_OFFICE_PATH, STAFF_COOKIE, bearer_token, current_identity, own_device,
                                        requires)
from hub.entrypoints.web.context import current_hub
from hub.domain.moments import iso_time
from hub.entrypoints.web.replies import ApiProblem, body_of, run
from hub.services.staff import SignedIn, session_member

blueprint = Blueprint("staff", __name__, url_prefix="/api/v1")


@blueprint.post("/staff/sessions")
@requires(Permission.STAFF_SIGN_IN)
def post_session():
    """Sign in at a till with a PIN: 201 with a bearer token, 401 `wrong_pin`, 429 `locked`."""
    body = body_of(SessionIn)
    if not own_device(body.device_id):
        raise ApiProblem(403, "forbidden", "device_id: a till signs staff in on itself only", "device_id")
    return _granted_or_refused(run(SignIn(body.pin, body.device_id, source=request.remote_addr)), "token")


@blueprint.get("/staff/sessions/current")
@requires(Permission.STAFF_SIGN_IN)
def get_session():
    """Say who this request's bearer token belongs to (401 when none or ended)."""
    member = signed_in()
    if member is None:
        raise ApiProblem(401, "not_signed_in", "Authorization: send `Authorization: Bearer <token>` from a sign-in",
                     "Authorization")
    return jsonify({"staff": member.view()})


@blueprint.delete("/staff/sessions/current")
@requires(Permission.STAFF_SIGN_IN)
def delete_session():
    """Sign out: the bearer token stops working at once."""
    token = bearer_token()
    if token is None:
        raise ApiProblem(401, "not_signed_in", "Authorization: send `Authorization: Bearer <token>` to sign out",
                     "Authorization")
    if not run(SignOut(token)):
        raise ApiProblem(401, "not_signed_in", "Authorization: that session had ended already", "Authorization")
    reply = current_app.response_class(status=204)
    reply.delete_cookie(STAFF_COOKIE, path=BACK_OFFICE_PATH)
    return reply


@blueprint.post("/staff/back-office")
@requires(Permission.ADMIN_VIEW)
def post_back_office():
    """A manager signed in at this till opens the back office: their session goes along in a cookie for /admin."""
    token = bearer_token()
    if token is None or current_identity().staff_id is None:
        raise ApiProblem(403, "forbidden", "Authorization: only a manager signed in at this till opens the back office",
                     "Authorization")
    reply = jsonify({"url": BACK_OFFICE_PATH})
    reply.set_cookie(STAFF_COOKIE, token, max_age=int(SESSION_TTL.total_seconds()), path=BACK_OFFICE_PATH,
                     httponly=True, samesite="Strict", secure=request.is_secure)
    return reply


@blueprint.post("/staff/approvals")
@requires(Permission.STAFF_SIGN_IN)
def post_approval():
    """A manager's PIN approves one discount, refund or void: 201 with a one-use token good for 5 minutes."""
    body = body_of(ApprovalIn)
    if not own_device(body.device_id):
        raise ApiProblem(403, "forbidden", "device_id: a till signs staff in on itself only", "device_id")
    return _granted_or_refused(run(GrantApproval(body.pin, body.action, body.device_id, source=request.remote_addr)),
                               "approval")


def signed_in() -> StaffMember | None:
    """Return the staff member of this request's session (None without a token); raise the 401 for a dead token."""
    token = bearer_token()
    if token is None:
        return None
    with current_hub().uow_factory() as uow:
        member = session_member(uow, token, utc_now())
    if member is None:
        raise ApiProblem(401, "not_signed_in", "Authorization: the staff session ended or expired: sign in again",
                         "Authorization")
    return member


def _granted_or_refused(outcome: SignedIn | StaffRefused, key: str):
    """Reply 201 with the token a PIN earned, or raise the refusal (the attempt was counted either way)."""
    if isinstance(outcome, StaffRefused):
        raise ApiProblem.of(outcome)
    return _granted(outcome, key)


def _granted(outcome: SignedIn, key: str):
    return jsonify({key: outcome.token, "staff": outcome.member.view(),
                    "expires_at": iso_time(outcome.expires_at)}), 201
