"""Promotions: switch one on or off for the next basket priced."""

from __future__ import annotations

from hub.domain.errors import CommerceRefused
from hub.domain.promotions import SetPromotionActive
from hub.services.ports import UnitOfWork


def set_promotion_active(command: SetPromotionActive, uow: UnitOfWork) -> bool:
    """Switch a promotion on or off; the next basket priced sees it."""
    if not uow.commerce.set_promotion_active(command.promo_id, command.active):
        raise CommerceRefused("not_found", f"no promotion {command.promo_id}")
    return command.active
