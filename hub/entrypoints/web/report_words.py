"""The words of the report pages, marked for translation, and the catalog they are translated in.

The pages follow the request's language (`?lang=`, the language cookie, then the store's default), like
the counter. Extract and compile by hand (see docs/backoffice.md, "Reports"): this catalog has its own folder.
"""

from __future__ import annotations

from pathlib import Path

from flask_babel import Domain

TRANSLATIONS = Path(__file__).resolve().parent / "translations" / "reports"
DOMAIN = Domain(translation_directories=[str(TRANSLATIONS)])


def N_(text: str) -> str:  # noqa: N802 - the usual name for "mark for translation, translate later"
    """Mark a string for extraction; it is translated where it is shown."""
    return text


TITLES = {
    "sales": N_("Sales by hour and daypart"),
    "channels": N_("Channel mix"),
    "products": N_("Product mix"),
    "promotions": N_("Promotion return"),
    "attachment": N_("Attachment rate"),
    "sell_through": N_("Sell-through"),
    "speed": N_("Speed of service"),
}

EXPLAINED = {
    "sales": N_("Orders and net sales (after discounts) per hour of the store's clock, and per daypart."),
    "channels": N_("Where the orders came from: each channel's orders, net sales and share of net sales."),
    "products": N_("Per item and per modifier: units sold, gross sales, discounts and refunds."),
    "promotions": N_("Discount given against the extra units of the promoted items, and of the items sold with "
                     "them, compared with the comparison period. Return = extra net sales ÷ discount given."),
    "attachment": N_("Of the orders holding item A, the share that also hold item B: the most frequent pairs."),
    "sell_through": N_("Per stock-tracked item: units sold ÷ (stock at the start + units received)."),
    "speed": N_("Per station and daypart: the median and 90th percentile time from firing a ticket to bumping it "
                "(minutes:seconds), and the share of tickets over the station's target time."),
}

COLUMNS = {
    "hour": N_("Hour"), "daypart": N_("Daypart"), "orders": N_("Orders"), "net": N_("Net sales"),
    "average": N_("Average order"), "refunded": N_("Refunded"), "compare_orders": N_("Orders before"),
    "compare_net": N_("Net sales before"), "share": N_("Share"), "compare_share": N_("Share before"),
    "channel": N_("Channel"), "sku": N_("SKU"), "item": N_("Item"), "modifier": N_("Modifier"), "code": N_("Code"),
    "quantity": N_("Quantity"), "gross": N_("Gross"), "discounts": N_("Discounts"),
    "refunded_quantity": N_("Units refunded"), "refunds": N_("Refunds"), "compare_quantity": N_("Quantity before"),
    "promotion": N_("Promotion"), "items": N_("Its items"), "discount": N_("Discount given"), "units": N_("Units"),
    "compare_units": N_("Units before"), "unit_lift": N_("Extra units"), "attached": N_("Sold with them"),
    "compare_attached": N_("Sold with them before"), "attached_lift": N_("Extra sold with them"),
    "sales_lift": N_("Extra net sales"), "return": N_("Return"), "item_a": N_("Item A"), "item_b": N_("Item B"),
    "orders_with_a": N_("Orders with A"), "orders_with_both": N_("Orders with both"), "rate": N_("Rate"),
    "compare_rate": N_("Rate before"), "opening": N_("Stock at start"), "received": N_("Received"), "sold": N_("Sold"),
    "station": N_("Station"), "tickets": N_("Tickets"), "median": N_("Median"), "p90": N_("90th percentile"),
    "target": N_("Target time"), "over": N_("Over target"), "over_share": N_("Share over target"),
    "compare_median": N_("Median before"), "compare_p90": N_("90th percentile before"),
    "compare_over_share": N_("Share over target before"),
}

DAYPARTS = {"breakfast": N_("Breakfast"), "lunch": N_("Lunch"), "afternoon": N_("Afternoon"), "dinner": N_("Dinner"),
            "night": N_("Night")}

CHANNELS = {"kiosk": N_("Kiosk"), "counter": N_("Counter"), "app": N_("App"), "web": N_("Web shop"),
            "phone": N_("Phone"), "marketplace": N_("Marketplace")}

PAGE = {
    "reports": N_("Reports"), "back": N_("Back office"), "from": N_("From"), "to": N_("To"),
    "compare": N_("Compare with"), "previous": N_("the period before"), "last_year": N_("the same dates a year earlier"),
    "none": N_("nothing"), "channel": N_("Channel"), "station": N_("Station"), "every": N_("every"),
    "show": N_("Show"), "csv": N_("Download the table (CSV)"), "this_period": N_("This period"),
    "compare_period": N_("Comparison period"), "nothing": N_("Nothing was sold in this period."),
    "dayparts": N_("By daypart"), "modifiers": N_("Modifiers"), "period": N_("{start} to {end}"),
    "vs": N_("compared with {start} to {end}"), "refused": N_("This report cannot be shown"),
    "chart": N_("Chart: {title}"), "language": N_("Language"),
}
