"""The owner opens each report in Chromium: the chart is drawn, the table holds the hand-computed figures (issue 17).

The store day (tests/support/report_day.py) is played through the hub's API in-process with a clock set by hand,
on the database the hub under gunicorn then serves.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from hub.bootstrap import bootstrap
from hub.config import load_settings
from hub.entrypoints.web.app import create_app
from tests.support.browser import screenshot
from tests.support.clock import Clock
from tests.support.hub_process import OWNER, OWNER_PASSWORD, HubProcess
from tests.support.identities import owner_client
from tests.support.report_day import DAY, play_store_day
from tests.support.speed_day import play_tickets, set_targets

BACK_OFFICE_SCREEN = {"width": 1280, "height": 900}
SPEED_DAY, SPEED_DAY_BEFORE = "2026-12-03", "2026-12-02"  # kitchen tickets, on days the other reports do not read
# report, a figure its table must show, where, and what that figure is by hand
FIGURES = (
    ("sales", "#report-table tbody tr:nth-child(1) td[data-key=net]", "€25.90"),
    ("channels", "#report-table tbody tr:nth-child(1) td[data-key=share]", "55.2\u00a0%"),
    ("products", "#report-table tbody tr:nth-child(1) td[data-key=gross]", "€41.10"),
    ("promotions", "#report-table tbody tr:nth-child(1) td[data-key=sales_lift]", "€5.60"),
    ("attachment", "#report-table tbody tr:nth-child(6) td[data-key=rate]", "50.0\u00a0%"),
    ("sell_through", "#report-table tbody tr:nth-child(1) td[data-key=sold]", "1"),
)


@pytest.fixture
def hub_with_a_day(tmp_path):
    """The hub as a store runs it, on a database that holds the hand-computed store day."""
    process = HubProcess(tmp_path / "hub")
    process.prepare()
    set_targets(process.data_dir)
    clock = Clock()
    hub = bootstrap(load_settings(process.env), clock=clock)
    try:
        app = create_app(hub=hub)
        client = owner_client(app)
        play_store_day(client, hub, clock)
        play_tickets(client, hub, clock, SPEED_DAY, SPEED_DAY_BEFORE)
    finally:
        hub.stop()
    process.start()
    yield process
    process.stop()
    print(f"--- hub log (tail) ---\n{process.log()[-3000:]}")


def test_the_owner_opens_every_report_and_sees_its_chart_and_figures(browser, hub_with_a_day):
    hub = hub_with_a_day
    context = browser.new_context(viewport=BACK_OFFICE_SCREEN)
    try:
        page = context.new_page()
        page.goto(f"{hub.base_url}/admin/reports")
        page.locator("#username").fill(OWNER)
        page.locator("#password").fill(OWNER_PASSWORD)
        page.locator("#go").click()
        expect(page.get_by_role("heading", name="Reports")).to_be_visible()
        expect(page.locator("#report-list li")).to_have_count(7)
        screenshot(page, "reports-list")
        for name, cell, figure in FIGURES:
            page.goto(f"{hub.base_url}/admin/reports/{name}?from={DAY}&to={DAY}")
            chart = page.locator("#chart svg")
            expect(chart).to_be_visible()
            box = chart.bounding_box()
            assert box["width"] > 300 and box["height"] > 40, (name, box)
            assert page.locator("#chart svg rect.bar").count() >= 2
            expect(page.locator(cell)).to_have_text(figure)
            screenshot(page, f"report-{name.replace('_', '-')}")
        # Speed of service: median and p90 bars per station and daypart, a red target line across each row.
        page.goto(f"{hub.base_url}/admin/reports/speed?from={SPEED_DAY}&to={SPEED_DAY}")
        expect(page.locator("#report-table tbody tr")).to_have_count(3)
        expect(page.locator("#report-table tbody tr:nth-child(2) td[data-key=p90]")).to_have_text("5:15")
        expect(page.locator("#report-table tbody tr:nth-child(2) td[data-key=over_share]")).to_have_text("33.3\u00a0%")
        assert page.locator("#chart svg rect.bar").count() == 6 and page.locator("#chart svg line.mark").count() == 3
        screenshot(page, "report-speed")
        page.goto(f"{hub.base_url}/admin/reports/sales?from={DAY}&to={DAY}&station=fryer")
        expect(page.locator("#report-table tbody tr")).to_have_count(3)
        expect(page.locator("select[name=station]")).to_have_value("fryer")
        page.goto(f"{hub.base_url}/admin/reports/channels?from={DAY}&to={DAY}&lang=de")
        expect(page.get_by_role("heading", name="Kanalmix")).to_be_visible()
        screenshot(page, "report-channels-de")
        page.goto(f"{hub.base_url}/admin/reports/sales?from=2026-12-41")
        expect(page.locator("#refused")).to_contain_text("from: '2026-12-41' is not a date")
    finally:
        context.close()
