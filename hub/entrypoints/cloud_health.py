"""The link to headquarters in words, for /admin (the health report) and `passline doctor` (issue 13)."""

from __future__ import annotations

from typing import Any

SHOWN_PARKED = 3  # reasons quoted in the one line; `passline cloud status` lists up to 20


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "unknown"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def cloud_check(status: dict[str, Any]) -> dict[str, Any]:
    """Return the link's check: `ok`, `level` (OK, WARN), `detail` and `fix`, from link_status()."""
    if not status.get("linked"):
        return {"ok": True, "level": "OK", "detail": "not linked to headquarters: the catalog comes from files",
                "fix": None}
    box = status["outbox"]
    waiting = f"{box['waiting']} sales waiting to be sent"
    if box["waiting"]:
        waiting += f", the oldest for {_age(box['oldest_age_s'])}"
    reads = [at for at in status["last_pull"].values() if at]
    pulled = f"feeds last read {max(reads)[:19].replace('T', ' ')} UTC" if reads else "no feed read yet"
    parts, fixes = [], []
    if status.get("online") is False:
        parts.append(f"headquarters unreachable since {status['since'][:19].replace('T', ' ')} UTC "
                     f"({status.get('last_error')}); the store sells on and sends everything once HQ answers")
        fixes.append(f"Check the internet connection and that {status['url']} answers; `passline cloud status` "
                     "shows the details.")
    elif status.get("online") is None:
        parts.append(f"headquarters at {status['url']}: not reached yet")
    else:
        parts.append(f"headquarters at {status['url']} is reachable")
    parts += [waiting, pulled]
    parked = box["parked"]
    if parked:
        quoted = "; ".join(f"{p['kind']} {p['event']}: {p['reason']}" for p in parked[:SHOWN_PARKED])
        parts.append(f"{len(parked)} refused by HQ for good and set aside ({quoted})")
        fixes.append("HQ will not take these as they are; the others went on. Tell whoever runs HQ, with the reasons.")
    if status.get("catalog_error"):
        parts.append(f"HQ's catalog could not be used: {status['catalog_error']}")
        fixes.append("The store sells from the catalog it had; HQ must correct its catalog.")
    for web_order_id, reason in (status.get("web_orders_not_taken") or {}).items():
        parts.append(f"web order {web_order_id} is not in the queue: {reason}")
    trouble = bool(parked or status.get("catalog_error") or status.get("web_orders_not_taken")) or status.get("banner")
    return {"ok": not trouble, "level": "WARN" if trouble or status.get("online") is False else "OK",
            "detail": "; ".join(parts), "fix": " ".join(fixes) or None}
