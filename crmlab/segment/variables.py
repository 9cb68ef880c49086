"""Segmentation variables (lesson 3): demographic and behavioural segments.

* demographic: :func:`age_band`, :func:`demographic_segments` (age band x gender x city tier);
* behavioural: :func:`usage_rate` (light / medium / heavy users), :func:`loyalty_status`,
  :func:`customer_behaviour` (all behavioural variables per customer);
* :func:`segment_table` -- size and value of the segments of any variables.

Psychographic segmentation (survey answers, K-means) is in :mod:`crmlab.segment.kmeans`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.segment._base import _asof_day, _bad_rows, _distinct_orders, _prepare_transactions, _require_frame
from crmlab.segment.rfm_analysis import rfm

DEFAULT_AGE_BINS: tuple[int, ...] = (0, 25, 35, 45, 55, 200)


def age_band(age: Any, bins: Sequence[float] = DEFAULT_AGE_BINS) -> pd.Series:
    """Age bands with Chinese labels (e.g. ``25-34岁``); NaN ages stay NaN."""
    raw = age if isinstance(age, pd.Series) else pd.Series(age, dtype="object")
    s = pd.to_numeric(raw, errors="coerce").astype("float64")
    bad = (s.isna() & raw.notna()).to_numpy()
    if bad.any():
        raise CRMDataError(f"年龄里有不是数字的内容：{_bad_rows(bad)}。请只填数字，例如 35。")
    if (s < 0).any():
        raise CRMDataError(f"年龄不能是负数：{_bad_rows((s < 0).to_numpy())}。请检查数据。")
    edges = list(bins)
    if len(edges) < 3 or any(hi <= lo for lo, hi in itertools.pairwise(edges)):
        raise CRMDataError("年龄分段的边界必须从小到大排列，例如 (0, 25, 35, 45, 55, 200)。")
    labels = []
    for lo, hi in itertools.pairwise(edges):
        if lo <= 0:
            labels.append(f"{int(hi)}岁以下")
        elif hi >= 120:
            labels.append(f"{int(lo)}岁及以上")
        else:
            labels.append(f"{int(lo)}-{int(hi) - 1}岁")
    return pd.cut(s, bins=edges, right=False, labels=labels)


USAGE_LABELS = ("轻度用户", "中度用户", "重度用户")


def usage_rate(values: Any, thresholds: Sequence[float] | None = None) -> pd.Series:
    """Light / medium / heavy users (轻度/中度/重度用户).

    Without ``thresholds``: tertiles of rank, so the three groups have (almost)
    equal size; equal values share their middle rank and always land in the same
    group (a heavily tied input leaves a group smaller or empty).  With ``thresholds=(a, b)``: light below ``a``,
    medium from ``a`` to below ``b``, heavy from ``b``.
    """
    s = pd.Series(values) if not isinstance(values, pd.Series) else values
    s = pd.to_numeric(s, errors="coerce")
    if len(s) == 0:
        raise CRMDataError("没有客户，无法划分使用率。")
    if s.isna().any():
        raise CRMDataError("使用率的数值里有空值或非数字，请先处理。")
    if thresholds is None:
        twice_mid0 = 2 * s.rank(method="average").to_numpy() - 2  # 2 * (0-based mid rank), whole numbers
        code = np.round(twice_mid0).astype(np.int64) * 3 // (2 * len(s))
    else:
        try:
            a, b = (float(t) for t in thresholds)
        except (TypeError, ValueError) as exc:
            raise CRMDataError(
                f"使用率的分界点要给两个数字，例如 (3, 8)，而你给的是 {thresholds!r}。"
            ) from exc
        if a > b:
            raise CRMDataError(f"使用率的两个分界点要从小到大：现在是 {a:g} 和 {b:g}。")
        v = s.to_numpy(dtype=float)
        code = np.where(v >= b, 2, np.where(v >= a, 1, 0))
    return pd.Series(
        pd.Categorical.from_codes(code, categories=list(USAGE_LABELS), ordered=True), index=s.index, name="usage"
    )


LOYALTY_LABELS = ("坚定忠诚", "中度忠诚", "游离型", "一次性客户", "已流失")


def loyalty_status(
    transactions: pd.DataFrame,
    asof: Any = None,
    *,
    lost_after_days: int = 365,
    strong: float = 0.6,
    medium: float = 0.3,
) -> pd.Series:
    """Loyalty status from purchase regularity (one value per customer).

    A customer's regularity is the share of calendar quarters, from the quarter of
    the first order to the quarter of ``asof``, with at least one order.  No order in
    the last ``lost_after_days`` days -> 已流失; a single order -> 一次性客户;
    otherwise 坚定忠诚 (regularity >= ``strong``), 中度忠诚 (>= ``medium``) or 游离型.
    """
    codes, uniques, order_codes, days, _ = _prepare_transactions(transactions)
    n = len(uniques)
    asof_day = _asof_day(asof, int(days.max()))
    dates = days.astype("datetime64[D]")
    quarter = (dates.astype("datetime64[M]").astype(np.int64)) // 3
    asof_q = int(np.datetime64(asof_day, "D").astype("datetime64[M]").astype(np.int64)) // 3
    first_q = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first_q, codes, quarter)
    last_day = np.full(n, np.iinfo(np.int64).min)
    np.maximum.at(last_day, codes, days)
    active = pd.unique(codes.astype(np.int64) * 100000 + (quarter - quarter.min()))
    n_active = np.bincount(active // 100000, minlength=n)
    n_orders = _distinct_orders(codes, order_codes, n)
    span = np.maximum(asof_q - first_q + 1, 1)
    regularity = n_active / span
    status = np.where(
        asof_day - last_day > lost_after_days,
        4,
        np.where(n_orders <= 1, 3, np.where(regularity >= strong, 0, np.where(regularity >= medium, 1, 2))),
    )
    return pd.Series(
        pd.Categorical.from_codes(status, categories=list(LOYALTY_LABELS), ordered=True),
        index=pd.Index(uniques, name="customer_id"),
        name="loyalty",
    )


def _mode_per_customer(transactions: pd.DataFrame, column: str) -> pd.Series:
    """Most frequent value of ``column`` per customer (ties: alphabetically first)."""
    counts = transactions.groupby(["customer_id", column], observed=True).size().rename("n").reset_index()
    counts = counts.sort_values(["customer_id", "n", column], ascending=[True, False, True], kind="stable")
    return counts.drop_duplicates("customer_id").set_index("customer_id")[column]


def customer_behaviour(
    orders: pd.DataFrame,
    asof: Any = None,
    *,
    usage_thresholds: Sequence[float] | None = None,
) -> pd.DataFrame:
    """Behavioural variables per customer (index ``customer_id``).

    Columns: ``frequency``, ``monetary``, ``usage`` (轻度/中度/重度 by tertiles of
    order count, or ``usage_thresholds``), ``loyalty`` (:func:`loyalty_status`) and,
    when the orders have them, ``occasion`` (main purchase occasion) and
    ``payment_method`` (main payment method).
    """
    table = rfm(orders, asof)
    out = table[["frequency", "monetary"]].copy()
    out["usage"] = usage_rate(out["frequency"], usage_thresholds)
    out["loyalty"] = loyalty_status(orders, asof)
    for col in ("occasion", "payment_method", "channel"):
        if col in orders.columns:
            out[col] = _mode_per_customer(orders, col).reindex(out.index)
    return out


def segment_table(frame: pd.DataFrame, by: str | Sequence[str], value: str = "monetary") -> pd.DataFrame:
    """Sizes and value of segments: ``customers``, ``customer_share``, ``revenue``,
    ``revenue_share`` and ``revenue_per_customer`` per group of ``by``.

    ``frame`` has one row per customer; customers without a value count with 0.
    """
    df = _require_frame(frame, "客户表")
    keys = [by] if isinstance(by, str) else list(by)
    if not keys:
        raise CRMDataError("请至少选择一个细分变量。")
    missing = [k for k in keys + [value] if k not in df.columns]
    if missing:
        raise CRMDataError(f"客户表缺少列：{'、'.join(missing)}。现在的列有：{'、'.join(map(str, df.columns))}。")
    vals = pd.to_numeric(df[value], errors="coerce").fillna(0.0)
    g = vals.groupby([df[k] for k in keys], observed=True)
    out = pd.DataFrame({"customers": g.size(), "revenue": g.sum()})
    out["customer_share"] = out["customers"] / out["customers"].sum()
    total = out["revenue"].sum()
    out["revenue_share"] = out["revenue"] / total if total else 0.0
    out["revenue_per_customer"] = out["revenue"] / out["customers"]
    return out[["customers", "customer_share", "revenue", "revenue_share", "revenue_per_customer"]]


def demographic_segments(
    customers: pd.DataFrame,
    orders: pd.DataFrame,
    by: Sequence[str] = ("age_band", "gender", "city_tier"),
    *,
    individuals_only: bool = True,
    age_bins: Sequence[float] = DEFAULT_AGE_BINS,
) -> pd.DataFrame:
    """Demographic segments (default age band x gender x city tier): sizes and value.

    Uses every customer of ``customers`` (non-buyers count with 0 yuan); business
    customers are left out when ``individuals_only`` (they have no age or gender).
    """
    cust = _require_frame(customers, "客户资料表")
    if "customer_id" not in cust.columns:
        raise CRMDataError("客户资料表缺少 customer_id 列。")
    if individuals_only and "customer_type" in cust.columns:
        cust = cust[cust["customer_type"] == "个人"]
    cust = cust.set_index("customer_id")
    frame = pd.DataFrame(index=cust.index)
    for k in by:
        if k == "age_band":
            if "age" not in cust.columns:
                raise CRMDataError("客户资料表缺少 age（年龄）列，无法划分年龄段。")
            frame[k] = age_band(cust["age"], age_bins)
        elif k in cust.columns:
            frame[k] = cust[k]
        else:
            raise CRMDataError(f"客户资料表缺少列：{k}。")
    ords = _require_frame(orders, "订单表")
    missing = [c for c in ("customer_id", "amount") if c not in ords.columns]
    if missing:
        raise CRMDataError(f"订单表缺少列：{'、'.join(missing)}。请传入含 customer_id 和 amount 的订单表。")
    spend = pd.to_numeric(ords["amount"], errors="coerce").groupby(ords["customer_id"]).sum()
    frame["monetary"] = spend.reindex(frame.index).fillna(0.0)
    return segment_table(frame, list(by))


__all__ = [
    "DEFAULT_AGE_BINS",
    "LOYALTY_LABELS",
    "USAGE_LABELS",
    "age_band",
    "customer_behaviour",
    "demographic_segments",
    "loyalty_status",
    "segment_table",
    "usage_rate",
]
