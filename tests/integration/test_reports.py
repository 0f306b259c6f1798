"""Every report's figures for a hand-computed store day (tests/support/report_day.py), through HTTP.

The expected numbers are worked out by hand from the demo catalog's prices, not read back from the hub:
a share or a rate is rounded half up to 0.01 %, and money is written in euros in the CSV.
"""

from __future__ import annotations

import csv
import io

import pytest

from hub.bootstrap import bootstrap
from hub.domain.access import Role
from tests.support.clock import Clock
from tests.support.identities import screen_client
from tests.support.report_day import DAY, play_store_day
from tests.support.staff import CASHIER_PIN, sign_in

ONE_DAY = f"from={DAY}&to={DAY}"


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def hub(settings, clock):
    hub = bootstrap(settings, clock=clock)
    yield hub
    hub.stop()


@pytest.fixture
def store_day(client, hub, clock):
    return play_store_day(client, hub, clock)


def table(client, name: str, query: str = ONE_DAY) -> list[dict[str, str]]:
    reply = client.get(f"/admin/reports/{name}.csv?{query}")
    assert reply.status_code == 200, reply.get_data(as_text=True)
    assert reply.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(reply.get_data(as_text=True))))


def cells(rows, *keys):
    return [tuple(row[key] for key in keys) for row in rows]


def test_sales_by_hour_count_each_order_once_take_out_the_cancelled_and_put_the_refund_at_its_hour(client, store_day):
    rows = table(client, "sales")
    assert cells(rows, "hour", "daypart", "orders", "net", "average", "refunded", "compare_orders", "compare_net") == [
        ("08:00", "breakfast", "2", "25.90", "12.95", "0.00", "1", "4.00"),  # O1 9.00 + O2 16.90; C1 4.00
        ("12:00", "lunch", "2", "29.10", "14.55", "0.00", "1", "13.80"),  # O3 15.30 + O4 13.80 (O7 cancelled); C3
        ("13:00", "lunch", "1", "8.20", "8.20", "0.00", "1", "2.60"),  # O5 7.80 - 2.60 + 3.00; C2
        ("18:00", "dinner", "1", "23.70", "23.70", "0.00", "0", "0.00"),  # O6
        ("19:00", "dinner", "0", "0.00", "", "3.90", "0", "0.00"),  # O3's fries refunded
    ]


def test_dayparts_add_up_the_hours_and_share_the_net_sales(client, store_day):
    page = client.get(f"/admin/reports/sales?{ONE_DAY}").get_data(as_text=True)
    # 25.90 of 86.90 = 29.80 %, 37.30 = 42.92 %, 23.70 = 27.27 %
    for daypart, orders, net, share in (("Breakfast", 2, "€25.90", "29.8"), ("Lunch", 3, "€37.30", "42.9"),
                                        ("Dinner", 1, "€23.70", "27.3")):
        assert f'<td class="" data-key="daypart">{daypart}</td><td class="num" data-key="orders">{orders}</td>' \
               f'<td class="num" data-key="net">{net}</td><td class="num" data-key="share">{share}\u00a0%</td>' in page


def test_a_station_filter_keeps_that_station_s_lines_and_orders(client, store_day):
    rows = table(client, "sales", ONE_DAY + "&station=fryer&compare=none")
    assert cells(rows, "hour", "orders", "net", "refunded") == [
        ("12:00", "2", "7.80", "0.00"), ("18:00", "1", "3.90", "0.00"), ("19:00", "0", "0.00", "3.90")]
    assert {row["compare_net"] for row in rows} == {""}


def test_channel_mix_shares_net_sales_by_channel_against_the_day_before(client, store_day):
    assert cells(table(client, "channels"), "channel", "orders", "net", "share", "compare_net", "compare_share") == [
        ("kiosk", "3", "48.00", "55.24", "13.80", "67.65"),  # 48.00 / 86.90; 13.80 / 20.40
        ("counter", "3", "38.90", "44.76", "6.60", "32.35"),
    ]


def test_product_mix_gives_quantity_gross_discounts_and_refunds_per_item_and_modifier(client, store_day):
    rows = table(client, "products")
    assert cells(rows, "sku", "quantity", "gross", "discounts", "refunded_quantity", "refunds", "net",
                 "compare_quantity") == [
        ("BURGER", "4", "41.10", "0.00", "0", "0.00", "41.10", "1"),  # 11.40 + 9.90 + 2 x 9.90
        ("CROISSANT", "3", "7.80", "2.60", "0", "0.00", "5.20", "1"),  # 3 for 2
        ("FRIES", "3", "11.70", "0.00", "1", "3.90", "7.80", "1"),
        ("LATTE-M", "3", "13.00", "0.00", "0", "0.00", "13.00", "1"),  # 2 x 4.50 + 4.00
        ("BEANS-HOUSE-250", "1", "12.90", "0.00", "0", "0.00", "12.90", "0"),
        ("TEA-EARLGREY", "1", "3.00", "0.00", "0", "0.00", "3.00", "0"),
    ]
    by_channel = table(client, "products", ONE_DAY + "&channel=counter")
    assert cells(by_channel, "sku", "quantity") == [("CROISSANT", "3"), ("BEANS-HOUSE-250", "1"), ("BURGER", "1"),
                                                    ("FRIES", "1"), ("LATTE-M", "1"), ("TEA-EARLGREY", "1")]
    page = client.get(f"/admin/reports/products?{ONE_DAY}").get_data(as_text=True)
    assert 'data-key="modifier">Oat milk</td><td class="num" data-key="quantity">2</td>' \
           '<td class="num" data-key="gross">€1.00</td>' in page
    assert 'data-key="modifier">Add bacon</td><td class="num" data-key="quantity">1</td>' \
           '<td class="num" data-key="gross">€1.50</td>' in page


