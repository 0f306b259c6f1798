"""A small store day for the reports, played through the hub's own API at set times (issue 17).

Business day 2026-12-01 (a Tuesday; the store's clock is UTC) and the day before, 2026-11-30, to compare
with. The figures every report must show for it are worked out by hand in tests/integration/test_reports.py.

    2026-11-30  C1 08:10 counter  1 Latte (medium)                                    4.00
                C2 13:00 counter  1 Butter croissant                                  2.60
                C3 12:20 kiosk    1 Burger, 1 Fries                                  13.80
    2026-12-01  07:00  24 bags of house beans received (500 on hand before)
                O1 08:05 kiosk    2 Latte (medium) with oat milk (4.50 each)          9.00
                O2 08:40 counter  1 Latte (medium), 1 House beans 250 g (12.90)      16.90
                O3 12:15 kiosk    1 Burger with bacon (11.40), 1 Fries (3.90)        15.30
                O4 12:30 counter  1 Burger, 1 Fries                                  13.80
                O7 12:50 kiosk    1 Fries, then cancelled                             (0)
                O5 13:10 counter  3 Butter croissants (3 for 2: -2.60), 1 Earl Grey   8.20
                O6 18:20 kiosk    2 Burgers, 1 Fries                                 23.70
                19:00  O3's fries refunded                                           -3.90
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from tests.integration.commerce_support import cancel, complete
from tests.support.staff import approval

DAY = "2026-12-01"
DAY_BEFORE = "2026-11-30"


def at(day: str, hhmm: str) -> datetime:
    """Return a moment of the store's (UTC) clock."""
    return datetime.fromisoformat(f"{day}T{hhmm}:00").replace(tzinfo=timezone.utc)


def _order(client, hub, clock, when: datetime, origin: str, lines: list[dict]) -> str:
    clock.now = when
    order_id = str(uuid.uuid4())
    reply = client.post("/api/v1/orders", json={"order_id": order_id, "origin": origin, "fulfilment": "takeaway",
                                                "lines": lines})
    assert reply.status_code in (200, 201, 202), reply.get_json()
    total = reply.get_json()["total"]["amount"]
    paid = client.post(f"/api/v1/orders/{order_id}/tenders", json={"kind": "cash", "amount": total})
    assert paid.status_code in (200, 201), paid.get_json()
    return order_id


def play_store_day(client, hub, clock) -> dict[str, str]:
    """Play the two days above; return the order ids by name."""
    latte, croissant = {"sku": "LATTE-M", "qty": 1}, {"sku": "CROISSANT", "qty": 1}
    burger_and_fries = [{"sku": "BURGER", "qty": 1}, {"sku": "FRIES", "qty": 1}]
    ids = {
        "C1": _order(client, hub, clock, at(DAY_BEFORE, "08:10"), "counter", [latte]),
        "C3": _order(client, hub, clock, at(DAY_BEFORE, "12:20"), "kiosk", burger_and_fries),
        "C2": _order(client, hub, clock, at(DAY_BEFORE, "13:00"), "counter", [croissant]),
    }
    clock.now = at(DAY, "07:00")
    received = client.post("/api/v1/stock/BEANS-HOUSE-250/receive", json={"qty": 24})
    assert received.status_code in (200, 201), received.get_json()
    ids["O1"] = _order(client, hub, clock, at(DAY, "08:05"), "kiosk", [{"sku": "LATTE-M", "qty": 2, "modifiers": ["OAT"]}])
    ids["O2"] = _order(client, hub, clock, at(DAY, "08:40"), "counter", [latte, {"sku": "BEANS-HOUSE-250", "qty": 1}])
    ids["O3"] = _order(client, hub, clock, at(DAY, "12:15"), "kiosk",
                       [{"sku": "BURGER", "qty": 1, "modifiers": ["BACON"]}, {"sku": "FRIES", "qty": 1}])
    ids["O4"] = _order(client, hub, clock, at(DAY, "12:30"), "counter", burger_and_fries)
    ids["O7"] = _order(client, hub, clock, at(DAY, "12:50"), "kiosk", [{"sku": "FRIES", "qty": 1}])
    cancel(hub, ids["O7"])
    ids["O5"] = _order(client, hub, clock, at(DAY, "13:10"), "counter",
                       [{"sku": "CROISSANT", "qty": 3}, {"sku": "TEA-EARLGREY", "qty": 1}])
    ids["O6"] = _order(client, hub, clock, at(DAY, "18:20"), "kiosk", [{"sku": "BURGER", "qty": 2}, {"sku": "FRIES", "qty": 1}])
    for name in ("C1", "C2", "C3", "O1", "O2", "O3", "O4", "O5", "O6"):
        complete(hub, ids[name])
    clock.now = at(DAY, "19:00")
    refund = client.post(f"/api/v1/orders/{ids['O3']}/refunds",
                         json={"lines": [{"index": 1, "qty": 1}], "approval": approval(client, hub)})
    assert refund.status_code in (200, 201), refund.get_json()
    assert refund.get_json()["amount"]["amount"] == 390
    return ids
