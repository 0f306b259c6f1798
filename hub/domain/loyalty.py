"""Loyalty: members in tiers earn points per currency unit paid, with a tier multiplier."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from hub.domain.money import BASIS_POINTS


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
