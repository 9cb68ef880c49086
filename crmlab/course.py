"""Course constants: one place for the numbers every lesson shares.

Every lesson analyses the course company "as of" the same day and calls a
customer lost (流失) by the same rule.  Code and notebooks take these values
from here instead of writing them again:

>>> from crmlab.course import COURSE_DATE, CHURN_DAYS
>>> COURSE_DATE
'2026-01-01'

The company a class works with is chosen by :func:`set_group` (or the
environment variable ``CRMLAB_GROUP`` before the kernel starts); ``0`` is the
default company of the lessons' prose, ``1..4`` are the other groups' companies.
"""

from __future__ import annotations

import os

#: The analysis date of the whole course (分析日期 / 截止日): the data end on the day before.
COURSE_DATE = "2026-01-01"

#: One churn rule for the whole course: a customer who has not bought for more than
#: this many days on the analysis date is a lost customer (流失客户).
CHURN_DAYS = 365

#: Groups 0..4: the course company and the four other groups' companies.
GROUPS = (0, 1, 2, 3, 4)

_group: int | None = None


def parse_group(value) -> int:
    """A group number 0-4 from ``value`` (``2``, ``"2"``, ``" 2 "``); a Chinese error otherwise."""
    from crmlab._errors import CRMDataError

    try:
        group = int(str(value).strip())
    except (TypeError, ValueError):
        raise CRMDataError(f"组号必须是 0 到 4 的整数，收到的是「{value}」。") from None
    if group not in GROUPS:
        raise CRMDataError(f"组号必须是 0 到 4 的整数，收到的是 {group}。")
    return group


def current_group() -> int:
    """The company this kernel works with: set by :func:`set_group`, else ``CRMLAB_GROUP``, else 0."""
    if _group is not None:
        return _group
    env = os.environ.get("CRMLAB_GROUP", "").strip()
    return parse_group(env) if env else 0


def set_group(group: int) -> int:
    """Choose the company (0..4) for every later ``crmlab.datasets.load`` in this kernel."""
    global _group
    _group = parse_group(group)
    return _group


__all__ = ["CHURN_DAYS", "COURSE_DATE", "GROUPS", "current_group", "parse_group", "set_group"]
