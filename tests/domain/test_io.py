"""Tests for crmlab.io: reading learners' own CSV/Excel files.

Every fixture file is generated in ``tmp_path``; expected values are written out
by hand (never computed with the code under test).
"""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pandas as pd
import pytest

import crmlab
from crmlab import CRMDataError
from crmlab import io as cio

openpyxl = pytest.importorskip("openpyxl")

TS = pd.Timestamp


def write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def xlsx_bytes(rows, title_row=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    if title_row is not None:
        ws.append([title_row])
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------------------
# Encodings, separators, headers
# ---------------------------------------------------------------------------

GBK_CSV = (
    "客户编号,订单号,消费日期,消费金额,门店\n"
    "C001,D1001,2024-01-05,128.5,南京东路店\n"
    "C002,D1002,2024-02-10,\"￥1,200\",徐家汇店\n"
    "C001,D1003,2024-03-01,-30,南京东路店\n"
)


def test_gbk_csv_with_chinese_headers(tmp_path):
    p = write(tmp_path, "订单.csv", GBK_CSV, "gbk")
    df = cio.read_transactions(p)
    assert list(df.columns) == ["customer_id", "order_id", "order_date", "amount", "门店"]
    assert df["customer_id"].tolist() == ["C001", "C002", "C001"]
    assert df["order_id"].tolist() == ["D1001", "D1002", "D1003"]
    assert df["order_date"].tolist() == [TS("2024-01-05"), TS("2024-02-10"), TS("2024-03-01")]
    assert df["amount"].tolist() == [128.5, 1200.0, -30.0]
    assert df["门店"].tolist() == ["南京东路店", "徐家汇店", "南京东路店"]
    assert df["order_date"].dtype == "datetime64[ns]"
    assert df["amount"].dtype == np.float64
    assert pd.api.types.is_string_dtype(df["customer_id"]) and pd.api.types.is_string_dtype(df["order_id"])


def test_gb18030_and_explicit_encoding(tmp_path):
    text = "会员号,日期,金额\nV01,2024-01-05,¥88\n"  # ¥ (U+00A5) exists in GB18030, not GBK
    p = write(tmp_path, "a.csv", text, "gb18030")
    assert cio.read_transactions(p)["amount"].tolist() == [88.0]
    assert cio.read_transactions(p, encoding="gb18030")["customer_id"].tolist() == ["V01"]
    with pytest.raises(CRMDataError, match="encoding") as exc:
        cio.read_transactions(p, encoding="utf-8")
    assert isinstance(exc.value.__cause__, UnicodeDecodeError)


def test_utf8_bom_header_is_recognised(tmp_path):
    text = "\ufeff客户ID , 下单时间 ,实付金额（元）\nC9,2024/1/5 13:45,300\n"
    p = tmp_path / "bom.csv"
    p.write_bytes(text.encode("utf-8"))
    assert p.read_bytes().startswith(b"\xef\xbb\xbf")
    df = cio.read_transactions(p)
    assert df.loc[0, "customer_id"] == "C9"
    assert df.loc[0, "order_date"] == TS("2024-01-05 13:45")
    assert df.loc[0, "amount"] == 300.0


def test_utf16_excel_unicode_text(tmp_path):
    p = tmp_path / "unicode.txt"
    p.write_bytes("客户编号\t日期\t金额\nC1\t2024-01-05\t10\n".encode("utf-16"))
    df = cio.read_transactions(p)
    assert df["customer_id"].tolist() == ["C1"] and df["amount"].tolist() == [10.0]


def test_tab_separated_online_retail_style(tmp_path):
    text = (
        "InvoiceNo\tStockCode\tQuantity\tInvoiceDate\tUnitPrice\tCustomer ID\n"
        "536365\t85123A\t6\t12/1/2010 8:26\t2.55\t17850\n"
        "536365\t71053\t6\t12/1/2010 8:26\t3.39\t17850\n"
        "C536379\tD\t-1\t12/13/2010 9:41\t27.5\t14527\n"
    )
    p = write(tmp_path, "retail.tsv", text)
    df = cio.read_transactions(p)
    assert df["customer_id"].tolist() == ["17850", "17850", "14527"]
    assert df["order_id"].tolist() == ["536365", "536365", "C536379"]
    # month/day/year is evident from "12/13/2010" (13 cannot be a month)
    assert df["order_date"].tolist() == [TS("2010-12-01 08:26"), TS("2010-12-01 08:26"), TS("2010-12-13 09:41")]
    assert df["amount"].tolist() == pytest.approx([15.3, 20.34, -27.5])
    assert df["quantity"].tolist() == [6, 6, -1]
    assert "StockCode" in df.columns


def test_semicolon_separator_and_case_insensitive_english(tmp_path):
    text = "CUSTOMER_ID;Date;SALES\nA1;2024-01-05;10\nA2;2024-01-06;20\n"
    df = cio.read_transactions(write(tmp_path, "s.csv", text))
    assert df["customer_id"].tolist() == ["A1", "A2"]
    assert df["amount"].tolist() == [10.0, 20.0]


def test_title_line_above_header_and_full_width_spaces(tmp_path):
    text = "2024年会员消费明细\n\n\u3000客户编号\u3000,日期,金额\nC1,2024-01-05,5\nC2,2024-01-06,oops\n"
    p = write(tmp_path, "t.csv", text)
    with pytest.raises(CRMDataError) as exc:
        cio.read_transactions(p)
    # title = row 1, blank = row 2, header = row 3 -> C2 is Excel row 5
    assert "第 5 行" in str(exc.value)
    df = cio.read_transactions(p, errors="drop")
    assert df["customer_id"].tolist() == ["C1"]


def test_leading_zeros_and_float_ids(tmp_path):
    text = "客户编号,日期,金额\n00123,2024-01-05,1\n00999,2024-01-05,2\n"
    assert cio.read_transactions(write(tmp_path, "z.csv", text))["customer_id"].tolist() == ["00123", "00999"]
    text = "CustomerID,InvoiceDate,amount\n17850.0,2024-01-05,1\n13047.0,2024-01-05,2\n"
    assert cio.read_transactions(write(tmp_path, "f.csv", text))["customer_id"].tolist() == ["17850", "13047"]


# ---------------------------------------------------------------------------
# Values and dates
# ---------------------------------------------------------------------------

AMOUNTS = [
    ("¥1,200.00", 1200.0), ("￥1,200", 1200.0), ("1.2万", 12000.0), (" 300 ", 300.0),
    ("1,200元", 1200.0), ("(300)", -300.0), ("（300）", -300.0), ("-300", -300.0),
    ("１２００", 1200.0), ("1,234,567.8", 1234567.8), ("0", 0.0), ("RMB 50", 50.0), ("3.5千", 3500.0),
]


@pytest.mark.parametrize(("raw", "expected"), AMOUNTS)
def test_amount_formats(tmp_path, raw, expected):
    quoted = '"' + raw + '"'
    text = f"客户编号,日期,金额\nC1,2024-01-05,{quoted}\n"
    df = cio.read_transactions(write(tmp_path, "a.csv", text, "utf-8"))
    assert df.loc[0, "amount"] == expected


@pytest.mark.parametrize("raw", ["abc", "1,20", "12..5", "1.2.3", "#VALUE!", "-", "(-300)", "300%"])
def test_bad_amounts_are_reported(tmp_path, raw):
    text = f'客户编号,日期,金额\nC1,2024-01-05,5\nC2,2024-01-06,"{raw}"\n'
    with pytest.raises(CRMDataError) as exc:
        cio.read_transactions(write(tmp_path, "bad.csv", text))
    msg = str(exc.value)
    assert "「金额」" in msg and "第 3 行" in msg and raw in msg and "bad.csv" in msg


DATES = [
    ("2024-01-05", TS("2024-01-05")), ("2024/1/5", TS("2024-01-05")), ("2024年1月5日", TS("2024-01-05")),
    ("20240105", TS("2024-01-05")), ("2024.1.5", TS("2024-01-05")),
    ("2024-01-05 13:45:00", TS("2024-01-05 13:45")), ("45296", TS("2024-01-05")),
    ("2024-01-05T13:45", TS("2024-01-05 13:45")), ("２０２４年１月５日", TS("2024-01-05")),
    ("2024/01/05 08:05", TS("2024-01-05 08:05")), ("2024年1月5日 13时45分", TS("2024-01-05 13:45")),
    ("2024-01-05 13:45:00.250", TS("2024-01-05 13:45:00.250")), ("45296.5", TS("2024-01-05 12:00")),
    ('"Jan 5, 2024"', TS("2024-01-05")), ("05-Jan-2024", TS("2024-01-05")),
    ("2024-01-05T13:45:00+08:00", TS("2024-01-05 13:45")), ("2024/1/5 星期五", TS("2024-01-05")),
]


@pytest.mark.parametrize(("raw", "expected"), DATES)
def test_date_formats(tmp_path, raw, expected):
    text = f"客户编号,日期,金额\nC1,{raw},1\n"
    df = cio.read_transactions(write(tmp_path, "d.csv", text))
    assert df.loc[0, "order_date"] == expected


@pytest.mark.parametrize("raw", ["2024", "2024-01", "2024-13-05", "2024-02-30", "明天", "202401", "9999-12-31", "1/2/24"])
def test_bad_or_partial_dates_are_not_guessed(tmp_path, raw):
    text = f"客户编号,日期,金额\nC1,2024-01-05,1\nC2,{raw},1\n"
    with pytest.raises(CRMDataError) as exc:
        cio.read_transactions(write(tmp_path, "d.csv", text))
    assert "「日期」" in str(exc.value) and "第 3 行" in str(exc.value) and raw in str(exc.value)


def test_mixed_date_formats_in_one_column(tmp_path):
    rows = ["2024-01-05", "2024/2/6", "2024年3月7日", "20240408", "2024.5.9", "45453"]
    text = "客户编号,日期,金额\n" + "".join(f"C{i},{d},1\n" for i, d in enumerate(rows))
    df = cio.read_transactions(write(tmp_path, "m.csv", text))
    assert df["order_date"].tolist() == [TS(x) for x in
                                         ["2024-01-05", "2024-02-06", "2024-03-07", "2024-04-08", "2024-05-09", "2024-06-10"]]


def test_ambiguous_day_month_order_is_reported_not_guessed(tmp_path):
    text = "客户编号,日期,金额\nC1,03/04/2024,1\nC2,05/06/2024,1\n"
    p = write(tmp_path, "amb.csv", text)
    with pytest.raises(CRMDataError, match="dayfirst") as exc:
        cio.read_transactions(p)
    assert "第 2、3 行" in str(exc.value)
    assert cio.read_transactions(p, dayfirst=True)["order_date"].tolist() == [TS("2024-04-03"), TS("2024-06-05")]
    assert cio.read_transactions(p, dayfirst=False)["order_date"].tolist() == [TS("2024-03-04"), TS("2024-05-06")]
    # a day above 12 in the first place settles it for the whole column
    text = "客户编号,日期,金额\nC1,03/04/2024,1\nC2,25/06/2024,1\n"
    df = cio.read_transactions(write(tmp_path, "dmy.csv", text))
    assert df["order_date"].tolist() == [TS("2024-04-03"), TS("2024-06-25")]


# ---------------------------------------------------------------------------
# Excel
# ---------------------------------------------------------------------------


def test_xlsx_datetime_cells_serials_and_numbers(tmp_path):
    rows = [
        ("会员编号", "交易日期", "销售额", "备注"),
        (1001, dt.datetime(2024, 1, 5, 9, 30), 99.9, "首单"),
        (1002, 45296, 1200, None),  # Excel serial number stored as a plain number
        ("1003", "2024/1/7", "¥1,200.50", "刷卡"),
        (1004, dt.date(2024, 1, 8), "1.5万", None),
    ]
    p = tmp_path / "sales.xlsx"
    p.write_bytes(xlsx_bytes(rows, title_row="2024年1月销售"))
    df = cio.read_transactions(p)
    assert df["customer_id"].tolist() == ["1001", "1002", "1003", "1004"]
    assert df["order_date"].tolist() == [TS("2024-01-05 09:30"), TS("2024-01-05"), TS("2024-01-07"), TS("2024-01-08")]
    assert df["amount"].tolist() == [99.9, 1200.0, 1200.5, 15000.0]
    assert df["备注"].tolist()[0] == "首单" and pd.isna(df["备注"].tolist()[1])


def test_xlsx_bad_cell_reports_excel_row(tmp_path):
    rows = [("客户编号", "日期", "金额")] + [(f"C{i}", dt.datetime(2024, 1, i + 1), 10) for i in range(5)]
    rows[4] = ("C4", "不知道", 10)  # sheet row 1 is the title, header row 2 -> this is row 6
    p = tmp_path / "x.xlsx"
    p.write_bytes(xlsx_bytes(rows, title_row="标题"))
    with pytest.raises(CRMDataError) as exc:
        cio.read_transactions(p)
    msg = str(exc.value)
    assert "x.xlsx" in msg and "「日期」" in msg and "第 6 行" in msg and "不知道" in msg


def test_xlsx_sheet_selection(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active.append(["这是说明页"])
    ws = wb.create_sheet("数据")
    ws.append(["客户编号", "日期", "金额"])
    ws.append(["C1", dt.datetime(2024, 1, 5), 7])
    buf = io.BytesIO()
    wb.save(buf)
    p = tmp_path / "two.xlsx"
    p.write_bytes(buf.getvalue())
    assert cio.read_transactions(p, sheet_name="数据")["amount"].tolist() == [7.0]
    assert cio.read_transactions(p, sheet_name=1)["customer_id"].tolist() == ["C1"]
    with pytest.raises(CRMDataError, match="缺少必需的列"):
        cio.read_transactions(p)
    with pytest.raises(CRMDataError, match="数据"):
        cio.read_transactions(p, sheet_name="没有")


def test_fake_and_old_excel_files(tmp_path):
    p = tmp_path / "fake.xlsx"
    p.write_bytes("客户编号,日期,金额\n".encode())
    with pytest.raises(CRMDataError, match="不是 Excel"):
        cio.read_transactions(p)
    p = tmp_path / "broken.xlsx"
    p.write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    with pytest.raises(CRMDataError, match="不是有效的 Excel") as exc:
        cio.read_transactions(p)
    assert exc.value.__cause__ is not None
    p = tmp_path / "old.xls"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(CRMDataError, match="xlsx"):
        cio.read_transactions(p)


# ---------------------------------------------------------------------------
# Failures with clear messages
# ---------------------------------------------------------------------------


def test_file_not_found_and_unsupported_extension(tmp_path):
    with pytest.raises(CRMDataError, match="找不到文件"):
        cio.read_transactions(tmp_path / "nope.csv")
    p = tmp_path / "a.pdf"
    p.write_bytes(b"%PDF-1.4")
    with pytest.raises(CRMDataError, match=r"不支持的文件类型「\.pdf」"):
        cio.read_transactions(p)
    with pytest.raises(CRMDataError, match="文件夹"):
        cio.read_transactions(tmp_path)


@pytest.mark.parametrize("content", [b"", b"   \r\n\r\n", b"\xef\xbb\xbf", b",,,\n,,,\n"])
def test_empty_file(tmp_path, content):
    p = tmp_path / "empty.csv"
    p.write_bytes(content)
    with pytest.raises(CRMDataError, match="empty.csv.*空|空.*empty.csv"):
        cio.read_transactions(p)


@pytest.mark.parametrize("content", ["客户编号,日期,金额\n", "客户编号,日期,金额\n,,\n  , ,\n\n"])
def test_header_only_file(tmp_path, content):
    with pytest.raises(CRMDataError, match="只有表头"):
        cio.read_transactions(write(tmp_path, "h.csv", content))
    with pytest.raises(CRMDataError, match="只有表头"):
        cio.read_customers(write(tmp_path, "h.csv", content))


def test_missing_column_lists_found_columns_and_aliases(tmp_path):
    text = "客户编号,日期,备注\nC1,2024-01-05,x\n"
    with pytest.raises(CRMDataError) as exc:
        cio.read_transactions(write(tmp_path, "m.csv", text))
    msg = str(exc.value)
    assert "金额" in msg and "amount" in msg and "「备注」" in msg and "实付金额" in msg and "columns=" in msg


def test_duplicate_mapped_columns(tmp_path):
    text = "客户编号,日期,金额,实付金额\nC1,2024-01-05,100,90\n"
    p = write(tmp_path, "dup.csv", text)
    with pytest.raises(CRMDataError) as exc:
        cio.read_transactions(p)
    assert "「金额」" in str(exc.value) and "「实付金额」" in str(exc.value)
    df = cio.read_transactions(p, columns={"实付金额": "amount"})
    assert df["amount"].tolist() == [90.0]
    assert df["金额"].tolist() == [100]  # the other column is kept as an extra


def test_explicit_column_mapping(tmp_path):
    text = "我的客户,哪天,花了多少\nC1,2024-01-05,100\n"
    p = write(tmp_path, "x.csv", text)
    df = cio.read_transactions(p, columns={"我的客户": "customer_id", "哪天": "order_date", " 花了多少 ": "amount"})
    assert df[["customer_id", "amount"]].values.tolist() == [["C1", 100.0]]
    with pytest.raises(CRMDataError, match="不存在"):
        cio.read_transactions(p, columns={"没有这列": "amount"})
    df = cio.read_transactions(write(tmp_path, "y.csv", "客户编号,日期,金额,门店\nC1,2024-01-05,1,A店\n"),
                               columns={"门店": "store"})
    assert df["store"].tolist() == ["A店"] and "门店" not in df.columns


def test_unreadable_encoding(tmp_path):
    p = tmp_path / "bin.csv"
    p.write_bytes(b"\xff\xfe\xfd\x80\x81 garbage")  # not valid as UTF-8 nor GB18030
    p.write_bytes(b"a,b\n\x80\x80,\xff\n")
    with pytest.raises(CRMDataError, match="编码") as exc:
        cio.read_transactions(p)
    assert "bin.csv" in str(exc.value)
    assert isinstance(exc.value.__cause__, UnicodeDecodeError)


def test_many_bad_rows_are_listed_with_total(tmp_path):
    lines = ["客户编号,日期,金额"] + [f"C{i},2024-01-05,{'x' if i % 2 else i}" for i in range(30)]
    with pytest.raises(CRMDataError) as exc:
        cio.read_transactions(write(tmp_path, "many.csv", "\n".join(lines) + "\n"))
    msg = str(exc.value)
    # odd i are bad; C1 is Excel row 3, C3 row 5, ... ; 15 bad rows in total
    assert "第 3、5、7、9、11、13、15、17、19、21 行 等共 15 行" in msg


def test_missing_required_values_are_reported_with_rows(tmp_path):
    text = "客户编号,日期,金额\nC1,2024-01-05,1\n,2024-01-05,2\nC3,,3\nC4,2024-01-05,\n"
    with pytest.raises(CRMDataError) as exc:
        cio.read_transactions(write(tmp_path, "n.csv", text))
    msg = str(exc.value)
    assert "列「客户编号」：第 3 行客户编号为空" in msg
    assert "列「日期」：第 4 行日期为空" in msg
    assert "列「金额」：第 5 行金额为空" in msg


def test_unquoted_thousands_separator_names_row(tmp_path):
    text = "客户编号,日期,金额\nC1,2024-01-05,300\nC2,2024-01-05,1,200\n"
    with pytest.raises(CRMDataError) as exc:
        cio.read_transactions(write(tmp_path, "r.csv", text))
    assert "第 3 行" in str(exc.value) and "引号" in str(exc.value)


def test_errors_argument_is_validated(tmp_path):
    with pytest.raises(CRMDataError, match="errors"):
        cio.read_transactions(write(tmp_path, "a.csv", GBK_CSV), errors="ignore")


# ---------------------------------------------------------------------------
# errors="drop", empty rows, generated order ids
# ---------------------------------------------------------------------------


def test_errors_drop_records_what_was_dropped(tmp_path):
    text = (
        "客户编号,日期,金额\n"
        "C1,2024-01-05,100\n"  # row 2
        "C2,2024-13-01,50\n"  # row 3: bad date
        ",,\n"  # row 4: fully empty -> silently dropped, not reported
        "C4,2024-01-07,abc\n"  # row 5: bad amount
        "C5,2024-01-08,20\n"  # row 6
    )
    df = cio.read_transactions(write(tmp_path, "d.csv", text), errors="drop")
    assert df["customer_id"].tolist() == ["C1", "C5"]
    assert df.index.tolist() == [0, 1]
    dropped = df.attrs["crmlab_dropped"]
    assert dropped[["row", "column", "value"]].values.tolist() == [[3, "日期", "2024-13-01"], [5, "金额", "abc"]]
    assert dropped["reason"].tolist() == ["无法识别为日期", "无法识别为金额"]
    pd.testing.assert_frame_equal(cio.dropped_rows(df), dropped)


def test_no_attrs_when_nothing_dropped(tmp_path):
    df = cio.read_transactions(write(tmp_path, "a.csv", GBK_CSV), errors="drop")
    assert "crmlab_dropped" not in df.attrs
    assert cio.dropped_rows(df).empty and list(cio.dropped_rows(df).columns) == ["row", "column", "value", "reason"]


def test_all_rows_bad_with_drop_still_raises(tmp_path):
    text = "客户编号,日期,金额\nC1,x,1\nC2,y,2\n"
    with pytest.raises(CRMDataError, match="跳过之后什么也不剩"):
        cio.read_transactions(write(tmp_path, "a.csv", text), errors="drop")


def test_generated_order_ids_group_customer_and_date(tmp_path):
    text = (
        "客户编号,日期,金额\n"
        "C2,2024-01-05,10\nC1,2024-01-05,20\nC2,2024-01-05,30\nC2,2024-01-06,40\nC1,2024-01-05,50\n"
    )
    df = cio.read_transactions(write(tmp_path, "o.csv", text))
    assert list(df.columns[:4]) == ["customer_id", "order_id", "order_date", "amount"]
    assert df["order_id"].tolist() == ["A000001", "A000002", "A000001", "A000003", "A000002"]
    again = cio.read_transactions(write(tmp_path, "o.csv", text))
    assert again["order_id"].tolist() == df["order_id"].tolist()


# ---------------------------------------------------------------------------
# Other sources: DataFrame, bytes + filename, upload items, file objects
# ---------------------------------------------------------------------------


def test_dataframe_input_typed_and_messy():
    src = pd.DataFrame({
        "Customer ID": [1, 2, 3],
        "date": pd.to_datetime(["2024-01-05", "2024-01-06", "2024-01-07"]),
        "金额": ["¥10", "20", "1万"],
        "note": ["a", "b", "c"],
    }, index=[10, 11, 12])
    before = src.copy()
    df = cio.read_transactions(src)
    pd.testing.assert_frame_equal(src, before)  # input untouched
    assert df["customer_id"].tolist() == ["1", "2", "3"]
    assert df["amount"].tolist() == [10.0, 20.0, 10000.0]
    assert df["note"].tolist() == ["a", "b", "c"]
    src.loc[11, "金额"] = "很多"
    with pytest.raises(CRMDataError) as exc:
        cio.read_transactions(src)
    assert "索引为 11 的行" in str(exc.value)


def test_dataframe_input_with_customer_id_as_index():
    src = pd.DataFrame({"order_date": ["2024-01-05"], "amount": [5.0]},
                       index=pd.Index(["C7"], name="customer_id"))
    assert cio.read_transactions(src)["customer_id"].tolist() == ["C7"]


def test_bytes_with_filename_and_upload_items():
    content = GBK_CSV.encode("gbk")
    df = cio.read_transactions(content, filename="上传.csv")
    assert df["amount"].tolist() == [128.5, 1200.0, -30.0]
    item = {"name": "orders.csv", "type": "text/csv", "size": len(content), "content": memoryview(content)}
    assert cio.read_transactions(item)["customer_id"].tolist() == ["C001", "C002", "C001"]
    assert cio.read_transactions((item,))["order_id"].tolist() == ["D1001", "D1002", "D1003"]
    with pytest.raises(CRMDataError, match="还没有上传"):
        cio.read_transactions(())
    bad = GBK_CSV.replace("128.5", "一百").encode("gbk")
    with pytest.raises(CRMDataError, match="「upload.csv」"):
        cio.read_transactions(bad, filename="upload.csv")
    xbytes = xlsx_bytes([("客户编号", "日期", "金额"), ("C1", dt.datetime(2024, 1, 5), 3)])
    assert cio.read_transactions(xbytes, filename="u.xlsx")["amount"].tolist() == [3.0]
    assert cio.read_transactions(xbytes)["amount"].tolist() == [3.0]  # format sniffed from content


def test_file_objects_and_csv_text():
    assert cio.read_transactions(io.BytesIO(GBK_CSV.encode("gbk")))["customer_id"].tolist() == ["C001", "C002", "C001"]
    assert cio.read_transactions(io.StringIO(GBK_CSV))["amount"].tolist() == [128.5, 1200.0, -30.0]
    assert cio.read_transactions(GBK_CSV)["order_id"].tolist() == ["D1001", "D1002", "D1003"]
    with pytest.raises(CRMDataError, match="不支持这种数据来源"):
        cio.read_transactions(42)


# ---------------------------------------------------------------------------
# Customers
# ---------------------------------------------------------------------------

CUSTOMERS_CSV = (
    "会员编号,姓名,性别,年龄,出生日期,城市,区域,手机号码,邮箱,入会日期,是否同意营销,爱好\n"
    "M001,张三,男,35岁,1990年3月5日,上海,华东,13800138000,zs@example.com,2023/5/1,是,篮球\n"
    "M002,李四,F,28,1997-07-20,成都,西南,13900139000,,20230602,否,\n"
    "M003,王五,保密,,19800101,北京,华北,,ww@example.com,45108,1,读书\n"
)


def test_read_customers_gbk(tmp_path):
    df = cio.read_customers(write(tmp_path, "会员.csv", CUSTOMERS_CSV, "gbk"))
    assert list(df.columns) == ["customer_id", "name", "gender", "birth_date", "age", "city", "region",
                                "signup_date", "phone", "email", "consent_marketing", "爱好"]
    assert df["customer_id"].tolist() == ["M001", "M002", "M003"]
    assert df["gender"].tolist() == ["男", "女", "保密"]
    assert df["age"].tolist()[:2] == [35.0, 28.0] and np.isnan(df["age"].iloc[2])
    assert df["birth_date"].tolist() == [TS("1990-03-05"), TS("1997-07-20"), TS("1980-01-01")]
    assert df["signup_date"].tolist() == [TS("2023-05-01"), TS("2023-06-02"), TS("2023-07-01")]
    assert df["birth_date"].dtype == "datetime64[ns]"
    assert df["phone"].tolist()[:2] == ["13800138000", "13900139000"] and pd.isna(df["phone"].iloc[2])
    assert df["consent_marketing"].tolist() == [True, False, True]
    assert df["consent_marketing"].dtype == bool
    assert df["爱好"].tolist()[0] == "篮球"


def test_read_customers_xlsx_phone_numbers_and_scientific_notation(tmp_path):
    rows = [("客户ID", "手机", "身份证号"),
            (1, 13800138000, "110101199003071234"),
            (2, "1.38001E+10", 4.40101199001011e17)]
    p = tmp_path / "c.xlsx"
    p.write_bytes(xlsx_bytes(rows))
    with pytest.raises(CRMDataError) as exc:
        cio.read_customers(p)
    msg = str(exc.value)
    assert "「手机」：第 3 行" in msg and "「身份证号」：第 3 行" in msg and "文本" in msg
    df = cio.read_customers(p, errors="drop")
    assert df["phone"].tolist() == ["13800138000"] and df["id_number"].tolist() == ["110101199003071234"]
    assert set(df.attrs["crmlab_dropped"]["column"]) == {"手机", "身份证号"}


def test_read_customers_duplicates_and_bad_values(tmp_path):
    text = "客户编号,年龄,生日,同意营销\nC1,30,1990-01-01,是\nC2,两百,1990-02-30,也许\nC1,40,1980-01-01,否\n"
    with pytest.raises(CRMDataError) as exc:
        cio.read_customers(write(tmp_path, "c.csv", text))
    msg = str(exc.value)
    assert "「客户编号」：第 4 行客户编号重复" in msg
    assert "「年龄」：第 3 行" in msg and "「生日」：第 3 行" in msg and "「同意营销」：第 3 行" in msg
    df = cio.read_customers(write(tmp_path, "c.csv", text), errors="drop")
    assert df["customer_id"].tolist() == ["C1"] and df["age"].tolist() == [30.0]


def test_read_customers_missing_id_column(tmp_path):
    with pytest.raises(CRMDataError) as exc:
        cio.read_customers(write(tmp_path, "c.csv", "姓名,城市\n张三,上海\n"))
    assert "客户编号" in str(exc.value) and "会员号" in str(exc.value) and "「姓名」" in str(exc.value)


def test_read_customers_age_range(tmp_path):
    text = "客户编号,年龄\nC1,200\nC2,-1\nC3,45\n"
    with pytest.raises(CRMDataError) as exc:
        cio.read_customers(write(tmp_path, "c.csv", text))
    assert "第 2、3 行" in str(exc.value) and "年龄" in str(exc.value)


# ---------------------------------------------------------------------------
# Public helpers and package integration
# ---------------------------------------------------------------------------


def test_parse_helpers():
    s = pd.Series(["2024/1/5", "20240106", None, "2024年1月7日"])
    out = cio.parse_dates(s)
    assert out.tolist()[:2] == [TS("2024-01-05"), TS("2024-01-06")] and pd.isna(out[2])
    with pytest.raises(CRMDataError, match="日期"):
        cio.parse_dates(["2024-01-05", "坏"])
    assert cio.parse_dates(["坏"], errors="coerce").isna().all()
    assert cio.parse_amounts(["¥1,200", "1.2万", "(5)"]).tolist() == [1200.0, 12000.0, -5.0]
    with pytest.raises(CRMDataError, match="金额"):
        cio.parse_amounts(["x"])


def test_read_table_keeps_columns():
    df = cio.read_table("编号,邮编,数量,名称\n1,010020,3,甲\n2,200000,4,乙\n")
    assert df["邮编"].tolist() == ["010020", "200000"]  # leading zero: stays text
    assert df["数量"].tolist() == [3, 4]
    assert df["名称"].tolist() == ["甲", "乙"]


def test_lazy_attribute_and_error_type():
    assert crmlab.io is cio
    assert issubclass(CRMDataError, ValueError)


def test_import_is_light():
    import subprocess
    import sys

    code = "import sys, crmlab.io; print('openpyxl' in sys.modules, 'sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_dataframe_with_canonical_columns_round_trips():
    src = pd.DataFrame({
        "order_id": ["O1", "O2"], "customer_id": ["C1", "C2"],
        "order_date": pd.to_datetime(["2024-01-01", "2024-01-02"]), "category": ["生鲜", "日用"],
        "quantity": [3, 1], "amount": [10.5, 2.0], "cost": [8.0, 1.0],
    })
    df = cio.read_transactions(src)
    assert list(df.columns) == ["customer_id", "order_id", "order_date", "amount", "quantity", "category", "cost"]
    assert df["quantity"].dtype == np.int64 and df["quantity"].tolist() == [3, 1]
    assert df["cost"].tolist() == [8.0, 1.0]
    with pytest.raises(CRMDataError, match="传入的表格"):
        cio.read_transactions(src.iloc[:0])


def test_crlf_gbk_like_excel_on_windows(tmp_path):
    p = write(tmp_path, "win.csv", GBK_CSV.replace("\n", "\r\n"), "gbk")
    df = cio.read_transactions(p)
    assert df["门店"].tolist() == ["南京东路店", "徐家汇店", "南京东路店"]
    assert df["amount"].tolist() == [128.5, 1200.0, -30.0]


def test_pandas_to_excel_round_trip():
    src = pd.DataFrame({
        "customer_id": ["C1", "C2", "C3"], "order_id": ["O1", "O2", "O3"],
        "order_date": pd.to_datetime(["2024-01-05 10:00", "2024-02-29", "2025-12-31"], format="ISO8601"),
        "amount": [12.5, -3.0, 1000.0], "channel": ["门店", "线上商城", "门店"],
    })
    buf = io.BytesIO()
    src.to_excel(buf, index=False)
    got = cio.read_transactions(buf.getvalue(), filename="orders.xlsx")
    pd.testing.assert_frame_equal(got, src, check_dtype=False)
    assert got["order_date"].dtype == "datetime64[ns]"
