"""Human pages: the start page and /admin (health, devices and their enrolment, accounts, staff)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, redirect, render_template, request, send_from_directory

from hub.entrypoints.web.context import current_hub
from hub.entrypoints.web.health import health
from hub.domain.access import DEVICE_ROLES, Permission
from hub.domain.staff import SignOut
from hub.entrypoints.web.access import BACK_OFFICE_PATH, STAFF_COOKIE, current_identity, requires

blueprint = Blueprint("pages", __name__, template_folder="templates")


@blueprint.get("/")
@requires(Permission.ADMIN_VIEW)
def index():
    """Show what this hub serves."""
    hub = current_hub()
    return render_template("index.html", store=hub.settings.store, version=hub.version)


@blueprint.get("/favicon.ico")
@requires(Permission.OPEN)
def favicon():
    """Give every page the hub's icon (browsers ask for /favicon.ico by themselves)."""
    folder = Path(current_app.blueprints["kiosk"].static_folder) / "img"
    return send_from_directory(folder, "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=86400)


@blueprint.get("/admin")
@requires(Permission.ADMIN_VIEW)
def admin():
    """Show health, devices, enrolment, accounts and staff in words a store manager understands."""
    hub = current_hub()
    me = current_identity()
    with hub.uow_factory() as uow:
        may_see_devices = me.may(Permission.DEVICES_READ)
        enrolled = uow.access.devices() if may_see_devices else []
        pending = uow.access.pending_claims(hub.bus.now()) if may_see_devices else []
        accounts = uow.access.accounts() if me.may(Permission.ACCOUNTS_MANAGE) else []
        staff = uow.staff.members() if me.may(Permission.STAFF_MANAGE) else []
        member = uow.staff.member(me.staff_id) if me.staff_id else None
    online = {state.device_id for state in hub.presence.devices() if state.online}
    return render_template("admin.html", report=health(hub), devices=hub.presence.devices(), me=me,
                           enrolled=enrolled, pending=pending, online=online, accounts=accounts, staff=staff,
                           roles=sorted(role.value for role in DEVICE_ROLES),
                           may_see_devices=may_see_devices, may_manage_devices=me.may(Permission.DEVICES_MANAGE),
                           member=member, encrypted=request.is_secure,
                           plain_mqtt=hub.devices_on_plain_mqtt() if request.is_secure and may_see_devices else [])


@blueprint.post(BACK_OFFICE_PATH + "/leave")
@requires(Permission.ADMIN_VIEW)
def leave_back_office():
    """A manager who came from a till signs out and goes back to it (the till asks for a PIN again)."""
    me = current_identity()
    token = request.cookies.get(STAFF_COOKIE)
    if me.staff_id is not None and token:
        current_hub().bus.handle(SignOut(token))
    reply = redirect(f"/counter/{me.device_id}" if me.staff_id is not None else "/admin/sign-in")
    reply.delete_cookie(STAFF_COOKIE, path=BACK_OFFICE_PATH)
    return reply
