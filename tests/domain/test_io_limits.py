"""Hostile files for the readers: bounded in memory and time, every failure a short Chinese CRMDataError.

The memory-bound cases run in a child process whose address space is limited with
``resource.setrlimit(RLIMIT_AS)`` (Linux only): without the guards they die with
MemoryError (a 200,000 x 2,000 table of a 5 KB workbook needs over 3 GB).
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import textwrap
import warnings
import zipfile

import openpyxl
import pandas as pd
import pytest

import crmlab.io as cio
from crmlab import CRMDataError
from crmlab.io import limits as io_limits

LINUX = sys.platform.startswith("linux")
needs_rlimit = pytest.mark.skipif(not LINUX, reason="RLIMIT_AS address-space limits are only reliable on Linux")
slow = pytest.mark.slow  # child processes, a 260 MB inflating member: run by `pytest --full` and CI

LIMITED = textwrap.dedent(
    """
    import resource, sys, time, warnings
    import pandas, openpyxl
    import crmlab.io as cio
    from crmlab import CRMDataError
    with open("/proc/self/status") as fh:
        size = int(fh.read().split("VmSize:")[1].split()[0]) * 1024
    warnings.simplefilter("error")
    resource.setrlimit(resource.RLIMIT_AS, (size + {extra_mb} * 1024 * 1024,) * 2)
    path = sys.argv[1]
    start = time.monotonic()
    try:
        df = cio.{reader}(path{kwargs})
        print("OK", df.shape)
    except CRMDataError as exc:
        print("CRMDataError", str(exc).replace("\\n", " "))
    print("SECONDS", round(time.monotonic() - start, 1))
    """
)


def run_limited(path, reader="read_transactions", kwargs="", extra_mb=1200, timeout=300) -> str:
    """Run one reader on ``path`` in a child process limited to (its size + extra_mb) of address space."""
    code = LIMITED.format(reader=reader, kwargs=kwargs, extra_mb=extra_mb)
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=timeout)
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stdout, done.stderr[-2000:]
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def workbook(rows, stray=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(list(r))
    if stray is not None:
        ws.cell(row=stray[0], column=stray[1], value=stray[2])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def replace_member(data: bytes, member: str, new: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, new if info.filename == member else src.read(info.filename))
    return out.getvalue()


# ---------------------------------------------------------------- Excel
@slow
@needs_rlimit
def test_stray_cell_far_away_in_a_5kb_workbook(tmp_path):
    data = workbook([("客户编号", "日期", "金额"), ("C1", "2024-01-05", 3)], stray=(200_000, 2_000, "x"))
    assert len(data) < 8_000
    path = tmp_path / "多余单元格.xlsx"
    path.write_bytes(data)
    out = run_limited(path, "read_transactions")
    assert "CRMDataError" in out and "第 200000 行" in out and "客户编号为空" in out
    assert "OK (1, 5)" in run_limited(path, "read_transactions", ', errors="drop"')  # + made-up order_id
    assert "OK (2, 4)" in run_limited(path, "read_table")


@slow
@needs_rlimit
def test_workbook_inflating_past_the_limit_is_refused_unread(tmp_path):
    path = tmp_path / "炸弹.xlsx"
    data = workbook([("客户编号", "日期", "金额"), ("C1", "2024-01-05", 3)])
    row = b'<row r="3"><c r="A3" t="inlineStr"><is><t>' + b"0" * 1000 + b"</t></is></c></row>"
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info.filename, src.read(info.filename))
        with dst.open("xl/worksheets/sheet1.xml", "w") as fh:  # ~260 MB once unpacked
            fh.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            block = row * 1024
            for _ in range(int(260 * 1024 * 1024 / len(block))):
                fh.write(block)
            fh.write(b"</sheetData></worksheet>")
    assert path.stat().st_size < 5 * 1024 * 1024
    out = run_limited(path, "read_table", extra_mb=600)
    assert "CRMDataError" in out and "解压后" in out and "上限" in out
    assert float(out.split("SECONDS")[1]) < 10


def test_sheet_claiming_more_than_excel_allows_is_refused():
    data = workbook([("客户编号", "日期", "金额"), ("C1", "2024-01-05", 3)])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml")
    assert b'<dimension ref="A1:C2"' in xml
    bad = replace_member(data, "xl/worksheets/sheet1.xml", xml.replace(b'ref="A1:C2"', b'ref="A1:C2000000"'))
    with pytest.raises(CRMDataError, match="超出了 Excel 的范围"):
        cio.read_transactions(bad, filename="坏尺寸.xlsx")
    wrong_but_possible = replace_member(data, "xl/worksheets/sheet1.xml", xml.replace(b'ref="A1:C2"', b'ref="A1:XFD1048576"'))
    assert len(cio.read_transactions(wrong_but_possible, filename="x.xlsx")) == 1  # a wrong size alone is tolerated


def test_excel_date_cells_beyond_pandas_range_are_named(tmp_path):
    data = workbook([("客户编号", "日期", "金额"), ("C1", dt.datetime(2024, 1, 5), 3), ("C2", dt.datetime(9999, 12, 31), 4)])
    with pytest.raises(CRMDataError) as err:
        cio.read_transactions(data, filename="长期.xlsx")
    msg = str(err.value)
    assert "「日期」" in msg and "第 3 行" in msg and "超出了可处理的范围" in msg and "无法识别" not in msg
    assert len(cio.read_transactions(data, filename="长期.xlsx", errors="drop")) == 1


def test_too_many_filled_columns_in_excel(monkeypatch):
    monkeypatch.setattr(io_limits, "MAX_COLUMNS", 50)
    data = workbook([[f"列{i}" for i in range(60)], list(range(60))])
    with pytest.raises(CRMDataError, match="上限 50 列（至少有 60 列）") as err:
        cio.read_table(data, filename="宽.xlsx")
    assert len(str(err.value)) < 300


# ---------------------------------------------------------------- CSV
def test_csv_cell_longer_than_the_csv_module_allows():
    long = "长" * 200_000
    near_top = f"客户编号,日期,金额,备注\nC1,2024-01-05,3,{long}\n".encode()
    with pytest.raises(CRMDataError) as err:
        cio.read_transactions(near_top, filename="长单元格.csv")
    msg = str(err.value)
    assert "长单元格.csv" in msg and "太长" in msg and "第 2 行" in msg and len(msg) < 400
    deep = ("客户编号,日期,金额,备注\n" + "C1,2024-01-05,3,ok\n" * 100 + f"C2,2024-01-06,4,{long}\n").encode()
    with pytest.raises(CRMDataError) as err:
        cio.read_transactions(deep, filename="深处.csv")
    msg = str(err.value)
    assert "「备注」" in msg and "第 102 行" in msg and "32,767" in msg and len(msg) < 400


def test_csv_unbalanced_quote_swallowing_the_file():
    body = "客户编号,日期,金额\n" + 'C1,2024-01-05,"3\n' + "C2,2024-01-06,4\n" * 20_000
    with pytest.raises(CRMDataError) as err:
        cio.read_transactions(body.encode(), filename="引号.csv")
    assert "引号.csv" in str(err.value) and len(str(err.value)) < 600


def test_csv_with_100000_columns_gives_a_short_message():
    header = ",".join(f"c{i}" for i in range(100_000))
    data = (header + "\n" + ",".join("1" for _ in range(100_000)) + "\n").encode()
    for reader in (cio.read_transactions, cio.read_customers, cio.read_table):
        with pytest.raises(CRMDataError, match="列数超过了能读取的上限 1,000 列") as err:
            reader(data, filename="很宽.csv")
        assert len(str(err.value)) < 300


def test_missing_column_message_is_capped():
    header = ",".join(f"很长很长的列名{i}" * 5 for i in range(900))
    with pytest.raises(CRMDataError) as err:
        cio.read_transactions((header + "\n" + ",".join("1" * 900) + "\n").encode(), filename="宽.csv")
    assert len(str(err.value)) < 2000 and "等共 900 列" in str(err.value)


def test_many_bad_columns_give_a_bounded_message():
    cols = [f"其他{i}" for i in range(40)]
    df = pd.DataFrame({"客户编号": ["C1"], "出生日期": ["不知道"], "年龄": ["很老"], "同意营销": ["也许"],
                       **{c: ["x"] for c in cols}})
    with pytest.raises(CRMDataError) as err:
        cio.read_customers(df.to_csv(index=False).encode(), filename="c.csv")
    assert len(str(err.value)) < 1500


# ---------------------------------------------------------------- values
def test_numbers_beyond_range_rejected_without_warnings():
    csv = "客户编号,日期,金额,备注\nC1,2024-01-05,1e308万,99999999999999999999\nC2,2024-01-06,5,1e400\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(CRMDataError) as err:
            cio.read_transactions(csv.encode(), filename="大数.csv")
        msg = str(err.value)
        assert "「金额」" in msg and "第 2 行" in msg and "太大" in msg and "无法识别" not in msg
        got = cio.read_transactions(csv.encode(), filename="大数.csv", errors="drop")
        assert got["amount"].tolist() == [5.0]
        assert got["备注"].tolist() == ["1e400"]  # unrecognised column: kept as written
        table = cio.read_table(csv.encode(), filename="大数.csv")
        assert table["备注"].tolist() == ["99999999999999999999", "1e400"]  # 20 digits stay text, no cast warning
        with pytest.raises(CRMDataError, match="太大"):
            cio.parse_amounts(["-1e308亿", "3"])
        assert cio.parse_amounts(["(1e308万)", "1,200"], errors="coerce").isna().tolist() == [True, False]
        assert cio.parse_amounts(["999999999999999"]).tolist() == [999999999999999.0]


def test_dates_beyond_pandas_range_are_named_as_such():
    for text in ("2262-05-01", "9999-12-31", "22620501", "2262年1月1日", "1600/1/1"):
        with pytest.raises(CRMDataError, match="超出了可处理的日期范围"):
            cio.parse_dates([text])
    csv = "客户编号,日期,金额\nC1,2024-01-05,3\nC2,2262-01-01,4\nC3,不知道,5\n"
    with pytest.raises(CRMDataError) as err:
        cio.read_transactions(csv.encode(), filename="日期.csv")
    msg = str(err.value)
    assert "第 3 行日期超出了可处理的范围" in msg and "第 4 行无法识别为日期" in msg
    assert cio.parse_dates(["2261-12-31"]).iloc[0] == pd.Timestamp("2261-12-31")
