"""Staff: take members on, sign in and out by PIN, grant and spend manager approvals, gate discounts."""

from __future__ import annotations

import logging
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hub.domain import staff as rules
from hub.domain.frontdesk_settings import FrontdeskSettings
from hub.domain.order_messages import SubmitOrder
from hub.domain.payments import RefundPayment
from hub.domain.pricing import PricedBasket, needs_approval
from hub.domain.staff import (
    AddStaff,
    Approval,
    ApprovalRequired,
    GrantApproval,
    NotSignedIn,
    RunApproved,
    SignIn,
    SignOut,
    StaffMember,
    StaffRefused,
    StaffSession,
)
from hub.domain.tenders import IssueGiftCard, RefundOrder
from hub.services.points import require_member_proof
from hub.services.ports import Clock, UnitOfWork

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A session started (or an approval granted): the token goes to the page once, the hub keeps its hash."""

    token: str
    member: StaffMember
    expires_at: datetime


def add_staff(command: AddStaff, uow: UnitOfWork, clock: Clock) -> StaffMember:
    """Take a member on; the PIN must be one no active member uses, since a PIN alone signs in."""
    rules.check_role(command.role)
    rules.check_pin(command.pin)
    name = command.name.strip()
    if not name or len(name) > 80:
        raise StaffRefused("invalid_payload", "name must be 1 to 80 characters", field="name")
    if _by_pin(uow, command.pin) is not None:
        raise StaffRefused("pin_taken", "another member already uses this PIN: choose another", 409, "pin")
    member = StaffMember(command.staff_id, name, command.role, rules.hash_pin(command.pin))
    uow.staff.add_member(member, clock())
    logger.info("staff member %s (%s) added as %s", member.name, member.staff_id, member.role)
    return member


def _by_pin(uow: UnitOfWork, pin: str) -> StaffMember | None:
    return next((m for m in uow.staff.members() if m.active and rules.pin_matches(pin, m.pin_hash)), None)


def _checked_pin(uow: UnitOfWork, pin: str, device_id: str, source: str | None,
                 now: datetime) -> StaffMember | StaffRefused:
    """Return the member a PIN belongs to, or the refusal; a wrong PIN counts for the till, the source and the store.

    A till or a source with too many wrong PINs is locked for a few minutes; the store as a whole is
    only slowed (one attempt every few seconds), so no one can lock every till by failing on purpose.
    """
    since = now - rules.LOCKOUT_WINDOW
    keys = [rules.till_key(device_id)] + ([rules.source_key(source)] if source else [])
    counted = {key: uow.staff.pin_failures(key, since) for key in keys}
    for key, what in zip(keys, (f"at {device_id}", "from this address")):
        if rules.locked(counted[key], now):
            until = rules.unlocks_at(counted[key], now)
            return _wait(StaffRefused("locked", f"{rules.LOCKOUT_ATTEMPTS} wrong PINs {what}: PIN entry is locked "
                                                f"until {until:%H:%M:%S} UTC", 429, "pin"), until - now)
    wait = rules.store_wait(uow.staff.pin_failures(rules.STORE_KEY, since), now)
    if wait is not None:
        logger.warning("many wrong PINs across the store: sign-ins slowed to one every %ss",
                       rules.STORE_SLOW_DELAY.seconds)
        return _wait(StaffRefused("slow_down", "many wrong PINs across the store: wait a few seconds and try again",
                                  429, "pin"), wait)
    member = _by_pin(uow, pin) if pin.isdigit() else None
    if member is None:
        for key in keys + [rules.STORE_KEY]:
            uow.staff.add_pin_failure(key, now)
        left = rules.LOCKOUT_ATTEMPTS - max(len(c) for c in counted.values()) - 1
        logger.warning("wrong PIN at %s from %s (%d tries left)", device_id, source or "an unknown address", max(left, 0))
        tries = "1 more try" if left == 1 else f"{left} more tries"
        tail = f"{tries} before this till locks for 5 minutes" if left > 0 else "this till is now locked for 5 minutes"
        return StaffRefused("wrong_pin", f"wrong PIN: {tail}", 401, "pin")
    for key in keys:
        uow.staff.clear_pin_failures(key)
    return member


def _wait(refusal: StaffRefused, wait: timedelta) -> StaffRefused:
    refusal.retry_after_s = max(1, math.ceil(wait.total_seconds()))
    return refusal


def sign_in(command: SignIn, uow: UnitOfWork, clock: Clock) -> SignedIn | StaffRefused:
    """Start a session at a till; a refusal is returned, not raised, so the wrong PIN it counts is kept."""
    now = clock()
    member = _checked_pin(uow, command.pin, command.device_id, command.source, now)
    if isinstance(member, StaffRefused):
        return member
    token, hashed = rules.new_token()
    expires = now + rules.SESSION_TTL
    uow.staff.add_session(StaffSession(hashed, member.staff_id, command.device_id, now, expires))
    logger.info("%s signed in at %s", member.name, command.device_id)
    return SignedIn(token, member, expires)


def sign_out(command: SignOut, uow: UnitOfWork, clock: Clock) -> bool:
    """End a session; False when it had ended already or never was."""
    return uow.staff.end_session(rules.token_hash(command.token), clock())


def grant_approval(command: GrantApproval, uow: UnitOfWork, clock: Clock) -> SignedIn | StaffRefused:
    """Let a manager's PIN authorise one action once; other roles are refused naming theirs."""
    if command.action not in rules.APPROVAL_ACTIONS:
        raise StaffRefused("invalid_payload", f"action must be one of {', '.join(rules.APPROVAL_ACTIONS)}", field="action")
    now = clock()
    member = _checked_pin(uow, command.pin, command.device_id, command.source, now)
    if isinstance(member, StaffRefused):
        return member
    if not rules.may(member.role, f"approve:{command.action}"):
        return StaffRefused("not_permitted", f"{member.name} is a {member.role}: a {command.action} needs a manager's PIN",
                            403, "pin")
    token, hashed = rules.new_token()
    expires = now + rules.APPROVAL_TTL
    uow.staff.add_approval(Approval(hashed, member.staff_id, command.action, command.device_id, now, expires))
    logger.info("%s approved a %s at %s", member.name, command.action, command.device_id)
    return SignedIn(token, member, expires)


