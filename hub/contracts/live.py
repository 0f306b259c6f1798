"""What the hub tells the staff and kiosk pages on the `/hub` Socket.IO namespace.

Kiosks hear `availability` and `payment.changed`; counters and accounts (the `staff` room) hear
every event. Each event is a nudge with the ids to fetch: a page reads the order or payment
itself over HTTP.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

LIVE_NAMESPACE = "/hub"


class OrderReady(BaseModel):
    """`data` of the `ready` broadcast: an order is ready (for pagers and order-ready lights)."""

    model_config = ConfigDict(extra="forbid")

    order_id: str
    number: str = Field(description="The number the customer was given.")


class OrderAnnounced(BaseModel):
    """`order.accepted` on `/hub`: an order was accepted (not the MQTT reply of that name)."""

    model_config = ConfigDict(extra="forbid")

    order_id: str
    number: str


class OrderStatusChanged(BaseModel):
    """`order.status` on `/hub`: an order moved along its lifecycle."""

    model_config = ConfigDict(extra="forbid")

    order_id: str
    previous: str = Field(description="The status before.")
    status: str = Field(description="The status now: received, accepted, in_progress, ready, completed or cancelled.")


class PaymentChanged(BaseModel):
    """`payment.changed` on `/hub`: a card payment changed state (the kiosk waits for it)."""

    model_config = ConfigDict(extra="forbid")

    payment_id: str
    order_id: str
    state: str


class IncomingChanged(BaseModel):
    """`incoming.changed` on `/hub`: the list of orders waiting for a cashier changed."""

    model_config = ConfigDict(extra="forbid")

    order_id: str


class PrinterWarning(BaseModel):
    """`printer.warning` on `/hub`: a print went to the backup printer, is held, or failed."""

    model_config = ConfigDict(extra="forbid")

    station: str = Field(description="The station (or `*`) the print was for.")
    printer: str = Field(description="The printer's device id.")
    message: str = Field(description="What happened, in words for the staff.")


class CloudStatus(BaseModel):
    """`cloud.status` on `/hub`: whether staff screens show the headquarters-offline banner."""

    model_config = ConfigDict(extra="forbid")

    banner: bool
    online: bool | None = Field(description="Whether headquarters answered last time; null before the first try.")
    since: str | None = Field(description="Since when (RFC 3339) it has been so.")
