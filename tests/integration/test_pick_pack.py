"""Pick-pack over the `/displays` namespace with the real SQLite hub: pick, short-pick, pack, ready, hand over."""

from __future__ import annotations

import re
import uuid

from hub.contracts.displays import NAMESPACE
from tests.integration.test_display_protocol import act, changes, screen
from tests.support.devices import order_data


def stock(client) -> dict[str, tuple[int, int]]:
    """Return sku -> (on hand, reserved) as the stock API shows it."""
    return {row["sku"]: (row["on_hand"], row["reserved"]) for row in client.get("/api/v1/stock").get_json()["stock"]}


def pickup(client, *lines: dict) -> dict:
    data = order_data(origin="app", fulfilment="pickup", lines=list(lines))
    reply = client.post("/api/v1/orders", json=data)
    assert reply.status_code in (200, 201), reply.get_json()
    return reply.get_json()


def card_of(view_client, app, view: str, order_id: str) -> dict | None:
    _, snapshot = screen(app, view)
    return next((c for c in snapshot["cards"] if c["order_id"] == order_id), None)


def basket_total(client, lines: list[dict]) -> int:
    reply = client.post("/api/v1/baskets/price", json={"channel": "app", "lines": lines})
    assert reply.status_code == 200, reply.get_json()
    return reply.get_json()["total"]["amount"]


def line(card: dict, sku: str) -> dict:
    return next(item for item in card["items"] if item["sku"] == sku)


def pick(screen_client, card: dict, sku: str) -> dict:
    item = line(card, sku)
    return act(screen_client, "pick", order_id=card["order_id"], ticket_id=card["ticket_id"], line_no=item["line_no"], sku=sku)


def test_a_pick_card_has_bins_barcodes_and_needs_one_pick_per_unit(app, client):
    zone, _ = screen(app, "kds:pick-a")
    order = pickup(client, {"sku": "MUG-PASSLINE", "qty": 2}, {"sku": "BEANS-HOUSE-250", "qty": 1})
    card = changes(zone)[-1]["card"]
    assert card["pick"] is True and card["total"]["amount"] == 2 * 1490 + 1290
    assert [(i["sku"], i["bin"], i["gtin"], i["picked"]) for i in card["items"]] == [
        ("MUG-PASSLINE", "A-12", "4001234000039", 0), ("BEANS-HOUSE-250", "A-03", "4001234000015", 0)]
    assert pick(zone, card, "MUG-PASSLINE")["ok"]
    card = card_of(zone, app, "kds:pick-a", order["order_id"])
    assert line(card, "MUG-PASSLINE")["picked"] == 1
    refused = act(zone, "pack", order_id=card["order_id"], ticket_id=card["ticket_id"], version=card["version"])
    assert refused == {"ok": False, "reason": f"order {order['number']}: 1× Passline mug not picked yet; pick it or mark it short",
                       "field": "ticket_id", "code": "refused",
                       "words": {"key": "not_picked", "values": {"number": order["number"], "qty": 1, "name": "Passline mug"}}}
    assert pick(zone, card, "MUG-PASSLINE")["ok"]
    third = pick(zone, card, "MUG-PASSLINE")
    assert third["ok"] is False and "all 2× Passline mug" in third["reason"]
    assert pick(zone, card, "BEANS-HOUSE-250")["ok"]
    card = card_of(zone, app, "kds:pick-a", order["order_id"])
    assert act(zone, "pack", order_id=card["order_id"], ticket_id=card["ticket_id"], version=card["version"])["ok"]
    packed = card_of(zone, app, "kds:pick-a", order["order_id"])
    assert packed["status"] == "done"  # packed: it stays on the pick list until handed over