def session_member(uow: UnitOfWork, token: str | None, now: datetime) -> StaffMember | None:
    """Return the member a live session token belongs to, or None."""
    if not token:
        return None
    session = uow.staff.session(rules.token_hash(token))
    if session is None or not session.live(now):
        return None
    member = uow.staff.member(session.staff_id)
    return member if member is not None and member.active else None


def spend_approval(uow: UnitOfWork, token: str | None, action: str, used_for: str, now: datetime,
                   where: str = "approval") -> StaffMember:
    """Spend an approval on one action, or raise ApprovalRequired naming the field `where`."""
    if not token:
        raise ApprovalRequired(f"{where}: a {action} needs a manager's approval (POST /api/v1/staff/approvals)", where)
    approval = uow.staff.approval(rules.token_hash(token))
    problem = None
    if approval is None:
        problem = "is not one the hub gave"
    elif approval.action != action:
        problem = f"was given for a {approval.action}, not a {action}"
    elif approval.used_at is not None:
        problem = "was used already (each approval is good for one action)"
    elif now >= approval.expires_at:
        problem = "has expired (approvals last 5 minutes)"
    if problem is None and not uow.staff.use_approval(approval.token_hash, now, used_for):
        problem = "was used already (each approval is good for one action)"
    if problem is not None:
        raise ApprovalRequired(f"{where}: this approval {problem}: ask a manager again", where)
    manager = uow.staff.member(approval.staff_id)
    logger.info("approval for a %s by %s spent on %s", action, manager.name if manager else approval.staff_id, used_for)
    return manager


def authorize_sale(uow: UnitOfWork, command: SubmitOrder, priced: PricedBasket, frontdesk: FrontdeskSettings | None,
                   now: datetime) -> None:
    """Gate an order's tax exemption, points spent and manual discounts, and note who took it; call before the first write.

    Discounts are given by staff, so they need a live session; over the store's limit they also need
    a manager's approval, spent here in the order's transaction. A tax exemption always does.
    """
    exempted_by = _authorize_exemption(uow, command, now) if command.tax_exempt else None
    if command.redeem_points and command.loyalty_id:
        staff = session_member(uow, command.staff_token, now) is not None
        require_member_proof(frontdesk, command.loyalty_id, command.member_proof, staff)
    if not command.discounts and not command.staff_token:
        if exempted_by is not None:
            uow.staff.set_order_staff(command.order_id, None, exempted_by.staff_id, now)
        return
    member = session_member(uow, command.staff_token, now)
    if member is None:
        why = "the staff session ended or expired" if command.staff_token else "discounts are given by signed-in staff"
        raise NotSignedIn(f"Authorization: {why}: sign in at the counter again", "Authorization")
    approver = exempted_by
    limit = frontdesk.discount_limit_percent if frontdesk is not None else 0
    if command.discounts and needs_approval(priced, limit):
        approver = spend_approval(uow, command.approval, "discount", command.order_id, now)
    uow.staff.set_order_staff(command.order_id, member.staff_id, approver.staff_id if approver else None, now)


def _authorize_exemption(uow: UnitOfWork, command: SubmitOrder, now: datetime) -> StaffMember:
    """Spend a manager's `tax_exempt` approval on an order that has a reason, or refuse naming `tax_exempt`."""
    reason = (command.tax_exempt_reason or "").strip()
    if not command.tax_exempt_approval:
        raise ApprovalRequired("tax_exempt: selling without tax needs a manager's approval (action `tax_exempt`) "
                               "and a reason (`tax_exempt_reason`)", "tax_exempt")
    if not reason:
        raise ApprovalRequired("tax_exempt: say why the customer pays no tax in `tax_exempt_reason`", "tax_exempt")
    manager = spend_approval(uow, command.tax_exempt_approval, "tax_exempt", command.order_id, now, "tax_exempt")
    logger.info("order %s sold without tax, approved by %s: %s", command.order_id,
                manager.name if manager else "a manager", reason)
    return manager


# The commands a manager's approval may unlock; each runs through its own handler in the same unit of work.
APPROVABLE = frozenset({RefundOrder, RefundPayment, IssueGiftCard})


def run_approved(command: RunApproved, uow: UnitOfWork, clock: Clock, handle_within: Callable[[object], Any]):
    """Spend the approval, then run the command; if the command refuses, the approval is not spent."""
    if type(command.command) not in APPROVABLE:
        raise ValueError(f"{type(command.command).__name__} is not a command an approval unlocks")
    try:
        spend_approval(uow, command.approval, command.action, command.used_for, clock())
    except ApprovalRequired as refusal:
        raise StaffRefused(refusal.code, refusal.message, 403, refusal.field) from None
    return handle_within(command.command)


def new_staff_id() -> str:
    """Return a fresh member id."""
    return str(uuid.uuid4())
