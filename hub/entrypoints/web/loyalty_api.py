"""Loyalty members under /api/v1: a member signs in at a kiosk or counter; staff look a member up."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from hub.domain.access import Permission
from hub.domain.errors import Refused
from hub.domain.loyalty import member_proof
from hub.entrypoints.web.access import acting_staff, requires
from hub.entrypoints.web.context import current_hub
from hub.entrypoints.web.menu_api import language, named_rewards
from hub.entrypoints.web.replies import ApiProblem
from hub.services.commerce_ports import loyalty_program
from hub.services.points import require_member_proof

blueprint = Blueprint("loyalty", __name__, url_prefix="/api/v1")


@blueprint.get("/loyalty/find")
@requires(Permission.MEMBER_SIGN_IN)
def find_member():
    """Sign a member in by card code (`?member_id=`) or phone (`?phone=`): name, points and the rewards they can redeem."""
    member_id = request.args.get("member_id", "").strip()
    phone = request.args.get("phone", "").strip()
    if not member_id and not phone:
        raise ApiProblem(422, "invalid_payload", "give member_id (the code on the member's card) or phone", "member_id")
    hub = current_hub()
    by_card = bool(member_id)
    with hub.uow_factory() as uow:
        if not by_card:
            member_id = _only_member_with_phone(uow, phone)
        member = uow.commerce.member(member_id)
        program = loyalty_program(uow.commerce)
        rewards = named_rewards(uow.commerce.setting("loyalty", {}).get("rewards", []), uow.catalog(), language())
    if member is None:
        raise ApiProblem(404, "not_found", f"no loyalty member {member_id}", "member_id")
    found = {"member_id": member.member_id, "name": member.name, "tier": member.tier, "points": member.points,
             "rewards": _rewards(rewards, member.points, program.point_value)}
    if by_card:  # the card in the customer's hand proves they may spend its points; a typed phone number does not
        found["member_proof"] = member_proof(hub.frontdesk.member_secret, member.member_id)
    return jsonify(found)


@blueprint.get("/loyalty/<member_id>")
@requires(Permission.LOYALTY_LOOKUP)
def get_member(member_id: str):
    """Return a loyalty member's tier and points: to staff, or with the member's card proof (`?proof=`)."""
    hub = current_hub()
    try:
        require_member_proof(hub.frontdesk, member_id, request.args.get("proof"), staff=acting_staff())
    except Refused as refusal:
        raise ApiProblem.of(refusal) from None
    with hub.uow_factory() as uow:
        member = uow.commerce.member(member_id)
    if member is None:
        raise ApiProblem(404, "not_found", f"no loyalty member {member_id}")
    return jsonify({"member_id": member.member_id, "name": member.name, "tier": member.tier, "points": member.points})


def _only_member_with_phone(uow, phone: str) -> str:
    """Return the one member with this phone number, or raise the 404 (none) or 409 (several) naming `phone`."""
    found = uow.commerce.members_with_phone(phone)
    if len(found) > 1:
        raise ApiProblem(409, "ambiguous", "several members have this phone number: scan the member card instead",
                         "phone")
    if not found:
        raise ApiProblem(404, "not_found", "no loyalty member has this phone number", "phone")
    return found[0]


def _rewards(rewards: list[dict], points: int, point_value: int) -> list[dict]:
    return [{**r, "value": r["points"] * point_value, "redeemable": points >= r["points"]}
            for r in sorted(rewards, key=lambda r: r["points"])]
