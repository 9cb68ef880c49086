"""Credit policy simulator (信用政策模拟): is a looser credit policy worth it?"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.credit._common import check_fraction, check_nonnegative


@dataclass
class CreditPolicyResult:
    """``table``: rows = items (Chinese row labels such as 净收益), columns ``current_policy`` /
    ``new_policy`` / ``change`` (现行政策 / 新政策 / 变化).
    ``profit_change``: net profit change of the new policy (yuan).
    ``breakeven_increase``: sales increase (fraction) at which the new policy
    just breaks even (NaN when no increase can make it pay).
    ``curve``: net profit change for a range of sales increases (for the chart).
    """

    table: pd.DataFrame
    profit_change: float
    breakeven_increase: float
    sales_increase: float
    curve: pd.DataFrame


def _unit_profit(margin, days, bad_debt, collection, cost_of_capital, year_days, var_ratio):
    """Net profit per yuan of sales for a policy."""
    financing = days / year_days * cost_of_capital * var_ratio
    return margin - bad_debt - collection - financing


def credit_policy(
    sales,
    margin,
    sales_increase=0.15,
    current_days=30,
    new_days=60,
    current_bad_debt=0.01,
    new_bad_debt=0.03,
    current_collection_cost=0.005,
    new_collection_cost=0.01,
    cost_of_capital=0.10,
    variable_cost_ratio=1.0,
    year_days=360,
) -> CreditPolicyResult:
    """Compare the current credit policy with a looser (or tighter) one.

    For each policy with annual sales ``S`` and average collection period ``D`` days:

    * gross margin = S x ``margin`` (the margin on sales, a fraction);
    * receivables = S / ``year_days`` x D (daily sales x collection period);
    * financing cost = receivables x ``variable_cost_ratio`` x ``cost_of_capital``
      (``variable_cost_ratio=1`` finances the whole invoice value, as in the simple
      course formula; textbooks of financial management often use the variable
      cost ratio 1 - margin instead);
    * bad debts = S x bad-debt rate; collection cost = S x collection-cost rate;
    * net profit = gross margin - financing cost - bad debts - collection cost.

    The new policy has sales ``S x (1 + sales_increase)``.  All rates are fractions.
    """
    S = check_nonnegative(sales, "年销售额 sales", positive=True, upper=1e13)
    m = check_fraction(margin, "毛利率 margin")
    g = _check_increase(sales_increase)
    d0 = check_nonnegative(current_days, "现行平均收账期 current_days", upper=3650)
    d1 = check_nonnegative(new_days, "新政策平均收账期 new_days", upper=3650)
    b0 = check_fraction(current_bad_debt, "现行坏账率 current_bad_debt")
    b1 = check_fraction(new_bad_debt, "新政策坏账率 new_bad_debt")
    c0 = check_fraction(current_collection_cost, "现行收账费用率 current_collection_cost")
    c1 = check_fraction(new_collection_cost, "新政策收账费用率 new_collection_cost")
    k = check_fraction(cost_of_capital, "资金成本率 cost_of_capital")
    v = check_fraction(variable_cost_ratio, "变动成本率 variable_cost_ratio")
    yd = check_nonnegative(year_days, "全年天数 year_days", positive=True, upper=366)

    cur = _policy_items(S, d0, b0, c0, margin=m, var_ratio=v, cost_of_capital=k, year_days=yd)
    new = _policy_items(S * (1 + g), d1, b1, c1, margin=m, var_ratio=v, cost_of_capital=k, year_days=yd)
    table = pd.DataFrame({"current_policy": cur, "new_policy": new})
    table["change"] = table["new_policy"] - table["current_policy"]
    table.index.name = "item"
    u0 = _unit_profit(m, d0, b0, c0, k, yd, v)
    u1 = _unit_profit(m, d1, b1, c1, k, yd, v)
    breakeven = (u0 / u1 - 1) if u1 > 0 else float("nan")
    if u1 > 0 and breakeven <= -1:  # pragma: no cover - only when u0 <= 0
        breakeven = -1.0
    return CreditPolicyResult(
        table=table,
        profit_change=float(table.loc["净收益", "change"]),
        breakeven_increase=float(breakeven),
        sales_increase=g,
        curve=_profit_curve(S, g, u0, u1, breakeven),
    )


def _check_increase(sales_increase) -> float:
    """The sales increase as a fraction above -1 (refusing percent written as 15)."""
    try:
        g = float(sales_increase)
    except (TypeError, ValueError) as exc:
        raise CRMDataError(f"销售增长率 sales_increase 应该是一个小数，现在是「{sales_increase}」。") from exc
    if not np.isfinite(g) or g <= -1:
        raise CRMDataError(f"销售增长率 sales_increase 应该大于 -100%（写成小数，如 0.15），现在是 {g:g}。")
    if g > 10:
        raise CRMDataError(f"销售增长率 {g:g} 表示增长 {g:.0%}，不合常理；增长 15% 请写成 0.15。")
    return g


def _policy_items(sales, days, bad, coll, *, margin, var_ratio, cost_of_capital, year_days) -> dict:
    """The rows of the policy table for one policy."""
    receivable = sales / year_days * days
    gross = sales * margin
    fin = receivable * var_ratio * cost_of_capital
    return {
        "销售额": sales,
        "毛利": gross,
        "平均收账期（天）": days,
        "应收账款平均余额": receivable,
        "应收账款资金成本": fin,
        "坏账损失": sales * bad,
        "收账费用": sales * coll,
        "净收益": gross - fin - sales * bad - sales * coll,
    }


def _profit_curve(S: float, g: float, u0: float, u1: float, breakeven: float) -> pd.DataFrame:
    """Net profit change over a range of sales increases wide enough to show ``g`` and the break-even."""
    hi = max(0.5, 1.5 * g, (breakeven * 1.5) if np.isfinite(breakeven) else 0)
    grid = np.linspace(min(0.0, g), min(hi, 10.0), 101)
    return pd.DataFrame({"sales_growth": grid, "net_profit_change": S * (1 + grid) * u1 - S * u0})


__all__ = ["CreditPolicyResult", "credit_policy"]
