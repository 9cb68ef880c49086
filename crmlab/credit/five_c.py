"""5C credit scoring (品格、能力、资本、抵押、条件), grades, credit limits."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.credit._common import (
    check_fraction,
    check_nonnegative,
    require_columns,
    require_frame,
    to_numbers,
)
from crmlab.labels import pick

#: The five Cs with their Chinese names.
FIVE_C = {
    "character": "品格",
    "capacity": "能力",
    "capital": "资本",
    "collateral": "抵押",
    "conditions": "条件",
}

#: Which account facts feed each C.  ``collateral_coverage`` is derived (see
#: ``_collateral_coverage``): collateral_value / (exposure to us + the customer's other
#: debts), exposure = avg_monthly_sales x payment_terms_days / 30 (what the customer
#: will typically owe) or ``credit_limit``; a customer who owes us nothing scores full marks.
ITEMS = {
    "character": ("on_time_payment_rate", "late_payments_12m", "years_in_business"),
    "capacity": ("annual_revenue", "working_capital", "debt_ratio"),
    "capital": ("net_worth",),
    "collateral": ("collateral_coverage",),
    "conditions": ("industry_outlook",),
}

ITEM_NAMES = pick((
    "on_time_payment_rate", "late_payments_12m", "years_in_business", "annual_revenue",
    "working_capital", "debt_ratio", "net_worth", "collateral_coverage", "industry_outlook",
))

#: Default weights of the five Cs (sum 1).  One reasonable teaching choice, not a standard.
DEFAULT_WEIGHTS = {"character": 0.35, "capacity": 0.25, "capital": 0.20, "collateral": 0.10, "conditions": 0.10}

#: Default scales: each fact is mapped linearly (or on a log10 scale) from ``worst``
#: (0 points) to ``best`` (100 points) and clipped to 0-100.  ``worst`` may be larger
#: than ``best`` when less is better (late payments, debt ratio).  One reasonable
#: choice for teaching, not a standard: companies calibrate their own.  The money
#: scales fit the course company's business customers (restaurants, shops: annual
#: revenue around 2 million yuan), so that the grades spread over AAA..B instead of
#: piling up at the bottom.
DEFAULT_SCALES = {
    "on_time_payment_rate": {"worst": 0.30, "best": 1.00},
    "late_payments_12m": {"worst": 10, "best": 0},
    "years_in_business": {"worst": 0, "best": 10},
    "annual_revenue": {"worst": 2e5, "best": 5e6, "log": True},
    "working_capital": {"worst": 1e4, "best": 1e6, "log": True},
    "debt_ratio": {"worst": 0.90, "best": 0.30},
    "net_worth": {"worst": 5e4, "best": 3e6, "log": True},
    "collateral_coverage": {"worst": 0.0, "best": 1.0},
    "industry_outlook": {"worst": 1, "best": 5},
}

#: Default grade thresholds (lower bounds); below the last one the grade is ``B``.
DEFAULT_GRADES = {"AAA": 90, "AA": 80, "A": 70, "BBB": 60, "BB": 50}
LOWEST_GRADE = "B"

#: Share of the base limit granted per grade (a teaching choice).
DEFAULT_GRADE_FACTORS = {"AAA": 1.2, "AA": 1.0, "A": 0.8, "BBB": 0.6, "BB": 0.3, "B": 0.0}

# plausible ranges for the raw facts: outside -> Chinese error
_RANGES = {
    "on_time_payment_rate": (0.0, 1.0, "按时付款率应在 0~1 之间（例如 95% 写成 0.95）"),
    "late_payments_12m": (0, 366, "近12个月逾期次数应是 0~366 之间的次数"),
    "years_in_business": (0, 300, "经营年限应是 0~300 年"),
    "annual_revenue": (0, 1e13, "年营业收入不能为负，也不能大得离谱"),
    "working_capital": (-1e13, 1e13, "营运资金数额大得离谱"),
    "debt_ratio": (0.0, 5.0, "资产负债率应写成小数（例如 60% 写成 0.6）"),
    "net_worth": (-1e13, 1e13, "净资产数额大得离谱"),
    "collateral_value": (0, 1e13, "抵押品价值不能为负"),
    "industry_outlook": (1, 5, "行业前景应是 1~5 的评分"),
    "avg_monthly_sales": (0, 1e12, "月均销售额不能为负"),
    "payment_terms_days": (0, 3650, "账期天数应在 0~3650 天之间"),
    "credit_limit": (0, 1e13, "信用额度不能为负"),
}

_RAW = (
    "on_time_payment_rate",
    "late_payments_12m",
    "years_in_business",
    "annual_revenue",
    "working_capital",
    "debt_ratio",
    "net_worth",
    "collateral_value",
    "industry_outlook",
)


def grade_of(score, thresholds=None) -> str:
    """Grade for a 0-100 score: the highest grade whose lower bound the score reaches."""
    th = _thresholds(thresholds)
    try:
        s = float(score)
    except (TypeError, ValueError) as exc:
        raise CRMDataError(f"分数应该是 0-100 的数字，现在是「{score}」。") from exc
    for name, low in th:
        if s >= low:
            return name
    return LOWEST_GRADE


def _thresholds(thresholds):
    try:
        th = dict(DEFAULT_GRADES if thresholds is None else thresholds)
        items = sorted(((str(k), float(v)) for k, v in th.items()), key=lambda kv: -kv[1])
    except (TypeError, ValueError) as exc:
        raise CRMDataError("等级门槛 thresholds 应该是 {等级: 最低分} 的字典，例如 {'AAA': 90, 'AA': 80}。") from exc
    return items


def _scale_value(x: pd.Series, spec: dict) -> pd.Series:
    try:
        worst, best = float(spec["worst"]), float(spec["best"])
    except (KeyError, TypeError, ValueError) as exc:
        raise CRMDataError("评分尺度的 worst 和 best 都要填数字。") from exc
    if not (math.isfinite(worst) and math.isfinite(best)):
        raise CRMDataError("评分尺度的 worst 和 best 不能是空值或无穷大。")
    if worst == best:
        raise CRMDataError("评分尺度的最差值 worst 和最好值 best 不能相同。")
    x = x.astype(float)
    if spec.get("log"):
        if worst <= 0 or best <= 0:
            raise CRMDataError("对数尺度（log）的 worst 和 best 都要大于 0。")
        x = np.log10(x.where(x > 0, worst))
        worst, best = math.log10(worst), math.log10(best)
    s = (x - worst) / (best - worst) * 100
    return s.clip(0, 100)


def _facts(accounts: pd.DataFrame) -> pd.DataFrame:
    acc = require_frame(accounts, "客户信用档案 accounts")
    require_columns(acc, _RAW, "客户信用档案 accounts")
    if acc.empty:
        raise CRMDataError("客户信用档案是空的，没有可以评分的客户。")
    f = pd.DataFrame(index=acc.index)
    for col in (*_RAW, "avg_monthly_sales", "payment_terms_days", "credit_limit"):
        if col in acc.columns:
            f[col] = to_numbers(acc[col], col, "客户信用档案 accounts")
    for col, (lo, hi, msg) in _RANGES.items():
        if col in f.columns:
            bad = f[col].notna() & ((f[col] < lo) | (f[col] > hi) | ~np.isfinite(f[col]))
            if bad.any():
                rows = list(acc.index[bad])[:5]
                ids = acc.loc[rows, "customer_id"].astype(str).tolist() if "customer_id" in acc.columns else rows
                raise CRMDataError(f"{msg}；有问题的客户：{'、'.join(map(str, ids))}（值：{f.loc[rows, col].tolist()}）。")
    f["collateral_coverage"] = _collateral_coverage(f)
    return f


def _collateral_coverage(f: pd.DataFrame) -> pd.Series:
    """Collateral / the debts it has to secure, graded; 1 (full marks) when there is nothing to secure.

    * exposure to us: ``avg_monthly_sales x payment_terms_days / 30`` (what the customer
      typically owes on its terms), or ``credit_limit`` when that is 0 or unknown;
    * the customer's other debts: ``net_worth x debt_ratio / (1 - debt_ratio)`` (its
      liabilities, from the balance sheet: assets = net worth / (1 - debt ratio));
      a debt ratio of 1 or more (debts at least as large as the assets) leaves nothing
      for the collateral to cover them with: coverage 0;
    * coverage = collateral / (exposure + other debts): collateral worth half of all the
      debts is 0.5 (50 points on the default scale), fully covered debts score 100.

    A customer that owes us nothing (a cash customer) or has no debts at all scores 1.
    Other debts are unknown without a positive net worth (they count as 0); with neither
    exposure nor balance sheet known only "some collateral" (1) or "none" (0) is left.
    A larger net worth at the same debt ratio means larger debts, so the collateral
    covers a smaller share of them (the capital C rewards the net worth itself).
    """
    exposure = pd.Series(np.nan, index=f.index)
    if "avg_monthly_sales" in f.columns and "payment_terms_days" in f.columns:
        exposure = f["avg_monthly_sales"] * f["payment_terms_days"] / 30
    if "credit_limit" in f.columns:
        exposure = exposure.where(exposure > 0, f["credit_limit"])
    ratio, worth = f["debt_ratio"], f["net_worth"]
    other = (worth * ratio / (1 - ratio).where(ratio < 1)).where(worth > 0)
    other = other.where(ratio < 1, np.inf)
    debts = exposure.fillna(0.0) + other.fillna(0.0)
    has_collateral = (f["collateral_value"] > 0).astype(float)
    cov = (f["collateral_value"] / debts.where(debts > 0)).fillna(1.0)  # no debts at all: nothing to secure
    cov = cov.where(exposure.notna() | other.notna(), has_collateral)
    return cov.where(~(exposure == 0), 1.0)  # nothing owed to us: nothing to secure


def score_5c(accounts, weights=None, scales=None, thresholds=None) -> pd.DataFrame:
    """Score each account on the five Cs, 0-100, with a grade and Chinese reasons.

    Each fact is mapped to 0-100 by its scale (see :data:`DEFAULT_SCALES`;
    ``scales`` overrides some of them), a C's sub-score is the mean of its facts
    (a missing fact counts 0 points: no information, no credit), the total is
    the weighted mean of the five Cs (``weights``, see :data:`DEFAULT_WEIGHTS`,
    normalised to sum 1).  Grade by ``thresholds`` (see :data:`DEFAULT_GRADES`).

    Returns one row per account: customer_id (if present), the five sub-scores
    (columns ``character`` ... ``conditions``, Chinese names in :data:`FIVE_C`), ``score``, ``grade``,
    ``strongest``, ``weakest`` and ``reason`` (Chinese).
    """
    accounts = require_frame(accounts, "客户信用档案 accounts").reset_index(drop=True)  # repeated labels (concat)
    f = _facts(accounts)
    w = _weights(weights)
    total_w = sum(w.values())
    sc = _scales(scales)
    items = pd.DataFrame({k: _scale_value(f[k], sc[k]).fillna(0.0) for k in sc}, index=f.index)
    out = pd.DataFrame(index=f.index)
    acc = accounts
    if "customer_id" in acc.columns:
        out["customer_id"] = acc["customer_id"].astype(str)
    for c, cols in ITEMS.items():
        out[c] = items[list(cols)].mean(axis=1).round(1)
    raw = sum(items[list(cols)].mean(axis=1) * w[c] for c, cols in ITEMS.items()) / total_w
    out["score"] = raw.round(1)
    out["grade"] = [grade_of(s, thresholds) for s in out["score"]]
    subs = out[list(ITEMS)]
    out["strongest"] = subs.idxmax(axis=1).map(FIVE_C)  # the Chinese name of the C (a value shown as it is)
    out["weakest"] = subs.idxmin(axis=1).map(FIVE_C)
    out["reason"] = _reasons(out, items)
    return out.reset_index(drop=True)


def _weights(weights) -> dict[str, float]:
    """The five weights (defaults updated by ``weights``), checked: numbers, not negative, not all 0."""
    w = dict(DEFAULT_WEIGHTS)
    if weights is not None:
        unknown = [k for k in weights if k not in FIVE_C]
        if unknown:
            raise CRMDataError(f"权重里有未知的项：{'、'.join(map(str, unknown))}。可用的是：{'、'.join(FIVE_C)}。")
        w.update(weights)
    for k, v in w.items():
        try:
            v = float(v)
        except (TypeError, ValueError) as exc:
            raise CRMDataError(f"{FIVE_C[k]}的权重应该是数字。") from exc
        if not math.isfinite(v) or v < 0:
            raise CRMDataError(f"{FIVE_C[k]}的权重不能是负数（现在是 {v:g}）。")
        w[k] = v
    if sum(w.values()) <= 0:
        raise CRMDataError("五个权重不能全部为 0。")
    return w


def _scales(scales) -> dict[str, dict]:
    """The default scales updated by ``scales`` (a dict of partial specs)."""
    sc = {k: dict(v) for k, v in DEFAULT_SCALES.items()}
    if scales is not None:
        for k, spec in scales.items():
            if k not in sc:
                raise CRMDataError(f"评分尺度里有未知的项：{k}。可用的是：{'、'.join(sc)}。")
            if not isinstance(spec, dict):
                raise CRMDataError(f"评分尺度 {k} 应写成字典，例如 {{'worst': 0.5, 'best': 1.0}}。")
            sc[k].update(spec)
    return sc


def _reasons(out: pd.DataFrame, items: pd.DataFrame) -> list[str]:
    """One Chinese sentence per account: strongest C, weakest C and its weakest fact."""
    reasons = []
    for idx in out.index:
        strong, weak = out.at[idx, "strongest"], out.at[idx, "weakest"]
        strong_c = next(c for c, n in FIVE_C.items() if n == strong)
        weak_c = next(c for c, n in FIVE_C.items() if n == weak)
        weak_item = min(ITEMS[weak_c], key=lambda it: items.at[idx, it])
        reasons.append(
            f"优势：{strong}（{out.at[idx, strong_c]:.0f}分）；"
            f"短板：{weak}（{out.at[idx, weak_c]:.0f}分，主要是{ITEM_NAMES[weak_item]}）"
        )
    return reasons


LIMIT_METHODS = ("net_worth", "working_capital", "sales", "combined")
_LIMIT_COLUMNS = {"net_worth": "by_net_worth", "working_capital": "by_working_capital", "sales": "by_sales"}
#: the Chinese names of the three limit methods (used in the notes)
_METHOD_NAMES = {"by_net_worth": "净资产法", "by_working_capital": "营运资金法", "by_sales": "销售额法"}


def credit_limit(
    accounts,
    method: str = "combined",
    net_worth_share: float = 0.10,
    working_capital_share: float = 0.20,
    terms_days=None,
    combine="min",
    grade_factors=None,
    round_to: float = 100,
    **score_kw,
) -> pd.DataFrame:
    """Credit limit (信用额度) per account by the usual methods, scaled by grade.

    * 净资产法: ``net_worth_share`` x net worth;
    * 营运资金法: ``working_capital_share`` x working capital;
    * 销售额法: average monthly sales x terms / 30 (terms in days: ``terms_days``
      or the account's ``payment_terms_days``).

    ``method`` picks one of ``"net_worth"``, ``"working_capital"``, ``"sales"``,
    or ``"combined"`` = ``combine`` of the three: ``"min"`` (prudent, default),
    ``"mean"``, or a dict of weights.  The base limit (negative -> 0) is
    multiplied by the grade's factor (:data:`DEFAULT_GRADE_FACTORS`; grade from
    :func:`score_5c` with ``score_kw``) and rounded down to ``round_to`` yuan.
    A limit of 0 has a cause written in the column ``limit_note``: grade factor 0
    (cash only), or a method with a non-positive basis (e.g. negative working
    capital, or no purchases in the last year) under the prudent ``"min"`` rule.
    """
    if method not in LIMIT_METHODS:
        raise CRMDataError(f"额度方法 method 只能是 {'、'.join(LIMIT_METHODS)} 之一，现在是「{method}」。")
    acc = require_frame(accounts, "客户信用档案 accounts").reset_index(drop=True)  # repeated labels (concat)
    nw = check_fraction(net_worth_share, "净资产比例 net_worth_share")
    wc = check_fraction(working_capital_share, "营运资金比例 working_capital_share")
    scored = score_5c(acc, **score_kw)
    f = _facts(acc)
    limits = _method_limits(acc, f, nw, wc, terms_days)
    base = _combine_limits(limits, method, combine)
    factors = _grade_factors(grade_factors)
    round_to = check_nonnegative(round_to if round_to is not None else 0, "取整单位 round_to", upper=1e9)
    out = pd.DataFrame(index=f.index)
    if "customer_id" in acc.columns:
        out["customer_id"] = acc["customer_id"].astype(str)
    out = pd.concat([out, limits], axis=1)
    out["base_limit"] = base
    out["score"] = scored["score"].values
    out["grade"] = scored["grade"].values
    missing = sorted(set(out["grade"]) - set(factors))
    if missing:
        raise CRMDataError(f"等级系数 grade_factors 缺少等级：{'、'.join(missing)}。")
    out["grade_factor"] = out["grade"].map(factors).astype(float)
    step = float(round_to) if round_to else 1.0
    out["credit_limit"] = np.floor(out["base_limit"] * out["grade_factor"] / step) * step
    out["limit_note"] = _limit_notes(out, method, combine)
    return out.reset_index(drop=True)


def _method_limits(acc: pd.DataFrame, f: pd.DataFrame, nw: float, wc: float, terms_days) -> pd.DataFrame:
    """The limit by each of the three methods (negative -> 0, missing -> 0)."""
    need = ["avg_monthly_sales"] + ([] if terms_days is not None else ["payment_terms_days"])
    require_columns(acc, need, "客户信用档案 accounts")
    if terms_days is not None:
        terms = pd.Series(check_nonnegative(terms_days, "账期天数 terms_days", upper=3650), index=f.index)
    else:
        terms = f["payment_terms_days"]
    return pd.DataFrame(
        {
            "by_net_worth": (f["net_worth"] * nw).clip(lower=0),
            "by_working_capital": (f["working_capital"] * wc).clip(lower=0),
            "by_sales": (f["avg_monthly_sales"] * terms / 30).clip(lower=0),
        }
    ).fillna(0.0)


def _combine_limits(limits: pd.DataFrame, method: str, combine) -> pd.Series:
    """The base limit: one method's column, or the min / mean / weighted mean of the three."""
    col = _LIMIT_COLUMNS
    if method != "combined":
        return limits[col[method]]
    if isinstance(combine, dict):
        unknown = [k for k in combine if k not in col]
        if unknown:
            raise CRMDataError(f"组合权重只能用 net_worth、working_capital、sales，发现了：{'、'.join(unknown)}。")
        try:
            ws = {col[k]: float(v) for k, v in combine.items()}
        except (TypeError, ValueError) as exc:
            raise CRMDataError("组合权重应该都是数字，例如 {'net_worth': 1, 'sales': 2}。") from exc
        if any(not math.isfinite(v) or v < 0 for v in ws.values()) or sum(ws.values()) <= 0:
            raise CRMDataError("组合权重不能为负，且不能全部为 0。")
        return sum(limits[k] * v for k, v in ws.items()) / sum(ws.values())
    if combine == "min":
        return limits.min(axis=1)
    if combine == "mean":
        return limits.mean(axis=1)
    raise CRMDataError("combine 只能是 'min'、'mean' 或权重字典。")


