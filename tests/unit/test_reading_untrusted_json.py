"""Reading JSON from anyone: refused in words, never a RecursionError; parked payloads keep no secrets."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from hub.contracts.envelope import Envelope
from hub.contracts.validation import MAX_NESTING, UnreadableJson, first_error, nesting_depth, read_json
from hub.entrypoints.dead_letters import envelope_id_of, in_words, redacted
from hub.entrypoints.intake import parse_submission


def test_nesting_is_measured_without_recursion_and_brackets_in_strings_do_not_count():
    assert nesting_depth(b'{"a": [1, {"b": []}]}') == 4
    assert nesting_depth(b'{"a": "[[[[\\"[[[["}') == 1
    assert nesting_depth(b"[" * 100_000) == MAX_NESTING + 1  # stops counting once past the limit


def test_the_deepest_allowed_nesting_is_read_and_one_more_is_refused():
    assert read_json(b"[" * MAX_NESTING + b"]" * MAX_NESTING) is not None
    with pytest.raises(UnreadableJson, match=f"nested more than {MAX_NESTING} levels deep"):
        read_json(b"[" * (MAX_NESTING + 1) + b"]" * (MAX_NESTING + 1))


@pytest.mark.parametrize("payload, reason", [
    (b"[" * 3000 + b"]" * 3000, "is nested more than 32 levels deep"),
    (b"1" * 5000, "has a number of 5000 digits (at most 1000)"),
    (b"-" + b"1" * 1001, "has a number of 1001 digits (at most 1000)"),
    (b"[Infinity]", "has Infinity, which is not a JSON number"),
    (b"1e400", "has a number too large to read: 1e400"),
    (b"\xff\xfe", "is not UTF-8 text"),
    (b" " * (2 * 1024 * 1024), "is larger than 1024 KiB (2048 KiB)"),
    (b"{", "is not valid JSON: Expecting property name enclosed in double quotes at line 1 column 2"),
])
def test_what_cannot_be_read_is_refused_with_the_reason(payload, reason):
    with pytest.raises(UnreadableJson) as refused:
        read_json(payload)
    assert str(refused.value) == reason


def test_ordinary_numbers_and_text_read_as_json_does():
    payload = b'{"amount": 99999999, "rate": 0.19, "name": "Caf\\u00e9 [au lait]", "n": -3}'
    assert read_json(payload) == json.loads(payload)


def test_a_poison_order_on_mqtt_is_a_refusal_not_an_exception():
    refusal = parse_submission(b'{"v": 1, "data": ' + b"[" * 3000 + b"]" * 3000 + b"}", "kiosk-1")
    assert (refusal.code, refusal.message) == ("invalid_json", "the payload is nested more than 32 levels deep")


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1969-12-31T23:59:59Z",
                                "3000-01-01T00:00:00Z"])
def test_times_outside_1970_to_2999_are_refused_by_name(at):
    with pytest.raises(ValidationError) as refused:
        Envelope.model_validate({"v": 1, "id": "00000000-0000-4000-8000-000000000001", "type": "x", "at": at, "data": {}})
    assert first_error(refused.value) == ("at", "at must be a time between 1970 and 2999, e.g. 2026-11-22T12:00:00Z")


def test_a_device_with_an_unset_clock_still_gets_through():
    message = Envelope.model_validate({"v": 1, "id": "00000000-0000-4000-8000-000000000001", "type": "x",
                                       "at": "1970-01-01T00:00:05Z", "data": {}})
    assert message.at.year == 1970


def test_a_parked_payload_keeps_its_content_without_approvals_proofs_or_codes():
    payload = json.dumps({"v": 1, "id": "00000000-0000-4000-8000-000000000007", "data": {
        "order_id": "o-1", "approval": "appr-secret", "member_proof": "proof-secret", "tax_exempt_approval": None,
        "lines": [{"sku": "LATTE-M", "qty": 1}], "tenders": [{"code": "GIFT-secret"}]}}).encode()
    kept = redacted(payload)
    assert "secret" not in kept
    data = json.loads(kept)["data"]
    assert (data["order_id"], data["lines"], data["approval"]) == ("o-1", [{"sku": "LATTE-M", "qty": 1}], "(removed)")
    assert data["tax_exempt_approval"] is None  # nothing to hide, shown as it came
    assert envelope_id_of(payload) == "00000000-0000-4000-8000-000000000007"
    assert redacted(b"\xff[[[") == "base64:/1tbWw=="
    assert envelope_id_of(b"[" * 3000) is None


def test_a_failure_is_put_in_one_short_line():
    assert in_words(RuntimeError("first line\nSELECT * FROM a very long statement")) == "RuntimeError: first line"
    assert in_words(RecursionError()) == "RecursionError"
