"""Customer lifetime value from formulas: the weighted indicator method (指标综合评价法)
and the discounted CLV formula."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from crmlab import frames
from crmlab._checks import finite_number as _finite_number
from crmlab._checks import parse_dates as _datetimes
from crmlab._checks import to_timestamp as _timestamp
from crmlab._errors import CRMDataError
from crmlab.value._common import (
    CURRENT_INDICATORS,
    DEFAULT_WEIGHTS,
    INDICATORS,
    LABELS,
    NEGATIVE_INDICATORS,
    POTENTIAL_INDICATORS,
    _numeric_columns,
    _rate,
    _require_columns,
    _require_frame,
)

# ---------------------------------------------------------------------------
# Indicator method (指标综合评价法)
# ---------------------------------------------------------------------------


def _check_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    if weights is None:
        return dict(DEFAULT_WEIGHTS)
    if not isinstance(weights, Mapping):
        raise CRMDataError("权重需要写成字典，例如 {'gross_profit': 0.3, 'loyalty': 0.2}。")
    unknown = [k for k in weights if k not in INDICATORS]
    if unknown:
        raise CRMDataError(
            f"权重里有未知的指标：{'、'.join(map(str, unknown))}。可用的指标是：" + "、".join(f"{k}（{LABELS[k]}）" for k in INDICATORS) + "。"
        )
    out = {}
    for key in INDICATORS:
        w = _finite_number(weights.get(key, 0.0), f"指标 {key}（{LABELS[key]}）的权重")
        if w < 0:
            raise CRMDataError(f"指标 {key}（{LABELS[key]}）的权重是负数（{w}）。权重不能为负；服务成本是反向指标，程序已自动按“越低越好”处理，权重照常填正数即可。")
        out[key] = w
    if sum(out.values()) <= 0:
        raise CRMDataError("所有指标的权重都是 0，无法计算终身价值得分。请至少给一个指标大于 0 的权重。")
    return out


def _normalise(values: pd.Series, *, negative: bool, method: str) -> pd.Series:
    if method == "minmax":
        lo, hi = values.min(), values.max()
        if not hi > lo:  # constant column: no information, put everyone in the middle
            return pd.Series(0.5, index=values.index)
        scaled = (values - lo) / (hi - lo)
    elif method == "rank":
        if values.nunique() <= 1:
            return pd.Series(0.5, index=values.index)
        # percentile rank between 0 and 1 (ties share the average rank)
        scaled = (values.rank(method="average") - 1) / (len(values) - 1)
    else:
        raise CRMDataError(f"不认识的标准化方法 {method!r}。请使用 'minmax'（最小-最大标准化）或 'rank'（排名百分位）。")
    return 1.0 - scaled if negative else scaled


def indicator_clv(
    metrics: pd.DataFrame,
    weights: Mapping[str, float] | None = None,
    *,
    method: str = "minmax",
) -> pd.DataFrame:
    """Customer lifetime value score by the weighted indicator method.

    Parameters
    ----------
    metrics:
        One row per customer (index = customer id) with the six indicators
        :data:`INDICATORS`: current value ``gross_profit``, ``volume``,
        ``service_cost`` and potential value ``satisfaction``, ``loyalty``,
        ``trust`` (e.g. from :func:`clv_metrics`).
    weights:
        Weight per indicator (non-negative; a missing key means 0). The weights
        are rescaled to sum to 1. Default :data:`DEFAULT_WEIGHTS`: current value
        0.6 (gross profit 0.30, volume 0.15, service cost 0.15) and potential
        value 0.4 (satisfaction 0.15, loyalty 0.15, trust 0.10).
    method:
        ``"minmax"`` (default): ``(x - min) / (max - min)``; for the negative
        indicator ``service_cost`` (lower is better) ``(max - x) / (max - min)``.
        A constant column carries no information and becomes 0.5 for everyone.
        ``"rank"``: percentile rank in [0, 1] (reversed for service cost).

    Returns
    -------
    DataFrame
        The normalised indicators (``<name>_norm``, 0-1), ``current_value`` and
        ``potential_value`` (weighted means of their own indicators, 0-100; NaN
        when all their weights are 0), ``clv_score`` (weighted mean of all six,
        0-100; equals ``share_current * current_value + share_potential *
        potential_value``, the two products being ``current_contribution`` and
        ``potential_contribution``) and ``rank`` (1 = most valuable, ties share the best
        rank), sorted by rank.
    """
    metrics, values = _indicator_values(metrics)
    w = _check_weights(weights)
    out = pd.DataFrame(index=metrics.index)
    for col in INDICATORS:
        out[col] = values[col]
    for col in INDICATORS:
        out[f"{col}_norm"] = _normalise(values[col], negative=col in NEGATIVE_INDICATORS, method=method)
    out["current_value"] = _group_score(out, w, CURRENT_INDICATORS)
    out["potential_value"] = _group_score(out, w, POTENTIAL_INDICATORS)
    out["clv_score"] = _group_score(out, w, INDICATORS)
    total_w = sum(w.values())
    share_current = sum(w[c] for c in CURRENT_INDICATORS) / total_w
    out["current_contribution"] = 0.0 if share_current == 0 else share_current * out["current_value"]
    out["potential_contribution"] = 0.0 if share_current == 1 else (1 - share_current) * out["potential_value"]
    out["rank"] = out["clv_score"].round(9).rank(method="min", ascending=False).astype(int)
    out = out.sort_values(["rank"], kind="stable")
    out.index.name = metrics.index.name
    return out


def _indicator_values(metrics: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``metrics`` indexed by customer and its six indicators as finite floats (Chinese error otherwise)."""
    what = "客户指标表"
    metrics = _require_frame(metrics, what)
    if "customer_id" in metrics.columns and "customer_id" not in INDICATORS:
        metrics = metrics.set_index("customer_id")
    _require_columns(metrics, INDICATORS, what)
    values = _numeric_columns(metrics, INDICATORS, what)
    if values.isna().any().any():
        col = values.columns[values.isna().any()][0]
        rows = ", ".join(map(str, list(values.index[values[col].isna()])[:5]))
        raise CRMDataError(
            f"{what}的列 {col}（{LABELS[col]}）有空值（客户：{rows}）。请先补齐（例如用中位数填充），或去掉这些客户。"
        )
    if not np.isfinite(values.to_numpy()).all():
        raise CRMDataError(f"{what}含有无穷大的数值，请检查数据。")
    return metrics, values


