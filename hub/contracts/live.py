"""What the hub tells the staff and kiosk pages on the `/hub` Socket.IO namespace.

Kiosks hear `availability` and `payment.changed`; counters and accounts (the `staff` room) hear
every event. Each event is a nudge with the ids to fetch: a page reads the order or payment
itself over HTTP.
"""

from __future__ import annotations

from pydantic import Field

from hub.contracts.sent import Sent

LIVE_NAMESPACE = "/hub"


class OrderReady(Sent):
    """`data` of the `ready` broadcast: an order is ready (for pagers and order-ready lights)."""

    order_id: str
    number: str = Field(description="The number the customer was given.")


class OrderAnnounced(Sent):
    """`order.accepted` on `/hub`: an order was accepted (not the MQTT reply of that name)."""

    order_id: str
    number: str


class OrderStatusChanged(Sent):
    """`order.status` on `/hub`: an order moved along its lifecycle."""

    order_id: str
    previous: str = Field(description="The status before.")
    status: str = Field(description="The status now: received, accepted, in_progress, ready, completed or cancelled.")


class PaymentChanged(Sent):
    """`payment.changed` on `/hub`: a card payment changed state (the kiosk waits for it)."""

    payment_id: str
    order_id: str
    state: str


class IncomingChanged(Sent):
    """`incoming.changed` on `/hub`: the list of orders waiting for a cashier changed."""

    order_id: str


class PrinterWarning(Sent):
    """`printer.warning` on `/hub`: a print went to the backup printer, is held, or failed."""

    station: str = Field(description="The station (or `*`) the print was for.")
    printer: str = Field(description="The printer's device id.")
    message: str = Field(description="What happened, in words for the staff.")


class CloudStatus(Sent):
    """`cloud.status` on `/hub`: whether staff screens show the headquarters-offline banner."""

    banner: bool
    online: bool | None = Field(description="Whether headquarters answered last time; null before the first try.")
    since: str | None = Field(description="Since when (RFC 3339) it has been so.")
