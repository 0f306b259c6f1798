"""Markdown written from pydantic models (docs/protocol.md, docs/cloud-api.md), and writing or checking it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel


def model_section(title: str, what: str, model: type[BaseModel]) -> str:
    """Return a model's section: its title, what it is for, a table of its fields and its JSON schema."""
    schema = json.dumps(model.model_json_schema(), indent=2, sort_keys=True)
    return f"### {title}\n\n{what}\n\n{field_table(model)}\n\n```json\n{schema}\n```"


def field_table(model: type[BaseModel]) -> str:
    """Return a Markdown table of a model's fields: name, required or not, description."""
    rows = ["| field | required | description |", "|---|---|---|"]
    for name, field in model.model_fields.items():
        description = (field.description or "").replace("|", "\\|")
        rows.append(f"| `{name}` | {'yes' if field.is_required() else 'no'} | {description} |")
    return "\n".join(rows)


def write_or_check(text: str, output: Path, check: bool, command: str) -> int:
    """Write a generated document, or with `check` only say whether it is up to date; return the exit code."""
    if check:
        current = output.read_text() if output.exists() else ""
        if current != text:
            print(f"{output} is stale: run `{command}`", file=sys.stderr)
            return 1
        print(f"{output} is up to date")
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    print(f"wrote {output}")
    return 0
