"""The Spring Festival (春节) as a moving holiday.

The festival is the first day of the first month of the Chinese lunisolar
calendar, so its Gregorian date moves between 21 January and 20 February.  A
monthly sales model with one effect per calendar month cannot follow it: the
pre-festival shopping peak falls mostly in January in some years (2025: festival
on 29 January) and mostly in February in others (2024: 10 February, 2026:
17 February).  This module gives the festival dates for the years the course
can meet and, per month, the share of its days that are pre-festival days: a
regressor a trend model can use (see :func:`crmlab.analysis.forecast_sales`).

Dates: the first day of the lunar year as published in Chinese calendar tables
(the same dates as python-holidays' and lunardate's tables), checked in
``tests/domain/test_analysis.py`` against known years.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError

#: Gregorian date of the Spring Festival (农历正月初一), 2015-2035.
SPRING_FESTIVAL: dict[int, str] = {
    2015: "2015-02-19", 2016: "2016-02-08", 2017: "2017-01-28", 2018: "2018-02-16",
    2019: "2019-02-05", 2020: "2020-01-25", 2021: "2021-02-12", 2022: "2022-02-01",
    2023: "2023-01-22", 2024: "2024-02-10", 2025: "2025-01-29", 2026: "2026-02-17",
    2027: "2027-02-06", 2028: "2028-01-26", 2029: "2029-02-13", 2030: "2030-02-03",
    2031: "2031-01-23", 2032: "2032-02-11", 2033: "2033-01-31", 2034: "2034-02-19",
    2035: "2035-02-08",
}

#: Days before the festival counted as the pre-festival shopping season (年货、礼盒).
PRE_FESTIVAL_DAYS = 21

FIRST_YEAR, LAST_YEAR = min(SPRING_FESTIVAL), max(SPRING_FESTIVAL)


def spring_festival(year: int) -> pd.Timestamp:
    """Date of the Spring Festival in ``year`` (2015-2035)."""
    try:
        y = int(year)
    except (TypeError, ValueError):
        raise CRMDataError(f"年份“{year}”不是整数，请写成 2026 这样的形式。") from None
    if y not in SPRING_FESTIVAL:
        raise CRMDataError(
            f"只收录了 {FIRST_YEAR}-{LAST_YEAR} 年的春节日期，没有 {y} 年的。请换用这些年份之间的数据。"
        )
    return pd.Timestamp(SPRING_FESTIVAL[y])


def _months(months) -> pd.PeriodIndex:
    try:
        return pd.PeriodIndex(pd.Index(months).astype(str), freq="M")
    except (ValueError, TypeError) as exc:
        raise CRMDataError("月份无法识别，请写成 2025-12 这样的形式。") from exc


def pre_festival_days(months, days: int = PRE_FESTIVAL_DAYS) -> np.ndarray:
    """Number of pre-festival days (the ``days`` days before the festival) in each month."""
    periods = _months(months)
    out = np.zeros(len(periods), dtype=np.int64)
    for k, p in enumerate(periods):
        first, last = p.start_time.normalize(), p.end_time.normalize()
        # 2015-2035 festivals fall on 22 Jan or later, so their pre-festival days never reach December
        festival = spring_festival(p.year)
        lo, hi = festival - pd.Timedelta(days=days), festival - pd.Timedelta(days=1)
        out[k] = max(0, (min(hi, last) - max(lo, first)).days + 1)
    return out


def festival_months(months, days: int = PRE_FESTIVAL_DAYS) -> pd.DataFrame:
    """Per month: the year's festival date, pre-festival days in the month and their share of the month.

    Columns ``month``, ``festival_date``, ``pre_festival_days`` and ``festival_share`` (pre-festival
    days / days of the month); their Chinese headers (月份, 春节, 节前天数, 节前占比) are in
    :mod:`crmlab.labels` (``labels.relabel(table)``).
    """
    periods = _months(months)
    n_pre = pre_festival_days(periods, days)
    return pd.DataFrame(
        {
            "month": periods.astype(str),
            "festival_date": [spring_festival(p.year).strftime("%Y-%m-%d") for p in periods],
            "pre_festival_days": n_pre,
            "festival_share": n_pre / periods.days_in_month.to_numpy(),
        }
    )


__all__ = [
    "PRE_FESTIVAL_DAYS",
    "SPRING_FESTIVAL",
    "festival_months",
    "pre_festival_days",
    "spring_festival",
]
