"""Shared input checks: each turns bad input into a :class:`CRMDataError` with a Chinese message."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.course import COURSE_DATE


def require_frame(df: Any, what: str, *, allow_empty: bool = False, hint: str = "") -> pd.DataFrame:
    """``df`` itself when it is a DataFrame (with rows, unless ``allow_empty``)."""
    if not isinstance(df, pd.DataFrame):
        raise CRMDataError(f"{what}应当是一个 pandas 表格（DataFrame），而你给的是 {type(df).__name__}。{hint}")
    if not allow_empty and df.empty:
        raise CRMDataError(f"{what}是空的（0 行），无法计算。请检查文件是否读对，或筛选条件是否太严。")
    return df


def require_columns(df: pd.DataFrame, columns, what: str, labels: dict | None = None) -> None:
    """Raise when ``df`` lacks any of ``columns``; ``labels`` adds a Chinese name to each missing column."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        labels = labels or {}
        names = "、".join(f"{c}（{labels[c]}）" if c in labels else str(c) for c in missing)
        raise CRMDataError(
            f"{what}缺少列：{names}。现有的列是：{'、'.join(map(str, df.columns))}。"
            "请补上这些列，或检查列名是否拼写正确。"
        )


def _rows(index, mask) -> str:
    return ", ".join(map(str, list(index[mask])[:5]))


def to_timestamp(value: Any, name: str, *, normalize: bool = False) -> pd.Timestamp:
    """``value`` as a tz-naive Timestamp (midnight when ``normalize``)."""
    if value is None or value is Ellipsis:
        raise CRMDataError(f"请给出{name}，例如 \"{COURSE_DATE}\"。")
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise CRMDataError(f"{name} {value!r} 不是有效的日期，请写成 \"{COURSE_DATE}\" 这样的格式。") from exc
    if pd.isna(ts):
        raise CRMDataError(f"{name}是空的，请写成 \"{COURSE_DATE}\" 这样的日期。")
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts.normalize() if normalize else ts


def parse_dates(series: pd.Series, what: str) -> pd.Series:
    """A column as datetime64; unreadable dates raise an error naming the rows."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return pd.to_datetime(series)
    # "mixed": parse each text on its own, without a format-guessing warning
    out = pd.to_datetime(series, errors="coerce", format="mixed")
    bad = series.notna() & out.isna()
    if bad.any():
        raise CRMDataError(
            f"{what}有无法识别的日期（行 {_rows(series.index, bad)}）。请把日期写成 2025-01-31 这样的格式。"
        )
    return out


def to_numbers(series: pd.Series, what: str) -> pd.Series:
    """A column as floats; text such as "¥1,200" raises an error naming the rows."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series.astype(float)
    out = pd.to_numeric(series, errors="coerce")
    bad = series.notna() & out.isna()
    if bad.any():
        example = series[bad].iloc[0]
        raise CRMDataError(
            f"{what}有不是数字的值（行 {_rows(series.index, bad)}，例如 {example!r}）。"
            "请只写数字，去掉“¥”“元”和千位分隔的逗号，例如把 \"¥1,200\" 改成 1200。"
        )
    return out.astype(float)


def finite_number(value: Any, name: str) -> float:
    """``value`` as a finite float."""
    if isinstance(value, bool) or value is None or value is Ellipsis:
        raise CRMDataError(f"{name}应该是一个数字，现在是 {value!r}。")
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise CRMDataError(f"{name}应该是一个数字，现在是 {value!r}。") from exc
    if not math.isfinite(number):
        raise CRMDataError(f"{name}不能是无穷大或空值，请填写一个普通的数字。")
    return number


def int_param(value: Any, name: str, *, minimum: int, maximum: int | None = None) -> int:
    """``value`` as an int within ``[minimum, maximum]``."""
    if isinstance(value, bool) or value is None:
        raise CRMDataError(f"参数 {name} 应该是整数，现在是 {value!r}。")
    try:
        f = float(value)
    except (TypeError, ValueError) as exc:
        raise CRMDataError(f"参数 {name} 应该是整数，现在是 {value!r}。") from exc
    if not math.isfinite(f) or f != int(f):
        raise CRMDataError(f"参数 {name} 应该是整数，现在是 {value!r}。")
    v = int(f)
    if v < minimum or (maximum is not None and v > maximum):
        upper = f"、不大于 {maximum}" if maximum is not None else ""
        raise CRMDataError(f"参数 {name} = {v} 不合理：应不小于 {minimum}{upper}。")
    return v
