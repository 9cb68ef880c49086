"""Tier sizes by head count: one rounding rule (half up) for every lesson that cuts ranked customers into tiers.

Lesson 1 (``crmlab.customers.classify_by_profit``: 关键/普通/小客户) and lesson 4
(``crmlab.credit.pyramid`` / ``abc_tiers``) both cut a ranked list of ``n`` customers
by shares such as 20% / 30% / 50%.  Both use :func:`tier_bounds`, so the same shares
give the same head counts in both lessons (Python's ``round`` would round 1276.5 to
the even 1276 but 510.5 to 510: "banker's rounding", surprising in a classroom).
"""

from __future__ import annotations

import math
from collections.abc import Iterable


def round_half_up(x: float) -> int:
    """Round to the nearest integer, halves upwards (510.5 -> 511), as taught in school."""
    return math.floor(x + 0.5)


def tier_bounds(n: int, shares: Iterable[float]) -> list[int]:
    """Cumulative end positions of the tiers for ``n`` ranked customers.

    ``shares`` are the shares of customers per tier from the top; tier ``i`` holds the
    ranks ``bounds[i-1] + 1 .. bounds[i]``.  Each bound is ``round_half_up(n * cumulative
    share)``, capped at ``n``.
    """
    bounds, total = [], 0.0
    for share in shares:
        total += float(share)
        bounds.append(min(n, round_half_up(n * total)))
    return bounds
