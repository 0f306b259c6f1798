"""A batch of submissions committed together (as the MQTT consumer does under load), on a real database."""

from __future__ import annotations

import json
import uuid
from datetime import date

from hub.contracts.envelope import envelope
from hub.domain.errors import OrderConflict
from hub.entrypoints.intake import parse_submission
from hub.services.order_intake import SubmitResult


def submission(order_id: str, sku: str = "LATTE-M", qty: int = 1):
    payload = envelope("order.submit", {"order_id": order_id, "origin": "kiosk", "fulfilment": "takeaway",
                                        "lines": [{"sku": sku, "qty": qty}]})
    command, _ = parse_submission(json.dumps(payload).encode(), "kiosk-1")
    return command


def test_a_batch_mixing_new_repeated_and_conflicting_orders_gets_each_answer_right(hub):
    earlier = str(uuid.uuid4())
    first = hub.bus.handle(submission(earlier))
    fresh, twice = str(uuid.uuid4()), str(uuid.uuid4())
    outcomes = hub.bus.handle_batch([
        submission(fresh),
        submission(earlier),  # sent again by a kiosk that missed the reply: the same order
        submission(earlier, qty=2),  # the same id with other content
        submission(twice, sku="ESPRESSO"),
        submission(twice, sku="ESPRESSO"),  # a resend inside the same batch
    ])
    assert isinstance(outcomes[0], SubmitResult) and outcomes[0].created
    assert isinstance(outcomes[1], SubmitResult) and not outcomes[1].created
    assert outcomes[1].order.number == first.order.number
    assert isinstance(outcomes[2], OrderConflict) and outcomes[2].field == "order_id"
    assert outcomes[3].created and not outcomes[4].created
    assert outcomes[3].order.number == outcomes[4].order.number
    numbers = [first.order.number, outcomes[0].order.number, outcomes[3].order.number]
    assert len(set(numbers)) == 3
    with hub.uow_factory() as uow:
        assert uow.orders.get(twice).lines[0].sku == "ESPRESSO"
        assert uow.orders.get(fresh).number == outcomes[0].order.number
        assert uow.orders.count_for_day(date.fromisoformat(first.order.business_day)) == 3
