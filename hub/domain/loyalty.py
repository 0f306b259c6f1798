"""Loyalty: members in tiers earn points per currency unit paid, with a tier multiplier."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from hub.domain.errors import OrderRefused
from hub.domain.money import BASIS_POINTS


PROOF_HEX = 32  # 128 bits of the HMAC: unguessable, and short enough for the QR code on a member's card
PHONE_DIGITS_COMPARED = 9  # the subscriber's part: 0170 1234567 and +49 170 1234567 are one number
MIN_PHONE_DIGITS = 6  # fewer typed digits would find half the members
_NOT_DIGITS = re.compile(r"\D+")


class MemberProofRequired(OrderRefused):
    """A member's points or details asked for without the member's card proof or a staff session."""

    code = "member_proof_required"
    status = 403


def phone_key(number: str) -> str | None:
    """Return the digits two ways of writing one phone number share (the last 9), or None when too few are given."""
    digits = _NOT_DIGITS.sub("", number)
    return digits[-PHONE_DIGITS_COMPARED:] if len(digits) >= MIN_PHONE_DIGITS else None


def member_proof(secret: bytes, member_id: str) -> str:
    """Return the value of a member's card QR code: an HMAC of the member id with the hub's secret."""
    return hmac.new(secret, f"member:{member_id}".encode(), hashlib.sha256).hexdigest()[:PROOF_HEX]


def proof_ok(secret: bytes | None, member_id: str, proof: str | None) -> bool:
    """Return whether a proof is the member's own card value, in constant time."""
    if not secret or not proof:
        return False
    return hmac.compare_digest(member_proof(secret, member_id), proof.strip().lower())


@dataclass(frozen=True, slots=True)
class Tier:
    """A loyalty tier: gold earns 1.5x with multiplier_bp 15000."""

    code: str
    name: str
    multiplier_bp: int = BASIS_POINTS


@dataclass(frozen=True, slots=True)
class LoyaltyProgram:
    """How many points a currency unit earns and what a point is worth when redeemed."""

    points_per_unit: int = 1
    point_value: int = 1  # minor units per point
    tiers: Mapping[str, Tier] = field(default_factory=dict)

    def points_for(self, paid_minor: int, tier: str | None) -> int:
        """Return the points an amount paid earns; part units and part points earn nothing."""
        multiplier = self.tiers[tier].multiplier_bp if tier in self.tiers else BASIS_POINTS
        return max(0, paid_minor) // 100 * self.points_per_unit * multiplier // BASIS_POINTS

    def value_of(self, points: int) -> int:
        """Return what points are worth, in minor units."""
        return points * self.point_value


@dataclass(slots=True)
class Member:
    """A loyalty member and their balance."""

    member_id: str
    name: str
    tier: str
    points: int = 0
