"""Kitchen displays, expo and the board in Chromium, fed by orders sent over MQTT to the real hub."""

from __future__ import annotations

import json
import queue
import re

from playwright.sync_api import expect

from hub.contracts.envelope import envelope

from tests.support.browser import screenshot
from tests.support.devices import TestDevice, order_data


def send(kiosk, *lines: dict, **fields) -> str:
    """Send an order over MQTT, wait until it is accepted, and return its number."""
    kiosk.submit(order_data(lines=list(lines), **fields))
    reply = kiosk.reply()
    assert reply["type"] == "order.accepted", reply
    return reply["data"]["number"]


def latte() -> dict:
    return {"sku": "LATTE-M", "qty": 1}


def numbers(page):
    return page.locator(".card .number")


def test_orders_over_mqtt_appear_on_their_stations_in_priority_order(open_display, kiosk):
    bar = open_display("/displays/kds/bar")
    kitchen = open_display("/displays/kds/kitchen")
    slow = send(kiosk, latte())
    quick = send(kiosk, {"sku": "ESPRESSO", "qty": 1})  # due sooner: a shorter prep
    rushed = send(kiosk, latte(), rush=True)
    both = send(kiosk, {"sku": "BAGEL-SALMON", "qty": 1, "note": "nut allergy"}, {"sku": "TEA-EARLGREY", "qty": 2})
    expect(numbers(bar)).to_have_text([rushed, quick, slow, both])
    expect(numbers(kitchen)).to_have_text([both])
    expect(kitchen.locator(".card .allergy-mark")).to_have_count(1)
    expect(bar.locator(".card.rush .number")).to_have_text([rushed])
    expect(bar.locator("#allday")).to_contain_text("Latte (medium)")
    pick = open_display("/displays/pick/pick-a")
    send(kiosk, {"sku": "MUG-PASSLINE", "qty": 1})
    expect(pick.locator(".card .item")).to_have_count(1)
    for name, page in (("kds-bar", bar), ("kds-kitchen", kitchen), ("pick-a", pick)):
        screenshot(page, name)


def test_bump_each_station_then_expo_and_the_board_shows_it_ready(open_display, kiosk):
    bar = open_display("/displays/kds/bar")
    kitchen = open_display("/displays/kds/kitchen")
    expo = open_display("/displays/expo")
    board = open_display("/displays/board")
    number = send(kiosk, latte(), {"sku": "BAGEL-SALMON", "qty": 1})
    expect(board.locator("#preparing .num")).to_have_text([number])
    expo.locator(f"tr[data-number='{number}'] .expo-bump").click()
    expect(expo.locator("#notice")).to_contain_text("still at bar, kitchen")
    bar.locator(f".card[data-number='{number}'] .bump").click()
    kitchen.locator(f".card[data-number='{number}'] .bump").click()
    expect(numbers(bar)).to_have_count(0)
    expect(expo.locator(f"tr[data-number='{number}'] .state")).to_have_text("all done")
    screenshot(expo, "expo")
    expo.locator(f"tr[data-number='{number}'] .expo-bump").click()
    expect(board.locator("#ready .num")).to_have_text([number])
    expect(board.locator("#preparing .num")).to_have_count(0)
    screenshot(board, "board")
    topic, payload = _next_broadcast(kiosk)
    assert topic.endswith("/broadcast/ready") and json.loads(payload)["data"]["number"] == number
    expo.locator(f"tr[data-number='{number}'] .hand-over").click()
    expect(board.locator("#ready .num")).to_have_count(0)


def _next_broadcast(kiosk):
    while True:
        try:
            topic, payload = kiosk.received.get(timeout=10)
        except queue.Empty:
            raise AssertionError("no ready broadcast within 10 s") from None
        if "/broadcast/" in topic:
            return topic, payload


def test_a_display_cut_off_shows_exactly_the_right_tickets_when_it_is_back(open_display, kiosk):
    cut = open_display("/displays/kds/bar")
    other = open_display("/displays/kds/bar")
    expo = open_display("/displays/expo")
    first, second = send(kiosk, latte()), send(kiosk, latte())
    expect(numbers(cut)).to_have_text([first, second])

    cut.context.set_offline(True)
    cut.evaluate("display.socket.io.engine.close()")  # the Wi-Fi drops: the socket goes with it
    expect(cut.locator("#link")).to_have_attribute("data-state", "offline")
    third = send(kiosk, latte())
    other.locator(f".card[data-number='{first}'] .bump").click()
    expo.on("dialog", lambda dialog: dialog.accept())
    expo.locator(f"tr[data-number='{second}'] .cancel").click()
    expect(numbers(other)).to_have_text([second, third])
    expect(cut.locator("#link")).to_have_attribute("data-state", "offline")
    expect(numbers(cut)).to_have_text([first, second])  # what it knew when it was cut off

    cut.context.set_offline(False)
    expect(cut.locator("#link")).to_have_attribute("data-state", "live", timeout=15_000)
    expect(numbers(cut)).to_have_text([second, third])
    expect(cut.locator(".card.cancelled .number")).to_have_text([second])
    expect(cut.locator("body")).to_have_attribute("data-seq", other.locator("body").get_attribute("data-seq"))
    screenshot(cut, "kds-bar-after-reconnect")


