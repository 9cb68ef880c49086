"""What a customer is worth: delivered value and customer lifetime value (CLV).

Three ways to put a number on a customer, as in lesson 1 (识别客户):

* :func:`delivered_value` -- customer delivered value (客户让渡价值) of competing
  offers: total customer value minus total customer cost.
* :func:`indicator_clv` -- the weighted indicator method (指标综合评价法) of the
  syllabus: current value (gross profit, volume, service cost) and potential
  value (satisfaction, loyalty, trust), normalised and weighted.
  :func:`clv_metrics` builds the six indicators from the course data.
* :func:`discounted_clv` -- the textbook formula
  ``CLV = sum_t margin * retention**t / (1 + discount)**t``.
* :class:`BGNBD` and :class:`GammaGamma` -- probabilistic models fitted by maximum
  likelihood (Fader, Hardie & Lee 2005; Fader & Hardie 2013) that predict future
  purchases, the probability a customer is still "alive" and the spend per
  purchase; :func:`predict_clv` combines them into a per-customer CLV and
  :func:`at_risk` lists valuable customers who are probably leaving (高危客户预警).

scipy is imported inside the functions that need it, so ``import crmlab.value``
stays light.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from crmlab._checks import finite_number as _finite_number
from crmlab._checks import parse_dates as _datetimes
from crmlab._checks import to_timestamp as _timestamp
from crmlab._errors import CRMDataError

# ---------------------------------------------------------------------------
# Names and labels
# ---------------------------------------------------------------------------

VALUE_PARTS = ["product_value", "service_value", "personnel_value", "image_value"]
COST_PARTS = ["money_cost", "time_cost", "energy_cost", "physical_cost"]

CURRENT_INDICATORS = ["gross_profit", "volume", "service_cost"]
POTENTIAL_INDICATORS = ["satisfaction", "loyalty", "trust"]
INDICATORS = CURRENT_INDICATORS + POTENTIAL_INDICATORS
#: Indicators where *more* is *worse* for the company (normalised reversed).
NEGATIVE_INDICATORS = ["service_cost"]

#: Default weights of the indicator method: 0.6 for current value, 0.4 for
#: potential value; they sum to 1.
DEFAULT_WEIGHTS: dict[str, float] = {
    "gross_profit": 0.30,
    "volume": 0.15,
    "service_cost": 0.15,
    "satisfaction": 0.15,
    "loyalty": 0.15,
    "trust": 0.10,
}

LABELS: dict[str, str] = {
    # delivered value
    "product_value": "产品价值",
    "service_value": "服务价值",
    "personnel_value": "人员价值",
    "image_value": "形象价值",
    "money_cost": "货币成本",
    "time_cost": "时间成本",
    "energy_cost": "精力成本",
    "physical_cost": "体力成本",
    "total_value": "客户总价值",
    "total_cost": "客户总成本",
    "delivered_value": "客户让渡价值",
    "value_cost_ratio": "价值成本比",
    "best": "理性客户的选择",
    # indicator method
    "gross_profit": "毛利润",
    "volume": "购买量",
    "service_cost": "服务成本",
    "satisfaction": "满意度",
    "loyalty": "忠诚度",
    "trust": "信任度",
    "current_value": "当前价值",
    "potential_value": "潜在价值",
    "clv_score": "终身价值得分",
    "rank": "排名",
    # discounted CLV
    "period": "期数",
    "survival": "留存概率",
    "margin": "每期利润",
    "expected_margin": "期望利润",
    "discount_factor": "折现系数",
    "discounted_margin": "折现后利润",
    "cumulative_clv": "累计终身价值",
    # predictive CLV
    "frequency": "重复购买次数",
    "recency": "最近购买时点(周)",
    "T": "观察时长(周)",
    "monetary_value": "平均每次金额",
    "historical_value": "历史重复消费额",
    "prob_alive": "仍活跃概率",
    "expected_purchases": "预计购买次数",
    "expected_avg_value": "预计每次金额",
    "clv": "预测终身价值",
    # order columns named in error messages
    "amount": "金额（元）",
    "quantity": "件数",
}

#: Weeks per month used to turn months into the weeks of the BG/NBD time unit.
WEEKS_PER_MONTH = 365.25 / 7 / 12


# ---------------------------------------------------------------------------
# Small validation helpers
# ---------------------------------------------------------------------------


def _require_frame(df: Any, what: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise CRMDataError(f"{what}需要一个表格（pandas DataFrame），收到的是 {type(df).__name__}。")
    if df.empty:
        raise CRMDataError(f"{what}是空表，没有可以计算的行。请先准备至少一行数据。")
    return df


def _require_columns(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        names = "、".join(f"{c}（{LABELS.get(c, c)}）" for c in missing)
        raise CRMDataError(f"{what}缺少列：{names}。请补上这些列，或检查列名是否拼写正确。")


def _numeric_columns(df: pd.DataFrame, columns: Sequence[str], what: str) -> pd.DataFrame:
    out = pd.DataFrame(index=df.index)
    for col in columns:
        values = pd.to_numeric(df[col], errors="coerce")
        bad = values.isna() & df[col].notna()
        if bad.any():
            rows = ", ".join(map(str, list(df.index[bad])[:5]))
            raise CRMDataError(
                f"{what}的列 {col}（{LABELS.get(col, col)}）含有不是数字的值（行：{rows}，例如 {df[col][bad].iloc[0]!r}）。"
                "请改成数字，去掉“¥”“元”和千位分隔的逗号，例如把 \"¥1,200\" 改成 1200。"
            )
        out[col] = values.astype(float)
    return out


# ---------------------------------------------------------------------------
# 1. Customer delivered value
# ---------------------------------------------------------------------------


def delivered_value(offers: pd.DataFrame) -> pd.DataFrame:
    """Customer delivered value of competing offers.

    Parameters
    ----------
    offers:
        One row per competing offer (the index is the offer name), with the four
        value parts :data:`VALUE_PARTS` and the four cost parts :data:`COST_PARTS`
        as non-negative numbers in one common unit (e.g. yuan or points).

    Returns
    -------
    DataFrame
        The eight parts plus ``total_value``, ``total_cost``, ``delivered_value``
        (= total value - total cost), ``value_cost_ratio`` (total value / total
        cost, ``inf`` when the cost is 0) and ``best``: True for the offer a
        rational customer picks, the one with the largest delivered value (all
        tied offers are True).
    """
    what = "竞争方案表"
    offers = _require_frame(offers, what)
    _require_columns(offers, VALUE_PARTS + COST_PARTS, what)
    out = _numeric_columns(offers, VALUE_PARTS + COST_PARTS, what)
    parts = out[VALUE_PARTS + COST_PARTS]
    if parts.isna().any().any():
        col = parts.columns[parts.isna().any()][0]
        rows = ", ".join(map(str, list(parts.index[parts[col].isna()])[:5]))
        raise CRMDataError(f"{what}的列 {col}（{LABELS[col]}）有空值（方案：{rows}）。请为每一项填上数字，没有就填 0。")
    if not np.isfinite(parts.to_numpy()).all():
        raise CRMDataError(f"{what}含有无穷大的数值。请填写有限的数字。")
    negative = parts < 0
    if negative.any().any():
        col = parts.columns[negative.any()][0]
        rows = ", ".join(map(str, list(parts.index[negative[col]])[:5]))
        raise CRMDataError(
            f"{what}的列 {col}（{LABELS[col]}）出现负数（方案：{rows}）。"
            "价值和成本都按大小填写，不能为负：成本已经会在计算时被减去。"
        )
    with np.errstate(over="ignore", invalid="ignore"):
        out["total_value"] = out[VALUE_PARTS].sum(axis=1)
        out["total_cost"] = out[COST_PARTS].sum(axis=1)
        out["delivered_value"] = out["total_value"] - out["total_cost"]
    if not np.isfinite(out[["total_value", "total_cost", "delivered_value"]].to_numpy()).all():
        raise CRMDataError(f"{what}的数值太大，相加后超出了计算范围。请填写合理大小的数字。")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = out["total_value"] / out["total_cost"]
    # 0 / 0 -> nothing offered, nothing paid: ratio undefined (NaN); x / 0 -> inf.
    out["value_cost_ratio"] = ratio
    best = out["delivered_value"].max()
    out["best"] = np.isclose(out["delivered_value"], best, rtol=0, atol=1e-9)
    out.index.name = offers.index.name
    return out


# ---------------------------------------------------------------------------
# 2. Indicator method (指标综合评价法)
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
    what = "客户指标表"
    metrics = _require_frame(metrics, what)
    if "customer_id" in metrics.columns and "customer_id" not in INDICATORS:
        metrics = metrics.set_index("customer_id")
    _require_columns(metrics, INDICATORS, what)
    w = _check_weights(weights)
    values = _numeric_columns(metrics, INDICATORS, what)
    if values.isna().any().any():
        col = values.columns[values.isna().any()][0]
        rows = ", ".join(map(str, list(values.index[values[col].isna()])[:5]))
        raise CRMDataError(
            f"{what}的列 {col}（{LABELS[col]}）有空值（客户：{rows}）。请先补齐（例如用中位数填充），或去掉这些客户。"
        )
    if not np.isfinite(values.to_numpy()).all():
        raise CRMDataError(f"{what}含有无穷大的数值，请检查数据。")
    out = pd.DataFrame(index=metrics.index)
    for col in INDICATORS:
        out[col] = values[col]
    for col in INDICATORS:
        out[f"{col}_norm"] = _normalise(values[col], negative=col in NEGATIVE_INDICATORS, method=method)

    def group_score(cols: list[str]) -> pd.Series:
        total = sum(w[c] for c in cols)
        if total <= 0:
            return pd.Series(np.nan, index=out.index)
        return 100.0 * sum(w[c] * out[f"{c}_norm"] for c in cols) / total

    out["current_value"] = group_score(CURRENT_INDICATORS)
    out["potential_value"] = group_score(POTENTIAL_INDICATORS)
    out["clv_score"] = group_score(INDICATORS)
    total_w = sum(w.values())
    share_current = sum(w[c] for c in CURRENT_INDICATORS) / total_w
    out["current_contribution"] = 0.0 if share_current == 0 else share_current * out["current_value"]
    out["potential_contribution"] = 0.0 if share_current == 1 else (1 - share_current) * out["potential_value"]
    out["rank"] = out["clv_score"].round(9).rank(method="min", ascending=False).astype(int)
    out = out.sort_values(["rank"], kind="stable")
    out.index.name = metrics.index.name
    return out


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
    orders = _require_frame(orders, "订单表")
    need = ["customer_id", "gross_profit"]
    if volume in ("quantity", "amount"):
        need.append(volume)
    elif volume != "orders":
        raise CRMDataError(f"购买量的口径 {volume!r} 不认识。请用 'quantity'（件数）、'amount'（金额）或 'orders'（订单数）。")
    _require_columns(orders, need, "订单表")
    o = orders.copy()
    o["customer_id"] = o["customer_id"].astype(str)
    numeric = ["gross_profit"] + ([volume] if volume != "orders" else [])
    o[numeric] = _numeric_columns(o, numeric, "订单表")
    start_ts = _timestamp(start, "开始日期 start") if start is not None else None
    end_ts = _timestamp(end, "结束日期 end") if end is not None else None
    if (start_ts is not None or end_ts is not None):
        _require_columns(o, ["order_date"], "订单表")
        dates = _datetimes(o["order_date"], "订单表的 order_date 列")
        keep = pd.Series(True, index=o.index)
        if start_ts is not None:
            keep &= dates >= start_ts
        if end_ts is not None:
            keep &= dates <= end_ts
        o = o[keep]
    if o.empty:
        raise CRMDataError("所选时间范围内没有订单，无法计算客户指标。请放宽开始/结束日期。")
    grouped = o.groupby("customer_id", sort=True)
    out = pd.DataFrame({"gross_profit": grouped["gross_profit"].sum().astype(float)})
    if volume == "orders":
        out["volume"] = grouped.size().astype(float)
    else:
        out["volume"] = grouped[volume].sum().astype(float)

    out["service_cost"] = 0.0
    if interactions is not None and len(interactions):
        _require_columns(interactions, ["customer_id", "service_cost"], "客户互动表")
        it = interactions.copy()
        it["customer_id"] = it["customer_id"].astype(str)
        if "date" in it.columns and (start_ts is not None or end_ts is not None):
            d = _datetimes(it["date"], "客户互动表的 date 列")
            keep = pd.Series(True, index=it.index)
            if start_ts is not None:
                keep &= d >= start_ts
            if end_ts is not None:
                keep &= d <= end_ts
            it = it[keep]
        cost = _numeric_columns(it, ["service_cost"], "客户互动表")["service_cost"].fillna(0.0)
        cost = cost.groupby(it["customer_id"]).sum()
        out["service_cost"] = cost.reindex(out.index).fillna(0.0).astype(float)

    for col in POTENTIAL_INDICATORS:
        out[col] = np.nan
    if survey is not None and len(survey):
        _require_columns(survey, ["customer_id"] + POTENTIAL_INDICATORS, "满意度调查表")
        s = survey.copy()
        s["customer_id"] = s["customer_id"].astype(str)
        if "survey_date" in s.columns:
            s = s.sort_values("survey_date", kind="stable")
        s = s.groupby("customer_id").last()
        for col in POTENTIAL_INDICATORS:
            out[col] = pd.to_numeric(s[col], errors="coerce").reindex(out.index).astype(float)
    for col in POTENTIAL_INDICATORS:
        answered = out[col].dropna()  # median of an all-NaN column warns on pandas 2.0
        median = answered.median() if len(answered) else np.nan
        # nobody answered: use the middle of the 1-5 scale
        out[col] = out[col].fillna(3.0 if pd.isna(median) else median)
    out.index.name = "customer_id"
    return out[INDICATORS]


# ---------------------------------------------------------------------------
# 3. Discounted CLV formula
# ---------------------------------------------------------------------------


def _rate(value: Any, name: str, *, upper: float | None, example: str = "0.1") -> float:
    number = _finite_number(value, name)
    if number < 0:
        raise CRMDataError(f"{name}不能为负数（收到 {number:g}）。请填写 0 到 1 之间的小数，例如 {example}。")
    if upper is not None and number > upper:
        hint = f"，例如 {number:g}% 应填 {number / 100:g}" if number <= 100 else ""
        raise CRMDataError(f"{name}应是 0 到 {upper:g} 之间的小数（收到 {number:g}）。如果填的是百分数，请除以 100{hint}。")
    return number


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
        discounted margins minus the acquisition cost).
    """
    r = _rate(retention, "留存率", upper=1.0, example="0.8")
    d = _rate(discount, "折现率", upper=1.0)
    try:
        n_float = float(periods)
    except (TypeError, ValueError):
        raise CRMDataError(f"期数必须是正整数，收到的是 {periods!r}。") from None
    if not math.isfinite(n_float) or n_float != int(n_float) or not 1 <= n_float <= 1000:
        raise CRMDataError(f"期数必须是 1 到 1000 之间的整数（收到 {periods!r}）。")
    n = int(n_float)
    acq = _finite_number(acquisition_cost, "获客成本")
    if acq < 0:
        raise CRMDataError(f"获客成本不能为负数（收到 {acq:g}）。")
    if np.ndim(margin) == 0:
        m = np.full(n, _finite_number(margin, "每期利润"))
    else:
        m = np.asarray([_finite_number(v, "每期利润") for v in np.ravel(margin)], dtype=float)
        if len(m) != n:
            raise CRMDataError(f"每期利润给了 {len(m)} 个数，但期数是 {n}。请为每一期各给一个利润，或只给一个数。")
    t = np.arange(1, n + 1)
    survival = r**t
    factor = 1.0 / (1.0 + d) ** t
    with np.errstate(over="ignore", invalid="ignore"):
        table = _clv_table(m, survival, factor, t, acq)
    if not np.isfinite(table.to_numpy()).all():
        raise CRMDataError("每期利润或获客成本太大，计算结果超出了范围。请填写合理大小的金额。")
    return table


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
    table = discounted_clv(margin, retention, discount, periods, acquisition_cost=acquisition_cost)
    return float(table["cumulative_clv"].iloc[-1])


