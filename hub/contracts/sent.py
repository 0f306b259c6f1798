"""The base of the messages the hub sends (hub/contracts/outgoing.py)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Sent(BaseModel):
    """A message the hub sends: its contract documents every field, so a field it does not name is a misfit."""

    model_config = ConfigDict(extra="forbid")
