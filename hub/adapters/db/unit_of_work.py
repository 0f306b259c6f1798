"""The SQL unit of work: one connection, one transaction."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Engine

from hub.adapters.db.access_repo import SqlAccessRepository
from hub.adapters.db.bought_together import SqlOrderBaskets
from hub.adapters.db.catalog_store import CatalogCache
from hub.adapters.db.commerce_repo import SqlCommerceRepository
from hub.adapters.db.dead_letters import SqlDeadLetterRepository
from hub.adapters.db.day_repo import SqlDayRepository
from hub.adapters.db.kitchen_store import SqlDisplayStore
from hub.adapters.db.device_jobs_repo import SqlDeviceJobRepository
from hub.adapters.db.orders_repo import SqlOrderRepository
from hub.adapters.db.payments_repo import SqlPaymentRepository
from hub.adapters.db.printing_repo import SqlPrintingRepository
from hub.adapters.db.report_repo import SqlReportRollups
from hub.adapters.db.staff_repo import SqlStaffRepository
from hub.domain.catalog import Catalog
from hub.domain.orders import Order
from hub.services.cloud_ports import Outbox
from hub.services.ports import UnitOfWork


class SqlUnitOfWork(UnitOfWork):
    """Run work in one database transaction; nothing is kept unless commit() is called."""

    def __init__(self, engine: Engine, catalog_cache: CatalogCache,
                 outbox: Callable[[Connection], Outbox | None] | None = None) -> None:
        super().__init__()
        self._engine = engine
        self._catalog_cache = catalog_cache
        self._outbox = outbox  # issue 13: the cloud outbox on this connection, None while the store is not linked
        self._connection: Connection | None = None
        self._catalog: Catalog | None = None

    def __enter__(self) -> SqlUnitOfWork:
        super().__enter__()
        self._connection = self._engine.connect()
        self._connection.begin()
        self.orders = SqlOrderRepository(self._connection)
        self.displays = SqlDisplayStore(self._connection, before_read=self.orders.flush)
        self.device_jobs = SqlDeviceJobRepository(self._connection)
        self.printing = SqlPrintingRepository(self._connection, self._catalog_cache)
        self.payments = SqlPaymentRepository(self._connection)
        self.commerce = SqlCommerceRepository(self._connection, self._catalog_cache)
        self.staff = SqlStaffRepository(self._connection)  # staff, approvals, held baskets, drawers (issue 6)
        self.access = SqlAccessRepository(self._connection)  # accounts, devices, claim codes (issue 12)
        self.order_baskets = SqlOrderBaskets(self._connection)  # what orders held, for recommendations
        self.dead_letters = SqlDeadLetterRepository(self._connection)  # parked device messages, for /admin and /health
        self.days = SqlDayRepository(self._connection)  # business days, cash-up, Z reports (issue 17)
        self.reports = SqlReportRollups(self._connection)  # issue 17: roll-ups for the back office's reports
        self.outbox = self._outbox(self._connection) if self._outbox is not None else None
        self._catalog = None
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self._connection is not None
        try:
            self.rollback()
        finally:
            self._connection.close()
            self._connection = None

    def catalog(self) -> Catalog:
        """Return the current catalog, read once per unit of work."""
        assert self._connection is not None
        if self._catalog is None:
            self._catalog = self._catalog_cache.current(self._connection)
        return self._catalog

    def commit(self) -> None:
        """Make everything done in this unit durable."""
        assert self._connection is not None
        # Counters are kept in memory during a batch and written once here, in the same transaction.
        self.orders.flush()
        self.displays.flush()
        self._connection.commit()

    def rollback(self) -> None:
        """Forget everything not committed."""
        if self._connection is not None and self._connection.in_transaction():
            self._connection.rollback()

    def seen(self) -> list[Order]:
        """Return the orders added or loaded in this unit."""
        return self.orders.seen()
