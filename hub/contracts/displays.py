"""The live display protocol: Socket.IO messages on the `/displays` namespace."""

from __future__ import annotations

from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from hub.contracts.bounds import MAX_COUNT
from hub.contracts.display_cards import Card
from hub.contracts.sent import Sent

NAMESPACE = "/displays"

PROTOCOL = """## Displays (Socket.IO)

Kitchen displays, expo, the order-ready board and pick screens talk to the hub over
Socket.IO (Engine.IO 4, the official browser client v4) on the namespace `/displays`.
Every display shows one **view**: `kds:<station>`, `expo` or `board`.

**Sequence numbers.** Each view has one change counter, kept in the hub's database
and raised in the same transaction as the change itself, so two screens on one view
see the same numbers and a hub restart continues the count.

1. After connecting, the display emits `join` with `{"view": ...}` and gets, as the
   acknowledgement, a **snapshot**: every card on the view and the view's `seq`.
2. Every change after that arrives as a `change` event with `seq` = the previous + 1.
   A change carries the order's whole card for that view (`card` is null when the
   order left the view), so applying it twice is harmless.
3. A change whose `seq` is not the next one (a gap), a reconnect, or a `tick` (sent
   every 2 s with the view's current `seq`) that is ahead of the display makes the
   display `join` again and replace everything with the new snapshot. Changes with a
   `seq` at or below the snapshot's are ignored.

**Actions.** The display emits `action` (see `display action` below) and gets
`{"ok": true}` as the acknowledgement, `{"ok": true, "repeated": true}` when the
`action_id` was applied before (nothing changes), or `{"ok": false, "reason": ...}`
with the reason in English (for logs and integrators), e.g. when the ticket changed since
the screen drew it (`version`). Every refusal (of `join`, `action` and `recent`) carries a
`code`, and most `words` (`{"key": "changed_now", "values": {...}}`): a screen shows
the displays string `refused_<key>` (else `refused_<code>`) in its own language, with
the values in its holes, never `reason`. The change itself arrives as a `change` event
like any other.

**Names.** Cards carry the catalog's own names (`name`, `modifiers`) and the codes
(`sku`, `modifier_codes`); a screen in another language shows the catalog's words for
them, which the display pages get with the page.

**Pick-pack.** A pick zone is a station whose items have a shelf `bin`; its cards (on
`kds:<zone>`) have `pick: true`, each item's `bin`, `gtin` and `picked` units, the
order's `total` and `order_status`, and stay on the view after `pack` until the order
is handed over. `pick` (with `line_no` and the line's `sku`) takes one unit; `short`
(with `line_no`, `remedy` `remove` or `substitute`, and `substitute` = SKU or barcode)
changes the order: it is repriced by the pricing engine and its stock moves; `pack`
closes the ticket once every unit is picked; `expo_bump` marks it ready, `hand_over`
completes it. A changed order's cards and expo row list the change in `changes`.

**Other events.** `recent` with `{"view": "kds:<station>"}` answers with the tickets
that station bumped in the last 15 minutes (at most 50), for recall, each with its `lines`
(`qty`, `sku`, `name`). The hub emits
`key` with `{"view", "key", "device_id"}` when a serial bump bar mapped to the
station (`[bump_bars]` in `displays.toml`) sends a key, and `scan` with
`{"view", "code", "device_id"}` when a scanner mapped to a pick zone (`[scanners]`)
reads a barcode.

**Sold out (86).** `action` with `kind` `sold_out`, the item's `sku` and `sold_out`
(true or false) 86es an item or brings it back (no `order_id`); it needs the permission
`item.sold_out`, which kitchen displays hold. The join snapshot lists the SKUs sold out
now in `sold_out`, and the hub emits `availability` (the same message kiosks get on
`/hub`) to every display whenever what is sold out changes.
"""


class ActionKind(str, Enum):
    """What a display asks the kitchen to do."""

    START = "start"
    BUMP = "bump"
    BUMP_ITEM = "bump_item"
    RECALL = "recall"
    HOLD = "hold"
    FIRE = "fire"
    RUSH = "rush"
    EXPO_BUMP = "expo_bump"
    HAND_OVER = "hand_over"
    CANCEL = "cancel"
    PICK = "pick"
    SHORT = "short"
    PACK = "pack"
    SOLD_OUT = "sold_out"  # 86 an item (or bring it back) from the station's all-day list


