"""Small text helpers shared by the readers: cleaning header names, showing values and rows."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

_NA_TOKENS = frozenset(
    {"nan", "NaN", "NAN", "null", "NULL", "Null", "None", "none", "NA", "N/A", "n/a", "#N/A", "#NULL!", "NaT"}
)


_MAX_ROWS_LISTED = 10

_STR_DTYPE: Any = "str" if int(pd.__version__.split(".")[0]) >= 3 else object


# BOM, zero-width characters, no-break and ideographic (full-width) space; built with chr()
# so that no string literal holds glyphs a chart font cannot draw
_BOM = chr(0xFEFF)

_INVISIBLE = "".join(map(chr, (0xFEFF, 0x200B, 0x200C, 0x200D, 0x2060, 0x00A0, 0x3000)))


def _clean_name(name: Any) -> str:
    """Display form of a header cell: stripped of spaces, BOM, full-width spaces."""
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return ""
    if isinstance(name, float) and name.is_integer():
        name = int(name)
    text = str(name).replace(_BOM, "")
    return text.strip(" \t\r\n" + _INVISIBLE)


def _key(name: str) -> str:
    """Matching key of a column name: NFKC, lower case, no spaces/_/-/./unit suffix."""
    text = unicodedata.normalize("NFKC", name).strip().lower()
    text = re.sub(r"\s*[\(\[【].*?[\)\]】]\s*$", "", text)  # 金额（元）, amount (rmb)
    return re.sub(r"[\s_\-\.·/\\:：]+", "", text)


def _rows_text(rows: Iterable[Any], excel: bool) -> str:
    rows = list(rows)
    shown = "、".join(str(r) for r in rows[:_MAX_ROWS_LISTED])
    more = f" 等共 {len(rows)} 行" if len(rows) > _MAX_ROWS_LISTED else ""
    if excel:
        return f"第 {shown} 行{more}"
    return f"索引为 {shown} 的行{more}"


def _names_text(names: Iterable[Any], limit: int = 30) -> str:
    """Column names for a message: quoted, each cut to 20 characters, at most ``limit`` of them."""
    names = list(names)
    shown = "、".join(f"「{n if len(str(n)) <= 20 else str(n)[:20] + '…'}」" for n in names[:limit])
    return shown + (f" 等共 {len(names)} 列" if len(names) > limit else "")


def _show_value(v: Any) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
        return "（空）"
    text = str(v)
    if not text.strip():
        return "（空）"
    return f"「{text if len(text) <= 30 else text[:30] + '…'}」"


_WS = " \t\r\n" + _INVISIBLE


def _has_edge_ws(joined: str) -> bool:
    """Does some value (in a NUL-joined string) start or end with whitespace?"""
    if not joined:
        return False
    if joined[0] in _WS or joined[-1] in _WS:
        return True
    if not any(c in joined for c in _WS):  # single-character scans are very fast
        return False
    return any(("\x00" + c) in joined or (c + "\x00") in joined for c in _WS)


def _joined(s: pd.Series) -> str:
    """All non-missing strings of ``s`` joined by NUL: one C-level scan finds rare patterns."""
    arr = s.to_numpy(dtype=object)
    return "\x00".join(arr[~s.isna().to_numpy(dtype=bool)].tolist())


def _has_empty(joined: str, n_present: int) -> bool:
    """Does some value (in a NUL-joined string of ``n_present`` values) equal ""?"""
    if n_present == 0:
        return False
    return joined == "" or joined[0] == "\x00" or joined[-1] == "\x00" or "\x00\x00" in joined


def _is_blank_cell(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and v != v:
        return True
    return isinstance(v, str) and not v.strip(" \t\r\n" + _INVISIBLE)


@dataclass
class _Table:
    names: list[str]  # cleaned header names, by position (may repeat)
    frame: pd.DataFrame  # columns 0..k-1 by position
    rows: np.ndarray  # row labels: Excel row numbers or DataFrame index labels
    label: str  # e.g. 「orders.csv」
    excel_rows: bool
    text: bool = False  # read from CSV text: every cell is a string
