"""The Payment domain object: states, card facts kept, refunds."""

from __future__ import annotations

from datetime import datetime, timezone

from hub.domain.payments import Payment, PaymentState, TerminalRef

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)


def payment() -> Payment:
    return Payment("p1", "o1", 800, "EUR", "kiosk-1", TerminalRef("till-agent", "terminal"), NOW)


def test_approval_keeps_only_what_a_receipt_may_show():
    p = payment()
    p.approve({"masked_pan": "************0119", "brand": "Visa", "auth_code": "123456", "receipt_no": "0001",
               "trace_no": "000001", "terminal_id": "52500001", "pan": "4761739001010119", "track_2": "x"}, NOW)
    assert p.state is PaymentState.APPROVED and p.net_charged == 800
    assert (p.masked_pan, p.brand, p.receipt_no) == ("************0119", "Visa", "0001")
    assert not hasattr(p, "pan") and "4761739001010119" not in repr(p)


def test_open_payments_charge_nothing_yet():
    p = payment()
    assert p.open and p.net_charged == 0
    p.check("lost", NOW)
    assert p.open and p.state is PaymentState.CHECKING and p.net_charged == 0


def test_partial_then_full_refund():
    p = payment()
    p.approve({}, NOW)
    p.refunded(300, NOW)
    assert (p.state, p.net_charged) == (PaymentState.APPROVED, 500)
    p.refunded(500, NOW)
    assert (p.state, p.net_charged) == (PaymentState.REFUNDED, 0)


def test_reversal_gives_back_what_was_not_refunded():
    p = payment()
    p.approve({}, NOW)
    p.refunded(200, NOW)
    assert p.reversed(NOW) == 600 and p.state is PaymentState.REVERSED and p.net_charged == 0


def test_declined_and_cancelled_end_with_nothing_charged():
    for state in (PaymentState.DECLINED, PaymentState.CANCELLED, PaymentState.FAILED):
        p = payment()
        p.end(state, state.value, "x", NOW)
        assert not p.open and p.net_charged == 0


def test_check_delay_backs_off_then_stays_at_two_minutes():
    from hub.domain.payments import check_delay

    assert [check_delay(n).total_seconds() for n in (1, 2, 3, 4, 5, 50)] == [10, 30, 60, 120, 120, 120]


def test_a_missed_check_schedules_the_next_and_says_when():
    from datetime import timedelta

    p = payment()
    p.check("lost", NOW)
    p.asking()
    p.asking()
    at = p.check_missed("the agent cannot reach the terminal", NOW)
    assert (p.state, p.checks, at, p.next_check_at) == (PaymentState.CHECKING, 2, NOW + timedelta(seconds=30), at)
    assert p.message == "check 2 got no answer (the agent cannot reach the terminal); the hub asks the terminal again at 12:00:30 UTC"
    p.asking()
    assert p.next_check_at is None and p.checks == 3


def test_settling_a_payment_clears_its_next_check():
    p = payment()
    p.check("lost", NOW)
    p.asking()
    p.check_missed("no answer", NOW)
    p.approve({"receipt_no": "0001"}, NOW)
    assert p.next_check_at is None and not p.open
