"""The `/displays` Socket.IO namespace: snapshots, numbered changes in order, and acknowledged actions."""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import request
from flask_socketio import SocketIO, join_room, leave_room
from pydantic import ValidationError

from hub.adapters.clock import utc_now
from hub.adapters.contract_check import check_ack, check_socket
from hub.bootstrap import Hub
from hub.contracts.displays import NAMESPACE, ActionKind, DisplayAction, DisplayJoin
from hub.contracts.validation import first_error
from hub.domain import kitchen_messages as km
from hub.domain.errors import CommerceRefused, OrderRefused
from hub.domain.kitchen import RECALL_LIMIT, RECALL_WINDOW, KitchenSettings
from hub.domain.moments import iso_time
from hub.domain.kitchen_views import card, catalog_words, shelf_of, stations_of, valid_view
from hub.domain.access import Identity, Permission
from hub.domain.stock import MarkSoldOut
from hub.entrypoints.web.access import connect_guard, identify_request, requires, socket_guard
from hub.services.commerce import availability_snapshot

logger = logging.getLogger(__name__)

TICK_S = 0.25  # firing waiting tickets and flushing held-back changes; short keeps each batch small
ANNOUNCE_EVERY = 8  # ticks between `tick` messages (2 s), which let idle screens notice a lost change
FIRE_BATCH = 10  # orders fired per transaction: a big batch holds the write lock while orders arrive
FIRE_PAUSE_S = 0.002
REORDER_WAIT_S = 0.5  # how long a change waits for an earlier number still being sent by another thread
IDLE_STOP_S = 30.0  # the ticker stops when no display has been connected this long (it restarts on join)
# Every refusal carries a code, and words a screen shows in its language (`refused_<key>` in displays/display_strings.py).
_BAD_REQUEST = {"code": "invalid_payload", "words": {"key": "bad_request", "values": {}}}

_ACTION_COMMANDS = {
    ActionKind.START: km.StartTicket,
    ActionKind.BUMP: km.BumpTicket,
    ActionKind.BUMP_ITEM: km.BumpItem,
    ActionKind.RECALL: km.RecallTicket,
    ActionKind.HOLD: km.HoldTicket,
    ActionKind.FIRE: km.FireTicket,
    ActionKind.RUSH: km.RushOrder,
    ActionKind.EXPO_BUMP: km.BumpExpo,
    ActionKind.HAND_OVER: km.HandOverOrder,
    ActionKind.CANCEL: km.CancelOrder,
    ActionKind.PICK: km.PickItem,
    ActionKind.SHORT: km.ShortPickLine,
    ActionKind.PACK: km.PackTicket,
}


def to_command(action: DisplayAction, by: str = "display") -> Any:
    """Turn a display's action into its command, or raise ValueError naming the missing field."""
    if action.kind is ActionKind.SOLD_OUT:
        if not action.sku or action.sold_out is None:
            raise ValueError("sku and sold_out (true or false) are required for sold_out")
        return MarkSoldOut(action.sku, action.sold_out, by)
    if not action.order_id:
        raise ValueError(f"order_id is required for {action.kind.value}")
    cls = _ACTION_COMMANDS[action.kind]
    fields = {"action_id": action.action_id, "order_id": action.order_id}
    if "ticket_id" in cls.__dataclass_fields__:
        if not action.ticket_id:
            raise ValueError(f"ticket_id is required for {action.kind.value}")
        fields.update(ticket_id=action.ticket_id, version=action.version)
    if "line_no" in cls.__dataclass_fields__:
        if action.line_no is None:
            raise ValueError(f"line_no is required for {action.kind.value}")
        fields["line_no"] = action.line_no
    if cls is km.PickItem:
        fields["sku"] = action.sku
    if cls is km.ShortPickLine:
        if action.remedy is None:
            raise ValueError("remedy (remove or substitute) is required for short")
        if action.remedy == "substitute" and not action.substitute:
            raise ValueError("substitute (a SKU or barcode) is required to substitute")
        fields.update(remedy=action.remedy, substitute=action.substitute)
    return cls(**fields)


