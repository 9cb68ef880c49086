"""Hand-in files (crmlab.submit) and the teacher's class table (python -m crmlab.grade)."""

from __future__ import annotations

import json
import zipfile

import openpyxl
import pandas as pd
import pytest

import crmlab
from crmlab import _progress, _submit, grade
from crmlab._errors import CRMDataError
from crmlab.exercises import lesson1

Q1_RIGHT = {"distributor": "客户", "baby_formula": "用户", "free_app": "用户"}
N1 = len(_progress.lesson_questions()["lesson1"])


@pytest.fixture
def home(tmp_path, monkeypatch):
    folder = tmp_path / "home"
    monkeypatch.setenv("CRMLAB_HOME", str(folder))
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    return folder


def _content(path) -> dict:
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("submission.json").decode("utf-8"))


# ---------------------------------------------------------------- names
@pytest.mark.parametrize("name, clean", [("张三", "张三"), ("  李 四 ", "李_四"), ("王/五:", "王五"), ("Anna Li", "Anna_Li")])
def test_safe_name(name, clean):
    assert _submit.safe_name(name) == clean


@pytest.mark.parametrize("bad", ["", "   ", None, 3, "///", "名" * 41])
def test_bad_names_are_refused_in_chinese(bad):
    with pytest.raises(CRMDataError, match="姓名"):
        _submit.safe_name(bad)


# ---------------------------------------------------------------- submit
def test_submit_writes_one_file_with_results_and_notebook(home, tmp_path):
    lesson1.q1.check(1)
    lesson1.q1.check(Q1_RIGHT)
    nb = tmp_path / "01_identify_customers.ipynb"
    nb.write_text('{"cells": []}', encoding="utf-8")
    out = tmp_path / "hand-in"
    out.mkdir()
    res = crmlab.submit("张三", lesson=1, notebook=nb, folder=out, class_name="营销1班", student_id="07")
    assert res.path == (out / "作业_第1课_张三.zip").resolve()
    assert [p.name for p in out.iterdir()] == ["作业_第1课_张三.zip"]
    with zipfile.ZipFile(res.path) as zf:
        assert sorted(zf.namelist()) == ["notebook/01_identify_customers.ipynb", "submission.json"]
        assert zf.read("notebook/01_identify_customers.ipynb") == nb.read_bytes()
    data = _content(res.path)
    assert (data["name"], data["class_name"], data["student_id"], data["lessons"]) == ("张三", "营销1班", "07", ["lesson1"])
    assert data["results"]["lesson1"]["q1"]["passed"] is True
    assert data["results"]["lesson1"]["q1"]["attempts"] == 2
    assert len(data["questions"]["lesson1"]) == N1
    assert f"1 / {N1}" in res.message and "Ctrl+S" in res.message
    assert "作业_第1课_张三.zip" in res._repr_html_()


def test_submit_finds_the_running_notebook(home, tmp_path, monkeypatch):
    (tmp_path / "exercises").mkdir()
    nb = tmp_path / "exercises" / "03_segmentation.ipynb"
    nb.write_text("{}", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "exercises")
    monkeypatch.setenv("JPY_SESSION_NAME", "exercises/03_segmentation.ipynb")  # relative to the server root
    res = crmlab.submit("李四")
    assert res.path.name == "作业_全部课次_李四.zip"
    assert res.notebook == nb.resolve()
    assert _content(res.path)["lessons"] == ["lesson1", "lesson2", "lesson3", "lesson4"]


def test_submit_without_notebook_and_bad_inputs(home, tmp_path):
    res = crmlab.submit("王五", lesson="2", folder=tmp_path)
    assert res.notebook is None and "没有附带笔记本" in res.message
    assert _content(res.path)["results"] == {"lesson2": {}}
    with pytest.raises(CRMDataError, match="笔记本"):
        crmlab.submit("王五", notebook=tmp_path / "nope.ipynb", folder=tmp_path)
    with pytest.raises(CRMDataError, match="文件夹"):
        crmlab.submit("王五", folder=tmp_path / "missing")
    with pytest.raises(CRMDataError, match="课次"):
        crmlab.submit("王五", lesson=7, folder=tmp_path)