# ---------------------------------------------------------------------------
# 4. BG/NBD and Gamma-Gamma (probabilistic CLV)
# ---------------------------------------------------------------------------


def _rfm_arrays(frequency, recency, T, *, need_fit_data: bool = True):
    try:
        x = np.asarray(frequency, dtype=float)
        tx = np.asarray(recency, dtype=float)
        TT = np.asarray(T, dtype=float)
    except (TypeError, ValueError):
        raise CRMDataError("frequency（重复购买次数）、recency（最近购买时点）和 T（观察时长）必须都是数字。") from None
    try:
        x, tx, TT = np.broadcast_arrays(x, tx, TT)
    except ValueError:
        raise CRMDataError(
            f"frequency、recency、T 的长度不一致（{np.size(x)}、{np.size(tx)}、{np.size(TT)}）。三列应来自同一张客户汇总表。"
        ) from None
    if need_fit_data and x.size == 0:
        raise CRMDataError("客户汇总表是空的，无法拟合模型。")
    if not (np.isfinite(x).all() and np.isfinite(tx).all() and np.isfinite(TT).all()):
        raise CRMDataError("frequency、recency、T 中有空值或无穷大。请先删除或补齐这些客户。")
    if (x < 0).any() or (tx < 0).any() or (TT < 0).any():
        raise CRMDataError("frequency、recency、T 不能为负数。请检查客户汇总表。")
    if (np.abs(x - np.round(x)) > 1e-9).any():
        raise CRMDataError("frequency（重复购买次数）必须是整数。")
    if (tx > TT + 1e-9).any():
        n_bad = int((tx > TT + 1e-9).sum())
        raise CRMDataError(
            f"有 {n_bad} 位客户的 recency（最近一次购买时点）大于 T（观察时长），这不可能。"
            "recency 是首次到最后一次购买的间隔，T 是首次购买到观察日的间隔，请检查计算。"
        )
    return np.round(x), tx, TT


