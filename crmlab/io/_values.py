"""Value parsers: messy amounts, dates, ids, text, gender, age and yes/no cells to clean columns.

Each ``_parse_*`` takes a column (Series) and returns a :class:`_Parsed` with the
values and the masks of missing and unreadable cells; the fast vectorised path runs
first, the slow path only for the values it could not read.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.io import limits as _limits
from crmlab.io._common import _NA_TOKENS, _STR_DTYPE, _WS, _has_edge_ws, _has_empty, _joined, _show_value


def _split_kinds(s: pd.Series):
    """For an object column: masks of numbers, datetime-likes and strings."""
    vals = s.to_numpy(dtype=object)
    kind = pd.api.types.infer_dtype(vals, skipna=True)
    n = len(vals)
    if kind in ("string", "empty"):
        return vals, np.zeros(n, bool), np.zeros(n, bool)
    import datetime as _dt

    is_num = np.fromiter(
        (isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)) for v in vals),
        bool, n,
    )
    is_dt = np.fromiter(
        (isinstance(v, (_dt.date, np.datetime64)) and v is not pd.NaT for v in vals), bool, n
    )
    # float NaN counts as missing, not as a number
    is_nan = np.fromiter((isinstance(v, float) and v != v for v in vals), bool, n)
    is_num &= ~is_nan
    return vals, is_num, is_dt


def _to_str_series(s: pd.Series) -> pd.Series:
    if isinstance(s.dtype, pd.StringDtype):
        return s
    vals = s.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(vals, skipna=True) not in ("string", "empty"):
        vals = np.array([v if (v is None or isinstance(v, str) or (isinstance(v, float) and v != v))
                         else str(v) for v in vals], dtype=object)
    return pd.Series(vals, index=s.index, dtype=_STR_DTYPE)


def _prepare_strings(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Stripped string values (NaN where missing) and the missing mask.

    Non-string elements are converted with ``str``.  Missing = NA, blank or an NA token.
    The slow per-element steps (strip, blank and token checks) run only when a
    single scan of the joined values shows they are needed.
    """
    st = _to_str_series(s)
    arr = st.to_numpy(dtype=object)
    na = st.isna().to_numpy(dtype=bool, copy=True)
    present = arr[~na].tolist()
    joined = "\x00".join(present)
    missing = na.copy()
    if '="' in joined:  # ="0012345": Excel formula some exporters (Taobao) use to keep text
        st = st.str.strip(_WS).str.replace(r'^="(.*)"$', r"\1", regex=True)
        arr = st.to_numpy(dtype=object)
        joined = "\x00".join(arr[~na].tolist())
    if _has_edge_ws(joined):
        st = st.str.strip(_WS)
        arr = st.to_numpy(dtype=object)
        missing |= arr == ""
    elif _has_empty(joined, len(present)):
        missing |= arr == ""
    if ("n" in joined or "N" in joined) and any(tok in joined for tok in _NA_TOKENS):
        missing |= st.isin(list(_NA_TOKENS)).to_numpy(dtype=bool)
    if (missing != na).any():
        st = st.mask(missing)
    return st, missing


@dataclass
class _Parsed:
    values: pd.Series
    missing: np.ndarray  # value absent (blank)
    bad: np.ndarray  # present but unreadable
    reason: str = ""
    hint: str = ""
    extra_hint: str = ""
    far: np.ndarray | None = None  # present and readable, but beyond the range that can be handled
    far_reason: str = ""
    far_hint: str = ""


_AMOUNT_HINT = (
    "金额只能是数字，例如 1200、1,200.00、¥1,200、1.2万；退款请写成负数（-300 或 (300)）。"
)


_DATE_HINT = (
    "日期请写成 2024-01-05、2024/1/5、2024年1月5日 或 20240105 这样的格式，"
    "也可以在 Excel 中把该列设置为「日期」格式。"
)


_AMBIGUOUS_HINT = (
    "像 03/04/2024 这样的日期无法确定是 3月4日 还是 4月3日：请改写成 2024-03-04，"
    "或传入 dayfirst=True（日/月/年）或 dayfirst=False（月/日/年）。"
)


_SCI_HINT = (
    "这些值被 Excel 显示成了科学计数法（如 4.40101E+17），后面的数字已经丢失：请在 Excel 中"
    "把这一列设置为「文本」格式，重新填入正确的值后再保存。"
)


