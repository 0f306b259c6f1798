"""The end of the day over HTTP on a real database: a hand-computed store day, the cash-up, cards, the close."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from hub.domain.device_jobs import DeviceJobFinished
from hub.domain.payment_events import CardPaymentApproved
from hub.domain.payments import Payment, PaymentState, TerminalRef
from tests.integration.commerce_support import cancel, complete, happened
from tests.support.devices import order_data
from hub.domain.access import Role
from tests.support.identities import screen_client
from tests.support.staff import CASHIER_PIN, approval, ensure_staff, sign_in


def place(client, origin, lines):
    data = order_data(origin=origin, lines=lines)
    reply = client.post("/api/v1/orders", json=data)
    assert reply.status_code in (200, 201), reply.get_json()
    return data["order_id"]


def pay(client, order_id, kind, amount, code=None, device_id="counter-1"):
    reply = client.post(f"/api/v1/orders/{order_id}/tenders",
                        json={"kind": kind, "amount": amount, "code": code, "device_id": device_id})
    assert reply.status_code == 201, reply.get_json()
    return reply.get_json()


def paid_by_card(hub, order_id, amount, payment_id="pay-1", agent="agent-1"):
    with hub.uow_factory() as uow:
        uow.payments.add(Payment(payment_id, order_id, amount, "EUR", "kiosk-1", TerminalRef(agent),
                                 datetime.now(timezone.utc), PaymentState.APPROVED))
        uow.commit()
    happened(hub, CardPaymentApproved(order_id, payment_id, amount, "EUR", "VISA", "************0119", "T-1"))


def store_day(client, hub):
    """Build the store day of docs/end-of-day.md: four sales, a refund, a void, an open order, paid in and out."""
    ensure_staff(hub)
    assert client.put("/api/v1/drawers/counter-1/float", json={"amount": 10000}).status_code == 200
    a = place(client, "counter", [{"sku": "ESPRESSO", "qty": 2}])  # 500, VAT 19 % 80
    assert pay(client, a, "cash", 1000)["change"] == 500
    b = place(client, "kiosk", [{"sku": "BURGER", "qty": 1}])  # 990, VAT 7 % 65
    paid_by_card(hub, b, 990)
    # 510 less 10 of the breakfast deal, split by weight: croissant 255 (VAT 7 % 17), espresso 245 (VAT 19 % 39)
    c = place(client, "app", [{"sku": "CROISSANT", "qty": 1}, {"sku": "ESPRESSO", "qty": 1}])
    client.post("/api/v1/gift-cards", json={"code": "GC-0000-7777", "amount": 2000, "currency": "EUR"})
    pay(client, c, "gift_card", 500, "GC-0000-7777")  # 10 off: the breakfast promotion
    d = place(client, "counter", [{"sku": "COLA", "qty": 2}])  # 640, VAT 19 % 102
    pay(client, d, "cash", 640)
    for order_id in (a, b, c, d):
        complete(hub, order_id)
    refund = client.post(f"/api/v1/orders/{d}/refunds",
                         json={"lines": [{"index": 0, "qty": 1}], "approval": approval(client, hub)})
    assert refund.get_json()["to_tenders"][0]["amount"] == 320
    e = place(client, "kiosk", [{"sku": "MUFFIN-BLUE", "qty": 1}])  # voided: 290
    cancel(hub, e)
    f = place(client, "phone", [{"sku": "TOASTIE-HAM", "qty": 1}])  # still open at the end of the day
    assert client.post("/api/v1/drawers/counter-1/moves",
                       json={"kind": "paid_in", "amount": 500, "reason": "coins from the bank"}).status_code == 201
    assert client.post("/api/v1/drawers/counter-1/moves",
                       json={"kind": "paid_out", "amount": 320, "reason": "milk from the shop next door"}).status_code == 201
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f}


def today(client):
    reply = client.get("/api/v1/days/today")
    assert reply.status_code == 200, reply.get_json()
    return reply.get_json()


def test_every_figure_of_a_hand_computed_store_day(client, hub):
    orders = store_day(client, hub)
    view = today(client)
    figures = view["figures"]
    assert (figures["orders"], figures["gross"], figures["tax"], figures["net"]) == (4, 2630, 303, 2327)
    assert figures["channels"]["counter"] == {"orders": 2, "gross": 1140}
    assert figures["channels"]["kiosk"] == {"orders": 1, "gross": 990}
    assert figures["channels"]["app"] == {"orders": 1, "gross": 500}
    assert figures["channels"]["web"] == figures["channels"]["phone"] == {"orders": 0, "gross": 0}
    assert figures["tenders"] == {"cash": 1140, "card": 990, "gift_card": 500, "points": 0, "online": 0}
    assert figures["refunds_by_tender"] == {"cash": 320, "card": 0, "gift_card": 0, "points": 0, "online": 0}
    # VAT 19 %: 80 + 39 + 102 on 420 + 206 + 538 net; VAT 7 %: 65 + 17 on 925 + 238 net
    assert [(t["code"], t["taxable"], t["amount"]) for t in figures["taxes"]] == [("VAT19", 1164, 221), ("VAT7", 1163, 82)]
    assert [(d["name"], d["amount"]) for d in figures["discounts"]] == [("Breakfast deal: coffee + pastry 5.00", 10)]
    assert figures["voids"] == [{"order": figures["voids"][0]["order"], "amount": 290, "reason": None,
                                 "approved_by": None}]
    assert [(r["amount"], r["approved_by"]) for r in figures["refunds"]] == [(320, "Morgan")]
    assert [o["order_id"] for o in figures["open_orders"]] == [orders["f"]]
    drawer = view["drawers"][0]
    # 100.00 float + 16.40 handed over - 5.00 change - 3.20 refunded + 5.00 paid in - 3.20 paid out
    assert (drawer["drawer"], drawer["opening_float"], drawer["cash_taken"], drawer["change_given"],
            drawer["cash_refunds"], drawer["paid_in"], drawer["paid_out"], drawer["expected"]) == \
           ("counter-1", 10000, 1640, 500, 320, 500, 320, 11000)
    assert view["cards"][0]["terminal"] == "agent-1" and view["cards"][0]["charged"] == 990
    assert [b["field"] for b in view["blockers"]] == [f"orders.{figures['open_orders'][0]['number']}",
                                                      "drawers.counter-1"]


def test_closing_with_a_cash_difference_and_a_card_mismatch_gives_z_report_1(client, hub):
    orders = store_day(client, hub)
    day = today(client)["day"]
    refused = client.post(f"/api/v1/days/{day}/close", json={})
    assert refused.status_code == 409 and refused.get_json()["code"] == "day_not_ready"
    assert "complete, cancel or carry it over" in refused.get_json()["message"]
    assert client.post(f"/api/v1/days/{day}/carry-overs",
                       json={"order_id": orders["f"], "reason": "collected tomorrow morning"}).status_code == 201
    unexplained = client.post(f"/api/v1/days/{day}/drawers/counter-1/count", json={"counts": {"5000": 2, "200": 4, "50": 1}})
    assert unexplained.status_code == 422 and unexplained.get_json()["field"] == "reason"
    counted = client.post(f"/api/v1/days/{day}/drawers/counter-1/count",
                          json={"counts": {"10000": 1, "500": 1, "200": 2, "50": 1},
                                "reason": "a 50 cent coin short: change error", "approval": approval(client, hub, "day_close")})
    assert counted.status_code == 200, counted.get_json()
    assert (counted.get_json()["counted"], counted.get_json()["difference"], counted.get_json()["signed_off_by"]) == \
           (10950, -50, "Morgan")
    assert client.post(f"/api/v1/days/{day}/terminals/read").get_json()["asked"] == ["agent-1"]
    with hub.uow_factory() as uow:  # the job the hub queued for the terminal's agent
        job = next(j for j in uow.device_jobs.unfinished(10) if j.payload.get("operation") == "end_of_day")
    happened(hub, DeviceJobFinished(job.job_id, "agent-1", "pay", None, None, True, None, None,
                                    {"operation": "end_of_day", "result": "approved", "amount": 1000}))
    cards = today(client)["cards"]
    assert cards[0]["lines"] == [{"line": "net_total", "hub": 990, "terminal": 1000, "difference": 10, "matches": False}]
    closed = client.post(f"/api/v1/days/{day}/close", json={"approval": approval(client, hub, "day_close")})
    assert closed.status_code == 201, closed.get_json()
    report = closed.get_json()
    assert (report["z_number"], report["cash_difference"], report["card_mismatches"]) == (1, -50, 1)
    assert report["carried_over"][0]["reason"] == "collected tomorrow morning"
    again = client.post(f"/api/v1/days/{day}/close", json={"approval": approval(client, hub, "day_close")})
    assert again.status_code == 409 and "closed already" in again.get_json()["message"]
    late = client.post(f"/api/v1/orders/{orders['a']}/tenders", json={"kind": "cash", "amount": 100})
    assert late.status_code in (409, 422) and "was closed" in late.get_json()["message"]
    assert client.get(f"/api/v1/days/{day}").get_json()["z_number"] == 1


def test_a_count_with_a_negative_or_unknown_denomination_is_refused_naming_it(client, hub):
    store_day(client, hub)
    day = today(client)["day"]
    negative = client.post(f"/api/v1/days/{day}/drawers/counter-1/count", json={"counts": {"200": -3}})
    assert negative.status_code == 422 and negative.get_json()["field"] == "counts.200"
    unknown = client.post(f"/api/v1/days/{day}/drawers/counter-1/count", json={"counts": {"300": 1}})
    assert unknown.status_code == 422 and unknown.get_json()["field"] == "counts.300"


def test_a_cashier_cannot_sign_off(client, hub, app):
    store_day(client, hub)
    day = today(client)["day"]
    refused = client.post("/api/v1/staff/approvals", json={"pin": CASHIER_PIN, "action": "day_close", "device_id": "counter-1"})
    assert refused.status_code == 403 and "needs a manager's PIN" in refused.get_json()["message"]
    without = app.test_client()
    assert without.post(f"/api/v1/days/{day}/close", json={}).status_code == 401
    counter = screen_client(app, "counter-1", Role.COUNTER)
    cashier = {"Authorization": f"Bearer {sign_in(counter, hub)}"}
    assert counter.put("/api/v1/drawers/counter-1/float", json={"amount": 5000}, headers=cashier).status_code == 200
    for path in (f"/api/v1/days/{day}/close", f"/api/v1/days/{day}/drawers/counter-1/count"):
        refused = counter.post(path, json={"counts": {}} if path.endswith("count") else {}, headers=cashier)
        assert refused.status_code == 403, refused.get_json()
    assert client.get(f"/api/v1/days/{day}").get_json()["closed"] is False



@pytest.mark.parametrize("day", ["yesterday", "2026-13-01"])
def test_a_day_that_is_no_date_is_refused_naming_it(client, day):
    reply = client.get(f"/api/v1/days/{day}")
    assert reply.status_code == 400 and reply.get_json()["field"] == "day"


def test_new_orders_after_the_close_book_to_the_next_day(client, hub):
    orders = store_day(client, hub)
    day = today(client)["day"]
    client.post(f"/api/v1/days/{day}/carry-overs", json={"order_id": orders["f"], "reason": "tomorrow"})
    client.post(f"/api/v1/days/{day}/drawers/counter-1/count", json={"counts": {"10000": 1, "1000": 1}})
    assert client.post(f"/api/v1/days/{day}/close", json={}).status_code == 201  # the owner signs off herself
    late = place(client, "kiosk", [{"sku": "ESPRESSO", "qty": 1}])
    following = today(client)
    assert following["day"] > day and [o["order_id"] for o in following["figures"]["open_orders"]] == [orders["f"], late]
    assert client.post(f"/api/v1/orders/{orders['f']}/tenders", json={"kind": "cash", "amount": 650}).status_code == 201
    assert str(uuid.UUID(late)) == late


def test_the_end_of_day_page_shows_the_day_in_english_and_german(client, hub):
    store_day(client, hub)
    english = client.get("/admin/day").get_data(as_text=True)
    assert "End of the day" in english and "Cash-up per drawer" in english and "€110.00" in english
    german = client.get("/admin/day?lang=de").get_data(as_text=True)
    assert "Tagesabschluss" in german and "Kassensturz je Schublade" in german and "110,00\xa0€" in german
    assert "<td>Gift card</td>" in english and "<td>Counter</td>" in english
    assert "<td>Gutschein</td>" in german and "<td>Theke</td>" in german and "gift card" not in german


def test_the_page_catalog_is_complete_and_compiled():
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    from hub.entrypoints.web.day_words import DAY_WORDS, NAMED, TRANSLATIONS

    folder = TRANSLATIONS / "de" / "LC_MESSAGES"
    with open(folder / "messages.po", "rb") as po_file, open(folder / "messages.mo", "rb") as mo_file:
        po, mo = read_po(po_file), read_mo(mo_file)
    assert [text for text in [*DAY_WORDS.values(), *NAMED.values()] if not (po.get(text) and po.get(text).string)] == []
    assert {m.id: m.string for m in po if m.id} == {m.id: m.string for m in mo if m.id}


def test_the_z_report_prints_on_the_counters_printer_and_downloads_as_a_pdf(client, hub):
    orders = store_day(client, hub)
    day = today(client)["day"]
    early = client.post(f"/api/v1/days/{day}/z-report/print", json={"device_id": "counter-1"})
    assert early.status_code == 409 and early.get_json()["field"] == "day"
    client.post(f"/api/v1/days/{day}/carry-overs", json={"order_id": orders["f"], "reason": "tomorrow"})
    client.post(f"/api/v1/days/{day}/drawers/counter-1/count", json={"counts": {"10000": 1, "1000": 1}})
    assert client.post(f"/api/v1/days/{day}/close", json={}).status_code == 201
    nowhere = client.post(f"/api/v1/days/{day}/z-report/print", json={"device_id": "counter-1"})
    assert nowhere.status_code == 422 and nowhere.get_json()["field"] == "device_id"
    client.put("/api/v1/printing/routes/receipt/counter-1",
               json={"printer": {"device_id": "counter-1-agent", "hardware": "receipt"}, "language": "de"})
    printed = client.post(f"/api/v1/days/{day}/z-report/print", json={"device_id": "counter-1"})
    assert printed.status_code == 202, printed.get_json()
    with hub.uow_factory() as uow:
        job = next(j for j in uow.device_jobs.unfinished(20) if j.kind == "print")
    document = job.payload["document"]
    assert (job.device_id, document["document"], document["title"]) == ("counter-1-agent", "z_report", "Z-Bon 1")
    assert {"left": "Brutto", "right": "26,30\xa0EUR", "bold": False, "rule": False} in document["lines"]
    pdf = client.get(f"/api/v1/days/{day}/z-report.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert client.get(f"/api/v1/days/2000-01-01/z-report.pdf").status_code == 409


def test_the_automatic_close_at_the_boundary_makes_the_same_checks(client, hub):
    from dataclasses import replace
    from datetime import timedelta

    from hub.domain.numbering import business_day
    from hub.services.end_of_day import CloseDueDay, close_due_day
    from hub.domain.numbering import StoreDay

    orders = store_day(client, hub)
    day = today(client)["day"]
    store = StoreDay(hub.settings.zone, hub.settings.day_starts_at_hour)
    now = datetime.now(timezone.utc)
    following = business_day(now, store.tz, store.starts_at_hour) + timedelta(days=1)
    boundary = datetime(following.year, following.month, following.day, store.starts_at_hour, tzinfo=store.tz)

    def at(moment, wanted=True):
        with hub.uow_factory() as uow:
            report = close_due_day(CloseDueDay(), uow, lambda: moment, store, replace(hub.frontdesk, auto_close_day=wanted))
            uow.commit()
        return report

    assert at(boundary + timedelta(seconds=1), wanted=False) is None  # the store did not ask for it
    assert at(boundary + timedelta(seconds=1)) is None  # an open order and an uncounted drawer: it stays open
    assert client.get(f"/api/v1/days/{day}").get_json()["closed"] is False
    client.post(f"/api/v1/days/{day}/carry-overs", json={"order_id": orders["f"], "reason": "tomorrow"})
    client.post(f"/api/v1/days/{day}/drawers/counter-1/count", json={"counts": {"10000": 1, "1000": 1}})
    assert at(boundary + timedelta(minutes=10)) is None  # long after the boundary: a manager closes it
    report = at(boundary + timedelta(seconds=2))
    assert (report.z_number, report.closed_by) == (1, "automatic close")
    assert client.get(f"/api/v1/days/{day}").get_json()["closed_by"] == "automatic close"


def test_with_a_cloud_link_the_closed_day_goes_to_the_outbox_in_the_same_transaction(client, hub):
    from sqlalchemy import select

    from hub.adapters.cloud.outbox import SqlOutbox
    from hub.adapters.db.catalog_store import CatalogCache
    from hub.adapters.db.cloud_tables import cloud_outbox
    from hub.adapters.db.unit_of_work import SqlUnitOfWork
    from hub.domain.end_of_day import CloseDay
    from hub.services.end_of_day import close_day
    from hub.domain.numbering import StoreDay

    orders = store_day(client, hub)
    day = today(client)["day"]
    client.post(f"/api/v1/days/{day}/carry-overs", json={"order_id": orders["f"], "reason": "tomorrow"})
    client.post(f"/api/v1/days/{day}/drawers/counter-1/count", json={"counts": {"10000": 1, "1000": 1}})
    now = lambda: datetime.now(timezone.utc)  # noqa: E731
    linked = SqlUnitOfWork(hub.engine, CatalogCache(), outbox=lambda connection: SqlOutbox(connection, "test", now))
    with linked as uow:
        report = close_day(CloseDay(day, signed_off_by="owner"), uow, now,
                           StoreDay(hub.settings.zone, hub.settings.day_starts_at_hour))
        uow.commit()
    with hub.engine.connect() as connection:
        rows = [row for row in connection.execute(select(cloud_outbox)).mappings() if row["aggregate"] == f"day:{day}"]
    assert len(rows) == 1 and rows[0]["body"]["kind"] == "day_close"
    assert rows[0]["body"]["z_number"] == report.z_number == 1 and rows[0]["body"]["figures"]["gross"] == 2630