def _group_score(normalised: pd.DataFrame, weights: Mapping[str, float], cols: list[str]) -> pd.Series:
    """Weighted mean (0-100) of the ``<col>_norm`` columns; NaN when the group's weights are all 0."""
    total = sum(weights[c] for c in cols)
    if total <= 0:
        return pd.Series(np.nan, index=normalised.index)
    return 100.0 * sum(weights[c] * normalised[f"{c}_norm"] for c in cols) / total


def clv_metrics(
    orders: pd.DataFrame,
    interactions: pd.DataFrame | None = None,
    survey: pd.DataFrame | None = None,
    *,
    volume: str = "quantity",
    start: Any = None,
    end: Any = None,
) -> pd.DataFrame:
    """The six indicators of :func:`indicator_clv` per customer, from the course data.

    Parameters
    ----------
    orders:
        ``crmlab.datasets.load("orders")``: needs ``customer_id``, ``order_date``,
        ``gross_profit`` and the ``volume`` column.
    interactions:
        ``crmlab.datasets.load("interactions")``: ``customer_id``, ``date``,
        ``service_cost``. A customer without interactions has service cost 0.
    survey:
        ``crmlab.datasets.load("survey")``: ``customer_id``, Likert 1-5
        ``satisfaction``, ``loyalty``, ``trust`` (latest answer per customer when
        ``survey_date`` is present). Customers who did not answer get the median
        of those who did, so the potential value is neutral, not zero.
    volume:
        How purchase volume (购买量) is measured: ``"quantity"`` (units bought,
        default), ``"amount"`` (sales in yuan) or ``"orders"`` (number of orders).
    start, end:
        Optional date window (inclusive) applied to orders and interactions.

    Returns
    -------
    DataFrame
        Index ``customer_id`` (customers with at least one order in the window),
        columns :data:`INDICATORS`, sorted by customer id.
    """
    start_ts = _timestamp(start, "开始日期 start") if start is not None else None
    end_ts = _timestamp(end, "结束日期 end") if end is not None else None
    out = _order_indicators(orders, volume, start_ts, end_ts)
    out["service_cost"] = _service_costs(interactions, out.index, start_ts, end_ts)
    for col, values in _survey_scores(survey, out.index).items():
        out[col] = values
    out.index.name = "customer_id"
    return out[INDICATORS]


def _in_window(frame: pd.DataFrame, column: str, what: str, start_ts, end_ts) -> pd.DataFrame:
    """Rows of ``frame`` whose date ``column`` lies in [start_ts, end_ts] (either bound may be None)."""
    if start_ts is None and end_ts is None:
        return frame
    _require_columns(frame, [column], what)
    dates = _datetimes(frame[column], f"{what}的 {column} 列")
    keep = pd.Series(True, index=frame.index)
    if start_ts is not None:
        keep &= dates >= start_ts
    if end_ts is not None:
        keep &= dates <= end_ts
    return frame[keep]


