"""Loading a raw table from any source: paths, bytes, uploads, file objects, DataFrames.

Detects the encoding and the separator of text files, reads Excel workbooks, finds
the header row (skipping titles and preambles) and drops empty rows, unnamed empty
columns and summary lines below the data.  No value is parsed here.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.io import limits as _limits
from crmlab.io._columns import _all_alias_keys, _excel_letter
from crmlab.io._common import (
    _BOM,
    _INVISIBLE,
    _WS,
    _clean_name,
    _has_edge_ws,
    _has_empty,
    _is_blank_cell,
    _key,
    _rows_text,
    _Table,
)

_TEXT_EXT = {".csv", ".txt", ".tsv", ".tab", ""}

_XLSX_EXT = {".xlsx", ".xlsm"}

_XLS_EXT = {".xls"}


def _source_label(name: str | None) -> str:
    if name:
        return f"文件「{_limits.short(os.path.basename(str(name)), 60)}」"
    return "上传的数据"


def _decode(data: bytes, encoding: str | None, label: str) -> str:
    if encoding:
        try:
            text = data.decode(encoding)
        except LookupError as exc:
            raise CRMDataError(f"不认识编码名称「{encoding}」。常用的有 utf-8、utf-8-sig、gbk、gb18030。") from exc
        except UnicodeDecodeError as exc:
            raise CRMDataError(
                f"{label}不能按指定的编码「{encoding}」读取（第 {exc.start} 个字节处出错）。"
                "请去掉 encoding 参数让程序自动识别，或在 Excel 中「另存为 → CSV UTF-8（逗号分隔）」后重试。"
            ) from exc
        return text.lstrip(_BOM)
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CRMDataError(
                f"{label}标明是 UTF-8 编码，但第 {exc.start} 个字节附近的内容不是合法的 UTF-8。"
                "文件可能已损坏或被不同编码的内容拼接过：请用 Excel 或记事本打开后重新「另存为 → CSV UTF-8」。"
            ) from exc
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise CRMDataError(f"{label}标明是 UTF-16 编码，但内容无法读取。请重新导出为 CSV UTF-8。") from exc
    head = data[:4096]
    if b"\x00" in head:
        odd_zeros = head[1::2].count(0)
        if len(head) >= 4 and odd_zeros > len(head) // 4:
            try:
                return data.decode("utf-16-le")
            except UnicodeDecodeError:
                pass
        raise CRMDataError(
            f"{label}看起来不是文本文件（CSV），无法读取。请确认上传的是 .csv 或 .xlsx 文件；"
            "如果是其他格式，请在 Excel/WPS 中「另存为」CSV 或 Excel 工作簿（.xlsx）。"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise CRMDataError(
            f"无法识别{label}的编码：它既不是 UTF-8，也不是 GBK/GB18030。"
            "请在 Excel 中打开它，选择「另存为 → CSV UTF-8（逗号分隔）」后重试；"
            "如果知道编码，也可以用 encoding=\"...\" 指定。"
        ) from exc


def _sniff_sep(lines: list[str], ext: str) -> str:
    if ext in (".tsv", ".tab"):
        return "\t"
    best, best_score = ",", (-1.0, 0)
    sample = [ln for ln in lines if ln.strip()][:40]
    if not sample:
        return ","
    for sep in ("\t", ",", ";", "|"):
        try:
            counts = [len(r) for r in csv.reader(sample, delimiter=sep)]
        except csv.Error:
            continue
        if not counts:
            continue
        vals, freq = np.unique(counts, return_counts=True)
        multi = vals > 1
        if not multi.any():
            continue
        k = int(np.argmax(np.where(multi, freq, -1)))
        score = (freq[k] / len(counts), int(vals[k]))
        if score > best_score:
            best, best_score = sep, score
    return best


_HEADER_SCAN = 50  # WeChat Pay / Alipay bills have 15-25 preamble lines above the header


def _find_header(records: list[list[Any]], header_keys: frozenset[str]) -> int | None:
    """Index of the header among the first records: first with a known column name."""
    first = None
    seen = 0
    for i, rec in enumerate(records):
        if all(_is_blank_cell(v) for v in rec):
            continue
        if first is None:
            first = i
        if any(_key(_clean_name(v)) in header_keys for v in rec if not _is_blank_cell(v)):
            return i
        seen += 1
        if seen >= _HEADER_SCAN:
            break
    return first


def _read_text(text: str, label: str, ext: str, header_keys: frozenset[str]) -> _Table:
    if not text.strip(" \t\r\n" + _INVISIBLE + ",;|"):
        raise CRMDataError(f"{label}是空的，没有任何内容。请确认导出时选中了数据，再重新保存。")
    head_lines = text[:200_000].splitlines()[:_HEADER_SCAN + 20]
    sep = _sniff_sep(head_lines, ext)
    records = _csv_records(head_lines[:_HEADER_SCAN + 10], sep, label)
    h = _find_header(records, header_keys)
    if h is None:
        raise CRMDataError(f"{label}是空的，没有任何内容。请确认导出时选中了数据，再重新保存。")
    if max(len(r) for r in records) > _limits.MAX_COLUMNS:
        raise _limits.too_many_columns(label, max(len(r) for r in records))
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=sep, header=None, skiprows=h, dtype=str, keep_default_na=False,
            na_values=[""], skip_blank_lines=False, engine="c", quotechar='"',
        )
    except pd.errors.ParserError as exc:
        width = len(records[h])
        bad = []
        try:
            for i, rec in enumerate(csv.reader(io.StringIO(text), delimiter=sep)):
                if i > h and len(rec) > width:
                    bad.append(i + 1)
        except csv.Error:
            pass  # a cell too long for the csv module: the rows found so far are listed
        where = _rows_text(bad, True) if bad else "部分行"
        sep_name = {",": "逗号", "\t": "制表符", ";": "分号", "|": "竖线"}[sep]
        raise CRMDataError(
            f"{label}的{where}比表头（{width} 列）多出了单元格，无法对齐到列上。"
            f"最常见的原因是值里含有分隔符（{sep_name}），例如没有加引号的金额 1,200。"
            "请在 Excel 中打开并重新「另存为 CSV」（Excel 会自动加引号），或删除这些多余的单元格。"
        ) from exc
    except MemoryError as exc:
        raise CRMDataError(f"{label}太大，内存不够读取它。请只保留需要的数据后重试。") from exc
    except (UnicodeError, ValueError, csv.Error) as exc:
        raise CRMDataError(
            f"{label}无法按表格读取：{_limits.short(exc, 120)}。请在 Excel 中打开并另存为 CSV UTF-8 或 .xlsx 后重试。"
        ) from exc
    if frame.shape[1] > _limits.MAX_COLUMNS:
        raise _limits.too_many_columns(label, frame.shape[1])
    if len(text) > _limits.MAX_FIELD and _may_hold_long_cells(text, len(frame) + h):
        _check_field_lengths(frame, label, h)
    if frame.empty:
        raise CRMDataError(f"{label}是空的，没有任何内容。请确认导出时选中了数据，再重新保存。")
    names = [_clean_name(v) for v in frame.iloc[0].tolist()]
    two = _two_row_header(frame.iloc[0].tolist(), frame.iloc[1].tolist() if len(frame) > 1 else None)
    if two is not None:
        names = two
    skip = 2 if two is not None else 1
    body = frame.iloc[skip:].reset_index(drop=True)
    body.columns = range(body.shape[1])
    rows = np.arange(len(body)) + h + 1 + skip
    return _Table(names, body, rows, label, True, text=True)


def _csv_records(lines: list[str], sep: str, label: str) -> list[list[str]]:
    """The first lines as CSV records; a cell longer than the csv module's limit is a Chinese error."""
    records: list[list[str]] = []
    try:
        for rec in csv.reader(lines, delimiter=sep):
            records.append(rec)
    except csv.Error as exc:
        raise CRMDataError(
            f"{label}第 {len(records) + 1} 行附近有一个单元格太长或引号不成对，无法读取（{_limits.short(exc, 60)}）。"
            f"一个单元格最多 {_limits.MAX_FIELD:,} 个字符：请检查这一行。"
        ) from exc
    return records


