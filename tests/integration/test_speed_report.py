"""The speed-of-service report through HTTP: tickets bumped at set times (tests/support/speed_day.py), figures
worked out by hand. A percentile is the end of the 5-second bucket holding the ticket of its nearest rank
(ceil(n × p)); the grill's target is 300 s, the bar's 480 s.
"""

from __future__ import annotations

import csv
import io

import pytest

from hub.bootstrap import bootstrap
from hub.domain.access import Role
from tests.support.clock import Clock
from tests.support.identities import screen_client
from tests.support.report_day import DAY, DAY_BEFORE
from tests.support.speed_day import play_tickets, set_targets
from tests.support.staff import CASHIER_PIN, sign_in

ONE_DAY = f"from={DAY}&to={DAY}"


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def hub(settings, clock):
    set_targets(settings.data_dir)
    hub = bootstrap(settings, clock=clock)
    yield hub
    hub.stop()


@pytest.fixture
def tickets(client, hub, clock):
    play_tickets(client, hub, clock, DAY, DAY_BEFORE)


def table(client, query: str) -> list[tuple[str, ...]]:
    reply = client.get(f"/admin/reports/speed.csv?{query}")
    assert reply.status_code == 200, reply.get_data(as_text=True)
    rows = csv.DictReader(io.StringIO(reply.get_data(as_text=True)))
    keys = ("station", "daypart", "tickets", "median", "p90", "target", "over", "over_share", "compare_median",
            "compare_p90", "compare_over_share")
    return [tuple(row[key] for key in keys) for row in rows]


def test_median_p90_and_share_over_target_per_station_and_daypart_against_the_day_before(client, tickets):
    assert table(client, ONE_DAY) == [
        # 130 s (bucket 130-134) and 200 s (200-204): median rank 1 -> 135, p90 rank 2 -> 205
        ("bar", "breakfast", "2", "135", "205", "480", "0", "0.00", "", "", ""),
        # 200, 290, 310 s: median rank 2 -> 295, p90 rank 3 -> 315; 1 of 3 over 300 s; the day before 240 s
        ("grill", "lunch", "3", "295", "315", "300", "1", "33.33", "245", "245", "0.00"),
        ("grill", "dinner", "1", "105", "105", "300", "0", "0.00", "", "", ""),
    ]


def test_the_channel_and_station_filters(client, tickets):
    assert table(client, ONE_DAY + "&channel=kiosk&compare=none") == [
        ("grill", "lunch", "2", "205", "295", "300", "0", "0.00", "", "", ""),
        ("grill", "dinner", "1", "105", "105", "300", "0", "0.00", "", "", ""),
    ]
    assert [row[:5] for row in table(client, ONE_DAY + "&station=bar")] == [("bar", "breakfast", "2", "135", "205")]
    # A whole month reads the monthly histograms: the same day's tickets, and the day before's with them.
    month = table(client, "from=2026-11-01&to=2026-12-31&compare=none")
    assert ("grill", "lunch", "4", "245", "315", "300", "1", "25.00", "", "", "") in month


def test_the_page_draws_median_and_p90_with_the_target_line_and_reads_in_german(client, tickets):
    html = client.get(f"/admin/reports/speed?{ONE_DAY}").get_data(as_text=True)
    assert 'class="bar"' in html and '<line class="mark"' in html and "Target time: 5:00" in html
    assert 'data-key="median">4:55</td>' in html and 'data-key="over_share">33.3\u00a0%</td>' in html
    assert f'href="/admin/reports/speed.csv?from={DAY}&amp;to={DAY}"' in html
    german = client.get(f"/admin/reports/speed?{ONE_DAY}&lang=de").get_data(as_text=True)
    assert "Servicezeit" in german and "grill · Mittag" in german and "Zielzeit" in german
    assert '<a href="/admin/reports/speed">Speed of service</a>' in client.get("/admin/reports").get_data(as_text=True)


def test_a_bad_field_is_refused_naming_it_and_a_cashier_is_refused(app, client, hub):
    for query, field in (("from=2026-12-32", "from"), ("station=moon", "station"), ("channel=drive-thru", "channel")):
        page = client.get(f"/admin/reports/speed?{query}")
        assert page.status_code == 422 and f'data-field="{field}"' in page.get_data(as_text=True)
        export = client.get(f"/admin/reports/speed.csv?{query}")
        assert export.status_code == 422 and export.get_data(as_text=True).startswith(f"{field}: ")
    counter = screen_client(app, "counter-1", Role.COUNTER)
    counter.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {sign_in(counter, hub, CASHIER_PIN)}"
    assert counter.get("/admin/reports/speed.csv").status_code == 403
    assert counter.get("/admin/reports/speed").status_code == 403
