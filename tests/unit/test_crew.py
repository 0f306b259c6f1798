"""The demo's simulated crew: its screens follow the hub's changes, its cooks and pickers act as many as they are.

The hub's side is a fake Socket.IO client (the edge of the library): `join` answers with a snapshot,
`action` with ok; changes and ticks go straight into the screen's handlers, as the client delivers them.
"""

from __future__ import annotations

import random
from datetime import datetime, timezone

import pytest

from devices.simulators import crew as crew_module
from devices.simulators import crew_screen
from devices.simulators.crew import Cooks, Pickers
from devices.simulators.crew_screen import Screen


class FakeClient:
    """What the crew asks of socketio.Client: `call` join (a snapshot) and action (ok), each recorded."""

    def __init__(self, cards: list[dict], seq: int = 0) -> None:
        self.cards = cards
        self.seq = seq
        self.calls: list[tuple[str, dict]] = []

    def call(self, event: str, data: dict, namespace: str | None = None, timeout: float | None = None) -> dict:
        self.calls.append((event, data))
        if event == "join":
            return {"ok": True, "view": data["view"], "seq": self.seq, "cards": list(self.cards),
                    "now": datetime.now(timezone.utc).isoformat(), "settings": {}}
        return {"ok": True, "repeated": False}

    def sent(self, event: str) -> list[dict]:
        return [data for name, data in self.calls if name == event]


def card(n: int, status: str = "fired", version: int = 1, prep_s: int = 60, items: list | None = None) -> dict:
    return {"order_id": f"o{n}", "ticket_id": f"t{n}", "number": f"A{n:03}", "rank": [n], "status": status,
            "cancelled": False, "held": False, "fire_at": None, "version": version, "prep_s": prep_s,
            "items": items or [], "pick": items is not None}


def screen_with(view: str, cards: list[dict], seq: int = 0) -> tuple[Screen, FakeClient]:
    screen = Screen("http://hub.invalid", "passline_device=x", view)
    screen._client = FakeClient(cards, seq)
    return screen, screen._client


def test_changes_that_come_out_of_order_are_applied_in_number_order():
    screen, client = screen_with("kds:bar", [card(1)], seq=5)
    assert [c["ticket_id"] for c in screen.cards()] == ["t1"]
    screen._on_change({"view": "kds:bar", "seq": 8, "order_id": "o2", "card": None})
    screen._on_change({"view": "kds:bar", "seq": 7, "order_id": "o3", "card": card(3)})
    screen._on_change({"view": "kds:bar", "seq": 6, "order_id": "o2", "card": card(2)})
    screen._on_change({"view": "kds:bar", "seq": 5, "order_id": "o1", "card": None})  # in the snapshot already
    assert [c["ticket_id"] for c in screen.cards()] == ["t1", "t3"]
    assert len(client.sent("join")) == 1


def test_a_change_that_does_not_come_makes_the_screen_look_again(monkeypatch):
    monkeypatch.setattr(crew_screen, "GAP_WAIT_S", 0.0)
    screen, client = screen_with("kds:bar", [card(1)], seq=5)
    screen.cards()
    screen._on_change({"view": "kds:bar", "seq": 7, "order_id": "o3", "card": card(3)})  # 6 is lost
    client.cards = [card(1), card(2), card(3)]
    assert [c["ticket_id"] for c in screen.cards()] == ["t1", "t2", "t3"]
    assert len(client.sent("join")) == 2


def test_two_ticks_ahead_make_the_screen_look_again():
    screen, client = screen_with("expo", [], seq=3)
    screen.cards()
    screen._on_tick({"view": "expo", "seq": 4})
    screen.cards()
    screen._on_tick({"view": "expo", "seq": 4})
    screen.cards()
    assert len(client.sent("join")) == 2


def test_cooks_start_as_many_tickets_as_they_are_in_queue_order_and_each_once():
    screen, client = screen_with("kds:bar", [card(3), card(1), card(2)])
    cooks = Cooks(screen, 2, random.Random(1))
    cooks.work()
    cooks.work()  # the hub's changes have not come yet: the screen still shows them fired
    assert [(a["kind"], a["ticket_id"]) for a in client.sent("action")] == [("start", "t1"), ("start", "t2")]


def test_a_cook_bumps_a_ticket_after_its_prep_time_and_starts_the_next():
    screen, client = screen_with("kds:bar", [card(1, prep_s=0), card(2, prep_s=0)], seq=1)
    cooks = Cooks(screen, 1, random.Random(1))
    cooks.work()
    screen._on_change({"view": "kds:bar", "seq": 2, "order_id": "o1", "card": card(1, "started", version=2, prep_s=0)})
    cooks.work()
    screen._on_change({"view": "kds:bar", "seq": 3, "order_id": "o1", "card": None})
    cooks.work()
    assert [(a["kind"], a["ticket_id"], a["version"]) for a in client.sent("action")] == [
        ("start", "t1", 1), ("bump", "t1", 2), ("start", "t2", 1)]


def test_pickers_each_take_an_order_and_pick_it_a_unit_at_a_time(monkeypatch):
    monkeypatch.setattr(crew_module, "PICK_UNIT_S", (0.0, 0.0))
    units = [{"line_no": 0, "sku": "MUG", "qty": 2, "picked": 0}]
    screen, client = screen_with("kds:pick-a", [card(n, items=units) for n in (1, 2, 3)])
    pickers = Pickers(screen, 2, random.Random(1))
    pickers.work()
    assert [(a["kind"], a["ticket_id"]) for a in client.sent("action")] == [("pick", "t1"), ("pick", "t2")]


@pytest.mark.parametrize("status", ["queued", "fired"])
def test_a_ticket_for_later_waits_for_its_time(status):
    later = card(1, status) | {"fire_at": "2999-01-01T00:00:00+00:00"}
    screen, client = screen_with("kds:bar", [later])
    Cooks(screen, 5, random.Random(1)).work()
    assert client.sent("action") == []
