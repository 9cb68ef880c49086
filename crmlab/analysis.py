"""The four analyses of customer information (客户信息分析).

* **Basic** (基本信息分析): sales by region (:func:`sales_by_region`) and the
  favourite category of each age band (:func:`favourite_by_age`, the syllabus's
  lipstick-colour-by-age example).
* **Statistical** (统计分析): each customer's share of total sales, sorted, with
  the cumulative (Pareto) curve (:func:`customer_shares`) and the share of the
  top 20 % (:func:`top_share`).
* **Trend** (趋势分析): monthly sales and a six-month forecast with a trend,
  calendar-month effects, the Spring Festival as a moving holiday
  (:mod:`crmlab.festival`) and a prediction band (:func:`forecast_sales`).
* **Association** (关联分析): this month against last month for units bought and
  the complaint and return rates per 1,000 units (counts beside them), with a
  verdict per indicator, an overall verdict and a note when the months are
  seasonally unusual (:func:`month_over_month`).

Data mining (数据挖掘) adds **association rules** between categories for
cross-selling (:func:`find_rules`, :func:`recommend`, ...), which live in
:mod:`crmlab.basket` and are re-exported here.

Every function takes the course-data frames and returns a DataFrame with English
``snake_case`` column names (the rule of :mod:`crmlab.labels`); values such as regions,
age bands, categories and the indicators 购买数量/投诉率/退货率 stay Chinese.
:func:`relabel` (a plain copy) and :func:`styled` (a formatted view) show the Chinese
headers learners read.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from crmlab import display, frames
from crmlab._checks import require_columns, require_frame
from crmlab._errors import CRMDataError
from crmlab.basket import basket_matrix, explain_rule, find_rules, recommend, rule_text, rules_table, styled_rules
from crmlab.labels import pick

AGE_BINS = (0, 25, 35, 45, 55, 200)
AGE_LABELS = ("25岁以下", "25-34岁", "35-44岁", "45-54岁", "55岁及以上")

#: the Chinese headers of the analyses' results (display only: the functions return the English names)
LABELS = pick((
    "region", "orders", "quantity", "sales", "sales_share", "age_band", "category", "favourite", "rank", "share",
    "cum_share", "cum_customer_share", "month", "kind", "fitted", "forecast", "lower", "upper", "festival_share",
    "festival_date", "pre_festival_days", "trend_line", "metric", "unit", "previous", "current", "previous_count", "current_count", "change",
    "change_rate", "rating", "weight", "score", "verdict",
), "analysis")
#: columns shown in yuan without decimals / as percentages by :func:`styled`
_MONEY = frozenset({"sales", "fitted", "forecast", "lower", "upper", "trend_line"})
_PERCENT = frozenset({"sales_share", "share", "cum_share", "cum_customer_share", "festival_share", "change_rate"})


def _header(name):
    return LABELS.get(name, name) if isinstance(name, str) else name


def relabel(result):
    """A copy of an analysis result with the Chinese headers (columns, index and column-axis names).

    Numbers and values (regions, age bands, categories, 实际/预测 ...) are unchanged; a Series
    (:func:`monthly_sales`) gets its Chinese name.  Headers that are not the analyses'
    own (``customer_id``, a category such as 服装) stay as they are.
    """
    return display.relabel(result, LABELS)


def styled(result: pd.DataFrame):
    """Display version of an analysis result (a pandas ``Styler``) with Chinese headers; numbers unchanged.

    Yuan amounts get thousands separators without decimals, shares are shown as percentages,
    other decimals with one place.
    """
    formats = display.number_formats(result, money=_MONEY, percent=_PERCENT, integers=None)
    formats = {_header(c): fmt for c, fmt in formats.items()}
    return display.style(relabel(result), formats, left_text=False, plain_when_not_unique=False)


def _need(df: pd.DataFrame, cols, what: str) -> None:
    require_columns(require_frame(df, what, allow_empty=True, hint=f"请使用课程数据中的 {what}。"), cols, what)


def _orders(orders: pd.DataFrame, cols) -> pd.DataFrame:
    """The orders through the data contract (:func:`crmlab.frames.orders`): ``cols`` present and filled."""
    return frames.orders(orders, require=cols, what="orders 表")


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
    orders = _orders(orders, ["customer_id", "order_date", "quantity", "amount"])
    _need(customers, ["customer_id", "region"], "customers 表")
    if orders.empty:
        raise CRMDataError("orders 表是空的：没有订单，无法按地区汇总。")
    o = orders
    if month not in (None, "", "全年", "全部"):
        m = _month(month)
        o = o[o["order_date"].dt.to_period("M") == m]
        if o.empty:
            raise CRMDataError(f"{m} 没有订单：请换一个月份（数据范围 2024-01 至 2025-12）。")
    o = o.merge(customers[["customer_id", "region"]], on="customer_id", how="left")
    t = o.groupby("region").agg(orders=("amount", "size"), quantity=("quantity", "sum"), sales=("amount", "sum"))
    t["sales_share"] = t["sales"] / t["sales"].sum()
    t.index.name = "region"
    return t.sort_values("sales", ascending=False)


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


def _check_measure(value) -> None:
    if value not in ("quantity", "amount"):
        raise CRMDataError(f"统计口径只能是 \"quantity\"（购买件数）或 \"amount\"（购买金额），不是“{value}”。")


def orders_with_age(orders: pd.DataFrame, customers: pd.DataFrame, value: str = "quantity") -> pd.DataFrame:
    """The orders of individual customers with the buyer's ``age``: what :func:`favourite_by_age` cuts into bands."""
    _check_measure(value)
    orders = _orders(orders, ["customer_id", "category", value])
    _need(customers, ["customer_id", "age"], "customers 表")
    o = orders.merge(customers[["customer_id", "age"]], on="customer_id", how="inner")
    o = o[o["age"].notna()]
    if o.empty:
        raise CRMDataError("没有个人客户的订单，无法按年龄段分析。")
    return o