def test_promotion_roi_weighs_the_discount_against_the_lift_in_units_and_attached_items(client, store_day):
    rows = table(client, "promotions")
    assert cells(rows, "promotion", "items", "orders", "discount", "units", "compare_units", "unit_lift", "attached",
                 "compare_attached", "attached_lift", "sales_lift", "return") == [
        # croissants: 3 units (net 5.20) and 1 tea beside them (3.00) against 1 croissant (2.60) the day before:
        # 8.20 - 2.60 = 5.60 more net sales for 2.60 of discount = 215.38 %
        ("3 pastries for the price of 2", "Butter croissant", "1", "2.60", "3", "1", "2", "1", "0", "1", "5.60",
         "215.38"),
    ]


def test_attachment_rate_is_the_share_of_orders_with_a_that_also_hold_b(client, store_day):
    assert cells(table(client, "attachment"), "item_a", "item_b", "orders_with_a", "orders_with_both", "rate",
                 "compare_rate") == [
        ("Cheeseburger", "Fries", "3", "3", "100.00", "100.00"),
        ("Fries", "Cheeseburger", "3", "3", "100.00", "100.00"),
        ("House blend beans 250 g", "Latte (medium)", "1", "1", "100.00", ""),  # no beans the day before
        ("Butter croissant", "Earl Grey tea", "1", "1", "100.00", "0.00"),
        ("Earl Grey tea", "Butter croissant", "1", "1", "100.00", ""),
        ("Latte (medium)", "House blend beans 250 g", "2", "1", "50.00", "0.00"),
    ]


def test_sell_through_is_sold_over_opening_stock_plus_received(client, store_day):
    assert cells(table(client, "sell_through"), "sku", "opening", "received", "sold", "rate") == [
        ("BEANS-HOUSE-250", "500", "24", "1", "0.19"),  # 1 / 524
        ("BEANS-DECAF-250", "6", "0", "0", "0.00"),
        ("GRINDER-HAND", "3", "0", "0", "0.00"),
    ]


def test_every_report_page_shows_its_chart_and_the_same_figures_as_its_csv(client, store_day):
    for name, key, first in (("sales", "net", "€25.90"), ("channels", "net", "€48.00"), ("products", "gross", "€41.10"),
                             ("promotions", "discount", "€2.60"), ("attachment", "rate", "100.0\u00a0%"),
                             ("sell_through", "rate", "0.2\u00a0%")):
        page = client.get(f"/admin/reports/{name}?{ONE_DAY}")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in html and 'class="bar"' in html
        assert f'data-key="{key}">{first}</td>' in html, name
        assert f'href="/admin/reports/{name}.csv?from={DAY}&amp;to={DAY}"' in html


def test_a_report_reads_in_german(client, store_day):
    html = client.get(f"/admin/reports/channels?{ONE_DAY}&lang=de").get_data(as_text=True)
    assert "Kanalmix" in html and "2026-12-01 bis 2026-12-01, verglichen mit 2026-11-30 bis 2026-11-30" in html and "48,00\u00a0€" in html and "55,2\u00a0%" in html


def test_a_bad_date_or_filter_is_refused_naming_the_field(client, hub):
    for query, field in (("from=2026-13-01", "from"), ("to=yesterday", "to"), ("from=2026-12-02&to=2026-12-01", "from"),
                         ("compare=lastweek", "compare"), ("channel=drive-thru", "channel"), ("station=moon", "station")):
        page = client.get(f"/admin/reports/sales?{query}")
        assert page.status_code == 422, query
        assert f'data-field="{field}"' in page.get_data(as_text=True)
        export = client.get(f"/admin/reports/products.csv?{query}")
        assert export.status_code == 422 and export.get_data(as_text=True).startswith(f"{field}: ")
    assert client.get("/admin/reports/weather").status_code == 422


def test_a_cashier_is_refused_the_reports_and_a_manager_may_read_them(app, hub):
    counter = screen_client(app, "counter-1", Role.COUNTER)
    counter.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {sign_in(counter, hub, CASHIER_PIN)}"
    assert counter.get("/admin/reports/sales.csv").status_code == 403
    assert counter.get("/admin/reports").status_code == 403
    counter.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {sign_in(counter, hub, '9999')}"
    assert counter.get("/admin/reports/sales.csv").status_code == 200
    assert app.test_client().get("/admin/reports/sales").status_code == 302  # nobody: to the sign-in page


def test_whole_months_read_the_monthly_pairs_and_give_the_same_rates(client, store_day):
    rows = table(client, "attachment", "from=2026-11-01&to=2026-12-31&compare=none")
    assert cells(rows, "item_a", "item_b", "orders_with_a", "orders_with_both", "rate")[:2] == [
        ("Cheeseburger", "Fries", "4", "4", "100.00"), ("Fries", "Cheeseburger", "4", "4", "100.00")]
    edges = table(client, "attachment", "from=2026-11-15&to=2026-12-31&compare=none")  # days of November, all December
    assert cells(edges, "item_a", "orders_with_both")[:2] == [("Cheeseburger", "4"), ("Fries", "4")]


def test_the_back_office_links_to_the_reports_for_those_who_may_read_them(client):
    assert '<a href="/admin/reports">Reports</a>' in client.get("/admin").get_data(as_text=True)