def _order_indicators(orders: pd.DataFrame, volume: str, start_ts, end_ts) -> pd.DataFrame:
    """Gross profit and purchase volume per customer (sorted by id) from the orders in the window."""
    need = ["customer_id", "gross_profit"]
    if volume in ("quantity", "amount"):
        need.append(volume)
    elif volume != "orders":
        raise CRMDataError(f"购买量的口径 {volume!r} 不认识。请用 'quantity'（件数）、'amount'（金额）或 'orders'（订单数）。")
    if start_ts is not None or end_ts is not None:
        need.append("order_date")
    o = frames.orders(orders, require=need, what="订单表")  # the data contract: numbers and dates parsed
    o = o.assign(customer_id=o["customer_id"].astype(str))
    o = _in_window(o, "order_date", "订单表", start_ts, end_ts)
    if o.empty:
        raise CRMDataError("所选时间范围内没有订单，无法计算客户指标。请放宽开始/结束日期。")
    grouped = o.groupby("customer_id", sort=True)
    out = pd.DataFrame({"gross_profit": grouped["gross_profit"].sum().astype(float)})
    if volume == "orders":
        out["volume"] = grouped.size().astype(float)
    else:
        out["volume"] = grouped[volume].sum().astype(float)
    return out


def _service_costs(interactions: pd.DataFrame | None, index: pd.Index, start_ts, end_ts) -> pd.Series:
    """Service cost per customer of ``index`` (0 without interactions); dated interactions filtered to the window."""
    if interactions is None or not len(interactions):
        return pd.Series(0.0, index=index)
    _require_columns(interactions, ["customer_id", "service_cost"], "客户互动表")
    it = interactions.copy()
    it["customer_id"] = it["customer_id"].astype(str)
    if "date" in it.columns:
        it = _in_window(it, "date", "客户互动表", start_ts, end_ts)
    cost = _numeric_columns(it, ["service_cost"], "客户互动表")["service_cost"].fillna(0.0)
    cost = cost.groupby(it["customer_id"]).sum()
    return cost.reindex(index).fillna(0.0).astype(float)


def _survey_scores(survey: pd.DataFrame | None, index: pd.Index) -> dict[str, pd.Series]:
    """Latest satisfaction, loyalty and trust per customer of ``index``; non-respondents get the median
    (the scale midpoint 3 when nobody answered)."""
    scores = {col: pd.Series(np.nan, index=index) for col in POTENTIAL_INDICATORS}
    if survey is not None and len(survey):
        _require_columns(survey, ["customer_id", *POTENTIAL_INDICATORS], "满意度调查表")
        s = survey.copy()
        s["customer_id"] = s["customer_id"].astype(str)
        if "survey_date" in s.columns:
            s = s.sort_values("survey_date", kind="stable")
        s = s.groupby("customer_id").last()
        for col in POTENTIAL_INDICATORS:
            scores[col] = pd.to_numeric(s[col], errors="coerce").reindex(index).astype(float)
    for col, values in scores.items():
        answered = values.dropna()  # median of an all-NaN column warns on pandas 2.0
        median = answered.median() if len(answered) else np.nan
        scores[col] = values.fillna(3.0 if pd.isna(median) else median)
    return scores


# ---------------------------------------------------------------------------
# Discounted CLV formula
# ---------------------------------------------------------------------------


def discounted_clv(
    margin: float | Sequence[float],
    retention: float,
    discount: float,
    periods: int = 10,
    *,
    acquisition_cost: float = 0.0,
) -> pd.DataFrame:
    """Period-by-period table of ``CLV = sum_t margin_t * retention**t / (1 + discount)**t``.

    Timing convention: the customer is acquired at t = 0 (paying
    ``acquisition_cost`` then, not discounted). The margin of period t is earned
    at the *end* of period t, t = 1..periods, and only if the customer is still
    there, which happens with probability ``retention**t`` (one retention
    decision per period, the first one before the first margin). It is
    discounted by ``(1 + discount)**t``.

    Parameters
    ----------
    margin:
        Profit per period from a retained customer (yuan); a number, or one
        number per period (e.g. growing margins). May be negative.
    retention:
        Retention rate per period as a fraction in [0, 1] (0.8, not 80).
    discount:
        Discount rate per period as a fraction in [0, 1] (0.1, not 10).
    periods:
        Number of periods, 1-1000.
    acquisition_cost:
        Cost of winning the customer (>= 0), subtracted at t = 0.

    Returns
    -------
    DataFrame
        One row per period (index ``period`` 1..periods): ``margin``,
        ``survival``, ``expected_margin``, ``discount_factor``,
        ``discounted_margin`` and ``cumulative_clv`` (running sum of the
        discounted margins minus the acquisition cost).  ``attrs["undiscounted_clv"]``:
        the same expected margins added up without discounting, minus the acquisition cost.
    """
    m, survival, factor, acq = _clv_inputs(margin, retention, discount, periods, acquisition_cost)
    t = np.arange(1, len(m) + 1)
    with np.errstate(over="ignore", invalid="ignore"):
        table = _clv_table(m, survival, factor, t, acq)
    if not np.isfinite(table.to_numpy()).all():
        raise _too_large()
    # the same expected margins without discounting, minus the acquisition cost (for comparison)
    table.attrs["undiscounted_clv"] = float(table["expected_margin"].sum()) - acq
    return table