_THREADPOOL_CONTROLLER: Any = None


def _single_threaded_blas():
    """Context manager limiting BLAS to one thread during the tiny optimisations.

    L-BFGS-B calls BLAS on 4x4 problems; with OpenBLAS threads on a busy machine
    the thread hand-offs cost 10x the actual work. threadpoolctl (a scikit-learn
    dependency) is used when present; otherwise nothing is limited.
    """
    global _THREADPOOL_CONTROLLER
    import contextlib

    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
        return contextlib.nullcontext()
    if _THREADPOOL_CONTROLLER is None:
        import scipy.optimize  # noqa: F401  (load the BLAS libraries before inspecting them)

        _THREADPOOL_CONTROLLER = ThreadpoolController()
    return _THREADPOOL_CONTROLLER.limit(limits=1, user_api="blas")


def _minimize_log_params(objective, start, tol: float, max_iter: int):
    """L-BFGS-B on log-parameters (bounded to exp(+-15)), single-threaded BLAS, numpy warnings off."""
    from scipy.optimize import minimize

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"), _single_threaded_blas():
        return minimize(
            objective,
            start,
            jac=True,
            method="L-BFGS-B",
            bounds=[(-15.0, 15.0)] * len(start),
            options={"ftol": tol * 1e-3, "gtol": tol, "maxiter": max_iter},
        )