class DisplayJoin(BaseModel):
    """`join`: which view this display shows."""

    model_config = ConfigDict(extra="forbid")

    view: str = Field(min_length=1, max_length=80, description="`kds:<station>`, `expo` or `board`.")


class DisplayAction(BaseModel):
    """`action`: something a person did on a display."""

    model_config = ConfigDict(extra="forbid")

    action_id: str = Field(min_length=8, max_length=64, description="Chosen by the display; the same id twice is applied once.")
    kind: ActionKind
    order_id: str | None = Field(default=None, min_length=1, max_length=36, description="Required for every kind but `sold_out`.")
    ticket_id: str | None = Field(default=None, max_length=36, description="Required for ticket actions.")
    line_no: int | None = Field(default=None, ge=0, le=MAX_COUNT, description="The order line, for `bump_item`, `pick` and `short`.")
    version: int | None = Field(default=None, ge=0, le=MAX_COUNT, description="The ticket version the screen showed; a newer one refuses.")
    sku: str | None = Field(default=None, max_length=64, description="`pick`: the line's SKU as shown; another SKU there refuses.")
    remedy: Literal["remove", "substitute"] | None = Field(default=None, description="`short`: what to do with the units not found.")
    substitute: str | None = Field(default=None, min_length=1, max_length=64, description="`short` with `substitute`: the SKU or barcode taken instead.")
    sold_out: StrictBool | None = Field(default=None, description="`sold_out` (with `sku`): true 86es the item, false brings it back.")


class DisplayAck(Sent):
    """The acknowledgement of `join`, `action` and `recent`."""

    ok: bool
    reason: str | None = Field(default=None, description="Why it was refused, in English, for logs and integrators.")
    field: str | None = Field(default=None, description="The field of the message the refusal is about, when it is about one.")
    code: str | None = Field(default=None, description="What kind of refusal it is (`invalid_payload`, `unknown_view`, `refused`, `forbidden`, ...).")
    words: dict[str, Any] | None = Field(default=None, description="The refusal for any language: `key` (a displays string `refused_<key>`) and `values` for its holes.")
    repeated: bool | None = Field(default=None, description="True when the action id had been applied before.")


class ViewSettings(Sent):
    """A view's timer colours and whether expo must bump."""

    yellow_after_s: int
    red_after_s: int
    expo_required: bool


class DisplaySnapshot(DisplayAck):
    """The acknowledgement of `join`: the view's whole state."""

    view: str
    seq: int = Field(description="The view's last change number; the next `change` has seq + 1.")
    cards: list[Card] = Field(description="The view's cards in the hub's priority order.")
    settings: ViewSettings = Field(description="Timer colours (`yellow_after_s`, `red_after_s`) for the view.")
    now: str = Field(description="The hub's clock, so screens can correct their timers.")
    sold_out: list[str] = Field(default_factory=list, description="The SKUs sold out now, for the all-day list.")
    by_hand: list[str] = Field(default_factory=list, description="Those of them marked sold out (86) by hand: a tap brings them back.")


class RecentLine(Sent):
    """A line of a recently bumped ticket."""

    qty: int
    sku: str
    name: str


class RecentTicket(Sent):
    """A ticket the station bumped lately."""

    order_id: str
    ticket_id: str
    number: str
    version: int
    done_at: str | None
    items: list[str] = Field(description="`<qty>× <name>` per line.")
    lines: list[RecentLine]


class DisplayRecent(DisplayAck):
    """The acknowledgement of `recent`: the station's tickets bumped in the last 15 minutes, newest first."""

    tickets: list[RecentTicket]


class DisplayChange(Sent):
    """`change`: one order changed on a view."""

    view: str
    seq: int
    order_id: str
    card: Card | None = Field(description="The order's card on this view, or null when it left the view.")


class DisplayTick(Sent):
    """`tick`: the view's current number, every 2 s, so a display notices what it missed."""

    view: str
    seq: int


class DisplayKey(Sent):
    """`key`: a serial bump bar mapped to the view's station sent a key."""

    view: str
    key: str
    device_id: str = Field(description="The agent the bump bar hangs off.")


class DisplayScan(Sent):
    """`scan`: a scanner mapped to the view's pick zone read a barcode."""

    view: str
    code: str
    device_id: str
