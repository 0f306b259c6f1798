"""The `/displays` namespace over Flask-SocketIO's test client, with the real database and bus."""

from __future__ import annotations

import uuid

from flask import Flask

from displays.i18n import display_strings
from hub.bootstrap import bootstrap
from hub.contracts.displays import NAMESPACE
from hub.domain.access import Role
from hub.domain.device_jobs import RecordDeviceEvent
from hub.domain.kitchen_messages import FireDueTickets
from hub.entrypoints.web.app import create_app
from kiosk.i18n import init_babel
from tests.support.devices import order_data
from tests.support.identities import owner_client, screen_client, screen_socket

BAGEL_AND_LATTE = [{"sku": "LATTE-M", "qty": 1}, {"sku": "BAGEL-SALMON", "qty": 1, "note": "nut allergy"}]


def screen(app, view: str):
    """Connect a display, join a view, and return (client, snapshot)."""
    client = screen_socket(app, NAMESPACE)
    snapshot = client.emit("join", {"view": view}, namespace=NAMESPACE, callback=True)
    assert snapshot["ok"], snapshot
    return client, snapshot


def changes(client) -> list[dict]:
    return [e["args"][0] for e in client.get_received(NAMESPACE) if e["name"] == "change"]


def act(client, kind: str, **fields) -> dict:
    action = {"action_id": fields.pop("action_id", str(uuid.uuid4())), "kind": kind, **fields}
    return client.emit("action", action, namespace=NAMESPACE, callback=True)


def test_a_display_gets_a_snapshot_then_numbered_changes(app, client):
    bar, snapshot = screen(app, "kds:bar")
    assert (snapshot["seq"], snapshot["cards"]) == (0, [])
    data = order_data(lines=BAGEL_AND_LATTE)
    client.post("/api/v1/orders", json=data)
    [change] = changes(bar)
    assert (change["seq"], change["order_id"]) == (1, data["order_id"])
    assert [item["name"] for item in change["card"]["items"]] == ["Latte (medium)"]
    kitchen, kitchen_snapshot = screen(app, "kds:kitchen")
    assert kitchen_snapshot["seq"] == 1
    assert kitchen_snapshot["cards"][0]["items"][0]["allergy"] is True


def test_two_screens_on_one_station_see_the_same_numbers(app, client):
    first, _ = screen(app, "kds:bar")
    client.post("/api/v1/orders", json=order_data())
    client.post("/api/v1/orders", json=order_data())
    second, snapshot = screen(app, "kds:bar")
    seen = changes(first)
    assert [c["seq"] for c in seen] == [1, 2] and snapshot["seq"] == 2
    assert [c["order_id"] for c in snapshot["cards"]] == [c["order_id"] for c in seen]
    act(first, "bump", order_id=seen[0]["order_id"], ticket_id=seen[0]["card"]["ticket_id"], version=seen[0]["card"]["version"])
    on_first, on_second = changes(first), changes(second)
    assert on_first == on_second
    assert [(c["seq"], c["order_id"], c["card"]) for c in on_first] == [(3, seen[0]["order_id"], None)]
    assert screen(app, "kds:bar")[1]["seq"] == 3


def test_the_same_action_twice_changes_nothing(app, client):
    bar, _ = screen(app, "kds:bar")
    client.post("/api/v1/orders", json=order_data())
    [change] = changes(bar)
    card = change["card"]
    action_id = str(uuid.uuid4())
    fields = {"order_id": card["order_id"], "ticket_id": card["ticket_id"], "version": card["version"]}
    assert act(bar, "bump", action_id=action_id, **fields) == {"ok": True, "repeated": False}
    assert [c["card"] for c in changes(bar)] == [None]
    assert act(bar, "bump", action_id=action_id, **fields) == {"ok": True, "repeated": True}
    assert changes(bar) == []


def test_an_action_on_a_changed_ticket_is_refused_with_a_reason(app, client):
    bar, _ = screen(app, "kds:bar")
    client.post("/api/v1/orders", json=order_data())
    card = changes(bar)[0]["card"]
    fields = {"order_id": card["order_id"], "ticket_id": card["ticket_id"], "version": card["version"]}
    assert act(bar, "start", **fields)["ok"] is True
    refused = act(bar, "bump", **fields)
    assert refused["ok"] is False and "changed at bar meanwhile" in refused["reason"]


