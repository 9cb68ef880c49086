"""Widgets of lesson 3 (细分客户): called through update(), no browser."""

from __future__ import annotations

import datetime as dt

import matplotlib

matplotlib.use("Agg")

import numpy as np
import openpyxl
import pandas as pd
import pytest

from crmlab import CRMDataError
from crmlab import segment as S
from crmlab.widgets.segment import KMeansExplorer, RFMExplorer, SegmentPlanView, UploadRFMView


def _transactions(n_customers=60, seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_customers):
        k = int(rng.integers(1, 12))
        days = rng.integers(0, 700, k)
        for j, d in enumerate(days):
            rows.append((f"C{i:03d}", f"O{i:03d}-{j}", pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(d)),
                         float(rng.gamma(2, 100))))
    return pd.DataFrame(rows, columns=["customer_id", "order_id", "order_date", "amount"])


@pytest.fixture(scope="module")
def tx():
    return _transactions()


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text) and "Traceback" not in text


def test_rfm_explorer_normal(tx):
    v = RFMExplorer(tx)
    assert v.message == ""
    for chart in ("sizes", "heatmap", "treemap"):
        res = v.update(asof="2026-01-01", high_rule="value_median", scheme="cn8", chart=chart)
        assert res is not None and v.message == ""
        assert res["summary"]["customers"].sum() == tx["customer_id"].nunique()
        assert "重要价值客户" in v.table.value
    res = v.update(asof="", scheme="rf_grid")
    assert "segment_en" in res["rfm"].columns


@pytest.mark.parametrize(
    "values, word",
    [
        ({"asof": "2020-01-01"}, "早于"),
        ({"asof": "明天"}, "日期"),
        ({"high_rule": "xx"}, "high_rule"),
        ({"chart": "pie"}, "图表"),
    ],
)
def test_rfm_explorer_bad_inputs(tx, values, word):
    v = RFMExplorer(tx)
    assert v.update(**values) is None
    assert word in v.message and _chinese(v.message)
    assert v.table.value == ""


def test_rfm_explorer_empty_frame():
    v = RFMExplorer(pd.DataFrame(columns=["customer_id", "order_date", "amount"]))
    assert "空的" in v.message
    v2 = RFMExplorer(pd.DataFrame({"x": [1]}))
    assert "缺少列" in v2.message


@pytest.fixture(scope="module")
def rfm_table(tx):
    return S.rfm(tx, "2026-01-01")


def test_kmeans_explorer(rfm_table):
    v = KMeansExplorer(rfm_table)
    assert v.message == "" and "轮廓系数" in v.score.value
    res = v.update(k=3, features=["recency", "monetary"], log=False, standardize=True)
    assert res.k == 3 and res.features == ("recency", "monetary")
    assert v.figure is not None


@pytest.mark.parametrize(
    "values, word",
    [
        ({"k": 3, "features": []}, "至少勾选"),
        ({"k": 1}, "至少是 2"),
        ({"k": 10**6}, "比客户数"),
        ({"k": -4}, "至少是 2"),
        ({"k": 3, "features": ["age"]}, "缺少列"),
    ],
)
def test_kmeans_explorer_bad_inputs(rfm_table, values, word):
    v = KMeansExplorer(rfm_table)
    assert v.update(**values) is None
    assert word in v.message and _chinese(v.message)
    assert v.score.value == ""


def test_kmeans_explorer_tiny_table():
    tiny = S.rfm(_transactions(3), "2026-01-01")
    v = KMeansExplorer(tiny)  # default k=4 > 3 customers
    assert "比客户数" in v.message


@pytest.fixture
def summary(rfm_table):
    return S.segment_summary(rfm_table)


