"""A business day's figures: every tender and channel totalled, taxes per rate, discounts, voids and refunds.

The facts come from the books (orders, tenders, refunds of the day) as plain records; the figures are
sums of them, in integer minor units, so a test can compute a store day by hand and compare line by line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

CHANNELS = ("kiosk", "counter", "app", "web", "phone", "marketplace")
TENDER_KINDS = ("cash", "card", "gift_card", "points", "online")  # online: a web order paid at HQ
SOLD_STATUSES = ("completed",)  # sold: handed over (anything else open must be settled or carried before the close)
OPEN_STATUSES = ("received", "accepted", "in_progress", "ready")  # not yet handed over or cancelled


@dataclass(frozen=True, slots=True)
class TaxLine:
    """One tax rate's part of an order."""

    code: str
    rate_bp: int
    taxable: int
    amount: int


@dataclass(frozen=True, slots=True)
class SoldOrder:
    """An order of the day as the end of the day sees it."""

    order_id: str
    number: str
    origin: str
    status: str
    total: int
    paid: int = 0  # its tenders (what went back is a refund, listed apart)
    taxes: tuple[TaxLine, ...] = ()
    discounts: tuple[tuple[str, int], ...] = ()  # (name or reason, amount)
    discount_approved_by: str | None = None  # the manager's name
    cancelled_reason: str | None = None
    void_approved_by: str | None = None
    currency: str = "EUR"

    @property
    def due(self) -> int:
        """Return what is still to be paid."""
        return max(self.total - self.paid, 0)


@dataclass(frozen=True, slots=True)
class TakenTender:
    """A tender taken on an order of the day."""

    order_id: str
    kind: str
    amount: int
    refunded: int = 0


@dataclass(frozen=True, slots=True)
class GivenRefund:
    """Money given back during the day, with the manager who approved it."""

    refund_id: str
    order_id: str
    number: str
    amount: int
    approved_by: str | None
    to_tenders: tuple[tuple[str, int], ...] = ()  # (kind, amount)
    cash_drawers: tuple[tuple[str, int], ...] = ()  # (drawer, amount) of its cash part


@dataclass(frozen=True, slots=True)
class Figures:
    """The day's totals, each a dict or a list in a fixed order."""

    currency: str
    orders: int
    gross: int
    tax: int
    net: int
    channels: dict[str, dict[str, int]]  # origin -> {"orders", "gross"}
    tenders: dict[str, int]  # kind -> amount taken
    refunds_by_tender: dict[str, int]
    taxes: list[dict]  # {"code", "rate_bp", "taxable", "amount"} per rate
    discounts: list[dict]  # {"order", "name", "amount", "approved_by"}
    discount_total: int
    voids: list[dict]  # {"order", "amount", "reason", "approved_by"}
    void_total: int
    refunds: list[dict]  # {"order", "amount", "approved_by"}
    refund_total: int
    open_orders: list[dict] = field(default_factory=list)  # {"order_id", "number", "status", "total", "due"}

    @property
    def tender_total(self) -> int:
        """Return everything taken, all tenders together."""
        return sum(self.tenders.values())


def day_figures(currency: str, orders: Sequence[SoldOrder], tenders: Iterable[TakenTender],
                refunds: Sequence[GivenRefund], carried: Iterable[str] = ()) -> Figures:
    """Total a day's orders, tenders and refunds; orders carried over to the next day count there, not here."""
    moved = set(carried)
    sold = [o for o in orders if o.status in SOLD_STATUSES and o.order_id not in moved]
    channels = {channel: {"orders": 0, "gross": 0} for channel in CHANNELS}
    taxes: dict[tuple[str, int], list[int]] = {}
    discounts = []
    for order in sold:
        row = channels.setdefault(order.origin, {"orders": 0, "gross": 0})
        row["orders"] += 1
        row["gross"] += order.total
        for line in order.taxes:
            sums = taxes.setdefault((line.code, line.rate_bp), [0, 0])
            sums[0] += line.taxable
            sums[1] += line.amount
        discounts += [{"order": order.number, "name": name, "amount": amount, "approved_by": order.discount_approved_by}
                      for name, amount in order.discounts]
    counted = {o.order_id for o in sold}
    taken = {kind: 0 for kind in TENDER_KINDS}
    for tender in tenders:
        if tender.order_id in counted:
            taken[tender.kind] = taken.get(tender.kind, 0) + tender.amount
    back = {kind: 0 for kind in TENDER_KINDS}
    for refund in refunds:
        for kind, amount in refund.to_tenders:
            back[kind] = back.get(kind, 0) + amount
    voids = [{"order": o.number, "amount": o.total, "reason": o.cancelled_reason, "approved_by": o.void_approved_by}
             for o in orders if o.status == "cancelled"]
    tax_rows = [{"code": code, "rate_bp": rate, "taxable": sums[0], "amount": sums[1]}
                for (code, rate), sums in sorted(taxes.items(), key=lambda kv: (-kv[0][1], kv[0][0]))]
    gross = sum(o.total for o in sold)
    tax = sum(row["amount"] for row in tax_rows)
    still_open = [{"order_id": o.order_id, "number": o.number, "status": o.status, "total": o.total, "due": o.due}
                  for o in orders if open_order(o) and o.order_id not in moved]
    return Figures(currency, len(sold), gross, tax, gross - tax, channels, taken, back, tax_rows, discounts,
                   sum(d["amount"] for d in discounts), voids, sum(v["amount"] for v in voids),
                   [{"order": r.number, "amount": r.amount, "approved_by": r.approved_by} for r in refunds],
                   sum(r.amount for r in refunds), still_open)


def open_order(order: SoldOrder) -> bool:
    """Say whether an order keeps its day from closing: not handed over, or handed over but not fully paid."""
    return order.status in OPEN_STATUSES or (order.status == "completed" and order.due > 0)


def refund_parts(tenders: Sequence[tuple[str, int]], refunds: Sequence[int]) -> list[list[tuple[int, str, int]]]:
    """Replay an order's refunds over its tenders as the hub split them: the last paid first, no more than each paid.

    `tenders` are (kind, amount) in the order they were taken; returns per refund a list of
    (tender position, kind, amount), so the cash part of each refund can go back to its drawer.
    """
    left = [amount for _, amount in tenders]
    plans = []
    for amount in refunds:
        plan, rest = [], amount
        for position in reversed(range(len(tenders))):
            take = min(rest, left[position])
            if take > 0:
                plan.append((position, tenders[position][0], take))
                left[position] -= take
                rest -= take
        plans.append(plan)
    return plans
