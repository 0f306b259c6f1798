"""A catalog's words per language: what wins, what falls back, what is reported missing."""

from __future__ import annotations

from hub.domain.catalog import CatalogItem, Modifier, ModifierGroup
from hub.domain.catalog_texts import CatalogTexts, ItemWords, PromotionWords, Words
from hub.domain.money import Money

BURGER = CatalogItem(
    "BURGER", "Cheeseburger", Money(990, "EUR"), 700, "grill", 300,
    modifiers={"WELL": Modifier("WELL", "Well done", 0, "doneness"), "BACON": Modifier("BACON", "Add bacon", 150)},
    groups={"doneness": ModifierGroup("doneness", "doneness", 1, 1)}, allergens=("gluten", "milk"),
    description="Beef patty in a sesame bun.")
TEXTS = CatalogTexts("en", {
    "de": Words(items={"BURGER": ItemWords(name="Käseburger", modifiers={"BACON": "Speck dazu"})},
                modifiers={"WELL": "Durchgebraten", "BACON": "Mit Bacon"}, groups={"doneness": "Garstufe"},
                allergens={"milk": "Milch"}, taxes={"VAT7": "MwSt. 7 %"},
                promotions={"deal": PromotionWords(name="Angebot", slots={"coffee": "Kaffee"})}),
})


def test_an_item_s_own_words_win_over_the_shared_ones_and_a_missing_word_falls_back_to_the_catalog_s_own():
    assert TEXTS.item_name(BURGER, "de") == "Käseburger"
    assert TEXTS.modifier_name(BURGER, "BACON", "Add bacon", "de") == "Speck dazu"  # the burger's own wording
    assert TEXTS.modifier_name(BURGER, "WELL", "Well done", "de") == "Durchgebraten"
    assert TEXTS.group_name(BURGER, "doneness", "doneness", "de") == "Garstufe"
    assert [TEXTS.allergen(a, "de") for a in BURGER.allergens] == ["gluten", "Milch"]
    assert TEXTS.description(BURGER, "de") == "Beef patty in a sesame bun."
    assert TEXTS.item_name(BURGER, "fr") == "Cheeseburger" and TEXTS.item_name(BURGER, None) == "Cheeseburger"


def test_what_has_no_german_word_is_listed_by_its_place():
    missing = TEXTS.missing([BURGER], [("VAT7", "VAT 7 %"), ("VAT19", "VAT 19 %")], [("deal", "Deal")],
                            [("R1", "1.00 off")], "de")
    assert missing == ["allergens.gluten", "items.BURGER.description", "rewards.R1", "taxes.VAT19"]
    assert TEXTS.missing([BURGER], [], [], [], "en") == []


def test_a_priced_basket_gets_its_tax_deal_and_hint_words_in_the_language_and_keeps_its_amounts():
    priced = {"lines": [{"sku": "BURGER", "name": "Cheeseburger", "parts": [], "amount": {"amount": 990}}],
              "discounts": [{"promotion": "deal", "name": "Deal", "amount": {"amount": 100}},
                            {"promotion": "manual-1", "name": "Complaint", "reason": "Complaint", "amount": {"amount": 50}}],
              "taxes": [{"code": "VAT7", "name": "VAT 7 %", "amount": {"amount": 65}}],
              "hints": [{"promotion": "deal", "message": "Add a coffee to get Deal", "kind": "add_slot",
                         "name": "Deal", "noun": "coffee"}]}
    german = TEXTS.priced(priced, {"BURGER": BURGER}, "de")
    assert german["lines"][0]["name"] == "Käseburger" and german["lines"][0]["amount"] == {"amount": 990}
    assert [d["name"] for d in german["discounts"]] == ["Angebot", "Complaint"]  # a cashier's reason stays as typed
    assert german["taxes"][0]["name"] == "MwSt. 7 %"
    assert (german["hints"][0]["name"], german["hints"][0]["noun"]) == ("Angebot", "Kaffee")
