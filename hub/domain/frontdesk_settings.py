"""How the store's kiosks and counters behave: idle times, payment choices, approvals, remote orders."""

from __future__ import annotations

from dataclasses import dataclass, field

PAY_AT_COUNTER_CHOICES = ("off", "hold", "release")  # not offered / held until paid at the counter / sent at once
REMOTE_ORDER_CHOICES = ("auto", "confirm")  # app, web, phone, marketplace orders: taken at once / a cashier accepts
SUPPORTED_LANGUAGES = ("en", "de")  # the languages the pages and tickets have catalogs for


@dataclass(frozen=True, slots=True)
class FrontdeskSettings:
    """The `[kiosk]` and `[counter]` tables of `frontdesk.toml`, with the defaults a new store gets."""

    idle_s: int = 60  # a kiosk with no touch for this long asks "still there?"
    still_there_s: int = 15  # ... and goes back to the attract screen after this much more
    pay_at_counter: str = "hold"
    languages: tuple[str, ...] = ("en", "de")
    default_language: str = "en"
    unpaid_hold_minutes: int = 20  # a held order nobody paid for is cancelled (stock released) after this
    discount_limit_percent: int = 10  # a counter discount above this needs a manager's PIN
    remote_orders: str = "auto"
    quote_step_minutes: int = 5  # quoted times are rounded up to this
    receipt_url: str | None = None  # base URL printed in e-receipt QR codes; None = the address the page was opened at
    gift_card_max: int = 50_000  # minor units one gift card may hold (500.00): a leaked approval costs no more
    offline_points_limit: int = 500  # points one member may redeem while HQ is unreachable; more needs a manager
    auto_close_day: bool = False  # close yesterday at the business-day boundary, with the same checks (docs/end-of-day.md)
    # The hub's secret that signs members' card QR codes (hub.domain.loyalty.member_proof); read from the
    # data folder with these settings, never from frontdesk.toml.
    member_secret: bytes | None = field(default=None, repr=False, compare=False)

