"""Shared pieces of :mod:`crmlab.segment`: the eight RFM segment names, input checks and the
reading of transactions (customer codes, day numbers, the analysis date) that RFM and the
behavioural variables share."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crmlab import frames
from crmlab._checks import require_frame
from crmlab._errors import CRMDataError
from crmlab.course import COURSE_DATE

#: H/L code in R, F, M order -> Chinese segment name (the eight RFM segments).
CN8_SEGMENTS: dict[str, str] = {
    "HHH": "重要价值客户",
    "HLH": "重要发展客户",
    "LHH": "重要保持客户",
    "LLH": "重要挽留客户",
    "HHL": "一般价值客户",
    "HLL": "一般发展客户",
    "LHL": "一般保持客户",
    "LLL": "一般挽留客户",
}


def _bad_rows(mask: np.ndarray, limit: int = 5) -> str:
    idx = np.flatnonzero(mask)[:limit]
    rows = "、".join(str(i + 1) for i in idx)
    more = "等" if mask.sum() > limit else ""
    return f"第 {rows} 行{more}（按数据顺序，从 1 数起）"


def _require_frame(df: Any, what: str = "交易数据") -> pd.DataFrame:
    return require_frame(df, what, hint="请先用 crmlab.datasets.load 或 crmlab.io.read_transactions 读入数据。")


def _factorize_sorted(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Like ``pd.factorize(values, sort=True)`` but faster for many string ids."""
    codes, uniques = pd.factorize(values)
    if (codes < 0).any():
        return codes, pd.Index(uniques)
    if not isinstance(uniques, pd.Index):
        uniques = pd.Index(uniques)
    if pd.api.types.is_numeric_dtype(uniques.dtype):
        order = np.argsort(uniques.to_numpy(), kind="stable")
    else:
        try:
            order = np.argsort(np.asarray(uniques, dtype=str), kind="stable")
        except (TypeError, ValueError):
            order = np.argsort(np.asarray(uniques.astype(str), dtype=str), kind="stable")
    inverse = np.empty(len(order), dtype=np.int64)
    inverse[order] = np.arange(len(order), dtype=np.int64)
    return inverse[codes], uniques[order]


def _prepare_transactions(transactions: Any):
    """Validate (the data contract, :func:`crmlab.frames.orders`); return (customer codes, customer ids,
    order codes or None, day numbers, amounts)."""
    df = frames.orders(transactions, what="交易数据", allow_empty=False)
    days = df["order_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    values = df["amount"].to_numpy(dtype="float64", na_value=np.nan)
    codes, uniques = _factorize_sorted(df["customer_id"])
    order_codes = None
    if "order_id" in df.columns:
        order_codes = pd.factorize(df["order_id"])[0]
        if order_codes.min() < 0:
            raise CRMDataError(
                f"order_id 列有空值：{_bad_rows(order_codes < 0)}。请补上订单号，或删掉 order_id 列（每行算一笔订单）。"
            )
    return codes, uniques, order_codes, days, values



def _distinct_orders(codes: np.ndarray, order_codes: np.ndarray | None, n: int) -> np.ndarray:
    """Number of distinct orders per customer code (every row is an order without order ids)."""
    if order_codes is None:
        return np.bincount(codes, minlength=n)
    n_orders = int(order_codes.max()) + 1
    owner = np.full(n_orders, -1, dtype=np.int64)
    owner[order_codes] = codes
    if np.array_equal(owner[order_codes], codes):  # every order belongs to one customer
        return np.bincount(owner[owner >= 0], minlength=n)
    pairs = pd.unique(codes.astype(np.int64) * n_orders + order_codes)
    return np.bincount(pairs // n_orders, minlength=n)



def _asof_day(asof: Any, max_day: int) -> int:
    """Day number of the analysis date (default: the day after ``max_day``), validated."""
    if asof is None:
        return max_day + 1
    if isinstance(asof, (int, float, np.number)) and not isinstance(asof, bool):
        raise CRMDataError(f"分析日期 asof 应当是日期，例如 '{COURSE_DATE}'，而你给的是数字 {asof!r}。")
    try:
        ts = pd.Timestamp(asof)
    except (ValueError, TypeError) as exc:
        raise CRMDataError(f"分析日期 asof 无法识别：{asof!r}。请写成 '{COURSE_DATE}' 这样的格式。") from exc
    if ts is pd.NaT or pd.isna(ts):
        raise CRMDataError(f"分析日期 asof 是空的。请写成 '{COURSE_DATE}' 这样的格式，或不填（默认最后一笔订单的次日）。")
    asof_day = int(np.datetime64(ts.tz_localize(None) if ts.tzinfo else ts, "D").astype(np.int64))
    if asof_day < max_day:
        last = np.datetime64(max_day, "D")
        raise CRMDataError(
            f"分析日期 asof（{np.datetime64(asof_day, 'D')}）早于最后一笔订单的日期（{last}）。"
            "请选一个不早于最后订单的日期，或先筛掉之后的订单。"
        )
    return asof_day