def _number_slow(t: pd.Series) -> pd.Series:
    """Parse messy number strings (already stripped, non-missing); NaN where unreadable."""
    t = t.str.normalize("NFKC").str.replace(r"\s+", "", regex=True)
    t = t.str.replace("\u2212", "-", regex=False).str.replace("\u2014", "-", regex=False)
    paren = t.str.match(r"^\(.*\)$").fillna(False).to_numpy(dtype=bool)
    t = t.str.replace(r"^\((.*)\)$", r"\1", regex=True)
    t = t.str.replace(r"(?i)rmb|cny|人民币|[¥$元块]", "", regex=True)
    parts = t.str.extract(r"^(?P<num>.*?)(?P<unit>百万|千万|万|亿|千)?$")
    num = parts["num"].fillna("")
    unit = parts["unit"]
    has_comma = num.str.contains(",", regex=False).fillna(False).to_numpy(dtype=bool)
    good_comma = num.str.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?").fillna(False).to_numpy(dtype=bool)
    num = num.str.replace(",", "", regex=False)
    value = pd.to_numeric(num, errors="coerce").to_numpy(dtype=float, copy=True)
    value[has_comma & ~good_comma] = np.nan
    mult = unit.map({"千": 1e3, "万": 1e4, "百万": 1e6, "千万": 1e7, "亿": 1e8}).fillna(1.0).to_numpy(dtype=float)
    value = _scale_exactly(value, mult, num)
    neg_inside = paren & (value < 0)
    value[paren] = -value[paren]
    value[neg_inside] = np.nan  # "(-300)" is not a refund notation we can trust
    return pd.Series(value, index=t.index)


def _scale_exactly(value: np.ndarray, mult: np.ndarray, num: pd.Series) -> np.ndarray:
    """``value * mult`` without float noise: 64.9亿 is 6490000000, not 6490000000.000001.

    The product has at most (decimals written - zeros of the unit) decimals, so it
    is rounded to that many.
    """
    with np.errstate(over="ignore", invalid="ignore"):  # 1e308万 is inf here; the caller rejects it
        out = value * mult
    scaled = mult != 1.0
    if scaled.any():
        written = num.str.extract(r"\.(\d*)$")[0].str.len().fillna(0).to_numpy(dtype=float)
        keep = np.maximum(written - np.round(np.log10(mult)), 0).astype(int)
        for d in np.unique(keep[scaled]):
            sel = scaled & (keep == d)
            out[sel] = np.round(out[sel], int(d))
    return out


def _parse_number(s: pd.Series) -> _Parsed:
    """Vectorised number parser used for amounts, prices and quantities."""
    n = len(s)
    if pd.api.types.is_bool_dtype(s.dtype):
        return _Parsed(pd.Series(np.full(n, np.nan), index=s.index), np.zeros(n, bool), s.notna().to_numpy(bool),
                       "无法识别为数字", _AMOUNT_HINT)
    if pd.api.types.is_numeric_dtype(s.dtype):
        out = s.to_numpy(dtype=float, na_value=np.nan, copy=True)
        return _number_result(out, np.isnan(out), s.index)
    out = np.full(n, np.nan)
    done = np.zeros(n, bool)
    if s.dtype == object:
        vals, is_num, _ = _split_kinds(s)
        if is_num.any():
            out[is_num] = vals[is_num].astype(float)
            done |= is_num
            s = pd.Series(np.where(is_num, None, vals), index=s.index, dtype=object)
    st, missing = _prepare_strings(s)
    missing &= ~done
    todo = ~missing & ~done
    if todo.any():
        sub = st[todo]
        fast = pd.to_numeric(sub, errors="coerce").to_numpy(dtype=float, copy=True)
        failed = np.isnan(fast)
        if failed.any():
            fast[failed] = _number_slow(sub[failed]).to_numpy(dtype=float)
        out[todo] = fast
    return _number_result(out, missing, s.index, texts=st)


_FAR_NUMBER_REASON = "数字太大，超出了可处理的范围"

_FAR_NUMBER_HINT = "金额、数量和单价的绝对值必须小于 1,000,000,000,000,000（10 的 15 次方）：请检查是否多写了数字或单位（如「万」「亿」）。"


