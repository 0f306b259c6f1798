"""Enrolment rules: claim codes people can type, stored as keyed hashes; names and roles checked naming the field."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hub.domain import enrolment
from hub.domain.access import Role
from hub.domain.enrolment import AccessRefused, ClaimDevice, SignInAccount
from hub.entrypoints.web.throttle import Throttle


def test_a_claim_code_is_ten_characters_from_an_alphabet_without_look_alikes():
    codes = {enrolment.new_claim_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == enrolment.CLAIM_LENGTH >= 8 for code in codes)
    assert not set("".join(codes)) - set(enrolment.CLAIM_ALPHABET)
    assert not set("0O1IL5S2Z") & set(enrolment.CLAIM_ALPHABET)


def test_a_typed_code_is_read_as_issued_whatever_its_case_spaces_and_dashes():
    code = enrolment.new_claim_code()
    assert enrolment.normal_claim_code(f" {code[:5].lower()}-{code[5:]} ") == code
    assert enrolment.normal_claim_code(code[:-1]) is None
    assert enrolment.normal_claim_code("0" * enrolment.CLAIM_LENGTH) is None
    assert enrolment.normal_claim_code(None) is None


def test_a_claim_code_is_stored_as_an_hmac_that_depends_on_the_hub_secret():
    code = enrolment.new_claim_code()
    first, other = enrolment.claim_hash(b"a" * 32, code), enrolment.claim_hash(b"b" * 32, code)
    assert first != other and code not in first and len(first) == 64
    assert first == enrolment.claim_hash(b"a" * 32, code)


def test_tokens_are_random_and_kept_as_their_sha256_and_gateway_tokens_carry_the_prefix():
    token, hashed = enrolment.new_token(enrolment.GATEWAY_PREFIX)
    assert token.startswith("pld_") and len(token) > 40
    assert hashed == enrolment.token_hash(token) and token not in hashed
    assert enrolment.new_token()[0] != enrolment.new_token()[0]


@pytest.mark.parametrize("check, value, field", [
    (enrolment.check_username, "Owner", "username"),
    (enrolment.check_username, "a", "username"),
    (enrolment.check_account_role, "cashier", "role"),
    (enrolment.check_device_role, "owner", "role"),
    (enrolment.check_device_id, "kiosk/1", "device_id"),
    (enrolment.check_device_id, "", "device_id"),
    (enrolment.check_password, "short", "password"),
    (enrolment.check_claim_ttl, timedelta(days=8), "ttl_minutes"),
])
def test_a_bad_value_is_refused_naming_its_field(check, value, field):
    with pytest.raises(AccessRefused) as refused:
        check(value)
    assert refused.value.field == field and field in refused.value.message


def test_a_refused_password_is_not_repeated():
    with pytest.raises(AccessRefused) as refused:
        enrolment.check_password("hunter2")
    assert "hunter2" not in refused.value.message


def test_good_values_come_back_typed():
    assert enrolment.check_device_role("kiosk") is Role.KIOSK
    assert enrolment.check_account_role("store_it") is Role.STORE_IT
    assert enrolment.check_username("store.it-2") == "store.it-2"


def test_commands_never_show_a_code_or_password():
    assert "SECRETCODE" not in repr(ClaimDevice("SECRETCODE"))
    assert "sesame-open-up" not in repr(SignInAccount("owner", "sesame-open-up"))


def test_the_pairing_url_keeps_the_code_in_the_fragment():
    assert enrolment.pairing_url("http://hub:8000/", "ABCDEFGHJK") == "http://hub:8000/pair#code=ABCDEFGHJK"


def test_a_source_gets_ten_tries_a_minute_then_is_told_how_long_to_wait():
    now = [100.0]
    throttle = Throttle(limit=10, window_s=60, clock=lambda: now[0])
    assert all(throttle.attempt("10.0.0.9") is None for _ in range(10))
    assert throttle.attempt("10.0.0.9") == 60
    assert throttle.attempt("10.0.0.8") is None  # another source is not slowed
    now[0] += 30
    assert throttle.attempt("10.0.0.9") == 30
    now[0] += 30
    assert throttle.attempt("10.0.0.9") is None
