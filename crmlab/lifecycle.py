"""Customer relationships and their life cycle (lesson 1, 识别客户, second class).

* :func:`relationship_metrics` -- breadth (how many customers: active, new, won
  back, lost), length (tenure) and depth (repeat rate, categories, orders) of the
  customer relationships, measured on the orders at a date.
* :func:`recommend_level` and :func:`kotler_matrix` -- Kotler's five relationship
  levels (基本型 / 被动型 / 负责型 / 能动型 / 伙伴型) chosen from the number of
  customers and the unit margin; :func:`kotler_inputs` measures both on the data.
* :func:`lifecycle_stage` -- 考察期 / 形成期 / 稳定期 / 退化期 per customer from
  tenure, silence and the timing of purchases (rules in plain numbers:
  :func:`stage_rules`; against the planted patterns: :func:`stage_confusion`); :func:`telecom_stage` -- the five telecom
  stages A-E (获取 / 提升 / 成熟 / 衰退 / 离网); :func:`stage_strategy`.
* :func:`retention_economics` -- why keeping customers pays: acquisition vs
  retention cost, what 5 points less churn does to the profit of a customer
  (and why the published range is 25-85%: the gain depends on how fast a
  customer's profit grows with tenure), selling success to new vs existing
  customers, new customers from referrals.  Lifetime profits use the discounting
  convention of :mod:`crmlab.value` (profit at the end of each year, discounted
  by ``(1 + d)**t``), computed by :func:`crmlab.value.discounted_clv`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from crmlab import display, frames
from crmlab._checks import finite_number as _number
from crmlab._checks import int_param as _int_param
from crmlab._checks import require_columns as _columns
from crmlab._checks import require_frame, to_timestamp
from crmlab._errors import CRMDataError
from crmlab.course import COURSE_DATE
from crmlab.labels import pick

__all__ = [
    "CUSTOMER_BANDS",
    "DEFAULT_KOTLER_THRESHOLDS",
    "DEFAULT_STAGE_RULES",
    "KOTLER_DESCRIPTIONS",
    "KOTLER_GRID",
    "KOTLER_LEVELS",
    "LABELS",
    "MARGIN_BANDS",
    "PATTERN_STAGE",
    "STAGES",
    "STAGE_RULES",
    "TELECOM_STAGES",
    "KotlerChoice",
    "RetentionEconomics",
    "kotler_inputs",
    "kotler_matrix",
    "label_columns",
    "lifecycle_measures",
    "lifecycle_stage",
    "recommend_level",
    "relationship_metrics",
    "retention_economics",
    "stage_confusion",
    "stage_rules",
    "stage_strategy",
    "stage_summary",
    "telecom_stage",
]

LABELS: dict[str, str] = pick((
    "dimension", "metric", "value", "unit", "stage", "customers", "share", "n_orders", "tenure_days",
    "days_since_last", "recent_amount", "previous_amount", "trend", "avg_recent_amount",
    "avg_tenure_days", "margin_growth", "clv_base", "clv_improved", "profit_increase",
))


def label_columns(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with Chinese column and index names (for display only)."""
    return display.relabel(df, LABELS)


def _rate(value: Any, name: str, *, allow_zero: bool = True, allow_one: bool = True) -> float:
    f = _number(value, name)
    if 1 < f <= 100:
        raise CRMDataError(f"{name} = {value} 看起来是百分数。请写成 0-1 之间的小数，例如 20% 写成 0.2。")
    if f < 0 or f > 1 or (f == 0 and not allow_zero) or (f == 1 and not allow_one):
        raise CRMDataError(f"{name} = {value} 不合理：应该是 0 到 1 之间的比例。")
    return f


# ---------------------------------------------------------------------------
# 1. breadth, length, depth
# ---------------------------------------------------------------------------


def _order_history(orders: pd.DataFrame, asof: pd.Timestamp) -> pd.DataFrame:
    o = frames.orders_for_sums(orders)
    return o[o["order_date"] < asof]


def relationship_metrics(
    orders: pd.DataFrame,
    asof: Any = COURSE_DATE,
    *,
    window_days: int = 365,
    churn_days: int | None = None,
) -> pd.DataFrame:
    """Breadth, length and depth of the customer relationships on ``asof``.

    ``churn_days`` defaults to the course's one churn rule, :data:`crmlab.course.CHURN_DAYS`.

    Only orders before ``asof`` count; "the window" is the ``window_days`` days
    before ``asof``.

    * 广度 (breadth): active customers (bought within ``churn_days``), new
      customers (first purchase in the window), won-back customers (a purchase in
      the window after a gap of more than ``churn_days`` days), lost customers
      (bought before, not within ``churn_days``);
    * 长度 (length): mean and median tenure of the active customers (days from the
      first purchase to ``asof``);
    * 深度 (depth), over the customers who bought in the window: repeat-purchase
      rate (share with 2+ orders in the window), mean number of categories bought,
      mean orders and mean spend per customer in the window.

    Returns rows ``dimension`` (广度/长度/深度), ``metric``, ``value``, ``unit``.
    """
    asof = to_timestamp(asof, "分析日期 asof", normalize=True)
    from crmlab.course import CHURN_DAYS

    window_days = _int_param(window_days, "window_days（统计窗口天数）", minimum=1)
    churn_days = _int_param(CHURN_DAYS if churn_days is None else churn_days, "churn_days（多少天没买算流失）", minimum=1)
    o = _order_history(orders, asof)
    if o.empty:
        raise CRMDataError(f"{asof.date()} 之前没有任何订单，无法衡量客户关系。请换一个更晚的分析日期。")
    _columns(o, ["amount", "category"], "订单表")
    o = o.sort_values(["customer_id", "order_date"], kind="stable")
    start = asof - pd.Timedelta(days=window_days)
    per = o.groupby("customer_id")["order_date"].agg(["min", "max"])
    active = per["max"] >= asof - pd.Timedelta(days=churn_days)
    gap = o.groupby("customer_id")["order_date"].diff().dt.days
    won_back = o.loc[(o["order_date"] >= start) & (gap > churn_days), "customer_id"].nunique()
    tenure = (asof - per.loc[active, "min"]).dt.days
    w = o[o["order_date"] >= start]
    gw = w.groupby("customer_id")
    n_win = gw.size()
    rows = [
        ("广度", "活跃客户数", int(active.sum()), "人"),
        ("广度", "新客户数（窗口内首次购买）", int((per["min"] >= start).sum()), "人"),
        ("广度", "挽回的流失客户数", int(won_back), "人"),
        ("广度", "流失客户数", int((~active).sum()), "人"),
        ("长度", "活跃客户平均关系时长", float(tenure.mean()) if len(tenure) else np.nan, "天"),
        ("长度", "活跃客户关系时长中位数", float(tenure.median()) if len(tenure) else np.nan, "天"),
        ("深度", "重复购买率（窗口内买了 2 次及以上）", float((n_win >= 2).mean()) if len(n_win) else np.nan, "比例"),
        ("深度", "人均购买品类数", float(gw["category"].nunique().mean()) if len(n_win) else np.nan, "类"),
        ("深度", "人均订单数", float(n_win.mean()) if len(n_win) else np.nan, "单"),
        ("深度", "人均消费额", float(gw["amount"].sum().mean()) if len(n_win) else np.nan, "元"),
    ]
    out = pd.DataFrame(rows, columns=["dimension", "metric", "value", "unit"])
    out["value"] = out["value"].astype(float).round(3)
    out.attrs.update(asof=asof, window_days=window_days, churn_days=churn_days)
    return out