def _clv_inputs(margin, retention, discount, periods, acquisition_cost) -> tuple:
    """Checked inputs of the CLV formula: margins, survival and discount factor per period, acquisition cost."""
    r = _rate(retention, "留存率", upper=1.0, example="0.8")
    d = _rate(discount, "折现率", upper=1.0)
    n = _periods(periods)
    acq = _finite_number(acquisition_cost, "获客成本")
    if acq < 0:
        raise CRMDataError(f"获客成本不能为负数（收到 {acq:g}）。")
    t = np.arange(1, n + 1)
    return _margins(margin, n), r**t, 1.0 / (1.0 + d) ** t, acq


def _too_large() -> CRMDataError:
    return CRMDataError("每期利润或获客成本太大，计算结果超出了范围。请填写合理大小的金额。")


def discounted_margins(
    margin: float | Sequence[float],
    retention: float,
    discount: float,
    periods: int = 10,
    *,
    acquisition_cost: float = 0.0,
) -> tuple[np.ndarray, float]:
    """The ``discounted_margin`` column of :func:`discounted_clv` and the CLV, without building the table.

    The same formula, inputs and messages as :func:`discounted_clv`, as plain numbers, for
    callers that evaluate it many times per widget update (lesson 1's retention economics).
    """
    m, survival, factor, acq = _clv_inputs(margin, retention, discount, periods, acquisition_cost)
    with np.errstate(over="ignore", invalid="ignore"):
        flows = m * survival * factor
        cumulative = np.cumsum(flows) - acq
    if not (np.isfinite(flows).all() and np.isfinite(cumulative).all()):
        raise _too_large()
    return flows, float(cumulative[-1])


def _periods(periods: Any) -> int:
    """The number of periods as an int in 1..1000, else a Chinese error."""
    try:
        n_float = float(periods)
    except (TypeError, ValueError):
        raise CRMDataError(f"期数必须是正整数，收到的是 {periods!r}。") from None
    if not math.isfinite(n_float) or n_float != int(n_float) or not 1 <= n_float <= 1000:
        raise CRMDataError(f"期数必须是 1 到 1000 之间的整数（收到 {periods!r}）。")
    return int(n_float)


def _margins(margin: Any, n: int) -> np.ndarray:
    """One finite margin per period: a number repeated ``n`` times, or exactly ``n`` numbers."""
    if np.ndim(margin) == 0:
        return np.full(n, _finite_number(margin, "每期利润"))
    m = np.asarray([_finite_number(v, "每期利润") for v in np.ravel(margin)], dtype=float)
    if len(m) != n:
        raise CRMDataError(f"每期利润给了 {len(m)} 个数，但期数是 {n}。请为每一期各给一个利润，或只给一个数。")
    return m


def _clv_table(m, survival, factor, t, acq) -> pd.DataFrame:
    table = pd.DataFrame(
        {
            "margin": m,
            "survival": survival,
            "expected_margin": m * survival,
            "discount_factor": factor,
        },
        index=pd.Index(t, name="period"),
    )
    table["discounted_margin"] = table["expected_margin"] * factor
    table["cumulative_clv"] = table["discounted_margin"].cumsum() - acq
    return table


def clv_value(
    margin: float | Sequence[float],
    retention: float,
    discount: float,
    periods: int = 10,
    *,
    acquisition_cost: float = 0.0,
) -> float:
    """The CLV of :func:`discounted_clv` (its last ``cumulative_clv``) as a number."""
    return discounted_margins(margin, retention, discount, periods, acquisition_cost=acquisition_cost)[1]


__all__ = ["clv_metrics", "clv_value", "discounted_clv", "discounted_margins", "indicator_clv"]
