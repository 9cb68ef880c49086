"""Homework outputs to Excel with Chinese headers (crmlab.export.to_excel), read back with pandas."""

from __future__ import annotations

import zipfile

import openpyxl
import pandas as pd
import pytest

from crmlab import CRMDataError, credit, datasets, export, segment

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


# ---------------------------------------------------------------- hostile text (issue 19)


def test_formula_like_text_is_written_as_text(tmp_path):
    frame = pd.DataFrame({
        "姓名": ['=HYPERLINK("http://x","点我")', "+1+1", "-2+3", "@SUM(A1)", "  =1+1", "\t=1", "张三", "a=b"],
        "=危险的列名": [1, -2, 3, 4, 5, 6, 7, 8],
    })
    path = export.to_excel(frame, tmp_path / "a.xlsx")
    ws = openpyxl.load_workbook(path).active
    cells = {c.coordinate: c for row in ws.iter_rows() for c in row}
    texts = [cells[f"A{r}"] for r in range(2, 8)] + [cells["B1"]]
    assert all(c.data_type == "s" and c.quotePrefix for c in texts), [(c.value, c.data_type) for c in texts]
    assert cells["A8"].value == "张三" and not cells["A8"].quotePrefix and not cells["A9"].quotePrefix
    assert cells["B3"].value == -2 and cells["B3"].data_type == "n"  # real numbers stay numbers
    with zipfile.ZipFile(path) as zf:
        assert "<f>" not in zf.read("xl/worksheets/sheet1.xml").decode("utf-8")
    back = pd.read_excel(path)
    assert back["姓名"].tolist()[:4] == frame["姓名"].tolist()[:4]  # the text itself is kept


def test_control_characters_are_removed(tmp_path):
    frame = pd.DataFrame({"名\x00字": ["李\x00四\x1b", "王\u202e五"], "备注": ["第一行\n第二行", "\x07"]})
    path = export.to_excel({"表\x01": frame}, tmp_path / "c.xlsx")
    back = pd.read_excel(path, sheet_name=None)
    (name, sheet), = back.items()
    assert name == "表" and list(sheet.columns) == ["名字", "备注"]
    assert sheet["名字"].tolist() == ["李四", "王五"] and sheet["备注"].tolist()[0] == "第一行\n第二行"


def test_write_text_never_overwrites(tmp_path):
    first = export.write_text(tmp_path / "报告.md", "一")
    second = export.write_text(tmp_path / "报告.md", "二")
    assert (first.name, second.name) == ("报告.md", "报告_2.md")
    assert first.read_text(encoding="utf-8") == "一" and second.read_text(encoding="utf-8") == "二"
    assert export.write_text(first, "三", overwrite=True) == first and first.read_text(encoding="utf-8") == "三"
    with pytest.raises(CRMDataError, match="找不到文件夹"):
        export.write_text(tmp_path / "没有" / "x.md", "x")


def test_segment_plan_export_keeps_an_earlier_export(rfm_table, tmp_path):
    from crmlab.widgets.segment import SegmentPlanView

    view = SegmentPlanView(segment.segment_summary(rfm_table))
    view.set_plan("重要价值客户", goal="维系", budget=100)
    px1, pm1 = view.export(tmp_path / "我的细分方案.xlsx", tmp_path / "我的细分方案.md")
    view.set_plan("重要价值客户", goal="=1+1", budget=200)
    px2, pm2 = view.export(tmp_path / "我的细分方案.xlsx", tmp_path / "我的细分方案.md")
    assert (px2.name, pm2.name) == ("我的细分方案_2.xlsx", "我的细分方案_2.md")
    assert pd.read_excel(px1).set_index("客户群").loc["重要价值客户", "目标"] == "维系"
    assert pd.read_excel(px2).set_index("客户群").loc["重要价值客户", "目标"] == "=1+1"  # text, not 2
    view.path_xlsx.value, view.path_md.value = str(px1), str(pm1)
    view._export_clicked()
    assert "我的细分方案_3.xlsx" in view.status.value and view.message == ""
