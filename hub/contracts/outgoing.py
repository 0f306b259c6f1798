"""Every message the hub sends, by channel and kind, and the contract model it must satisfy.

The hub builds its messages in its read models (hub/adapters/read_models/) and sends them on
two channels: MQTT envelopes (`data` by envelope `type`, a job's `payload` by its `kind`) and
Socket.IO events (by namespace and event name, and the acknowledgements it gives). With
PASSLINE_CHECK_CONTRACTS=1 the sending paths validate each message against this table
(hub/adapters/contract_check.py); the test suite runs that way and fails on any message that
does not fit, or whose kind is missing here. docs/protocol.md lists the table.
"""

from __future__ import annotations

from pydantic import BaseModel, ValidationError

from hub.contracts.device_events import DISPLAY, PoleDisplayShow
from hub.contracts.displays import (NAMESPACE as DISPLAYS, DisplayAck, DisplayChange, DisplayKey, DisplayRecent,
                                    DisplayScan, DisplaySnapshot, DisplayTick)
from hub.contracts.errors import DeadLetter, ErrorReply
from hub.contracts.jobs import ACK, JOB, EventAck, JobOut
from hub.contracts.live import (LIVE_NAMESPACE as LIVE, CloudStatus, IncomingChanged, OrderAnnounced,
                                OrderReady, OrderStatusChanged, PaymentChanged, PrinterWarning)
from hub.contracts.orders import OrderAccepted, OrderRejected
from hub.contracts.payments import PAY, PayJob
from hub.contracts.presence import HubStatus
from hub.contracts.pricing import Availability
from hub.contracts.printing import PRINT, DrawerKick, PrintPayload

# MQTT: the `data` of each envelope `type` the hub publishes, with where it goes.
MQTT_MESSAGES: dict[str, tuple[type[BaseModel], str]] = {
    "hub.status": (HubStatus, "`hub/status`, retained"),
    "order.accepted": (OrderAccepted, "`device/<id>/in/reply`"),
    "order.rejected": (OrderRejected, "`device/<id>/in/reply`"),
    "error": (ErrorReply, "`device/<id>/in/reply`"),
    ACK: (EventAck, "`device/<id>/in/reply`"),
    "deadletter": (DeadLetter, "`hub/deadletter`"),
    JOB: (JobOut, "`device/<id>/in/<kind>`"),
    "availability": (Availability, "`broadcast/availability`, retained"),
    "ready": (OrderReady, "`broadcast/ready`"),
}

# MQTT: the `payload` of a `job` by its `kind`.
JOB_PAYLOADS: dict[str, type[BaseModel]] = {
    PRINT: PrintPayload,
    PAY: PayJob,
    DISPLAY: PoleDisplayShow,
    "drawer": DrawerKick,
}

# Socket.IO: events the hub emits, by (namespace, event).
SOCKET_EVENTS: dict[tuple[str, str], type[BaseModel]] = {
    (LIVE, "availability"): Availability,
    (LIVE, "order.accepted"): OrderAnnounced,
    (LIVE, "order.status"): OrderStatusChanged,
    (LIVE, "payment.changed"): PaymentChanged,
    (LIVE, "incoming.changed"): IncomingChanged,
    (LIVE, "printer.warning"): PrinterWarning,
    (LIVE, "cloud.status"): CloudStatus,
    (DISPLAYS, "change"): DisplayChange,
    (DISPLAYS, "tick"): DisplayTick,
    (DISPLAYS, "key"): DisplayKey,
    (DISPLAYS, "scan"): DisplayScan,
    (DISPLAYS, "availability"): Availability,
}

# Socket.IO: the acknowledgement the hub gives each event a screen emits, when it is accepted; a refusal is a DisplayAck.
SOCKET_ACKS: dict[tuple[str, str], type[BaseModel]] = {
    (DISPLAYS, "join"): DisplaySnapshot,
    (DISPLAYS, "action"): DisplayAck,
    (DISPLAYS, "recent"): DisplayRecent,
}
REFUSAL = DisplayAck


def _problem(model: type[BaseModel], data: object) -> str | None:
    """Name the fields that do not fit, never their values (a message may carry a token)."""
    try:
        model.model_validate(data)
    except ValidationError as exc:
        fields = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(message)'}: {e['msg']}"
                           for e in exc.errors(include_input=False, include_url=False))
        return f"does not fit {model.__name__}: {fields}"
    return None


def mqtt_problem(message: object) -> str | None:
    """Say what is wrong with an MQTT envelope the hub is about to publish, or None when it fits its contract."""
    from hub.contracts.envelope import Envelope

    problem = _problem(Envelope, message)
    if problem is not None:
        return problem
    kind = message["type"]  # type: ignore[index]
    if kind not in MQTT_MESSAGES:
        return f"no contract for MQTT message type {kind!r} (add it to hub/contracts/outgoing.py)"
    data = message["data"]  # type: ignore[index]
    problem = _problem(MQTT_MESSAGES[kind][0], data)
    if problem is None and kind == JOB:
        job_kind = data["kind"]
        if job_kind not in JOB_PAYLOADS:
            return f"no contract for the payload of a {job_kind!r} job (add it to hub/contracts/outgoing.py)"
        problem = _problem(JOB_PAYLOADS[job_kind], data.get("payload", {}))
    return problem


def socket_problem(namespace: str, event: str, data: object) -> str | None:
    """Say what is wrong with a Socket.IO event the hub is about to emit, or None when it fits its contract."""
    model = SOCKET_EVENTS.get((namespace, event))
    if model is None:
        return f"no contract for Socket.IO event {event!r} on {namespace} (add it to hub/contracts/outgoing.py)"
    return _problem(model, data)


def ack_problem(namespace: str, event: str, data: object) -> str | None:
    """Say what is wrong with the acknowledgement of a screen's event, or None when it fits its contract."""
    model = SOCKET_ACKS.get((namespace, event))
    if model is None:
        return f"no contract for the acknowledgement of {event!r} on {namespace} (add it to hub/contracts/outgoing.py)"
    refused = isinstance(data, dict) and data.get("ok") is False
    return _problem(REFUSAL if refused else model, data)
