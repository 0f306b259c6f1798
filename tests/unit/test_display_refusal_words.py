"""Every reason the kitchen can give a display for refusing an action is a sentence the display pages have, in
English and German: a screen shows its own words for the refusal's key, never the hub's English message."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from flask import Flask

from displays.display_strings import DISPLAY_STRINGS
from displays.i18n import display_strings
from kiosk.i18n import init_babel

ROOT = Path(__file__).resolve().parents[2]
REFUSING = ["hub/domain/kitchen.py", "hub/domain/kitchen_pick.py", "hub/services/kitchen.py"]
REFUSALS = {"ActionRefused", "PaidOrder"}
HOLES = re.compile(r"\{(\w+)\}")


def trees() -> dict[str, ast.Module]:
    return {name: ast.parse((ROOT / name).read_text()) for name in REFUSING}


def refusals(parsed: dict[str, ast.Module]) -> list[tuple[str, int, ast.Call]]:
    """Return (file, line, call) for every ActionRefused or PaidOrder the kitchen makes."""
    return [(name, node.lineno, node) for name, tree in parsed.items() for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in REFUSALS]


def functions(parsed: dict[str, ast.Module]) -> dict[str, ast.FunctionDef]:
    return {node.name: node for tree in parsed.values() for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def branches(words: ast.expr) -> list[ast.Tuple]:
    """Return each (key, values) tuple a words expression can be."""
    if isinstance(words, ast.IfExp):
        return branches(words.body) + branches(words.orelse)
    return [words]


def keys_of(key: ast.expr, parsed: dict[str, ast.Module]) -> set[str]:
    """Return every key an expression can give: literal, either side of an `if`, or what each caller passes."""
    if isinstance(key, ast.IfExp):
        return keys_of(key.body, parsed) | keys_of(key.orelse, parsed)
    if isinstance(key, ast.Constant):
        return {key.value}
    if isinstance(key, ast.Name):  # a parameter: the literal each caller passes for it
        defined = next(f for f in functions(parsed).values() if key.id in [a.arg for a in f.args.args])
        position = [a.arg for a in defined.args.args].index(key.id)
        return {node.args[position].value for tree in parsed.values() for node in ast.walk(tree)
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == defined.name}
    raise AssertionError(f"cannot read the words key {ast.unparse(key)}")


def values_of(given: ast.expr, parsed: dict[str, ast.Module]) -> set[str]:
    """Return the names of the values a refusal's words give (a dict literal, or a helper returning one)."""
    if isinstance(given, ast.Call):
        given = next(n.value for n in ast.walk(functions(parsed)[given.func.id]) if isinstance(n, ast.Return))
    return {key.value for key in given.keys}


def test_every_refusal_the_kitchen_makes_has_words_the_display_pages_have():
    parsed = trees()
    calls = refusals(parsed)
    assert len(calls) > 30  # the scan found the kitchen's refusals
    problems = []
    for name, line, call in calls:
        words = next((k.value for k in call.keywords if k.arg == "words"), None)
        if words is None:
            problems.append(f"{name}:{line}: no words")
            continue
        for branch in branches(words):
            values = values_of(branch.elts[1], parsed)
            for key in keys_of(branch.elts[0], parsed):
                text = DISPLAY_STRINGS.get(f"refused_{key}")
                if text is None:
                    problems.append(f"{name}:{line}: no refused_{key} in displays/display_strings.py")
                elif not set(HOLES.findall(text)) <= values:
                    problems.append(f"{name}:{line}: refused_{key} needs {sorted(set(HOLES.findall(text)) - values)}")
    assert problems == []


def test_every_refusal_reads_differently_in_german():
    app = Flask(__name__)
    init_babel(app)
    with app.test_request_context():
        german = display_strings("de")
    refused = {key: text for key, text in DISPLAY_STRINGS.items() if key.startswith(("refused_", "order_status_"))}
    assert len(refused) > 35
    assert [key for key, text in refused.items() if german[key] == text] == []
    assert german["refused_no_recall"] == "Bestellung {number} ist {order_status}; sie kann nicht mehr zurückgeholt werden"