# ---------------------------------------------------------------------------
# 2. Kotler's five relationship levels
# ---------------------------------------------------------------------------

KOTLER_LEVELS: tuple[str, ...] = ("基本型", "被动型", "负责型", "能动型", "伙伴型")
KOTLER_DESCRIPTIONS: dict[str, str] = {
    "基本型": "东西卖出去就结束，之后不再主动联系客户。",
    "被动型": "卖出后告诉客户：有问题、有意见随时来找我们。",
    "负责型": "卖出后不久主动回访，问客户是否满意，并请客户提改进意见。",
    "能动型": "经常主动联系客户，收集改进建议，并及时告诉客户新产品、新服务。",
    "伙伴型": "和客户长期合作、一起解决问题，帮助客户成功，双方共同发展。",
}
#: Rows of the matrix (number of customers), from many to few.
CUSTOMER_BANDS: tuple[str, ...] = ("大量客户", "中等数量客户", "少量客户")
#: Columns of the matrix (unit margin), from low to high.
MARGIN_BANDS: tuple[str, ...] = ("低边际利润", "中等边际利润", "高边际利润")
KOTLER_GRID: tuple[tuple[str, ...], ...] = (
    ("基本型", "被动型", "负责型"),
    ("被动型", "负责型", "能动型"),
    ("负责型", "能动型", "伙伴型"),
)
#: ``customers``: (few below, many from); ``margin``: (low below, high from).
DEFAULT_KOTLER_THRESHOLDS: dict[str, tuple[float, float]] = {
    "customers": (200, 10000),
    "margin": (0.10, 0.30),
}


@dataclass(frozen=True)
class KotlerChoice:
    """The recommended relationship level and the matrix cell it comes from."""

    level: str
    customer_band: str
    margin_band: str
    row: int
    col: int
    n_customers: float
    unit_margin: float
    description: str

    def __str__(self) -> str:
        return (
            f"{self.customer_band}、{self.margin_band} → 建议建立{self.level}客户关系：{self.description}"
        )


def kotler_matrix() -> pd.DataFrame:
    """The 3 x 3 matrix: rows = number of customers, columns = unit margin."""
    out = pd.DataFrame([list(r) for r in KOTLER_GRID], index=list(CUSTOMER_BANDS), columns=list(MARGIN_BANDS))
    out.index.name = "客户数量"
    out.columns.name = "边际利润"
    return out


def _thresholds(thresholds: Mapping[str, Sequence[float]] | None) -> dict[str, tuple[float, float]]:
    th = dict(DEFAULT_KOTLER_THRESHOLDS)
    if thresholds:
        unknown = set(thresholds) - set(th)
        if unknown:
            raise CRMDataError(f"thresholds 只认 customers 和 margin 两个键，收到了：{'、'.join(map(str, unknown))}。")
        th.update({k: tuple(v) for k, v in thresholds.items()})
    for k, v in th.items():
        if len(v) != 2:
            raise CRMDataError(f"thresholds[{k!r}] 应该是两个数（下界, 上界），现在是 {v!r}。")
        lo, hi = (_number(x, f"thresholds[{k!r}]") for x in v)
        if not lo < hi:
            raise CRMDataError(f"thresholds[{k!r}] = {v!r}：第一个数应小于第二个数。")
        th[k] = (lo, hi)
    return th


