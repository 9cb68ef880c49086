"""Customer segmentation (lesson 3, 细分客户).

Plain functions over pandas objects:

* why segment: :func:`budget_allocation` (the same budget spread evenly vs spent on
  the segments that return most);
* demographic and behavioural segmentation: :func:`age_band`, :func:`usage_rate`,
  :func:`loyalty_status`, :func:`customer_behaviour`, :func:`segment_table`,
  :func:`demographic_segments`;
* RFM: :func:`rfm`, :func:`segment_summary`;
* clustering: :func:`kmeans_segments`, :func:`choose_k`,
  :func:`psychographic_segments`, :func:`crosstab_segments`.

scikit-learn is imported inside the functions that need it.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from crmlab import frames
from crmlab._errors import CRMDataError
from crmlab.course import COURSE_DATE
from crmlab.segment._base import CN8_SEGMENTS, _bad_rows, _require_frame
from crmlab.segment._display import (
    COLUMN_LABELS,
    MONEY_COLUMNS,
    PERCENT_COLUMNS,
    label_columns,
    styled,
)

# ---------------------------------------------------------------------------
# segment names (the eight Chinese RFM segments CN8_SEGMENTS are in crmlab.segment._base)
# ---------------------------------------------------------------------------

#: English names of the widely copied R x F grid and their Chinese translations.
RF_GRID_NAMES: dict[str, str] = {
    "Champions": "冠军客户",
    "Loyal Customers": "忠诚客户",
    "Potential Loyalists": "潜在忠诚客户",
    "New Customers": "新客户",
    "Promising": "有潜力的新客户",
    "Need Attention": "需要关注的客户",
    "About to Sleep": "即将沉睡的客户",
    "At Risk": "有流失风险的客户",
    "Can't Lose Them": "不能失去的客户",
    "Hibernating": "休眠客户",
    "Lost": "已流失客户",
}


def _rf_grid_table() -> dict[tuple[int, int], str]:
    """(R score, F score) -> English name; covers all 25 cells."""
    grid: dict[tuple[int, int], str] = {}
    for r in range(1, 6):
        for f in range(1, 6):
            if r <= 2:
                if f == 5:
                    name = "Can't Lose Them"
                elif f >= 3:
                    name = "At Risk"
                elif r == 1 and f == 1:
                    name = "Lost"
                else:
                    name = "Hibernating"
            elif r == 3:
                name = "About to Sleep" if f <= 2 else ("Need Attention" if f == 3 else "Loyal Customers")
            elif r == 4:
                name = "Promising" if f == 1 else ("Potential Loyalists" if f <= 3 else "Loyal Customers")
            else:  # r == 5
                name = "New Customers" if f == 1 else ("Potential Loyalists" if f <= 3 else "Champions")
            grid[(r, f)] = name
    return grid


RF_GRID: dict[tuple[int, int], str] = _rf_grid_table()

#: Suggested strategy per segment (Chinese, shown in :func:`segment_summary`).
STRATEGIES: dict[str, str] = {
    "重要价值客户": "VIP 专属服务、优先供货和新品试用，重在维系，不必大幅打折。",
    "重要发展客户": "最近买过、单笔金额高但次数少：推荐关联产品、办会员、设复购奖励，提高购买频率。",
    "重要保持客户": "常买且金额高，但很久没来：专人回访，了解原因，用专属关怀把他们拉回来。",
    "重要挽留客户": "曾经花钱多，但又久又少：重点挽留，电话回访、定向优惠券，找出流失原因。",
    "一般价值客户": "常来且最近来过，但花钱少：推荐高价值套餐和升级产品，提高客单价。",
    "一般发展客户": "新近来的小额客户：欢迎礼、入门优惠和使用指导，培养购买习惯。",
    "一般保持客户": "以前常买小额、最近没来：低成本的短信或公众号提醒、积分到期提醒。",
    "一般挽留客户": "又久、又少、又小：控制投入，只做低成本的自动化营销，或暂时放弃。",
    "冠军客户": "奖励他们，邀请试用新品，请他们推荐新客户。",
    "忠诚客户": "推荐更高档的产品，邀请加入会员，请他们写评价。",
    "潜在忠诚客户": "提供会员或积分计划，推荐相关产品。",
    "新客户": "做好首次购买后的服务和引导，建立关系。",
    "有潜力的新客户": "提高品牌认知，送小额体验优惠。",
    "需要关注的客户": "限时优惠、根据购买记录推荐产品，重新激活。",
    "即将沉睡的客户": "推荐热门产品，发送专属折扣，重新建立联系。",
    "有流失风险的客户": "发送个性化的关怀和优惠，提供有用的资讯。",
    "不能失去的客户": "主动联系，了解原因，用新品或升级服务赢回他们。",
    "休眠客户": "推荐其他相关产品，低成本的特价提醒。",
    "已流失客户": "尝试一次低成本的唤醒活动，否则不再投入。",
}

SEGMENT_ORDER: dict[str, list[str]] = {
    "cn8": list(CN8_SEGMENTS.values()),
    "rf_grid": list(RF_GRID_NAMES.values()),
}

_HIGH_RULES = ("score_mean", "value_mean", "value_median")
_SCHEMES = ("cn8", "rf_grid")









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


# ---------------------------------------------------------------------------
# RFM
# ---------------------------------------------------------------------------


def quintile_scores(values: Any, *, ascending: bool = True) -> np.ndarray:
    """Scores 1-5 by the fifth of the ranking each value falls in; equal values share a score.

    In plain words: line the customers up by value, give customers with equal
    values the middle place of their group, split the line into five equal parts
    and score each customer by the part their place falls in.

    Precisely: with ``n`` values and the average ("mid") rank ``r`` of each value
    (1-based; tied values get the mean of their ranks), the score is
    ``ceil(5 * r / n)``.  With ``ascending=True`` the largest values get the
    highest score.  Consequences:

    * equal values always get equal scores, so the result depends neither on the
      order of the rows nor on customer ids;
    * without ties this is the classic quintile of the rank: with ``n`` a multiple
      of 5 every score holds exactly ``n / 5`` values, uneven bins favour the top
      scores and the mean score is never below 3 (so under the "strictly above the
      mean" rule a score of 3 is never high);
    * small or heavily tied inputs get fewer distinct scores instead of invented
      differences: five equal values all score 3, and a value shared by more than
      a fifth of the customers takes one score for all of them (the other scores
      of its span stay empty).
    """
    try:
        v = np.asarray(values, dtype="float64").reshape(-1)
    except (TypeError, ValueError) as exc:
        raise CRMDataError("打分用的数值里有不是数字的内容（例如“¥1,200”），请先转换成数字。") from exc
    if np.isnan(v).any():
        raise CRMDataError(f"打分用的数值里有空值：{_bad_rows(np.isnan(v))}。请先补全或删除。")
    n = v.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    _, inverse, counts = np.unique(v if ascending else -v, return_inverse=True, return_counts=True)
    below = np.concatenate(([0], np.cumsum(counts)[:-1]))  # values ranked before each group
    twice_mid = 2 * below + counts + 1  # 2 * mid rank, in integers: no rounding at the bin edges
    scores = (5 * twice_mid + 2 * n - 1) // (2 * n)  # ceil(5 * mid rank / n)
    return scores.astype(np.int64)[inverse.reshape(-1)]


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


def _high(values: np.ndarray, rule: str, lower_is_better: bool = False) -> np.ndarray:
    ref = np.median(values) if rule == "value_median" else values.mean()
    return values < ref if lower_is_better else values > ref


def rfm(
    transactions: pd.DataFrame,
    asof: Any = None,
    *,
    high_rule: str = "score_mean",
    scheme: str = "cn8",
) -> pd.DataFrame:
    """RFM table: one row per customer (index ``customer_id``, sorted).

    Parameters
    ----------
    transactions : canonical transactions with ``customer_id``, ``order_date``,
        ``amount`` and optionally ``order_id`` (without it, every row is one order).
        Rows with a negative amount are returns: they reduce ``monetary`` (never
        below 0) but are neither orders nor purchase dates.
    asof : analysis date; default the day after the last order in the data.
    high_rule : ``"score_mean"`` (score strictly above the mean score is high),
        ``"value_mean"`` or ``"value_median"`` (raw values against their mean/median;
        a recency *below* the reference is high).
    scheme : ``"cn8"`` (eight Chinese segments from H/L of R, F, M) or
        ``"rf_grid"`` (the R x F grid with English names, Chinese in ``segment``).

    Returns
    -------
    DataFrame with ``recency`` (days), ``frequency`` (distinct orders),
    ``monetary`` (total amount), scores ``R``, ``F``, ``M`` (1-5, 5 best; the fifth
    of the ranking each value falls in, equal values sharing their middle place: see
    :func:`quintile_scores`; customers with equal values always get equal scores),
    ``code`` (H/L code for cn8, R and F scores for rf_grid) and ``segment``
    (ordered categorical); rf_grid adds ``segment_en``.
    """
    _check_rule_and_scheme(high_rule, scheme)
    uniques, recency, frequency, monetary, asof_day = _rfm_values(transactions, asof)
    r = quintile_scores(recency, ascending=False)
    f = quintile_scores(frequency)
    m = quintile_scores(monetary)
    out = pd.DataFrame(
        {
            "recency": recency,
            "frequency": frequency.astype(np.int64),
            "monetary": monetary,
            "R": r,
            "F": f,
            "M": m,
        },
        index=pd.Index(uniques, name="customer_id"),
    )
    out.attrs["asof"] = str(np.datetime64(asof_day, "D"))
    return relabel_rfm(out, high_rule=high_rule, scheme=scheme)


def _check_rule_and_scheme(high_rule: str, scheme: str) -> None:
    if high_rule not in _HIGH_RULES:
        raise CRMDataError(f"high_rule 只能是 {'、'.join(_HIGH_RULES)} 之一，而你给的是 {high_rule!r}。")
    if scheme not in _SCHEMES:
        raise CRMDataError(f"scheme 只能是 {'、'.join(_SCHEMES)} 之一，而你给的是 {scheme!r}。")


def relabel_rfm(rfm_frame: pd.DataFrame, *, high_rule: str = "score_mean", scheme: str = "cn8") -> pd.DataFrame:
    """The same customers and scores as ``rfm_frame`` (a result of :func:`rfm`), named with another rule.

    Only ``code`` and ``segment`` (and ``segment_en`` for ``rf_grid``) change; recency,
    frequency, monetary and the R, F, M scores do not depend on the rule or the scheme, so
    a classroom explorer re-segments without reading the transactions again.
    ``relabel_rfm(rfm(tx, d), high_rule=h, scheme=s)`` equals ``rfm(tx, d, high_rule=h, scheme=s)``.
    """
    _check_rule_and_scheme(high_rule, scheme)
    df = _require_frame(rfm_frame, "RFM 表")
    missing = [c for c in ("recency", "frequency", "monetary", "R", "F", "M") if c not in df.columns]
    if missing:
        raise CRMDataError(f"RFM 表缺少列：{'、'.join(missing)}。请传入 crmlab.segment.rfm(...) 的结果。")
    out = df[["recency", "frequency", "monetary", "R", "F", "M"]].copy()
    if scheme == "cn8":
        _label_cn8(out, high_rule)
    else:
        _label_rf_grid(out)
    out.attrs.update(df.attrs)
    out.attrs["scheme"] = scheme
    out.attrs["high_rule"] = high_rule
    return out


def _rfm_values(transactions: Any, asof: Any):
    """(customer ids, recency, frequency, monetary, asof day number) from raw transactions.

    Negative amounts are returns: they reduce monetary (never below 0) but are
    neither orders nor purchase dates; customers with returns only are left out.
    """
    codes, uniques, order_codes, days, amounts = _prepare_transactions(transactions)
    returns = amounts < 0
    has_returns = bool(returns.any())
    if has_returns:
        buy = ~returns
        if not buy.any():
            raise CRMDataError("交易数据里只有退货（金额全是负数），没有购买记录，无法计算 RFM。")
        all_codes, all_amounts = codes, amounts
        codes, days, amounts = codes[buy], days[buy], amounts[buy]
        order_codes = None if order_codes is None else order_codes[buy]
    n = len(uniques)

    last_day = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(last_day, codes, days)
    asof_day = _asof_day(asof, int(days.max()))
    recency = asof_day - last_day

    frequency = _distinct_orders(codes, order_codes, n)
    if has_returns:
        monetary = np.maximum(np.bincount(all_codes, weights=all_amounts, minlength=n), 0.0)
        keep = frequency > 0
        if not keep.all():
            uniques, recency, frequency, monetary = uniques[keep], recency[keep], frequency[keep], monetary[keep]
    else:
        monetary = np.bincount(codes, weights=amounts, minlength=n)
    return uniques, recency, frequency, monetary, asof_day


def _label_cn8(out: pd.DataFrame, high_rule: str) -> None:
    """Add ``code`` (H/L of R, F, M) and the eight Chinese ``segment`` names to an RFM frame."""
    r, f, m = (out[c].to_numpy() for c in ("R", "F", "M"))
    if high_rule == "score_mean":
        hr, hf, hm = r > r.mean(), f > f.mean(), m > m.mean()
    else:
        hr = _high(out["recency"].to_numpy(dtype="float64"), high_rule, lower_is_better=True)
        hf = _high(out["frequency"].to_numpy(dtype="float64"), high_rule)
        hm = _high(out["monetary"].to_numpy(dtype="float64"), high_rule)
    idx = hr.astype(np.int64) * 4 + hf.astype(np.int64) * 2 + hm.astype(np.int64)
    lookup_codes = np.array(["LLL", "LLH", "LHL", "LHH", "HLL", "HLH", "HHL", "HHH"], dtype=object)
    names = np.array([CN8_SEGMENTS[c] for c in lookup_codes], dtype=object)
    out["code"] = lookup_codes[idx]
    out["segment"] = pd.Categorical.from_codes(
        _reorder(idx, names, SEGMENT_ORDER["cn8"]), categories=SEGMENT_ORDER["cn8"], ordered=True
    )


def _label_rf_grid(out: pd.DataFrame) -> None:
    """Add ``code`` (R and F scores), ``segment`` (Chinese) and ``segment_en`` from the R x F grid."""
    r, f = out["R"].to_numpy(), out["F"].to_numpy()
    cell = (r - 1) * 5 + (f - 1)
    en = np.array([RF_GRID[(rr, ff)] for rr in range(1, 6) for ff in range(1, 6)], dtype=object)
    cn = np.array([RF_GRID_NAMES[e] for e in en], dtype=object)
    out["code"] = out["R"].astype(str).to_numpy(dtype=object) + out["F"].astype(str).to_numpy(dtype=object)
    out["segment"] = pd.Categorical.from_codes(
        _reorder(cell, cn, SEGMENT_ORDER["rf_grid"]), categories=SEGMENT_ORDER["rf_grid"], ordered=True
    )
    out["segment_en"] = en[cell]


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


def _reorder(idx: np.ndarray, names: np.ndarray, order: list[str]) -> np.ndarray:
    """Map lookup indices to category codes in ``order``."""
    pos = {name: i for i, name in enumerate(order)}
    table = np.array([pos[nm] for nm in names], dtype=np.int64)
    return table[idx]


def _require_rfm(frame: Any) -> pd.DataFrame:
    df = _require_frame(frame, "RFM 表")
    missing = [c for c in ("recency", "frequency", "monetary", "segment") if c not in df.columns]
    if missing:
        raise CRMDataError(
            f"RFM 表缺少列：{'、'.join(missing)}。请传入 crmlab.segment.rfm(...) 的结果。"
        )
    return df


def segment_summary(rfm_frame: pd.DataFrame) -> pd.DataFrame:
    """Per segment: customers, customer_share, revenue, revenue_share, mean values and scores, strategy.

    Segments keep the scheme order; every segment of the scheme appears (0 when empty).
    """
    df = _require_rfm(rfm_frame)
    seg = df["segment"]
    if isinstance(seg.dtype, pd.CategoricalDtype):
        categories = list(seg.cat.categories)
    else:
        scheme = df.attrs.get("scheme", "cn8")
        known = SEGMENT_ORDER.get(scheme, [])
        categories = [c for c in known if c in set(seg)] + sorted(set(seg) - set(known))
        seg = pd.Categorical(seg, categories=categories)
    g = df.groupby(seg, observed=False)
    out = pd.DataFrame(index=pd.Index(categories, name="segment"))
    out["customers"] = g.size().reindex(categories).fillna(0).astype(np.int64)
    total_c = out["customers"].sum()
    out["customer_share"] = out["customers"] / total_c if total_c else 0.0
    out["revenue"] = g["monetary"].sum().reindex(categories).fillna(0.0)
    total_r = out["revenue"].sum()
    out["revenue_share"] = out["revenue"] / total_r if total_r else 0.0
    cols = [c for c in ("recency", "frequency", "monetary", "R", "F", "M") if c in df.columns]
    means = g[cols].mean().reindex(categories)  # one pass over the groups for all six columns
    for col in cols:
        out[f"{col}_mean"] = means[col]
    out["strategy"] = [STRATEGIES.get(c, "") for c in categories]
    return out


# ---------------------------------------------------------------------------
# why segment: a budget demo
# ---------------------------------------------------------------------------

#: Assumed share of contacted customers who buy again, per RFM segment (demo figures).
DEFAULT_RESPONSE_RATES: dict[str, float] = {
    "重要价值客户": 0.30,
    "重要发展客户": 0.20,
    "重要保持客户": 0.15,
    "重要挽留客户": 0.08,
    "一般价值客户": 0.18,
    "一般发展客户": 0.10,
    "一般保持客户": 0.06,
    "一般挽留客户": 0.02,
}


def budget_allocation(
    summary: pd.DataFrame,
    budget: float,
    *,
    cost_per_contact: float = 10.0,
    response: Mapping[str, float] | None = None,
    value_col: str = "order_value",
) -> pd.DataFrame:
    """Compare a marketing budget spread evenly with one spent on the best segments.

    Every contacted customer costs ``cost_per_contact``; a contacted customer of a
    segment buys again with probability ``response[segment]`` and spends the
    segment's average order value (``monetary_mean / frequency_mean`` of a
    :func:`segment_summary`, or the column ``value_col`` when present).

    * even: the contacts are spread over all customers, in proportion to segment size;
    * targeted: contacts go to the segments with the highest expected return per
      contact first, each segment at most all its customers.

    Returns one row per segment with ``customers``, ``response_rate``,
    ``order_value``, ``expected_per_contact``, ``contacts_even``, ``spend_even``,
    ``return_even``, ``contacts_targeted``, ``spend_targeted``, ``return_targeted``;
    totals and ROI of both plans are in ``.attrs``.
    """
    df = _require_frame(summary, "客户群汇总表")
    budget, cost = _budget_money(budget, cost_per_contact)
    if "customers" not in df.columns:
        raise CRMDataError("客户群汇总表缺少 customers（客户数）列，请传入 segment_summary(...) 的结果。")
    rate = _response_rates(df, response)
    value = _order_values(df, value_col)
    customers = df["customers"].astype(float)
    total_customers = customers.sum()
    if total_customers <= 0:
        raise CRMDataError("客户群汇总表里一个客户也没有，无法分配预算。")

    n_contacts = min(budget / cost, total_customers)
    per_contact = rate * value
    even = customers / total_customers * n_contacts
    targeted = _targeted_contacts(per_contact, customers, n_contacts)
    out = pd.DataFrame(
        {
            "customers": customers.astype(np.int64),
            "response_rate": rate,
            "order_value": value,
            "expected_per_contact": per_contact,
            "contacts_even": even,
            "spend_even": even * cost,
            "return_even": even * per_contact,
            "contacts_targeted": targeted,
            "spend_targeted": targeted * cost,
            "return_targeted": targeted * per_contact,
        },
        index=df.index,
    )
    _add_plan_totals(out, budget=budget, spent=n_contacts * cost)
    return out


def _add_plan_totals(out: pd.DataFrame, *, budget: float, spent: float) -> None:
    """Store the budget, the money spent and the return and ROI of both plans in ``out.attrs``."""
    for plan in ("even", "targeted"):
        ret = float(out[f"return_{plan}"].sum())
        out.attrs[f"return_{plan}"] = ret
        out.attrs[f"roi_{plan}"] = (ret - spent) / spent if spent else 0.0
    out.attrs["budget"] = budget
    out.attrs["spent"] = spent


def _budget_money(budget: Any, cost_per_contact: Any) -> tuple[float, float]:
    """The budget and the cost per contact as positive finite floats."""
    try:
        budget = float(budget)
        cost = float(cost_per_contact)
    except (TypeError, ValueError) as exc:
        raise CRMDataError("预算和单次接触成本都必须是数字。") from exc
    if not np.isfinite(budget) or budget <= 0:
        raise CRMDataError(f"预算必须是大于 0 的数字，而你给的是 {budget:g}。")
    if not np.isfinite(cost) or cost <= 0:
        raise CRMDataError(f"单次接触成本必须是大于 0 的数字，而你给的是 {cost:g}。")
    return budget, cost


def _response_rates(df: pd.DataFrame, response: Mapping[str, float] | None) -> pd.Series:
    """Response rate per segment: the frame's column, ``response`` or the default demo rates."""
    rates = dict(DEFAULT_RESPONSE_RATES if response is None else response)
    if "response_rate" in df.columns and response is None:
        rate = df["response_rate"].astype(float)
    else:
        missing = [s for s in df.index if s not in rates]
        if missing:
            raise CRMDataError(f"没有给出这些客户群的响应率：{'、'.join(map(str, missing))}。")
        rate = pd.Series([float(rates[s]) for s in df.index], index=df.index)
    if ((rate < 0) | (rate > 1)).any():
        raise CRMDataError("响应率必须在 0 到 1 之间（例如 0.2 表示 20%）。")
    return rate


