"""Homework outputs to Excel with Chinese headers.

``crmlab.export.to_excel(obj, "我的作业.xlsx")`` writes a DataFrame (an RFM table,
a segment summary or plan, a 5C score table, credit limits, an aging table ...)
or several of them (a dict ``{"工作表名": frame}`` -> one sheet each).  English
column names get their Chinese labels from the course vocabulary
(:mod:`crmlab.labels`; by default in lesson 3's context, whose tables are the
homework exported most, ``context=`` chooses another); shares get a percent
format, yuan amounts a thousands format, columns are as wide as their content.

An existing file is never overwritten silently: the new file gets a numbered
name (``我的作业_2.xlsx``) unless ``overwrite=True``; :func:`write_text` does the same
for text reports.  A file that is open in Excel (locked) gives a Chinese error.

Cell text that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-`` or ``@``, also after spaces) is written as plain text (a string cell with
Excel's "quote prefix"), never as a formula; control characters, which Excel
files cannot hold, are removed from cells, headers and sheet names.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.labels import PERCENT, UNITS
from crmlab.labels import labels as vocabulary

PERCENT_FORMAT = "0.0%"
MONEY_FORMAT = "#,##0.00"
MONEY_INT_FORMAT = "#,##0"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
#: characters an .xlsx file cannot hold (XML 1.0) and invisible direction overrides
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\u202a-\u202e\u2066-\u2069]")
#: text a spreadsheet would treat as a formula
_FORMULA_START = re.compile(r"^\s*[=+\-@]")


#: the vocabulary context exports use unless told otherwise (lesson 3: RFM codes, cluster names)
DEFAULT_CONTEXT = "segment"


def column_labels(context: str | None = DEFAULT_CONTEXT) -> dict[str, str]:
    """English column name -> Chinese header: the course vocabulary (:func:`crmlab.labels.labels`)."""
    return vocabulary(context)


def _kinds() -> tuple[frozenset, frozenset]:
    """(percent columns, money columns) by name: the vocabulary's shares and yuan amounts, and the
    ageing buckets and their total (lesson 4's aging table: they hold yuan)."""
    from crmlab.credit import BUCKETS, TOTAL

    yuan = frozenset(name for name, u in UNITS.items() if u == "元")
    return PERCENT, yuan | frozenset(BUCKETS) | {TOTAL}


# ---------------------------------------------------------------------------
# objects -> sheets
# ---------------------------------------------------------------------------


def _as_frame(obj: Any) -> pd.DataFrame:
    if isinstance(obj, pd.DataFrame):
        return obj
    if isinstance(obj, pd.Series):
        return obj.to_frame()
    if hasattr(obj, "data") and isinstance(obj.data, pd.DataFrame):  # a pandas Styler
        return obj.data
    if callable(getattr(obj, "plan", None)):  # lesson 3's SegmentPlanView
        return obj.plan()
    raise CRMDataError(f"不能导出 {type(obj).__name__} 类型的对象：请交一张表（DataFrame），"
                       "或者用字典 {\"工作表名\": 表} 导出几张表。")


def clean_cell(value: Any) -> Any:
    """``value`` without the control characters an Excel file cannot hold (non-text values unchanged)."""
    return _CONTROL.sub("", value) if isinstance(value, str) else value


def _sheet_name(name: Any, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("_", _CONTROL.sub("", str(name))).strip("'") or "表"
    base = base[:31]
    out, i = base, 2
    while out in used:
        suffix = f"_{i}"
        out, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(out)
    return out


def _sheets(obj: Any, sheet_name: str | None) -> dict[str, pd.DataFrame]:
    if isinstance(obj, Mapping):
        items = list(obj.items())
    elif isinstance(obj, (list, tuple)):
        items = [(f"表{i}", o) for i, o in enumerate(obj, start=1)]
    else:
        items = [(sheet_name or "Sheet1", obj)]
    if not items:
        raise CRMDataError("没有要导出的表：请至少给一张表。")
    used: set[str] = set()
    return {_sheet_name(name, used): _as_frame(frame) for name, frame in items}


# ---------------------------------------------------------------------------
# headers and formats
# ---------------------------------------------------------------------------


def _flatten_index(frame: pd.DataFrame, index: bool | None) -> pd.DataFrame:
    keep = index if index is not None else not (
        isinstance(frame.index, pd.RangeIndex) and frame.index.name is None)
    out = frame.reset_index() if keep else frame.reset_index(drop=True)
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = [" ".join(str(p) for p in c if str(p)) for c in out.columns]
    return out


def _column_format(name: Any, label: str, series: pd.Series, percent: frozenset, money: frozenset) -> str | None:
    if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        return None
    if name in percent or label in percent:
        return PERCENT_FORMAT
    if name in money or label in money or "（元）" in label:
        return MONEY_INT_FORMAT if pd.api.types.is_integer_dtype(series.dtype) else MONEY_FORMAT
    return None


def prepare(frame: pd.DataFrame, labels: Mapping[str, str] | None = None, index: bool | None = None,
            percent: Iterable[str] = (), context: str | None = DEFAULT_CONTEXT) -> tuple[pd.DataFrame, dict[str, str]]:
    """``frame`` with Chinese headers and plain cell values, and the Excel number format per header.

    ``percent`` names extra columns holding fractions (shown as percentages); ``context`` is the
    vocabulary context of :mod:`crmlab.labels` (``None``: the course-wide labels).
    """
    all_labels = {**column_labels(context), **(labels or {})}
    percent_cols, money = _kinds()
    percent = percent_cols | frozenset(percent)
    flat = _flatten_index(frame, index)
    out, formats, used = {}, {}, set()
    for name in flat.columns:
        col = flat[name]
        label = clean_cell(all_labels.get(name, str(name)) if isinstance(name, str) else str(name)) or "列"
        fmt = _column_format(name, label, col, percent, money)
        if name in money and "元" not in label:
            label = f"{label}（元）"
        while label in used:
            label += "_"
        used.add(label)
        if pd.api.types.is_bool_dtype(col.dtype):
            col = col.map({True: "是", False: "否"})
        elif isinstance(col.dtype, pd.DatetimeTZDtype):
            col = col.dt.tz_localize(None)
        elif isinstance(col.dtype, pd.CategoricalDtype):
            col = col.astype(object)
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            col = col.map(clean_cell)
        out[label] = col.to_numpy()
        if fmt:
            formats[label] = fmt
    return pd.DataFrame(out, columns=list(out)), formats


def _display_width(value: Any) -> int:
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _formulas_as_text(ws) -> int:
    """Turn every cell whose text a spreadsheet would run as a formula into plain text; returns how many."""
    n = 0
    for row in ws.iter_rows():
        for cell in row:
            value = cell.value
            if isinstance(value, str) and _FORMULA_START.match(value):
                cell.data_type = "s"  # openpyxl made "=..." a formula
                cell.quotePrefix = True  # Excel keeps it text even after editing the cell
                n += 1
    return n


def _format_sheet(ws, frame: pd.DataFrame, formats: dict[str, str]) -> None:
    from openpyxl.utils import get_column_letter

    _formulas_as_text(ws)
    for j, name in enumerate(frame.columns, start=1):
        values = frame[name].head(500)
        fmt = formats.get(name)
        sample = [f"{v:,.2f}" if fmt and isinstance(v, float) else v for v in values]
        width = max([_display_width(name)] + [_display_width(v) for v in sample])
        ws.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 60)
        if fmt:
            for row in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                row[0].number_format = fmt
    ws.freeze_panes = "A2"


# ---------------------------------------------------------------------------
# files
# ---------------------------------------------------------------------------


def free_path(path: Path) -> Path:
    """``path`` if it does not exist, else the first free ``<stem>_2<suffix>``, ``_3`` ..."""
    i = 2
    candidate = path
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}_{i}{path.suffix}")
        i += 1
    return candidate


