"""Order lines: what else was in each order (for association rules, lesson 2).

Derived from the finished ``orders`` table with a random stream of its own, so the
other tables stay exactly as they were.  Each order keeps its ``category`` as the
main line (line 1, the largest amount); extra lines carry other categories bought
in the same order.  The line amounts of an order add up exactly to its ``amount``.

Structure built in (checked by ``tests/domain/test_datasets.py`` and ``tests/domain/test_basket.py``):

* **cross-selling pair** ``Company.cross_sell = (X, Y)``: an order holding X also
  holds Y with probability :data:`P_CROSS` -- the rule X → Y has a lift well above 1;
* **staple** ``Company.staple = (S, R)``: S is added to most orders (it is in about
  three orders out of four), but less often to orders of R -- the rule R → S has a
  high confidence and still a lift below 1 (a "useless" rule);
* every other category is added now and then, independently of the rest.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab.datasets._companies import Company

P_CROSS = 0.6  # P(Y in order | X in order), before Y's other chances
P_STAPLE = 0.7  # P(staple added | main category is not the staple)
P_STAPLE_RARE = 0.55  # the same for orders of the rare partner
R_EXTRA = 0.5  # expected number of independent extra lines per order (before the cap)
STREAM = 0x6C696E65  # "line": second element of the seed sequence of this stream


def _categories_present(rng, co: Company, main: np.ndarray) -> np.ndarray:
    """Boolean matrix orders x categories: which categories each order holds."""
    names = [c.name for c in co.categories]
    n, k = len(main), len(names)
    has = np.zeros((n, k), dtype=bool)
    has[np.arange(n), main] = True
    share = np.bincount(main, minlength=k) / max(n, 1)
    has |= rng.random((n, k)) < R_EXTRA * share[None, :]
    if co.staple:
        s, rare = names.index(co.staple[0]), names.index(co.staple[1])
        p = np.where(main == rare, P_STAPLE_RARE, P_STAPLE)
        has[:, s] |= rng.random(n) < p
    if co.cross_sell:
        x, y = names.index(co.cross_sell[0]), names.index(co.cross_sell[1])
        has[:, y] |= has[:, x] & (rng.random(n) < P_CROSS)
    return has


def _split_cents(rng, co: Company, main: np.ndarray, extra_row: np.ndarray, extra_cat: np.ndarray,
                 cents: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cents of the main line of every order and of every extra line; main keeps > 1/2."""
    price = np.array([c.unit_price for c in co.categories], dtype=float)
    w = rng.uniform(0.1, 0.6, len(extra_row)) * np.sqrt(price[extra_cat] / price[main[extra_row]])
    w = np.clip(w, 0.05, 0.9)
    total_w = np.bincount(extra_row, weights=w, minlength=len(main))
    scale = np.where(total_w > 0.9, 0.9 / np.maximum(total_w, 1e-12), 1.0)
    w = w * scale[extra_row]
    denom = 1.0 + total_w * scale
    extra_cents = np.maximum(1, np.floor(cents[extra_row] * w / denom[extra_row])).astype(np.int64)
    main_cents = cents - np.bincount(extra_row, weights=extra_cents, minlength=len(main)).astype(np.int64)
    return main_cents, extra_cents


def order_lines(rng, co: Company, orders: pd.DataFrame) -> pd.DataFrame:
    """The ``order_lines`` table of ``orders`` (one row per order and category)."""
    names = [c.name for c in co.categories]
    main = pd.Categorical(orders["category"], categories=names).codes.astype(np.int64)
    has = _categories_present(rng, co, main)
    has[np.arange(len(main)), main] = False
    extra_row, extra_cat = np.nonzero(has)  # row-major: by order, then category order
    cents = np.rint(orders["amount"].to_numpy(dtype=float) * 100).astype(np.int64)
    main_cents, extra_cents = _split_cents(rng, co, main, extra_row, extra_cat, cents)

    n = len(main)
    rows = np.concatenate([np.arange(n), extra_row])
    cats = np.concatenate([main, extra_cat])
    amount_cents = np.concatenate([main_cents, extra_cents])
    first = np.concatenate([np.zeros(n, dtype=np.int64), np.ones(len(extra_row), dtype=np.int64)])
    order = np.lexsort((cats, first, rows))
    rows, cats, amount_cents = rows[order], cats[order], amount_cents[order]
    start = np.r_[0, np.flatnonzero(np.diff(rows)) + 1]
    line_no = np.arange(len(rows)) - np.repeat(start, np.diff(np.r_[start, len(rows)])) + 1
    return pd.DataFrame({
        "order_id": orders["order_id"].to_numpy()[rows],
        "line_no": line_no,
        "customer_id": orders["customer_id"].to_numpy()[rows],
        "category": np.asarray(names, dtype=object)[cats],
        "amount": amount_cents / 100,
    })


def make(seed: int, group: int, co: Company, orders: pd.DataFrame) -> pd.DataFrame:
    """``order_lines`` with its own random stream (the main generator is not touched)."""
    return order_lines(np.random.default_rng([int(seed), int(group), STREAM]), co, orders)