def _bgnbd_loglik_terms(log_params: np.ndarray, x, tx, T, x_pos, xm1, with_grad: bool):
    """Per-customer BG/NBD log-likelihood (Fader, Hardie & Lee 2005) and its gradient w.r.t. the log params."""
    from scipy.special import digamma, gammaln

    r, alpha, a, b = np.exp(log_params)
    log_alpha = np.log(alpha)
    log_aT = np.log(alpha + T)
    log_atx = np.log(alpha + tx)
    rx = r + x
    A1 = gammaln(rx) - gammaln(r) + r * log_alpha
    A2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    A3 = -rx * log_aT
    # second term exists only for x > 0; b + x - 1 uses max(x, 1) so x = 0 never takes log(b - 1)
    A4 = np.log(a) - np.log(b + xm1) - rx * log_atx
    A4 = np.where(x_pos, A4, -np.inf)
    m = np.maximum(A3, A4)
    e3 = np.exp(A3 - m)
    e4 = np.exp(A4 - m)
    s = e3 + e4
    ll = A1 + A2 + m + np.log(s)
    if not with_grad:
        return ll, None
    w3 = e3 / s
    w4 = e4 / s
    d_r = digamma(rx) - digamma(r) + log_alpha - w3 * log_aT - w4 * log_atx
    d_alpha = r / alpha - rx * (w3 / (alpha + T) + w4 / (alpha + tx))
    dab = digamma(a + b) - digamma(a + b + x)
    d_a = dab + w4 / a
    d_b = dab + digamma(b + x) - digamma(b) - w4 / (b + xm1)
    grad = np.stack([d_r * r, d_alpha * alpha, d_a * a, d_b * b])
    return ll, grad


