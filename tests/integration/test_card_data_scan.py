"""After a run of card payments the database and the logs hold nothing that looks like a card number."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from devices.simulators.zvt_terminal import Scenario
from devices.zvt import bmp
from tests.integration.test_payment_terminal_agent import new_order, pay, start_till, store, wait_final  # noqa: F401
from tests.support.staff import approval

FULL_CARD = "4761739001010119"  # a Luhn-valid test card number, sent unmasked by the terminal here
CANDIDATE = re.compile(r"(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)")
# Ids are UUIDs; one whose middle groups are all digits reads as a dashed 13-digit run that can pass Luhn.
UUID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def card_numbers(text: str) -> list[str]:
    """Return every run of 13-19 digits (spaces or dashes allowed) that passes the Luhn check."""
    found = []
    for match in CANDIDATE.finditer(UUID.sub(" ", text)):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_ok(digits):
            found.append(match.group())
    return found


def test_the_scanner_finds_card_numbers_in_every_usual_shape():
    text = f"a {FULL_CARD} b 4761 7390 0101 0119 c 4761-7390-0101-0119 d ************0119 e 20261122123456"
    assert card_numbers(text) == [FULL_CARD, "4761 7390 0101 0119", "4761-7390-0101-0119"]


def test_the_scanner_does_not_take_an_id_for_a_card_number():
    assert card_numbers("job 7b0a1c8e-4190-4124-8930-9f6f3c1f2a10 done") == []
    assert card_numbers(f"job 7b0a1c8e-4190-4124-8930-9f6f3c1f2a10 card {FULL_CARD}") == [FULL_CARD]


@pytest.fixture
def till_with_full_card(tmp_path, mosquitto, store):
    """A TCP terminal that sends the full card number in BMP 22, as some terminals do."""
    for simulator, agent in start_till("tcp", tmp_path, mosquitto, store, completion_timeout_s=1.0):
        simulator.card = FULL_CARD
        yield simulator, agent


def test_no_card_number_in_the_database_or_the_logs_after_a_run_of_payments(store, till_with_full_card, caplog):
    caplog.set_level(logging.DEBUG)
    hub, client, settings = store
    simulator, agent = till_with_full_card
    assert bytes.fromhex(FULL_CARD) in bmp.encode_bmps([(bmp.CARD_NUMBER, simulator.card)])  # the terminal does send it
    simulator.queue(Scenario.APPROVE, Scenario.DECLINE, Scenario.CANCEL, Scenario.DROP_AFTER_CARD, Scenario.APPROVE)
    paid = []
    for _ in range(5):
        order = new_order(client)
        payment = pay(client, order)
        if payment["state"] == "approved":
            paid.append(payment)
    assert len(paid) == 3
    refund = client.post(f"/api/v1/payments/{paid[0]['payment_id']}/refund", json={"approval": approval(client, hub)})
    assert refund.status_code == 202
    wait_final(client, paid[0]["payment_id"])
    assert all(client.get(f"/api/v1/payments/{p['payment_id']}").json["masked_pan"] == "************0119" for p in paid)
    hub.stop()  # flush and close the database

    values = database_values(settings.database_url)
    assert "************0119" in values  # the masked number is there, so the scan reads the right rows
    assert card_numbers(values) == []
    assert card_numbers(agent.log()) == []
    assert card_numbers(caplog.text) == []
    # the raw files (database, WAL, the agent's spool) hold the number in no form: digits, grouped, or BCD
    files = b"".join(path.read_bytes() for folder in (Path(settings.data_dir), agent.config_path.parent / "spool")
                     for path in sorted(folder.rglob("*")) if path.is_file())
    for form in (FULL_CARD, "4761 7390 0101 0119", "4761-7390-0101-0119"):
        assert form.encode() not in files
    assert bytes.fromhex(FULL_CARD) not in files


def database_values(url: str) -> str:
    """Return every value of every row of every table, one per line (so neighbouring columns never run together)."""
    engine = create_engine(url)
    lines = []
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                lines.extend(str(value) for value in row)
    engine.dispose()
    return "\n".join(lines)
