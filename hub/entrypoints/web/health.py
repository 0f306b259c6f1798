"""What the admin page and `/api/v1/health` show: is the store able to sell right now."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from hub.adapters.db.dead_letters import SqlDeadLetterRepository
from hub.adapters.db.migrate import schema_state
from hub.adapters.clock import utc_now
from hub.bootstrap import Hub
from hub.domain.numbering import business_day
from hub.entrypoints.cloud_health import cloud_check
from hub.entrypoints.doctor import check_disk
from hub.entrypoints import mqtt_consumer
from hub.services.print_holds import held_report


def health(hub: Hub) -> dict[str, Any]:
    """Return the state of every part, each with `ok` and what to do when it is not."""
    checks: dict[str, dict[str, Any]] = {}
    connection = hub.connection
    broker_ok = bool(connection and connection.connected)
    checks["broker"] = {
        "ok": broker_ok,
        "address": hub.mqtt_target().address,
        "supervised": hub.settings.supervised_broker,
        "detail": "connected" if broker_ok else (connection.last_error if connection else "messaging not started"),
        "fix": None if broker_ok else "Check that the broker runs and PASSLINE_MQTT_URL is right; run `passline doctor`.",
    }
    try:
        with hub.engine.connect() as db:
            db.execute(text("SELECT 1"))
        current, head = schema_state(hub.engine)
        db_ok = current == head
        detail = f"schema {current}" if db_ok else f"schema {current or 'missing'}, newest is {head}"
        fix = None if db_ok else "Run `passline db upgrade`."
    except Exception as exc:  # noqa: BLE001 - shown to the operator, never raised
        db_ok, detail, fix = False, f"cannot reach the database: {exc.__class__.__name__}", "Run `passline doctor`."
    checks["database"] = {"ok": db_ok, "detail": detail, "fix": fix}
    disk = check_disk(hub.settings)
    checks["disk"] = {"ok": disk.level == "OK", "detail": disk.detail, "fix": disk.fix}
    checks["messages"] = messages_check(hub)
    cloud = hub.cloud.status() if hub.cloud is not None and db_ok else {"linked": False}  # issue 13
    checks["headquarters"] = {k: v for k, v in cloud_check(cloud).items() if k != "level"}
    devices = hub.presence.devices()
    orders_today = None
    parked: dict[str, Any] = {"count": None, "newest": []}
    if db_ok:
        with hub.uow_factory() as uow:
            day = business_day(utc_now(), hub.settings.zone, hub.settings.day_starts_at_hour)
            orders_today = uow.orders.count_for_day(day)
            # Issue 15: tickets held for a printer with a problem, in words, not-ok once they wait too long.
            checks["printing"] = held_report(uow.printing.held(), hub.bus.now())
            parked = dead_letters_report(uow.dead_letters)
    return {
        "ok": all(check["ok"] for check in checks.values()),
        "store": hub.settings.store,
        "version": hub.version,
        "started_at": hub.started_at.isoformat(),
        "checks": checks,
        "devices": {"online": sum(d.online for d in devices), "known": len(devices)},
        "orders_today": orders_today,
        "messages_processed": hub.consumer.processed if hub.consumer else 0,
        "dead_letters": parked,
        "cloud": cloud,
    }


def messages_check(hub: Hub) -> dict[str, Any]:
    """Say whether device messages are answered and acknowledged, or how long the oldest has waited."""
    consumer = hub.consumer
    if consumer is None:
        return {"ok": True, "detail": "not receiving device messages (messaging not started)", "fix": None}
    waited = consumer.oldest_waiting_s()
    if waited <= mqtt_consumer.STUCK_AFTER_S:
        return {"ok": True, "waiting_s": round(waited, 1),
                "detail": "every device message is answered within seconds", "fix": None}
    return {"ok": False, "waiting_s": round(waited, 1),
            "detail": f"the oldest device message has waited {waited:.0f} s without being stored and acknowledged; "
                      "orders from kiosks and devices are held up",
            "fix": "The database refuses to store them: run `passline doctor` (disk space, database) and read the "
                   "hub's log. The broker keeps the messages; they are taken as soon as the database does."}


def dead_letters_report(letters: SqlDeadLetterRepository, limit: int = 20) -> dict[str, Any]:
    """Return how many device messages are parked as dead letters, and the newest ones in words."""
    return {
        "count": letters.count(),
        "newest": [{"id": letter.letter_id, "parked_at": letter.parked_at.isoformat(), "device_id": letter.device_id,
                    "topic": letter.topic, "message_id": letter.message_id, "reason": letter.reason,
                    "attempts": letter.attempts} for letter in letters.newest(limit)],
    }
