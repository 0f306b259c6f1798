"""Accounts' sessions, device enrolment and revocation under /api/v1, and the pairing and sign-in pages."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import segno
from flask import Blueprint, current_app, jsonify, render_template, request

from hub.adapters.store_tls import TlsFiles
from hub.bootstrap import utc_now
from hub.contracts import topics
from hub.domain.access import SCREEN_ROLES, Permission
from hub.domain.enrolment import (
    ACCOUNT_SESSION_TTL,
    CLAIM_LENGTH,
    CLAIM_TTL_MAX,
    DEVICE_COOKIE_TTL,
    ClaimDevice,
    CreateClaim,
    RevokeDevice,
    SignInAccount,
    SignOutAccount,
    pairing_url,
    seen_lately,
)
from hub.entrypoints.web.context import current_hub
from hub.entrypoints.web.replies import error, run
from hub.entrypoints.web.throttle import Throttle
from hub.entrypoints.web.access import current_identity, requires

MAX_TTL_MINUTES = int(CLAIM_TTL_MAX.total_seconds() // 60)

blueprint = Blueprint("access_api", __name__, template_folder="templates")

ACCOUNT_COOKIE = "passline_account"
DEVICE_COOKIE = "passline_device"


@blueprint.record_once
def _make_throttles(state) -> None:
    """Give each app its own counters (claims and sign-ins apart, so one cannot starve the other)."""
    state.app.extensions.setdefault("passline_throttles", {"claim": Throttle(), "sign_in": Throttle()})


def _throttled(kind: str):
    """Return the 429 reply when this source tried too often, else None."""
    wait = current_app.extensions["passline_throttles"][kind].attempt(request.remote_addr or "unknown")
    if wait is None:
        return None
    reply, status = error(429, "too_many_attempts", f"too many attempts from this address: try again in {wait} s")
    reply.headers["Retry-After"] = str(wait)
    return reply, status


def _json_object():
    """Return (the body as a dict, None) or (None, the 400 reply)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return None, error(400, "invalid_json", "the request body must be a JSON object (Content-Type: application/json)")
    return body, None


def _text(body: dict, field: str):
    """Return (a string field, None) or (None, the 422 reply naming it)."""
    value = body.get(field)
    if not isinstance(value, str) or not value:
        return None, error(422, "invalid_payload", f"{field} is required (a non-empty string)", field)
    return value, None


def _iso(at: datetime | None) -> str | None:
    return at.isoformat().replace("+00:00", "Z") if at else None


def _no_store(reply):
    """Keep replies that carry a secret out of every cache."""
    reply.headers["Cache-Control"] = "no-store"
    return reply


def _set_cookie(reply, name: str, value: str, ttl: timedelta) -> None:
    reply.set_cookie(name, value, max_age=int(ttl.total_seconds()), path="/", httponly=True, samesite="Strict",
                     secure=request.is_secure)


@blueprint.post("/api/v1/sessions")
@requires(Permission.OPEN)
def post_session():
    """Sign an owner or store IT in: 201 and the `passline_account` cookie, 401 `wrong_password`."""
    problem = _throttled("sign_in")
    if problem:
        return problem
    body, problem = _json_object()
    if problem:
        return problem
    username, problem = _text(body, "username")
    if problem:
        return problem
    password, problem = _text(body, "password")
    if problem:
        return problem
    outcome, problem = run(SignInAccount(username, password))
    if problem:
        return problem
    reply = jsonify({"username": outcome.account.username, "role": outcome.account.role.value,
                     "expires_at": _iso(outcome.expires_at)})
    _set_cookie(reply, ACCOUNT_COOKIE, outcome.token, ACCOUNT_SESSION_TTL)
    return _no_store(reply), 201


@blueprint.get("/api/v1/sessions/current")
@requires(Permission.OWN_SESSION)
def get_session():
    """Say which account this browser is signed in as (401 when none)."""
    identity = current_identity()
    if identity.kind != "account":
        return error(401, "not_signed_in", f"{ACCOUNT_COOKIE}: not signed in: POST /api/v1/sessions", ACCOUNT_COOKIE)
    return jsonify({"username": identity.name, "role": identity.role.value})


@blueprint.delete("/api/v1/sessions/current")
@requires(Permission.OWN_SESSION)
def delete_session():
    """Sign out: the cookie stops working at once and is cleared."""
    token = request.cookies.get(ACCOUNT_COOKIE)
    if not token:
        return error(401, "not_signed_in", f"{ACCOUNT_COOKIE}: not signed in", ACCOUNT_COOKIE)
    ended, problem = run(SignOutAccount(token))
    if problem:
        return problem
    if not ended:
        return error(401, "not_signed_in", f"{ACCOUNT_COOKIE}: that session had ended already", ACCOUNT_COOKIE)
    reply = current_app.response_class(status=204)
    reply.delete_cookie(ACCOUNT_COOKIE, path="/", httponly=True, samesite="Strict")
    return reply


