"""The wire contracts: the issue's examples parse, errors name the field, docs are current."""

from __future__ import annotations

import json
import uuid

import pytest

from hub.contracts import orders as wire
from hub.domain import orders as domain
from hub.entrypoints.intake import fingerprint, parse_submission, Refusal
from hub.entrypoints.protocol_doc import render_protocol
from hub.contracts.orders import OrderSubmit

EXAMPLE = {
    "v": 1, "id": "6f1c2d9e-4d1b-4c55-9a39-0b3c1f0b2a11", "type": "order.submit", "at": "2026-11-22T12:00:00Z",
    "data": {"order_id": "0b6e7a52-7c1e-4f0e-8d0a-3a7a5f6b9c01", "origin": "kiosk", "fulfilment": "takeaway",
             "lines": [{"sku": "LATTE-M", "qty": 2, "modifiers": ["OAT"], "note": "extra hot"}],
             "customer": {"loyalty_id": "L-1001"}, "promised_at": None, "rush": False},
}


def test_the_issue_example_parses_into_a_command():
    command, envelope_id = parse_submission(json.dumps(EXAMPLE).encode(), "kiosk-1")
    assert envelope_id == EXAMPLE["id"]
    assert command.lines[0].modifiers == ("OAT",)
    assert command.loyalty_id == "L-1001"
    assert command.source == "kiosk-1"


def test_control_characters_in_typed_text_are_dropped_when_an_order_arrives():
    """A NUL cannot be stored in PostgreSQL and `ESC p` kicks a drawer: neither is text a person meant."""
    data = {**EXAMPLE["data"], "lines": [{"sku": "LATTE-M", "qty": 1, "note": "extra\x00 hot\x1bp\x00\x19"}],
            "customer": {"name": "Al\x00ice\tB", "phone": "0151\x7f 234"}}
    command, _ = parse_submission(json.dumps({**EXAMPLE, "data": data}).encode(), "kiosk-1")
    assert command.lines[0].note == "extra hotp"
    assert (command.customer_name, command.customer_phone) == ("Alice B", "0151 234")


def test_optional_fields_may_be_left_out():
    minimal = {**EXAMPLE, "data": {"order_id": str(uuid.uuid4()), "origin": "app", "fulfilment": "pickup",
                                   "lines": [{"sku": "LATTE-M", "qty": 1}]}}
    command, _ = parse_submission(json.dumps(minimal).encode(), "gw")
    assert (command.rush, command.promised_at, command.loyalty_id) == (False, None, None)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda m: m["data"]["lines"][0].update(qty=100), "lines[0].qty", "lines[0].qty must be between 1 and 99"),
        (lambda m: m["data"]["lines"][0].update(qty="2"), "lines[0].qty", "lines[0].qty must be a valid integer"),
        (lambda m: m["data"].update(origin="fax"), "origin", None),
        (lambda m: m["data"].update(lines=[]), "lines", None),
        (lambda m: m["data"].update(promised_at="2026-11-22T12:00:00"), "promised_at", None),
        (lambda m: m["data"].update(colour="red"), "colour", "colour is not a known field"),
        (lambda m: m.update(v=2), "v", None),
        (lambda m: m.update(id="not-a-uuid"), "id", None),
        (lambda m: m.update(type="order.cancel"), "type", None),
    ],
)
def test_invalid_messages_name_the_field(change, field, message):
    broken = json.loads(json.dumps(EXAMPLE))
    change(broken)
    refusal = parse_submission(json.dumps(broken).encode(), "kiosk-1")
    assert isinstance(refusal, Refusal)
    assert refusal.code == "invalid_payload"
    assert refusal.field == field
    assert refusal.message.startswith(field)
    if message:
        assert refusal.message == message


def test_unreadable_payload_has_no_re():
    refusal = parse_submission(b"\x00\x01", "kiosk-1")
    assert (refusal.code, refusal.re) == ("invalid_json", None)


def test_fingerprint_ignores_key_order_and_spelled_out_defaults():
    a = OrderSubmit.model_validate(EXAMPLE["data"])
    b = OrderSubmit.model_validate({k: EXAMPLE["data"][k] for k in reversed(list(EXAMPLE["data"])) if k != "rush"})
    assert fingerprint(a) == fingerprint(b)
    c = OrderSubmit.model_validate({**EXAMPLE["data"], "rush": True})
    assert fingerprint(a) != fingerprint(c)


def test_wire_and_domain_agree_on_origins_and_fulfilment():
    assert {o.value for o in wire.Origin} == {"kiosk", "counter", "app", "web", "phone", "marketplace"}
    assert {f.value for f in wire.Fulfilment} == {"dine_in", "takeaway", "pickup", "delivery", "ship"}
    assert {s.value for s in domain.OrderStatus} == {"received", "accepted", "in_progress", "ready", "completed", "cancelled"}


def test_committed_protocol_document_is_up_to_date():
    from pathlib import Path

    committed = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"
    assert committed.read_text() == render_protocol(), "docs/protocol.md is stale: run `passline docs protocol`"
