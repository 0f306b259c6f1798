"""Staff rules: roles to permissions, salted PIN hashes, tokens kept as hashes, the lockout window."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from hub.domain import staff

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def test_only_managers_may_approve_discounts_refunds_and_voids():
    assert all(staff.may("manager", f"approve:{action}") for action in staff.APPROVAL_ACTIONS)
    assert not any(staff.may("cashier", f"approve:{action}") for action in staff.APPROVAL_ACTIONS)
    assert staff.may("cashier", "sell") and not staff.may("nobody", "sell")


def test_the_same_pin_hashes_differently_each_time_and_still_matches():
    first, second = staff.hash_pin("1234"), staff.hash_pin("1234")
    assert first != second and "1234" not in first
    assert staff.pin_matches("1234", first) and staff.pin_matches("1234", second)
    assert not staff.pin_matches("1235", first)
    assert not staff.pin_matches("1234", "not a hash")


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "", "١٢٣٤"])
def test_a_pin_must_be_4_to_8_ascii_digits_and_the_refusal_does_not_repeat_it(pin):
    with pytest.raises(staff.StaffRefused) as refused:
        staff.check_pin(pin)
    assert refused.value.field == "pin" and (not pin or pin not in refused.value.message)


def test_a_token_is_kept_only_as_its_hash():
    token, hashed = staff.new_token()
    assert len(token) >= 40 and token not in hashed and staff.token_hash(token) == hashed


def test_five_wrong_pins_within_five_minutes_lock_until_the_oldest_leaves_the_window():
    failures = [NOW - timedelta(minutes=m) for m in (4, 3, 2, 1)]
    assert not staff.locked(failures, NOW)
    failures.append(NOW)
    assert staff.locked(failures, NOW)
    assert staff.unlocks_at(failures, NOW) == NOW + timedelta(minutes=1)
    assert not staff.locked(failures, NOW + timedelta(minutes=1))