def _grade_factors(grade_factors) -> dict[str, float]:
    """Grade -> limit factor (defaults when ``None``), each between 0 and 10."""
    try:
        factors = {str(k): float(v) for k, v in dict(DEFAULT_GRADE_FACTORS if grade_factors is None
                                                     else grade_factors).items()}
    except (TypeError, ValueError) as exc:
        raise CRMDataError("等级系数 grade_factors 应写成 {等级: 系数} 的字典，系数是数字，例如 {'AAA': 1.2}。") from exc
    bad_f = [k for k, v in factors.items() if not math.isfinite(v) or v < 0 or v > 10]
    if bad_f:
        raise CRMDataError(f"等级系数应在 0~10 之间（0 表示不赊销），这些等级的系数不对：{'、'.join(bad_f)}。")
    return factors


def _limit_notes(out: pd.DataFrame, method: str, combine) -> list[str]:
    """Chinese one-line explanation of each limit, zero limits first by cause."""
    col = _LIMIT_COLUMNS
    used = [col[method]] if method != "combined" else (
        [col[k] for k, v in combine.items() if float(v) > 0] if isinstance(combine, dict) else list(col.values())
    )
    zero_reason = {
        "by_net_worth": "净资产 ≤ 0：净资产法额度为 0",
        "by_working_capital": "营运资金 ≤ 0：短期偿债能力不足",
        "by_sales": "没有月均采购额或账期为 0：没有赊销需求",
    }
    notes = []
    for idx in out.index:
        if out.at[idx, "grade_factor"] <= 0:
            notes.append(f"{out.at[idx, 'grade']} 级：只做现金交易")
        elif out.at[idx, "base_limit"] <= 0:
            zeros = [m for m in used if out.at[idx, m] <= 0]
            notes.append("；".join(zero_reason[m] for m in zeros) if zeros else "基础额度为 0")
        elif out.at[idx, "credit_limit"] <= 0:
            notes.append("不足取整单位（默认 100 元），记为 0")
        elif method == "combined" and combine == "min":
            binding = min(used, key=lambda m: out.at[idx, m])
            notes.append(f"取{_METHOD_NAMES[binding]} × 等级系数 {out.at[idx, 'grade_factor']:.1f}")
        else:
            notes.append(f"基础额度 × 等级系数 {out.at[idx, 'grade_factor']:.1f}")
    return notes