def recommend_level(
    n_customers: Any,
    unit_margin: Any,
    thresholds: Mapping[str, Sequence[float]] | None = None,
) -> KotlerChoice:
    """Kotler's recommended relationship level for a number of customers and a unit margin.

    ``unit_margin`` is the margin rate of one unit (边际利润 ÷ 售价, 0-1).
    Bands (``thresholds``, default :data:`DEFAULT_KOTLER_THRESHOLDS`): fewer than
    ``customers[0]`` customers is 少量, ``customers[1]`` or more is 大量; a margin
    below ``margin[0]`` is 低, ``margin[1]`` or more is 高.  Many customers with a
    low margin -> 基本型; few customers with a high margin -> 伙伴型.
    """
    th = _thresholds(thresholds)
    n = _number(n_customers, "客户数量 n_customers")
    if n <= 0:
        raise CRMDataError(f"客户数量 n_customers = {n_customers} 不合理：至少要有 1 位客户。")
    m = _number(unit_margin, "边际利润率 unit_margin")
    if m < 0:
        raise CRMDataError(f"边际利润率 unit_margin = {unit_margin} 是负数，说明每卖一件都亏本：先要解决定价和成本问题。")
    if 1 < m <= 100:
        raise CRMDataError(
            f"边际利润率 unit_margin = {unit_margin} 看起来是百分数。请写成 0-1 之间的小数，例如 25% 写成 0.25。"
        )
    if m > 1:
        raise CRMDataError(f"边际利润率 unit_margin = {unit_margin} 不合理：边际利润率应在 0 到 1 之间。")
    few, many = th["customers"]
    low, high = th["margin"]
    row = 0 if n >= many else (2 if n < few else 1)
    col = 0 if m < low else (2 if m >= high else 1)
    level = KOTLER_GRID[row][col]
    return KotlerChoice(level, CUSTOMER_BANDS[row], MARGIN_BANDS[col], row, col, n, m, KOTLER_DESCRIPTIONS[level])


def kotler_inputs(orders: pd.DataFrame, asof: Any = COURSE_DATE, *, window_days: int = 365) -> dict[str, float]:
    """Number of customers who bought in the last ``window_days`` and their gross margin rate.

    Returns ``{"n_customers": ..., "unit_margin": gross_profit / amount}`` -- the two
    inputs of :func:`recommend_level` measured on the company's own orders.
    """
    asof = to_timestamp(asof, "分析日期 asof", normalize=True)
    window_days = _int_param(window_days, "window_days（统计窗口天数）", minimum=1)
    o = _order_history(orders, asof)
    _columns(o, ["amount", "gross_profit"], "订单表")
    o = o[o["order_date"] >= asof - pd.Timedelta(days=window_days)]
    if o.empty:
        raise CRMDataError(f"{asof.date()} 之前 {window_days} 天内没有订单，无法计算客户数和边际利润率。")
    amount = float(o["amount"].sum())
    return {
        "n_customers": int(o["customer_id"].nunique()),
        "unit_margin": round(float(o["gross_profit"].sum()) / amount, 4) if amount else float("nan"),
    }


# ---------------------------------------------------------------------------
# 3. life-cycle stages
# ---------------------------------------------------------------------------

STAGES: tuple[str, ...] = ("考察期", "形成期", "稳定期", "退化期")
TELECOM_STAGES: tuple[str, ...] = ("A 获取", "B 提升", "C 成熟", "D 衰退", "E 离网")

#: Rules of :func:`lifecycle_stage` in Chinese, in the order they are applied; the numbers are the
#: defaults (:func:`stage_rules` writes them with the numbers actually used).
STAGE_RULES: list[tuple[str, str]] = [
    (
        "退化期",
        "超过 365 天没买（课程的流失规则）；或者关系已满 183 天，并且已经沉默很久（超过 180 天没买，"
        "而且超过自己平常购买间隔的 3 倍），或者购买重心低于 41%（买得越来越少）。",
    ),
    ("考察期", "第一次购买到分析日期不满 183 天：刚开始接触、试着买一点。"),
    ("形成期", "购买重心高于 58%：后来的购买比前期多，关系在加深。"),
    ("稳定期", "其余的客户：购买重心在 41%～58% 之间，买得均匀。"),
]

#: Default rules of :func:`lifecycle_stage` (checked against the planted patterns of the course company).
DEFAULT_STAGE_RULES: dict[str, float] = {
    "explore_days": 183, "early": 0.41, "late": 0.58, "silence_days": 180, "silence_factor": 3.0,
}


def _stage_rules(explore_days, early, late, silence_days, silence_factor, window_days, churn_days):
    explore_days = _int_param(explore_days, "explore_days（考察期天数）", minimum=1)
    silence_days = _int_param(silence_days, "silence_days（沉默多少天）", minimum=1)
    window_days = _int_param(window_days, "window_days（比较消费的窗口天数）", minimum=7, maximum=3650)
    churn_days = _int_param(churn_days, "churn_days（多少天没买算流失）", minimum=1)
    early, late = _number(early, "early（购买重心下限）"), _number(late, "late（购买重心上限）")
    if early > 1 or late > 1:
        raise CRMDataError(f"early = {early}、late = {late} 看起来是百分数。请写成小数，例如 41% 写成 0.41。")
    if not 0 < early < late < 1:
        raise CRMDataError(f"购买重心的两个界限要满足 0 < early < late < 1，现在 early = {early}、late = {late}。")
    silence_factor = _number(silence_factor, "silence_factor（平常购买间隔的几倍）")
    if silence_factor < 1:
        raise CRMDataError(f"silence_factor = {silence_factor} 不合理：沉默要比平常的购买间隔更长，至少 1 倍。")
    return explore_days, float(early), float(late), silence_days, float(silence_factor), window_days, churn_days


def _purchase_centre(o: pd.DataFrame, asof: pd.Timestamp) -> pd.Series:
    """Mean position of each customer's repeat purchases between the first purchase (0) and ``asof`` (1).

    About 0.5 when purchases are spread evenly, lower when they bunch early (buying less
    and less, including a long silence at the end), higher when they bunch late; NaN
    with a single purchase.
    """
    first = o.groupby("customer_id")["order_date"].transform("min")
    span = (asof - first).dt.days.clip(lower=1)
    pos = (o["order_date"] - first).dt.days / span
    repeat = o.groupby("customer_id").cumcount() > 0
    return pos[repeat].groupby(o.loc[repeat, "customer_id"]).mean()


