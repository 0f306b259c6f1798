"""The payload of a `print` job: a kitchen ticket or a customer receipt, laid out by the agent.

The hub sends facts (items, money in minor units, language); the agent's printer driver
turns them into ESC/POS for the printer's profile (width, code page).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from hub.contracts.bounds import Plain, printable  # noqa: F401  printable: the agent lays out text with it

PRINT = "print"  # job kind
LANGUAGES = ("en", "de")

# C0 and C1 controls and DEL: in an order note, `ESC p` kicks the drawer and `ESC @`/`GS` change the
# printer's state. The layout makes every control byte the paper needs; text never carries one.
# Orders take their free text through the same filter when they arrive (hub.contracts.bounds.Plain).
Text = Annotated[str, Field(max_length=200), Plain]
Short = Annotated[str, Plain]  # a printed code or label whose length is limited where it is used


class TicketItem(BaseModel):
    """One item on a kitchen ticket."""

    model_config = ConfigDict(extra="forbid")

    qty: int = Field(ge=1, le=999)
    name: Text
    modifiers: list[Text] = Field(default_factory=list, max_length=30)
    note: Text | None = None
    allergens: list[Text] = Field(default_factory=list, max_length=20, description="Printed as an allergy mark.")


class KitchenTicket(BaseModel):
    """What one station must make for one order."""

    model_config = ConfigDict(extra="forbid")

    document: Literal["kitchen_ticket"] = "kitchen_ticket"
    order_id: Short = Field(max_length=64)
    order_number: Short = Field(min_length=1, max_length=16, description="Printed large.")
    station: Short = Field(max_length=64)
    origin: Short = Field(max_length=32, description="kiosk, counter, app, web, phone, marketplace.")
    fulfilment: Short = Field(max_length=32, description="dine_in, takeaway, pickup, delivery, ship.")
    placed_at: AwareDatetime
    promised_at: AwareDatetime | None = None
    rush: bool = False
    allergy: bool = Field(default=False, description="The order has an allergy note: print the mark even with no item allergens.")
    items: list[TicketItem] = Field(min_length=1, max_length=200)
    note: Text | None = None


class Amount(BaseModel):
    """A labelled amount in minor units (cents)."""

    model_config = ConfigDict(extra="forbid")

    label: Text
    amount: int


class ReceiptLine(BaseModel):
    """One sold line on a receipt."""

    model_config = ConfigDict(extra="forbid")

    qty: int = Field(ge=1, le=999)
    name: Text
    amount: int = Field(description="Line total in minor units.")
    modifiers: list[Text] = Field(default_factory=list, max_length=30)
    tax_code: Short | None = Field(default=None, max_length=16, description="Code matching a tax line, e.g. `A` or `VAT19`.")


class TaxLine(BaseModel):
    """Tax at one rate."""

    model_config = ConfigDict(extra="forbid")

    code: Short = Field(max_length=16, description="Code shown beside the lines taxed at this rate.")
    rate: Short = Field(max_length=16, description="As printed, e.g. `19%`.")
    net: int
    tax: int
    gross: int


class Receipt(BaseModel):
    """A customer receipt."""

    model_config = ConfigDict(extra="forbid")

    document: Literal["receipt"] = "receipt"
    order_id: Short = Field(max_length=64)
    order_number: Short = Field(min_length=1, max_length=16)
    store_name: Text
    store_lines: list[Text] = Field(default_factory=list, max_length=6, description="Address, tax number, phone.")
    placed_at: AwareDatetime
    currency: Short = Field(min_length=3, max_length=3, description="ISO 4217; EUR prints as €.")
    lines: list[ReceiptLine] = Field(min_length=1, max_length=500)
    discounts: list[Amount] = Field(default_factory=list, max_length=50, description="Amounts are positive; printed as minus.")
    total: int
    taxes: list[TaxLine] = Field(default_factory=list, max_length=10)
    tenders: list[Amount] = Field(default_factory=list, max_length=10, description="Label = how it was paid, e.g. `Cash`, `Visa ****1234`.")
    change: int = 0
    loyalty_points: int | None = Field(default=None, description="Points earned with this order.")
    loyalty_balance: int | None = None
    e_receipt_url: Short | None = Field(default=None, max_length=300, description="Printed as a QR code.")
    footer: Text | None = None


class ReportLine(BaseModel):
    """One line of a report laid out by the hub: words on the left, an amount on the right."""

    model_config = ConfigDict(extra="forbid")

    left: Text = ""
    right: Short | None = Field(default=None, max_length=40)
    bold: bool = False
    rule: bool = Field(default=False, description="A dashed line across the paper before this line.")


class ZReport(BaseModel):
    """A closed business day's Z report, worded by the hub in the printer's language (docs/end-of-day.md)."""

    model_config = ConfigDict(extra="forbid")

    document: Literal["z_report"] = "z_report"
    title: Text
    lines: list[ReportLine] = Field(min_length=1, max_length=400)


class PrintPayload(BaseModel):
    """`payload` of a job of kind `print`."""

    model_config = ConfigDict(extra="forbid")

    document: KitchenTicket | Receipt | ZReport = Field(discriminator="document")
    language: Literal["en", "de"] = "en"
    copies: int = Field(default=1, ge=1, le=5)
    banner: Text | None = Field(default=None, description="Printed in reverse on top, e.g. `BACKUP — FROM Grill`.")
    reprint: bool = Field(default=False, description="Print a REPRINT mark.")
    open_drawer: bool = Field(default=False, description="Kick the cash drawer after printing (receipts).")


class DrawerKick(BaseModel):
    """`payload` of a job of kind `drawer`: open the drawer behind a receipt printer."""

    model_config = ConfigDict(extra="forbid")

    pin: Literal[2, 5] = 2


DeviceId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]


class PrinterIn(BaseModel):
    """A printer: the agent's device id and the hardware name in the agent's config."""

    model_config = ConfigDict(extra="forbid")

    device_id: DeviceId
    hardware: str | None = Field(default=None, max_length=64, description="Null = the agent's only printer.")


class PrintRouteIn(BaseModel):
    """Body of `PUT /api/v1/printing/routes/<document>/<station>`."""

    model_config = ConfigDict(extra="forbid")

    printer: PrinterIn
    backup: PrinterIn | None = None
    language: Literal["en", "de"] = "en"
    answer_within_s: float = Field(default=20.0, ge=2, le=600,
                                   description="No result by then: the print goes to the backup (`no_answer`).")


class ReprintIn(BaseModel):
    """Body of `POST /api/v1/orders/<order_id>/reprint`."""

    model_config = ConfigDict(extra="forbid")

    document: Literal["kitchen_ticket", "receipt"] = "kitchen_ticket"
    station: str | None = Field(default=None, max_length=64, description="Only this station's ticket; null = all.")


class DrawerIn(BaseModel):
    """Body of `POST /api/v1/printing/drawer`."""

    model_config = ConfigDict(extra="forbid")

    printer: PrinterIn
    pin: Literal[2, 5] = 2