def over_limit(accounts, invoices, asof, limit_col: str = "credit_limit") -> pd.DataFrame:
    """Accounts whose open receivables at ``asof`` exceed their credit limit.

    ``accounts`` needs ``customer_id`` and ``limit_col`` (e.g. the ``credit_limit``
    column of the data or of :func:`credit_limit`).  Returns every account with
    ``balance`` (应收余额), ``current_limit`` (信用额度), ``excess`` (超出金额) and the flag
    ``over_limit``; sorted by excess.
    """
    from crmlab.credit.receivables import aging

    acc = require_frame(accounts, "客户信用档案 accounts")
    require_columns(acc, ("customer_id", limit_col), "客户信用档案 accounts")
    tab = aging(invoices, asof)
    out = pd.DataFrame({"customer_id": acc["customer_id"].astype(str).values})
    out["current_limit"] = to_numbers(acc[limit_col], limit_col, "客户信用档案 accounts").values
    out["balance"] = out["customer_id"].map(tab["合计"]).fillna(0.0).astype(float)
    out["excess"] = (out["balance"] - out["current_limit"]).clip(lower=0).fillna(0.0)
    out["over_limit"] = out["balance"] > out["current_limit"]
    return out.sort_values(["excess", "customer_id"], ascending=[False, True]).reset_index(drop=True)


__all__ = [
    "DEFAULT_GRADES",
    "DEFAULT_GRADE_FACTORS",
    "DEFAULT_SCALES",
    "DEFAULT_WEIGHTS",
    "FIVE_C",
    "ITEM_NAMES",
    "LOWEST_GRADE",
    "credit_limit",
    "grade_of",
    "over_limit",
    "score_5c",
]
