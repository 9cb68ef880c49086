"""Names, labels and input checks shared by the :mod:`crmlab.value` sub-modules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from crmlab._checks import finite_number as _finite_number
from crmlab._checks import require_columns
from crmlab._checks import require_frame as _require_frame  # noqa: F401 - shared by the value modules
from crmlab._errors import CRMDataError
from crmlab.labels import pick

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

LABELS: dict[str, str] = {**pick((
    "product_value", "service_value", "personnel_value", "image_value", "money_cost", "time_cost",
    "energy_cost", "physical_cost", "total_value", "total_cost", "delivered_value", "value_cost_ratio",
    "best", "gross_profit", "volume", "service_cost", "satisfaction", "loyalty", "trust",
    "current_value", "potential_value", "clv_score", "rank", "period", "survival", "margin",
    "expected_margin", "discount_factor", "discounted_margin", "cumulative_clv", "frequency",
    "recency", "T", "monetary_value", "historical_value", "prob_alive", "expected_purchases",
    "expected_avg_value", "clv", "amount",
), "bgnbd"), **pick(("gross_profit", "quantity"), "value")}  # all from crmlab.labels

#: Weeks per month used to turn months into the weeks of the BG/NBD time unit.
WEEKS_PER_MONTH = 365.25 / 7 / 12


# ---------------------------------------------------------------------------
# Small validation helpers
# ---------------------------------------------------------------------------


def _require_columns(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    require_columns(df, columns, what, labels=LABELS)


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


def _rate(value: Any, name: str, *, upper: float | None, example: str = "0.1") -> float:
    number = _finite_number(value, name)
    if number < 0:
        raise CRMDataError(f"{name}不能为负数（收到 {number:g}）。请填写 0 到 1 之间的小数，例如 {example}。")
    if upper is not None and number > upper:
        hint = f"，例如 {number:g}% 应填 {number / 100:g}" if number <= 100 else ""
        raise CRMDataError(f"{name}应是 0 到 {upper:g} 之间的小数（收到 {number:g}）。如果填的是百分数，请除以 100{hint}。")
    return number
