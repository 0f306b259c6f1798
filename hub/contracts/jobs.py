"""Jobs the hub sends to device agents, and the results and events agents send back.

Hub -> device: envelope type `job` on `passline/<store>/device/<id>/in/<kind>`
(`kind` is `print`, `pay`, `display`, `drawer`, ...). The hub re-sends a job until its
result arrives; the agent spools it durably and does a repeated job id once.

Device -> hub: envelope type `job.result` (or any other event type, such as
`key.pressed` or `scan`) on `passline/<store>/device/<id>/out/event`. The hub answers
every event, once its effect is committed, with an envelope of type `ack` on
`device/<id>/in/reply` whose `re` is the event's id; the agent re-sends the event until
that ack arrives.
"""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from hub.contracts.sent import Sent

JOB = "job"
JOB_RESULT = "job.result"
ACK = "ack"


class JobOut(BaseModel):
    """`data` of a `job` envelope: one piece of work for one piece of hardware."""

    model_config = ConfigDict(extra="forbid")

    job_id: uuid.UUID = Field(description="Chosen by the hub; the agent does a repeated id once.")
    kind: str = Field(min_length=1, max_length=32, description="`print`, `pay`, `display`, `drawer`, ...")
    hardware: str | None = Field(default=None, max_length=64,
                                 description="Name of the hardware in the agent's config; none = the agent's only one of this kind.")
    expires_at: AwareDatetime | None = Field(
        default=None,
        description="Do not start the job after this time (the hub has given it to another device); report `expired`.",
    )
    payload: dict[str, Any] = Field(default_factory=dict, description="What to do; its schema depends on `kind`.")


class JobResult(BaseModel):
    """`data` of a `job.result` event: how a job ended."""

    model_config = ConfigDict(extra="forbid")

    job_id: uuid.UUID
    ok: bool = Field(description="True when the job was done (printed, paid, shown).")
    error: str | None = Field(
        default=None, max_length=64,
        description="Machine code when not ok: `offline`, `paper_out`, `cover_open`, `no_answer`, `expired`, `declined`, ...",
    )
    message: str | None = Field(default=None, max_length=500, description="What happened, in words a store manager understands.")
    detail: dict[str, Any] = Field(default_factory=dict, description="Kind-specific facts (never a card number).")


class EventAck(Sent):
    """`data` of an `ack` on `device/<id>/in/reply`: the event is committed; stop sending it."""

    event_id: str | None = Field(description="The event's envelope `id` (also in `re`).")


class DeviceEventIn(BaseModel):
    """Any device event: its type comes from the envelope, its data is kept as sent."""

    model_config = ConfigDict(extra="allow")