class BGNBD:
    """Beta-geometric / negative binomial distribution (BG/NBD) purchase model.

    Fader, Hardie & Lee (2005), "Counting your customers the easy way".
    While alive, a customer buys as a Poisson process with rate lambda ~
    Gamma(r, alpha); after every purchase they drop out with probability
    p ~ Beta(a, b). Time is measured in whatever unit ``recency`` and ``T`` use
    (weeks for the CDNOW summary).

    The parameters are estimated by maximum likelihood: the log-likelihood is
    vectorised over customers (``gammaln``, log-sum-exp for the two-term
    likelihood, safe for frequency 0) and maximised over the logs of the four
    parameters with L-BFGS-B using the analytic gradient.

    Fitted attributes: ``params_`` (dict ``r, alpha, a, b``), ``log_likelihood_``
    (total log-likelihood at the optimum), ``n_`` (customers), ``n_iter_``,
    ``converged_``.
    """

    def __init__(self, *, tol: float = 1e-10, max_iter: int = 500, initial_params: Mapping[str, float] | None = None):
        self.tol = tol
        self.max_iter = max_iter
        self.initial_params = initial_params

    # -- fitting -------------------------------------------------------------
    def fit(self, frequency, recency, T) -> BGNBD:
        """Fit by maximum likelihood; ``frequency`` = repeat purchases, ``recency`` = time of
        the last purchase after the first, ``T`` = time from the first purchase to the end
        of the observation period. Returns ``self``."""

        x, tx, TT = _rfm_arrays(frequency, recency, T)
        x, tx, TT = x.ravel(), tx.ravel(), TT.ravel()
        n = x.size
        if n < 2 or not (x > 0).any():
            raise CRMDataError("拟合 BG/NBD 模型至少需要几位有重复购买的客户，目前的数据太少。")
        x_pos = x > 0
        xm1 = np.maximum(x, 1.0) - 1.0

        def objective(theta):
            ll, grad = _bgnbd_loglik_terms(theta, x, tx, TT, x_pos, xm1, True)
            return -ll.sum() / n, -grad.sum(axis=1) / n

        if self.initial_params is not None:
            start = np.log([float(self.initial_params[k]) for k in ("r", "alpha", "a", "b")])
        else:
            # method-of-moments-ish start: purchase rate r/alpha ~ mean(x)/mean(T)
            rate = max((x.sum() + 0.5) / max(TT.sum(), 1e-9), 1e-6)
            start = np.log([1.0, 1.0 / rate, 1.0, 1.0])
        res = _minimize_log_params(objective, start, self.tol, self.max_iter)
        if not np.all(np.isfinite(res.x)) or not np.isfinite(res.fun):
            raise CRMDataError("BG/NBD 模型没有收敛，数据可能太少或太特殊。请检查客户汇总表。")
        r, alpha, a, b = np.exp(res.x)
        self.params_ = {"r": float(r), "alpha": float(alpha), "a": float(a), "b": float(b)}
        self.log_likelihood_ = float(-res.fun * n)
        self.n_ = int(n)
        self.n_iter_ = int(res.nit)
        self.n_fev_ = int(res.nfev)
        self.converged_ = bool(res.success)
        return self

    def _params(self):
        if not hasattr(self, "params_"):
            raise CRMDataError("BG/NBD 模型还没有拟合。请先调用 fit(frequency, recency, T)。")
        p = self.params_
        return p["r"], p["alpha"], p["a"], p["b"]

    def log_likelihood(self, frequency, recency, T) -> np.ndarray:
        """Per-customer log-likelihood at the fitted parameters."""
        x, tx, TT = _rfm_arrays(frequency, recency, T)
        theta = np.log(self._params())
        ll, _ = _bgnbd_loglik_terms(theta, x, tx, TT, x > 0, np.maximum(x, 1.0) - 1.0, False)
        return ll

    # -- predictions -----------------------------------------------------------
    @staticmethod
    def _wrap(values, like):
        if isinstance(like, pd.Series):
            return pd.Series(values, index=like.index)
        if np.ndim(values) == 0:
            return float(values)
        return values

    def prob_alive(self, frequency, recency, T):
        """P(customer still alive | frequency, recency, T) (Fader, Hardie & Lee 2005).

        Equals 1 for customers without repeat purchases (x = 0): in the BG/NBD
        a customer can only drop out right after a purchase.
        """
        r, alpha, a, b = self._params()
        x, tx, TT = _rfm_arrays(frequency, recency, T, need_fit_data=False)
        from scipy.special import expit

        with np.errstate(divide="ignore", invalid="ignore"):
            log_odds = np.log(a) - np.log(b + np.maximum(x, 1.0) - 1.0) + (r + x) * (np.log(alpha + TT) - np.log(alpha + tx))
        p = np.where(x > 0, expit(-log_odds), 1.0)
        return self._wrap(p, frequency)

    def expected_purchases(self, t, frequency, recency, T):
        """E[purchases in (T, T + t] | frequency, recency, T] (Fader, Hardie & Lee 2005).

        Uses the Gaussian hypergeometric function ``scipy.special.hyp2f1``;
        undefined when ``a`` is exactly 1.
        """
        from scipy.special import hyp2f1

        r, alpha, a, b = self._params()
        x, tx, TT = _rfm_arrays(frequency, recency, T, need_fit_data=False)
        t = np.asarray(t, dtype=float)
        if not np.isfinite(t).all() or (t < 0).any():
            raise CRMDataError("预测时长 t 必须是不小于 0 的数字。")
        rx = r + x
        z = t / (alpha + TT + t)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            numer = (a + b + x - 1.0) / (a - 1.0) * (
                1.0 - ((alpha + TT) / (alpha + TT + t)) ** rx * hyp2f1(rx, b + x, a + b + x - 1.0, z)
            )
            odds = np.where(
                x > 0,
                np.exp(np.log(a) - np.log(b + np.maximum(x, 1.0) - 1.0) + rx * (np.log(alpha + TT) - np.log(alpha + tx))),
                0.0,
            )
            value = numer / (1.0 + odds)
        value = np.where(t == 0, 0.0, value)
        return self._wrap(value, frequency)

    def expected_purchases_new(self, t):
        """Unconditional E[X(t)]: expected purchases of a new customer in a period of length ``t``."""
        from scipy.special import hyp2f1

        r, alpha, a, b = self._params()
        t_arr = np.asarray(t, dtype=float)
        if not np.isfinite(t_arr).all() or (t_arr < 0).any():
            raise CRMDataError("时长 t 必须是不小于 0 的数字。")
        value = (a + b - 1.0) / (a - 1.0) * (1.0 - (alpha / (alpha + t_arr)) ** r * hyp2f1(r, b, a + b - 1.0, t_arr / (alpha + t_arr)))
        return self._wrap(value, t)