def test_two_screens_on_one_station_agree(open_display, kiosk):
    left = open_display("/displays/kds/bar")
    right = open_display("/displays/kds/bar")
    sent = [send(kiosk, latte(), {"sku": "TEA-EARLGREY", "qty": 1}) for _ in range(4)]
    left.locator(f".card[data-number='{sent[1]}'] .bump").click()
    right.locator(f".card[data-number='{sent[2]}'] .item").first.click()
    expected = [sent[0], sent[2], sent[3]]
    expect(numbers(left)).to_have_text(expected)
    expect(numbers(right)).to_have_text(expected)
    for page in (left, right):
        expect(page.locator(".item.bumped .name")).to_have_text(["Latte (medium)"])
        expect(page.locator(f".card[data-number='{sent[2]}'] .item.bumped")).to_have_count(1)
    expect(left.locator("body")).to_have_attribute("data-seq", right.locator("body").get_attribute("data-seq"))


def test_the_same_action_twice_is_applied_once(open_display, kiosk):
    bar = open_display("/displays/kds/bar")
    number = send(kiosk, latte())
    expect(numbers(bar)).to_have_text([number])
    acks = bar.evaluate("""async () => {
        const card = display.sorted()[0];
        const action = {action_id: "same-action-0001", kind: "start", order_id: card.order_id,
                        ticket_id: card.ticket_id, version: card.version};
        return [await display.send(action), await display.send(action)];
    }""")
    assert acks == [{"ok": True, "repeated": False}, {"ok": True, "repeated": True}]
    stale = bar.evaluate("""async () => {
        const card = display.sorted()[0];
        return display.act("bump", {order_id: card.order_id, ticket_id: card.ticket_id, version: card.version - 1});
    }""")
    assert stale["ok"] is False and "changed at bar meanwhile" in stale["reason"]
    expect(bar.locator("#notice")).to_contain_text("changed at bar meanwhile")


def test_keyboard_bump_bar_selects_bumps_and_recalls(open_display, kiosk):
    bar = open_display("/displays/kds/bar")
    first, second, third = (send(kiosk, latte()) for _ in range(3))
    expect(numbers(bar)).to_have_text([first, second, third])
    bar.keyboard.press("2")
    expect(bar.locator(".card.selected .number")).to_have_text(second)
    bar.keyboard.press("Enter")
    expect(numbers(bar)).to_have_text([first, third])
    bar.keyboard.press("ArrowRight")
    expect(bar.locator(".card.selected .number")).to_have_text(third)
    bar.keyboard.press("r")
    expect(numbers(bar)).to_have_text([first, second, third])


def test_pick_list_picks_an_item_by_scanning_its_barcode(open_display, kiosk):
    pick = open_display("/displays/pick/pick-a")
    number = send(kiosk, {"sku": "MUG-PASSLINE", "qty": 1}, {"sku": "BEANS-HOUSE-250", "qty": 2})
    expect(numbers(pick)).to_have_text([number])
    pick.locator("#scan").fill("mug-passline")  # a keyboard-wedge scanner types the code and Enter
    pick.locator("#scan").press("Enter")
    expect(pick.locator(".item.bumped .name")).to_have_text(["Passline mug"])
    pick.locator("#scan").fill("NOT-HERE")
    pick.locator("#scan").press("Enter")
    expect(pick.locator("#notice")).to_contain_text("nothing to pick for NOT-HERE")
    for picked in ("1/2", "2/2"):  # a line of two needs two scans
        pick.locator("#scan").fill("BEANS-HOUSE-250")
        pick.locator("#scan").press("Enter")
        expect(pick.locator(".item .qty")).to_have_text([picked, "1/1"])  # bin A-03 before A-12
    expect(pick.locator(".card .pack")).to_be_enabled()


def test_a_display_is_right_again_after_the_hub_restarts(open_display, hub, kiosk):
    bar = open_display("/displays/kds/bar")
    first = send(kiosk, latte())
    expect(numbers(bar)).to_have_text([first])
    seq_before = int(bar.locator("body").get_attribute("data-seq"))
    hub.stop()
    expect(bar.locator("#link")).to_have_attribute("data-state", "offline")
    hub.start()
    kiosk.close()
    again = TestDevice(hub.device_url, hub.store, "kiosk-2")
    try:
        second = send(again, latte())
    finally:
        again.close()
    expect(bar.locator("#link")).to_have_attribute("data-state", "live", timeout=15_000)
    expect(numbers(bar)).to_have_text([first, second])
    assert int(bar.locator("body").get_attribute("data-seq")) > seq_before


