"""What a display shows of an order: a station's card, an expo row, a board number (`card` in the display protocol).

Built by hub.domain.kitchen_views.card(); times are ISO 8601 with `+00:00`, as the cards have always said.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from hub.contracts.sent import Sent


class CardItem(Sent):
    """One order line on a station's card."""

    line_no: int = Field(description="The line's position in the order (for `bump_item`, `pick`, `short`).")
    sku: str
    name: str = Field(description="The catalog's own name.")
    qty: int
    modifiers: list[str] = Field(description="Modifier names (the catalog's own words).")
    modifier_codes: list[str] = Field(description="Modifier codes, for the names in the display's language.")
    note: str | None
    allergy: bool = Field(description="The note or a modifier speaks of an allergy.")
    bumped: bool = Field(description="The cook bumped this item.")
    start_after_s: int = Field(description="Seconds to wait before starting it, so the ticket's items finish together.")
    prep_s: int
    picked: int = Field(description="Units picked (pick lists).")
    bin: str | None = Field(description="Shelf bin (pick lists).")
    gtin: str | None = Field(description="Barcode (pick lists).")
    total: int = Field(description="Line total in minor units.")


class MoneyOut(Sent):
    """An amount in minor units with its currency."""

    amount: int
    currency: str


class KitchenCard(Sent):
    """A card on `kds:<station>`: the station's ticket for one order."""

    order_id: str
    ticket_id: str
    number: str
    origin: str
    fulfilment: str
    promised_at: str | None
    deadline: str | None
    rank: list[str] = Field(description="The order's place in the queue, sortable as strings.")
    rush: bool
    status: str = Field(description="The ticket's status: queued, fired, started, done or cancelled.")
    cancelled: bool
    held: bool
    fire_at: str | None
    fired_at: str | None
    accepted_at: str | None
    version: int = Field(description="Send it back with ticket actions; a newer one refuses.")
    prep_s: int
    items: list[CardItem]
    pick: bool = Field(description="A pick list: its items have shelf bins.")
    order_status: str
    total: MoneyOut
    changes: list[str] = Field(description="What a short pick changed on the order, in words.")


class ExpoStation(Sent):
    """One station's ticket on an expo row."""

    station: str
    ticket_id: str
    status: str
    held: bool
    version: int


class ExpoRow(Sent):
    """A row on `expo`: an order and its stations' tickets."""

    order_id: str
    number: str
    origin: str
    fulfilment: str
    status: str
    rank: list[str]
    rush: bool
    promised_at: str | None
    accepted_at: str | None
    stations: list[ExpoStation]
    all_done: bool
    changes: list[str]


class BoardEntry(Sent):
    """A number on `board`: preparing or ready."""

    order_id: str
    number: str
    state: Literal["preparing", "ready"]
    rank: list[str]
    since: str | None = Field(description="When it came in (preparing) or its last station finished (ready).")


Card = KitchenCard | ExpoRow | BoardEntry
