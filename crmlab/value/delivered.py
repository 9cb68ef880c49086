"""Customer delivered value (客户让渡价值): total customer value minus total customer cost."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.value._common import COST_PARTS, LABELS, VALUE_PARTS, _numeric_columns, _require_columns, _require_frame


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


__all__ = ["delivered_value"]