def test_expo_bump_waits_for_every_station_and_the_board_shows_ready(app, client):
    data = order_data(lines=BAGEL_AND_LATTE)
    client.post("/api/v1/orders", json=data)
    expo, snapshot = screen(app, "expo")
    board, _ = screen(app, "board")
    row = snapshot["cards"][0]
    refused = act(expo, "expo_bump", order_id=data["order_id"])
    assert refused["ok"] is False and "still at bar, kitchen" in refused["reason"]
    for station in row["stations"]:
        assert act(expo, "bump", order_id=data["order_id"], ticket_id=station["ticket_id"])["ok"]
    assert act(expo, "expo_bump", order_id=data["order_id"])["ok"]
    assert changes(board)[-1]["card"]["state"] == "ready"
    assert act(expo, "hand_over", order_id=data["order_id"])["ok"]
    assert changes(board)[-1]["card"] is None
    assert client.get(f"/api/v1/orders/{data['order_id']}").get_json()["status"] == "completed"


def test_cancelled_order_stays_on_the_station_until_cleared(app, client):
    data = order_data()
    client.post("/api/v1/orders", json=data)
    app.config["PASSLINE_HUB"].bus.handle(FireDueTickets())
    bar, snapshot = screen(app, "kds:bar")
    card = snapshot["cards"][0]
    assert act(bar, "cancel", order_id=data["order_id"])["ok"]
    [change] = changes(bar)
    assert change["card"]["cancelled"] is True
    assert act(bar, "bump", order_id=data["order_id"], ticket_id=card["ticket_id"])["ok"]
    assert changes(bar)[0]["card"] is None


def test_numbers_continue_after_a_hub_restart(settings, client, app):
    client.post("/api/v1/orders", json=order_data())
    app.config["PASSLINE_HUB"].bus.handle(FireDueTickets())
    before = screen(app, "kds:bar")[1]["seq"]
    restarted = create_app(hub=bootstrap(settings))
    again, snapshot = screen(restarted, "kds:bar")
    assert snapshot["seq"] == before
    owner_client(restarted).post("/api/v1/orders", json=order_data())
    assert [c["seq"] for c in changes(again)] == [before + 1]


def test_a_serial_bump_bar_key_and_a_scan_reach_their_station(settings):
    (settings.data_dir / "displays.toml").write_text('[bump_bars]\n"bumpbar-1" = "bar"\n[scanners]\n"scanner-1" = "pick-a"\n')
    app = create_app(hub=bootstrap(settings))
    bar, _ = screen(app, "kds:bar")
    pick, _ = screen(app, "kds:pick-a")
    bus = app.config["PASSLINE_HUB"].bus
    bus.handle(RecordDeviceEvent("bumpbar-1", "key.pressed", {"key": "bump", "hardware": "bb"}, str(uuid.uuid4())))
    bus.handle(RecordDeviceEvent("scanner-1", "scan", {"code": "MUG-PASSLINE", "hardware": "wedge"}, str(uuid.uuid4())))
    keys = [e["args"][0] for e in bar.get_received(NAMESPACE) if e["name"] in ("key", "scan")]
    assert keys == [{"view": "kds:bar", "key": "bump", "device_id": "bumpbar-1"}]
    scans = [e["args"][0] for e in pick.get_received(NAMESPACE) if e["name"] in ("key", "scan")]
    assert scans == [{"view": "kds:pick-a", "code": "MUG-PASSLINE", "device_id": "scanner-1"}]


def test_changes_sent_out_of_order_by_two_threads_reach_screens_in_number_order(app):
    bar, _ = screen(app, "kds:bar")
    sockets = app.extensions["passline_displays"]
    for seq in (5, 7, 6, 8):
        sockets.feed("change", {"view": "kds:bar", "seq": seq, "order_id": f"o-{seq}", "card": None})
    assert [c["seq"] for c in changes(bar)] == [5, 6, 7, 8]


def test_a_bad_join_or_action_is_answered_with_the_reason(app):
    client = screen_socket(app, NAMESPACE)
    assert "no view 'fridge'" in client.emit("join", {"view": "fridge"}, namespace=NAMESPACE, callback=True)["reason"]
    refused = act(client, "bump", order_id=str(uuid.uuid4()))
    assert refused == {"ok": False, "reason": "ticket_id is required for bump", "code": "invalid_payload",
                       "words": {"key": "bad_request", "values": {}}}
    refused = act(client, "teleport", order_id=str(uuid.uuid4()))
    assert refused["ok"] is False and refused["field"] == "kind"


