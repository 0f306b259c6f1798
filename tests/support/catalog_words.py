"""The demo catalog's English words that read differently in German: what no German screen may show."""

from __future__ import annotations

import json
import re

from hub.demo import DEMO_CATALOG


def english_catalog_words() -> list[str]:
    """Every English word of the demo catalog whose German differs (so `Espresso`, the same in both, is left out)."""
    doc = json.loads(DEMO_CATALOG.read_text())
    de, en = doc["texts"]["de"], doc["texts"].get("en", {})
    pairs = []
    for item in doc["items"]:
        german = de["items"][item["sku"]]
        pairs.append((item["name"], german["name"]))
        english_description = en.get("items", {}).get(item["sku"], {}).get("description")
        if english_description:
            pairs.append((english_description, german["description"]))
        pairs += [(m["name"], de["modifiers"][m["code"]]) for m in item.get("modifiers", [])]
        pairs += [(g["name"], de["groups"][g["code"]]) for g in item.get("modifier_groups", [])]
        pairs += [(a, de["allergens"][a]) for a in item.get("allergens", [])]
        pairs += [(d, de["dietary"][d]) for d in item.get("dietary", [])]
    pairs += [(r["name"], de["taxes"][r["code"]]) for rates in doc["taxes"]["categories"].values() for r in rates]
    pairs += [(p["name"], de["promotions"][p["id"]]["name"]) for p in doc["promotions"]]
    return sorted({english for english, german in pairs if english != german})


def english_in(text: str, words: list[str]) -> list[str]:
    """Return the English catalog words a German screen shows, as whole words."""
    return [w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]