def _may_hold_long_cells(text: str, n_records: int) -> bool:
    """Could some cell be longer than MAX_FIELD?  Only if a line is, or quoted cells span lines.

    One vectorised pass over the encoded text, so the exact per-column check runs only
    for the rare files that need it.
    """
    raw = np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    breaks = np.flatnonzero(raw == 10)
    if len(breaks) > n_records + 1:
        return True  # fewer records than lines: quoted cells hold line breaks
    gaps = np.diff(np.concatenate(([-1], breaks, [len(raw)])))
    return bool(gaps.max() > _limits.MAX_FIELD)


def _check_field_lengths(frame: pd.DataFrame, label: str, h: int) -> None:
    """No cell may be longer than Excel's 32,767 characters (a cell that swallowed the rest of the file)."""
    for c in frame.columns:
        if pd.api.types.infer_dtype(frame[c], skipna=True) != "string":
            continue
        lengths = frame[c].str.len()
        if lengths.max() > _limits.MAX_FIELD:
            pos = int(np.argmax(lengths.fillna(0).to_numpy() > _limits.MAX_FIELD))
            name = _clean_name(frame.iat[0, c]) if pos > 0 else ""
            column = f"列「{_limits.short(name, 20)}」" if name else f"第 {_excel_letter(int(c))} 列"
            raise CRMDataError(
                f"{label}的{column}第 {h + 1 + pos} 行有一个单元格长达 {int(lengths.max()):,} 个字符，"
                f"超过了一个单元格最多 {_limits.MAX_FIELD:,} 个字符的上限。常见原因是少了一个引号（\"），"
                "把后面的内容都吞进了这个单元格：请在记事本中检查这一行。"
            )