def test_short_pick_remove_reprices_like_the_basket_api_and_releases_stock(app, client):
    zone, _ = screen(app, "kds:pick-a")
    expo, _ = screen(app, "expo")
    before = stock(client)
    order = pickup(client, {"sku": "BEANS-DECAF-250", "qty": 2}, {"sku": "MUG-PASSLINE", "qty": 1})
    assert stock(client)["BEANS-DECAF-250"] == (before["BEANS-DECAF-250"][0], before["BEANS-DECAF-250"][1] + 2)
    card = card_of(zone, app, "kds:pick-a", order["order_id"])
    assert pick(zone, card, "BEANS-DECAF-250")["ok"]
    card = card_of(zone, app, "kds:pick-a", order["order_id"])
    short = {"order_id": card["order_id"], "ticket_id": card["ticket_id"], "line_no": line(card, "BEANS-DECAF-250")["line_no"],
             "remedy": "remove", "version": card["version"]}
    action_id = str(uuid.uuid4())
    changes(zone), changes(expo)
    assert act(zone, "short", action_id=action_id, **short) == {"ok": True, "repeated": False}
    assert act(zone, "short", action_id=action_id, **short) == {"ok": True, "repeated": True}
    card = card_of(zone, app, "kds:pick-a", order["order_id"])
    assert [(i["sku"], i["qty"], i["picked"]) for i in card["items"]] == [("BEANS-DECAF-250", 1, 1), ("MUG-PASSLINE", 1, 0)]
    assert card["changes"] == ["removed 1× Decaf beans 250 g (not found)"]
    assert card["total"]["amount"] == basket_total(client, [{"sku": "BEANS-DECAF-250", "qty": 1}, {"sku": "MUG-PASSLINE", "qty": 1}])
    assert [c["card"]["changes"] for c in changes(expo)] == [["removed 1× Decaf beans 250 g (not found)"]]
    assert stock(client)["BEANS-DECAF-250"] == (before["BEANS-DECAF-250"][0], before["BEANS-DECAF-250"][1] + 1)
    fetched = client.get(f"/api/v1/orders/{order['order_id']}").get_json()
    assert fetched["total"]["amount"] == card["total"]["amount"]
    stale = act(zone, "short", **{**short, "version": short["version"]})
    assert stale["ok"] is False and "changed" in stale["reason"]
    # Pick the rest, pack, ready, hand over: the sold units leave the shelf.
    assert pick(zone, card, "MUG-PASSLINE")["ok"]
    card = card_of(zone, app, "kds:pick-a", order["order_id"])
    assert act(zone, "pack", order_id=card["order_id"], ticket_id=card["ticket_id"], version=card["version"])["ok"]
    assert act(zone, "expo_bump", order_id=order["order_id"])["ok"]
    assert card_of(zone, app, "kds:pick-a", order["order_id"])["order_status"] == "ready"
    assert act(zone, "hand_over", order_id=order["order_id"])["ok"]
    assert card_of(zone, app, "kds:pick-a", order["order_id"]) is None
    assert stock(client)["BEANS-DECAF-250"] == (before["BEANS-DECAF-250"][0] - 1, before["BEANS-DECAF-250"][1])


def test_short_pick_substitute_by_barcode_reserves_the_substitute(app, client):
    zone, _ = screen(app, "kds:pick-a")
    before = stock(client)
    order = pickup(client, {"sku": "BEANS-DECAF-250", "qty": 1}, {"sku": "MUG-PASSLINE", "qty": 1})
    card = card_of(zone, app, "kds:pick-a", order["order_id"])
    ack = act(zone, "short", order_id=card["order_id"], ticket_id=card["ticket_id"], version=card["version"],
              line_no=line(card, "BEANS-DECAF-250")["line_no"], remedy="substitute", substitute="4001234000015")
    assert ack["ok"], ack
    card = card_of(zone, app, "kds:pick-a", order["order_id"])
    assert [(i["sku"], i["qty"], i["picked"], i["bin"]) for i in card["items"]] == [
        ("MUG-PASSLINE", 1, 0, "A-12"), ("BEANS-HOUSE-250", 1, 1, "A-03")]
    assert card["changes"] == ["1× Decaf beans 250 g replaced by 1× House blend beans 250 g"]
    assert card["total"]["amount"] == basket_total(client, [{"sku": "MUG-PASSLINE", "qty": 1}, {"sku": "BEANS-HOUSE-250", "qty": 1}])
    after = stock(client)
    assert after["BEANS-DECAF-250"] == before["BEANS-DECAF-250"]
    assert after["BEANS-HOUSE-250"] == (before["BEANS-HOUSE-250"][0], before["BEANS-HOUSE-250"][1] + 1)
    unknown = act(zone, "short", order_id=card["order_id"], ticket_id=card["ticket_id"], version=card["version"],
                  line_no=line(card, "MUG-PASSLINE")["line_no"], remedy="substitute", substitute="4006381333931")
    assert unknown == {"ok": False, "reason": "no item with SKU or barcode 4006381333931", "field": "substitute",
                       "code": "refused", "words": {"key": "no_item", "values": {"code": "4006381333931"}}}