def lifecycle_stage(
    orders: pd.DataFrame,
    asof: Any = COURSE_DATE,
    *,
    explore_days: int = 183,
    early: float = 0.41,
    late: float = 0.58,
    silence_days: int = 180,
    silence_factor: float = 3.0,
    window_days: int = 365,
    churn_days: int | None = None,
    measures: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Life-cycle stage of every customer who bought before ``asof``.

    Measures per customer: ``tenure_days`` (first purchase to ``asof``),
    ``days_since_last``, ``usual_gap`` (mean days between purchases), and
    ``centre`` (购买重心): the mean position of the repeat purchases on the line from
    the first purchase (0 %) to ``asof`` (100 %) -- about 50 % when purchases are
    spread evenly, lower when they bunch early (fading), higher when they bunch late
    (deepening).  Rules in order (plain-number table: :func:`stage_rules`):

    1. 退化期: no purchase for more than ``churn_days`` (default the course's
       :data:`crmlab.course.CHURN_DAYS`); or tenure >= ``explore_days`` and either
       silent (more than ``silence_days`` days without a purchase *and* more than
       ``silence_factor`` times the usual gap, or only one purchase) or
       ``centre < early``;
    2. 考察期: tenure < ``explore_days``;
    3. 形成期: ``centre > late``;
    4. 稳定期: the rest.

    The defaults recover the planted life-cycle patterns of the course company
    (see :func:`stage_confusion`): new customers and customers who stopped buying
    almost always, growing / stable / fading customers at least 80 % of the time in
    every group (groups 0-4: 85 % or more).

    Returns one row per customer (index ``customer_id``) with ``n_orders``,
    ``tenure_days``, ``days_since_last``, ``usual_gap``, ``centre``,
    ``recent_amount`` / ``previous_amount`` (spend in the last ``window_days`` days and
    the ``window_days`` before, for display), ``trend`` (recent / previous - 1) and
    ``stage`` (categorical over :data:`STAGES`).

    ``measures`` is :func:`lifecycle_measures` of the same ``orders``, ``asof`` and
    ``window_days``, computed before: the rules are then applied to it without going
    through the orders again (a widget whose sliders move the rules).
    """
    from crmlab.course import CHURN_DAYS

    asof = to_timestamp(asof, "分析日期 asof", normalize=True)
    explore_days, early, late, silence_days, silence_factor, window_days, churn_days = _stage_rules(
        explore_days, early, late, silence_days, silence_factor, window_days,
        CHURN_DAYS if churn_days is None else churn_days,
    )
    if measures is None:
        measures = lifecycle_measures(orders, asof, window_days=window_days)
    elif (measures.attrs.get("asof"), measures.attrs.get("window_days")) != (asof, window_days):
        raise CRMDataError(f"measures 是按 {measures.attrs.get('asof')}、{measures.attrs.get('window_days')} 天的窗口算的，"
                           f"和现在的分析日期 {asof.date()}、窗口 {window_days} 天不一致。请重新计算 lifecycle_measures(...)。")
    out = measures.copy()
    out.attrs = {}
    tenure, since = out["tenure_days"].to_numpy(), out["days_since_last"].to_numpy()
    n, gap = out["n_orders"].to_numpy(), out["usual_gap"].to_numpy(dtype=float)
    centre = out["centre"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        silent = (since > silence_days) & ((n == 1) | (since > silence_factor * gap))
        fading = (tenure >= explore_days) & (silent | (centre < early))
        stage = np.select([(since > churn_days) | fading, tenure < explore_days, centre > late],
                          [STAGES[3], STAGES[0], STAGES[1]], default=STAGES[2])
    out["stage"] = pd.Categorical(stage, categories=list(STAGES), ordered=True)
    out.index.name = "customer_id"
    out.attrs.update(asof=asof, explore_days=explore_days, early=early, late=late, silence_days=silence_days,
                     silence_factor=silence_factor, window_days=window_days, churn_days=churn_days)
    return out


def lifecycle_measures(orders: pd.DataFrame, asof: Any = COURSE_DATE, *, window_days: int = 365) -> pd.DataFrame:
    """The rule-free part of :func:`lifecycle_stage`: one row per customer who bought before ``asof``.

    Columns ``n_orders``, ``tenure_days``, ``days_since_last``, ``usual_gap``, ``recent_amount``,
    ``previous_amount``, ``trend`` and ``centre`` (see :func:`lifecycle_stage`); ``attrs`` keep
    ``asof`` and ``window_days``.  Compute it once and pass it as ``measures=`` to apply many rules.
    """
    asof = to_timestamp(asof, "分析日期 asof", normalize=True)
    window_days = _int_param(window_days, "window_days（比较消费的窗口天数）", minimum=7, maximum=3650)
    o = _order_history(orders, asof)
    _columns(o, ["amount"], "订单表")
    if o.empty:
        raise CRMDataError(f"{asof.date()} 之前没有任何订单，没有客户可以划分生命周期阶段。请换一个更晚的分析日期。")
    out = _spending_trend(o, asof, window_days)
    out["centre"] = _purchase_centre(o, asof).reindex(out.index)
    out.attrs.update(asof=asof, window_days=window_days)
    return out


def stage_rules(**rules: Any) -> pd.DataFrame:
    """The rules of :func:`lifecycle_stage` in Chinese with their numbers (defaults updated by ``rules``).

    One row per stage, in the order the rules are applied: ``阶段`` and ``规则``.
    """
    from crmlab.course import CHURN_DAYS

    unknown = set(rules) - {*DEFAULT_STAGE_RULES, "churn_days", "window_days"}
    if unknown:
        raise CRMDataError(f"没有这些规则参数：{'、'.join(sorted(unknown))}。可用的是：{'、'.join(DEFAULT_STAGE_RULES)}、churn_days。")
    r = {**DEFAULT_STAGE_RULES, "window_days": 365, "churn_days": CHURN_DAYS, **rules}
    ex, early, late, sil, fac, _w, churn = _stage_rules(
        r["explore_days"], r["early"], r["late"], r["silence_days"], r["silence_factor"], r["window_days"],
        r["churn_days"])
    rows = [
        ("退化期", f"超过 {churn} 天没买（课程的流失规则）；或者关系已满 {ex} 天，并且已经沉默很久"
                  f"（超过 {sil} 天没买，而且超过自己平常购买间隔的 {fac:g} 倍；只买过一次的也算），"
                  f"或者购买重心低于 {early:.0%}（买得越来越少）"),
        ("考察期", f"第一次购买到分析日期不满 {ex} 天：刚开始接触、试着买一点"),
        ("形成期", f"购买重心高于 {late:.0%}：后来的购买比前期多，关系在加深"),
        ("稳定期", f"其余的客户：购买重心在 {early:.0%}～{late:.0%} 之间，买得均匀"),
    ]
    out = pd.DataFrame(rows, columns=["阶段", "规则"])
    out.attrs["centre"] = ("购买重心：把从第一次购买到分析日期的这段时间看成 0%～100%，"
                           "以后每次购买落在百分之几的位置，取平均。买得均匀约为 50%。")
    return out


#: Planted life-cycle pattern of the course data (``customer_truth.pattern_cn``) -> the stage that recovers it.
PATTERN_STAGE: dict[str, str] = {
    "新客户": "考察期", "成长客户": "形成期", "稳定客户": "稳定期", "衰退客户": "退化期", "流失客户": "退化期",
}


def stage_confusion(stages: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Planted pattern (rows) x assigned stage (columns): customers, plus the share recovered.

    ``stages``: :func:`lifecycle_stage` output; ``truth``: ``crmlab.datasets.load("customer_truth")``
    (``customer_id``, ``pattern_cn``).  Customers who never bought (潜在客户) have no stage and
    are left out, and so are won-back customers (挽回客户: a year and more without buying, then back),
    who follow no single planted stage.  Column ``识别率``: share of the pattern's customers in the stage that
    recovers it (:data:`PATTERN_STAGE`: a customer who stopped buying belongs in 退化期).
    """
    _columns(stages, ["stage"], "阶段结果")
    t = require_frame(truth, "真实类型表 customer_truth", allow_empty=True)
    _columns(t, ["customer_id", "pattern_cn"], "真实类型表 customer_truth")
    pattern = t.assign(customer_id=t["customer_id"].astype(str)).set_index("customer_id")["pattern_cn"]
    pattern = pattern.reindex(stages.index.astype(str))
    if pattern.isna().all():
        raise CRMDataError("阶段结果里的客户编号在真实类型表里一个也找不到：两张表是不是来自不同的公司（组）？")
    rows = [p for p in PATTERN_STAGE if (pattern == p).any()]
    pattern = pattern.where(pattern.isin(rows))  # 潜在客户, 挽回客户: no planted stage, left out
    tab = pd.crosstab(pd.Categorical(pattern, categories=rows), stages["stage"].to_numpy(), dropna=False)
    tab = tab.reindex(index=rows, columns=list(STAGES), fill_value=0)
    tab["合计"] = tab.sum(axis=1)
    tab["识别率"] = [tab.at[p, PATTERN_STAGE[p]] / tab.at[p, "合计"] for p in rows]
    tab.index.name, tab.columns.name = "真实类型", "划分的阶段"
    return tab


def _spending_trend(o: pd.DataFrame, asof: pd.Timestamp, window_days: int) -> pd.DataFrame:
    """Per customer: ``n_orders``, ``tenure_days``, ``days_since_last``, spend in the last window
    (``recent_amount``), in the window before (``previous_amount``) and ``trend = recent / previous - 1``
    (``inf`` without previous spend, NaN without any spend in the two windows)."""
    g = o.groupby("customer_id")
    out = g["order_date"].agg(n_orders="size", first="min", last="max")
    out["tenure_days"] = (asof - out["first"]).dt.days
    out["days_since_last"] = (asof - out["last"]).dt.days
    span = (out["last"] - out["first"]).dt.days
    out["usual_gap"] = (span / (out["n_orders"] - 1)).where(out["n_orders"] > 1).round(1)
    w1 = asof - pd.Timedelta(days=window_days)
    w0 = asof - pd.Timedelta(days=2 * window_days)
    recent = o.loc[o["order_date"] >= w1].groupby("customer_id")["amount"].sum()
    prev = o.loc[(o["order_date"] >= w0) & (o["order_date"] < w1)].groupby("customer_id")["amount"].sum()
    out["recent_amount"] = recent.reindex(out.index).fillna(0.0).round(2)
    out["previous_amount"] = prev.reindex(out.index).fillna(0.0).round(2)
    r, p = out["recent_amount"].to_numpy(), out["previous_amount"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["trend"] = np.where(p > 0, r / np.where(p > 0, p, 1) - 1, np.where(r > 0, np.inf, np.nan))
    return out.drop(columns=["first", "last"])


def telecom_stage(
    orders: pd.DataFrame,
    asof: Any = COURSE_DATE,
    customers: pd.DataFrame | None = None,
    **rules: Any,
) -> pd.DataFrame:
    """The five telecom stages A-E, a second view of :func:`lifecycle_stage`.

    A 获取 = 考察期 (plus, when ``customers`` is given, registered customers who
    never bought before ``asof``: the prospects to acquire); B 提升 = 形成期;
    C 成熟 = 稳定期; D 衰退 = 退化期 but bought within ``churn_days``;
    E 离网 = no purchase for more than ``churn_days`` days.  ``rules`` are the
    keyword rules of :func:`lifecycle_stage`.
    """
    st = lifecycle_stage(orders, asof, **rules)
    churn_days = st.attrs["churn_days"]
    mapping = {"考察期": "A 获取", "形成期": "B 提升", "稳定期": "C 成熟", "退化期": "D 衰退"}
    tel = st["stage"].astype(str).map(mapping)
    tel[st["days_since_last"] > churn_days] = "E 离网"
    out = st.copy()
    out["stage"] = pd.Categorical(tel, categories=list(TELECOM_STAGES), ordered=True)
    if customers is not None:
        customers = require_frame(customers, "客户表", allow_empty=True)
        _columns(customers, ["customer_id", "signup_date"], "客户表")
        asof_ts = st.attrs["asof"]
        c = customers.assign(customer_id=customers["customer_id"].astype(str))
        signup = pd.to_datetime(c["signup_date"], errors="coerce")
        prospects = c.loc[(signup < asof_ts) & ~c["customer_id"].isin(out.index), "customer_id"]
        if len(prospects):
            extra = pd.DataFrame(
                {
                    "n_orders": 0,
                    "tenure_days": np.nan,
                    "days_since_last": np.nan,
                    "recent_amount": 0.0,
                    "previous_amount": 0.0,
                    "trend": np.nan,
                    "stage": pd.Categorical(["A 获取"] * len(prospects), categories=list(TELECOM_STAGES), ordered=True),
                },
                index=pd.Index(prospects.to_numpy(), name="customer_id"),
            )
            out = pd.concat([out, extra])
            out["stage"] = pd.Categorical(out["stage"], categories=list(TELECOM_STAGES), ordered=True)
    out.attrs.update(st.attrs)
    return out


def stage_summary(stages: pd.DataFrame) -> pd.DataFrame:
    """Customers, share, mean recent spend and mean tenure per stage (all stages listed)."""
    if stages is None or len(stages) == 0:
        raise CRMDataError("没有客户可以统计。请先用 lifecycle_stage(orders) 划分阶段。")
    _columns(stages, ["stage", "recent_amount", "tenure_days"], "阶段结果")
    cats = list(stages["stage"].cat.categories) if hasattr(stages["stage"], "cat") else list(STAGES)
    g = stages.groupby("stage", observed=False)
    out = pd.DataFrame(
        {
            "customers": g.size().reindex(cats, fill_value=0).astype(int),
            "avg_recent_amount": g["recent_amount"].mean().reindex(cats).round(2),
            "avg_tenure_days": g["tenure_days"].mean().reindex(cats).round(1),
        }
    )
    out.insert(1, "share", out["customers"] / out["customers"].sum())
    out.index.name = "stage"
    return out


_STRATEGY_FOUR = [
    ("考察期", "双方刚接触，彼此不了解，客户先小量试买。", "让客户愿意试、降低他的顾虑。",
     "热情接待、讲清产品和承诺；提供试用装、首单优惠；记录客户需求，判断他值不值得长期经营。"),
    ("形成期", "客户开始重复购买，信任在增加，但关系还比较脆弱。", "把试用的客户变成常客。",
     "建好客户档案，定期回访；帮助客户用好产品、及时处理问题；推荐相关商品（交叉销售），筛选出有长期价值的客户。"),
    ("稳定期", "双方高度信任，购买量大且稳定，是企业最赚钱的阶段。", "让稳定的关系保持得越久越好。",
     "会员和积分回报、专属服务和优先权；邀请参与新品意见；鼓励老客户推荐新客户。"),
    ("退化期", "购买减少、间隔变长，可能不满或被对手吸引；任何阶段都可能发生。", "找出原因，值得挽回的尽力挽回。",
     "分析流失原因；对高价值客户主动回访、道歉补偿或给出针对性优惠；对低价值客户降低服务成本，顺其自然。"),
]
_STRATEGY_TELECOM = [
    ("A 获取", "还没用我们的服务，或正在用竞争对手的服务。", "发现并争取潜在客户。",
     "通过合适的渠道找到目标人群，给出有吸引力的入网方案。"),
    ("B 提升", "刚入网，使用量在上升。", "把新客户培养成高价值客户。",
     "刺激需求的产品组合、交叉销售、有针对性的营销。"),
    ("C 成熟", "使用稳定，贡献最大。", "让客户用更多新业务，培养忠诚。",
     "对高价值客户提供差异化服务，推出新业务，奖励长期在网。"),
    ("D 衰退", "使用量下降，可能准备转网。", "延长客户的生命周期。",
     "高危客户预警：及早发现要走的客户，采取挽留措施。"),
    ("E 离网", "已经停止使用或转到对手。", "赢回有价值的客户。",
     "分析离网原因，针对高价值客户设计赢回方案。"),
]


def stage_strategy(model: str = "four") -> pd.DataFrame:
    """Strategy table per stage: ``model="four"`` (考察期 ...) or ``"telecom"`` (A-E)."""
    if model in ("four", "4", "四阶段"):
        rows = _STRATEGY_FOUR
    elif model in ("telecom", "5", "five", "电信"):
        rows = _STRATEGY_TELECOM
    else:
        raise CRMDataError(f"model 只能是 \"four\"（四阶段）或 \"telecom\"（电信五阶段），收到 {model!r}。")
    out = pd.DataFrame(rows, columns=["阶段", "特征", "企业目标", "主要策略"]).set_index("阶段")
    return out


# ---------------------------------------------------------------------------
# 4. retention economics
# ---------------------------------------------------------------------------


@dataclass
class RetentionEconomics:
    """Result of :func:`retention_economics` (all tables have Chinese content)."""

    summary: pd.DataFrame
    costs: pd.DataFrame
    yearly: pd.DataFrame
    by_margin_growth: pd.DataFrame
    selling: pd.DataFrame
    referrals: pd.DataFrame
    params: dict = field(default_factory=dict)

    @property
    def profit_increase(self) -> float:
        """Increase of the lifetime profit per customer at the chosen margin growth."""
        return float(self.summary.loc["profit_increase", "value"])


def _lifetime_profit(churn, margin, growth, years, discount, acquisition_cost):
    """Discounted yearly profit flows and the lifetime profit, with :func:`crmlab.value.discounted_margins`.

    One discounting convention for lesson 1 (the one of :mod:`crmlab.value`): the
    customer is won at t = 0 (paying ``acquisition_cost``, not discounted); the
    profit of year t is earned at the *end* of year t if the customer is still
    there (probability ``(1 - churn)**t``) and discounted by ``(1 + discount)**t``.
    """
    from crmlab.value import discounted_margins

    t = np.arange(1, years + 1)
    return discounted_margins(margin * (1 + growth) ** (t - 1), 1 - churn, discount, years,
                              acquisition_cost=acquisition_cost)


def retention_economics(
    n_customers: int = 1000,
    acquisition_cost: float = 100.0,
    retention_cost_ratio: float = 5.0,
    churn_reduction: float = 0.05,
    base_churn: float = 0.20,
    margin: float = 100.0,
    margin_growth: float = 0.10,
    years: int = 20,
    discount_rate: float = 0.08,
    referral_share: float = 0.60,
    new_success: float = 0.15,
    existing_success: float = 0.50,
    pitches: int = 100,
    growth_levels: Sequence[float] = (0.0, 0.05, 0.10, 0.15, 0.20, 0.25, 0.30),
) -> RetentionEconomics:
    """Retention economics for a customer base, computed from the inputs.

    * Costs: acquiring a customer costs ``acquisition_cost``, keeping one costs
      ``acquisition_cost / retention_cost_ratio``; replacing the customers who
      leave each year (``n_customers * churn``) is compared for the two churn rates.
    * Lifetime profit per new customer: ``-acquisition_cost + sum_t (1-churn)^t
      * margin * (1+margin_growth)^(t-1) / (1+discount_rate)^t`` for t = 1..``years``,
      for ``base_churn`` and ``base_churn - churn_reduction`` (churn in fractions;
      ``churn_reduction`` = 0.05 means 5 percentage points).  The convention is the
      one of :func:`crmlab.value.discounted_clv` (which computes it): profit at the
      end of each year, kept only if the customer stayed that year, discounted by
      ``(1 + discount_rate)^t``.  The
      increase depends on how fast the profit per customer grows with tenure;
      ``by_margin_growth`` shows it for every value in ``growth_levels``.
    * Selling: ``pitches`` sales attempts to new customers (success
      ``new_success``) vs existing customers (``existing_success``).
    * Referrals: of the new customers needed each year, ``referral_share`` come
      from recommendations of existing customers.
    """
    v = _retention_inputs(
        n_customers=n_customers, acquisition_cost=acquisition_cost, retention_cost_ratio=retention_cost_ratio,
        churn_reduction=churn_reduction, base_churn=base_churn, margin=margin, margin_growth=margin_growth,
        years=years, discount_rate=discount_rate, referral_share=referral_share, new_success=new_success,
        existing_success=existing_success, pitches=pitches, growth_levels=growth_levels,
    )
    levels = v.pop("growth_levels")
    yearly, clv0, clv1 = _retention_yearly(v)
    by_growth = _retention_by_growth(v, levels)
    costs, selling, referrals = _retention_tables(v)
    summary = _retention_summary(v, clv0, clv1)
    return RetentionEconomics(summary, costs, yearly, by_growth, selling, referrals, v)


def _retention_inputs(**raw: Any) -> dict:
    """Checked inputs of :func:`retention_economics` (Chinese errors), plus ``improved_churn``."""
    n = _number(raw["n_customers"], "客户数量 n_customers")
    if n <= 0 or n != int(n):
        raise CRMDataError(f"客户数量 n_customers = {raw['n_customers']} 不合理：应是正整数。")
    acq = _number(raw["acquisition_cost"], "获客成本 acquisition_cost")
    if acq < 0:
        raise CRMDataError("获客成本 acquisition_cost 不能为负数。")
    ratio = _number(raw["retention_cost_ratio"], "获客/保留成本倍数 retention_cost_ratio")
    if ratio <= 0:
        raise CRMDataError("retention_cost_ratio 必须大于 0，例如 5 表示获客成本是保留成本的 5 倍。")
    churn = _rate(raw["base_churn"], "原流失率 base_churn", allow_zero=False, allow_one=True)
    red = _rate(raw["churn_reduction"], "流失率降低幅度 churn_reduction", allow_zero=True)
    if red >= churn:
        raise CRMDataError(
            f"流失率降低 {red:.0%}（百分点）后不能小于等于 0：原流失率只有 {churn:.0%}。请把 churn_reduction 调小。"
        )
    m = _number(raw["margin"], "每位客户第一年的利润 margin")
    if m <= 0:
        raise CRMDataError("每位客户第一年的利润 margin 必须大于 0。")
    g = _number(raw["margin_growth"], "利润年增长率 margin_growth")
    if g > 1:
        raise CRMDataError(
            f"利润年增长率 margin_growth = {raw['margin_growth']} 看起来是百分数，请写成小数，例如 10% 写成 0.1。"
        )
    if g <= -1:
        raise CRMDataError("利润年增长率 margin_growth 不能小于等于 -1（-100%）。")
    levels = [_number(x, "growth_levels") for x in raw["growth_levels"]]
    if not levels:
        raise CRMDataError("growth_levels 至少要有一个增长率。")
    return {
        "n_customers": int(n), "acquisition_cost": acq, "retention_cost_ratio": ratio, "churn_reduction": red,
        "base_churn": churn, "improved_churn": churn - red, "margin": m, "margin_growth": g,
        "years": _int_param(raw["years"], "years（计算的年数）", minimum=1, maximum=100),
        "discount_rate": _rate(raw["discount_rate"], "折现率 discount_rate"),
        "referral_share": _rate(raw["referral_share"], "老客户推荐占比 referral_share"),
        "new_success": _rate(raw["new_success"], "向新客户推销的成功率 new_success"),
        "existing_success": _rate(raw["existing_success"], "向老客户推销的成功率 existing_success"),
        "pitches": _int_param(raw["pitches"], "pitches（推销次数）", minimum=1, maximum=10**9),
        "growth_levels": levels,
    }


def _increase(a: float, b: float) -> float:
    """Relative increase from ``a`` to ``b`` (NaN when ``a`` is 0)."""
    return (b - a) / abs(a) if a != 0 else np.nan


def _retention_yearly(v: dict) -> tuple[pd.DataFrame, float, float]:
    """Year-by-year survival, margin and cumulative profit for both churn rates, and the two lifetime profits."""
    churn, improved, m, g = v["base_churn"], v["improved_churn"], v["margin"], v["margin_growth"]
    years, d, acq = v["years"], v["discount_rate"], v["acquisition_cost"]
    flow0, clv0 = _lifetime_profit(churn, m, g, years, d, acq)
    flow1, clv1 = _lifetime_profit(improved, m, g, years, d, acq)
    t = np.arange(1, years + 1)
    yearly = pd.DataFrame(
        {
            "year": t,
            "survival_base": (1 - churn) ** t,
            "survival_improved": (1 - improved) ** t,
            "margin": m * (1 + g) ** (t - 1),
            "cum_profit_base": np.cumsum(flow0) - acq,
            "cum_profit_improved": np.cumsum(flow1) - acq,
        }
    ).round(4)
    return yearly, clv0, clv1


def _retention_by_growth(v: dict, levels: Sequence[float]) -> pd.DataFrame:
    """Lifetime profit at both churn rates and the increase, for every margin growth in ``levels``."""
    rows = []
    for lv in levels:
        a = _lifetime_profit(v["base_churn"], v["margin"], lv, v["years"], v["discount_rate"], v["acquisition_cost"])[1]
        b = _lifetime_profit(v["improved_churn"], v["margin"], lv, v["years"], v["discount_rate"],
                             v["acquisition_cost"])[1]
        rows.append((lv, round(a, 2), round(b, 2), _increase(a, b)))
    return pd.DataFrame(rows, columns=["margin_growth", "clv_base", "clv_improved", "profit_increase"])


def _retention_tables(v: dict) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The Chinese tables: yearly costs for both churn rates, selling success, referred new customers."""
    n, acq, churn, improved = v["n_customers"], v["acquisition_cost"], v["base_churn"], v["improved_churn"]
    keep_cost = acq / v["retention_cost_ratio"]
    leave0, leave1 = n * churn, n * improved
    costs = pd.DataFrame(
        {
            "每年流失的客户（人）": [leave0, leave1],
            "补回这些客户的获客支出（元）": [leave0 * acq, leave1 * acq],
            "保留其余客户的支出（元）": [(n - leave0) * keep_cost, (n - leave1) * keep_cost],
        },
        index=pd.Index([f"流失率 {churn:.0%}", f"流失率 {improved:.0%}"], name="情形"),
    )
    costs["合计（元）"] = costs.iloc[:, 1] + costs.iloc[:, 2]
    costs = costs.round(2)
    pitches, s_new, s_old, ref = v["pitches"], v["new_success"], v["existing_success"], v["referral_share"]
    selling = pd.DataFrame(
        {
            "推销次数": [pitches, pitches],
            "成功率": [s_new, s_old],
            "预计成交（单）": [round(pitches * s_new, 1), round(pitches * s_old, 1)],
        },
        index=pd.Index(["向新客户推销", "向老客户推销"], name="对象"),
    )
    referrals = pd.DataFrame(
        {
            "人数": [round(leave0 * ref, 1), round(leave0 * (1 - ref), 1)],
            "获客支出（元）": [0.0, round(leave0 * (1 - ref) * acq, 2)],
        },
        index=pd.Index(["老客户推荐来的新客户", "靠广告等其他方式获得的新客户"], name="来源"),
    )
    return costs, selling, referrals


def _retention_summary(v: dict, clv0: float, clv1: float) -> pd.DataFrame:
    """The key numbers of :func:`retention_economics`, one row each (``key``, Chinese ``item``, ``value``)."""
    acq, churn, improved, pitches = v["acquisition_cost"], v["base_churn"], v["improved_churn"], v["pitches"]
    leave0, leave1 = v["n_customers"] * churn, v["n_customers"] * improved
    return pd.DataFrame(
        [
            ("acquisition_cost", "获取一位新客户的成本（元）", acq),
            ("retention_cost", "保留一位老客户的成本（元）", round(acq / v["retention_cost_ratio"], 2)),
            ("clv_base", f"流失率 {churn:.0%} 时每位客户的终身利润（元）", round(clv0, 2)),
            ("clv_improved", f"流失率 {improved:.0%} 时每位客户的终身利润（元）", round(clv1, 2)),
            ("profit_increase", "流失率降低带来的利润增幅", _increase(clv0, clv1)),
            ("yearly_saving", "每年少花的获客支出（元）", round((leave0 - leave1) * acq, 2)),
            ("extra_deals", f"同样推销 {pitches} 次，老客户多成交（单）",
             round(pitches * (v["existing_success"] - v["new_success"]), 1)),
            ("referred_new", "每年新客户中来自老客户推荐的（人）", round(leave0 * v["referral_share"], 1)),
        ],
        columns=["key", "item", "value"],
    ).set_index("key")