def _acked(event: str, handler: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """Check the acknowledgement a handler gives against its contract before it goes back to the screen."""

    @functools.wraps(handler)
    def acknowledge(*args: Any) -> dict[str, Any]:
        ack = handler(*args)
        check_ack(NAMESPACE, event, ack)
        return ack

    return acknowledge


class DisplaySockets:
    """Serve the displays of one hub over one Socket.IO server."""

    def __init__(self, socketio: SocketIO, hub: Hub) -> None:
        self._socketio = socketio
        self._hub = hub
        self._lock = threading.Lock()
        self._next: dict[str, int] = {}
        self._held: dict[str, dict[int, dict[str, Any]]] = {}
        self._held_since: dict[str, float] = {}
        self._views: dict[str, str] = {}  # sid -> view
        self._ticker: threading.Thread | None = None
        self._last_seen = time.monotonic()

    def register(self) -> None:
        """Attach the namespace's handlers and take the hub's display feed."""
        on, hub = self._socketio.on, self._hub
        on("connect", namespace=NAMESPACE)(connect_guard(hub, Permission.DISPLAY_WATCH))
        on("disconnect", namespace=NAMESPACE)(requires(Permission.OPEN)(lambda *args: self._disconnected(*args)))
        on("join", namespace=NAMESPACE)(_acked("join", socket_guard(hub, Permission.DISPLAY_WATCH)(self.join)))
        on("action", namespace=NAMESPACE)(_acked("action", socket_guard(hub, Permission.KITCHEN_ACT)(self.action)))
        on("recent", namespace=NAMESPACE)(_acked("recent", socket_guard(hub, Permission.KITCHEN_ACT)(self.recent)))
        self._hub.display_feed.send = self.feed

    @property
    def _settings(self) -> KitchenSettings:
        return self._hub.kitchen_settings or KitchenSettings()

    def places(self) -> tuple[list[str], list[str]]:
        """Return the store's kitchen stations and pick zones, from the catalog and displays.toml, for the pages."""
        settings = self._settings
        with self._hub.uow_factory() as uow:
            catalog = uow.catalog()
        return stations_of(catalog, [*settings.thresholds, *settings.bump_bars.values()], settings.scanners.values())

    def words(self, lang: str) -> dict[str, dict[str, Any]]:
        """Return the catalog's item and modifier names in a language, for a page to show its cards in it."""
        with self._hub.uow_factory() as uow:
            return catalog_words(uow.catalog(), lang)

    def station_items(self, station: str) -> list[str]:
        """Return the SKUs a station makes or picks, for its screen to 86 them even when no ticket holds one."""
        with self._hub.uow_factory() as uow:
            return sorted(item.sku for item in uow.catalog() if item.station == station)

    def join(self, data: Any = None) -> dict[str, Any]:
        """Put this display on its view and answer with the view's snapshot."""
        try:
            view = DisplayJoin.model_validate(data).view
        except ValidationError as exc:
            return {"ok": False, "reason": first_error(exc)[1], **_BAD_REQUEST}
        if not valid_view(view):
            return {"ok": False, "reason": f"no view {view!r}: use kds:<station>, expo or board", "code": "unknown_view",
                    "words": {"key": "unknown_view", "values": {"view": view}}}
        previous = self._views.get(request.sid)
        if previous and previous != view:
            leave_room(previous)
        join_room(view)  # before reading: a change committed from now on reaches this display
        self._views[request.sid] = view
        self._ensure_ticker()
        return self.snapshot(view)

    def snapshot(self, view: str) -> dict[str, Any]:
        """Return a view's cards in priority order and its change number."""
        with self._hub.uow_factory() as uow:
            seq = uow.displays.current_seq(view)  # read first: a later change is sent with a higher number
            orders = uow.orders.display_orders()
            catalog = uow.catalog() if view.startswith("kds:") else None
            availability = availability_snapshot(uow) if catalog is not None else {"sold_out": [], "by_hand": []}
        shelves = (shelf_of(catalog, order) if catalog is not None else None for order in orders)
        cards = [c for c in (card(order, view, shelf) for order, shelf in zip(orders, shelves)) if c is not None]
        cards.sort(key=lambda c: c["rank"])
        station = view.partition(":")[2]
        yellow, red = self._settings.colours_for(station)
        return {"ok": True, "view": view, "seq": seq, "cards": cards, "now": iso_time(utc_now(), utc_as_z=False),
                "sold_out": availability["sold_out"], "by_hand": availability["by_hand"],
                "settings": {"yellow_after_s": yellow, "red_after_s": red, "expo_required": self._settings.expo_required}}

    def action(self, data: Any = None) -> dict[str, Any]:
        """Apply a display's action and acknowledge it with ok or the reason it was refused."""
        identity = None
        try:
            action = DisplayAction.model_validate(data)
            if action.kind is ActionKind.SOLD_OUT:  # the record names who did it (kitchen actions need no lookup)
                identity = identify_request(self._hub)
            command = to_command(action, by=identity.who if identity else "display")
        except ValidationError as exc:
            field, text = first_error(exc)
            return {"ok": False, "reason": text, "field": field, **_BAD_REQUEST}
        except ValueError as exc:
            return {"ok": False, "reason": str(exc), **_BAD_REQUEST}
        if isinstance(command, MarkSoldOut) and identity is not None:
            return self._sold_out(command, identity)
        try:
            done = self._hub.bus.handle(command)
        except OrderRefused as refusal:
            ack = {"ok": False, "reason": refusal.message, "field": refusal.field, "code": refusal.code}
            words = getattr(refusal, "words", None)
            if words:  # the same reason for a screen in another language (displays/display_strings.py)
                ack["words"] = {"key": words[0], "values": words[1]}
            return ack
        except Exception:  # noqa: BLE001 - the screen must hear back; the action may be sent again
            logger.exception("display action %s failed", type(command).__name__)
            return {"ok": False, "reason": "the hub could not do this right now; try again", "code": "busy",
                    "words": {"key": "busy", "values": {}}}
        return {"ok": True, "repeated": done.repeated}

    def _sold_out(self, command: MarkSoldOut, identity: Identity) -> dict[str, Any]:
        """86 an item (or bring it back) for a display whose identity may; marking twice changes nothing."""
        if not identity.may(Permission.SOLD_OUT):
            return {"ok": False, "reason": "this display may not mark items sold out", "code": "forbidden",
                    "words": {"key": "forbidden", "values": {}}}
        try:
            self._hub.bus.handle(command)
        except CommerceRefused as refusal:
            return {"ok": False, "reason": refusal.message, "code": refusal.code,
                    "words": {"key": refusal.code, "values": {}}}
        except Exception:  # noqa: BLE001 - the screen must hear back; the action may be sent again
            logger.exception("display action MarkSoldOut failed")
            return {"ok": False, "reason": "the hub could not do this right now; try again", "code": "busy",
                    "words": {"key": "busy", "values": {}}}
        return {"ok": True}

    def recent(self, data: Any = None) -> dict[str, Any]:
        """Return the tickets a station bumped lately, newest first, for recall."""
        view = (data or {}).get("view", "") if isinstance(data, dict) else ""
        kind, _, station = view.partition(":")
        if kind != "kds" or not station:
            return {"ok": False, "reason": "recent needs a kds:<station> view", **_BAD_REQUEST}
        with self._hub.uow_factory() as uow:
            since = utc_now() - RECALL_WINDOW
            orders = [uow.orders.get(oid) for oid in uow.displays.recently_bumped(station, since, RECALL_LIMIT)]
        tickets = []
        for order in filter(None, orders):
            for t in order.tickets:
                if t.station == station:
                    mine = [line for line in order.lines if line.station == station]
                    tickets.append({"order_id": order.order_id, "ticket_id": t.ticket_id, "number": order.number,
                                    "version": t.version, "done_at": iso_time(t.done_at, utc_as_z=False),
                                    "items": [f"{line.qty}× {line.name}" for line in mine],
                                    "lines": [{"qty": line.qty, "sku": line.sku, "name": line.name} for line in mine]})
        return {"ok": True, "tickets": tickets}

    def feed(self, kind: str, data: dict[str, Any]) -> None:
        """Send a numbered change in number order per view (or a bump bar key) to its view's displays."""
        if kind != "change":
            self._send(kind, data)
            return
        view, seq = data["view"], data["seq"]
        with self._lock:
            expected = self._next.get(view, seq)
            if seq < expected:
                self._emit(data)  # older than what was sent: displays ignore or resnapshot
                return
            self._held.setdefault(view, {})[seq] = data
            self._held_since.setdefault(view, time.monotonic())
            self._drain(view, expected)

    def _drain(self, view: str, expected: int) -> None:
        held = self._held[view]
        while expected in held:
            self._emit(held.pop(expected))
            expected += 1
        self._next[view] = expected
        if held:
            if time.monotonic() - self._held_since[view] > REORDER_WAIT_S:
                # The missing number is lost (a failed send); go on, the gap makes displays resnapshot.
                for seq in sorted(held):
                    self._emit(held.pop(seq))
                    self._next[view] = seq + 1
                del self._held_since[view]
        else:
            self._held_since.pop(view, None)

    def _emit(self, data: dict[str, Any]) -> None:
        self._send("change", data)

    def _send(self, event: str, data: dict[str, Any]) -> None:
        check_socket(NAMESPACE, event, data)
        self._socketio.emit(event, data, to=data["view"], namespace=NAMESPACE)

    def _disconnected(self, *_args: Any) -> None:
        self._views.pop(request.sid, None)

    def _ensure_ticker(self) -> None:
        self._last_seen = time.monotonic()
        with self._lock:
            if self._ticker is None or not self._ticker.is_alive():
                self._ticker = threading.Thread(target=self._tick_loop, name="displays-ticker", daemon=True)
                self._ticker.start()

    def _tick_loop(self) -> None:
        """Fire due tickets, flush held-back changes, and tell each view its number, until idle."""
        count = 0
        while True:
            time.sleep(TICK_S)
            if self._hub.display_feed.send != self.feed:
                return  # the hub stopped, or another app took its displays over
            if self._views:
                self._last_seen = time.monotonic()
            elif time.monotonic() - self._last_seen > IDLE_STOP_S:
                return
            try:
                while self._hub.bus.handle(km.FireDueTickets(limit=FIRE_BATCH)):
                    time.sleep(FIRE_PAUSE_S)  # let arriving orders in between batches
                with self._lock:
                    for view in list(self._held):
                        self._drain(view, self._next.get(view, 0))
                count += 1
                if count % ANNOUNCE_EVERY == 0:
                    self._announce()
            except Exception:  # noqa: BLE001 - the ticker must outlive a busy database
                logger.exception("display ticker failed")

    def _announce(self) -> None:
        views = set(self._views.values())
        if not views:
            return
        with self._hub.uow_factory() as uow:
            seqs = {view: uow.displays.current_seq(view) for view in views}
        for view, seq in seqs.items():
            self._send("tick", {"view": view, "seq": seq})

