"""A printer that answers after its deadline: the held ticket is on paper already and is not sent again.

A real SQLite hub with a clock the test moves, and the real device relay publishing into a list.
"""

from __future__ import annotations

import threading
import uuid

from hub.bootstrap import bootstrap
from hub.domain.device_jobs import RecordDeviceEvent
from hub.domain.presence import DeviceState
from hub.entrypoints.device_relay import DeviceRelay
from hub.entrypoints.web.app import create_app
from tests.integration.test_payment_checks import HandClock
from tests.support.identities import owner_client


def test_a_printed_answer_after_the_deadline_ends_the_hold_and_nothing_prints_twice(settings):
    clock = HandClock()
    hub = bootstrap(settings, clock=clock)
    try:
        client = owner_client(create_app(hub=hub))
        published: list[dict] = []
        relay = DeviceRelay(hub.bus, "test", lambda _topic, message: published.append(message), threading.Event())
        assert client.put("/api/v1/printing/routes/kitchen_ticket/grill", json={
            "printer": {"device_id": "printers-1", "hardware": "grill"}, "answer_within_s": 10}).status_code == 200
        order = client.post("/api/v1/orders", json={"order_id": str(uuid.uuid4()), "origin": "counter",
                                                    "fulfilment": "dine_in", "lines": [{"sku": "BURGER", "qty": 1}]})
        assert order.status_code == 201, order.json
        relay.sweep()
        [job] = [m["data"] for m in published]
        clock.advance(10)  # no answer in time: no backup, so the ticket is held
        relay.sweep()
        [held] = client.get("/api/v1/printing/prints").json["prints"]
        assert (held["state"], held["error"]) == ("held", "no_answer")
        # The agent was only slow: its "printed" arrives now, after the deadline.
        result = {"job_id": job["job_id"], "ok": True, "error": None, "message": None, "detail": {"printed": True}}
        hub.bus.handle(RecordDeviceEvent("printers-1", "job.result", result, str(uuid.uuid4())))
        [printed] = client.get("/api/v1/printing/prints").json["prints"]
        assert (printed["state"], printed["printed_by"]) == ("printed", "grill")
        hub.presence.update(DeviceState("printers-1", True, "printer", {"grill": {"kind": "printer", "ready": True}},
                                        None, clock.now))  # the printer says ready: nothing is waiting for it
        clock.advance(120)
        relay.sweep()
        relay.sweep()
        assert [m["data"]["job_id"] for m in published] == [job["job_id"]]  # one job, ever
    finally:
        hub.stop()
