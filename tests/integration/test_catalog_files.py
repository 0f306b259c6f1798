"""`passline catalog import` and `export`: JSON and CSV, all or nothing, errors with line and field."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from hub.demo import DEMO_CATALOG
from tests.integration.test_cli import run

CSV_HEADER = "sku,name,price,currency,tax_rate_bp,station,prep_seconds,category,modifiers,allergens,gtin,on_hand\n"


def skus(tmp_path: Path) -> list[str]:
    db = sqlite3.connect(tmp_path / "data" / "passline.db")
    return sorted(r[0] for r in db.execute("select sku from catalog_items"))


def test_demo_catalog_exports_and_imports_back_the_same(tmp_path):
    run(tmp_path, "db", "upgrade")
    assert "imported 24 items" in run(tmp_path, "catalog", "import", str(DEMO_CATALOG)).stdout
    exported = tmp_path / "export.json"
    assert "exported 24 items" in run(tmp_path, "catalog", "export", str(exported)).stdout
    first = json.loads(exported.read_text())
    assert run(tmp_path, "catalog", "import", str(exported)).returncode == 0
    run(tmp_path, "catalog", "export", str(tmp_path / "again.json"))
    assert json.loads((tmp_path / "again.json").read_text()) == first
    meal = next(i for i in first["items"] if i["sku"] == "MEAL-DEAL")
    assert [p["sku"] for p in meal["parts"]] == ["BURGER", "FRIES", "COLA"]
    assert {p["id"] for p in first["promotions"]} >= {"happy-hour", "pastry-3for2", "breakfast-deal"}
    assert next(s for s in first["stock"] if s["sku"] == "GRINDER-HAND")["serials"] == ["HG-0001", "HG-0002", "HG-0003"]


def test_csv_import_and_export_round_trip(tmp_path):
    run(tmp_path, "db", "upgrade")
    source = tmp_path / "menu.csv"
    source.write_text(CSV_HEADER
                      + "TEA,Green tea,300,EUR,1900,bar,60,tea,HONEY:Honey:30|LEMON:Lemon,,,\n"
                      + "BEANS,Beans 1 kg,2990,EUR,700,pick-a,60,retail,,,4006381333931,12\n")
    assert "imported 2 items" in run(tmp_path, "catalog", "import", str(source)).stdout
    out = tmp_path / "out.csv"
    run(tmp_path, "catalog", "export", str(out))
    rows = out.read_text().splitlines()
    assert rows[0].startswith("sku,name,price,currency")
    assert any(r.startswith("TEA,Green tea,300,EUR") and "HONEY:Honey:30|LEMON:Lemon:0" in r for r in rows)
    assert any(r.startswith("BEANS,") and r.endswith(",12") for r in rows)
    assert run(tmp_path, "catalog", "import", str(out)).returncode == 0
    assert skus(tmp_path) == ["BEANS", "TEA"]


def test_bad_csv_names_the_line_and_field_and_changes_nothing(tmp_path):
    run(tmp_path, "db", "upgrade")
    run(tmp_path, "catalog", "import", str(DEMO_CATALOG))
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV_HEADER + "TEA,Green tea,300,EUR,1900,bar,60,tea,,,,\n" + "CAKE,Cake,-5,EUR,700,pastry,60,,,,,\n")
    result = run(tmp_path, "catalog", "import", str(bad))
    assert result.returncode == 1
    assert "line 3, field price: must be greater than or equal to 0" in result.stderr
    barcode = tmp_path / "barcode.csv"
    barcode.write_text(CSV_HEADER + "BEANS,Beans,2990,EUR,700,pick-a,60,retail,,,4006381333932,\n")
    assert "line 2, field gtin" in run(tmp_path, "catalog", "import", str(barcode)).stderr
    count = tmp_path / "count.csv"
    count.write_text(CSV_HEADER + "BEANS,Beans,2990,EUR,700,pick-a,sixty,retail,,,,\n")
    assert "line 2, field prep_seconds: 'sixty' is not a whole number" in run(tmp_path, "catalog", "import", str(count)).stderr
    assert "MEAL-DEAL" in skus(tmp_path)


def test_bad_json_reference_names_the_field(tmp_path):
    run(tmp_path, "db", "upgrade")
    doc = json.loads(DEMO_CATALOG.read_text())
    doc["items"][17]["parts"][1]["sku"] = "CHIPS"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    result = run(tmp_path, "catalog", "import", str(bad))
    assert result.returncode == 1 and "items[17].parts[1].sku names unknown SKU CHIPS" in result.stderr


def test_catalog_texts_survive_import_and_export_and_the_demo_is_complete_in_german(tmp_path):
    run(tmp_path, "db", "upgrade")
    run(tmp_path, "catalog", "import", str(DEMO_CATALOG))
    exported = tmp_path / "export.json"
    run(tmp_path, "catalog", "export", str(exported))
    doc = json.loads(exported.read_text())
    assert doc["language"] == "en"
    assert doc["texts"]["de"]["items"]["BURGER"]["name"] == "Cheeseburger"
    assert doc["texts"]["de"]["groups"]["doneness"] == "Garstufe"
    assert doc["texts"]["de"]["taxes"] == {"VAT7": "MwSt. 7 %", "VAT19": "MwSt. 19 %"}
    from hub.adapters.catalog_file import read_catalog_import
    imported = read_catalog_import(exported)
    catalog, document = imported.catalog, imported.document
    taxes = [(r.code, r.name) for rates in catalog.taxes.categories.values() for r in rates]
    promotions = [(p["id"], p["name"]) for p in document["promotions"]]
    rewards = [(r["code"], r["name"]) for r in document["loyalty"]["rewards"]]
    assert catalog.texts.missing(catalog, taxes, promotions, rewards, "de") == []


def test_catalog_texts_that_name_something_the_file_lacks_are_refused_naming_the_place(tmp_path):
    run(tmp_path, "db", "upgrade")
    cases = [(("items", "CHIPS"), {"name": "Chips"}, "texts.de.items.CHIPS names unknown SKU CHIPS"),
             (("modifiers", "HONEY"), "Honig", "texts.de.modifiers.HONEY: HONEY is not a modifier of any item"),
             (("taxes", "VAT16"), "MwSt. 16 %", "texts.de.taxes.VAT16: VAT16 is not a tax rate code"),
             (("promotions", "xmas"), {"name": "Weihnachten"}, "texts.de.promotions.xmas: xmas is not a promotion id")]
    for (section, code), words, said in cases:
        doc = json.loads(DEMO_CATALOG.read_text())
        doc["texts"]["de"][section][code] = words
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps(doc))
        result = run(tmp_path, "catalog", "import", str(bad))
        assert result.returncode == 1 and said in result.stderr, result.stderr
