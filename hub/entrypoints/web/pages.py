"""Human pages: the start page and the admin health page."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from hub.entrypoints.web.app import hub_of
from hub.entrypoints.web.health import health
from hub.domain.access import Permission
from hub.entrypoints.web.access import requires

blueprint = Blueprint("pages", __name__, template_folder="templates")


@blueprint.get("/")
@requires(Permission.ADMIN_VIEW)
def index():
    """Show what this hub serves."""
    hub = hub_of(current_app)
    return render_template("index.html", store=hub.settings.store, version=hub.version)


@blueprint.get("/admin")
@requires(Permission.ADMIN_VIEW)
def admin():
    """Show health, devices and today's orders in words a store manager understands."""
    hub = hub_of(current_app)
    return render_template("admin.html", report=health(hub), devices=hub.presence.devices())
