"""Who may do what: every role, person or device, and the one table of its permissions.

Code asks `may(role, permission)` (or `Identity.may`), never compares role names. Every HTTP
route and socket event names one permission next to its definition; the table below is the
only place that says which roles hold it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class Role(enum.StrEnum):
    """Everyone and everything the hub knows."""

    # People with an account (username + password)
    OWNER = "owner"  # the store's owner: everything
    STORE_IT = "store_it"  # enrols devices, printers, terminals, routes; no money
    # Staff, by PIN at a counter (on top of the counter's own identity)
    MANAGER = "manager"  # sells, approves discounts, refunds and voids
    CASHIER = "cashier"  # sells and takes payment
    KITCHEN = "kitchen"  # works the kitchen, expo and pick displays
    # Devices, enrolled with a claim code
    KIOSK = "kiosk"  # a customer's self-service screen
    COUNTER = "counter"  # a till's screen; staff sign in on it
    DISPLAY = "display"  # a kitchen, expo or pick-pack display
    BOARD = "board"  # the order-ready board: reads, never acts
    AGENT = "agent"  # a device agent: printers, terminals, drawers, bump bars, scanners
    GATEWAY = "gateway"  # the app, web shop and marketplace integrations
    GADGET = "gadget"  # MQTT lights, pagers, buttons


ACCOUNT_ROLES = frozenset({Role.OWNER, Role.STORE_IT})
STAFF_ROLES = frozenset({Role.MANAGER, Role.CASHIER, Role.KITCHEN})
SCREEN_ROLES = frozenset({Role.KIOSK, Role.COUNTER, Role.DISPLAY, Role.BOARD})
MQTT_ROLES = frozenset({Role.AGENT, Role.GADGET, Role.GATEWAY})
DEVICE_ROLES = SCREEN_ROLES | MQTT_ROLES


class Permission(enum.StrEnum):
    """One thing someone may do; routes and socket events each name one."""

    OPEN = "open"  # no identity at all: liveness, static assets, pairing, the signed e-receipt page
    ORDER_SUBMIT = "order.submit"
    ORDER_READ = "order.read"
    ORDER_SEARCH = "order.search"  # names and phones: staff only
    ORDER_CANCEL_UNPAID = "order.cancel_unpaid"
    ORDER_CONFIRM = "order.confirm"  # remote orders waiting for the store
    QUEUE_READ = "queue.read"
    MENU_READ = "menu.read"  # menu, availability, stock levels, promotions, recommendations
    BASKET_PRICE = "basket.price"
    SOLD_OUT = "item.sold_out"
    STOCK_RECEIVE = "stock.receive"
    PROMOTIONS_MANAGE = "promotions.manage"
    TENDER_ADD = "tender.add"
    REFUND = "refund"  # a refund still needs a manager's approval when the role lacks APPROVE
    PAYMENT_START = "payment.start"
    PAYMENT_READ = "payment.read"
    PAYMENT_CHECK = "payment.check"
    LOYALTY_LOOKUP = "loyalty.lookup"  # a member's balance: staff, or the member's own proof
    MEMBER_SIGN_IN = "loyalty.sign_in"  # a member signs in at a kiosk with their card's code or phone
    GIFT_CARD_ISSUE = "gift_card.issue"
    RECEIPT_PRINT = "receipt.print"
    RECEIPT_LINK = "receipt.link"  # an order's e-receipt link: staff only
    TICKET_REPRINT = "ticket.reprint"  # print an order's kitchen tickets again
    DRAWER_OPEN = "drawer.open"
    STAFF_SIGN_IN = "staff.sign_in"  # a till where staff sign in with their PIN
    BASKET_HOLD = "basket.hold"
    APPROVE = "approve"  # a manager's own approval of discounts, refunds, voids, tax exemption
    KITCHEN_ACT = "kitchen.act"  # start, bump, recall, pick, pack ... on a display
    DISPLAY_WATCH = "display.watch"  # see a display's snapshot and changes
    HARDWARE_READ = "hardware.read"  # printers, routes, terminals, drawers, prints
    HARDWARE_MANAGE = "hardware.manage"  # assign terminals, drawers, printers and routes
    DEVICES_READ = "devices.read"
    DEVICES_MANAGE = "devices.manage"  # enrol and revoke devices
    ACCOUNTS_MANAGE = "accounts.manage"
    STAFF_MANAGE = "staff.manage"
    HEALTH_READ = "health.read"  # the full health report (the liveness probe is OPEN)
    ADMIN_VIEW = "admin.view"
    DAY_READ = "day.read"  # the end of the day: figures, drawers, card totals, Z reports
    DAY_CASH = "day.cash"  # opening floats, paid in and paid out at a till
    DAY_CLOSE = "day.close"  # count drawers, carry orders over, read terminals, close the day
    REPORTS_READ = "reports.read"  # the back office's sales reports and their CSV exports (issue 17)
    OWN_SESSION = "session.own"  # see and end one's own account session
    KIOSK_SCREEN = "screen.kiosk"  # open the kiosk page
    COUNTER_SCREEN = "screen.counter"  # open the counter page


P = Permission
_SELLING = {P.ORDER_SUBMIT, P.ORDER_READ, P.MENU_READ, P.BASKET_PRICE, P.PAYMENT_START, P.PAYMENT_READ,
            P.RECEIPT_PRINT, P.MEMBER_SIGN_IN}
_TILL_STAFF = _SELLING | {P.ORDER_SEARCH, P.ORDER_CANCEL_UNPAID, P.ORDER_CONFIRM, P.QUEUE_READ, P.TENDER_ADD,
                          P.REFUND, P.PAYMENT_CHECK, P.LOYALTY_LOOKUP, P.RECEIPT_LINK, P.DRAWER_OPEN,
                          P.BASKET_HOLD, P.SOLD_OUT, P.TICKET_REPRINT, P.COUNTER_SCREEN, P.DAY_CASH}
_KITCHEN = {P.ORDER_READ, P.QUEUE_READ, P.MENU_READ, P.KITCHEN_ACT, P.DISPLAY_WATCH, P.SOLD_OUT, P.TICKET_REPRINT}
_HARDWARE = {P.OWN_SESSION, P.HARDWARE_READ, P.HARDWARE_MANAGE, P.DEVICES_READ, P.DEVICES_MANAGE, P.HEALTH_READ, P.ADMIN_VIEW,
             P.PAYMENT_CHECK}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(Permission) - {P.OPEN},
    Role.STORE_IT: frozenset(_HARDWARE | {P.ACCOUNTS_MANAGE, P.QUEUE_READ, P.ORDER_READ, P.MENU_READ, P.SOLD_OUT}),
    Role.MANAGER: frozenset(_TILL_STAFF | _KITCHEN | {P.APPROVE, P.STOCK_RECEIVE, P.PROMOTIONS_MANAGE,
                                                      P.GIFT_CARD_ISSUE, P.STAFF_MANAGE, P.HARDWARE_READ,
                                                      P.ADMIN_VIEW, P.DAY_READ, P.DAY_CLOSE, P.REPORTS_READ}),
    Role.CASHIER: frozenset(_TILL_STAFF),
    Role.KITCHEN: frozenset(_KITCHEN),
    # A kiosk sells to the customer in front of it; card payments and receipts for its own orders.
    Role.KIOSK: frozenset(_SELLING | {P.ORDER_CANCEL_UNPAID, P.KIOSK_SCREEN}),
    # A counter on its own (no one signed in) shows the menu and lets staff sign in; the rest needs a PIN.
    Role.COUNTER: frozenset({P.MENU_READ, P.BASKET_PRICE, P.ORDER_READ, P.QUEUE_READ, P.STAFF_SIGN_IN,
                             P.PAYMENT_READ, P.COUNTER_SCREEN}),
    Role.DISPLAY: frozenset(_KITCHEN),
    Role.BOARD: frozenset({P.DISPLAY_WATCH}),
    Role.AGENT: frozenset(),  # agents talk MQTT only, within their own topics
    Role.GATEWAY: frozenset({P.ORDER_SUBMIT, P.ORDER_READ, P.MENU_READ, P.BASKET_PRICE, P.PAYMENT_READ,
                             P.QUEUE_READ}),
    Role.GADGET: frozenset(),  # gadgets talk MQTT only
}


def may(role: Role | str | None, permission: Permission | str) -> bool:
    """Return whether a role holds a permission (anyone holds OPEN; an unknown role holds nothing else)."""
    if Permission(permission) is Permission.OPEN:
        return True
    try:
        return Permission(permission) in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class Identity:
    """Who makes a request: an account, a device, and (at a counter) the staff member signed in on it."""

    kind: str  # "account", "device" or "anonymous"
    name: str | None = None  # the username or device id
    role: Role | None = None
    staff_id: str | None = None
    staff_role: Role | None = None

    def may(self, permission: Permission | str) -> bool:
        """Return whether this identity, or the staff member signed in on it, holds a permission."""
        return may(self.role, permission) or (self.staff_role is not None and may(self.staff_role, permission))

    @property
    def who(self) -> str:
        """Name who acts, for the records: the staff member signed in, else the account or device (`kind:name`)."""
        if self.staff_id is not None:
            return f"staff:{self.staff_id}"[:64]
        return f"{self.kind}:{self.name}"[:64] if self.name else self.kind

    @property
    def device_id(self) -> str | None:
        """Return the device id when a device makes the request."""
        return self.name if self.kind == "device" else None


ANONYMOUS = Identity(kind="anonymous")


@dataclass(frozen=True, slots=True)
class Account:
    """A person who runs the store (owner or store IT); the password is kept only as an argon2 hash."""

    username: str
    role: Role
    password_hash: str
    created_at: datetime
    disabled_at: datetime | None = None

    @property
    def active(self) -> bool:
        """Return whether the account may sign in."""
        return self.disabled_at is None


@dataclass(frozen=True, slots=True)
class EnrolledDevice:
    """A device the hub knows: pending until its claim code is used, revoked for good once revoked."""

    device_id: str
    role: Role
    created_at: datetime
    enrolled_at: datetime | None = None
    revoked_at: datetime | None = None
    last_seen_at: datetime | None = None

    @property
    def state(self) -> str:
        """Return `pending`, `enrolled` or `revoked`."""
        if self.revoked_at is not None:
            return "revoked"
        return "enrolled" if self.enrolled_at is not None else "pending"


def on_plain_mqtt(devices: list[EnrolledDevice], tls_since: datetime | None) -> list[str]:
    """Return the ids of the devices whose broker login is for the unencrypted listener, by name.

    A device enrolled before the store had TLS got a plain `mqtt://` address and keeps it until it is
    enrolled again; one enrolled since got `mqtts://` and the store CA. Without TLS every MQTT device is plain.
    """
    return sorted(d.device_id for d in devices
                  if d.role in MQTT_ROLES and d.state == "enrolled"
                  and (tls_since is None or d.enrolled_at < tls_since))