def _number_result(out: np.ndarray, missing: np.ndarray, index: pd.Index, texts: pd.Series | None = None) -> _Parsed:
    """Values with unreadable cells (NaN) and too large ones (|x| >= 10^15, inf, 1e308万) split apart."""
    with np.errstate(invalid="ignore", over="ignore"):
        far = ~missing & (np.isinf(out) | (np.abs(out) >= _limits.MAX_NUMBER))
    if texts is not None and not far.all():  # "1e400" is read as inf by pandas, "nan"/"inf" text is not a number
        words = texts.str.contains(r"(?i)inf|nan", regex=True).fillna(False).to_numpy(bool) if far.any() else None
        if words is not None:
            far &= ~words
    bad = ~missing & ~far & ~np.isfinite(out)
    out = out.copy()
    out[bad | far] = np.nan
    return _Parsed(pd.Series(out, index=index), missing, bad, "无法识别为数字", _AMOUNT_HINT,
                   far=far, far_reason=_FAR_NUMBER_REASON, far_hint=_FAR_NUMBER_HINT)


_TS_MIN = pd.Timestamp("1678-01-01")

_TS_MAX = pd.Timestamp("2261-12-31")

_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def _ns(values: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """datetime64[ns] array; NaT for values outside the ns range."""
    s = pd.Series(values)
    if getattr(s.dt, "tz", None) is not None:
        s = s.dt.tz_localize(None)
    s = s.where((s >= _TS_MIN) & (s <= _TS_MAX))
    return s.to_numpy(dtype="datetime64[ns]")


def _dates_from_numbers(x: np.ndarray) -> np.ndarray:
    """Excel serials (10000-99999) and yyyymmdd integers to datetime64[ns]; NaT otherwise."""
    out = np.full(len(x), np.datetime64("NaT"), dtype="datetime64[ns]")
    with np.errstate(invalid="ignore"):
        integral = np.isfinite(x) & (x == np.floor(x))
        ymd = integral & (x >= 16780101) & (x <= 22611231)
        serial = np.isfinite(x) & (x >= 10000) & (x < 100000)
    if ymd.any():
        text = pd.Series(x[ymd].astype(np.int64).astype(str))
        out[ymd] = _ns(pd.to_datetime(text, format="%Y%m%d", errors="coerce"))
    if serial.any():
        days = pd.to_timedelta(x[serial], unit="D")
        out[serial] = _ns(pd.Series(_EXCEL_EPOCH + days).dt.round("s"))
    return out


_FAST_DATE_FORMATS = (
    "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M",
)


_NORM_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f")

_ENGLISH_DATE_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%b %d %Y")


def _try_formats(sub: pd.Series, formats: Iterable[str], out: np.ndarray, ok: np.ndarray, *, sample: bool) -> None:
    """Fill ``out``/``ok`` (aligned with ``sub``) trying each format on values still unparsed."""
    for fmt in formats:
        todo = ~ok
        if not todo.any():
            return
        cand = sub[todo]
        if sample and len(cand) > 2000:
            probe = pd.to_datetime(cand.iloc[:: max(1, len(cand) // 500)], format=fmt, errors="coerce")
            if probe.isna().all():
                continue
        r = _ns(pd.to_datetime(cand, format=fmt, errors="coerce"))
        hit = ~np.isnat(r)
        idx = np.flatnonzero(todo)[hit]
        out[idx] = r[hit]
        ok[idx] = True


def _normalize_date_text(t: pd.Series) -> pd.Series:
    """Rewrite 2024年1月5日 / 2024.1.5 / 2024/1/5 13时45分 ... as 2024-1-5 13:45."""
    t = t.str.normalize("NFKC")
    t = t.str.replace(r"(?<=\d)T(?=\d)", " ", regex=True)
    t = t.str.replace(r"[(]?(星期|周)[一二三四五六日天][)]?", " ", regex=True)
    t = t.str.replace(r"^(\d{4})\s*[年./\\-]\s*(\d{1,2})\s*[月./\\-]\s*(\d{1,2})\s*[日号]?", r"\1-\2-\3 ", regex=True)
    t = t.str.replace(r"^(\d{1,2})\s*[./\\-]\s*(\d{1,2})\s*[./\\-]\s*(\d{4})", r"\1-\2-\3 ", regex=True)
    t = t.str.replace(
        r"(\d{1,2})\s*[时点]\s*(\d{1,2})\s*分?\s*(?:(\d{1,2})\s*秒?)?\s*$",
        lambda m: f"{m.group(1)}:{m.group(2)}" + (f":{m.group(3)}" if m.group(3) else ""),
        regex=True,
    )
    if t.str.contains(r"[上下中晚早]午|晚上|凌晨|早上|[AaPp][Mm]", regex=True).any():
        t = t.str.replace(_HALF_DAY, _to_24h, regex=True)
    return t.str.replace(r"\s+", " ", regex=True).str.strip()


# 2024/3/5 下午 2:20 (Chinese-locale exports), 2024/3/5 2:20 PM
_HALF_DAY = (r"(?:(?P<cn>上午|中午|下午|晚上|凌晨|早上)\s*(?P<h1>\d{1,2})(?P<r1>:\d{2}(?::\d{2})?)"
             r"|(?P<h2>\d{1,2})(?P<r2>:\d{2}(?::\d{2})?)\s*(?P<en>[AaPp][Mm])\b)")


def _to_24h(m: re.Match) -> str:
    word = m.group("cn") or m.group("en").lower()
    hour = int(m.group("h1") or m.group("h2"))
    rest = m.group("r1") or m.group("r2")
    if hour > 12:
        return f"{hour}{rest}"  # already 24-hour: keep it, the word is redundant
    if (word in ("下午", "晚上", "pm") and hour < 12) or (word == "中午" and hour < 11):
        hour += 12
    elif word in ("上午", "凌晨", "早上", "am") and hour == 12:
        hour = 0
    return f"{hour}{rest}"


def _parse_date(s: pd.Series, *, dayfirst: bool | None = None) -> _Parsed:
    """Vectorised date parser; returns datetime64[ns] values and masks."""
    typed = _dates_of_typed_column(s)
    if typed is not None:
        return _with_far_dates(typed, s)
    original = s
    n = len(s)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    done = np.zeros(n, bool)
    if s.dtype == object:
        s = _dates_from_cells(s, out, done)
    st, missing = _prepare_strings(s)
    missing &= ~done
    todo = ~missing & ~done
    ambiguous = np.zeros(n, bool)
    if todo.any():
        res, amb = _dates_from_strings(st[todo].reset_index(drop=True), dayfirst)
        out[todo] = res
        ambiguous[np.flatnonzero(todo)[amb]] = True
    bad = ~missing & np.isnat(out)
    extra = _AMBIGUOUS_HINT if ambiguous.any() else ""
    return _with_far_dates(_Parsed(pd.Series(out, index=s.index), missing, bad, "无法识别为日期", _DATE_HINT, extra), original)


_FAR_DATE_REASON = "日期超出了可处理的范围（只能处理 1678 年到 2261 年之间的日期）"

_FAR_DATE_HINT = (
    "2262 年以后（或 1678 年以前）的日期超出了可处理的范围：如果它表示「长期有效」，请把单元格留空；"
    "否则请检查年份是否打错。"
)

_YEAR_FIRST = re.compile(r"^\s*(\d{4})(?:\s*[-/.年]\s*\d{1,2}|\d{4}$)")


def _year_of(v: Any) -> int | None:
    """The year a cell clearly states (a date object, or text starting with a 4-digit year), else None."""
    if isinstance(v, (_dt.date, pd.Timestamp)):
        return v.year
    if isinstance(v, str):
        m = _YEAR_FIRST.match(unicodedata.normalize("NFKC", v))
        return int(m.group(1)) if m else None
    return None


def _with_far_dates(p: _Parsed, original: pd.Series) -> _Parsed:
    """Move dates that are readable but outside pandas' range (year 2262 and later) from ``bad`` to ``far``."""
    far = np.zeros(len(p.bad), bool)
    if p.bad.any():
        idx = np.flatnonzero(p.bad)
        if pd.api.types.is_datetime64_any_dtype(original.dtype):
            far[idx] = True  # a real date value that does not fit datetime64[ns]
        else:
            vals = original.to_numpy(dtype=object)[idx]
            years = [_year_of(v) for v in vals]
            far[idx] = [y is not None and not 1678 <= y <= 2261 for y in years]
    p.bad = p.bad & ~far
    p.far, p.far_reason, p.far_hint = far, _FAR_DATE_REASON, _FAR_DATE_HINT
    return p


def _dates_of_typed_column(s: pd.Series) -> _Parsed | None:
    """Datetime, bool and numeric columns (Excel serials, yyyymmdd); None for other dtypes."""
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        out = _ns(s)
        missing = s.isna().to_numpy(bool, copy=True)
    elif pd.api.types.is_bool_dtype(s.dtype):
        out = np.full(len(s), np.datetime64("NaT"), dtype="datetime64[ns]")
        missing = s.isna().to_numpy(bool)
    elif pd.api.types.is_numeric_dtype(s.dtype):
        x = s.to_numpy(dtype=float, na_value=np.nan)
        missing = np.isnan(x)
        out = _dates_from_numbers(x)
    else:
        return None
    bad = np.isnat(out) & ~missing
    return _Parsed(pd.Series(out, index=s.index), missing, bad, "无法识别为日期", _DATE_HINT)


def _dates_from_cells(s: pd.Series, out: np.ndarray, done: np.ndarray) -> pd.Series:
    """Fill ``out``/``done`` from date and number cells of an object column; the rest, as a column."""
    vals, is_num, is_dt = _split_kinds(s)
    if is_dt.any():
        out[is_dt] = _ns(pd.to_datetime(pd.Series(list(vals[is_dt])), errors="coerce"))
        done |= is_dt
    if is_num.any():
        out[is_num] = _dates_from_numbers(vals[is_num].astype(float))
        done |= is_num
    if done.any():
        return pd.Series(np.where(done, None, vals), index=s.index, dtype=object)
    return s


def _nat(n: int) -> np.ndarray:
    return np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")


def _dates_from_strings(sub: pd.Series, dayfirst: bool | None) -> tuple[np.ndarray, np.ndarray]:
    """Parse present, stripped date strings: (datetime64 values, mask of ambiguous d/m/Y values)."""
    m = len(sub)
    res, ok = _nat(m), np.zeros(m, bool)
    ambiguous = np.zeros(m, bool)
    _try_formats(sub, _FAST_DATE_FORMATS, res, ok, sample=True)
    if not ok.all():
        left = np.flatnonzero(~ok)
        digits = sub.iloc[left].str.fullmatch(r"\d+(\.\d+)?").to_numpy(dtype=bool)
        if digits.any():
            idx = left[digits]
            res[idx] = _dates_from_numbers(pd.to_numeric(sub.iloc[idx], errors="coerce").to_numpy(float))
            ok[idx] = True  # numeric strings are decided here (NaT = bad)
    rest = ~ok
    if rest.any():
        norm = _normalize_date_text(sub[rest]).reset_index(drop=True)
        r2, ok2, amb2 = _dates_from_normalized(norm, dayfirst)
        res[rest], ok[rest], ambiguous[rest] = r2, ok2, amb2
    return res, ambiguous


def _dates_from_normalized(norm: pd.Series, dayfirst: bool | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Normalised texts (2024-1-5 13:45, Jan 5 2024, ISO 8601, 05-01-2024): values, ok and ambiguous masks."""
    r2, ok2 = _nat(len(norm)), np.zeros(len(norm), bool)
    _try_formats(norm, _NORM_DATE_FORMATS, r2, ok2, sample=False)
    if not ok2.all() and norm[~ok2].str.contains(r"[A-Za-z]{3}", regex=True).any():
        _try_formats(norm, _ENGLISH_DATE_FORMATS, r2, ok2, sample=False)  # "Jan 5, 2024"
    # ISO 8601 leftovers (fractions, time zones), only for full y-m-d dates
    iso = ~ok2 & norm.str.match(r"^\d{4}-\d{1,2}-\d{1,2}[ T]").to_numpy(dtype=bool)
    if iso.any():
        try:
            r = _ns(pd.to_datetime(norm[iso], format="ISO8601", errors="coerce"))
        except (ValueError, TypeError):
            r = _nat(int(iso.sum()))
        r2[iso] = r
        ok2[iso] = ~np.isnat(r)
    ambiguous = np.zeros(len(norm), bool)
    dmy = ~ok2
    if dmy.any():
        _day_month_year(norm, dmy, dayfirst, r2, ok2, ambiguous)
    return r2, ok2, ambiguous


def _day_month_year(norm: pd.Series, dmy: np.ndarray, dayfirst: bool | None, r2: np.ndarray, ok2: np.ndarray,
                    ambiguous: np.ndarray) -> None:
    """d/m/Y or m/d/Y among ``norm[dmy]``: decided by the whole column (or ``dayfirst``), never guessed."""
    parts = norm[dmy].str.extract(r"^(\d{1,2})-(\d{1,2})-(\d{4})(?: (\d{1,2}:\d{2}(?::\d{2})?))?$")
    found = parts[0].notna().to_numpy(bool)
    if not found.any():
        return
    p = parts[found]
    a = p[0].astype(int).to_numpy()
    b = p[1].astype(int).to_numpy()
    order = dayfirst
    if order is None:
        if (a > 12).any() and not (b > 12).any():
            order = True
        elif (b > 12).any() and not (a > 12).any():
            order = False
    idx_dmy = np.flatnonzero(dmy)[found]
    if order is None:
        ambiguous[idx_dmy] = True
        return
    day, mon = (p[0], p[1]) if order else (p[1], p[0])
    txt = (p[2] + "-" + mon + "-" + day + (" " + p[3].fillna("")).str.rstrip()).reset_index(drop=True)
    r3, ok3 = _nat(len(txt)), np.zeros(len(txt), bool)
    _try_formats(txt, ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"), r3, ok3, sample=False)
    r2[idx_dmy] = r3
    ok2[idx_dmy] = ok3


def _parse_id(s: pd.Series) -> _Parsed:
    """Identifiers (customer / order ids, phone, id numbers) as stripped strings."""
    n = len(s)
    index = s.index
    sci = np.zeros(n, bool)
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        s = s.astype(object)
    vals = s.to_numpy(dtype=object)
    if s.dtype == object and pd.api.types.infer_dtype(vals, skipna=True) not in ("string", "empty"):
        conv = np.empty(n, dtype=object)
        for i, v in enumerate(vals):
            if isinstance(v, (float, np.floating)) and v == v:
                if abs(v) >= 1e15:
                    sci[i] = True  # Excel keeps only 15 significant digits
                conv[i] = str(int(v)) if float(v).is_integer() else str(v)
            elif isinstance(v, (int, np.integer)) and not isinstance(v, bool):
                conv[i] = str(int(v))
            else:
                conv[i] = v if (v is None or isinstance(v, (str, float))) else str(v)
        s = pd.Series(conv, index=index, dtype=object)
    st, missing = _prepare_strings(s)
    joined = _joined(st)
    if "E+" in joined or "e+" in joined:
        sci |= st.str.fullmatch(r"\d+(\.\d+)?[eE]\+\d+").fillna(False).to_numpy(bool)
    present = ~missing
    if (present.any() and joined.startswith(tuple("0123456789")) and st[present].iloc[0].endswith(".0")
            and st[present].str.fullmatch(r"\d+\.0").all()):
            st = st.str.slice(0, -2)  # pandas wrote integer ids as floats ("17850.0")
    values = st.mask(sci) if sci.any() else st
    return _Parsed(values.astype(_STR_DTYPE), missing, sci & ~missing, "被 Excel 改成了科学计数法，数字已丢失", _SCI_HINT)


def _parse_text(s: pd.Series) -> _Parsed:
    """Free text: stripped strings, numbers from Excel cells written without '.0'."""
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        s = s.astype(object)
    vals = s.to_numpy(dtype=object)
    if s.dtype == object and pd.api.types.infer_dtype(vals, skipna=True) not in ("string", "empty"):
        vals = np.array([
            (str(int(v)) if isinstance(v, (float, np.floating)) and v == v and float(v).is_integer() else
             v if v is None or isinstance(v, str) or (isinstance(v, float) and v != v) else str(v))
            for v in vals], dtype=object)
        s = pd.Series(vals, index=s.index, dtype=object)
    st, missing = _prepare_strings(s)
    return _Parsed(st.astype(_STR_DTYPE), missing, np.zeros(len(s), bool))


_GENDER = {
    "男": "男", "男性": "男", "先生": "男", "m": "男", "male": "男", "man": "男",
    "女": "女", "女性": "女", "女士": "女", "f": "女", "female": "女", "woman": "女",
}


def _parse_gender(s: pd.Series) -> _Parsed:
    p = _parse_text(s)
    low = p.values.str.lower()
    mapped = low.map(_GENDER)
    values = mapped.where(mapped.notna(), p.values)  # unknown labels (保密, 未知) are kept as written
    return _Parsed(values.astype(_STR_DTYPE), p.missing, p.bad)


def _parse_age(s: pd.Series) -> _Parsed:
    if not pd.api.types.is_numeric_dtype(s.dtype):
        st, _ = _prepare_strings(s.astype(object) if s.dtype != object else s)
        s = st.str.replace(r"\s*(岁|周岁)$", "", regex=True)
    p = _parse_number(s)
    v = p.values.to_numpy(float, copy=True)
    with np.errstate(invalid="ignore"):
        out_of_range = ~np.isnan(v) & ((v < 0) | (v > 130))
    v[out_of_range] = np.nan
    return _Parsed(pd.Series(v, index=p.values.index), p.missing, p.bad | out_of_range,
                   "不是合理的年龄", "年龄应是 0 到 130 之间的数字（可以带「岁」字）。")


_YES = {"是", "y", "yes", "true", "1", "同意", "√", "✓", "对", "t"}

_NO = {"否", "n", "no", "false", "0", "不同意", "×", "\u2717", "x", "f"}  # \u2717 (a ballot x) is accepted input, never drawn


def _parse_bool(s: pd.Series) -> _Parsed:
    if pd.api.types.is_bool_dtype(s.dtype):
        missing = s.isna().to_numpy(bool)
        return _Parsed(s.astype("boolean") if missing.any() else s.astype(bool), missing, np.zeros(len(s), bool))
    p = _parse_text(s)
    low = p.values.str.lower().str.replace(r"\.0$", "", regex=True)
    yes = low.isin(_YES).to_numpy(bool)
    no = low.isin(_NO).to_numpy(bool)
    bad = ~p.missing & ~yes & ~no
    out = pd.array(np.where(yes, True, False), dtype="boolean")
    out[p.missing | bad] = pd.NA
    values = pd.Series(out, index=s.index)
    if not (p.missing | bad).any():
        values = values.astype(bool)
    return _Parsed(values, p.missing, bad, "无法识别为 是/否", "请用 是/否（或 Y/N、1/0、TRUE/FALSE）填写。")


def _raise_for(s: pd.Series, mask: np.ndarray | None, name: str, reason: str, hint: str) -> None:
    """A short Chinese error listing where (index) and what (examples) the masked values are."""
    if mask is None or not mask.any():
        return
    vals = s.to_numpy(dtype=object)[mask][:5]
    where = "、".join(_limits.short(v, 20) for v in s.index[mask][:10]) + (" 等" if mask.sum() > 10 else "")
    raise CRMDataError(
        f"{_limits.short(name, 30)}中有 {int(mask.sum())} 个值{reason}，位置（索引）：{where}；"
        f"示例：{'、'.join(_show_value(v) for v in vals)}。{hint}"
    )


def parse_amounts(values: Any, *, errors: str = "raise", name: str = "金额") -> pd.Series:
    """Parse money values (``¥1,200.00``, ``1.2万``, ``(300)``...) to float.

    ``errors="raise"`` raises :class:`~crmlab.CRMDataError` listing the positions of
    unreadable values; ``"coerce"`` turns them into NaN.  Blank values become NaN.
    """
    s = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    p = _parse_number(s)
    if errors == "raise":
        _raise_for(s, p.far, name, "太大，超出了可处理的范围", _FAR_NUMBER_HINT)
        _raise_for(s, p.bad, name, "无法识别为金额", _AMOUNT_HINT)
    return pd.Series(p.values.to_numpy(float), index=s.index, name=s.name)


def parse_dates(values: Any, *, errors: str = "raise", dayfirst: bool | None = None, name: str = "日期") -> pd.Series:
    """Parse messy dates (``2024/1/5``, ``2024年1月5日``, ``20240105``, Excel serials...).

    Returns datetime64[ns]; blanks become NaT.  ``errors="coerce"`` turns unreadable
    values into NaT instead of raising :class:`~crmlab.CRMDataError`.
    """
    s = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    p = _parse_date(s, dayfirst=dayfirst)
    if errors == "raise":
        _raise_for(s, p.far, name, "超出了可处理的日期范围（1678 年到 2261 年）", _FAR_DATE_HINT)
        _raise_for(s, p.bad, name, "无法识别为日期", _DATE_HINT + p.extra_hint)
    return pd.Series(p.values.to_numpy("datetime64[ns]"), index=s.index, name=s.name)
