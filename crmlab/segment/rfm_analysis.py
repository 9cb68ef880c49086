"""RFM analysis (lesson 3): recency, frequency and monetary scores and the segments they name.

* :func:`quintile_scores` -- tie-aware scores 1-5 (equal values share a score);
* :func:`rfm` -- one row per customer with R, F, M scores and a segment, under the
  eight Chinese segments (``cn8``, :data:`CN8_SEGMENTS`) or the R x F grid (``rf_grid``);
* :func:`relabel_rfm` -- the same scores named with another rule or scheme;
* :func:`segment_summary` -- size, value and suggested strategy per segment.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.segment._base import (
    CN8_SEGMENTS,
    _asof_day,
    _bad_rows,
    _distinct_orders,
    _prepare_transactions,
    _require_frame,
)

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


__all__ = [
    "CN8_SEGMENTS",
    "RF_GRID",
    "RF_GRID_NAMES",
    "SEGMENT_ORDER",
    "STRATEGIES",
    "quintile_scores",
    "relabel_rfm",
    "rfm",
    "segment_summary",
]
