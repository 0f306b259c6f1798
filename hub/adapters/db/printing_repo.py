"""Print routes and prints in SQL."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select, update

from hub.adapters.db.catalog_store import CatalogCache, bump_counter
from hub.adapters.db.printing_tables import print_request_jobs, print_requests, print_routes
from hub.domain.printing import PrinterRef, PrintRequest, PrintRoute, PrintState
from hub.services.ports import PrintingRepository


def _route_row(route: PrintRoute) -> dict:
    return {"document": route.document, "place": route.place, "device_id": route.printer.device_id,
            "hardware": route.printer.hardware,
            "backup_device_id": route.backup.device_id if route.backup else None,
            "backup_hardware": route.backup.hardware if route.backup else None,
            "language": route.language, "answer_within_s": route.answer_within_s}


def _route(row) -> PrintRoute:
    backup = PrinterRef(row["backup_device_id"], row["backup_hardware"]) if row["backup_device_id"] else None
    return PrintRoute(row["document"], row["place"], PrinterRef(row["device_id"], row["hardware"]), backup,
                      row["language"], float(row["answer_within_s"]))


ROUTES_KEY = "print_routes_version"  # bumped with every change to `print_routes`, so each order need not read them


def _read_routes(connection: Connection) -> tuple[PrintRoute, ...]:
    rows = connection.execute(select(print_routes).order_by(print_routes.c.document, print_routes.c.place))
    return tuple(_route(row._mapping) for row in rows)


class SqlPrintingRepository(PrintingRepository):
    """Read and write print routes and prints on the unit of work's connection."""

    def __init__(self, connection: Connection, cache: CatalogCache) -> None:
        self._c = connection
        self._cache = cache  # the routes, kept between units of work until one changes them

    def routes(self) -> list[PrintRoute]:
        return list(self._cache.kept(self._c, ROUTES_KEY, _read_routes))

    def set_route(self, route: PrintRoute) -> None:
        self.remove_route(route.document, route.place)
        self._c.execute(insert(print_routes).values(**_route_row(route)))
        bump_counter(self._c, ROUTES_KEY)

    def remove_route(self, document: str, place: str) -> bool:
        gone = self._c.execute(delete(print_routes).where(print_routes.c.document == document, print_routes.c.place == place))
        bump_counter(self._c, ROUTES_KEY)
        return gone.rowcount > 0

    def _row(self, request: PrintRequest) -> dict:
        return {"document": request.document, "place": request.place, "order_id": request.order_id,
                "payload": request.payload, "route": _route_row(request.route), "state": request.state.value,
                "job_id": request.job_id, "job_ids": list(request.job_ids), "on_backup": request.on_backup,
                "reprint": request.reprint, "printed_by": request.printed_by, "error": request.error,
                "message": (request.message or "")[:500] or None, "created_at": request.created_at,
                "finished_at": request.finished_at, "held_since": request.held_since, "held_at": request.held_at}

    def _link_jobs(self, request: PrintRequest) -> None:
        known = {row[0] for row in self._c.execute(
            select(print_request_jobs.c.job_id).where(print_request_jobs.c.print_id == request.print_id))}
        for job_id in request.job_ids:
            if job_id not in known:
                self._c.execute(insert(print_request_jobs).values(job_id=job_id, print_id=request.print_id))

    def add(self, request: PrintRequest) -> None:
        self._c.execute(insert(print_requests).values(print_id=request.print_id, **self._row(request)))
        self._link_jobs(request)

    def save(self, request: PrintRequest) -> None:
        self._c.execute(update(print_requests).where(print_requests.c.print_id == request.print_id).values(**self._row(request)))
        self._link_jobs(request)

    def by_job(self, job_id: str) -> PrintRequest | None:
        print_id = self._c.execute(select(print_request_jobs.c.print_id).where(print_request_jobs.c.job_id == job_id)).scalar()
        if print_id is None:
            return None
        row = self._c.execute(select(print_requests).where(print_requests.c.print_id == print_id)).first()
        return _request(row._mapping) if row else None

    def for_order(self, order_id: str) -> list[PrintRequest]:
        rows = self._c.execute(select(print_requests).where(print_requests.c.order_id == order_id)
                               .order_by(print_requests.c.created_at))
        return [_request(row._mapping) for row in rows]

    def held(self) -> list[PrintRequest]:
        rows = self._c.execute(select(print_requests).where(print_requests.c.state == PrintState.HELD.value)
                               .order_by(print_requests.c.created_at))
        return [_request(row._mapping) for row in rows]

    def take_held(self, print_id: str) -> bool:
        # A conditional write, not read-then-write: two hands releasing one held print at
        # once (the relay on "ready", store IT on "print again") must send it once. On
        # PostgreSQL the second UPDATE waits for the first to commit and then matches nothing.
        taken = self._c.execute(update(print_requests)
                                .where(print_requests.c.print_id == print_id, print_requests.c.state == PrintState.HELD.value)
                                .values(state=PrintState.PRINTING.value))
        return taken.rowcount == 1

    def recent(self, limit: int = 50) -> list[PrintRequest]:
        rows = self._c.execute(select(print_requests).order_by(print_requests.c.created_at.desc()).limit(limit))
        return [_request(row._mapping) for row in rows]


def _request(row) -> PrintRequest:
    return PrintRequest(
        print_id=row["print_id"], document=row["document"], place=row["place"], order_id=row["order_id"],
        payload=dict(row["payload"]), route=_route(row["route"]), created_at=row["created_at"],
        state=PrintState(row["state"]), job_id=row["job_id"], on_backup=bool(row["on_backup"]),
        reprint=bool(row["reprint"]), printed_by=row["printed_by"], error=row["error"], message=row["message"],
        finished_at=row["finished_at"], job_ids=list(row["job_ids"]), held_since=row["held_since"], held_at=row["held_at"],
    )