def test_submit_view(home, tmp_path):
    from crmlab.widgets.classroom import SubmitView

    view = SubmitView(folder=tmp_path)
    assert view.update() is None
    assert "姓名" in view.message
    assert view.update(name="///") is None and "特殊符号" in view.message
    res = view.update(name="赵六", lesson=3, student_id="12")
    assert view.message == ""
    assert res.path == (tmp_path / "作业_第3课_赵六.zip").resolve()
    view.controls["name"].value = "钱七"
    view.button.click()
    assert (tmp_path / "作业_全部课次_钱七.zip").exists()


# ---------------------------------------------------------------- grade
def _student(monkeypatch, tmp_path, key):
    monkeypatch.setenv("CRMLAB_HOME", str(tmp_path / f"home-{key}"))


@pytest.fixture
def class_folder(tmp_path, monkeypatch):
    """Three students, one with an older and a newer file, plus broken and foreign files."""
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    folder = tmp_path / "收作业"
    folder.mkdir()
    _student(monkeypatch, tmp_path, "a")
    lesson1.q1.check(Q1_RIGHT)
    _progress.record_check("lesson1", "q2", False)
    _progress.record_check("lesson1", "q3", True)
    crmlab.submit("张三", lesson=1, folder=folder, class_name="营销1班", student_id="01")

    _student(monkeypatch, tmp_path, "b")
    lesson1.q1.check(1)
    _progress.record_check("lesson1", "q3", True)
    _progress.record_check("lesson2", "q1", True)
    nb = tmp_path / "01_identify_customers.ipynb"
    nb.write_text('{"cells": [], "who": "李四"}', encoding="utf-8")
    crmlab.submit("李四", folder=folder, class_name="营销1班", notebook=nb)  # all lessons

    _student(monkeypatch, tmp_path, "c")
    _progress.record_check("lesson1", "q3", False)
    first = crmlab.submit("王五", lesson=1, folder=folder, class_name="营销1班", student_id="03")
    first.path.rename(folder / "作业_第1课_王五(1).zip")  # the older copy, as a download folder keeps it
    lesson1.q1.check(Q1_RIGHT)
    _progress.record_check("lesson1", "q2", True)
    crmlab.submit("王五", lesson=1, folder=folder, class_name="营销1班", student_id="03")

    (folder / "坏文件.zip").write_bytes(b"PK\x03\x04 broken")
    (folder / "别的.json").write_text('{"hello": 1}', encoding="utf-8")
    (folder / "说明.txt").write_text("not a submission", encoding="utf-8")
    return folder


def test_class_table_is_exactly_right(class_folder):
    l1 = [f"第1课·练习{i}" for i in range(1, N1 + 1)]
    table = grade.class_table(class_folder).set_index("姓名")
    assert sorted(table.index) == ["张三", "李四", "王五"]
    expected_l1 = {
        "张三": [1, 0, 1] + [0] * (N1 - 3),
        "李四": [0, 0, 1] + [0] * (N1 - 3),
        "王五": [1, 1, 0] + [0] * (N1 - 3),  # the newer file counts
    }
    for name, row in expected_l1.items():
        assert table.loc[name, l1].tolist() == row, name
    # lesson 2 was handed in by 李四 only: empty (not 0) for the others
    assert table.loc["李四", "第2课·练习1"] == 1
    assert pd.isna(table.loc["张三", "第2课·练习1"]) and pd.isna(table.loc["王五", "第2课·练习1"])
    assert table["第1课通过题数"].to_dict() == {"张三": 2, "李四": 1, "王五": 2}
    assert table.loc["李四", "第2课通过题数"] == 1 and pd.isna(table.loc["张三", "第2课通过题数"])
    assert table["合计通过题数"].to_dict() == {"张三": 2, "李四": 2, "王五": 2}
    n_all = sum(len(q) for q in _progress.lesson_questions().values())
    assert set(table["总题数"]) == {n_all}
    assert table["作业文件数"].to_dict() == {"张三": 1, "李四": 1, "王五": 2}
    assert table["学号"].to_dict() == {"张三": "01", "李四": "", "王五": "03"}
    skipped = dict(table.attrs["skipped"])
    assert set(skipped) == {"坏文件.zip", "别的.json"}
    assert "损坏" in skipped["坏文件.zip"] and "不是 crmlab 作业文件" in skipped["别的.json"]
    assert any("王五" in note and "作业_第1课_王五.zip" in note for note in table.attrs["replaced"])