def _gg_loglik_terms(log_params, x, m, with_grad):
    from scipy.special import digamma, gammaln

    p, q, v = np.exp(log_params)
    px = p * x
    log_xmv = np.log(x * m + v)
    ll = gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v) + (px - 1.0) * np.log(m) + px * np.log(x) - (px + q) * log_xmv
    if not with_grad:
        return ll, None
    dpq = digamma(px + q)
    d_p = x * (dpq - digamma(px) + np.log(m) + np.log(x) - log_xmv)
    d_q = dpq - digamma(q) + np.log(v) - log_xmv
    d_v = q / v - (px + q) / (x * m + v)
    return ll, np.stack([d_p * p, d_q * q, d_v * v])


class GammaGamma:
    """Gamma-Gamma model of the average spend per transaction (Fader & Hardie 2013).

    A customer's transactions are Gamma(p, nu) with nu ~ Gamma(q, v) across
    customers; only customers with at least one repeat purchase
    (``frequency > 0``) and positive ``monetary_value`` (their mean repeat spend)
    enter the fit. The model assumes spend is independent of purchase frequency.

    Fitted attributes: ``params_`` (dict ``p, q, v``), ``log_likelihood_``, ``n_``.
    """

    def __init__(self, *, tol: float = 1e-10, max_iter: int = 500):
        self.tol = tol
        self.max_iter = max_iter

    def fit(self, frequency, monetary_value) -> GammaGamma:

        x, m = self._arrays(frequency, monetary_value)
        keep = x > 0
        x, m = x[keep], m[keep]
        if (m <= 0).any():
            raise CRMDataError("有重复购买的客户，其平均消费金额（monetary_value）必须大于 0。请检查数据，或去掉金额为 0 的客户。")
        n = x.size
        if n < 3:
            raise CRMDataError("拟合 Gamma-Gamma 模型至少需要几位有重复购买的客户，目前的数据太少。")

        def objective(theta):
            ll, grad = _gg_loglik_terms(theta, x, m, True)
            return -ll.sum() / n, -grad.sum(axis=1) / n

        # start: shape p ~ 1, q ~ 2, v so that the mean spend p*v/(q-1) matches the data
        start = np.log([1.0, 2.0, max(float(m.mean()), 1e-6)])
        res = _minimize_log_params(objective, start, self.tol, self.max_iter)
        if not np.all(np.isfinite(res.x)) or not np.isfinite(res.fun):
            raise CRMDataError("Gamma-Gamma 模型没有收敛。请检查消费金额数据。")
        p, q, v = np.exp(res.x)
        self.params_ = {"p": float(p), "q": float(q), "v": float(v)}
        self.log_likelihood_ = float(-res.fun * n)
        self.n_ = int(n)
        self.converged_ = bool(res.success)
        return self

    @staticmethod
    def _arrays(frequency, monetary_value):
        try:
            x = np.asarray(frequency, dtype=float).ravel()
            m = np.asarray(monetary_value, dtype=float).ravel()
        except (TypeError, ValueError):
            raise CRMDataError("frequency 和 monetary_value 必须都是数字。") from None
        if x.shape != m.shape:
            raise CRMDataError(f"frequency 和 monetary_value 的长度不一致（{x.size} 与 {m.size}）。")
        if not (np.isfinite(x).all() and np.isfinite(m).all()):
            raise CRMDataError("frequency 或 monetary_value 中有空值或无穷大，请先处理。")
        if (x < 0).any() or (m < 0).any():
            raise CRMDataError("frequency 和 monetary_value 不能为负数。")
        return x, m

    def conditional_expected_average_profit(self, frequency, monetary_value):
        """E[average spend per transaction | frequency, monetary_value].

        A weighted mean of the population mean ``p*v/(q-1)`` and the customer's
        own mean, the customer's weight growing with ``frequency``; for
        frequency 0 it is the population mean (requires q > 1).
        """
        if not hasattr(self, "params_"):
            raise CRMDataError("Gamma-Gamma 模型还没有拟合。请先调用 fit(frequency, monetary_value)。")
        p, q, v = self.params_["p"], self.params_["q"], self.params_["v"]
        x = np.asarray(frequency, dtype=float)
        m = np.asarray(monetary_value, dtype=float)
        if (np.asarray(x) < 0).any() or (np.asarray(m) < 0).any():
            raise CRMDataError("frequency 和 monetary_value 不能为负数。")
        m = np.where(x > 0, m, 0.0)
        value = p * (v + x * m) / (p * x + q - 1.0)
        return BGNBD._wrap(value, frequency)


