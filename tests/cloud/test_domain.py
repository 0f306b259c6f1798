"""HQ's plain rules: scope changes end every store on the right state; stock and balances are sums."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cloud.domain import (
    Audience,
    Move,
    balance,
    new_enrolment_code,
    normal_code,
    owns_location,
    scope_changes,
    secret_hash,
    stock_levels,
)

STORES = ["a", "b", "c"]
scopes = st.one_of(st.none(), st.lists(st.sampled_from(STORES), max_size=3, unique=True))


@given(st.lists(scopes, min_size=1, max_size=6))
def test_any_sequence_of_scopes_leaves_each_store_seeing_the_promotion_exactly_when_it_is_in_scope(sequence):
    feed: list[tuple[Audience, bool]] = []  # (who reads it, True = written / False = deleted)
    old = None
    for index, new in enumerate(sequence):
        deletes, writes = scope_changes(old, new, existed=index > 0)
        feed += [(audience, False) for audience in deletes] + [(audience, True) for audience in writes]
        old = new
    for store in STORES:
        visible = False
        for audience, written in feed:
            if audience.store in (None, store):
                visible = written
        assert visible == (sequence[-1] is None or store in sequence[-1]), (store, sequence)


def test_stock_levels_sum_each_bucket_per_location_and_sku():
    moves = [Move("a", "X", on_hand=5), Move("a", "X", on_hand=-2, reserved=1), Move("a/back", "X", in_transit=4),
             Move("a", "Y", on_hand=1)]
    assert [(lv.location, lv.sku, lv.on_hand, lv.reserved, lv.in_transit, lv.available) for lv in stock_levels(moves)] == [
        ("a", "X", 3, 1, 0, 2), ("a", "Y", 1, 0, 0, 1), ("a/back", "X", 0, 0, 4, 0)]


def test_a_balance_is_the_sum_of_the_ledger():
    assert balance([100, -30, 5]) == 75 and balance([]) == 0


def test_a_store_owns_its_code_and_places_inside_it_only():
    assert owns_location("berlin", "berlin") and owns_location("berlin", "berlin/backroom")
    assert not owns_location("berlin", "berlinale") and not owns_location("berlin", "hamburg/berlin")


def test_an_enrolment_code_is_kept_as_the_hash_of_its_normal_form():
    code, digest = new_enrolment_code()
    assert len(normal_code(code)) == 30 and secret_hash(normal_code(code.lower().replace("-", " "))) == digest