def test_plan_export_round_trip(summary, tmp_path):
    v = SegmentPlanView(summary)
    v.set_plan("重要价值客户", goal="维系", offer="VIP 专属服务|生日礼", channel="专属客户经理", budget=5000)
    v.set_plan("一般挽留客户", goal="低成本唤醒", offer="短信优惠券", channel="短信", budget=300)
    assert v.message == ""
    px, pm = v.export(tmp_path / "plan.xlsx", tmp_path / "plan.md")
    wb = openpyxl.load_workbook(px)
    assert wb.sheetnames == ["细分方案"]
    back = pd.read_excel(px, sheet_name="细分方案").set_index("客户群")
    assert list(back.index) == list(summary.index)
    assert back.loc["重要价值客户", "目标"] == "维系"
    assert back.loc["重要价值客户", "渠道"] == "专属客户经理"
    assert back.loc["重要价值客户", "预算（元）"] == pytest.approx(5000)
    assert back["客户数"].sum() == summary["customers"].sum()
    assert back.loc["一般挽留客户", "客户数"] == summary.loc["一般挽留客户", "customers"]
    n_vip = summary.loc["重要价值客户", "customers"]
    assert back.loc["重要价值客户", "每位客户预算（元）"] == pytest.approx(round(5000 / n_vip, 2))
    md = pm.read_text(encoding="utf-8")
    assert md.startswith("# 差异化客户方案")
    assert "VIP 专属服务／生日礼" in md  # the pipe cannot break the Markdown table
    assert "总预算 5,300 元" in md
    assert md.count("\n| ") == len(summary) + 1


def test_plan_bad_inputs(summary, tmp_path):
    v = SegmentPlanView(summary)
    v.rows["重要价值客户"]["budget"].value = -100.0
    assert "负数" in v.message
    with pytest.raises(Exception, match="负数"):
        v.export(tmp_path / "a.xlsx", tmp_path / "a.md")
    v.rows["重要价值客户"]["budget"].value = 1e308 * 10  # inf
    assert "无穷" in v.message
    v.rows["重要价值客户"]["budget"].value = 0.0
    assert v.message == ""
    # bad path: shown as a message through the button handler, not raised
    v.path_xlsx.value = str(tmp_path / "missing_dir" / "x.xlsx")
    v._export_clicked()
    assert "找不到文件夹" in v.message and "missing_dir" in v.message
    assert not (tmp_path / "missing_dir").exists()
    v.path_xlsx.value = str(tmp_path / "x.csv")
    v._export_clicked()
    assert ".xlsx" in v.message
    with pytest.raises(Exception, match="客户群"):
        v.set_plan("不存在的群", goal="x")
    for bad in (pd.DataFrame(), None, "summary", pd.DataFrame({"x": [1]})):
        empty = SegmentPlanView(bad)
        assert "segment_summary" in empty.message
        with pytest.raises(Exception, match="客户群"):
            empty.export(tmp_path / "e.xlsx", tmp_path / "e.md")


def test_kmeans_explorer_empty_frame():
    v = KMeansExplorer(pd.DataFrame())
    assert "空的" in v.message  # the empty table is named, not a missing tick box
    v2 = KMeansExplorer(None)
    assert _chinese(v2.message)


def test_plan_with_empty_segments(tmp_path):
    tiny = S.segment_summary(S.rfm(_transactions(2), "2026-01-01"))
    v = SegmentPlanView(tiny)
    assert v.message == ""
    px, pm = v.export(tmp_path / "t.xlsx", tmp_path / "t.md")
    assert pd.read_excel(px)["客户数"].sum() == 2


GOOD_CSV = "客户编号,订单号,日期,金额\n" + "\n".join(
    f"C{i % 7},O{i},2025-{1 + i % 12:02d}-{1 + i % 27:02d},{50 + 13 * i}" for i in range(40)
) + "\n"


def test_upload_good_csv():
    v = UploadRFMView()
    res = v.update(content=GOOD_CSV.encode("utf-8"), filename="orders.csv")
    assert v.message == "", v.message
    assert len(res["rfm"]) == 7
    assert "7 位客户" in v.table.value


def test_upload_gbk_csv():
    v = UploadRFMView(asof="2026-01-01")
    res = v.update(content=GOOD_CSV.encode("gbk"), filename="订单.csv", asof="2026-01-01")
    assert v.message == "", v.message
    assert res["rfm"].attrs["asof"] == "2026-01-01"


@pytest.mark.parametrize(
    "content, word",
    [
        (b"", "空"),
        (b"customer_id,order_id,order_date\nC1,O1,2025-01-01\n", "金额"),
        (b"\x00\x01\x02garbage\xff\xfe", ""),
        (None, "上传"),
    ],
)
def test_upload_bad_files(content, word):
    v = UploadRFMView()
    assert v.update(content=content, filename="bad.csv") is None
    assert v.message and _chinese(v.message)
    assert word in v.message
    assert v.table.value == ""