def summary_from_orders(
    orders: pd.DataFrame,
    *,
    today: Any = "2026-01-01",
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    value_col: str = "amount",
    unit_days: float = 7.0,
) -> pd.DataFrame:
    """Build the frequency / recency / T / monetary_value summary from transactions.

    Purchases on the same day count once (their values are added). ``frequency``
    = number of purchase days - 1 (repeat purchases), ``recency`` = time from the
    first to the last purchase, ``T`` = time from the first purchase to
    ``today``, both in units of ``unit_days`` days (weeks by default),
    ``monetary_value`` = mean value of the repeat purchases (the first purchase
    is left out, as in Fader & Hardie; 0 when there is none). Orders after
    ``today`` are ignored.
    """
    what = "订单表"
    orders = _require_frame(orders, what)
    _require_columns(orders, [customer_col, date_col, value_col], what)
    today_ts = _timestamp(today, "观察日期 today")
    o = pd.DataFrame(
        {
            "customer_id": orders[customer_col].astype(str),
            "day": _datetimes(orders[date_col], f"{what}的 {date_col} 列").dt.normalize(),
            "value": _numeric_columns(orders, [value_col], what)[value_col].fillna(0.0),
        }
    )
    if (o["value"] < 0).any():
        rows = ", ".join(map(str, list(o.index[o["value"] < 0])[:5]))
        raise CRMDataError(f"{what}的列 {value_col} 有负数（行：{rows}）。退货请先从订单中去掉，金额只能是 0 或正数。")
    o = o[o["day"] <= today_ts]
    if o.empty:
        raise CRMDataError(f"在 {today_ts.date()} 之前没有订单，无法汇总。请检查日期。")
    daily = o.groupby(["customer_id", "day"], sort=True)["value"].sum().reset_index()
    g = daily.groupby("customer_id", sort=True)
    first = g["day"].min()
    last = g["day"].max()
    n_days = g.size()
    total = g["value"].sum()
    first_value = g["value"].first()
    unit = pd.Timedelta(days=unit_days)
    out = pd.DataFrame(
        {
            "frequency": (n_days - 1).astype(int),
            "recency": (last - first) / unit,
            "T": (today_ts - first) / unit,
        }
    )
    repeat = total - first_value
    out["monetary_value"] = np.where(out["frequency"] > 0, repeat / out["frequency"].clip(lower=1), 0.0)
    out.index.name = "customer_id"
    return out


def _summary_columns(summary: pd.DataFrame) -> pd.DataFrame:
    summary = _require_frame(summary, "客户汇总表")
    _require_columns(summary, ["frequency", "recency", "T", "monetary_value"], "客户汇总表")
    s = summary
    if "customer_id" in s.columns:
        s = s.set_index("customer_id")
    return s


