"""Device messages the hub could not handle, parked with their reason so the ones behind them go on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, Connection, Engine, Integer, String, Table, Text, func, insert, select, update

from hub.adapters.db.metadata import metadata
from passline_shared.tables import UtcDateTime

dead_letters = Table(
    "dead_letters",
    metadata,
    Column("letter_id", Integer, primary_key=True, autoincrement=True),
    Column("topic", String(300), nullable=False),
    Column("device_id", String(64)),
    Column("message_id", String(36), comment="the envelope id, when the payload had one"),
    Column("payload", Text, nullable=False, comment="as received, with approvals, proofs and codes removed"),
    Column("reason", Text, nullable=False, comment="why handling failed, in words"),
    Column("attempts", Integer, nullable=False),
    Column("parked_at", UtcDateTime(), nullable=False, index=True),
    Column("dismissed_at", UtcDateTime(), comment="store IT has seen it; kept, no longer shown"),
    Column("dismissed_by", String(64)),
)

MAX_REASON = 500  # a database error can quote a whole statement; the first lines say what happened


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A parked message and why it was parked."""

    letter_id: int
    topic: str
    device_id: str | None
    message_id: str | None
    payload: str
    reason: str
    attempts: int
    parked_at: datetime
    dismissed_at: datetime | None = None
    dismissed_by: str | None = None


class SqlDeadLetters:
    """Park messages in the `dead_letters` table, each in its own transaction (the consumer's, the doctor's)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def park(self, *, topic: str, device_id: str | None, message_id: str | None, payload: str, reason: str,
             attempts: int, at: datetime) -> int:
        """Keep a message with its reason in its own transaction; raise if the database refuses even that."""
        with self._engine.begin() as db:
            # Cut to the columns' sizes: PostgreSQL refuses longer text, and a refused parking would keep the message waiting.
            result = db.execute(insert(dead_letters).values(
                topic=topic[:300], device_id=device_id[:64] if device_id else None,
                message_id=message_id[:36] if message_id else None, payload=payload,
                reason=reason[:MAX_REASON], attempts=attempts, parked_at=at))
            return int(result.inserted_primary_key[0])

    def count(self) -> int:
        """Return how many parked messages nobody has dismissed yet."""
        with self._engine.connect() as db:
            return SqlDeadLetterRepository(db).count()

    def newest(self, limit: int = 50) -> list[DeadLetter]:
        """Return the most recently parked messages not dismissed yet, newest first."""
        with self._engine.connect() as db:
            return SqlDeadLetterRepository(db).newest(limit)

    def dismiss(self, letter_id: int, by: str, at: datetime) -> bool:
        """Stop showing a parked message (it stays in the table); return False if there is no such one to dismiss."""
        with self._engine.begin() as db:
            return SqlDeadLetterRepository(db).dismiss(letter_id, by, at)


class SqlDeadLetterRepository:
    """Read and dismiss parked messages on the unit of work's connection (for /admin and /health)."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def count(self) -> int:
        """Return how many parked messages nobody has dismissed yet."""
        query = select(func.count()).select_from(dead_letters).where(dead_letters.c.dismissed_at.is_(None))
        return int(self._c.execute(query).scalar_one())

    def newest(self, limit: int = 50) -> list[DeadLetter]:
        """Return the most recently parked messages not dismissed yet, newest first."""
        query = (select(dead_letters).where(dead_letters.c.dismissed_at.is_(None))
                 .order_by(dead_letters.c.letter_id.desc()).limit(limit))
        return [DeadLetter(**row) for row in self._c.execute(query).mappings()]

    def dismiss(self, letter_id: int, by: str, at: datetime) -> bool:
        """Stop showing a parked message (it stays in the table); return False if there is no such one to dismiss."""
        done = self._c.execute(update(dead_letters).where(dead_letters.c.letter_id == letter_id,
                                                          dead_letters.c.dismissed_at.is_(None))
                               .values(dismissed_at=at, dismissed_by=by[:64]))
        return done.rowcount == 1
