"""The report roll-ups in SQL: upserted sums per business day, and the sums a report adds up."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Connection, Table, func, or_, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from hub.adapters.db import commerce_tables as ct
from hub.adapters.db import report_tables as rt
from hub.domain.report_rollups import WHOLE_ORDER, Rollup, stock_day
from hub.domain.reports import Period, whole_months
from hub.services.report_ports import ReportRollups, Sums

EVERY_CHANNEL = ""  # the origin of speed rows counting every channel: a year without a channel reads 1/6 the rows
TABLES: dict[str, Table] = {"hourly": rt.report_hourly, "items": rt.report_items, "modifiers": rt.report_modifiers,
                            "pairs": rt.report_pairs, "promotions": rt.report_promotions,
                            "speed": rt.report_speed}


def _key_columns(table: Table) -> list[str]:
    return [column.name for column in table.primary_key.columns]


@functools.cache
def _upsert_statement(dialect: str, table: Table, columns: tuple[str, ...], adding: bool):
    """Return INSERT ... ON CONFLICT DO UPDATE adding to (or replacing) the sums; built once per shape, as a
    statement built per sale cost more than running it."""
    keys = _key_columns(table)
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    sums = [c for c in columns if c not in keys]
    sets = {c: (table.c[c] + statement.excluded[c]) if adding else statement.excluded[c] for c in sums}
    # A name already right is not written again (most sales).
    where = None if adding else or_(*(table.c[c] != statement.excluded[c] for c in sums))
    return statement.on_conflict_do_update(index_elements=keys, set_=sets, where=where)


class SqlReportRollups(ReportRollups):
    """Report roll-ups on one connection (inside the unit of work's transaction)."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def _upsert(self, table: Table, rows: list[dict], adding: bool = True) -> None:
        if not rows:
            return
        # Rows of one statement must name the same columns: group them by the columns they carry.
        groups: dict[tuple[str, ...], list[dict]] = {}
        for row in rows:
            groups.setdefault(tuple(sorted(row)), []).append(row)
        for columns, group in groups.items():
            self._db.execute(_upsert_statement(self._db.dialect.name, table, columns, adding), group)

    def add(self, rollup: Rollup) -> None:
        speed = dict(rollup.speed)
        for (day, _origin, *rest), sums in rollup.speed.items():  # and once more for every channel together
            into = speed.setdefault((day, EVERY_CHANNEL, *rest), {})
            for column, amount in sums.items():
                into[column] = into.get(column, 0) + amount
        for name, table in TABLES.items():
            keys = _key_columns(table)
            rows = speed if name == "speed" else getattr(rollup, name)
            self._upsert(table, [dict(zip(keys, key), **sums) for key, sums in rows.items()])
        months: dict[tuple, int] = {}
        for (day, *rest), sums in rollup.pairs.items():
            months[(day[:7], *rest)] = months.get((day[:7], *rest), 0) + sums.get("orders", 0)
        self._upsert(rt.report_pairs_monthly, [dict(zip(_key_columns(rt.report_pairs_monthly), key), orders=orders)
                                               for key, orders in months.items()])
        speed_months: dict[tuple, dict[str, int]] = {}
        for (day, *rest), sums in speed.items():
            into = speed_months.setdefault((day[:7], *rest), {})
            for column, amount in sums.items():
                into[column] = into.get(column, 0) + amount
        self._upsert(rt.report_speed_monthly, [dict(zip(_key_columns(rt.report_speed_monthly), key), **sums)
                                               for key, sums in speed_months.items()])
        self._upsert(rt.report_names, [{"kind": kind, "key": key, "name": name}
                                       for (kind, key), name in rollup.names.items()], adding=False)

    def refund_history(self, order_id: str) -> list[tuple[str, dict[int, int]]]:
        rows = self._db.execute(select(ct.refunds.c.refund_id, ct.refunds.c.lines)
                                .where(ct.refunds.c.order_id == order_id).order_by(ct.refunds.c.at, ct.refunds.c.refund_id))
        return [(refund_id, {int(k): v for k, v in lines.items()}) for refund_id, lines in rows]

    def record_stock(self, sku: str, day: str, day_began: datetime) -> None:
        moves = self._db.execute(select(ct.stock_moves.c.kind, ct.stock_moves.c.qty)
                                 .where(ct.stock_moves.c.sku == sku, ct.stock_moves.c.at >= day_began)).all()
        on_hand = self._db.execute(select(func.coalesce(func.sum(ct.stock_levels.c.on_hand), 0))
                                   .where(ct.stock_levels.c.sku == sku)).scalar_one()
        self._upsert(rt.report_stock, [{"sku": sku, "business_day": day, **stock_day(moves, on_hand)}], adding=False)

    def _sum(self, table: Table, by: list[str], sums: list[str], period: Period, channel: str | None,
             station: str | None, station_column: str = "station", equal: dict[str, str] | None = None) -> list:
        query = (select(*(table.c[c] for c in by), *(func.sum(table.c[c]).label(c) for c in sums))
                 .where(table.c.business_day.between(period.start.isoformat(), period.end.isoformat()))
                 .group_by(*(table.c[c] for c in by)))
        if channel is not None:
            query = query.where(table.c.origin == channel)
        if station is not None:
            query = query.where(table.c[station_column] == station)
        for column, value in (equal or {}).items():
            query = query.where(table.c[column] == value)
        return self._db.execute(query).all()

    @staticmethod
    def _by(rows: list, width: int, sums: list[str]) -> dict:
        return {(row[0] if width == 1 else tuple(row[:width])): dict(zip(sums, map(int, row[width:]))) for row in rows}

    def hourly(self, period, channel, station):
        sums = ["orders", "units", "gross", "discount", "net", "refunded"]
        rows = self._sum(rt.report_hourly, ["hour"], sums, period, channel, WHOLE_ORDER if station is None else station)
        return self._by(rows, 1, sums)

    def channels(self, period, station):
        sums = ["orders", "net", "refunded"]
        rows = self._sum(rt.report_hourly, ["origin"], sums, period, None, WHOLE_ORDER if station is None else station)
        return self._by(rows, 1, sums)

    _ITEM_SUMS = ["orders", "units", "gross", "discount", "net", "refunded_units", "refunded", "with_units", "with_net"]

    def items(self, period, channel, station):
        return self._by(self._sum(rt.report_items, ["sku"], self._ITEM_SUMS, period, channel, station), 1, self._ITEM_SUMS)

    def modifiers(self, period, channel, station):
        sums = ["units", "gross", "discount", "refunded_units", "refunded"]
        return self._by(self._sum(rt.report_modifiers, ["sku", "code"], sums, period, channel, station), 2, sums)

    def pairs(self, period, channel, station):
        months, edges = whole_months(period)
        rows = [row for edge in edges
                for row in self._sum(rt.report_pairs, ["sku_a", "sku_b"], ["orders"], edge, channel, station, "station_a")]
        if months:
            table = rt.report_pairs_monthly
            query = (select(table.c.sku_a, table.c.sku_b, func.sum(table.c.orders)).where(table.c.month.in_(months))
                     .group_by(table.c.sku_a, table.c.sku_b))
            if channel is not None:
                query = query.where(table.c.origin == channel)
            if station is not None:
                query = query.where(table.c.station_a == station)
            rows += self._db.execute(query).all()
        pairs: dict[tuple[str, str], int] = {}
        for a, b, n in rows:
            pairs[(a, b)] = pairs.get((a, b), 0) + int(n)
        return pairs

    def promotions(self, period, channel, station):
        table = rt.report_promotions
        whole = self._sum(table, ["promo_id"], ["orders"], period, channel, None, equal={"sku": WHOLE_ORDER})
        rows = self._sum(table, ["promo_id", "sku"], ["units", "discount"], period, channel, station)
        per_item: dict[str, dict[str, Sums]] = {}
        totals: dict[str, Sums] = {}
        for promo_id, sku, units, discount in rows:
            if sku == WHOLE_ORDER:
                continue
            per_item.setdefault(promo_id, {})[sku] = {"units": int(units), "discount": int(discount)}
            into = totals.setdefault(promo_id, {"orders": 0, "discount": 0})
            into["discount"] += int(discount)
        for promo_id, orders in whole:
            if promo_id in totals:
                totals[promo_id]["orders"] = int(orders)
        return totals, per_item

    def stock(self, period):
        table = rt.report_stock
        first = (select(table.c.sku, func.min(table.c.business_day).label("day"))
                 .where(table.c.business_day >= period.start.isoformat()).group_by(table.c.sku).subquery())
        opening = {sku: int(value) for sku, value in self._db.execute(
            select(table.c.sku, table.c.opening).where(tuple_(table.c.sku, table.c.business_day).in_(
                select(first.c.sku, first.c.day))))}
        received = dict(self._db.execute(
            select(table.c.sku, func.sum(table.c.received)).where(
                table.c.business_day.between(period.start.isoformat(), period.end.isoformat())).group_by(table.c.sku)).all())
        # An item whose stock has not moved since the period began opens with what is on hand now.
        now = dict(self._db.execute(select(ct.stock_levels.c.sku, func.sum(ct.stock_levels.c.on_hand))
                                    .group_by(ct.stock_levels.c.sku)).all())
        return {sku: {"opening": opening.get(sku, int(now.get(sku) or 0)), "received": int(received.get(sku) or 0)}
                for sku in set(now) | set(opening)}

    def speed_bump(self, ticket_id: str) -> tuple[tuple, int] | None:
        table = rt.report_speed_bumps
        row = self._db.execute(select(table.c.business_day, table.c.origin, table.c.station, table.c.daypart,
                                      table.c.bucket, table.c.late).where(table.c.ticket_id == ticket_id)).first()
        return None if row is None else (tuple(row[:5]), int(row[5]))

    def record_speed_bump(self, ticket_id: str, entry: tuple[tuple, int] | None) -> None:
        table = rt.report_speed_bumps
        self._db.execute(table.delete().where(table.c.ticket_id == ticket_id))
        if entry is not None:
            (day, origin, station, part, index), over = entry
            self._db.execute(table.insert().values(ticket_id=ticket_id, business_day=day, origin=origin,
                                                   station=station, daypart=part, bucket=index, late=over))

    def speed(self, period, channel, station):
        sums = ["tickets", "late"]
        by = ["station", "daypart", "bucket"]
        months, edges = whole_months(period)
        origin = EVERY_CHANNEL if channel is None else channel
        rows = [row for edge in edges for row in self._sum(rt.report_speed, by, sums, edge, origin, station)]
        if months:
            table = rt.report_speed_monthly
            query = (select(*(table.c[c] for c in by), *(func.sum(table.c[c]) for c in sums))
                     .where(table.c.month.in_(months), table.c.origin == origin).group_by(*(table.c[c] for c in by)))
            if station is not None:
                query = query.where(table.c.station == station)
            rows += self._db.execute(query).all()
        result: dict[tuple[str, str, int], dict[str, int]] = {}
        for row in rows:
            into = result.setdefault(tuple(row[:3]), {"tickets": 0, "late": 0})
            into["tickets"] += int(row[3])
            into["late"] += int(row[4])
        return result

    def names(self) -> Mapping[tuple[str, str], str]:
        rows = self._db.execute(select(rt.report_names.c.kind, rt.report_names.c.key, rt.report_names.c.name))
        return {(kind, key): name for kind, key, name in rows}

    def stations(self, since: str) -> tuple[str, ...]:
        # The primary key leads with the day, so this reads only the days since then.
        rows = self._db.execute(select(rt.report_items.c.station).where(rt.report_items.c.business_day >= since)
                                .distinct())
        return tuple(sorted(rows.scalars()))
