"""Homework outputs to Excel with Chinese headers (crmlab.export.to_excel), read back with pandas."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from crmlab import credit, datasets, export, segment
from crmlab._errors import CRMDataError

ASOF = "2026-01-01"


@pytest.fixture(scope="module")
def rfm_table():
    return segment.rfm(datasets.load("orders"), asof=ASOF)


@pytest.fixture(scope="module")
def accounts():
    return datasets.load("accounts")


def test_rfm_table_round_trip(rfm_table, tmp_path):
    path = export.to_excel(rfm_table, tmp_path / "rfm.xlsx", sheet_name="RFM")
    back = pd.read_excel(path, sheet_name="RFM")
    assert list(back.columns) == ["客户编号"] + [segment.COLUMN_LABELS[c] for c in rfm_table.columns]
    assert back["客户编号"].tolist() == rfm_table.index.tolist()
    assert back["消费金额（元）"].to_numpy() == pytest.approx(rfm_table["monetary"].to_numpy())
    assert back["客户群"].tolist() == rfm_table["segment"].astype(str).tolist()
    ws = openpyxl.load_workbook(path)["RFM"]
    assert ws.freeze_panes == "A2"
    money_col = back.columns.get_loc("消费金额（元）") + 1
    assert ws.cell(row=2, column=money_col).number_format == export.MONEY_FORMAT


def test_several_tables_become_several_sheets(rfm_table, accounts, tmp_path):
    summary = segment.segment_summary(rfm_table)
    scores = credit.score_5c(accounts)
    limits = credit.credit_limit(accounts)
    aging = credit.aging(datasets.load("invoices"), ASOF)
    path = export.to_excel({"分群汇总": summary, "5C评分": scores, "信用额度": limits, "账龄": aging},
                           tmp_path / "作业.xlsx")
    sheets = pd.read_excel(path, sheet_name=None)
    assert list(sheets) == ["分群汇总", "5C评分", "信用额度", "账龄"]
    s = sheets["分群汇总"]
    assert {"客户群", "客户数", "客户占比", "金额占比", "建议策略"} <= set(s.columns)
    assert s["客户占比"].sum() == pytest.approx(1.0)  # fractions kept, Excel shows them as percents
    assert s["客户数"].tolist() == summary["customers"].tolist()
    assert {"客户编号", "总分", "信用等级", "最强项", "最弱项", "理由"} <= set(sheets["5C评分"].columns)
    assert sheets["5C评分"]["总分"].to_numpy() == pytest.approx(scores["score"].to_numpy())
    assert {"建议额度（元）", "净资产法（元）", "额度说明"} <= set(sheets["信用额度"].columns)
    assert sheets["账龄"]["合计（元）"].sum() == pytest.approx(aging["合计"].sum())
    assert "逾期180天以上（元）" in sheets["账龄"].columns
    wb = openpyxl.load_workbook(path)
    ws = wb["分群汇总"]
    share_col = list(s.columns).index("客户占比") + 1
    assert ws.cell(row=2, column=share_col).number_format == export.PERCENT_FORMAT
    widths = {c: ws.column_dimensions[openpyxl.utils.get_column_letter(list(s.columns).index(c) + 1)].width
              for c in ("客户数", "建议策略")}
    assert widths["建议策略"] > widths["客户数"]  # long Chinese strategy text gets a wide column


def test_booleans_and_extra_labels(tmp_path):
    frame = pd.DataFrame({"customer_id": ["C1", "C2"], "over_limit": [True, False], "share": [0.25, 0.75]})
    path = export.to_excel(frame, tmp_path / "t.xlsx", labels={"share": "占比（自定义）"})
    back = pd.read_excel(path)
    assert list(back.columns) == ["客户编号", "是否超额度", "占比（自定义）"]
    assert back["是否超额度"].tolist() == ["是", "否"]


def test_segment_plan_view_exports(rfm_table, tmp_path):
    from crmlab.widgets.segment import SegmentPlanView

    view = SegmentPlanView(segment.segment_summary(rfm_table))
    view.set_plan("重要价值客户", goal="维系", offer="VIP 专属服务", channel="专属客户经理", budget=5000)
    path = export.to_excel({"细分方案": view}, tmp_path / "plan.xlsx")
    back = pd.read_excel(path, sheet_name="细分方案").set_index("客户群")
    assert back.loc["重要价值客户", "目标"] == "维系"
    assert back.loc["重要价值客户", "预算（元）"] == 5000


def test_existing_file_is_not_overwritten(rfm_table, tmp_path):
    first = export.to_excel(rfm_table.head(3), tmp_path / "a.xlsx")
    second = export.to_excel(rfm_table.head(5), tmp_path / "a.xlsx")
    third = export.to_excel(rfm_table.head(7), tmp_path / "a")
    assert (first.name, second.name, third.name) == ("a.xlsx", "a_2.xlsx", "a_3.xlsx")
    assert len(pd.read_excel(first)) == 3 and len(pd.read_excel(second)) == 5
    again = export.to_excel(rfm_table.head(2), first, overwrite=True)
    assert again == first and len(pd.read_excel(first)) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "a_2.xlsx", "a_3.xlsx"]  # no temp files


def test_locked_file_gives_chinese_error(rfm_table, tmp_path, monkeypatch):
    target = tmp_path / "locked.xlsx"
    target.write_bytes(b"")

    def locked(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(export.os, "replace", locked)
    with pytest.raises(CRMDataError, match="Excel 里打开"):
        export.to_excel(rfm_table.head(2), target, overwrite=True)
    assert [p.name for p in tmp_path.iterdir()] == ["locked.xlsx"]


@pytest.mark.parametrize("bad, match", [(42, "不能导出"), ({}, "没有要导出的表")])
def test_bad_objects(bad, match, tmp_path):
    with pytest.raises(CRMDataError, match=match):
        export.to_excel(bad, tmp_path / "x.xlsx")


def test_bad_paths(rfm_table, tmp_path):
    with pytest.raises(CRMDataError, match=".xlsx"):
        export.to_excel(rfm_table, tmp_path / "x.csv")
    with pytest.raises(CRMDataError, match="文件夹"):
        export.to_excel(rfm_table, tmp_path / "missing" / "x.xlsx")


def test_sheet_names_are_made_valid(tmp_path):
    frame = pd.DataFrame({"a": [1]})
    path = export.to_excel({"a/b?": frame, "a_b_": frame, "x" * 40: frame}, tmp_path / "s.xlsx")
    assert openpyxl.load_workbook(path).sheetnames == ["a_b_", "a_b__2", "x" * 31]
