"""Store events: each id taken once, refusals named, stock from moves, balances from the ledger."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select

from cloud.db.tables import events, ledger, stock_moves
from cloud.domain import Move, stock_levels
from tests.support.cloud import Hq, loyalty_entry, new_id, order, payment, stock_move


def count(hq: Hq, table, **where) -> int:
    with hq.engine.connect() as conn:
        query = select(func.count()).select_from(table)
        for column, value in where.items():
            query = query.where(table.c[column] == value)
        return conn.execute(query).scalar_one()


def test_an_order_and_its_payment_are_committed_once_and_a_repeat_is_already_committed(hq: Hq):
    store = hq.enrol("berlin")
    batch = [order("O-1"), payment("P-1", "O-1")]
    first = hq.post_events("berlin", store, batch)
    assert first.status_code == 200
    assert [(r["id"], r["outcome"], r["status"]) for r in first.json["results"]] == [
        ("O-1", "committed", 201), ("P-1", "committed", 201)]
    again = hq.post_events("berlin", store, batch)
    assert [(r["id"], r["outcome"], r["status"]) for r in again.json["results"]] == [
        ("O-1", "already_committed", 200), ("P-1", "already_committed", 200)]
    assert count(hq, events, store="berlin") == 2


def test_the_same_id_with_other_content_is_refused_409_and_the_first_stays(hq: Hq):
    store = hq.enrol("berlin")
    hq.post_events("berlin", store, [order("O-1", total=450)])
    reply = hq.post_events("berlin", store, [order("O-1", total=999), order("O-2")])
    first, second = reply.json["results"]
    assert (first["outcome"], first["status"], first["code"], first["retry"]) == ("refused", 409, "conflict", False)
    assert (second["outcome"], second["status"]) == ("committed", 201), "one refusal must not stop the others"
    with hq.engine.connect() as conn:
        body = conn.execute(select(events.c.body).where(events.c.id == "O-1")).scalar_one()
    assert body["total"]["amount"] == 450


def test_the_same_content_in_another_key_order_and_time_notation_is_the_same_event(hq: Hq):
    store = hq.enrol("berlin")
    original = order("O-1")
    hq.post_events("berlin", store, [original])
    reordered = dict(reversed(list(original.items())))
    reordered["placed_at"] = "2026-12-07T10:00:00+01:00"  # the same instant as 09:00Z
    assert hq.post_events("berlin", store, [reordered]).json["results"][0]["outcome"] == "already_committed"


def test_ids_belong_to_their_store(hq: Hq):
    berlin, hamburg = hq.enrol("berlin"), hq.enrol("hamburg")
    hq.post_events("berlin", berlin, [order("O-1", total=450)])
    reply = hq.post_events("hamburg", hamburg, [order("O-1", total=700)])
    assert reply.json["results"][0]["outcome"] == "committed"
    assert count(hq, events, id="O-1") == 2


def test_a_payment_before_its_order_is_refused_for_now_and_taken_after_it(hq: Hq):
    store = hq.enrol("berlin")
    early = hq.post_events("berlin", store, [payment("P-1", "O-1")]).json["results"][0]
    assert (early["outcome"], early["code"], early["retry"], early["field"]) == ("refused", "order_unknown", True, "order_id")
    assert count(hq, events) == 0
    hq.post_events("berlin", store, [order("O-1")])
    assert hq.post_events("berlin", store, [payment("P-1", "O-1")]).json["results"][0]["outcome"] == "committed"


def test_an_invalid_event_is_refused_naming_its_field_and_the_rest_are_taken(hq: Hq):
    store = hq.enrol("berlin")
    broken = order("O-1")
    broken["lines"][0]["qty"] = 0
    reply = hq.post_events("berlin", store, [broken, {"kind": "teleport", "id": "X-1"}, order("O-2")])
    bad, unknown, good = reply.json["results"]
    assert (bad["id"], bad["status"], bad["code"], bad["field"]) == ("O-1", 422, "invalid_event", "events[0].lines[0].qty")
    assert "greater than or equal to 1" in bad["message"]
    assert (unknown["id"], unknown["status"], unknown["field"]) == ("X-1", 422, "events[1].kind")
    assert good["outcome"] == "committed"
    assert count(hq, events) == 1


def test_a_batch_that_is_not_a_batch_is_refused_whole(hq: Hq):
    store = hq.enrol("berlin")
    reply = hq.client.post("/api/v1/stores/berlin/events", json={"events": []}, headers=store)
    assert reply.status_code == 422 and reply.json["field"] == "events"
    reply = hq.client.post("/api/v1/stores/berlin/events", data="orders!", headers=store)
    assert reply.status_code == 400 and reply.json["code"] == "invalid_json"


def test_stock_per_location_is_the_sum_of_its_moves(hq: Hq):
    berlin, hamburg = hq.enrol("berlin"), hq.enrol("hamburg")
    moves = [
        ("berlin", berlin, stock_move(new_id("m"), "berlin", "BEANS", on_hand=40)),
        ("berlin", berlin, stock_move(new_id("m"), "berlin", "BEANS", on_hand=-3)),
        ("berlin", berlin, stock_move(new_id("m"), "berlin", "BEANS", reserved=2)),
        ("berlin", berlin, stock_move(new_id("m"), "berlin/backroom", "BEANS", on_hand=12, in_transit=6)),
        ("berlin", berlin, stock_move(new_id("m"), "berlin", "MILK", on_hand=10)),
        ("hamburg", hamburg, stock_move(new_id("m"), "hamburg", "BEANS", on_hand=7)),
    ]
    for store, headers, move in moves:
        assert hq.post_events(store, headers, [move]).json["results"][0]["outcome"] == "committed"
    hq.post_events("berlin", berlin, [moves[0][2]])  # a repeat counts once

    expected = [
        {"location": lv.location, "sku": lv.sku, "on_hand": lv.on_hand, "reserved": lv.reserved,
         "in_transit": lv.in_transit, "available": lv.available}
        for lv in stock_levels(Move(m["location"], m["sku"], m.get("on_hand", 0), m.get("reserved", 0),
                                    m.get("in_transit", 0)) for _, _, m in moves)
        if lv.sku == "BEANS"
    ]
    across = hq.client.get("/api/v1/stock/BEANS", headers=hq.admin()).json["levels"]
    assert across == expected
    assert across == [
        {"location": "berlin", "sku": "BEANS", "on_hand": 37, "reserved": 2, "in_transit": 0, "available": 35},
        {"location": "berlin/backroom", "sku": "BEANS", "on_hand": 12, "reserved": 0, "in_transit": 6, "available": 12},
        {"location": "hamburg", "sku": "BEANS", "on_hand": 7, "reserved": 0, "in_transit": 0, "available": 7},
    ]
    own = hq.client.get("/api/v1/stores/hamburg/stock", headers=hamburg).json["levels"]
    assert [(lv["location"], lv["sku"], lv["on_hand"]) for lv in own] == [("hamburg", "BEANS", 7)]


def test_a_store_moves_stock_only_at_its_own_locations(hq: Hq):
    berlin = hq.enrol("berlin")
    hq.enrol("hamburg")
    result = hq.post_events("berlin", berlin, [stock_move("m-1", "hamburg", "BEANS", on_hand=-5)]).json["results"][0]
    assert (result["status"], result["code"], result["field"]) == (403, "not_your_location", "location")
    result = hq.post_events("berlin", berlin, [stock_move("m-2", "berlinale", "BEANS", on_hand=1)]).json["results"][0]
    assert result["code"] == "not_your_location"
    assert count(hq, stock_moves) == 0


def test_a_balance_is_the_sum_of_the_ledger_from_every_store_and_stores_read_it(hq: Hq):
    berlin, hamburg = hq.enrol("berlin"), hq.enrol("hamburg")
    hq.put("members", {"member_id": "L-1001", "name": "Ada", "tier": "gold", "phone": "+4930123"})
    entries = [("berlin", berlin, 120), ("hamburg", hamburg, 80), ("berlin", berlin, -150), ("hamburg", hamburg, 35)]
    for minute, (store, headers, points) in enumerate(entries):
        entry = loyalty_entry(new_id("e"), "L-1001", points, minutes=minute)
        assert hq.post_events(store, headers, [entry, entry]).json["results"][1]["outcome"] == "already_committed"

    member = hq.client.get("/api/v1/hq/members/L-1001", headers=hq.admin()).json
    with hq.engine.connect() as conn:
        ledger_sum = conn.execute(select(func.sum(ledger.c.points)).where(ledger.c.member_id == "L-1001")).scalar_one()
    assert member["balance"] == ledger_sum == 85
    assert [line["points"] for line in member["ledger"]] == [120, 80, -150, 35]
    published = [c["body"] for c in hq.read_all("hamburg", "loyalty", hamburg) if c["key"] == "L-1001"]
    assert [body["balance"] for body in published] == [0, 120, 200, 50, 85], "every ledger change reaches every store"
    assert published[-1] | {"balance": 0} == {"member_id": "L-1001", "name": "Ada", "tier": "gold", "phone": "+4930123",
                                              "balance": 0}


def test_a_loyalty_entry_for_no_member_is_refused(hq: Hq):
    store = hq.enrol("berlin")
    result = hq.post_events("berlin", store, [loyalty_entry("e-1", "L-404", 10)]).json["results"][0]
    assert (result["status"], result["code"], result["field"]) == (422, "member_unknown", "member_id")
    zero = hq.post_events("berlin", store, [loyalty_entry("e-2", "L-404", 0)]).json["results"][0]
    assert zero["code"] == "invalid_event" and "points must not be 0" in zero["message"]


def test_hq_adds_its_own_ledger_entry_once_and_every_store_reads_the_new_balance(hq: Hq):
    berlin = hq.enrol("berlin")
    hq.put("members", {"member_id": "L-1", "name": "Ada"})
    hq.post_events("berlin", berlin, [loyalty_entry("e-1", "L-1", 40)])
    goodwill = loyalty_entry("g-1", "L-1", 100, minutes=5)
    first = hq.client.post("/api/v1/hq/ledger", json=goodwill, headers=hq.admin())
    assert first.status_code == 201 and first.json["outcome"] == "committed"
    again = hq.client.post("/api/v1/hq/ledger", json=goodwill, headers=hq.admin())
    assert again.status_code == 200 and again.json["outcome"] == "already_committed"
    changed = hq.client.post("/api/v1/hq/ledger", json=goodwill | {"points": 500}, headers=hq.admin())
    assert changed.status_code == 409 and changed.json["code"] == "conflict"
    nobody = hq.client.post("/api/v1/hq/ledger", json=loyalty_entry("g-2", "L-404", 5), headers=hq.admin())
    assert nobody.status_code == 422 and nobody.json["field"] == "member_id"
    assert hq.client.get("/api/v1/hq/members/L-1", headers=hq.admin()).json["balance"] == 140
    assert [c["body"]["balance"] for c in hq.read_all("berlin", "loyalty", berlin)][-1] == 140
    assert hq.client.post("/api/v1/hq/ledger", json=goodwill, headers=berlin).status_code == 403


def test_a_nul_character_is_refused_naming_its_field_and_never_breaks_the_batch(hq: Hq):
    store = hq.enrol("berlin")
    poisoned = order("O-1")
    poisoned["lines"][0]["sku"] = "LAT\x00TE"
    reply = hq.post_events("berlin", store, [poisoned, order("O-2")])
    assert reply.status_code == 200
    bad, good = reply.json["results"]
    assert (bad["status"], bad["field"], good["outcome"]) == (422, "events[0].lines[0].sku", "committed")
    assert "NUL" in bad["message"]
    named = hq.client.put("/api/v1/hq/categories", json={"code": "tea", "names": {"en": "T\x00ea"}}, headers=hq.admin())
    assert named.status_code == 422 and named.json["field"] == "names.en"


def test_a_quantity_past_what_hq_can_keep_is_refused_naming_its_field(hq: Hq):
    store = hq.enrol("berlin")
    hq.put("members", {"member_id": "L-1", "name": "Ada"})
    huge = [loyalty_entry("e-1", "L-1", 2**40), stock_move("m-1", "berlin", "BEANS", on_hand=-(2**40))]
    first, second = hq.post_events("berlin", store, huge).json["results"]
    assert (first["status"], first["field"]) == (422, "events[0].points")
    assert (second["status"], second["field"]) == (422, "events[1].on_hand")


def test_a_closed_day_is_taken_once_as_the_store_sends_it(hq: Hq):
    """The body is what the hub's end of day puts in its outbox (hub.services.day_books.report_dict)."""
    from hub.domain.day_close import ZReport
    from hub.domain.day_figures import SoldOrder, TakenTender, TaxLine, day_figures
    from hub.services.day_books import report_dict

    sold = [SoldOrder("o1", "A001", "counter", "completed", 405, 405, (TaxLine("VAT19", 1900, 340, 65),))]
    report = ZReport(z_number=7, day="2026-12-07", closed_at=datetime(2026, 12, 7, 22, 5, tzinfo=timezone.utc),
                     closed_by="Morgan", figures=day_figures("EUR", sold, [TakenTender("o1", "cash", 405)], []),
                     drawers=[{"device_id": "counter-1", "expected": 5405, "counted": 5375, "difference": -30,
                               "reason": "coins short"}],
                     cards=[{"terminal": "zvt-1", "lines": [{"what": "sales", "hub": 0, "terminal": 0, "matches": True}]}])
    event = {"kind": "day_close", "id": "day:2026-12-07", **report_dict(report)}
    store = hq.enrol("berlin")
    first = hq.post_events("berlin", store, [event])
    assert [(r["outcome"], r["status"]) for r in first.json["results"]] == [("committed", 201)], first.json
    again = hq.post_events("berlin", store, [event])
    assert [r["outcome"] for r in again.json["results"]] == ["already_committed"]
    assert count(hq, events, store="berlin", kind="day_close") == 1
    changed = hq.post_events("berlin", store, [{**event, "cash_difference": 0}])
    assert [(r["outcome"], r["status"]) for r in changed.json["results"]] == [("refused", 409)]
