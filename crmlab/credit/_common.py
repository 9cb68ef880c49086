"""Small input checks shared by the credit functions (Chinese messages)."""

from __future__ import annotations

import pandas as pd

from crmlab import _checks
from crmlab._checks import require_columns  # noqa: F401 - the credit modules import it from here
from crmlab._errors import CRMDataError


def require_frame(df, what: str) -> pd.DataFrame:
    """A DataFrame (empty allowed: an empty ledger is a valid, if dull, answer)."""
    return _checks.require_frame(df, what, allow_empty=True)


def to_timestamp(value, what: str = "日期") -> pd.Timestamp:
    return _checks.to_timestamp(value, what, normalize=True)


def to_dates(series: pd.Series, column: str, what: str) -> pd.Series:
    out = pd.to_datetime(series, errors="coerce")
    bad = series.notna() & out.isna()
    if bad.any():
        rows = ", ".join(map(str, list(series.index[bad])[:5]))
        raise CRMDataError(f"{what} 的列 {column} 中有无法识别的日期（行 {rows}），请改成 '2025-03-31' 这样的格式。")
    return out.dt.normalize()


def to_numbers(series: pd.Series, column: str, what: str) -> pd.Series:
    out = pd.to_numeric(series, errors="coerce")
    bad = series.notna() & out.isna()
    if bad.any():
        rows = ", ".join(map(str, list(series.index[bad])[:5]))
        raise CRMDataError(f"{what} 的列 {column} 中有不是数字的值（行 {rows}），请改成数字。")
    return out.astype(float)


def check_fraction(value, name: str, *, allow_one: bool = True) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise CRMDataError(f"{name} 应该是一个数字（小数），现在是「{value}」。") from exc
    if v != v:
        raise CRMDataError(f"{name} 不能为空。")
    if v < 0:
        raise CRMDataError(f"{name} 不能是负数（现在是 {v:g}）。")
    if v > 1 or (not allow_one and v == 1):
        raise CRMDataError(
            f"{name} 应该写成小数（0~1 之间），例如 5% 写成 0.05；现在是 {v:g}，是不是写成了百分数？"
        )
    return v


def check_int(value, name: str, *, low: int, high: int | None = None) -> int:
    """A whole number in [low, high] or a Chinese CRMDataError."""
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise CRMDataError(f"{name} 应该是一个整数，现在是「{value}」。") from exc
    if v != v or v != int(v):
        raise CRMDataError(f"{name} 应该是一个整数，现在是「{value}」。")
    v = int(v)
    if v < low or (high is not None and v > high):
        rng = f"{low}~{high}" if high is not None else f"不小于 {low}"
        raise CRMDataError(f"{name} 应在 {rng} 之间，现在是 {v}。")
    return v


def check_nonnegative(value, name: str, *, positive: bool = False, upper: float | None = None) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise CRMDataError(f"{name} 应该是一个数字，现在是「{value}」。") from exc
    if v != v:
        raise CRMDataError(f"{name} 不能为空。")
    if v < 0 or (positive and v == 0):
        word = "大于 0" if positive else "不小于 0"
        raise CRMDataError(f"{name} 应该{word}，现在是 {v:g}。")
    if upper is not None and v > upper:
        raise CRMDataError(f"{name} 太大了（{v:g}），不合常理，请检查（上限 {upper:g}）。")
    return v
