"""Devices under /api/v1: enrolment by claim code and revocation, the pairing page, presence, parked messages."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

import segno
from flask import Blueprint, jsonify, render_template, request

from hub.adapters.store_tls import TlsFiles
from hub.adapters.clock import utc_now
from hub.contracts import topics
from hub.domain.access import SCREEN_ROLES, Permission
from hub.domain.enrolment import (CLAIM_LENGTH, CLAIM_TTL_MAX, DEVICE_COOKIE_TTL, ClaimDevice, CreateClaim,
                                  RevokeDevice, pairing_url, seen_lately)
from hub.entrypoints.web.access import DEVICE_COOKIE, current_identity, local_target, requires
from hub.entrypoints.web.context import current_hub
from hub.domain.moments import iso_time
from hub.entrypoints.web.replies import ApiProblem, json_object, no_store, run, set_private_cookie, text_field
from hub.entrypoints.web.throttle import count_attempt

MAX_TTL_MINUTES = int(CLAIM_TTL_MAX.total_seconds() // 60)
LETTER_ID = re.compile(r"[0-9]{1,18}")  # a row number; a longer one cannot exist, nor fit in 64 bits

blueprint = Blueprint("devices", __name__, template_folder="templates")


@blueprint.post("/api/v1/devices/claim")
@requires(Permission.OPEN)
def post_claim():
    """Exchange a claim code, once, for the device's credentials; a wrong, used or expired code: 400 `invalid_claim`."""
    count_attempt("claim")
    body = json_object()
    code = text_field(body, "code")
    wants_mqtt = body.get("mqtt", False)
    if not isinstance(wants_mqtt, bool):
        raise ApiProblem(422, "invalid_payload", "mqtt must be true or false", "mqtt")
    claimed = run(ClaimDevice(code, wants_mqtt))
    answer: dict = {"device_id": claimed.device_id, "role": claimed.role.value}
    if claimed.token:
        answer["token"] = claimed.token
    if claimed.mqtt:
        answer["mqtt"] = _broker_login(claimed.mqtt)
        store = current_hub().settings.store
        answer["config"] = {"store": store, "topics_root": f"{topics.ROOT}/{store}"}
    reply = jsonify(answer)
    if claimed.cookie:
        set_private_cookie(reply, DEVICE_COOKIE, claimed.cookie, DEVICE_COOKIE_TTL)
    return no_store(reply)


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
    body = json_object()
    device_id, role = text_field(body, "device_id"), text_field(body, "role")
    minutes = body.get("ttl_minutes", 30)
    if not isinstance(minutes, int) or isinstance(minutes, bool):
        raise ApiProblem(422, "invalid_payload", "ttl_minutes must be a whole number of minutes", "ttl_minutes")
    if not 0 < minutes <= MAX_TTL_MINUTES:  # a timedelta of 10**19 minutes cannot even be made
        raise ApiProblem(422, "invalid_payload", f"ttl_minutes must be 1 to {MAX_TTL_MINUTES} (7 days)", "ttl_minutes")
    issued = run(CreateClaim(device_id, role, timedelta(minutes=minutes)))
    answer = {"device_id": issued.device_id, "role": issued.role.value, "claim_code": issued.code,
              "expires_at": iso_time(issued.expires_at)}
    # A screen's QR opens the pairing page with the code filled in; other devices' QR holds the code.
    target = pairing_url(request.host_url, issued.code) if issued.role in SCREEN_ROLES else issued.code
    answer["qr_svg"] = segno.make(target, error="m").svg_inline(scale=4)
    if issued.role in SCREEN_ROLES:
        answer["pair_url"] = target
    return no_store(jsonify(answer)), 201


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
        "devices": [{"device_id": d.device_id, "role": d.role.value, "state": d.state,
                     "enrolled_at": iso_time(d.enrolled_at), "last_seen_at": iso_time(d.last_seen_at),
                     "online": d.state == "enrolled" and (d.device_id in online or seen_lately(d, now))}
                    for d in devices],
        "pending": [{"device_id": c.device_id, "role": c.role.value, "expires_at": iso_time(c.expires_at)}
                    for c in pending],
    })


@blueprint.post("/api/v1/devices/<device_id>/revoke")
@requires(Permission.DEVICES_MANAGE)
def post_revoke(device_id: str):
    """Revoke a device: its cookie, token, unused codes and broker login end at once."""
    revoked = run(RevokeDevice(device_id))
    return jsonify({"device_id": revoked.device_id, "role": revoked.role.value, "state": "revoked",
                    "broker_login": revoked.broker})


@blueprint.get("/pair")
@requires(Permission.OPEN)
def pair_page():
    """Show the page where a screen types its claim code, then goes on to the page it was opened for."""
    return render_template("access/pair.html", next=local_target(request.args.get("next"), "/"),
                           code_length=CLAIM_LENGTH)


@blueprint.get("/api/v1/devices")
@requires(Permission.DEVICES_READ)
def get_devices():
    """Return every device the hub has heard of, and whether it is online."""
    devices = current_hub().presence.devices()
    return jsonify({"devices": [{"device_id": d.device_id, "online": d.online, "kind": d.kind, "health": d.health,
                                 "error": d.error, "since": d.since.isoformat()} for d in devices]})


@blueprint.post("/api/v1/dead-letters/<letter_id>/dismiss")
@requires(Permission.DEVICES_MANAGE)
def dismiss(letter_id: str):
    """Stop showing a parked message on /admin and in /health; it stays in the database."""
    hub = current_hub()
    dismissed = False
    if LETTER_ID.fullmatch(letter_id):
        with hub.uow_factory() as uow:
            dismissed = uow.dead_letters.dismiss(int(letter_id), current_identity().name or "unknown", hub.bus.now())
            uow.commit()
    if not dismissed:
        raise ApiProblem(404, "not_found", f"no dead letter {letter_id} waiting to be dismissed")
    return jsonify({"id": int(letter_id), "dismissed": True})
