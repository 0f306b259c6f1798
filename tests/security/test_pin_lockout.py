"""Wrong PINs lock the till and the address they come from, and only slow the store: no one locks every till."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hub.bootstrap import bootstrap
from hub.domain import staff as rules
from hub.domain.staff import SignIn, StaffRefused
from tests.support.staff import CASHIER_PIN, MANAGER_PIN, ensure_staff
from tests.support.clock import Clock

ATTACKER = {"REMOTE_ADDR": "192.0.2.66"}
COUNTER = {"REMOTE_ADDR": "192.0.2.10"}


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def hub(settings, clock):
    hub = bootstrap(settings, clock=clock)
    ensure_staff(hub)
    yield hub
    hub.stop()


def pin(client, value: str, device_id: str, source: dict, path: str = "sessions", **extra):
    return client.post(f"/api/v1/staff/{path}", json={"pin": value, "device_id": device_id, **extra}, environ_base=source)


def test_twenty_wrong_pins_from_one_source_at_varying_tills_do_not_stop_another_till(client, hub, clock):
    replies = [pin(client, "4321", f"counter-{n}", ATTACKER) for n in range(20)]
    assert [r.status_code for r in replies[:5]] == [401] * 5
    assert {(r.status_code, r.get_json()["code"]) for r in replies[5:]} == {(429, "locked")}
    assert "from this address" in replies[-1].get_json()["message"]

    signed_in = pin(client, CASHIER_PIN, "counter-99", COUNTER)
    assert signed_in.status_code == 201, signed_in.get_json()
    approved = pin(client, MANAGER_PIN, "counter-98", COUNTER, "approvals", action="refund")
    assert approved.status_code == 201, approved.get_json()
    # The attacker's own address stays locked even with a right PIN, until the window passes.
    assert pin(client, CASHIER_PIN, "counter-97", ATTACKER).status_code == 429
    clock.now += rules.LOCKOUT_WINDOW + timedelta(seconds=1)
    assert pin(client, CASHIER_PIN, "counter-97", ATTACKER).status_code == 201


def test_wrong_pins_from_many_addresses_slow_the_store_but_never_lock_it(client, hub, clock):
    for n in range(rules.STORE_SLOW_ATTEMPTS):
        assert pin(client, "4321", f"till-{n}", {"REMOTE_ADDR": f"198.51.100.{n}"}).status_code == 401
    slowed = pin(client, CASHIER_PIN, "counter-1", COUNTER)
    assert (slowed.status_code, slowed.get_json()["code"]) == (429, "slow_down")
    clock.now += rules.STORE_SLOW_DELAY
    assert pin(client, CASHIER_PIN, "counter-1", COUNTER).status_code == 201
    # Each further wrong PIN anywhere costs every attempt a few seconds, no more.
    assert pin(client, "4321", "till-x", {"REMOTE_ADDR": "198.51.100.200"}).status_code == 401
    assert pin(client, "4321", "till-y", {"REMOTE_ADDR": "198.51.100.201"}).status_code == 429
    clock.now += rules.STORE_SLOW_DELAY
    assert pin(client, CASHIER_PIN, "counter-2", COUNTER).status_code == 201


def test_a_store_wide_slow_down_says_how_long_to_wait(hub, clock):
    for n in range(rules.STORE_SLOW_ATTEMPTS):
        with pytest.raises(StaffRefused, match="wrong PIN"):
            hub.bus.handle(SignIn("4321", f"till-{n}", source=f"198.51.100.{n}"))
    with pytest.raises(StaffRefused) as refused:
        hub.bus.handle(SignIn(CASHIER_PIN, "counter-1", source="192.0.2.10"))
    assert refused.value.code == "slow_down" and refused.value.retry_after_s == rules.STORE_SLOW_DELAY.seconds
