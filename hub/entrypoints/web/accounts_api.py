"""Owners' and store IT's sessions under /api/v1, and their sign-in page."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request

from hub.domain.access import Permission
from hub.domain.enrolment import ACCOUNT_SESSION_TTL, SignInAccount, SignOutAccount
from hub.entrypoints.web.access import ACCOUNT_COOKIE, current_identity, local_target, requires
from hub.domain.moments import iso_time
from hub.entrypoints.web.replies import ApiProblem, json_object, no_store, run, set_private_cookie, text_field
from hub.entrypoints.web.throttle import count_attempt

blueprint = Blueprint("accounts", __name__, template_folder="templates")


@blueprint.post("/api/v1/sessions")
@requires(Permission.OPEN)
def post_session():
    """Sign an owner or store IT in: 201 and the `passline_account` cookie, 401 `wrong_password`."""
    count_attempt("sign_in")
    body = json_object()
    outcome = run(SignInAccount(text_field(body, "username"), text_field(body, "password")))
    reply = jsonify({"username": outcome.account.username, "role": outcome.account.role.value,
                     "expires_at": iso_time(outcome.expires_at)})
    set_private_cookie(reply, ACCOUNT_COOKIE, outcome.token, ACCOUNT_SESSION_TTL)
    return no_store(reply), 201


@blueprint.get("/api/v1/sessions/current")
@requires(Permission.OWN_SESSION)
def get_session():
    """Say which account this browser is signed in as (401 when none)."""
    identity = current_identity()
    if identity.kind != "account":
        raise ApiProblem(401, "not_signed_in", f"{ACCOUNT_COOKIE}: not signed in: POST /api/v1/sessions",
                         ACCOUNT_COOKIE)
    return jsonify({"username": identity.name, "role": identity.role.value})


@blueprint.delete("/api/v1/sessions/current")
@requires(Permission.OWN_SESSION)
def delete_session():
    """Sign out: the cookie stops working at once and is cleared."""
    token = request.cookies.get(ACCOUNT_COOKIE)
    if not token:
        raise ApiProblem(401, "not_signed_in", f"{ACCOUNT_COOKIE}: not signed in", ACCOUNT_COOKIE)
    if not run(SignOutAccount(token)):
        raise ApiProblem(401, "not_signed_in", f"{ACCOUNT_COOKIE}: that session had ended already", ACCOUNT_COOKIE)
    reply = current_app.response_class(status=204)
    reply.delete_cookie(ACCOUNT_COOKIE, path="/", httponly=True, samesite="Strict")
    return reply


@blueprint.get("/admin/sign-in")
@requires(Permission.OPEN)
def sign_in_page():
    """Show the owner's and store IT's sign-in page."""
    return render_template("access/sign_in.html", next=local_target(request.args.get("next"), "/admin"))
