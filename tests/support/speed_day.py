"""Kitchen tickets fired and bumped at set times, for the speed-of-service report (issue 17).

The grill's target is 300 s (GRILL_TARGET, written to displays.toml), the bar's the store's 480 s.
Times from fire to bump, on a business day and the day before it (the store's clock is UTC):

    day before  12:00 kiosk    grill  240 s                       (lunch)
    day         08:00 counter  bar    130 s                       (breakfast)
                08:30 counter  bar     60 s, recalled, bumped again at 200 s: counts once, 200 s
                12:00 kiosk    grill  200 s                       (lunch)
                12:10 kiosk    grill  290 s
                12:20 counter  grill  310 s  over the grill's 300 s
                18:00 kiosk    grill  100 s                       (dinner)
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path

from hub.domain.kitchen_messages import BumpTicket, RecallTicket
from tests.support.report_day import at

GRILL_TARGET = "[stations.grill]\nred_after_s = 300\n"


def set_targets(data_dir: Path) -> None:
    """Give the grill its own 300 s target in the hub's displays.toml."""
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "displays.toml").write_text(GRILL_TARGET)


def _order(client, hub, clock, day: str, hhmm: str, origin: str, sku: str) -> tuple[str, str]:
    clock.now = at(day, hhmm)
    order_id = str(uuid.uuid4())
    reply = client.post("/api/v1/orders", json={"order_id": order_id, "origin": origin, "fulfilment": "takeaway",
                                                "lines": [{"sku": sku, "qty": 1}]})
    assert reply.status_code in (200, 201, 202), reply.get_json()
    paid = client.post(f"/api/v1/orders/{order_id}/tenders",
                       json={"kind": "cash", "amount": reply.get_json()["total"]["amount"]})
    assert paid.status_code in (200, 201), paid.get_json()
    with hub.uow_factory() as uow:
        (ticket,) = uow.orders.get(order_id).tickets
    return order_id, ticket.ticket_id


def _act(hub, clock, command, order_id: str, ticket_id: str, placed: datetime, seconds: int) -> None:
    clock.now = placed + timedelta(seconds=seconds)
    hub.bus.handle(command(str(uuid.uuid4()), order_id, ticket_id))


def play_tickets(client, hub, clock, day: str, day_before: str) -> None:
    """Place and bump the tickets above."""
    for when, hhmm, origin, sku, seconds in ((day_before, "12:00", "kiosk", "BURGER", 240),
                                             (day, "08:00", "counter", "LATTE-M", 130),
                                             (day, "12:00", "kiosk", "BURGER", 200), (day, "12:10", "kiosk", "BURGER", 290),
                                             (day, "12:20", "counter", "BURGER", 310), (day, "18:00", "kiosk", "BURGER", 100)):
        order_id, ticket_id = _order(client, hub, clock, when, hhmm, origin, sku)
        _act(hub, clock, BumpTicket, order_id, ticket_id, at(when, hhmm), seconds)
    order_id, ticket_id = _order(client, hub, clock, day, "08:30", "counter", "LATTE-M")
    for command, seconds in ((BumpTicket, 60), (RecallTicket, 120), (BumpTicket, 200)):
        _act(hub, clock, command, order_id, ticket_id, at(day, "08:30"), seconds)
