"""How the store's kiosks and counters behave: idle times, payment choices, approvals, remote orders."""

from __future__ import annotations

from dataclasses import dataclass, field

PAY_AT_COUNTER_CHOICES = ("off", "hold", "release")  # not offered / held until paid at the counter / sent at once
REMOTE_ORDER_CHOICES = ("auto", "confirm")  # app, web, phone, marketplace orders: taken at once / a cashier accepts


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
    # The hub's secret that signs members' card QR codes (hub.domain.loyalty.member_proof); read from the
    # data folder with these settings, never from frontdesk.toml.
    member_secret: bytes | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_mapping(cls, data: dict, where: str = "frontdesk.toml") -> FrontdeskSettings:
        """Build settings from the `[kiosk]` and `[counter]` tables; a bad value names its key."""
        kiosk = _table(data, "kiosk", where)
        counter = _table(data, "counter", where)
        unknown = sorted({f"kiosk.{k}" for k in kiosk} - {f"kiosk.{k}" for k in _KIOSK_KEYS}
                         | {f"counter.{k}" for k in counter} - {f"counter.{k}" for k in _COUNTER_KEYS}
                         | {k for k in data if k not in ("kiosk", "counter")})
        if unknown:
            raise ValueError(f"{where}: unknown setting {unknown[0]}")
        defaults = cls()
        languages = kiosk.get("languages", list(defaults.languages))
        if (not isinstance(languages, list) or not languages
                or not all(isinstance(x, str) and x in SUPPORTED_LANGUAGES for x in languages)):
            raise ValueError(f"{where}: kiosk.languages must list some of {', '.join(SUPPORTED_LANGUAGES)}, got {languages!r}")
        default_language = kiosk.get("default_language", languages[0])
        if default_language not in languages:
            raise ValueError(f"{where}: kiosk.default_language must be one of kiosk.languages, got {default_language!r}")
        receipt_url = counter.get("receipt_url")
        if receipt_url is not None and (not isinstance(receipt_url, str) or not receipt_url.startswith(("http://", "https://"))):
            raise ValueError(f"{where}: counter.receipt_url must start with http:// or https://, got {receipt_url!r}")
        return cls(
            idle_s=_whole(kiosk, "idle_s", defaults.idle_s, where, "kiosk"),
            still_there_s=_whole(kiosk, "still_there_s", defaults.still_there_s, where, "kiosk"),
            pay_at_counter=_choice(kiosk, "pay_at_counter", defaults.pay_at_counter, PAY_AT_COUNTER_CHOICES, where, "kiosk"),
            languages=tuple(languages),
            default_language=default_language,
            unpaid_hold_minutes=_whole(kiosk, "unpaid_hold_minutes", defaults.unpaid_hold_minutes, where, "kiosk"),
            discount_limit_percent=_whole(counter, "discount_limit_percent", defaults.discount_limit_percent, where,
                                          "counter", low=0),
            remote_orders=_choice(counter, "remote_orders", defaults.remote_orders, REMOTE_ORDER_CHOICES, where, "counter"),
            quote_step_minutes=_whole(counter, "quote_step_minutes", defaults.quote_step_minutes, where, "counter"),
            receipt_url=receipt_url.rstrip("/") if receipt_url else None,
            gift_card_max=_whole(counter, "gift_card_max", defaults.gift_card_max, where, "counter"),
        )


SUPPORTED_LANGUAGES = ("en", "de")
_KIOSK_KEYS = ("idle_s", "still_there_s", "pay_at_counter", "languages", "default_language", "unpaid_hold_minutes")
_COUNTER_KEYS = ("discount_limit_percent", "remote_orders", "quote_step_minutes", "receipt_url", "gift_card_max")


def _table(data: dict, name: str, where: str) -> dict:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ValueError(f"{where}: [{name}] must be a table")
    return value


def _whole(table: dict, key: str, default: int, where: str, prefix: str, low: int = 1) -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise ValueError(f"{where}: {prefix}.{key} must be a whole number of at least {low}, got {value!r}")
    return value


def _choice(table: dict, key: str, default: str, choices: tuple[str, ...], where: str, prefix: str) -> str:
    value = table.get(key, default)
    if value not in choices:
        raise ValueError(f"{where}: {prefix}.{key} must be one of {', '.join(choices)}, got {value!r}")
    return value
