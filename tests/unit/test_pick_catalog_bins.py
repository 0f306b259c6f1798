"""Catalog items carry a shelf bin through JSON and CSV files, and a bad bin is refused naming its place."""

from __future__ import annotations

import json

import pytest

from hub.adapters.catalog_file import CatalogFileError, read_catalog_import
from hub.adapters.db.catalog_store import item_document

ITEM = {"sku": "MUG", "name": "Mug", "price": 1490, "station": "pick-a", "prep_seconds": 60}


def test_a_json_item_keeps_its_bin_and_writes_it_back(tmp_path):
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"currency": "EUR", "items": [{**ITEM, "bin": "A-12"}, {**ITEM, "sku": "TEA"}]}))
    catalog = read_catalog_import(path).catalog
    assert (catalog.get("MUG").bin, catalog.get("TEA").bin) == ("A-12", None)
    assert item_document(catalog.get("MUG"))["bin"] == "A-12"


def test_a_csv_bin_column_is_read(tmp_path):
    path = tmp_path / "catalog.csv"
    path.write_text("sku,name,price,currency,station,prep_seconds,bin\nMUG,Mug,1490,EUR,pick-a,60,B-07\n")
    assert read_catalog_import(path).catalog.get("MUG").bin == "B-07"


def test_a_bin_with_spaces_is_refused_naming_the_line_and_field(tmp_path):
    path = tmp_path / "catalog.csv"
    path.write_text("sku,name,price,currency,station,prep_seconds,bin\nMUG,Mug,1490,EUR,pick-a,60,A 03!\n")
    with pytest.raises(CatalogFileError, match="line 2, field bin"):
        read_catalog_import(path)
