"""Why segment (lesson 3): a differentiated plan per segment against the same budget spread evenly.

:func:`budget_allocation` takes a :func:`crmlab.segment.segment_summary` and compares
spending a marketing budget on every customer alike with spending it on the segments
that return most per contact (the homework's differentiated plan).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.segment._base import _require_frame

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


__all__ = ["DEFAULT_RESPONSE_RATES", "budget_allocation"]
