"""The commerce repository in SQL: promotions, stock, sold-out marks, loyalty, tenders, refunds."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, Connection, delete, func, insert, select, update

from hub.adapters.db import commerce_tables as ct
from hub.adapters.db.catalog_store import PROMOTIONS_KEY, CatalogCache, bump_counter, get_setting
from hub.domain.loyalty import MIN_PHONE_DIGITS, Member, phone_key
from hub.domain.promotions import Promotion
from hub.domain.stock import StockLevel
from hub.domain.tenders import Tender
from hub.services.commerce_ports import CommerceRepository


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


# Built once: an UPDATE compiled per order cost more than the order's own INSERTs.
_COUNT_USES = (
    update(ct.promotions)
    .where(ct.promotions.c.promo_id == bindparam("pid"))
    .values(uses=ct.promotions.c.uses + bindparam("delta"))
)


SOLD_OUT_KEY = "sold_out_version"  # bumped with every change to `sold_out`, so each order need not read it


def _read_sold_out(connection: Connection) -> frozenset[str]:
    return frozenset(connection.execute(select(ct.sold_out.c.sku)).scalars())


class SqlCommerceRepository(CommerceRepository):
    """Commerce state in the commerce tables, on the unit of work's connection."""

    def __init__(self, connection: Connection, cache: CatalogCache) -> None:
        self._db = connection
        self._cache = cache
        # Read once per unit of work (a batch of orders) and kept current by this repository's own writes.
        self._promotions: list[Promotion] | None = None
        self._sold_out: set[str] | None = None

    def promotions(self) -> tuple[list[Promotion], dict[str, int]]:
        if self._promotions is None:
            self._promotions = self._cache.promotions(self._db)
        promos = self._promotions
        limited = [p.promo_id for p in promos if p.usage_limit is not None and p.active]
        uses: dict[str, int] = {}
        if limited:
            uses = dict(self._db.execute(select(ct.promotions.c.promo_id, ct.promotions.c.uses)
                                         .where(ct.promotions.c.promo_id.in_(limited))).all())
        return promos, uses

    def set_promotion_active(self, promo_id: str, active: bool) -> bool:
        done = self._db.execute(update(ct.promotions).where(ct.promotions.c.promo_id == promo_id).values(active=active))
        bump_counter(self._db, PROMOTIONS_KEY)
        self._promotions = None
        return done.rowcount == 1

    def count_uses(self, promo_ids: Iterable[str], delta: int) -> None:
        rows = [{"pid": promo_id, "delta": delta} for promo_id in promo_ids]
        if rows:
            self._db.execute(_COUNT_USES, rows)

    def stock(self, skus: Iterable[str] | None = None) -> dict[tuple[str, str], StockLevel]:
        query = select(ct.stock_levels)
        if skus is not None:
            query = query.where(ct.stock_levels.c.sku.in_(list(skus)))
        return {(r["sku"], r["location"]): StockLevel(r["sku"], r["location"], r["on_hand"], r["reserved"], r["in_transit"])
                for r in self._db.execute(query).mappings()}

    def save_stock(self, level: StockLevel) -> None:
        self._db.execute(update(ct.stock_levels)
                         .where((ct.stock_levels.c.sku == level.sku) & (ct.stock_levels.c.location == level.location))
                         .values(on_hand=level.on_hand, reserved=level.reserved, in_transit=level.in_transit))

    def add_move(self, sku, location, kind, qty, order_id, serials, at) -> None:
        self._db.execute(insert(ct.stock_moves).values(sku=sku, location=location, kind=kind, qty=qty,
                                                       order_id=order_id, serials=serials, at=at))

    def moves_for(self, order_id: str) -> list[dict[str, Any]]:
        rows = self._db.execute(select(ct.stock_moves).where(ct.stock_moves.c.order_id == order_id)
                                .order_by(ct.stock_moves.c.move_id)).mappings()
        return [dict(r) for r in rows]

    def serials(self, sku, location, status, limit=None, order_id=None) -> list[str]:
        query = (select(ct.stock_serials.c.serial)
                 .where((ct.stock_serials.c.sku == sku) & (ct.stock_serials.c.location == location)
                        & (ct.stock_serials.c.status == status))
                 .order_by(ct.stock_serials.c.serial))
        if order_id is not None:
            query = query.where(ct.stock_serials.c.order_id == order_id)
        if limit is not None:
            query = query.limit(limit)
        return list(self._db.execute(query).scalars())

    def set_serials(self, sku, serials, status, order_id) -> None:
        for serial in serials:
            self._db.execute(update(ct.stock_serials)
                             .where((ct.stock_serials.c.sku == sku) & (ct.stock_serials.c.serial == serial))
                             .values(status=status, order_id=order_id))

    def sold_out(self) -> set[str]:
        if self._sold_out is None:
            self._sold_out = set(self._cache.kept(self._db, SOLD_OUT_KEY, _read_sold_out))
        return set(self._sold_out)

    def mark_sold_out(self, sku, sold_out, by, at) -> None:
        self._db.execute(delete(ct.sold_out).where(ct.sold_out.c.sku == sku))
        if sold_out:
            self._db.execute(insert(ct.sold_out).values(sku=sku, since=at, by=by))
        bump_counter(self._db, SOLD_OUT_KEY)
        if self._sold_out is not None:
            (self._sold_out.add if sold_out else self._sold_out.discard)(sku)

    def setting(self, key: str, default: Any) -> Any:
        return get_setting(self._db, key, default)

    def member(self, member_id: str) -> Member | None:
        row = self._db.execute(select(ct.loyalty_members).where(ct.loyalty_members.c.member_id == member_id)).mappings().first()
        return Member(row["member_id"], row["name"], row["tier"], row["points"]) if row else None

    def members_with_phone(self, number: str) -> list[str]:
        key = phone_key(number)
        if key is None:
            return []
        # The index narrows by the last digits; the key then tells 0170 1234567 and +49 170 1234567 apart from others.
        rows = self._db.execute(select(ct.loyalty_members.c.member_id, ct.loyalty_members.c.phone)
                                .where(ct.loyalty_members.c.phone.like(f"%{key[-MIN_PHONE_DIGITS:]}"))).all()
        return [member_id for member_id, phone in rows if phone_key(phone) == key]

    def save_member(self, member, order_id, kind, points, at) -> None:
        self._db.execute(update(ct.loyalty_members).where(ct.loyalty_members.c.member_id == member.member_id)
                         .values(points=member.points, tier=member.tier))
        self._db.execute(insert(ct.loyalty_entries).values(member_id=member.member_id, order_id=order_id, kind=kind,
                                                           points=points, at=at))

    def redeemed_since(self, member_id: str, since: datetime) -> int:
        entries = ct.loyalty_entries
        spent = self._db.execute(select(func.coalesce(func.sum(entries.c.points), 0)).where(
            entries.c.member_id == member_id, entries.c.kind == "redeem", entries.c.at >= since)).scalar_one()
        return -int(spent)

    def points_entries(self, order_id: str) -> list[tuple[str, str, int]]:
        rows = self._db.execute(select(ct.loyalty_entries.c.member_id, ct.loyalty_entries.c.kind, ct.loyalty_entries.c.points)
                                .where(ct.loyalty_entries.c.order_id == order_id).order_by(ct.loyalty_entries.c.entry_id))
        return [tuple(r) for r in rows.all()]

    def tenders(self, order_id: str) -> list[Tender]:
        rows = self._db.execute(select(ct.tenders).where(ct.tenders.c.order_id == order_id)
                                .order_by(ct.tenders.c.position)).mappings()
        return [Tender(r["tender_id"], r["order_id"], r["kind"], r["amount"], r["currency"], r["refunded"], r["reference"])
                for r in rows]

    def save_tender(self, tender: Tender, at: datetime, new: bool) -> None:
        if new:
            position = len(self.tenders(tender.order_id))
            self._db.execute(insert(ct.tenders).values(tender_id=tender.tender_id, order_id=tender.order_id,
                                                       position=position,
                                                       kind=tender.kind, amount=tender.amount, currency=tender.currency,
                                                       refunded=tender.refunded, reference=tender.reference, at=at))
        else:
            self._db.execute(update(ct.tenders).where(ct.tenders.c.tender_id == tender.tender_id)
                             .values(refunded=tender.refunded))

    def gift_card(self, code: str) -> tuple[int, str] | None:
        row = self._db.execute(select(ct.gift_cards.c.balance, ct.gift_cards.c.currency)
                               .where(ct.gift_cards.c.code_hash == _code_hash(code))).first()
        return (row[0], row[1]) if row else None

    def save_gift_card(self, code: str, balance: int, currency: str) -> None:
        key = _code_hash(code)
        self._db.execute(delete(ct.gift_cards).where(ct.gift_cards.c.code_hash == key))
        self._db.execute(insert(ct.gift_cards).values(code_hash=key, last4=code[-4:], balance=balance, currency=currency))

    def gift_card_reference(self, code: str) -> str:
        return f"{code[-4:]}/{_code_hash(code)[:40]}"

    def credit_gift_card(self, reference: str, amount: int) -> None:
        prefix = reference.split("/", 1)[1]
        self._db.execute(update(ct.gift_cards).where(ct.gift_cards.c.code_hash.startswith(prefix))
                         .values(balance=ct.gift_cards.c.balance + amount))

    def refunded_lines(self, order_id: str) -> dict[int, int]:
        row = self._db.execute(select(ct.refunds.c.lines).where(ct.refunds.c.order_id == order_id)
                               .order_by(ct.refunds.c.at.desc(), ct.refunds.c.refund_id)).first()
        return {int(k): v for k, v in (row[0] if row else {}).items()}

    def add_refund(self, refund_id, order_id, amount, currency, lines, at) -> None:
        self._db.execute(insert(ct.refunds).values(refund_id=refund_id, order_id=order_id, amount=amount,
                                                   currency=currency, lines={str(k): v for k, v in lines.items()}, at=at))
