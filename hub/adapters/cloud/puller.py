"""Read headquarters' feeds by cursor and apply each page in one transaction (docs/cloud-api.md, Feeds).

HQ's objects are kept as they came (`cloud_objects`); after a round that changed any of them the
hub's catalog is built again from all of them and stored through the same path as
`passline catalog import`. Web orders become orders in the one queue, through the bus.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, Engine, delete, insert, select, update

from hub.adapters.catalog_file import CatalogFileError, build_import
from hub.adapters.cloud.catalog_build import DEFAULT_TIER, catalog_document
from hub.adapters.cloud.client import HqClient
from hub.adapters.cloud.outbox import read_state, write_state
from hub.adapters.db import commerce_tables as ct
from hub.adapters.db.catalog_store import get_setting, replace_catalog
from hub.adapters.db.cloud_tables import cloud_objects, cloud_outbox
from hub.contracts.catalog import CatalogFile
from hub.contracts.validation import first_error
from hub.domain.order_messages import LineRequest, SubmitOrder
from hub.domain.kitchen_messages import CancelOrder
from hub.services.cloud_outbox import HQ_SOURCE

logger = logging.getLogger(__name__)

FEEDS = ("taxes", "catalog", "prices", "promotions", "loyalty", "web_orders")  # taxes first: items need their rate
CATALOG_KINDS = {"category", "item", "modifier_group", "bundle", "price", "promotion", "tax", "tier"}
PAGE_SIZE = 500
WEB_ORDER_NAMESPACE = uuid.UUID("6f1c55b2-7d0e-4c59-9a55-3c1d0e3e0b13")  # hub order ids of HQ's web orders
PAYMENT_WORDS = {"paid": "paid online", "authorized": "card held online", "unpaid": "pays at pickup"}
PAID_ONLINE = ("paid", "authorized")  # HQ took the money (or holds it on the card): the store must not ask again


def hub_order_id(store: str, web_order_id: str) -> str:
    """Return the hub's order id (a UUID) for one of HQ's web orders: the same every time it is read."""
    return str(uuid.uuid5(WEB_ORDER_NAMESPACE, f"{store}:{web_order_id}"))


@dataclass
class PullResult:
    """What one round of pulling did."""

    changes: dict[str, int] = field(default_factory=dict)
    catalog_version: int | None = None  # set when the catalog was stored again
    catalog_error: str | None = None
    web_orders: int = 0


class FeedPuller:
    """Read every feed to its end, apply it, and store the catalog again when it changed."""

    def __init__(self, engine: Engine, client: HqClient, store: str, clock, *, language: str = "en",
                 submit: Callable[[object], Any] | None = None) -> None:
        self._engine = engine
        self._client = client
        self._store = store
        self._clock = clock
        self._language = language
        self._submit = submit  # the bus's handle(), for web orders and their cancellation

    def pull(self) -> PullResult:
        """Read every feed; raise HqError when HQ cannot be reached (what was applied stays)."""
        result = PullResult()
        for feed in FEEDS[:-1]:
            result.changes[feed] = self._pull_feed(feed, result)
        with self._engine.begin() as connection:
            if self._promotions_moved(connection):
                write_state(connection, "catalog_dirty", True)
            if read_state(connection, "catalog_dirty", False):
                result.catalog_version, result.catalog_error = self._build_catalog(connection)
                write_state(connection, "catalog_dirty", False)
                write_state(connection, "catalog_error", result.catalog_error)
        # Web orders last, so the items they name are in the catalog; one not taken is tried again each round.
        result.changes["web_orders"] = self._pull_feed("web_orders", result)
        self._retry_web_orders(result)
        return result

    def _pull_feed(self, feed: str, result: PullResult) -> int:
        count = 0
        while True:
            with self._engine.connect() as connection:
                after = read_state(connection, f"cursor:{feed}")
            page = self._client.feed(feed, after, PAGE_SIZE)
            changes = page.get("changes", [])
            if feed == "web_orders":
                result.web_orders += self._take_web_orders(changes)  # each idempotent: a repeat is the same order
            with self._engine.begin() as connection:
                for change in changes:
                    self._apply(connection, change)
                write_state(connection, f"cursor:{feed}", page.get("next_cursor"))
                write_state(connection, f"pulled:{feed}", self._clock().isoformat())
                if any(change["kind"] in CATALOG_KINDS for change in changes):
                    write_state(connection, "catalog_dirty", True)
            count += len(changes)
            if not page.get("more"):
                return count

    def _apply(self, connection: Connection, change: dict) -> None:
        kind, key = change["kind"], change["key"][:200]
        where = (cloud_objects.c.kind == kind) & (cloud_objects.c.key == key)
        connection.execute(delete(cloud_objects).where(where))
        if not change.get("deleted") and change.get("body") is not None:
            connection.execute(insert(cloud_objects).values(kind=kind, key=key, body=change["body"]))
            if kind == "member":
                self._apply_member(connection, change["body"])

    def _apply_member(self, connection: Connection, member: dict) -> None:
        """Keep a member with HQ's balance plus what this store has given or taken that HQ has not yet heard."""
        pending = sum(row["points"] for row in connection.execute(
            select(cloud_outbox.c.body).where((cloud_outbox.c.aggregate == f"member:{member['member_id']}")
                                              & cloud_outbox.c.sent_at.is_(None)
                                              & cloud_outbox.c.parked_at.is_(None))).scalars())
        tiers = get_setting(connection, "loyalty", {}).get("tiers", [])
        values = {"name": (member.get("name") or member["member_id"])[:200],
                  "tier": member.get("tier") or (tiers[0]["code"] if tiers else DEFAULT_TIER),
                  "points": member["balance"] + pending, "phone": member.get("phone")}
        where = ct.loyalty_members.c.member_id == member["member_id"]
        if connection.execute(select(ct.loyalty_members.c.member_id).where(where)).first() is None:
            connection.execute(insert(ct.loyalty_members).values(member_id=member["member_id"], **values))
        else:
            connection.execute(update(ct.loyalty_members).where(where).values(**values))

    def _objects(self, connection: Connection) -> dict[str, dict[str, dict]]:
        objects: dict[str, dict[str, dict]] = {}
        for kind, key, body in connection.execute(select(cloud_objects.c.kind, cloud_objects.c.key, cloud_objects.c.body)
                                                  .where(cloud_objects.c.kind.in_(CATALOG_KINDS))):
            objects.setdefault(kind, {})[key] = body
        return objects

    def _promotions_moved(self, connection: Connection) -> bool:
        """Say whether a promotion started or ended since the catalog was last built (HQ's promotions carry dates)."""
        now = self._clock()
        active = sorted(key for key, body in self._objects(connection).get("promotion", {}).items()
                        if datetime.fromisoformat(body["starts_at"]) <= now < datetime.fromisoformat(body["ends_at"]))
        stamp = hashlib.sha256("|".join(active).encode()).hexdigest()
        if read_state(connection, "promotions_active") == stamp:
            return False
        write_state(connection, "promotions_active", stamp)
        return True

    def _build_catalog(self, connection: Connection) -> tuple[int | None, str | None]:
        """Store the catalog built from HQ's objects; return (new version, None) or (None, why it was not)."""
        document = catalog_document(self._objects(connection), self._store, self._language, self._clock(),
                                    get_setting(connection, "loyalty", {}))
        if document is None:
            return None, None
        try:
            imported = build_import(CatalogFile.model_validate(document), self._store)
        except ValidationError as exc:
            field_name, message = first_error(exc)
            logger.error("HQ's catalog cannot be used: %s: %s", field_name, message)
            return None, f"{field_name}: {message}"
        except CatalogFileError as exc:
            logger.error("HQ's catalog cannot be used: %s", exc)
            return None, str(exc)
        return replace_catalog(connection, imported), None

    def _take_web_orders(self, changes: list[dict]) -> int:
        """Put HQ's web orders for pickup here into the queue (or cancel them); each is one order however often read."""
        taken = 0
        refused: dict[str, str] = {}
        for change in changes:
            body = change.get("body")
            if change["kind"] != "web_order" or not body or self._submit is None:
                continue
            problem = self._take(body)
            if problem is None:
                taken += 1
            else:
                refused[body["order_id"]] = problem
        if refused:
            with self._engine.begin() as connection:
                write_state(connection, "web_orders_not_taken",
                            {**read_state(connection, "web_orders_not_taken", {}), **refused})
        return taken

    def _take(self, body: dict) -> str | None:
        """Submit (or cancel) one web order; return why the hub refused it, or None."""
        order_id = hub_order_id(self._store, body["order_id"])
        try:
            if body.get("status") == "cancelled":
                self._submit(CancelOrder(action_id=f"hq-cancel-{order_id}", order_id=order_id))
            else:
                self._submit(web_order_command(body, order_id))
        except Exception as exc:  # noqa: BLE001 - one web order the hub refuses must not stop the feed
            logger.warning("web order %s not taken: %s", body.get("order_id"), exc)
            return str(exc) or type(exc).__name__
        return None

    def _retry_web_orders(self, result: PullResult) -> None:
        """Try again the web orders the hub could not take (an item that was not in the catalog yet)."""
        with self._engine.connect() as connection:
            waiting = read_state(connection, "web_orders_not_taken", {})
            bodies = {key: body for key, body in connection.execute(
                select(cloud_objects.c.key, cloud_objects.c.body).where(
                    (cloud_objects.c.kind == "web_order") & cloud_objects.c.key.in_(list(waiting))))} if waiting else {}
        if not waiting or self._submit is None:
            return
        still = {}
        for web_order_id, reason in waiting.items():
            body = bodies.get(web_order_id)
            problem = self._take(body) if body is not None else None
            if problem is not None:
                still[web_order_id] = problem
            elif body is not None:
                result.web_orders += 1
        with self._engine.begin() as connection:
            write_state(connection, "web_orders_not_taken", still)


