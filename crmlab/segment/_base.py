"""Shared pieces of :mod:`crmlab.segment`: the eight RFM segment names and input checks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crmlab._checks import require_frame

#: H/L code in R, F, M order -> Chinese segment name (the eight RFM segments).
CN8_SEGMENTS: dict[str, str] = {
    "HHH": "重要价值客户",
    "HLH": "重要发展客户",
    "LHH": "重要保持客户",
    "LLH": "重要挽留客户",
    "HHL": "一般价值客户",
    "HLL": "一般发展客户",
    "LHL": "一般保持客户",
    "LLL": "一般挽留客户",
}


def _bad_rows(mask: np.ndarray, limit: int = 5) -> str:
    idx = np.flatnonzero(mask)[:limit]
    rows = "、".join(str(i + 1) for i in idx)
    more = "等" if mask.sum() > limit else ""
    return f"第 {rows} 行{more}（按数据顺序，从 1 数起）"


def _require_frame(df: Any, what: str = "交易数据") -> pd.DataFrame:
    return require_frame(df, what, hint="请先用 crmlab.datasets.load 或 crmlab.io.read_transactions 读入数据。")