def test_upload_without_file_does_nothing():
    v = UploadRFMView()
    v._refresh()
    assert v.message == "" and v.result is None


def test_rfm_explorer_absurd_dates(tx):
    v = RFMExplorer(tx)
    res = v.update(asof="9999-12-31")  # far future: valid, just very long recencies
    assert v.message == "" and res["rfm"]["recency"].min() > 2_000_000
    for bad in ("2026-02-30", "0"):
        assert v.update(asof=bad) is None
        assert "无法识别" in v.message


def test_plan_set_plan_non_numeric_budget_is_chinese(summary, tmp_path):
    v = SegmentPlanView(summary)
    with pytest.raises(CRMDataError, match="预算要填数字"):
        v.set_plan("重要价值客户", budget="¥1,200")
    v.set_plan("重要价值客户", budget="1200")
    assert v.plan().loc["重要价值客户", "预算（元）"] == 1200.0
    v.path_xlsx.value = str(tmp_path / "no_such_dir" / "x.xlsx")
    v._export_clicked()
    assert "no_such_dir" in v.message and "None" not in v.message


def test_kmeans_explorer_radar_chart(rfm_table):
    v = KMeansExplorer(rfm_table)
    res = v.update(k=3, features=["recency", "frequency", "monetary"], chart="radar")
    assert res.k == 3 and v.message == ""
    polar = [a for a in v.figure.axes if a.name == "polar"]
    assert len(polar) == 1 and "雷达图" in polar[0].get_title()
    v.update(k=3, features=["recency", "monetary"])  # keeps radar, but only 2 features -> snake + note
    assert v.message == "" and "至少需要 3 个特征" in v.score.value
    assert all(a.name != "polar" for a in v.figure.axes)
    assert v.update(k=3, chart="pie") is None and "没有名为" in v.message


def test_upload_through_the_file_upload_control():
    """The path a browser upload takes: FileUpload.value -> observe -> update."""
    v = UploadRFMView(asof="2026-01-01")
    item = {"name": "小店.csv", "type": "text/csv", "size": 0,
            "last_modified": dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
            "content": memoryview(GOOD_CSV.encode("gbk"))}
    v.upload.value = (item,)
    assert v.message == "", v.message
    assert len(v.result["rfm"]) == 7 and "小店.csv" in v.table.value
    v.upload.value = ({**item, "name": "坏.csv", "content": memoryview("客户编号,日期\nA,x\n".encode("gbk"))},)
    assert v.result is None and "金额" in v.message and _chinese(v.message)
    assert v.table.value == ""


# --------------------------------------------------------------------------- issue 9: absurd inputs, then recovery
# Each case: a widget fed empty / huge / negative / zero / non-numeric input shows a Chinese
# message (never raises), and the next valid input works again.

_BAD_INPUTS_L3 = {
    "RFMExplorer": [
        {"asof": "-3"}, {"asof": "1e12"}, {"asof": "¥1,200"}, {"asof": 0}, {"asof": -5}, {"asof": 1e12},
        {"asof": "abc"}, {"asof": "2020-01-01"}, {"high_rule": ""}, {"scheme": None},
    ],
    "KMeansExplorer": [
        {"k": 0}, {"k": -3}, {"k": 10**12}, {"k": "abc"}, {"k": ""}, {"k": None}, {"k": 2.5},
        {"k": 3, "features": []}, {"k": 3, "features": ["¥1,200"]},
    ],
    "SegmentPlanView": [
        {"budget": -5}, {"budget": 1e12}, {"budget": "abc"}, {"budget": "¥1,200"}, {"budget": float("nan")},
        {"budget": float("inf")},
    ],
    "UploadRFMView": [
        {"content": b""}, {"content": None}, {"content": b"customer_id,order_date,amount\n"},
        {"content": "客户编号,日期,金额\nA,2025-01-01,-100\n".encode()},
        {"content": "客户编号,日期,金额\nA,2025-01-01,1e300\nB,2025-01-02,1e308\n".encode()},
        {"content": "客户编号,日期,金额\nA,2025-01-01,abc\n".encode()},
        {"content": GOOD_CSV.encode(), "asof": "-3"},
    ],
}

