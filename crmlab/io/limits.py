"""Size limits of the readers: what a shared school computer can read without running out of memory.

An Excel workbook is a zip archive: its directory tells how large every member is
once unpacked, so a workbook that would inflate to a gigabyte is refused before one
byte of it is unpacked.  The sheet's ``<dimension>`` is read from the first bytes of
its XML; a stray cell far away (row 200,000, column 2,000) does not make the reader
build a 200,000 x 2,000 table, because empty rows are skipped while reading and only
filled rows are kept.
"""

from __future__ import annotations

import io
import re
import zipfile

from crmlab._errors import CRMDataError

#: one unpacked worksheet (or the shared-strings table) at most this many bytes
MAX_XLSX_MEMBER = 200 * 1024 * 1024
#: all members of a workbook together, unpacked
MAX_XLSX_TOTAL = 320 * 1024 * 1024
#: filled columns of a table (Excel itself allows 16,384)
MAX_COLUMNS = 1000
#: cells of the table built from the filled rows (rows x widest row)
MAX_CELLS = 20_000_000
#: characters in one cell (Excel's own limit is 32,767)
MAX_FIELD = 32_767
#: largest absolute number accepted (Excel keeps 15 significant digits)
MAX_NUMBER = 1e15

EXCEL_ROWS, EXCEL_COLS = 1_048_576, 16_384


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.0f} MB" if n < 1024 ** 3 else f"{n / 1024 ** 3:.1f} GB"


def check_xlsx_sizes(data: bytes, label: str) -> None:
    """Refuse a workbook whose members inflate beyond the limits (only the zip directory is read)."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # not a readable zip: the workbook reader gives its own message
    total = sum(i.file_size for i in infos)
    sheets = [i for i in infos if i.filename.startswith("xl/worksheets/") or i.filename == "xl/sharedStrings.xml"]
    big = max(sheets, key=lambda i: i.file_size, default=None)
    if big is not None and big.file_size > MAX_XLSX_MEMBER:
        raise CRMDataError(
            f"{label}解压后工作表有 {_mb(big.file_size)}，超过了能读取的上限 {_mb(MAX_XLSX_MEMBER)}，没有读取。"
            "请在 Excel 中只保留需要的行和列（删掉多余的工作表），或另存为 CSV 后重试。"
        )
    if total > MAX_XLSX_TOTAL:
        raise CRMDataError(
            f"{label}解压后共有 {_mb(total)}，超过了能读取的上限 {_mb(MAX_XLSX_TOTAL)}，没有读取。"
            "请删掉不需要的工作表、图片和多余的行列，或另存为 CSV 后重试。"
        )


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?\"")


def sheet_dimension(data: bytes, member: str) -> tuple[int, int] | None:
    """(rows, columns) claimed by a sheet's ``<dimension ref="A1:C10">`` near the start of its XML.

    Only sheets up to 16 MB unpacked are looked at (larger ones are still bounded by the
    row and cell limits while they are read).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if zf.getinfo(member).file_size > 16 * 1024 * 1024:
                return None
            head = zf.read(member)[:4096]
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, RuntimeError):
        return None
    m = _DIMENSION.search(head)
    if not m or not m.group(4):
        return None
    col = 0
    for ch in m.group(3).decode():
        col = col * 26 + ord(ch) - 64
    return int(m.group(4)), col


def check_dimension(dim: tuple[int, int] | None, label: str) -> None:
    """A sheet claiming more rows or columns than Excel allows is damaged."""
    if dim is not None and (dim[0] > EXCEL_ROWS or dim[1] > EXCEL_COLS):
        raise CRMDataError(
            f"{label}的工作表声称有 {dim[0]:,} 行、{dim[1]:,} 列，超出了 Excel 的范围，文件可能已损坏。"
            "请用 Excel/WPS 打开它并另存为新的 .xlsx 或 CSV 后重试。"
        )


def too_many_columns(label: str, n: int) -> CRMDataError:
    return CRMDataError(
        f"{label}的列数超过了能读取的上限 {MAX_COLUMNS:,} 列（至少有 {n:,} 列）。请确认选对了文件和分隔符，"
        "并在 Excel 中删掉不需要的列后重试。"
    )


def too_many_cells(label: str, rows: int, width: int) -> CRMDataError:
    return CRMDataError(
        f"{label}有 {rows:,} 行数据、最远用到第 {width:,} 列，表格太大（上限 {MAX_CELLS:,} 个单元格），没有读取。"
        "常见原因是远处某个单元格里有多余的内容：请在 Excel 中按 Ctrl+End 找到它并删除，或只复制需要的数据另存。"
    )


def short(text: str, limit: int = 40) -> str:
    """``text`` cut to ``limit`` characters (with …) for messages."""
    text = str(text)
    return text if len(text) <= limit else text[:limit] + "…"
