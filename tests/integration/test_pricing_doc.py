"""The worked examples in docs/pricing.md are priced by the hub exactly as written."""

from __future__ import annotations

import json
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "pricing.md"
BLOCK = re.compile(r"```(basket|priced)\n(.*?)```", re.S)


def examples() -> list[tuple[str, dict, dict]]:
    """Return (heading, basket, expected) for every basket block and the priced block after it."""
    found, heading, basket = [], "", None
    for match in re.finditer(r"^### ([^\n]+)$|" + BLOCK.pattern, DOC.read_text(encoding="utf-8"), re.M | re.S):
        if match.group(1):
            heading = match.group(1)
        elif match.group(2) == "basket":
            basket = json.loads(match.group(3))
        else:
            found.append((heading, basket, json.loads(match.group(3))))
    return found


def test_the_document_has_the_four_kinds_of_example():
    headings = {heading for heading, _, _ in examples()}
    assert headings == {"Happy hour", "Meal deal", "A spend threshold", "Exclusive versus stackable", "Discounts by hand"}


def test_every_worked_example_prices_as_documented(client):
    assert len(examples()) == 9
    for heading, basket, expected in examples():
        body = client.post("/api/v1/baskets/price", json=basket).get_json()
        got = {
            "subtotal": body["subtotal"]["amount"],
            "discounts": {d["promotion"]: d["amount"]["amount"] for d in body["discounts"]},
            "taxes": {t["code"]: t["amount"]["amount"] for t in body["taxes"]},
            "total": body["total"]["amount"],
            "hints": [h["message"] for h in body["hints"]],
        }
        if "approval_required" in expected:  # discounts by hand: does submitting need a manager?
            got["approval_required"] = body["approval_required"]
        parts = [part for line in body["lines"] for part in line["parts"]]
        if parts:  # a basket with a bundle must show how its price was shared over the parts
            got["shares"] = {}
            for part in parts:
                got["shares"][part["sku"]] = got["shares"].get(part["sku"], 0) + part["net"]["amount"]
        assert got == expected, f"docs/pricing.md, example under '{heading}': {json.dumps(basket)}"
