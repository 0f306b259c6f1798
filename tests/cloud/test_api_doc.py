"""docs/cloud-api.md is generated from the contracts and must match them."""

from __future__ import annotations

from pathlib import Path

from cloud.api_doc import render_cloud_api
from cloud.contracts import ERROR_CODES

DOC = Path(__file__).parents[2] / "docs" / "cloud-api.md"
CLOUD = Path(__file__).parents[2] / "cloud"


def test_the_committed_api_document_is_up_to_date():
    assert DOC.read_text() == render_cloud_api(), "docs/cloud-api.md is stale: run `passline cloud docs`"


def test_every_error_code_hq_answers_with_is_documented():
    import re

    used = set()
    for source in CLOUD.rglob("*.py"):
        used |= set(re.findall(r'(?:ApiError|Refusal)\(\s*\d{3},\s*"([a-z_]+)"', source.read_text()))
    assert used and used <= set(ERROR_CODES), used - set(ERROR_CODES)