def predict_clv(
    summary: pd.DataFrame,
    months: int = 12,
    discount_rate_annual: float = 0.10,
    margin: float = 1.0,
    bgnbd: BGNBD | None = None,
    gg: GammaGamma | None = None,
    *,
    weeks_per_month: float = WEEKS_PER_MONTH,
) -> pd.DataFrame:
    """Per-customer predicted CLV over the next ``months`` from BG/NBD + Gamma-Gamma.

    Method (the standard one, as in Fader, Hardie & Lee and the ``lifetimes``
    package): for each month m = 1..months the expected number of purchases in
    that month is ``E[X(T, T + m)] - E[X(T, T + m - 1)]`` from the BG/NBD (time
    in weeks, ``weeks_per_month`` weeks a month); it is multiplied by the
    Gamma-Gamma expected spend per purchase and by ``margin`` (profit share of
    the spend; 1.0 = revenue) and discounted by ``(1 + d)**m`` with the monthly
    rate ``d = (1 + discount_rate_annual)**(1/12) - 1``. The CLV is the sum.

    Parameters
    ----------
    summary:
        One row per customer with ``frequency``, ``recency``, ``T`` (weeks) and
        ``monetary_value``; index or column ``customer_id``.
    bgnbd, gg:
        Fitted models; fitted on ``summary`` when ``None``.

    Returns
    -------
    DataFrame
        Same order as ``summary``: the four input columns, ``historical_value``
        (frequency x monetary_value, repeat spend so far), ``prob_alive``,
        ``expected_purchases`` (next ``months``), ``expected_avg_value`` and
        ``clv``.
    """
    s = _summary_columns(summary)
    try:
        months_f = float(months)
    except (TypeError, ValueError):
        raise CRMDataError(f"预测月数必须是正整数，收到 {months!r}。") from None
    if not math.isfinite(months_f) or months_f != int(months_f) or not 1 <= months_f <= 600:
        raise CRMDataError(f"预测月数必须是 1 到 600 之间的整数（收到 {months!r}）。")
    months = int(months_f)
    d_year = _rate(discount_rate_annual, "年折现率", upper=1.0)
    margin = _finite_number(margin, "利润率")
    if not 0 <= margin <= 1:
        raise CRMDataError(f"利润率应是 0 到 1 之间的小数（收到 {margin:g}）；如果填的是百分数，请除以 100。")
    x = s["frequency"].to_numpy(dtype=float)
    tx = s["recency"].to_numpy(dtype=float)
    TT = s["T"].to_numpy(dtype=float)
    mv = s["monetary_value"].to_numpy(dtype=float)
    if bgnbd is None:
        bgnbd = BGNBD().fit(x, tx, TT)
    if gg is None:
        gg = GammaGamma().fit(x, mv)
    d_month = (1.0 + d_year) ** (1.0 / 12.0) - 1.0
    avg_value = np.asarray(gg.conditional_expected_average_profit(x, mv), dtype=float)
    clv = np.zeros_like(x)
    previous = np.zeros_like(x)
    for m in range(1, months + 1):
        cumulative = np.asarray(bgnbd.expected_purchases(m * weeks_per_month, x, tx, TT), dtype=float)
        clv += (cumulative - previous) * avg_value * margin / (1.0 + d_month) ** m
        previous = cumulative
    out = pd.DataFrame(
        {
            "frequency": x.astype(int),
            "recency": tx,
            "T": TT,
            "monetary_value": mv,
            "historical_value": x * mv,
            "prob_alive": np.asarray(bgnbd.prob_alive(x, tx, TT), dtype=float),
            "expected_purchases": previous,
            "expected_avg_value": avg_value,
            "clv": clv,
        },
        index=s.index,
    )
    return out


def at_risk(
    clv_frame: pd.DataFrame,
    value_quantile: float = 0.8,
    alive_below: float = 0.5,
    *,
    value_col: str = "historical_value",
) -> pd.DataFrame:
    """High-risk customer warning list (高危客户预警).

    Selects customers whose value (``value_col``, by default the repeat spend so
    far, ``historical_value`` from :func:`predict_clv`; ``"clv"`` also works) is
    at or above its ``value_quantile`` quantile among customers with a positive
    value, and whose ``prob_alive`` is below ``alive_below``: customers who were
    worth a lot and have probably stopped buying. Sorted by value (largest first),
    then by probability alive (lowest first); adds ``value_threshold``.
    """
    frame = _require_frame(clv_frame, "客户价值预测表")
    _require_columns(frame, [value_col, "prob_alive"], "客户价值预测表")
    q = _finite_number(value_quantile, "价值分位数")
    if not 0 <= q <= 1:
        raise CRMDataError(f"价值分位数应在 0 到 1 之间（收到 {q:g}），例如 0.8 表示价值排在前 20%。")
    alive = _finite_number(alive_below, "活跃概率阈值")
    if not 0 <= alive <= 1:
        raise CRMDataError(f"活跃概率阈值应在 0 到 1 之间（收到 {alive:g}）；如果填的是百分数，请除以 100。")
    value = pd.to_numeric(frame[value_col], errors="coerce")
    positive = value[value > 0]
    threshold = float(positive.quantile(q)) if len(positive) else math.inf
    mask = (value >= threshold) & (value > 0) & (pd.to_numeric(frame["prob_alive"], errors="coerce") < alive)
    out = frame[mask].copy()
    out["value_threshold"] = threshold
    out = out.sort_values([value_col, "prob_alive"], ascending=[False, True], kind="stable")
    return out


__all__ = [
    "BGNBD",
    "COST_PARTS",
    "CURRENT_INDICATORS",
    "DEFAULT_WEIGHTS",
    "INDICATORS",
    "LABELS",
    "NEGATIVE_INDICATORS",
    "POTENTIAL_INDICATORS",
    "VALUE_PARTS",
    "WEEKS_PER_MONTH",
    "GammaGamma",
    "at_risk",
    "clv_metrics",
    "clv_value",
    "delivered_value",
    "discounted_clv",
    "indicator_clv",
    "predict_clv",
    "summary_from_orders",
]