def write_text(path: Any, text: str, *, overwrite: bool = False) -> Path:
    """Write a text report (Markdown ...) to ``path``, or to a free numbered name if it exists; returns it."""
    target = Path(path).expanduser()
    if not target.parent.is_dir():
        raise CRMDataError(f"找不到文件夹「{target.parent}」：请先建好它，或者只写文件名（如 我的报告.md）。")
    target = target if overwrite else free_path(target)
    try:
        with open(target, "w" if overwrite else "x", encoding="utf-8") as fh:
            fh.write(clean_cell(text))
    except FileExistsError:  # created by someone else in the meantime: take the next free name
        return write_text(free_path(target), text)
    except PermissionError:
        raise CRMDataError(f"无法写入「{target.name}」：文件可能正被其他程序打开，或者文件夹不允许写入。") from None
    return target


def _target(path: Any, overwrite: bool) -> Path:
    target = Path(path).expanduser()
    if target.suffix == "":
        target = target.with_suffix(".xlsx")
    if target.suffix.lower() != ".xlsx":
        raise CRMDataError(f"Excel 文件名要以 .xlsx 结尾，现在是「{target.name}」。")
    if not target.parent.is_dir():
        raise CRMDataError(f"找不到文件夹「{target.parent}」：请先建好它，或者只写文件名（如 我的作业.xlsx）。")
    return target if overwrite else free_path(target)


def _write_workbook(target: Path, sheets: dict[str, tuple[pd.DataFrame, dict]]) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".crmlab-", suffix=".xlsx", dir=target.parent)
    os.close(fd)
    try:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            for name, (frame, formats) in sheets.items():
                frame.to_excel(xw, sheet_name=name, index=False)
                _format_sheet(xw.sheets[name], frame, formats)
        os.replace(tmp, target)
    except PermissionError:
        raise CRMDataError(f"无法写入「{target.name}」：这个文件可能正在 Excel 里打开（被锁定），"
                           "或者文件夹不允许写入。请先在 Excel 里关闭它再导出，或者换一个文件名。") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def to_excel(obj: Any, path: Any, *, sheet_name: str | None = None, labels: Mapping[str, str] | None = None,
             index: bool | None = None, percent: Iterable[str] = (), overwrite: bool = False,
             context: str | None = DEFAULT_CONTEXT) -> Path:
    """Write ``obj`` (a table, or a dict / list of tables) to the Excel file ``path``; returns the path written.

    ``labels`` adds or overrides Chinese headers; ``index`` keeps (``True``) or drops
    (``False``) the row labels (default: kept unless they are just 0, 1, 2 ...); ``percent`` names
    extra columns of fractions to show as percentages; ``context`` chooses the vocabulary context
    (:mod:`crmlab.labels`).
    If ``path`` exists it is kept and ``<name>_2.xlsx`` is written instead, unless ``overwrite=True``.
    """
    target = _target(path, overwrite)
    percent = tuple(percent)
    sheets = {name: prepare(frame, labels, index, percent, context) for name, frame in _sheets(obj, sheet_name).items()}
    _write_workbook(target, sheets)
    return target
