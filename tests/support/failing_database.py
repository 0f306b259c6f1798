"""Make the database refuse inserts into one table for a while: a full disk, on SQLite or PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text


@contextmanager
def refusing_inserts(engine: Engine, table: str, message: str = "disk says no") -> Iterator[None]:
    """Refuse every insert into `table` until the block ends (a trigger, in the database's own dialect)."""
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as db:
        if postgres:
            db.execute(text(f"CREATE FUNCTION refuse_{table}() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION '{message}'; "
                            "END $$ LANGUAGE plpgsql"))
            db.execute(text(f"CREATE TRIGGER refuse BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION refuse_{table}()"))
        else:
            db.execute(text(f"CREATE TRIGGER refuse BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, '{message}'); END"))
    try:
        yield
    finally:
        with engine.begin() as db:
            db.execute(text(f"DROP TRIGGER refuse ON {table}" if postgres else "DROP TRIGGER refuse"))
            if postgres:
                db.execute(text(f"DROP FUNCTION refuse_{table}()"))