def web_order_command(body: dict, order_id: str) -> SubmitOrder:
    """Build the one command every origin's order becomes, for a web pickup order."""
    customer = body.get("customer") or {}
    payment = PAYMENT_WORDS.get(body.get("payment", ""), body.get("payment", ""))
    lines = tuple(LineRequest(line["sku"], line["qty"], tuple(line.get("modifiers", []))) for line in body["lines"])
    content = f"{body['order_id']}|{body.get('payment')}|" + "|".join(f"{l.sku}x{l.qty}" for l in lines)
    return SubmitOrder(
        order_id=order_id, origin="web", fulfilment="pickup", lines=lines,
        fingerprint=hashlib.sha256(content.encode()).hexdigest(),
        loyalty_id=body.get("loyalty_id"),
        promised_at=datetime.fromisoformat(body["pickup_at"]) if body.get("pickup_at") else None,
        source=f"{HQ_SOURCE}{body['order_id']}"[:64],
        customer_name=f"{customer.get('name', '')} ({payment})"[:80],
        customer_phone=customer.get("phone"),
        paid_online=int((body.get("total") or {}).get("amount", 0)) if body.get("payment") in PAID_ONLINE else 0,
        paid_online_reference=f"{HQ_SOURCE}{body['order_id']}"[:64],
    )