def _two_row_header(top: list[Any], below: list[Any] | None) -> list[str] | None:
    """Combined names of a two-row header, or None.

    Chinese Excel reports often put group labels (订单信息) merged over several
    columns above the real names, while some names (客户编号) are merged down over
    both rows.  The row below the header is taken as the second header row when it
    holds only text, at least two known column names, and fills a column the first
    row leaves blank.
    """
    if below is None:
        return None
    if any(not isinstance(v, str) and not _is_blank_cell(v) for v in below):
        return None
    width = max(len(top), len(below))
    t = [_clean_name(v) for v in top] + [""] * (width - len(top))
    b = [_clean_name(v) for v in below] + [""] * (width - len(below))
    known = _all_alias_keys()
    if sum(_key(n) in known for n in b if n) < 2 or not any(bn and not tn for tn, bn in zip(t, b)):
        return None
    return [bn or tn for tn, bn in zip(t, b)]


def _read_xlsx(data: bytes, label: str, sheet_name: int | str, header_keys: frozenset[str]) -> _Table:
    import openpyxl

    _limits.check_xlsx_sizes(data, label)  # from the zip directory, before anything is unpacked
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException...
        raise CRMDataError(
            f"{label}不是有效的 Excel 工作簿（.xlsx），可能已损坏、加了密码或只是改了扩展名。"
            "请用 Excel/WPS 打开它，再「另存为」Excel 工作簿（.xlsx）或 CSV UTF-8 后重试。"
        ) from exc
    try:
        names = wb.sheetnames
        title = _pick_sheet(names, sheet_name, label)
        ws = wb[title]
        if not hasattr(ws, "iter_rows"):
            raise CRMDataError(f"{label}的工作表「{_limits.short(title)}」是图表，不是数据表。请用 sheet_name= 选择数据所在的工作表。")
        _limits.check_dimension(_limits.sheet_dimension(data, getattr(ws, "_worksheet_path", "")), label)
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # some exporters write a wrong sheet size
        rows, rows_no = _filled_rows(ws, label)
    except CRMDataError:
        raise
    except MemoryError as exc:
        raise CRMDataError(f"{label}太大，内存不够读取它。请只保留需要的数据，另存为新的 .xlsx 或 CSV 后重试。") from exc
    except Exception as exc:
        raise CRMDataError(
            f"读取 Excel {label}时出错：{_limits.short(exc, 120)}。请在 Excel 中另存为新的 .xlsx 或 CSV 后重试。"
        ) from exc
    finally:
        wb.close()
    return _xlsx_table(rows, rows_no, label, f"{label}的工作表「{_limits.short(title)}」" if len(names) > 1 else label,
                       header_keys)


