"""Build a report's figures: read the roll-up sums of both periods through the unit of work, then compute."""

from __future__ import annotations

from hub.domain import reports as figures
from hub.domain.kitchen import KitchenSettings
from hub.domain.reports import Figures, ReportQuery
from hub.domain.speed_of_service import speed_of_service
from hub.services.ports import UnitOfWork

REPORTS = ("sales", "channels", "products", "promotions", "attachment", "sell_through", "speed")


def build(name: str, uow: UnitOfWork, query: ReportQuery, kitchen: KitchenSettings | None = None) -> Figures:
    """Return one report's figures for a query (its period, comparison period, channel and station).

    `kitchen` gives the stations' target times (their red age in displays.toml) for speed of service."""
    rollups, period, before = uow.reports, query.period, query.compare
    channel, station = query.channel, query.station

    def both(read, *args):
        return read(period, *args), (read(before, *args) if before is not None else None)

    if name == "sales":
        return figures.sales_by_hour(*both(rollups.hourly, channel, station))
    if name == "speed":
        now, was = both(rollups.speed, channel, station)
        settings = kitchen or KitchenSettings()
        stations = {key[0] for key in now} | {key[0] for key in was or {}}
        return speed_of_service(now, was, {s: settings.colours_for(s)[1] for s in stations})
    if name == "channels":
        return figures.channel_mix(*both(rollups.channels, station))
    # Names items were sold under; the catalog's for items not sold yet (sell-through lists every tracked item).
    names = {("item", item.sku): item.name for item in uow.catalog()} | dict(rollups.names())
    if name == "products":
        now, was = both(rollups.items, channel, station)
        return figures.product_mix(now, rollups.modifiers(period, channel, station), was, names)
    if name == "promotions":
        promotions, promoted = rollups.promotions(period, channel, station)
        now, was = both(rollups.items, channel, station)
        return figures.promotion_roi(promotions, promoted, now, was, names)
    if name == "attachment":
        pairs, pairs_before = both(rollups.pairs, channel, station)
        items, items_before = both(rollups.items, channel, station)
        return figures.attachment(pairs, items, pairs_before, items_before, names)
    if name == "sell_through":
        stock, stock_before = both(rollups.stock)
        sold, sold_before = both(rollups.items, channel, station)
        if station is not None:  # stock has no station: keep the items this station sold
            stock = {sku: sums for sku, sums in stock.items() if sku in sold}
        return figures.sell_through(stock, sold, stock_before, sold_before, names)
    raise KeyError(name)


def currency_of(uow: UnitOfWork, default: str = "EUR") -> str:
    """Return the store's currency: its catalog's."""
    item = next(iter(uow.catalog()), None)
    return item.price.currency if item is not None else default
