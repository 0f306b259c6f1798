"""Speed of service by hand: buckets of fire-to-bump times, nearest-rank percentiles, the share over target."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hub.domain.orders import Order, Ticket
from hub.domain.speed_of_service import BEYOND_CAP, OVERFLOW, bucket, bump_entry, percentile, speed_of_service

BERLIN = ZoneInfo("Europe/Berlin")


def ticket_done_after(seconds: int, fired: datetime) -> tuple[Order, Ticket]:
    ticket = Ticket("t-1", "grill", fired_at=fired, done_at=fired + timedelta(seconds=seconds))
    order = Order("o-1", "A001", "2026-12-01", "kiosk", "takeaway", [], [ticket], fired, fired, "f")
    return order, ticket


def test_a_bump_lands_in_its_5_second_bucket_at_the_daypart_of_the_store_s_clock_it_was_fired_in():
    # 10:58 UTC is 11:58 in Berlin: lunch. 245 s is bucket 49 (245..249 s), over a 240 s target.
    order, ticket = ticket_done_after(245, datetime(2026, 12, 1, 10, 58, tzinfo=timezone.utc))
    assert bump_entry(order, ticket, BERLIN, 240) == (("2026-12-01", "kiosk", "grill", "lunch", 49), 1)
    assert bump_entry(order, ticket, BERLIN, 245) == (("2026-12-01", "kiosk", "grill", "lunch", 49), 0)
    assert bump_entry(order, Ticket("t-2", "grill"), BERLIN, 240) is None  # never fired
    assert (bucket(0), bucket(4.9), bucket(5), bucket(1799), bucket(1800), bucket(86400), bucket(-3)) == \
           (0, 0, 1, 359, OVERFLOW, OVERFLOW, 0)


def test_median_and_p90_are_the_end_of_the_bucket_holding_the_ticket_of_that_rank():
    # Ten tickets: 61, 62, 95, 118, 120, 121, 180, 240, 241, 700 s.
    buckets: dict[int, int] = {}
    for seconds in (61, 62, 95, 118, 120, 121, 180, 240, 241, 700):
        buckets[bucket(seconds)] = buckets.get(bucket(seconds), 0) + 1
    # median: rank ceil(10 * 0.5) = 5, the 120 s ticket, bucket 24 = 120..124 s -> 125 s
    assert percentile(buckets, 50) == 125
    # p90: rank 9, the 241 s ticket, bucket 48 = 240..244 s -> 245 s
    assert percentile(buckets, 90) == 245
    assert percentile({}, 50) is None
    assert percentile({0: 1, OVERFLOW: 9}, 90) == BEYOND_CAP  # past 30 minutes: "more than 30:00"


def test_figures_per_station_and_daypart_with_share_over_target_and_the_comparison():
    now = {("grill", "lunch", 24): {"tickets": 3, "late": 0}, ("grill", "lunch", 60): {"tickets": 1, "late": 1},
           ("fryer", "breakfast", 11): {"tickets": 2, "late": 0}, ("grill", "dinner", 9): {"tickets": 0, "late": 0}}
    before = {("grill", "lunch", 30): {"tickets": 2, "late": 1}}
    figures = speed_of_service(now, before, {"grill": 300, "fryer": 480})
    rows = [(r["station"], r["daypart"], r["tickets"], r["median"], r["p90"], r["target"], r["over"], r["over_share"],
             r["compare_median"], r["compare_p90"], r["compare_over_share"]) for r in figures.rows]
    assert rows == [
        # fryer: 2 tickets in bucket 11 (55..59 s); nothing before
        ("fryer", "breakfast", 2, 60, 60, 480, 0, 0, None, None, None),
        # grill lunch: 3 at 120..124 s and 1 at 300..304 s: median rank 2 -> 125 s, p90 rank 4 -> 305 s;
        # 1 of 4 over = 25 %; before: 2 at 150..154 s, 1 of 2 over = 50 %
        ("grill", "lunch", 4, 125, 305, 300, 1, 2500, 155, 155, 5000),
    ]
    assert figures.chart == [("fryer · breakfast", 60, 60), ("grill · lunch", 125, 305)]
    assert figures.marks == [480, 300]
    assert figures.legend == ("median", "p90")