_VALID_L3 = {
    "RFMExplorer": {"asof": "2026-01-01", "high_rule": "score_mean", "scheme": "cn8", "chart": "sizes"},
    "KMeansExplorer": {"k": 3, "features": ["recency", "frequency", "monetary"]},
    "SegmentPlanView": {"budget": 5000},
    "UploadRFMView": {"content": GOOD_CSV.encode(), "asof": "2026-01-01"},
}


def _l3_view(name, tx):
    if name == "RFMExplorer":
        return RFMExplorer(tx, asof="2026-01-01")
    if name == "KMeansExplorer":
        return KMeansExplorer(S.rfm(tx, "2026-01-01"))
    if name == "SegmentPlanView":
        return SegmentPlanView(S.segment_summary(S.rfm(tx, "2026-01-01")))
    return UploadRFMView(asof="2026-01-01")


def _l3_update(view, name, values):
    if name == "SegmentPlanView":
        plan = view.values()
        plan["重要价值客户"]["budget"] = values["budget"]
        return view.update(plan=plan)
    if name == "UploadRFMView":
        return view.update(filename="orders.csv", **values)
    return view.update(**values)


@pytest.mark.parametrize(
    "name, values", [(name, v) for name, cases in _BAD_INPUTS_L3.items() for v in cases],
    ids=lambda x: x if isinstance(x, str) else repr(x)[:40],
)
def test_lesson3_widget_absurd_input_then_recovers(tx, name, values):
    view = _l3_view(name, tx)
    assert _l3_update(view, name, values) is None, f"{name} accepted {values!r}"
    assert view.message and _chinese(view.message), view.message
    assert "Error" not in view.message and "nan" not in view.message.lower()
    res = _l3_update(view, name, _VALID_L3[name])
    assert res is not None and view.message == "", view.message


def test_plan_budget_control_negative_then_valid(summary):
    """Through the FloatText control, as in the browser."""
    v = SegmentPlanView(summary)
    box = v.rows["重要价值客户"]["budget"]
    box.value = -5
    assert "负数" in v.message
    box.value = 1e12
    assert "太大" in v.message
    box.value = 3000
    assert v.message == "" and "3,000" in v.report.value


def test_rfm_explorer_one_million_rows():
    """10**6 transactions of 100,000 customers: one update, a result and no message."""
    rng = np.random.default_rng(0)
    n = 10**6
    big = pd.DataFrame({
        "customer_id": rng.integers(0, 100_000, n),
        "order_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 730, n), unit="D"),
        "amount": rng.gamma(2.0, 80.0, n),
    })
    v = RFMExplorer(big, asof="2026-01-01")
    assert v.message == "" and v.result["summary"]["customers"].sum() == big["customer_id"].nunique()


def test_kmeans_explorer_shows_the_notebook_numbers_for_course_sized_tables(rfm_table):
    """Up to 5,000 customers the explorer uses kmeans_segments' own settings (same clusters, same silhouette)."""
    v = KMeansExplorer(rfm_table)
    res = v.update(k=3, features=["recency", "frequency", "monetary"])
    ref = S.kmeans_segments(rfm_table, k=3)
    assert res.silhouette == pytest.approx(ref.silhouette)
    assert res.profiles["size"].tolist() == ref.profiles["size"].tolist()
    assert f"{ref.silhouette:.3f}" in v.score.value


def test_rfm_explorer_accepts_chinese_date_formats(tx):
    v = RFMExplorer(tx)
    for text in ("2026-01-01", "2026/1/1", "2026年1月1日", "20260101"):
        res = v.update(asof=text)
        assert v.message == "" and res["rfm"].attrs["asof"] == "2026-01-01", text


def test_upload_date_without_file_says_upload_first():
    v = UploadRFMView(asof="2026-01-01")
    v.asof.value = "2025-12-31"
    assert "上传" in v.message and v.result is None
    v.upload.value = ({"name": "小店.csv", "type": "text/csv", "size": 0,
                       "last_modified": dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
                       "content": memoryview(GOOD_CSV.encode("utf-8"))},)
    assert v.message == "" and v.result is not None