def _pick_sheet(names: list[str], sheet_name: int | str, label: str) -> str:
    """The title of the sheet asked for by index or name, or a Chinese error listing the sheets."""
    listed = "、".join(_limits.short(n, 20) for n in names[:20]) + (" 等" if len(names) > 20 else "")
    if isinstance(sheet_name, int) and not isinstance(sheet_name, bool):
        if not 0 <= sheet_name < len(names):
            raise CRMDataError(f"{label}只有 {len(names)} 个工作表（{listed}），没有第 {sheet_name + 1} 个。")
        return names[sheet_name]
    if sheet_name not in names:
        raise CRMDataError(f"{label}中没有名为「{_limits.short(sheet_name)}」的工作表。已有的工作表：{listed}。")
    return sheet_name


def _filled_rows(ws: Any, label: str) -> tuple[list[tuple], np.ndarray]:
    """The filled rows of a read-only sheet (trailing empty cells cut) and their Excel row numbers.

    Empty rows are skipped as they are read, so a stray cell at row 200,000 costs one
    row, not 200,000; the table that will be built (rows x widest row) is checked
    against :data:`~crmlab.io.limits.MAX_CELLS` while reading.
    """
    rows: list[tuple] = []
    numbers: list[int] = []
    width = 0
    for i, r in enumerate(ws.iter_rows(values_only=True), start=1):
        if i > _limits.EXCEL_ROWS:
            raise CRMDataError(f"{label}的行号超出了 Excel 的范围（超过 {_limits.EXCEL_ROWS:,} 行），文件可能已损坏。")
        n = len(r)
        while n and (r[n - 1] is None or (isinstance(r[n - 1], str) and not r[n - 1].strip(_WS))):
            n -= 1
        if n == 0:
            continue
        rows.append(tuple(r[:n]) if n < len(r) else tuple(r))
        numbers.append(i)
        width = max(width, n)
        if len(rows) * width > _limits.MAX_CELLS:
            raise _limits.too_many_cells(label, len(rows), width)
    return rows, np.asarray(numbers, dtype=np.int64)


def _xlsx_table(rows: list[tuple], rows_no: np.ndarray, label: str, where: str, header_keys: frozenset[str]) -> _Table:
    """The raw table of an Excel sheet's filled rows (header found, two-row header combined)."""
    h = _find_header([list(r) for r in rows[:_HEADER_SCAN + 10]], header_keys)
    if h is None:
        raise CRMDataError(f"{where}是空的，没有任何数据。请确认数据在这个工作表里（可用 sheet_name= 选择工作表）。")
    adjacent = len(rows) > h + 1 and rows_no[h + 1] == rows_no[h] + 1
    two = _two_row_header(list(rows[h]), list(rows[h + 1]) if adjacent else None)
    skip = 2 if two is not None else 1
    body_rows = rows[h + skip:]
    header = two if two is not None else list(rows[h])
    width = max([len(header)] + [len(r) for r in body_rows])
    header = header + [None] * (width - len(header))
    padded = [r + (None,) * (width - len(r)) if len(r) < width else r for r in body_rows]
    body = pd.DataFrame(padded, columns=range(width), dtype=object) if padded else pd.DataFrame(columns=range(width), dtype=object)
    return _Table([_clean_name(v) for v in header], body, rows_no[h + skip:], label, True)


def _read_xls(data: bytes, label: str, sheet_name: int | str, header_keys: frozenset[str]) -> _Table:
    import importlib.util

    if importlib.util.find_spec("xlrd") is None:
        raise CRMDataError(
            f"{label}是旧版 Excel 格式（.xls）或加了密码的 Excel 文件，本课程环境不能直接读取。"
            "请用 Excel/WPS 打开它，「另存为」Excel 工作簿（.xlsx）或 CSV UTF-8 后重试。"
        )
    try:
        raw = pd.read_excel(io.BytesIO(data), sheet_name=sheet_name, header=None, dtype=object, engine="xlrd")
    except Exception as exc:
        raise CRMDataError(f"读取旧版 Excel {label}时出错：{exc}。请另存为 .xlsx 或 CSV 后重试。") from exc
    records = raw.where(raw.notna(), None).values.tolist()
    h = _find_header(records[:_HEADER_SCAN + 10], header_keys)
    if h is None:
        raise CRMDataError(f"{label}是空的，没有任何数据。")
    body = raw.iloc[h + 1:].reset_index(drop=True)
    body.columns = range(body.shape[1])
    return _Table([_clean_name(v) for v in records[h]], body, np.arange(len(body)) + h + 2, label, True)