def test_short_pick_of_a_serial_tracked_item_puts_its_serial_back(app, client, hub):
    zone, _ = screen(app, "kds:pick-b")
    order = pickup(client, {"sku": "GRINDER-HAND", "qty": 1}, {"sku": "TUMBLER", "qty": 1})

    def serials(status):
        with hub.uow_factory() as uow:
            return uow.commerce.serials("GRINDER-HAND", uow.catalog().location or "store", status)

    assert serials("reserved") == ["HG-0001"]
    card = card_of(zone, app, "kds:pick-b", order["order_id"])
    ack = act(zone, "short", order_id=card["order_id"], ticket_id=card["ticket_id"], version=card["version"],
              line_no=line(card, "GRINDER-HAND")["line_no"], remedy="remove")
    assert ack["ok"], ack
    assert serials("reserved") == [] and serials("in_stock") == ["HG-0001", "HG-0002", "HG-0003"]
    assert stock(client)["GRINDER-HAND"] == (3, 0)
    card = card_of(zone, app, "kds:pick-b", order["order_id"])
    assert card["total"]["amount"] == basket_total(client, [{"sku": "TUMBLER", "qty": 1}])
    last = act(zone, "short", order_id=card["order_id"], ticket_id=card["ticket_id"], version=card["version"],
               line_no=line(card, "TUMBLER")["line_no"], remedy="remove")
    assert last["ok"] is False and "cancel the order instead" in last["reason"]


def test_pick_actions_missing_their_fields_are_refused_with_a_reason(app, client):
    zone, _ = screen(app, "kds:pick-a")
    order = pickup(client, {"sku": "MUG-PASSLINE", "qty": 1}, {"sku": "BEANS-HOUSE-250", "qty": 1})
    card = card_of(zone, app, "kds:pick-a", order["order_id"])
    ticket = {"order_id": card["order_id"], "ticket_id": card["ticket_id"]}
    bad = {"ok": False, "code": "invalid_payload", "words": {"key": "bad_request", "values": {}}}
    assert act(zone, "pick", **ticket) == {"reason": "line_no is required for pick", **bad}
    assert act(zone, "short", line_no=0, **ticket) == {"reason": "remedy (remove or substitute) is required for short", **bad}
    assert act(zone, "short", line_no=0, remedy="substitute", **ticket) == {
        "reason": "substitute (a SKU or barcode) is required to substitute", **bad}
    wrong = act(zone, "short", line_no=0, remedy="drop", **ticket)
    assert wrong["ok"] is False and wrong["field"] == "remedy"


def test_a_refused_substitute_changes_neither_the_order_nor_the_stock(app, client):
    zone, _ = screen(app, "kds:pick-a")
    qty = 99
    while qty > 0:  # sell every House blend so the substitute has none left
        taken = client.post("/api/v1/orders", json=order_data(origin="app", fulfilment="pickup",
                                                             lines=[{"sku": "BEANS-HOUSE-250", "qty": qty}]))
        if taken.status_code in (200, 201):
            continue
        left = re.search(r"has only (\d+) left", taken.get_json()["message"])
        qty = int(left.group(1)) if left else 0
    order = pickup(client, {"sku": "BEANS-DECAF-250", "qty": 2}, {"sku": "MUG-PASSLINE", "qty": 1})
    card = card_of(zone, app, "kds:pick-a", order["order_id"])
    decaf_before = stock(client)["BEANS-DECAF-250"]
    for _ in range(2):  # a refused action may be tried again: still nothing moves
        ack = act(zone, "short", order_id=card["order_id"], ticket_id=card["ticket_id"], version=card["version"],
                  line_no=line(card, "BEANS-DECAF-250")["line_no"], remedy="substitute", substitute="BEANS-HOUSE-250")
        assert ack["ok"] is False and "sold out" in ack["reason"]
        assert stock(client)["BEANS-DECAF-250"] == decaf_before
    after = card_of(zone, app, "kds:pick-a", order["order_id"])
    assert [(i["sku"], i["qty"]) for i in after["items"]] == [(i["sku"], i["qty"]) for i in card["items"]]