@blueprint.post("/api/v1/devices/claim")
@requires(Permission.OPEN)
def post_claim():
    """Exchange a claim code, once, for the device's credentials; a wrong, used or expired code: 400 `invalid_claim`."""
    problem = _throttled("claim")
    if problem:
        return problem
    body, problem = _json_object()
    if problem:
        return problem
    code, problem = _text(body, "code")
    if problem:
        return problem
    wants_mqtt = body.get("mqtt", False)
    if not isinstance(wants_mqtt, bool):
        return error(422, "invalid_payload", "mqtt must be true or false", "mqtt")
    claimed, problem = run(ClaimDevice(code, wants_mqtt))
    if problem:
        return problem
    answer: dict = {"device_id": claimed.device_id, "role": claimed.role.value}
    if claimed.token:
        answer["token"] = claimed.token
    if claimed.mqtt:
        answer["mqtt"] = _broker_login(claimed.mqtt)
        store = current_hub().settings.store
        answer["config"] = {"store": store, "topics_root": f"{topics.ROOT}/{store}"}
    reply = jsonify(answer)
    if claimed.cookie:
        _set_cookie(reply, DEVICE_COOKIE, claimed.cookie, DEVICE_COOKIE_TTL)
    return _no_store(reply)


def _broker_login(login) -> dict:
    """Return the claim answer's `mqtt`: the broker's TLS listener and the store CA to verify it, once there is one."""
    answer = {"url": login.url, "username": login.username, "password": login.password}
    hub = current_hub()
    files = TlsFiles.in_data_dir(hub.settings.data_dir)
    if hub.broker is not None:
        tls_port = hub.broker.tls_port  # None: the supervised broker started before the certificate was made
    else:
        tls_port = hub.settings.broker_tls_port if files.ready else None
    if tls_port is None:
        return answer
    parts = urlsplit(login.url)
    where = parts.netloc.rpartition(":")[0] if parts.port else parts.netloc
    answer["url"] = urlunsplit(("mqtts", f"{where}:{tls_port}", parts.path, "", ""))
    answer["ca"] = files.ca_pem()
    return answer


@blueprint.post("/api/v1/devices")
@requires(Permission.DEVICES_MANAGE)
def post_device():
    """Make a one-time claim code for a device id and role: 201 with the code, its expiry and a QR code (SVG)."""
    body, problem = _json_object()
    if problem:
        return problem
    device_id, problem = _text(body, "device_id")
    if problem:
        return problem
    role, problem = _text(body, "role")
    if problem:
        return problem
    minutes = body.get("ttl_minutes", 30)
    if not isinstance(minutes, int) or isinstance(minutes, bool):
        return error(422, "invalid_payload", "ttl_minutes must be a whole number of minutes", "ttl_minutes")
    if not 0 < minutes <= MAX_TTL_MINUTES:  # a timedelta of 10**19 minutes cannot even be made
        return error(422, "invalid_payload", f"ttl_minutes must be 1 to {MAX_TTL_MINUTES} (7 days)", "ttl_minutes")
    issued, problem = run(CreateClaim(device_id, role, timedelta(minutes=minutes)))
    if problem:
        return problem
    answer = {"device_id": issued.device_id, "role": issued.role.value, "claim_code": issued.code,
              "expires_at": _iso(issued.expires_at)}
    # A screen's QR opens the pairing page with the code filled in; other devices' QR holds the code.
    target = pairing_url(request.host_url, issued.code) if issued.role in SCREEN_ROLES else issued.code
    answer["qr_svg"] = segno.make(target, error="m").svg_inline(scale=4)
    if issued.role in SCREEN_ROLES:
        answer["pair_url"] = target
    return _no_store(jsonify(answer)), 201


@blueprint.get("/api/v1/devices/enrolled")
@requires(Permission.DEVICES_READ)
def list_enrolled():
    """List every device the hub knows (id, role, state, enrolled, last seen, online) and the codes not yet used."""
    hub = current_hub()
    online = {state.device_id for state in hub.presence.devices() if state.online}  # MQTT devices' retained status
    now = utc_now()
    with hub.uow_factory() as uow:
        devices = uow.access.devices()
        pending = uow.access.pending_claims(now)
    return jsonify({
        "devices": [{"device_id": d.device_id, "role": d.role.value, "state": d.state, "enrolled_at": _iso(d.enrolled_at),
                     "last_seen_at": _iso(d.last_seen_at),
                     "online": d.state == "enrolled" and (d.device_id in online or seen_lately(d, now))}
                    for d in devices],
        "pending": [{"device_id": c.device_id, "role": c.role.value, "expires_at": _iso(c.expires_at)} for c in pending],
    })


@blueprint.post("/api/v1/devices/<device_id>/revoke")
@requires(Permission.DEVICES_MANAGE)
def post_revoke(device_id: str):
    """Revoke a device: its cookie, token, unused codes and broker login end at once."""
    revoked, problem = run(RevokeDevice(device_id))
    if problem:
        return problem
    return jsonify({"device_id": revoked.device_id, "role": revoked.role.value, "state": "revoked",
                    "broker_login": revoked.broker})


def _local_next(target: str | None, default: str) -> str:
    """Return a same-site path to go to after pairing or signing in (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


@blueprint.get("/pair")
@requires(Permission.OPEN)
def pair_page():
    """Show the page where a screen types its claim code, then goes on to the page it was opened for."""
    return render_template("access/pair.html", next=_local_next(request.args.get("next"), "/"),
                           code_length=CLAIM_LENGTH)


@blueprint.get("/admin/sign-in")
@requires(Permission.OPEN)
def sign_in_page():
    """Show the owner's and store IT's sign-in page."""
    return render_template("access/sign_in.html", next=_local_next(request.args.get("next"), "/admin"))
