"""The four analyses of customer information (客户信息分析).

* **Basic** (基本信息分析): sales by region (:func:`sales_by_region`) and the
  favourite category of each age band (:func:`favourite_by_age`, the syllabus's
  lipstick-colour-by-age example).
* **Statistical** (统计分析): each customer's share of total sales, sorted, with
  the cumulative (Pareto) curve (:func:`customer_shares`) and the share of the
  top 20 % (:func:`top_share`).
* **Trend** (趋势分析): monthly sales and a six-month forecast with an
  uncertainty band (:func:`forecast_sales`).
* **Association** (关联分析): this month against last month for purchases,
  complaints and returns, with a verdict per indicator and a weighted overall
  verdict in which purchases count most (:func:`month_over_month`).

Data mining (数据挖掘) adds **association rules** between categories for
cross-selling (:func:`find_rules`, :func:`recommend`, ...), which live in
:mod:`crmlab.basket` and are re-exported here.

Every function takes the course-data frames and returns a DataFrame.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from crmlab._checks import require_columns, require_frame
from crmlab._errors import CRMDataError
from crmlab.basket import basket_matrix, explain_rule, find_rules, recommend, rule_text, rules_table, styled_rules

AGE_BINS = (0, 25, 35, 45, 55, 200)
AGE_LABELS = ("25岁以下", "25-34岁", "35-44岁", "45-54岁", "55岁及以上")


def _need(df: pd.DataFrame, cols, what: str) -> None:
    require_columns(require_frame(df, what, allow_empty=True, hint=f"请使用课程数据中的 {what}。"), cols, what)


def _month(value) -> pd.Period:
    if isinstance(value, (int, float, np.number)):  # a bare number is never a month (pandas reads 0 as a year)
        raise CRMDataError(f"月份“{value}”无法识别，请写成 2025-12 这样的形式。")
    try:
        p = pd.Period(value, freq="M")
    except (ValueError, TypeError) as exc:
        raise CRMDataError(f"月份“{value}”无法识别，请写成 2025-12 这样的形式。") from exc
    if pd.isna(p):
        raise CRMDataError(f"月份“{value}”无法识别，请写成 2025-12 这样的形式。")
    return p


def _numbers(df: pd.DataFrame, col: str, what: str) -> None:
    """``col`` must be numeric without missing values (amounts like "¥1,200" are text)."""
    s = df[col]
    if not (pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)):
        sample = s.dropna().astype(str).head(1).tolist()
        raise CRMDataError(
            f"{what}的 {col} 列不是数字（例如“{sample[0] if sample else ''}”）。请先去掉“¥”、千分位逗号等符号，"
            f"再用 pd.to_numeric 转换成数字。"
        )
    bad = s.isna().to_numpy()
    if bad.any():
        rows = (np.flatnonzero(bad)[:5] + 1).tolist()
        raise CRMDataError(f"{what}的 {col} 列有 {int(bad.sum())} 个空值（第 {rows} 行……）。请补全或删除这些行。")


def _dates(df: pd.DataFrame, col: str, what: str) -> None:
    if not pd.api.types.is_datetime64_any_dtype(df[col]):
        raise CRMDataError(f"{what}的 {col} 列不是日期：请先用 pd.to_datetime 转换，或用 crmlab.datasets.load 读取。")
    if df[col].isna().all():
        raise CRMDataError(f"{what}的 {col} 列全是空的日期，无法按月份分析。")


def _fraction(value, what: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise CRMDataError(f"{what}“{value}”不是数字：请写成 0.2 这样的小数（不要写百分号）。") from None
    if not np.isfinite(v):
        raise CRMDataError(f"{what}不能是空值（NaN）。")
    return v


def _filter_region(orders: pd.DataFrame, customers: pd.DataFrame | None, region: str | None) -> pd.DataFrame:
    if region in (None, "", "全部"):
        return orders
    if customers is None:
        raise CRMDataError("按地区筛选需要 customers 表。")
    _need(customers, ["customer_id", "region"], "customers 表")
    if region not in set(customers["region"]):
        raise CRMDataError(f"没有地区“{region}”。可选：{'、'.join(sorted(customers['region'].dropna().unique()))}。")
    ids = customers.loc[customers["region"] == region, "customer_id"]
    return orders[orders["customer_id"].isin(ids)]


# --------------------------------------------------------------------------
# basic analysis
# --------------------------------------------------------------------------
def sales_by_region(orders: pd.DataFrame, customers: pd.DataFrame, month=None) -> pd.DataFrame:
    """Orders, quantity, sales and share per region (optionally for one month), largest first."""
    _need(orders, ["customer_id", "order_date", "quantity", "amount"], "orders 表")
    _need(customers, ["customer_id", "region"], "customers 表")
    if orders.empty:
        raise CRMDataError("orders 表是空的：没有订单，无法按地区汇总。")
    _numbers(orders, "amount", "orders 表")
    _numbers(orders, "quantity", "orders 表")
    _dates(orders, "order_date", "orders 表")
    o = orders
    if month not in (None, "", "全年", "全部"):
        m = _month(month)
        o = o[o["order_date"].dt.to_period("M") == m]
        if o.empty:
            raise CRMDataError(f"{m} 没有订单：请换一个月份（数据范围 2024-01 至 2025-12）。")
    o = o.merge(customers[["customer_id", "region"]], on="customer_id", how="left")
    t = o.groupby("region").agg(订单数=("amount", "size"), 购买数量=("quantity", "sum"), 销售额=("amount", "sum"))
    t["销售额占比"] = t["销售额"] / t["销售额"].sum()
    t.index.name = "地区"
    return t.sort_values("销售额", ascending=False)


def age_band(ages, bins=AGE_BINS, labels=AGE_LABELS) -> pd.Series:
    """Age -> age band label (NaN for missing ages, e.g. business customers)."""
    try:
        bins = [float(b) if not float(b).is_integer() else int(b) for b in bins]
    except (TypeError, ValueError):
        raise CRMDataError(f"年龄分段的界限“{bins}”应是一串数字，例如 (0, 25, 35, 45, 55, 200)。") from None
    if len(bins) < 2 or any(b2 <= b1 for b1, b2 in itertools.pairwise(bins)):
        raise CRMDataError("年龄分段的界限必须从小到大排列，例如 (0, 25, 35, 45, 55, 200)。")
    if labels is not None and len(labels) != len(bins) - 1:
        labels = None
    if labels is None:
        labels = [f"{a}-{b - 1}岁" for a, b in itertools.pairwise(bins)]
        if bins[0] <= 0:
            labels[0] = f"{bins[1]}岁以下"
        if bins[-1] >= 100:
            labels[-1] = f"{bins[-2]}岁及以上"
    try:
        values = pd.Series(ages, dtype=float)
    except (TypeError, ValueError):
        raise CRMDataError("年龄应是数字（例如 35），不能是文字。") from None
    return pd.cut(values, bins=bins, labels=list(labels), right=False)


def favourite_by_age(
    orders: pd.DataFrame,
    customers: pd.DataFrame,
    bins=AGE_BINS,
    labels=AGE_LABELS,
    value: str = "quantity",
) -> pd.DataFrame:
    """Cross table age band x category of quantity bought, with the favourite (最爱品类).

    Individual customers only (business customers have no age).  ``value`` is
    ``"quantity"`` (units, as in the lipstick example) or ``"amount"``.
    """
    if value not in ("quantity", "amount"):
        raise CRMDataError(f"统计口径只能是 \"quantity\"（购买件数）或 \"amount\"（购买金额），不是“{value}”。")
    _need(orders, ["customer_id", "category", value], "orders 表")
    _need(customers, ["customer_id", "age"], "customers 表")
    _numbers(orders, value, "orders 表")
    o = orders.merge(customers[["customer_id", "age"]], on="customer_id", how="inner")
    o = o[o["age"].notna()]
    if o.empty:
        raise CRMDataError("没有个人客户的订单，无法按年龄段分析。")
    bands = age_band(o["age"].to_numpy(), bins, labels)
    o = o.assign(年龄段=pd.Categorical(bands.to_numpy(), categories=bands.cat.categories, ordered=True))
    t = pd.crosstab(o["年龄段"], o["category"], values=o[value], aggfunc="sum", dropna=False).fillna(0)
    t = t.loc[t.sum(axis=1) > 0]
    t.index = pd.Index(t.index.astype(str), name="年龄段")
    t.columns.name = "品类"
    t["最爱品类"] = t.idxmax(axis=1)
    return t


# --------------------------------------------------------------------------
# statistical analysis
# --------------------------------------------------------------------------
def customer_shares(orders: pd.DataFrame) -> pd.DataFrame:
    """Each customer's sales and share of total, sorted descending, with Pareto columns.

    Columns: 销售额, 占比, 累计占比 (cumulative share of sales), 客户累计占比
    (cumulative share of customers).
    """
    _need(orders, ["customer_id", "amount"], "orders 表")
    _numbers(orders, "amount", "orders 表")
    s = orders.groupby("customer_id")["amount"].sum()
    s = s[s > 0].sort_values(ascending=False, kind="stable")
    if s.empty:
        raise CRMDataError("没有销售额大于 0 的客户，无法计算占比。")
    t = pd.DataFrame({"销售额": s})
    t["占比"] = t["销售额"] / t["销售额"].sum()
    t["累计占比"] = t["占比"].cumsum()
    t["客户累计占比"] = np.arange(1, len(t) + 1) / len(t)
    t.insert(0, "排名", np.arange(1, len(t) + 1))
    return t


def top_share(orders: pd.DataFrame, top: float = 0.2) -> float:
    """Share of total sales brought by the top ``top`` fraction of buying customers."""
    if not (0 < _fraction(top, "前百分之多少的客户") <= 1):
        raise CRMDataError("前百分之多少的客户应写成 0 到 1 之间的小数，例如 0.2 表示前 20%。")
    t = customer_shares(orders)
    k = max(1, round(top * len(t)))
    return float(t["占比"].iloc[:k].sum())


# --------------------------------------------------------------------------
# trend analysis
# --------------------------------------------------------------------------
def monthly_sales(orders: pd.DataFrame) -> pd.Series:
    """Sales per calendar month (missing months are 0)."""
    _need(orders, ["order_date", "amount"], "orders 表")
    if orders.empty:
        raise CRMDataError("没有订单，无法按月汇总。")
    _dates(orders, "order_date", "orders 表")
    _numbers(orders, "amount", "orders 表")
    m = orders.groupby(orders["order_date"].dt.to_period("M"))["amount"].sum()
    full = pd.period_range(m.index.min(), m.index.max(), freq="M")
    return m.reindex(full, fill_value=0.0).rename("销售额")


def _check_horizon_level(horizon, level) -> int:
    if isinstance(horizon, (float, np.floating)) and float(horizon).is_integer():
        horizon = int(horizon)
    if isinstance(horizon, (bool, np.bool_)) or not isinstance(horizon, (int, np.integer)) or not 1 <= horizon <= 24:
        raise CRMDataError("预测的月数应是 1 到 24 之间的整数。")
    if not 0.5 <= _fraction(level, "置信水平") < 1:
        raise CRMDataError("置信水平应在 0.5 到 1 之间，例如 0.9。")
    return int(horizon)


def _season_design(periods: pd.PeriodIndex, t: np.ndarray) -> np.ndarray:
    """Columns: intercept, time, 11 dummies for February..December (January = base)."""
    months = periods.month.to_numpy()
    dummies = (months[:, None] == np.arange(2, 13)[None, :]).astype(float)
    return np.column_stack([np.ones(len(t)), t, dummies])


def _ols(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, int]:
    """Coefficients, fitted values, residual standard deviation and degrees of freedom."""
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    fitted = X @ coef
    dof = len(y) - X.shape[1]
    sigma = float(np.sqrt(((y - fitted) ** 2).sum() / dof))
    return coef, fitted, sigma, dof


def forecast_sales(orders: pd.DataFrame, horizon: int = 6, level: float = 0.9) -> pd.DataFrame:
    """Monthly sales and a forecast of the next ``horizon`` months with an uncertainty band.

    Model (ordinary least squares with numpy): ``sales = a + b * t + s[month]``,
    a linear trend plus one effect per calendar month (12 seasonal dummies, January
    as the base).  The band is the OLS prediction interval at ``level``:
    ``forecast ± t_q * sigma * sqrt(1 + x (X'X)^-1 x')`` with ``sigma`` the residual
    standard deviation.  Needs at least 15 months of history (13 parameters + 2).

    Returns one row per month: ``月份``, ``类型`` (实际/预测), ``销售额`` (actual),
    ``拟合值``/``预测值``, ``下限``, ``上限``, and ``趋势``: the long-run trend
    without the seasonal swings (``a + b * t`` plus the average monthly effect),
    so ``拟合值 - 趋势`` is the seasonal effect of that calendar month (the twelve
    effects sum to 0).
    """
    from scipy import stats

    horizon = _check_horizon_level(horizon, level)
    y = monthly_sales(orders)
    n = len(y)
    if n < 15:
        raise CRMDataError(f"只有 {n} 个月的数据，至少需要 15 个月才能同时估计趋势和季节。")
    t_hist = np.arange(n, dtype=float)
    t_future = np.arange(n, n + horizon, dtype=float)
    X = _season_design(y.index, t_hist)
    coef, fitted, sigma, dof = _ols(X, y.to_numpy(dtype=float))
    future = pd.period_range(y.index[-1] + 1, periods=horizon, freq="M")
    Xf = _season_design(future, t_future)
    pred = Xf @ coef
    level0 = coef[0] + np.r_[0.0, coef[2:]].mean()  # intercept + average effect of Jan..Dec
    se = sigma * np.sqrt(1 + np.einsum("ij,jk,ik->i", Xf, np.linalg.pinv(X.T @ X), Xf))
    q = stats.t.ppf(0.5 + level / 2, dof)
    hist = pd.DataFrame(
        {"月份": y.index.astype(str), "类型": "实际", "销售额": y.to_numpy(), "拟合值": fitted,
         "趋势": level0 + coef[1] * t_hist}
    )
    fut = pd.DataFrame(
        {
            "月份": future.astype(str),
            "类型": "预测",
            "销售额": np.nan,
            "预测值": np.maximum(pred, 0),
            "下限": np.maximum(pred - q * se, 0),
            "上限": pred + q * se,
            "趋势": level0 + coef[1] * t_future,
        }
    )
    out = pd.concat([hist, fut], ignore_index=True)
    out.attrs.update({"trend_per_month": float(coef[1]), "sigma": sigma, "level": float(level)})
    return out[["月份", "类型", "销售额", "拟合值", "预测值", "下限", "上限", "趋势"]]


# --------------------------------------------------------------------------
# association analysis
# --------------------------------------------------------------------------
MOM_ROWS = ("购买数量", "投诉次数", "退货次数")
GOOD_DIRECTION = {"购买数量": 1, "投诉次数": -1, "退货次数": -1}
#: weight of each indicator in the overall verdict: purchases matter most.
#: With 3 : 1 : 1 a clear change in purchases outweighs complaints and returns
#: together (3 > 1 + 1); complaints and returns decide when purchases are flat.
MOM_WEIGHTS = {"购买数量": 3, "投诉次数": 1, "退货次数": 1}


def _check_weights(weights) -> dict:
    if weights is None:
        return dict(MOM_WEIGHTS)
    if not isinstance(weights, dict) or set(weights) != set(MOM_ROWS):
        raise CRMDataError(f"权重应是一个字典，包含 {'、'.join(MOM_ROWS)} 三项，例如 {MOM_WEIGHTS}。")
    out = {}
    for k in MOM_ROWS:
        try:
            w = float(weights[k])
        except (TypeError, ValueError):
            raise CRMDataError(f"“{k}”的权重“{weights[k]}”不是数字。") from None
        if not np.isfinite(w) or w < 0:
            raise CRMDataError(f"“{k}”的权重应是不小于 0 的数，现在是 {weights[k]}。")
        out[k] = w
    if sum(out.values()) == 0:
        raise CRMDataError("权重不能全为 0。")
    return out


def _check_tolerance(tolerance) -> float:
    try:
        tolerance = float(tolerance)
    except (TypeError, ValueError):
        raise CRMDataError(f"“持平”的容差“{tolerance}”不是数字，请写成 0.05 这样的小数。") from None
    if not 0 <= tolerance < 1:
        raise CRMDataError("“持平”的容差应是 0 到 1 之间的小数，例如 0.05。")
    return tolerance


def _check_mom_inputs(orders: pd.DataFrame, interactions: pd.DataFrame) -> None:
    _need(orders, ["customer_id", "order_date", "quantity"], "orders 表")
    _need(interactions, ["customer_id", "date", "type"], "interactions 表")


def _check_mom_data(orders: pd.DataFrame, interactions: pd.DataFrame) -> None:
    if orders.empty or interactions.empty:
        raise CRMDataError("订单表或互动记录表是空的，无法做环比分析。")
    _dates(orders, "order_date", "orders 表")
    _dates(interactions, "date", "interactions 表")
    _numbers(orders, "quantity", "orders 表")


def _check_mom_month(orders: pd.DataFrame, interactions: pd.DataFrame, m: pd.Period) -> None:
    first = min(orders["order_date"].min(), interactions["date"].min()).to_period("M")
    last = max(orders["order_date"].max(), interactions["date"].max()).to_period("M")
    if m - 1 < first or m > last:
        raise CRMDataError(f"月份 {m} 超出数据范围：请选择 {first + 1} 至 {last} 之间的月份。")


def _mom_counts(o: pd.DataFrame, i: pd.DataFrame, period: pd.Period) -> list[float]:
    """Units bought, complaints and returns in ``period``."""
    om = o["order_date"].dt.to_period("M")
    im = i["date"].dt.to_period("M")
    return [
        float(o.loc[om == period, "quantity"].sum()),
        float(((im == period) & (i["type"] == "投诉")).sum()),
        float(((im == period) & (i["type"] == "退货")).sum()),
    ]


def _mom_scores(t: pd.DataFrame, tolerance: float, w: dict) -> np.ndarray:
    """Add 变化, 变化率, 评价, 权重, 得分 to ``t``; return each row's direction (-1, 0, +1)."""
    t["变化"] = t["本月"] - t["上月"]
    with np.errstate(divide="ignore", invalid="ignore"):
        t["变化率"] = np.where(t["上月"] > 0, t["变化"] / t["上月"], np.nan)
    rel = t["变化率"].fillna(np.sign(t["变化"]))
    direction = np.where(rel.abs() <= tolerance, 0, np.sign(rel))
    good = direction * np.array([GOOD_DIRECTION[r] for r in MOM_ROWS])
    t["评价"] = np.select([good > 0, good < 0], ["好转", "变坏"], "持平")
    t["权重"] = [w[r] for r in MOM_ROWS]
    t["得分"] = good * t["权重"]
    return direction


def _mom_explanation(t: pd.DataFrame, direction: np.ndarray, total: float, verdict: str) -> str:
    def num(x):
        return f"{x:+g}"

    parts = []
    for r in MOM_ROWS:
        rate = t.loc[r, "变化率"]
        moved = "持平" if direction[MOM_ROWS.index(r)] == 0 else ("增加" if t.loc[r, "变化"] > 0 else "减少")
        how = f"{moved} {abs(rate):.1%}" if pd.notna(rate) and moved != "持平" else moved
        parts.append(f"{r}{how}（{t.loc[r, '评价']}，权重 {t.loc[r, '权重']:g}，得 {num(t.loc[r, '得分'])} 分）")
    return "；".join(parts) + f"。加权总分 {num(total)}，总体{verdict}。"


def month_over_month(
    orders: pd.DataFrame,
    interactions: pd.DataFrame,
    month="2025-12",
    customers: pd.DataFrame | None = None,
    region: str | None = None,
    tolerance: float = 0.05,
    weights: dict | None = None,
) -> pd.DataFrame:
    """This month vs last month: units bought, complaints, returns, and a verdict.

    Per indicator (column ``评价``): a change within ``tolerance`` (5 %) is 持平;
    otherwise 好转 when it moves the good way (purchases up, complaints or returns
    down) and 变坏 the bad way.

    Overall verdict (``df.attrs["verdict"]``, also the ``结论`` column): each
    indicator scores ``权重 x (+1 好转 / 0 持平 / -1 变坏)`` (column ``得分``) with
    the weights :data:`MOM_WEIGHTS` -- purchases 3, complaints 1, returns 1, so
    purchases matter most; a positive total is 变好, a negative one 变差, zero
    持平.  ``df.attrs["explanation"]`` spells the calculation out in Chinese.
    """
    _check_mom_inputs(orders, interactions)
    tolerance = _check_tolerance(tolerance)
    w = _check_weights(weights)
    _check_mom_data(orders, interactions)
    m = _month(month)
    prev = m - 1
    o = _filter_region(orders, customers, region)
    i = _filter_region(interactions, customers, region)
    _check_mom_month(orders, interactions, m)
    t = pd.DataFrame({"上月": _mom_counts(o, i, prev), "本月": _mom_counts(o, i, m)},
                     index=pd.Index(MOM_ROWS, name="指标"))
    direction = _mom_scores(t, tolerance, w)
    total = float(t["得分"].sum())
    verdict = "变好" if total > 0 else "变差" if total < 0 else "持平"
    t["结论"] = verdict
    t.attrs.update(
        {"verdict": verdict, "month": str(m), "previous": str(prev), "score": total,
         "weights": w, "explanation": _mom_explanation(t, direction, total, verdict)}
    )
    return t


__all__ = [
    "AGE_BINS",
    "AGE_LABELS",
    "MOM_WEIGHTS",
    "age_band",
    "basket_matrix",
    "customer_shares",
    "explain_rule",
    "favourite_by_age",
    "find_rules",
    "forecast_sales",
    "month_over_month",
    "monthly_sales",
    "recommend",
    "rule_text",
    "rules_table",
    "sales_by_region",
    "styled_rules",
    "top_share",
]
