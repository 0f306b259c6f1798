"""Staff sign-in, manager approvals, held baskets and receipts at the till: `/api/v1/staff/...` and friends."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from hub.contracts.printing import DeviceId

Pin = Field(pattern=r"^[0-9]{4,8}$", description="4 to 8 digits; never stored or logged, only a salted hash is kept.")


class SessionIn(BaseModel):
    """Body of `POST /api/v1/staff/sessions`: sign in at a till with a PIN."""

    model_config = ConfigDict(extra="forbid")

    pin: str = Pin
    device_id: DeviceId = Field(description="The till; wrong PINs lock PIN entry on it for 5 minutes after 5 tries.")


class StaffOut(BaseModel):
    """A staff member as pages see them."""

    staff_id: str
    name: str
    role: Literal["cashier", "manager"]


class SessionOut(BaseModel):
    """Reply of `POST /api/v1/staff/sessions` (201); send `Authorization: Bearer <token>` with counter requests."""

    token: str = Field(description="Shown once; the hub keeps only its hash.")
    staff: StaffOut
    expires_at: AwareDatetime


class ApprovalIn(BaseModel):
    """Body of `POST /api/v1/staff/approvals`: a manager's PIN for one action."""

    model_config = ConfigDict(extra="forbid")

    pin: str = Pin
    action: Literal["discount", "refund", "void", "tax_exempt", "gift_card", "day_close", "points_offline"]
    device_id: DeviceId


class ApprovalOut(BaseModel):
    """Reply of `POST /api/v1/staff/approvals` (201): good for one action of its kind, for 5 minutes."""

    approval: str = Field(description="Send as `approval` with the order (discount) or the refund.")
    staff: StaffOut
    expires_at: AwareDatetime


class HeldBasketIn(BaseModel):
    """Body of `POST /api/v1/held-baskets`."""

    model_config = ConfigDict(extra="forbid")

    device_id: DeviceId
    label: str = Field(min_length=1, max_length=80, description="Whose basket, e.g. `blue jacket` or a table.")
    basket: Any = Field(description="Any JSON the counter page keeps; handed back as is on recall.")


class ReceiptIn(BaseModel):
    """Body of `POST /api/v1/orders/<order_id>/receipt`."""

    model_config = ConfigDict(extra="forbid")

    device_id: DeviceId = Field(description="The till: its receipt route (`receipt` for this station), else `*`.")


class EReceiptOut(BaseModel):
    """Reply of `GET /api/v1/orders/<order_id>/e-receipt`."""

    url: str = Field(description="`<base>/r/<order_id>/<sig>`: sig is an HMAC of the order id with the hub's secret.")
    qr_svg: str = Field(description="The URL as a QR code, an SVG document.")
