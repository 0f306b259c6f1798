"""Recommendations: what is bought together in this store, with the catalog's pairings as the fallback."""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Mapping

DEFAULT_WINDOW = 2000  # recent orders learned from: enough to be stable, few enough to follow a changing menu
MIN_TOGETHER = 2  # one shared order is chance, not a pattern


class BoughtTogether:
    """Count how often two items share an order, over a sliding window of the latest orders."""

    def __init__(self, window: int = DEFAULT_WINDOW) -> None:
        self.window = window
        self.last_seq = 0
        self._orders: deque[frozenset[str]] = deque()
        self._pairs: dict[str, Counter[str]] = {}

    def __len__(self) -> int:
        return len(self._orders)

    def add(self, seq: int, skus: Iterable[str]) -> None:
        """Learn one order's items; the oldest order leaves the window when it is full."""
        basket = frozenset(skus)
        self.last_seq = max(self.last_seq, seq)
        self._orders.append(basket)
        self._count(basket, 1)
        while len(self._orders) > self.window:
            self._count(self._orders.popleft(), -1)

    def _count(self, basket: frozenset[str], step: int) -> None:
        for a in basket:
            pairs = self._pairs.setdefault(a, Counter())
            for b in basket:
                if a != b:
                    pairs[b] += step
                    if pairs[b] <= 0:
                        del pairs[b]

    def together_with(self, skus: Iterable[str]) -> Counter[str]:
        """Return, per other item, how many orders it shared with any of these items."""
        scores: Counter[str] = Counter()
        for sku in set(skus):
            scores.update(self._pairs.get(sku, {}))
        return scores


def recommend(
    cart: Iterable[str],
    learned: Counter[str],
    pairs_with: Mapping[str, Iterable[str]],
    offered: Iterable[str],
    limit: int = 3,
) -> list[str]:
    """Return up to `limit` SKUs to suggest: learned pairs first, then configured ones; never one in the cart or not offered."""
    if limit <= 0:
        return []
    in_cart = set(cart)
    allowed = set(offered) - in_cart
    ranked = [sku for sku, count in sorted(learned.items(), key=lambda kv: (-kv[1], kv[0]))
              if count >= MIN_TOGETHER and sku in allowed]
    configured = [sku for item in cart for sku in pairs_with.get(item, ()) if sku in allowed]
    chosen: list[str] = []
    for sku in ranked + configured:
        if sku not in chosen:
            chosen.append(sku)
        if len(chosen) == limit:
            break
    return chosen
