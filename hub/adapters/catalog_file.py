"""Read a catalog file into the domain's Catalog, all or nothing, naming the bad field."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from hub.contracts.catalog import CatalogFile
from hub.contracts.validation import first_error
from hub.domain.catalog import Catalog, CatalogItem, Modifier
from hub.domain.money import Money


class CatalogFileError(ValueError):
    """A catalog file that cannot be imported; the message names the place."""


def read_catalog_file(path: Path) -> Catalog:
    """Parse and check a JSON catalog file."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogFileError(f"{path}: no such file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogFileError(f"{path}: not valid JSON: {exc}") from None
    try:
        parsed = CatalogFile.model_validate(raw)
    except ValidationError as exc:
        _, message = first_error(exc)
        raise CatalogFileError(f"{path}: {message}") from None
    seen: set[str] = set()
    items = []
    for index, item in enumerate(parsed.items):
        if item.sku in seen:
            raise CatalogFileError(f"{path}: items[{index}].sku {item.sku} appears twice")
        seen.add(item.sku)
        codes = [m.code for m in item.modifiers]
        if len(set(codes)) != len(codes):
            raise CatalogFileError(f"{path}: items[{index}].modifiers list a code twice")
        items.append(
            CatalogItem(
                sku=item.sku,
                name=item.name,
                price=Money(item.price, parsed.currency),
                tax_rate_bp=item.tax_rate_bp,
                station=item.station,
                prep_seconds=item.prep_seconds,
                modifiers={m.code: Modifier(m.code, m.name, m.price_delta) for m in item.modifiers},
                available=item.available,
            )
        )
    return Catalog(items)