def test_a_serial_bump_bar_behind_an_agent_bumps_on_its_station(open_display, hub, kiosk):
    bar = open_display("/displays/kds/bar")
    first, second, third = (send(kiosk, latte()) for _ in range(3))
    expect(numbers(bar)).to_have_text([first, second, third])
    bump_bar = TestDevice(hub.device_url, hub.store, "bumpbar-1")
    try:
        for key in ("key2", "bump"):  # as the device agent reports a serial bump bar's keys
            bump_bar.send_raw(json.dumps(envelope("key.pressed", {"hardware": "bb1", "key": key, "station": "bar"})), kind="event")
            assert bump_bar.reply()["type"] != "error"
    finally:
        bump_bar.close()
    expect(numbers(bar)).to_have_text([first, third])


def test_ticket_timers_turn_yellow_then_red_at_the_station_thresholds(open_display, hub):
    hub.stop()
    (hub.data_dir / "displays.toml").write_text("[stations.bar]\nyellow_after_s = 2\nred_after_s = 4\n")
    hub.start()
    bar = open_display("/displays/kds/bar")
    kitchen = open_display("/displays/kds/kitchen")
    counter = TestDevice(hub.device_url, hub.store, "counter-1")
    try:
        number = send(counter, latte(), {"sku": "SOUP-DAY", "qty": 1})
    finally:
        counter.close()
    card = bar.locator(f".card[data-number='{number}']")
    expect(card).to_have_class(re.compile(r"\bage-yellow\b"), timeout=5_000)
    expect(card.locator(".timer")).to_have_css("background-color", "rgb(251, 192, 45)")
    expect(card).to_have_class(re.compile(r"\bage-red\b"), timeout=5_000)
    expect(card).to_have_css("border-top-color", "rgb(229, 57, 53)")
    expect(card.locator(".timer")).to_have_css("background-color", "rgb(229, 57, 53)")
    kitchen_card = kitchen.locator(f".card[data-number='{number}']")
    expect(kitchen_card).not_to_have_class(re.compile(r"\bage-(yellow|red)\b"))  # default 5 and 8 minutes
    expect(kitchen_card.locator(".timer")).to_have_css("background-color", "rgba(0, 0, 0, 0)")


def test_kitchen_display_names_the_modifiers_as_the_printed_ticket_does(open_display, kiosk):
    bar = open_display("/displays/kds/bar")
    number = send(kiosk, {"sku": "LATTE-M", "qty": 1, "modifiers": ["OAT", "SHOT", "DECAF"]})
    mods = bar.locator(f".card[data-number='{number}'] .item .mods")
    expect(mods).to_have_text("Oat milk, Extra shot, Decaf")
    expect(mods).to_be_visible()
    expect(bar.locator(f".card[data-number='{number}']")).not_to_contain_text("OAT")
    screenshot(bar, "kds-bar-modifier-names")


def band(page, number: str):
    return page.locator(f".card[data-number='{number}'] .state-mark")


def test_a_started_ticket_reads_started_on_a_blue_band_across_its_card(open_display, kiosk):
    bar = open_display("/displays/kds/bar")
    bar.set_viewport_size({"width": 1920, "height": 1080})
    waiting, started = send(kiosk, latte()), send(kiosk, latte())
    bar.locator(f".card[data-number='{started}'] .start").click()
    expect(band(bar, started)).to_have_text("Started")
    expect(band(bar, waiting)).to_have_text("New")
    expect(bar.locator(f".card[data-number='{started}'] .start")).to_have_count(0)  # started once is enough
    assert _style(band(bar, started), "backgroundColor") == "rgb(21, 101, 192)"
    assert _style(band(bar, waiting), "backgroundColor") == "rgb(55, 71, 79)"
    assert _style(bar.locator(f".card[data-number='{started}']"), "opacity") == "1"
    assert _style(bar.locator(f".card[data-number='{waiting}']"), "opacity") == "1"
    card_box = bar.locator(f".card[data-number='{started}']").bounding_box()
    band_box = band(bar, started).bounding_box()
    assert band_box["width"] >= card_box["width"] - 8 and band_box["height"] >= 28  # the card's width, in big letters
    assert float(_style(band(bar, started), "fontSize").removesuffix("px")) >= 20
    screenshot(bar, "kds-bar-started")


def _style(locator, prop: str) -> str:
    return locator.evaluate(f"(el) => getComputedStyle(el).{prop}")