def _order_values(df: pd.DataFrame, value_col: str) -> pd.Series:
    """Average order value per segment (``value_col`` or monetary_mean / frequency_mean)."""
    if value_col in df.columns:
        value = df[value_col].astype(float)
    elif {"monetary_mean", "frequency_mean"} <= set(df.columns):
        value = (df["monetary_mean"] / df["frequency_mean"]).astype(float)
    else:
        raise CRMDataError("客户群汇总表需要 monetary_mean 和 frequency_mean 列（或 order_value 列）来估计客单价。")
    return value.fillna(0.0)


def _targeted_contacts(per_contact: pd.Series, customers: pd.Series, n_contacts: float) -> pd.Series:
    """Contacts per segment when the best expected return per contact is served first."""
    targeted = pd.Series(0.0, index=per_contact.index)
    left = n_contacts
    for seg in per_contact.sort_values(ascending=False, kind="stable").index:
        take = min(left, customers[seg])
        targeted[seg] = take
        left -= take
        if left <= 0:
            break
    return targeted


# ---------------------------------------------------------------------------
# demographic and behavioural segmentation
# ---------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------
# KMeans and psychographic segmentation live in crmlab.segment._kmeans
# ---------------------------------------------------------------------------

from crmlab.segment._kmeans import (  # noqa: E402 - re-exported, after the names it shares
    FEATURE_LABELS,
    SURVEY_LABELS,
    KMeansResult,
    choose_k,
    crosstab_segments,
    kmeans_segments,
    name_cluster,
    psychographic_segments,
    survey_item_label,
)

__all__ = [
    "CN8_SEGMENTS",
    "COLUMN_LABELS",
    "DEFAULT_RESPONSE_RATES",
    "FEATURE_LABELS",
    "MONEY_COLUMNS",
    "PERCENT_COLUMNS",
    "RF_GRID",
    "RF_GRID_NAMES",
    "SEGMENT_ORDER",
    "STRATEGIES",
    "SURVEY_LABELS",
    "KMeansResult",
    "age_band",
    "budget_allocation",
    "choose_k",
    "crosstab_segments",
    "customer_behaviour",
    "demographic_segments",
    "kmeans_segments",
    "label_columns",
    "loyalty_status",
    "name_cluster",
    "psychographic_segments",
    "quintile_scores",
    "relabel_rfm",
    "rfm",
    "segment_summary",
    "segment_table",
    "styled",
    "survey_item_label",
    "usage_rate",
]
