"""Files as students really bring them: exports from Chinese software, Excel and UCI data.

Every file is generated here (no binary fixtures) the way the software writes it:
encoding, line endings, preambles, footers, text-preserving tricks.  Each case must
either load into the canonical frame (and feed :func:`crmlab.segment.rfm`) or fail
with a Chinese :class:`crmlab.CRMDataError` naming the column and the rows.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from crmlab import CRMDataError
from crmlab import io as cio
from crmlab.segment import rfm

openpyxl = pytest.importorskip("openpyxl")


def _rfm_row(df: pd.DataFrame, customer: str, asof: str = "2025-01-01") -> pd.Series:
    return rfm(df, asof=asof).loc[customer]


# ---------------------------------------------------------------------------
# Excel on Chinese Windows: "CSV (逗号分隔)" is GBK, CRLF, no BOM
# ---------------------------------------------------------------------------


def test_gbk_csv_saved_by_excel_on_chinese_windows(tmp_path):
    text = (
        "客户编号,客户姓名,订单号,下单时间,实付金额(元)\r\n"
        "K001,钟鑫,D1001,2024/3/5 14:20,128.50\r\n"
        "K002,欧阳娜,D1002,2024/3/6 9:05,\"1,299.00\"\r\n"
        "K001,钟鑫,D1003,2024/4/1 20:11,56\r\n"
    )
    data = text.encode("gbk")
    assert not data.startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really not UTF-8: the reader must detect GBK
    p = tmp_path / "订单导出.csv"
    p.write_bytes(data)
    df = cio.read_transactions(p)
    assert list(df.columns[:4]) == ["customer_id", "order_id", "order_date", "amount"]
    assert df["customer_id"].tolist() == ["K001", "K002", "K001"]
    assert df["amount"].tolist() == [128.5, 1299.0, 56.0]
    assert df["order_date"].tolist() == [pd.Timestamp("2024-03-05 14:20"), pd.Timestamp("2024-03-06 09:05"),
                                         pd.Timestamp("2024-04-01 20:11")]
    assert df["客户姓名"].tolist() == ["钟鑫", "欧阳娜", "钟鑫"]  # extra column decoded, no \r left
    row = _rfm_row(df, "K001", asof="2024-04-02")
    assert (row["recency"], row["frequency"], row["monetary"]) == (1, 2, 184.5)


def test_gbk_customer_list_with_float_ids_and_phones(tmp_path):
    text = ("客户编号,姓名,性别,手机号码,注册日期\r\n"
            "17850.0,张三,男,13800138000,2024/1/5\r\n"
            "17851.0,李四,女士,13900139000,2024年2月1日\r\n")
    p = tmp_path / "客户名单.csv"
    p.write_bytes(text.encode("gbk"))
    df = cio.read_customers(p)
    assert df["customer_id"].tolist() == ["17850", "17851"]
    assert df["gender"].tolist() == ["男", "女"]
    assert df["phone"].tolist() == ["13800138000", "13900139000"]
    assert df["signup_date"].tolist() == [pd.Timestamp("2024-01-05"), pd.Timestamp("2024-02-01")]


# ---------------------------------------------------------------------------
# Excel workbooks with a title, merged group headers and a 合计 row
# ---------------------------------------------------------------------------


def test_xlsx_title_row_and_merged_group_header(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "2024年门店销售明细"
    ws.merge_cells("A1:D1")
    ws["A2"] = "客户信息"
    ws["B2"] = "订单信息"
    ws.merge_cells("B2:D2")
    ws.append(["客户编号", "订单号", "下单日期", "金额（元）"])
    ws.append(["K001", "D1", dt.datetime(2024, 3, 5), 128.5])
    ws.append(["K002", "D2", dt.datetime(2024, 3, 6), 1299])
    ws.append(["K001", "D3", "2024/3/9", "¥56.00"])
    p = tmp_path / "销售.xlsx"
    wb.save(p)
    df = cio.read_transactions(p)
    assert df["order_id"].tolist() == ["D1", "D2", "D3"]
    assert df["amount"].tolist() == [128.5, 1299.0, 56.0]
    assert df["order_date"].dt.day.tolist() == [5, 6, 9]
    assert _rfm_row(df, "K001", asof="2024-03-10")["frequency"] == 2


def test_xlsx_two_row_header_with_vertical_merges_and_total_row(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "2024年一季度销售报表"
    ws.merge_cells("A1:E1")
    ws["A2"] = "客户编号"
    ws.merge_cells("A2:A3")  # name merged down over both header rows
    ws["B2"] = "订单信息"
    ws.merge_cells("B2:D2")
    ws["E2"] = "备注"
    ws.merge_cells("E2:E3")
    ws["B3"], ws["C3"], ws["D3"] = "订单号", "下单日期", "实付金额（元）"
    ws.append(["K001", "D1", dt.datetime(2024, 3, 5), 128.5, None])
    ws.append(["K002", "D2", dt.datetime(2024, 3, 6), 1299, "老客户"])
    ws.append(["合计", None, None, 1427.5, None])
    p = tmp_path / "报表.xlsx"
    wb.save(p)
    df = cio.read_transactions(p)
    assert df["customer_id"].tolist() == ["K001", "K002"]  # 合计 row is not a customer
    assert df["amount"].sum() == pytest.approx(1427.5)
    assert "备注" in df.columns and df["备注"].tolist()[1] == "老客户"


def test_csv_two_row_header_and_total_row(tmp_path):
    text = ("2024年一季度销售报表,,,,\r\n客户编号,订单信息,,,备注\r\n,订单号,下单日期,实付金额（元）,\r\n"
            "K001,D1,2024/3/5,128.5,\r\nK002,D2,2024/3/6,\"1,299.00\",老客户\r\nK002,D3,2024/3/8,x,\r\n"
            "合计,,,\"1,427.50\",\r\n")
    p = tmp_path / "报表.csv"
    p.write_bytes(text.encode("gbk"))
    with pytest.raises(CRMDataError) as exc:
        cio.read_transactions(p)
    msg = str(exc.value)
    # row numbers as Excel shows them: title, two header rows, then data from row 4
    assert "实付金额（元）" in msg and "第 6 行" in msg and "合计" not in msg.split("：", 1)[1].split("示例")[0]
    df = cio.read_transactions(p, errors="drop")
    assert df["order_id"].tolist() == ["D1", "D2"]
    assert cio.dropped_rows(df)["row"].tolist() == [6]


# ---------------------------------------------------------------------------
# Online shops: Taobao / JD order exports
# ---------------------------------------------------------------------------


TAOBAO = (
    "订单编号,买家会员名,买家支付宝账号,总金额,买家实际支付金额,订单状态,订单创建时间,订单付款时间 ,宝贝总数量\n"
    '="1234567890123456789",tb_小王,138****0000,100.00,99.00元,交易成功,2024-03-05 14:20:11,2024-03-05 14:21:00,2\n'
    "\t2234567890123456789,\t买家abc,\t139****0000,50.00,50.00元,交易成功,2024-03-06 10:00:00,2024-03-06 10:00:05,1\n"
    '="3234567890123456789",tb_小王,138****0000,80.00,72.00元,交易成功,2024-04-01 09:00:00,2024-04-01 09:10:00,1\n'
)


def test_taobao_order_export(tmp_path):
    p = tmp_path / "ExportOrderList202404.csv"
    p.write_bytes(TAOBAO.encode("gbk"))
    df = cio.read_transactions(p)
    # ="..." and \t are the shop's tricks to keep long numbers as text in Excel
    assert df["order_id"].tolist() == ["1234567890123456789", "2234567890123456789", "3234567890123456789"]
    assert df["customer_id"].tolist() == ["tb_小王", "买家abc", "tb_小王"]
    # the amount actually paid wins over 总金额 (before discounts)
    assert df["amount"].tolist() == [99.0, 50.0, 72.0]
    assert df["总金额"].tolist() == [100.0, 50.0, 80.0]
    # 订单付款时间 (payment time) is the purchase date, not 订单创建时间
    assert df["order_date"].tolist()[0] == pd.Timestamp("2024-03-05 14:21:00")
    row = _rfm_row(df, "tb_小王", asof="2024-04-02")
    assert (row["recency"], row["frequency"], row["monetary"]) == (1, 2, 171.0)


def test_taobao_closed_order_without_payment_time_is_reported(tmp_path):
    text = TAOBAO + '="4234567890123456789",tb_老李,137****0000,60.00,0.00元,交易关闭,2024-04-02 08:00:00,,1\n'
    p = tmp_path / "ExportOrderList.csv"
    p.write_bytes(text.encode("gbk"))
    with pytest.raises(CRMDataError) as exc:
        cio.read_transactions(p)
    msg = str(exc.value)
    assert "「订单付款时间」" in msg and "第 5 行" in msg and "为空" in msg and 'errors="drop"' in msg
    df = cio.read_transactions(p, errors="drop")
    assert len(df) == 3 and "tb_老李" not in df["customer_id"].tolist()


def test_jd_style_export_with_account_column(tmp_path):
    text = ("订单号,下单帐号,订购数量,下单时间,订单金额,订单状态\r\n"
            "\t300012345678,jd_王五,1,2024-05-01 10:00:00,\"2,599.00\",完成\r\n"
            "\t300012345679,jd_王五,2,2024-05-09 11:00:00,199.00,完成\r\n")
    p = tmp_path / "jd_orders.csv"
    p.write_bytes(text.encode("utf-8-sig"))
    df = cio.read_transactions(p)
    assert df["customer_id"].tolist() == ["jd_王五", "jd_王五"]
    assert df["order_id"].tolist() == ["300012345678", "300012345679"]
    assert df["quantity"].tolist() == [1, 2]
    assert df["amount"].tolist() == [2599.0, 199.0]


# ---------------------------------------------------------------------------
# Payment bills: WeChat Pay and Alipay (preamble lines above the header)
# ---------------------------------------------------------------------------


WECHAT = (
    "微信支付账单明细,,,,,,,,,,\n"
    "微信昵称：[小店],,,,,,,,,,\n"
    "起始时间：[2024-01-01 00:00:00] 终止时间：[2024-03-31 23:59:59],,,,,,,,,,\n"
    "导出类型：[全部],,,,,,,,,,\n"
    "导出时间：[2024-04-01 10:00:00],,,,,,,,,,\n"
    ",,,,,,,,,,\n"
    "共3笔记录,,,,,,,,,,\n"
    "收入：3笔 62.50元,,,,,,,,,,\n"
    "支出：0笔 0.00元,,,,,,,,,,\n"
    "中性交易：0笔 0.00元,,,,,,,,,,\n"
    "注：,,,,,,,,,,\n"
    "1. 充值/提现/理财通购买/零钱通存取/信用卡还款等交易，将计入中性交易,,,,,,,,,,\n"
    "2. 除微信支付外，其他支付方式的交易不在本账单中,,,,,,,,,,\n"
    "3. 如果你对明细有疑问，可以联系商户或微信支付客服,,,,,,,,,,\n"
    ",,,,,,,,,,\n"
    "----------------------微信支付账单明细列表--------------------,,,,,,,,,,\n"
    "交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注\n"
    "2024-03-05 14:20:11,商户消费,张三,咖啡,收入,¥12.50,零钱,已收钱,4200001\t,\t,/\n"
    "2024-03-06 10:00:00,商户消费,李四,蛋糕,收入,¥30.00,零钱,已收钱,4200002\t,\t,/\n"
    "2024-03-07 10:00:00,商户消费,张三,咖啡,收入,¥20.00,零钱,已收钱,4200003\t,\t,/\n"
)


def test_wechat_pay_bill_needs_the_counterparty_as_customer(tmp_path):
    p = tmp_path / "微信支付账单(20240101-20240331).csv"
    p.write_bytes(WECHAT.encode("utf-8-sig"))
    with pytest.raises(CRMDataError) as exc:
        cio.read_transactions(p)
    msg = str(exc.value)
    # the header 16 lines down was found (its columns are listed) and 交易对方 is suggested
    assert "「交易对方」" in msg and "「金额(元)」" in msg
    assert 'columns={"交易对方": "customer_id"}' in msg
    df = cio.read_transactions(p, columns={"交易对方": "customer_id"})
    assert df["customer_id"].tolist() == ["张三", "李四", "张三"]
    assert df["amount"].tolist() == [12.5, 30.0, 20.0]
    assert df["order_id"].tolist() == ["4200001", "4200002", "4200003"]
    assert df["order_date"].iloc[0] == pd.Timestamp("2024-03-05 14:20:11")
    row = _rfm_row(df, "张三", asof="2024-03-08")
    assert (row["recency"], row["frequency"], row["monetary"]) == (1, 2, 32.5)


def test_alipay_bill_gbk_with_padded_cells_and_footer(tmp_path):
    head = ("交易号                  ,商户订单号               ,交易创建时间              ,付款时间                ,"
            "交易对方            ,商品名称                ,金额（元）   ,收/支     ,交易状态    ,\n")
    lines = [
        "支付宝交易记录明细查询\n",
        "账号:[shop@example.com]\n",
        "起始日期:[2024-01-01 00:00:00]    终止日期:[2024-04-01 00:00:00]\n",
        "---------------------------------交易记录明细列表------------------------------------\n",
        head,
        "2024030522001 ,T2001 ,2024-03-05 14:20:11 ,2024-03-05 14:20:15 ,王**   ,奶茶 ,15.00   ,收入 ,交易成功 ,\n",
        "2024030622002 ,T2002 ,2024-03-06 09:00:00 ,2024-03-06 09:00:03 ,赵**   ,奶茶 ,18.00   ,收入 ,交易成功 ,\n",
        "------------------------------------------------------------------------------------\n",
        "共2笔记录\n",
        "已收入:2笔,33.00元\n",
        "待收入:0笔,0.00元\n",
        "导出时间:[2024-04-01 10:00:00]    用户:shop@example.com\n",
    ]
    p = tmp_path / "alipay_record_20240401.csv"
    p.write_bytes("".join(lines).encode("gbk"))
    df = cio.read_transactions(p, columns={"交易对方": "customer_id"})
    assert df["customer_id"].tolist() == ["王**", "赵**"]  # footer lines are not orders
    assert df["order_id"].tolist() == ["2024030522001", "2024030622002"]
    assert df["amount"].tolist() == [15.0, 18.0]
    assert df["order_date"].tolist() == [pd.Timestamp("2024-03-05 14:20:15"), pd.Timestamp("2024-03-06 09:00:03")]


# ---------------------------------------------------------------------------
# UCI "Online Retail" (Chen et al. 2012)
# ---------------------------------------------------------------------------


UCI = (
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
    "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850.0,United Kingdom\n"
    "536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850.0,United Kingdom\n"
    "536366,22633,HAND WARMER UNION JACK,6,12/1/2010 8:28,1.85,17850.0,United Kingdom\n"
    "C536379,D,Discount,-1,12/1/2010 9:41,27.5,14527.0,United Kingdom\n"
    "536380,22961,JAM MAKING SET PRINTED,24,12/13/2010 9:41,1.45,14527.0,United Kingdom\n"
)


def _check_uci(df: pd.DataFrame) -> None:
    assert df["customer_id"].tolist() == ["17850", "17850", "17850", "14527", "14527"]
    assert df["order_id"].tolist()[3] == "C536379"
    assert df["amount"].round(2).tolist() == [15.3, 20.34, 11.1, -27.5, 34.8]
    assert df["quantity"].tolist() == [6, 6, 6, -1, 24]
    assert df["order_date"].tolist()[4] == pd.Timestamp("2010-12-13 09:41")
    r = rfm(df, asof="2010-12-14")
    assert list(r.index) == ["14527", "17850"]
    # the cancelled invoice is a return: it lowers monetary but is not an order
    assert r.loc["14527", "frequency"] == 1 and r.loc["14527", "monetary"] == pytest.approx(7.3)
    assert r.loc["17850", "frequency"] == 2 and r.loc["17850", "monetary"] == pytest.approx(46.74)


def test_online_retail_csv(tmp_path):
    p = tmp_path / "Online Retail.csv"
    p.write_text(UCI, encoding="utf-8")
    _check_uci(cio.read_transactions(p))


def test_online_retail_xlsx_with_float_ids_and_mixed_invoice_cells(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    rows = [r.split(",") for r in UCI.strip().split("\n")]
    ws.append(rows[0])
    for r in rows[1:]:
        inv = r[0] if r[0].startswith("C") else int(r[0])  # Excel stores numeric invoices as numbers
        when = pd.Timestamp(pd.to_datetime(r[4], format="%m/%d/%Y %H:%M")).to_pydatetime()
        ws.append([inv, r[1], r[2], int(r[3]), when, float(r[5]), float(r[6]), r[7]])
    p = tmp_path / "Online Retail.xlsx"
    wb.save(p)
    _check_uci(cio.read_transactions(p))


def test_online_retail_missing_customer_ids_are_named_then_droppable(tmp_path):
    text = UCI + "536381,22139,RETROSPOT TEA SET,1,12/1/2010 9:45,4.95,,United Kingdom\n"
    p = tmp_path / "Online Retail.csv"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(CRMDataError) as exc:
        cio.read_transactions(p)
    msg = str(exc.value)
    assert "「CustomerID」" in msg and "第 7 行" in msg and "客户编号为空" in msg
    df = cio.read_transactions(p, errors="drop")
    _check_uci(df)
    assert cio.dropped_rows(df)[["row", "column"]].values.tolist() == [[7, "CustomerID"]]


def test_online_retail_ambiguous_dates_are_not_guessed(tmp_path):
    # without a day above 12, 12/1/2010 could be 1 Dec or 12 Jan
    text = "\n".join(UCI.strip().split("\n")[:5]) + "\n"
    p = tmp_path / "Online Retail.csv"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(CRMDataError, match="InvoiceDate.*dayfirst"):
        cio.read_transactions(p)
    df = cio.read_transactions(p, dayfirst=False)
    assert df["order_date"].dt.month.unique().tolist() == [12]


# ---------------------------------------------------------------------------
# Amounts with thousands separators and 万; degenerate files
# ---------------------------------------------------------------------------


def test_thousands_separators_and_wan(tmp_path):
    text = ("客户编号,日期,金额\r\nK1,2024-01-05,\"12,345.60\"\r\nK2,2024-01-06,1.2万\r\n"
            "K3,2024-01-07,3万元\r\nK4,2024-01-08,\"1,234,567\"\r\nK5,2024-01-09,\"￥2,000\"\r\n"
            "K6,2024-01-10,(300)\r\n")
    p = tmp_path / "amounts.csv"
    p.write_bytes(text.encode("gbk"))
    df = cio.read_transactions(p)
    assert df["amount"].tolist() == [12345.6, 12000.0, 30000.0, 1234567.0, 2000.0, -300.0]
    assert df["order_id"].str.startswith("A").all()  # no order column: ids are made up


def test_misplaced_thousands_separator_is_reported_with_row(tmp_path):
    text = "客户编号,日期,金额\nK1,2024-01-05,\"12,345\"\nK2,2024-01-06,\"12,34\"\nK3,2024-01-07,1.2.3\n"
    p = tmp_path / "amounts.csv"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(CRMDataError) as exc:
        cio.read_transactions(p)
    msg = str(exc.value)
    assert "列「金额」" in msg and "第 3、4 行" in msg and "「12,34」" in msg and "「1.2.3」" in msg


@pytest.mark.parametrize("content", [b"", "\r\n\r\n".encode("gbk"), b",,,,\r\n,,,,\r\n"])
def test_empty_export(tmp_path, content):
    p = tmp_path / "导出.csv"
    p.write_bytes(content)
    with pytest.raises(CRMDataError, match="导出.csv.*空"):
        cio.read_transactions(p)
    with pytest.raises(CRMDataError, match="导出.csv.*空"):
        cio.read_customers(p)


def test_empty_workbook(tmp_path):
    p = tmp_path / "空表.xlsx"
    openpyxl.Workbook().save(p)
    with pytest.raises(CRMDataError, match="空表.xlsx.*空"):
        cio.read_transactions(p)


def test_header_only_gbk_export(tmp_path):
    p = tmp_path / "只有表头.csv"
    p.write_bytes("客户编号,订单号,下单时间,实付金额(元)\r\n".encode("gbk"))
    with pytest.raises(CRMDataError, match="只有表头.csv.*只有表头，没有数据行"):
        cio.read_transactions(p)


def test_file_with_only_an_amount_column(tmp_path):
    p = tmp_path / "金额.csv"
    p.write_bytes("实付金额(元)\r\n100\r\n200.5\r\n".encode("gbk"))
    with pytest.raises(CRMDataError) as exc:
        cio.read_transactions(p)
    msg = str(exc.value)
    assert "缺少必需的列：客户编号（customer_id）" in msg and "「实付金额(元)」" in msg and "columns=" in msg


def test_footer_words_inside_the_data_are_kept(tmp_path):
    # only the trailing block is treated as a footer; a 合计 in the middle is a data problem to report
    text = "客户编号,日期,金额\nK1,2024-01-05,10\n合计,,10\nK2,2024-01-06,20\n"
    p = tmp_path / "mid.csv"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(CRMDataError, match="第 3 行"):
        cio.read_transactions(p)
    assert np.isnan(cio.read_transactions(p, errors="drop")["amount"]).sum() == 0


def test_chinese_am_pm_times_from_pos_export(tmp_path):
    text = ("会员卡号,小票号,销售日期,实收金额\r\n"
            "V01,X1,2024/3/5 下午 2:20,35.00\r\n"
            "V02,X2,2024/3/5 上午 12:05,12.00\r\n"
            "V01,X3,2024/3/6 晚上 8:00:01,20.00\r\n"
            "V02,X4,2024/3/6 中午 12:30,9.90\r\n")
    p = tmp_path / "收银导出.csv"
    p.write_bytes(text.encode("gbk"))
    df = cio.read_transactions(p)
    assert df["order_date"].dt.strftime("%Y-%m-%d %H:%M:%S").tolist() == [
        "2024-03-05 14:20:00", "2024-03-05 00:05:00", "2024-03-06 20:00:01", "2024-03-06 12:30:00"]
    assert df["customer_id"].tolist() == ["V01", "V02", "V01", "V02"]


def test_online_retail_ii_column_names(tmp_path):
    text = ("Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n"
            "489434,85048,15CM CHRISTMAS GLASS BALL 20 LIGHTS,12,2009-12-01 07:45:00,6.95,13085.0,United Kingdom\n"
            "C489449,22087,PAPER BUNTING WHITE LACE,-12,2009-12-01 10:33:00,2.95,16321.0,Australia\n")
    p = tmp_path / "online_retail_II.csv"
    p.write_text(text, encoding="utf-8")
    df = cio.read_transactions(p)
    assert df["customer_id"].tolist() == ["13085", "16321"]
    assert df["amount"].tolist() == [83.4, -35.4]
