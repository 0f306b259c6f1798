"""Speed of service: how long a station took from firing a ticket to bumping it, as a histogram per day.

Each bump adds one ticket to a fixed 5-second bucket of its (business day, channel, station, daypart), and
counts it again when it took longer than the station's target; the median and 90th percentile of a period
are read from the summed buckets. A percentile is the end of the bucket the ticket of its rank falls in
(nearest rank), so "p90 4:05" means 90 % of tickets were bumped within 4:05, to 5 seconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from hub.domain.orders import Order, Ticket
from hub.domain.reports import DAYPARTS, Figures, _cols, basis_points, daypart

BUCKET_SECONDS = 5
CAP_SECONDS = 30 * 60  # slower tickets share one overflow bucket
OVERFLOW = CAP_SECONDS // BUCKET_SECONDS  # the last bucket: over the cap
BEYOND_CAP = CAP_SECONDS + 1  # a percentile that falls in the overflow bucket ("more than 30:00")

SpeedKey = tuple[str, str, str, str, int]  # (business day, origin, station, daypart, bucket)


def bucket(seconds: float) -> int:
    """Return the bucket of a time from fire to bump (negative clock steps count as 0)."""
    return min(max(int(seconds), 0) // BUCKET_SECONDS, OVERFLOW)


def bump_entry(order: Order, ticket: Ticket, tz: ZoneInfo, target_s: int) -> tuple[SpeedKey, int] | None:
    """Return the roll-up key of a bumped ticket and 1 when it took longer than the target (else 0)."""
    if ticket.fired_at is None or ticket.done_at is None:
        return None
    seconds = (ticket.done_at - ticket.fired_at).total_seconds()
    part = daypart(_local(ticket.fired_at, tz).hour)
    return (order.business_day, order.origin, ticket.station, part, bucket(seconds)), int(seconds > target_s)


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz)


def percentile(buckets: Mapping[int, int], share_percent: int) -> int | None:
    """Return the nearest-rank percentile, in seconds, of a histogram {bucket: tickets}: its bucket's end."""
    total = sum(buckets.values())
    if total <= 0:
        return None
    rank = max(1, -(-share_percent * total // 100))  # ceil(p * n / 100)
    seen = 0
    for index in sorted(buckets):
        seen += buckets[index]
        if seen >= rank:
            return BEYOND_CAP if index >= OVERFLOW else (index + 1) * BUCKET_SECONDS
    return BEYOND_CAP


def _group(sums: Mapping[tuple[str, str, int], Mapping[str, int]]) -> dict[tuple[str, str], dict]:
    groups: dict[tuple[str, str], dict] = {}
    for (station, part, index), row in sums.items():
        if not row.get("tickets"):
            continue  # a bucket emptied by recalls
        into = groups.setdefault((station, part), {"buckets": {}, "tickets": 0, "late": 0})
        into["buckets"][index] = into["buckets"].get(index, 0) + row.get("tickets", 0)
        into["tickets"] += row.get("tickets", 0)
        into["late"] += row.get("late", 0)
    return groups


def speed_of_service(now: Mapping[tuple[str, str, int], Mapping[str, int]],
                     before: Mapping[tuple[str, str, int], Mapping[str, int]] | None,
                     targets: Mapping[str, int]) -> Figures:
    """Return per station and daypart: tickets, median and p90 from fire to bump, and the share over target."""
    this, was = _group(now), _group(before) if before is not None else None
    order = [name for _, name in DAYPARTS]
    rows = []
    for station, part in sorted(set(this) | set(was or {}), key=lambda k: (k[0], order.index(k[1]))):
        mine = this.get((station, part), {"buckets": {}, "tickets": 0, "late": 0})
        old = None if was is None else was.get((station, part), {"buckets": {}, "tickets": 0, "late": 0})
        rows.append({"station": station, "daypart": part, "tickets": mine["tickets"],
                     "median": percentile(mine["buckets"], 50), "p90": percentile(mine["buckets"], 90),
                     "target": targets.get(station), "over": mine["late"],
                     "over_share": basis_points(mine["late"], mine["tickets"]),
                     "compare_median": None if old is None else percentile(old["buckets"], 50),
                     "compare_p90": None if old is None else percentile(old["buckets"], 90),
                     "compare_over_share": None if old is None else basis_points(old["late"], old["tickets"])})
    figures = Figures("speed", _cols("station:text", "daypart:text", "tickets:count", "median:duration",
                                     "p90:duration", "target:duration", "over:count", "over_share:percent",
                                     "compare_median:duration", "compare_p90:duration", "compare_over_share:percent"),
                      rows,
                      chart_kind="duration", legend=("median", "p90"))
    shown = [row for row in figures.rows if row["tickets"]]
    figures.chart = [(f"{row['station']} · {row['daypart']}", row["median"], row["p90"]) for row in shown]
    figures.marks = [row["target"] for row in shown]
    return figures
