"""One simulated kitchen display: a Socket.IO connection on one view, kept as the display pages keep theirs.

Like displays/static/live.js: join the view for a snapshot, then apply the hub's numbered changes in
order (each carries the order's whole card, or none when it left the view); start again from a snapshot
after a reconnect, a gap that does not fill, or ticks that say the hub is further on. The screen is read
locally, so a crew member looking at it costs the hub nothing; only joins and actions go to the hub.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

import socketio

from hub.contracts.displays import NAMESPACE

logger = logging.getLogger(__name__)

CALL_TIMEOUT_S = 10.0
GAP_WAIT_S = 1.0  # changes arrive on threads of their own, so out of order: a missing number has this long to come
TICKS_BEHIND = 2  # ticks in a row with a higher number than ours: a change was lost (as live.js decides)


class Screen:
    """A display on one view (`kds:bar`, `kds:pick-a`, `expo`), enrolled with the display's cookie."""

    def __init__(self, url: str, cookie: str, view: str) -> None:
        self.view = view
        self._url = url
        self._cookie = cookie
        self._client = socketio.Client(reconnection=True, reconnection_delay=1, reconnection_delay_max=5)
        self._lock = threading.Lock()
        self._cards: dict[str, dict] = {}  # order_id -> card
        self._seq = -1
        self._ready = False  # False until a snapshot came, and again after a disconnect or a lost change
        self._early: dict[int, dict] = {}  # changes that came ahead of their turn, by number
        self._gap_since: float | None = None
        self._behind = 0
        self._skew = timedelta(0)
        self.snapshots = 0
        for event, handler in (("connect", self._stale), ("disconnect", self._stale), ("change", self._on_change),
                               ("tick", self._on_tick)):
            self._client.on(event, handler, namespace=NAMESPACE)

    def connect(self) -> None:
        """Connect to `/displays` with the display's cookie."""
        self._client.connect(self._url, headers={"Cookie": self._cookie}, namespaces=[NAMESPACE],
                             transports=["websocket"], wait_timeout=CALL_TIMEOUT_S)

    def close(self) -> None:
        """Disconnect."""
        self._client.disconnect()

    def cards(self) -> list[dict]:
        """Return the view's cards in priority order, joining first for a snapshot when the screen has none."""
        with self._lock:
            if self._gap_since is not None and time.monotonic() - self._gap_since > GAP_WAIT_S:
                self._ready = False
            ready = self._ready
        if not ready:
            self._join()
        with self._lock:
            return sorted(self._cards.values(), key=lambda card: card["rank"])

    def look_again(self) -> None:
        """Take a new snapshot at the next look: a change this screen waits for may be lost."""
        self._stale()

    def now(self) -> datetime:
        """Return the hub's time, as the last snapshot told it."""
        return datetime.now(timezone.utc) + self._skew

    def act(self, kind: str, card: dict, **fields) -> dict:
        """Send an action on a card (ticket actions carry the ticket and the version seen); return the hub's answer."""
        action = {"action_id": uuid.uuid4().hex, "kind": kind, "order_id": card["order_id"], **fields}
        if "ticket_id" in card and kind not in ("expo_bump", "hand_over"):
            action.update(ticket_id=card["ticket_id"], version=None if kind == "pick" else card["version"])
        return self._client.call("action", action, namespace=NAMESPACE, timeout=CALL_TIMEOUT_S) or {}

    def _join(self) -> None:
        with self._lock:
            self._early.clear()
            self._gap_since = None
        snapshot = self._client.call("join", {"view": self.view}, namespace=NAMESPACE, timeout=CALL_TIMEOUT_S)
        if not snapshot or not snapshot.get("ok"):
            raise ValueError(f"no snapshot of {self.view}: {(snapshot or {}).get('reason')}")
        with self._lock:
            self._cards = {card["order_id"]: card for card in snapshot["cards"]}
            self._seq = snapshot["seq"]
            self._skew = datetime.fromisoformat(snapshot["now"]) - datetime.now(timezone.utc)
            self._ready = True
            self._behind = 0
            self.snapshots += 1
            self._apply()

    def _on_change(self, change: dict) -> None:
        if change.get("view") != self.view:
            return
        with self._lock:
            self._early[change["seq"]] = change
            if self._ready:
                self._apply()

    def _apply(self) -> None:
        """Apply the changes that are next in number; note since when one is missing (under the lock)."""
        for seq in [seq for seq in self._early if seq <= self._seq]:
            del self._early[seq]  # already in the snapshot
        while self._seq + 1 in self._early:
            change = self._early.pop(self._seq + 1)
            self._seq = change["seq"]
            if change.get("card"):
                self._cards[change["order_id"]] = change["card"]
            else:
                self._cards.pop(change["order_id"], None)
        if not self._early:
            self._gap_since = None
        elif self._gap_since is None:
            self._gap_since = time.monotonic()

    def _on_tick(self, tick: dict) -> None:
        if tick.get("view") != self.view:
            return
        with self._lock:
            if not self._ready:
                return
            # One tick ahead can be a change still on its way; two in a row means one was lost.
            self._behind = self._behind + 1 if tick["seq"] > self._seq else 0
            if self._behind >= TICKS_BEHIND:
                self._ready = False

    def _stale(self, *_args) -> None:
        with self._lock:
            self._ready = False