def test_odd_but_usable_file(class_folder, tmp_path):
    folder = tmp_path / "odd"
    folder.mkdir()
    odd = _content(class_folder / "作业_第1课_张三.zip") | {"name": "孙八", "student_id": 8, "results": {"lesson1": [1]}}
    (folder / "孙八.json").write_text(json.dumps(odd, ensure_ascii=False), encoding="utf-8")
    table = grade.class_table(folder)
    assert table["姓名"].tolist() == ["孙八"] and table["学号"].tolist() == ["8"]
    assert table.filter(like="第1课·").iloc[0].tolist() == [0] * N1


def test_most_missed_question(class_folder):
    missed = grade.missed_questions(grade.class_table(class_folder)).set_index("练习")
    assert missed.index[0] == "第1课·练习4"  # nobody passed it: 3 of 3 missed (first of the ties)
    assert missed.loc["第1课·练习4", ["未通过人数", "提交人数"]].tolist() == [3, 3]
    assert missed.loc["第1课·练习2", "未通过人数"] == 2
    assert missed.loc["第1课·练习1", "未通过人数"] == 1
    assert missed.loc["第1课·练习3", "未通过人数"] == 1
    assert missed.loc["第2课·练习1", ["未通过人数", "提交人数"]].tolist() == [0, 1]
    assert missed.loc["第1课·练习2", "未通过率"] == pytest.approx(2 / 3)
    assert list(missed["未通过人数"]) == sorted(missed["未通过人数"], reverse=True)


def test_grade_command_writes_excel_and_chart(class_folder, tmp_path, capsys):
    out = tmp_path / "班级成绩.xlsx"
    assert grade.main([str(class_folder), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "读到 4 份作业，共 3 位学生" in printed
    assert "坏文件.zip" in printed and "别的.json" in printed and "重复提交" in printed
    assert out.exists() and (tmp_path / "班级成绩_错题图.png").exists()
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["成绩表", "错题统计"]
    assert len(wb["错题统计"]._images) == 1
    header = [c.value for c in wb["成绩表"][1]]
    assert wb["成绩表"].cell(row=2, column=header.index("完成率") + 1).number_format == "0.0%"
    back = pd.read_excel(out, sheet_name="成绩表", dtype={"学号": str}).set_index("姓名")
    assert back.loc["王五", "第1课·练习2"] == 1 and back.loc["张三", "第1课·练习2"] == 0
    assert back.loc["张三", "学号"] == "01"
    assert grade.main([str(class_folder), "-o", str(out), "--notebooks", str(tmp_path / "笔记本")]) == 0
    assert [p.name for p in (tmp_path / "笔记本").iterdir()] == ["李四_01_identify_customers.ipynb"]
    assert "李四" in (tmp_path / "笔记本" / "李四_01_identify_customers.ipynb").read_text(encoding="utf-8")
    assert "取出了 1 个笔记本" in capsys.readouterr().out


def test_grade_empty_or_missing_folder(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert grade.main([str(empty)]) == 1
    assert "没有可用的作业文件" in capsys.readouterr().out
    assert grade.main([str(tmp_path / "nope")]) == 2
    assert "找不到文件夹" in capsys.readouterr().err
    assert grade.class_table(empty).empty


def test_plot_missed_shows_only_missed_questions(class_folder):
    import matplotlib.pyplot as plt

    missed = grade.missed_questions(grade.class_table(class_folder))
    ax = grade.plot_missed(missed, top=5)
    try:
        labels = [t.get_text() for t in ax.get_yticklabels()]
        assert labels[-1] == "第1课·练习4" and len(labels) == 5  # most missed on top
        assert "错得最多" in ax.get_title()
    finally:
        plt.close(ax.figure)
    nobody = missed.assign(未通过人数=0)
    ax = grade.plot_missed(nobody)
    try:
        assert not ax.patches and "都通过了" in ax.texts[0].get_text()
    finally:
        plt.close(ax.figure)
