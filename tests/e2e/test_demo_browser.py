"""What the demo adds to every screen: an icon for every page, and a tone at the counter for each new remote order."""

from __future__ import annotations

import urllib.request

import pytest
from playwright.sync_api import expect

from tests.support.devices import TestDevice, order_data
from tests.support.store_stack import COUNTER, running_store

FRONTDESK = """
[counter]
remote_orders = "confirm"
"""

# Count the tones the page starts through WebAudio, as a speaker would hear them.
COUNT_TONES = """
window.__tones = [];
const original = AudioContext.prototype.createOscillator;
AudioContext.prototype.createOscillator = function () {
  const tone = original.call(this);
  const start = tone.start.bind(tone);
  tone.start = (when) => { window.__tones.push(tone.frequency.value); start(when); };
  return tone;
};
"""


@pytest.fixture
def store(tmp_path):
    with running_store(tmp_path, frontdesk_toml=FRONTDESK) as stack:
        yield stack


def test_every_page_gets_the_icon_instead_of_a_404(browser, store):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    store.hub.enrol_screen(context, COUNTER, "counter")
    page = context.new_page()
    missing, icons = [], []
    page.on("response", lambda response: missing.append(response.url) if response.status == 404 else None)
    page.on("response", lambda response: icons.append(response.status) if "favicon" in response.url else None)
    sizes = {}
    for path in (f"/counter/{COUNTER}", "/kiosk/kiosk-1", "/displays/board", "/pair", "/admin"):
        page.goto(f"{store.hub.base_url}{path}")
        page.wait_for_load_state("networkidle")
        # The icon the page names, or /favicon.ico that a browser asks for by itself, drawn as the tab would.
        sizes[path] = page.evaluate("""() => new Promise((done) => {
            const link = document.querySelector("link[rel=icon]");
            const icon = new Image();
            icon.onload = () => done(icon.naturalWidth);
            icon.onerror = () => done(0);
            icon.src = link ? link.href : "/favicon.ico";
        })""")
    context.close()
    assert missing == []
    assert all(size >= 16 for size in sizes.values()), sizes
    assert set(icons) <= {200}, icons
    with urllib.request.urlopen(f"{store.hub.base_url}/favicon.ico", timeout=5) as answer:  # open to anyone
        assert answer.headers["Content-Type"] == "image/vnd.microsoft.icon"
        assert answer.read()[:4] == b"\x00\x00\x01\x00"  # an icon file


def test_a_new_remote_order_sounds_a_tone_at_the_counter(browser, store):
    app = TestDevice(store.hub.device_url("app-gateway", "gateway"), store.hub.store, "app-gateway")
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        store.hub.enrol_screen(context, COUNTER, "counter")
        context.add_init_script(COUNT_TONES)
        page = context.new_page()
        page.goto(f"{store.hub.base_url}/counter/{COUNTER}")
        expect(page.locator("#link")).to_have_attribute("data-state", "live")
        page.keyboard.type("1111")
        page.keyboard.press("Enter")
        expect(page.locator("#staff-name")).to_have_text("Sam")
        assert page.evaluate("window.__tones") == []  # nothing waits: silence

        app.submit(order_data(origin="app", fulfilment="pickup", lines=[{"sku": "BAGEL-SALMON", "qty": 1}]))
        assert app.reply()["data"]["status"] == "received"
        expect(page.locator("#incoming-count")).to_have_text("1")
        expect(page.locator("body")).to_have_attribute("data-incoming-chimes", "1")
        assert page.evaluate("window.__tones") == [880, 1320]  # one short rising two-note tone
        assert page.evaluate("Incoming.audio.state") == "running"  # the sign-in's keys let the page make sound

        app.submit(order_data(origin="web", fulfilment="pickup", lines=[{"sku": "SOUP-DAY", "qty": 1}]))
        expect(page.locator("#incoming-count")).to_have_text("2")
        expect(page.locator("body")).to_have_attribute("data-incoming-chimes", "2")
    finally:
        context.close()
        app.close()
