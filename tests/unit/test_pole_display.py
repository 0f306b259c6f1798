"""The customer pole display on a pty: the line just added and the total, euro sign included."""

from __future__ import annotations

import uuid

from devices.peripherals.pole import PoleDisplay
from hub.contracts.jobs import JobOut
from tests.support.pty_device import PtyDevice


def show(**payload) -> JobOut:
    return JobOut(job_id=uuid.uuid4(), kind="display", payload=payload)


def lines(data: bytes) -> tuple[str, str]:
    upper = data.split(b"\x1bQA")[1].split(b"\r")[0].decode("cp858")
    lower = data.split(b"\x1bQB")[1].split(b"\r")[0].decode("cp858")
    return upper, lower


def test_pole_display_shows_the_added_line_and_the_total():
    device = PtyDevice()
    pole = PoleDisplay("pole", {"port": device.path}, lambda *_: None)
    try:
        assert pole.run(show(line="Cappuccino", amount=350, total=1240, currency="EUR")).ok
        data = device.read_until(lambda d: d.count(b"\r") >= 2)
        assert lines(data) == ("Cappuccino     €3.50", "TOTAL         €12.40")
        assert pole.run(show(line="Grüner Tee mit Zitrone", amount=290, total=1530, language="de")).ok
        data = device.read_until(lambda d: d.count(b"\r") >= 2)
        assert lines(data) == ("Grüner Tee mi 2,90 €", "SUMME        15,30 €")
    finally:
        pole.stop()
        device.close()


def test_pole_display_unplugged_is_reported_offline(tmp_path):
    pole = PoleDisplay("pole", {"port": str(tmp_path / "ttyGONE")}, lambda *_: None)
    outcome = pole.run(show(total=100))
    assert (outcome.ok, outcome.error) == (False, "offline")
    assert pole.health()["error"] == f"Customer display pole is not connected at {tmp_path / 'ttyGONE'}."