def _load(src: Any, *, filename: str | None, encoding: str | None, sheet_name: int | str,
          header_keys: frozenset[str]) -> _Table:
    """Read ``src`` into a raw table (strings/cells by position), without mapping."""
    if isinstance(src, pd.DataFrame):
        return _table_from_frame(src)
    src, filename = _unwrap_upload(src, filename)
    data, text, name = _content_of(src, filename)
    label = _source_label(name)
    ext = Path(name).suffix.lower() if name else ""
    if data is not None:
        _check_ext(ext, label)
        if not data.strip(b" \t\r\n" + codecs.BOM_UTF8):
            raise CRMDataError(f"{label}是空的（0 字节或只有空白）。请确认导出时选中了数据，再重新保存。")
        if data[:4] == b"PK\x03\x04":
            return _read_xlsx(data, label, sheet_name, header_keys)
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            return _read_xls(data, label, sheet_name, header_keys)
        if ext in _XLSX_EXT:
            raise CRMDataError(
                f"{label}的扩展名是 {ext}，但内容不是 Excel 工作簿（可能是改了扩展名的文本或网页文件）。"
                "请用 Excel/WPS 打开它，再「另存为」Excel 工作簿（.xlsx）或 CSV UTF-8 后重试。"
            )
        text = _decode(data, encoding, label)
    assert text is not None
    text = text.lstrip(_BOM)
    return _read_text(text, label, ext, header_keys)


def _table_from_frame(src: pd.DataFrame) -> _Table:
    """A DataFrame as a raw table (a named index becomes a column); rows are index labels."""
    df = src
    if df.index.name is not None and df.index.name not in df.columns:
        df = df.reset_index()
    names = [_clean_name(c) for c in df.columns]
    frame = df.copy()
    frame.columns = range(frame.shape[1])
    return _Table(names, frame, np.asarray(df.index), "传入的表格（DataFrame）", False)


def _unwrap_upload(src: Any, filename: str | None) -> tuple[Any, str | None]:
    """An ipywidgets.FileUpload value (tuple of dicts) or item (dict): its content and name."""
    if isinstance(src, (tuple, list)) and all(isinstance(x, Mapping) for x in src):
        if not src:
            raise CRMDataError("还没有上传文件。请先点击「上传」按钮选择一个 CSV 或 Excel 文件。")
        if len(src) > 1:
            raise CRMDataError(f"一次只能读取一个文件，但收到了 {len(src)} 个。请只上传一个文件。")
        src = src[0]
    if isinstance(src, Mapping):
        if "content" not in src:
            raise CRMDataError("不支持这种数据来源：字典中没有 \"content\"（上传文件的内容）。")
        filename = filename or src.get("name")
        src = src["content"]
    return src, filename


def _content_of(src: Any, filename: str | None) -> tuple[bytes | None, str | None, str | None]:
    """(bytes, text, name) of bytes, CSV text, a path or a file object; exactly one of bytes/text is set."""
    if isinstance(src, (bytes, bytearray, memoryview)):
        return bytes(src), None, filename
    if isinstance(src, str) and ("\n" in src or "\r" in src):
        return None, src, filename
    if isinstance(src, (str, os.PathLike)):
        return _read_path(src, filename), None, filename or Path(src).expanduser().name
    if hasattr(src, "read"):
        try:
            content = src.read()
        except Exception as exc:
            raise CRMDataError(f"无法从传入的文件对象读取内容：{exc}。") from exc
        name = filename or (getattr(src, "name", None) if isinstance(getattr(src, "name", None), str) else None)
        if isinstance(content, str):
            return None, content, name
        return bytes(content), None, name
    raise CRMDataError(
        f"不支持这种数据来源（{type(src).__name__}）。请传入文件路径、上传文件的内容（bytes）或 DataFrame。"
    )


def _read_path(src: str | os.PathLike, filename: str | None) -> bytes:
    """The bytes of the file at ``src``, with a Chinese message when it cannot be read."""
    path = Path(src).expanduser()
    ext = (Path(filename).suffix if filename else path.suffix).lower()
    if not path.exists():
        raise CRMDataError(
            f"找不到文件「{src}」。请检查文件名（包括扩展名 .csv/.xlsx）和所在文件夹是否正确；"
            "相对路径是相对于当前笔记本所在的文件夹。"
        )
    if path.is_dir():
        raise CRMDataError(f"「{src}」是一个文件夹，不是文件。请给出文件夹里的 CSV 或 Excel 文件名。")
    _check_ext(ext, _source_label(filename or path.name))
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CRMDataError(
            f"无法打开文件「{src}」（{type(exc).__name__}）。如果它正在 Excel 中打开，请先关闭；"
            "也请检查是否有读取权限。"
        ) from exc