def test_the_board_shows_ready_numbers_first_newest_on_top_and_says_how_many_more_are_preparing(open_display, kiosk):
    board = open_display("/displays/board")
    board.set_viewport_size({"width": 1920, "height": 1080})
    expo = open_display("/displays/expo")
    bar = open_display("/displays/kds/bar")
    sent = [send(kiosk, {"sku": "ESPRESSO", "qty": 1}) for _ in range(45)]
    first_ready, then_ready = sent[3], sent[7]
    for number in (first_ready, then_ready):
        bar.locator(f".card[data-number='{number}'] .bump").click()
        expect(expo.locator(f"tr[data-number='{number}'] .state")).to_have_text("all done")
        expo.locator(f"tr[data-number='{number}'] .expo-bump").click()
        expect(board.locator(f"#ready .num[data-number='{number}']")).to_be_visible()
    expect(board.locator("#ready .num")).to_have_text([then_ready, first_ready])
    assert board.locator("#ready").bounding_box()["x"] < board.locator("#preparing").bounding_box()["x"]

    more = board.locator("#preparing-more")
    expect(more).to_be_visible()
    shown = board.locator("#preparing .num").all_inner_texts()
    preparing = [n for n in sent if n not in (first_ready, then_ready)]
    assert shown == list(reversed(preparing))[:len(shown)]  # the newest first
    expect(more).to_have_text(f"+{len(preparing) - len(shown)} more")
    assert 0 < len(shown) < len(preparing)
    for box in [more.bounding_box(), *(n.bounding_box() for n in board.locator("#preparing .num").all())]:
        assert box["y"] >= 0 and box["y"] + box["height"] <= 1080, box  # all of it on the screen, nothing cut
    screenshot(board, "board-more")


def test_the_displays_list_names_every_station_and_shows_no_link_badge(browser, hub):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        hub.enrol_screen(context, "display-index", "display")
        page = context.new_page()
        page.goto(f"{hub.base_url}/displays/")
        expect(page.locator("#stations a")).to_have_text(["bar", "fryer", "grill", "kitchen", "pastry"])
        expect(page.locator("#zones a")).to_have_text(["pick-a", "pick-b"])
        expect(page.locator("#link")).to_have_count(0)
        expect(page.get_by_text("connecting")).to_have_count(0)
        screenshot(page, "displays-index")
        page.locator("#stations a", has_text="grill").click()
        expect(page.locator("#link")).to_have_attribute("data-state", "live")

        reply = page.goto(f"{hub.base_url}/displays/kds/typo")
        assert reply.status == 404
        expect(page.locator("h1")).to_have_text("No station typo")
        expect(page.locator("#unknown")).to_contain_text("This store has no station called “typo”")
        expect(page.locator("#known a")).to_have_text(["bar", "fryer", "grill", "kitchen", "pastry"])
        expect(page.locator("#link")).to_have_count(0)
        expect(page.get_by_text("live", exact=True)).to_have_count(0)
        screenshot(page, "displays-no-such-station")
    finally:
        context.close()


def test_expo_keeps_the_rows_being_read_in_place_when_orders_come_and_go(open_display, kiosk):
    expo = open_display("/displays/expo")
    expo.set_viewport_size({"width": 1920, "height": 1080})
    sent = [send(kiosk, latte()) for _ in range(30)]
    expect(expo.locator("#orders tr")).to_have_count(30)
    reading = expo.locator(f"tr[data-number='{sent[15]}']")
    reading.evaluate("(row) => row.scrollIntoView({block: 'start'})")
    before = reading.bounding_box()["y"]
    assert expo.evaluate("window.scrollY") > 0

    rushed = send(kiosk, latte(), rush=True)
    newer = send(kiosk, {"sku": "ESPRESSO", "qty": 1})  # due sooner than the lattes
    expect(expo.locator("#orders tr")).to_have_count(32)
    expect(expo.locator("#orders tr .number").last).to_contain_text(newer)  # new orders join at the bottom
    expect(expo.locator("#orders tr .number").nth(30)).to_contain_text(rushed)
    expect(expo.locator(f"tr[data-number='{rushed}'] .rush-mark")).to_be_visible()  # it stands out where it is
    expect(expo.locator(f"tr[data-number='{rushed}']")).to_have_css("background-color", "rgb(49, 27, 146)")
    assert abs(reading.bounding_box()["y"] - before) <= 1

    expo.evaluate("(id) => display.act('cancel', {order_id: id})",
                  expo.locator(f"tr[data-number='{sent[0]}']").get_attribute("data-order-id"))
    expect(expo.locator("#orders tr")).to_have_count(31)  # one above the reading place left
    assert abs(reading.bounding_box()["y"] - before) <= 1
    screenshot(expo, "expo-reading-place")
