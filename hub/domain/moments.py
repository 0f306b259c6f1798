"""How the hub writes a moment on the wire: the one ISO 8601 / RFC 3339 formatter."""

from __future__ import annotations

from datetime import datetime


def iso_time(at: datetime | None, *, utc_as_z: bool = True) -> str | None:
    """Return a moment in ISO 8601 (`Z` for UTC, unless `utc_as_z` is off), or None for no moment.

    `utc_as_z=False` keeps `+00:00`: the displays' cards, prints and HQ's feed have always said it so,
    and screens and HQ compare what they got before.
    """
    if at is None:
        return None
    text = at.isoformat()
    return text.replace("+00:00", "Z") if utc_as_z else text