def _check_ext(ext: str, label: str) -> None:
    if ext in _TEXT_EXT or ext in _XLSX_EXT or ext in _XLS_EXT:
        return
    raise CRMDataError(
        f"不支持的文件类型「{ext}」（{label}）。请提供 CSV（.csv/.txt/.tsv）或 Excel（.xlsx）文件；"
        "在 Excel/WPS 中可以用「另存为」选择这些格式。"
    )


def _tidy(table: _Table) -> _Table:
    """Drop unnamed empty columns and fully empty rows; name the remaining columns uniquely."""
    frame = table.frame
    empty = _empty_mask(frame)
    keep_cols = []
    names = []
    for pos, nm in enumerate(table.names):
        if pos >= frame.shape[1]:
            break
        if not nm:
            if empty[pos].all():
                continue
            nm = f"未命名列{_excel_letter(pos)}" if table.excel_rows else f"未命名列{pos + 1}"
        keep_cols.append(pos)
        names.append(nm)
    if len(keep_cols) > _limits.MAX_COLUMNS:
        raise _limits.too_many_columns(table.label, len(keep_cols))
    frame = frame[keep_cols]
    frame.columns = range(len(keep_cols))
    full_empty = empty[keep_cols].all(axis=1).to_numpy(bool) if keep_cols else np.ones(len(frame), bool)
    if table.excel_rows and len(frame):
        full_empty = full_empty | _footer_mask(frame, empty[keep_cols] if keep_cols else empty)
    if full_empty.any():
        frame = frame.loc[~full_empty].reset_index(drop=True)
        rows = table.rows[~full_empty]
    else:
        rows = table.rows
    if not names:
        raise CRMDataError(f"{table.label}没有任何列名（表头为空）。请在第一行写上列名，例如 客户编号、日期、金额。")
    return _Table(names, frame, rows, table.label, table.excel_rows, table.text)


_FOOTER = re.compile(
    r"^(?:[-=_*#—]{3,}|(?:合计|总计|小计|共计|总和|total|grand ?total|sum)\s*[:：]?$"
    r"|(?:共\s*\d+\s*笔|注[:：]|导出时间|已收入|已支出|待收入|待支出|中性交易|收入[:：]|支出[:：]))",
    re.IGNORECASE,
)


def _footer_mask(frame: pd.DataFrame, empty: pd.DataFrame) -> np.ndarray:
    """Summary lines below the data (合计 rows, "共3笔记录", "-----" in bank/payment bills).

    Only the trailing block is looked at, and only rows whose first filled cell is
    such a label (合计 rows may carry totals in other cells).
    """
    n = len(frame)
    out = np.zeros(n, bool)
    filled = ~empty.to_numpy(bool)
    i = n - 1
    while i >= 0:
        cells = np.flatnonzero(filled[i])
        if len(cells) == 0:
            out[i] = True  # (already dropped as empty)
            i -= 1
            continue
        if not _FOOTER.match(str(frame.iat[i, cells[0]]).strip(_WS)):
            break
        out[i] = True
        i -= 1
    return out


def _empty_mask(frame: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for c in frame.columns:
        s = frame[c]
        if isinstance(s.dtype, pd.StringDtype) or s.dtype == object:
            arr = s.to_numpy(dtype=object)
            m = s.isna().to_numpy(dtype=bool, copy=True)
            present = arr[~m]
            if pd.api.types.infer_dtype(present, skipna=False) in ("string", "empty"):
                joined = "\x00".join(present.tolist())
                if _has_edge_ws(joined) or _has_empty(joined, len(present)):
                    m = m | np.fromiter((isinstance(v, str) and not v.strip(_WS) for v in arr), bool, len(arr))
            else:
                m = m | np.fromiter((isinstance(v, str) and not v.strip(_WS) for v in arr), bool, len(arr))
        else:
            m = s.isna().to_numpy(bool)
        out[c] = m
    return pd.DataFrame(out, index=frame.index)
