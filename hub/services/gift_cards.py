"""Gift cards: load one with a balance, up to the store's limit per card."""

from __future__ import annotations

from hub.domain.errors import Refused
from hub.domain.frontdesk_settings import FrontdeskSettings
from hub.domain.tenders import IssueGiftCard
from hub.services.ports import UnitOfWork


def issue_gift_card(command: IssueGiftCard, uow: UnitOfWork, frontdesk: FrontdeskSettings | None = None) -> int:
    """Load a gift card up to the store's limit per card (`counter.gift_card_max`); return its new balance."""
    limit = frontdesk.gift_card_max if frontdesk is not None else FrontdeskSettings().gift_card_max
    if not 0 < command.amount <= limit:  # before any write: a 20-digit amount must not reach the database
        raise Refused("over_limit", f"amount: a gift card is loaded with 0.01 to {limit / 100:.2f} "
                                    f"({limit} minor units), got {command.amount}", 422, "amount")
    card = uow.commerce.gift_card(command.code)
    balance = (card[0] if card else 0) + command.amount
    if balance > limit:
        raise Refused("over_limit", f"amount: this card would hold {balance} minor units; one card holds at most "
                                    f"{limit} (the store's `counter.gift_card_max`)", 422, "amount")
    uow.commerce.save_gift_card(command.code, balance, command.currency)
    return balance