def page_words(ack: dict, lang: str) -> str:
    """Return what a display in a language shows for a refusal: the words for its key (else its code), never its reason."""
    bare = Flask(__name__)
    init_babel(bare)
    with bare.test_request_context():
        strings = display_strings(lang)
    words = ack.get("words") or {"key": ack["code"], "values": {}}
    text = strings[f"refused_{words['key']}"]  # a KeyError here: a refusal the pages have no words for
    values = dict(words["values"])
    if "order_status" in values:
        values["order_status"] = strings[f"order_status_{values['order_status']}"]
    return text.format(**values)


def test_every_refusal_a_display_can_get_is_in_words_the_page_has_in_english_and_german(app, client):
    expo, _ = screen(app, "expo")
    refusals = {
        "unknown view": expo.emit("join", {"view": "fridge"}, namespace=NAMESPACE, callback=True),
        "bad join": expo.emit("join", {"view": 7}, namespace=NAMESPACE, callback=True),
        "bad action": act(expo, "teleport", order_id=str(uuid.uuid4())),
        "missing field": act(expo, "pick", order_id=str(uuid.uuid4()), ticket_id="t"),
        "no such order": act(expo, "rush", order_id=str(uuid.uuid4())),
        "recent without a station": expo.emit("recent", {"view": "expo"}, namespace=NAMESPACE, callback=True),
    }
    data = order_data()
    client.post("/api/v1/orders", json=data)
    refusals["not ready"] = act(expo, "hand_over", order_id=data["order_id"])
    assert act(expo, "cancel", order_id=data["order_id"])["ok"]
    refusals["cancelled twice"] = act(expo, "cancel", order_id=data["order_id"])
    board = screen_socket(app, NAMESPACE, screen_client(app, "board-1", Role.BOARD))  # may watch, not act
    refusals["not allowed"] = act(board, "rush", order_id=data["order_id"])

    assert all(ack["ok"] is False and ack["code"] for ack in refusals.values()), refusals
    german = {what: page_words(ack, "de") for what, ack in refusals.items()}
    english = {what: page_words(ack, "en") for what, ack in refusals.items()}
    assert german["unknown view"] == "„fridge“ ist keine Anzeige: bitte die Adresse dieses Bildschirms prüfen"
    assert german["not ready"] == f"Bestellung {data_number(refusals['not ready'])} ist angenommen, nicht abholbereit"
    assert english["cancelled twice"].endswith("is already cancelled")
    assert german["not allowed"].startswith("Dieser Bildschirm darf das nicht")
    assert all(german[what] != english[what] for what in refusals)


def data_number(ack: dict) -> str:
    return ack["words"]["values"]["number"]


def test_expo_holds_a_waiting_course_and_fires_it(app, client):
    data = order_data(lines=BAGEL_AND_LATTE)
    client.post("/api/v1/orders", json=data)
    bar, snapshot = screen(app, "kds:bar")
    card = snapshot["cards"][0]
    assert card["status"] == "queued" and card["fire_at"] > card["accepted_at"]  # the bagel takes longer
    assert act(bar, "hold", order_id=data["order_id"], ticket_id=card["ticket_id"], version=card["version"])["ok"]
    held = changes(bar)[-1]["card"]
    assert held["held"] is True
    assert act(bar, "bump", order_id=data["order_id"], ticket_id=card["ticket_id"])["reason"].endswith("it cannot be bumped")
    assert act(bar, "fire", order_id=data["order_id"], ticket_id=card["ticket_id"], version=held["version"])["ok"]
    fired = changes(bar)[-1]["card"]
    assert (fired["status"], fired["held"]) == ("fired", False)


def test_recent_lists_bumped_tickets_and_recall_brings_one_back(app, client):
    data = order_data()
    client.post("/api/v1/orders", json=data)
    bar, snapshot = screen(app, "kds:bar")
    card = snapshot["cards"][0]
    act(bar, "bump", order_id=data["order_id"], ticket_id=card["ticket_id"], version=card["version"])
    recent = bar.emit("recent", {"view": "kds:bar"}, namespace=NAMESPACE, callback=True)["tickets"]
    assert [(t["number"], t["items"]) for t in recent] == [(card["number"], ["2× Latte (medium)"])]
    assert act(bar, "recall", order_id=data["order_id"], ticket_id=recent[0]["ticket_id"], version=recent[0]["version"])["ok"]
    assert changes(bar)[-1]["card"]["status"] == "started"
    assert bar.emit("recent", {"view": "kds:bar"}, namespace=NAMESPACE, callback=True)["tickets"] == []
