"""The demo store: a café that also sells a few retail goods."""

from pathlib import Path

DEMO_CATALOG = Path(__file__).with_name("catalog.json")