def age_category_totals(orders: pd.DataFrame, customers: pd.DataFrame, value: str = "quantity") -> pd.DataFrame:
    """:func:`orders_with_age` added up per buyer's age and category (columns ``age``, ``category``, ``value``).

    A few hundred rows instead of one per order, and all that :func:`favourite_by_age` needs
    (pass it as ``aged=``): a widget cutting the same orders into other age bands only re-adds these.
    """
    o = orders_with_age(orders, customers, value)
    return o.groupby(["age", "category"], observed=True, as_index=False, sort=True)[value].sum()


def favourite_by_age(
    orders: pd.DataFrame,
    customers: pd.DataFrame,
    bins=AGE_BINS,
    labels=AGE_LABELS,
    value: str = "quantity",
    *,
    aged: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Cross table age band x category of quantity bought, with the favourite (``favourite``, 最爱品类).

    Individual customers only (business customers have no age).  ``value`` is
    ``"quantity"`` (units, as in the lipstick example) or ``"amount"``.  ``aged`` is
    :func:`orders_with_age` or :func:`age_category_totals` of the same tables and ``value``,
    computed before (a widget trying other age bands); the orders are then not read again.
    """
    _check_measure(value)
    o = orders_with_age(orders, customers, value) if aged is None else aged
    if value not in o.columns:
        raise CRMDataError(f"aged 表没有 {value} 列：请用 orders_with_age(orders, customers, \"{value}\") 重新计算。")
    bands = age_band(o["age"].to_numpy(), bins, labels)
    o = o.assign(age_band=pd.Categorical(bands.to_numpy(), categories=bands.cat.categories, ordered=True))
    t = pd.crosstab(o["age_band"], o["category"], values=o[value], aggfunc="sum", dropna=False).fillna(0)
    t = t.loc[t.sum(axis=1) > 0]
    t.index = pd.Index(t.index.astype(str), name="age_band")
    t.columns.name = "category"
    t["favourite"] = t.idxmax(axis=1)
    return t


# --------------------------------------------------------------------------
# statistical analysis
# --------------------------------------------------------------------------
def customer_shares(orders: pd.DataFrame) -> pd.DataFrame:
    """Each customer's sales and share of total, sorted descending, with Pareto columns.

    Columns: ``rank``, ``sales``, ``share``, ``cum_share`` (cumulative share of sales),
    ``cum_customer_share`` (cumulative share of customers).
    """
    orders = _orders(orders, ["customer_id", "amount"])
    s = orders.groupby("customer_id")["amount"].sum()
    s = s[s > 0].sort_values(ascending=False, kind="stable")
    if s.empty:
        raise CRMDataError("没有销售额大于 0 的客户，无法计算占比。")
    t = pd.DataFrame({"sales": s})
    t["share"] = t["sales"] / t["sales"].sum()
    t["cum_share"] = t["share"].cumsum()
    t["cum_customer_share"] = np.arange(1, len(t) + 1) / len(t)
    t.insert(0, "rank", np.arange(1, len(t) + 1))
    return t


def top_share(orders: pd.DataFrame, top: float = 0.2) -> float:
    """Share of total sales brought by the top ``top`` fraction of buying customers."""
    _check_top(top)
    return share_of_top(customer_shares(orders), top)


def _check_top(top) -> None:
    if not (0 < _fraction(top, "前百分之多少的客户") <= 1):
        raise CRMDataError("前百分之多少的客户应写成 0 到 1 之间的小数，例如 0.2 表示前 20%。")


def share_of_top(shares: pd.DataFrame, top: float = 0.2) -> float:
    """:func:`top_share` from a :func:`customer_shares` table computed before (a slider moving ``top``)."""
    _check_top(top)
    _need(shares, ["share"], "customer_shares(...) 的结果")
    k = max(1, round(top * len(shares)))
    return float(shares["share"].iloc[:k].sum())


# --------------------------------------------------------------------------
# trend analysis
# --------------------------------------------------------------------------
def monthly_sales(orders: pd.DataFrame) -> pd.Series:
    """Sales per calendar month (missing months are 0), a Series named ``sales``."""
    orders = _orders(orders, ["order_date", "amount"])
    if orders.empty:
        raise CRMDataError("没有订单，无法按月汇总。")
    # the data contract gives filled, tz-naive datetime64 dates: months since 1970-01 in numpy, about
    # 3x faster than converting every date to a period
    months = orders["order_date"].to_numpy().astype("datetime64[M]").astype(np.int64)
    m = orders["amount"].groupby(months).sum()
    lo, hi = int(m.index[0]), int(m.index[-1])
    m = m.reindex(range(lo, hi + 1), fill_value=0.0)
    m.index = pd.period_range(pd.Period(year=1970 + lo // 12, month=lo % 12 + 1, freq="M"), periods=len(m), freq="M")
    return m.rename("sales")


def _check_horizon_level(horizon, level) -> int:
    if isinstance(horizon, (float, np.floating)) and float(horizon).is_integer():
        horizon = int(horizon)
    if isinstance(horizon, (bool, np.bool_)) or not isinstance(horizon, (int, np.integer)) or not 1 <= horizon <= 24:
        raise CRMDataError("预测的月数应是 1 到 24 之间的整数。")
    if not 0.5 <= _fraction(level, "置信水平") < 1:
        raise CRMDataError("置信水平应在 0.5 到 1 之间，例如 0.9。")
    return int(horizon)


MIN_FORECAST_MONTHS = 16  # 14 parameters (level, trend, 11 month effects, festival) + 2


def _season_design(periods: pd.PeriodIndex, t: np.ndarray) -> np.ndarray:
    """Columns: intercept, time, 11 dummies for February..December (January = base), pre-festival share."""
    from crmlab.festival import festival_months

    months = periods.month.to_numpy()
    dummies = (months[:, None] == np.arange(2, 13)[None, :]).astype(float)
    share = festival_months(periods)["festival_share"].to_numpy(dtype=float)
    return np.column_stack([np.ones(len(t)), t, dummies, share])


def _check_forecast_range(y: pd.Series, horizon: int) -> None:
    from crmlab.festival import FIRST_YEAR, LAST_YEAR

    n = len(y)
    if n < MIN_FORECAST_MONTHS:
        raise CRMDataError(
            f"只有 {n} 个月的数据，至少需要 {MIN_FORECAST_MONTHS} 个月才能同时估计趋势、季节和春节。"
        )
    last = y.index[-1] + horizon
    if y.index[0].year < FIRST_YEAR or last.year > LAST_YEAR:
        raise CRMDataError(f"春节日期只收录了 {FIRST_YEAR}-{LAST_YEAR} 年：数据和预测的月份都要在这个范围内。")


def forecast_sales(orders: pd.DataFrame, horizon: int = 6, level: float = 0.9) -> pd.DataFrame:
    """Monthly sales and a forecast of the next ``horizon`` months with a prediction band.

    Model (ordinary least squares in statsmodels, on ``log(1 + sales)``, so the
    effects are percentages and the band never goes below 0)::

        log sales = a + b * t + s[calendar month] + c * pre-festival share

    * ``b``: the trend: ``attrs["growth_per_month"]`` is ``exp(b) - 1`` (e.g. -0.006 = 0.6 %
      less each month), ``attrs["trend_per_month"]`` the change of the trend line in
      yuan over the last month of the data;
    * ``s``: one effect per calendar month for the fixed-date seasons (618, 双11,
      summer, ...), January as the base;
    * ``c``: the Spring Festival as a moving holiday -- the share of the month's
      days that fall in the 21 days before the festival
      (:func:`crmlab.festival.festival_months`).  The festival moves between late
      January and mid-February, so the pre-festival peak moves between the two
      months with it; a model with calendar months only puts it in the wrong month.
      ``attrs["festival_effect"]`` is the change in sales of a month made only of
      pre-festival days (``exp(c) - 1``).

    The band is the OLS prediction interval at ``level`` (statsmodels
    ``get_prediction(...).summary_frame``: parameter uncertainty plus the spread
    of the months around the model, with Student's t on the residual degrees of
    freedom, ``attrs["dof"]``), transformed back from the log scale.  With two
    years of data that is about 10 degrees of freedom: the band is wide because
    two years cannot pin down twelve month effects, and it says so.  Needs at
    least 16 months of history, all within 2015-2035 (the festival table).

    Returns one row per month: ``month``, ``kind`` (实际/预测), ``sales`` (actual),
    ``fitted``/``forecast``, ``lower``, ``upper``, ``festival_share`` and ``trend_line``: the
    long-run trend without the seasonal swings (trend line times the average
    month and festival effect), so ``fitted / trend_line`` is the seasonal factor of the month.
    """
    import statsmodels.api as sm

    horizon = _check_horizon_level(horizon, level)
    y = monthly_sales(orders)
    _check_forecast_range(y, horizon)
    n = len(y)
    t_hist, t_future = np.arange(n, dtype=float), np.arange(n, n + horizon, dtype=float)
    future = pd.period_range(y.index[-1] + 1, periods=horizon, freq="M")
    X, Xf = _season_design(y.index, t_hist), _season_design(future, t_future)
    fit = sm.OLS(np.log1p(np.maximum(y.to_numpy(dtype=float), 0.0)), X).fit()
    band = fit.get_prediction(Xf).summary_frame(alpha=1 - level)
    coef = fit.params
    # average seasonal effect on the log scale: the 12 month effects (January 0) and the mean festival share
    mean_share = X[:12, -1].mean() if n >= 12 else 0.0
    level0 = coef[0] + np.r_[0.0, coef[2:13]].mean() + coef[13] * mean_share
    hist = pd.DataFrame(
        {"month": y.index.astype(str), "kind": "实际", "sales": y.to_numpy(), "fitted": np.expm1(fit.fittedvalues),
         "festival_share": X[:, -1], "trend_line": np.expm1(level0 + coef[1] * t_hist)}
    )
    fut = pd.DataFrame(
        {"month": future.astype(str), "kind": "预测", "sales": np.nan,
         "forecast": np.expm1(band["mean"].to_numpy()),
         "lower": np.maximum(np.expm1(band["obs_ci_lower"].to_numpy()), 0.0),
         "upper": np.expm1(band["obs_ci_upper"].to_numpy()),
         "festival_share": Xf[:, -1], "trend_line": np.expm1(level0 + coef[1] * t_future)}
    )
    out = pd.concat([hist, fut], ignore_index=True)
    trend = hist["trend_line"].to_numpy()
    out.attrs.update({"trend_per_month": float(trend[-1] - trend[-2]), "growth_per_month": float(np.expm1(coef[1])),
                      "festival_effect": float(np.expm1(coef[13])),
                      "sigma": float(np.sqrt(fit.scale)), "dof": int(fit.df_resid), "level": float(level)})
    return out[["month", "kind", "sales", "fitted", "forecast", "lower", "upper", "festival_share", "trend_line"]]


# --------------------------------------------------------------------------
# association analysis
# --------------------------------------------------------------------------
MOM_ROWS = ("购买数量", "投诉率", "退货率")
#: unit of each indicator: purchases are units bought, complaints and returns per 1,000 units bought
MOM_UNITS = {"购买数量": "件", "投诉率": "次/千件", "退货率": "次/千件"}
GOOD_DIRECTION = {"购买数量": 1, "投诉率": -1, "退货率": -1}
#: weight of each indicator in the overall verdict.  Each indicator scores its change
#: in the good direction (capped at ±100 %), so a quality problem that triples the
#: complaint rate outweighs a 25 % rise in purchases.
MOM_WEIGHTS = {"购买数量": 1, "投诉率": 1, "退货率": 1}
#: the names of the count-based table this replaced, accepted in ``weights``
_OLD_NAMES = {"投诉次数": "投诉率", "退货次数": "退货率"}
#: a change of units bought this large in the same two months last year marks the pair as seasonal
SEASONAL_SWING = 0.2


def _check_weights(weights) -> dict:
    if weights is None:
        return dict(MOM_WEIGHTS)
    if isinstance(weights, dict):
        weights = {_OLD_NAMES.get(k, k): v for k, v in weights.items()}
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


def _check_mom_inputs(orders: pd.DataFrame, interactions: pd.DataFrame) -> pd.DataFrame:
    orders = _orders(orders, ["customer_id", "order_date", "quantity"])
    _need(interactions, ["customer_id", "date", "type"], "interactions 表")
    return orders


def _check_mom_data(orders: pd.DataFrame, interactions: pd.DataFrame) -> None:
    if orders.empty or interactions.empty:
        raise CRMDataError("订单表或互动记录表是空的，无法做环比分析。")
    _dates(interactions, "date", "interactions 表")


def _check_mom_month(orders: pd.DataFrame, interactions: pd.DataFrame, m: pd.Period) -> None:
    first = min(orders["order_date"].min(), interactions["date"].min()).to_period("M")
    last = max(orders["order_date"].max(), interactions["date"].max()).to_period("M")
    if m - 1 < first or m > last:
        raise CRMDataError(f"月份 {m} 超出数据范围：请选择 {first + 1} 至 {last} 之间的月份。")


def _mom_counts(o: pd.DataFrame, i: pd.DataFrame, period: pd.Period) -> list[float]:
    """Units bought, complaints and returns in ``period``."""
    kinds = i.loc[_in_month(i["date"], period), "type"]
    return [
        float(o.loc[_in_month(o["order_date"], period), "quantity"].sum()),
        float((kinds == "投诉").sum()),
        float((kinds == "退货").sum()),
    ]


def _in_month(dates: pd.Series, period: pd.Period) -> pd.Series:
    """Which ``dates`` fall in the month ``period`` (two comparisons: no period conversion of every row)."""
    return (dates >= period.start_time) & (dates < (period + 1).start_time)


def _mom_values(counts: list[float]) -> list[float]:
    """Units, and complaints and returns per 1,000 units (NaN without units)."""
    units = counts[0]
    per_k = (lambda c: c / units * 1000) if units > 0 else (lambda c: np.nan)
    return [units, per_k(counts[1]), per_k(counts[2])]


def _mom_scores(t: pd.DataFrame, tolerance: float, w: dict) -> np.ndarray:
    """Add change, change_rate, rating, weight, score to ``t``; return each row's direction (-1, 0, +1)."""
    t["change"] = t["current"] - t["previous"]
    with np.errstate(divide="ignore", invalid="ignore"):
        t["change_rate"] = np.where(t["previous"] > 0, t["change"] / t["previous"], np.nan)
    known = t["current"].notna() & t["previous"].notna()
    rel = t["change_rate"].fillna(np.sign(t["change"])).where(known, 0.0)  # from 0 to something counts as +100 %
    direction = np.where(rel.abs() <= tolerance, 0, np.sign(rel))
    sign = np.array([GOOD_DIRECTION[r] for r in MOM_ROWS])
    good = direction * sign
    t["rating"] = np.where(known, np.select([good > 0, good < 0], ["好转", "变坏"], "持平"), "无法比较")
    t["weight"] = [w[r] for r in MOM_ROWS]
    t["score"] = np.where(direction != 0, np.clip(rel.to_numpy() * sign, -1, 1), 0.0) * t["weight"]
    t["score"] = t["score"].round(4) + 0.0  # + 0.0: no "-0"
    return direction


def _mom_explanation(t: pd.DataFrame, direction: np.ndarray, total: float, verdict: str) -> str:
    parts = []
    for r in MOM_ROWS:
        row = t.loc[r]
        if row["rating"] == "无法比较":
            parts.append(f"{r}无法比较（有一个月没有购买，算不出每千件的比率），得 0 分")
            continue
        moved = "持平" if direction[MOM_ROWS.index(r)] == 0 else ("上升" if row["change"] > 0 else "下降")
        rate = row["change_rate"]
        how = f"{moved} {abs(rate):.0%}" if pd.notna(rate) and moved != "持平" else moved
        value = f"{row['previous']:,.0f} → {row['current']:,.0f} 件" if r == "购买数量" else (
            f"每千件 {row['previous']:.1f} → {row['current']:.1f} 次（{row['previous_count']:.0f} → {row['current_count']:.0f} 次）")
        parts.append(f"{r}{how}（{value}，{row['rating']}，得 {row['score']:+.2f} 分）")
    return "；".join(parts) + f"。总分 {total:+.2f}，总体{verdict}。"


def _season_note(o: pd.DataFrame, m: pd.Period) -> str:
    """Chinese note when ``m`` or the month before is seasonally unusual, else ''."""
    from crmlab.festival import FIRST_YEAR, LAST_YEAR, festival_months

    notes = []
    pair = pd.PeriodIndex([m - 1, m])
    if pair[0].year >= FIRST_YEAR and pair[1].year <= LAST_YEAR:
        fest = festival_months(pair)
        for _, row in fest[fest["pre_festival_days"] > 0].iterrows():
            notes.append(f"{row['month']} 有 {row['pre_festival_days']} 天是春节（{row['festival_date']}）前的采购旺季")
    before, last = (float(o.loc[_in_month(o["order_date"], p), "quantity"].sum()) for p in (m - 13, m - 12))
    if o["order_date"].min() < (m - 12).start_time and before > 0:  # the data reach back to month m - 13
        swing = last / before - 1
        if abs(swing) >= SEASONAL_SWING:
            notes.append(f"去年同期（{m - 13} → {m - 12}）购买数量也{'上升' if swing > 0 else '下降'}了 {abs(swing):.0%}")
    if not notes:
        return ""
    return "季节提示：" + "；".join(notes) + "。购买数量的变化有一部分是季节造成的，不全是经营的好坏。"


def month_over_month(
    orders: pd.DataFrame,
    interactions: pd.DataFrame,
    month="2025-12",
    customers: pd.DataFrame | None = None,
    region: str | None = None,
    tolerance: float = 0.05,
    weights: dict | None = None,
) -> pd.DataFrame:
    """This month vs last month: units bought, complaint rate, return rate, and a verdict.

    Rows (:data:`MOM_ROWS`): ``购买数量`` (units bought), ``投诉率`` and ``退货率``
    (complaints and returns per 1,000 units bought: a quality problem shows in the
    rate even when more is sold).  Columns ``previous``/``current`` (上月/本月) hold the
    indicator (units, or the rate), ``previous_count``/``current_count`` the counts beside
    them (units, complaints, returns), ``unit`` the unit; the index is ``metric``.

    Per indicator (column ``rating``, 评价): a change within ``tolerance`` (5 %) is 持平;
    otherwise 好转 when it moves the good way (purchases up, rates down) and 变坏
    the bad way (无法比较 when a month has no units, so no rate).  Its ``score`` is
    ``weight x`` the change in the good direction (``+0.25`` for purchases up 25 %,
    ``-1`` for a complaint rate that doubled or more: capped at ±100 %; 0 when 持平).

    Overall verdict (``df.attrs["verdict"]``, also the ``verdict`` column): the sum of
    the scores with the weights :data:`MOM_WEIGHTS` (1 : 1 : 1); positive is 变好,
    negative 变差, zero 持平.  ``attrs["explanation"]`` spells the calculation out in
    Chinese; ``attrs["season_note"]`` is a Chinese note when the two months are
    seasonally unusual (pre-Spring-Festival days, or a swing of 20 % or more in units
    between the same months a year earlier), else ``""``.  ``weights`` also accepts
    the older names 投诉次数/退货次数 for the two rates.
    """
    orders = _check_mom_inputs(orders, interactions)
    tolerance = _check_tolerance(tolerance)
    w = _check_weights(weights)
    _check_mom_data(orders, interactions)
    m = _month(month)
    prev = m - 1
    o = _filter_region(orders, customers, region)
    i = _filter_region(interactions, customers, region)
    _check_mom_month(orders, interactions, m)
    counts_prev, counts_now = _mom_counts(o, i, prev), _mom_counts(o, i, m)
    t = pd.DataFrame({"unit": [MOM_UNITS[r] for r in MOM_ROWS],
                      "previous": _mom_values(counts_prev), "current": _mom_values(counts_now),
                      "previous_count": counts_prev, "current_count": counts_now}, index=pd.Index(MOM_ROWS, name="metric"))
    direction = _mom_scores(t, tolerance, w)
    total = round(float(t["score"].sum()), 4) + 0.0
    verdict = "变好" if total > 0 else "变差" if total < 0 else "持平"
    t["verdict"] = verdict
    note = _season_note(o, m)
    explanation = _mom_explanation(t, direction, total, verdict) + (note and " " + note)
    t.attrs.update({"verdict": verdict, "month": str(m), "previous": str(prev), "score": total, "weights": w,
                    "explanation": explanation, "season_note": note})
    return t


__all__ = [
    "AGE_BINS",
    "AGE_LABELS",
    "LABELS",
    "MIN_FORECAST_MONTHS",
    "MOM_ROWS",
    "MOM_UNITS",
    "MOM_WEIGHTS",
    "age_band",
    "age_category_totals",
    "basket_matrix",
    "customer_shares",
    "explain_rule",
    "favourite_by_age",
    "find_rules",
    "forecast_sales",
    "month_over_month",
    "monthly_sales",
    "orders_with_age",
    "recommend",
    "relabel",
    "rule_text",
    "rules_table",
    "sales_by_region",
    "share_of_top",
    "styled",
    "styled_rules",
    "top_share",
]
