"""Hand-in files (crmlab.student / crmlab.submit) and the teacher's class table (python -m crmlab.grade)."""

from __future__ import annotations

import json
import os
import time
import zipfile

import openpyxl
import pandas as pd
import pytest
from IPython.core.formatters import DisplayFormatter

import crmlab
from crmlab import CRMDataError, grade, records, submission
from crmlab.exercises import Question, Wrong
from crmlab.exercises.progress import lesson_questions

N1 = len(lesson_questions()["lesson1"])


def _one(answer):
    if answer != 1:
        raise Wrong("请写 1。")


# questions bound to lesson 1 / lesson 2 explicitly: independent of the lessons' current wording
Q = {(lesson, i): Question(f"练习{i}", "写 1", _one, hint="1", solution="answer = 1", lesson=lesson, qid=f"q{i}")
     for lesson in (1, 2) for i in (1, 2, 3, 4)}


@pytest.fixture(autouse=True)
def _nobody():
    records.forget_student()
    yield
    records.forget_student()


@pytest.fixture
def home(tmp_path, monkeypatch):
    folder = tmp_path / "home"
    monkeypatch.setenv("CRMLAB_HOME", str(folder))
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    return folder


def _content(path) -> dict:
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("submission.json").decode("utf-8"))


def _notebook(path, results) -> None:
    """Save a notebook whose cells show ``results`` as Jupyter would (text, HTML and the check record)."""
    fmt = DisplayFormatter()
    cells = []
    for res in results:
        data, _md = fmt.format(res)
        cells.append({"cell_type": "code", "execution_count": 1, "metadata": {}, "source": "q.check(answer)",
                      "outputs": [{"output_type": "execute_result", "execution_count": 1, "data": data,
                                   "metadata": {}}]})
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5},
                               ensure_ascii=False), encoding="utf-8")


# ---------------------------------------------------------------- names
@pytest.mark.parametrize("name, clean", [("张三", "张三"), ("  李 四 ", "李_四"), ("王/五:", "王五"), ("Anna Li", "Anna_Li")])
def test_safe_name(name, clean):
    assert submission.safe_name(name) == clean


@pytest.mark.parametrize("bad", ["", "   ", None, 3, "///", "名" * 41])
def test_bad_names_are_refused_in_chinese(bad):
    with pytest.raises(CRMDataError, match="姓名"):
        submission.safe_name(bad)


# ---------------------------------------------------------------- submit
def test_submit_without_identity_is_refused_in_chinese(home, tmp_path):
    with pytest.raises(CRMDataError, match="还没有登记") as info:
        crmlab.submit(lesson=1, folder=tmp_path)
    assert "crmlab.student" in str(info.value)
    assert not list(tmp_path.glob("*.zip"))


def test_submit_uses_the_identity_and_carries_results_and_notebook(home, tmp_path):
    crmlab.student("张三", student_id="07", class_name="营销1班")
    Q[1, 1].check(2)
    Q[1, 1].check(1)
    Q[1, 2].solution()
    nb = tmp_path / "01_identify_customers.ipynb"
    _notebook(nb, [Q[1, 1].check(1)])
    out = tmp_path / "hand-in"
    out.mkdir()
    res = crmlab.submit(lesson=1, notebook=nb, folder=out)
    assert res.path == (out / "作业_第1课_张三.zip").resolve()
    with zipfile.ZipFile(res.path) as zf:
        assert sorted(zf.namelist()) == ["notebook/01_identify_customers.ipynb", "submission.json"]
        assert zf.read("notebook/01_identify_customers.ipynb") == nb.read_bytes()
    data = _content(res.path)
    assert (data["name"], data["class_name"], data["student_id"], data["lessons"]) == ("张三", "营销1班", "07", ["lesson1"])
    rec = data["results"]["lesson1"]["q1"]
    assert (rec["passed"], rec["attempts"]) == (True, 3)  # the notebook's check above was the third
    assert data["results"]["lesson1"]["q2"]["solution_before_pass"] is True
    assert data["notebook_results"]["lesson1"]["q1"] == {"passed": True, "attempts": 1, "solution": False}
    assert len(data["questions"]["lesson1"]) == N1
    assert f"1 / {N1}" in res.message and "张三" in res.message
    assert "作业_第1课_张三.zip" in res._repr_html_()


def test_two_students_on_one_login_hand_in_their_own_results(home, tmp_path):
    """The issue's case: 赵六 on 张三's login must not hand in 张三's passes."""
    crmlab.student("张三")
    for i in (1, 2, 3):
        Q[1, i].check(1)
    zhang = crmlab.submit(lesson=1, folder=tmp_path)
    crmlab.student("赵六")
    zhao = crmlab.submit(lesson=1, folder=tmp_path)
    assert sum(r["passed"] for r in _content(zhang.path)["results"]["lesson1"].values()) == 3
    assert _content(zhao.path)["results"]["lesson1"] == {}
    assert f"0 / {N1}" in zhao.message
    table = grade.class_table(tmp_path).set_index("姓名")
    assert table.loc["张三", "第1课通过题数"] == 3 and table.loc["赵六", "第1课通过题数"] == 0


def test_a_given_name_registers_it(home, tmp_path):
    Q[1, 1].check(1)  # before anyone registered: moves to the first identity
    res = crmlab.submit("王五", lesson=1, folder=tmp_path, student_id="03")
    assert records.current_student().name == "王五"
    assert _content(res.path)["results"]["lesson1"]["q1"]["passed"] is True
    assert _content(res.path)["student_id"] == "03"


def test_handin_from_a_saved_notebook_after_the_store_is_wiped(home, tmp_path):
    """A restore card wipes the store at reboot: the saved notebook still carries the results."""
    crmlab.student("张三")
    shown = [Q[1, 1].check(1), Q[1, 2].check(5), Q[1, 3].check(1)]
    nb = tmp_path / "01_identify_customers.ipynb"
    _notebook(nb, shown)
    import shutil

    shutil.rmtree(home)  # reboot with a restore card
    records.forget_student()
    crmlab.student("张三")
    res = crmlab.submit(lesson=1, notebook=nb, folder=tmp_path)
    assert _content(res.path)["results"]["lesson1"] == {}
    assert f"2 / {N1}" in res.message
    row = grade.class_table(tmp_path).set_index("姓名").loc["张三"]
    assert (row["第1课·练习1"], row["第1课·练习2"], row["第1课·练习3"]) == (1, 0, 1)
    assert pd.isna(row["第1课·练习4"]) and row["第1课通过题数"] == 2


def test_notebook_records_of_another_student_are_not_counted(home, tmp_path):
    crmlab.student("张三")
    nb = tmp_path / "01_identify_customers.ipynb"
    _notebook(nb, [Q[1, 1].check(1)])
    crmlab.student("赵六")  # takes over 张三's saved notebook
    crmlab.submit(lesson=1, notebook=nb, folder=tmp_path)
    table = grade.class_table(tmp_path)
    assert pd.isna(table.set_index("姓名").loc["赵六", "第1课·练习1"])
    assert any("属于「张三」" in note for _who, note in table.attrs["notes"])


def test_homework_files_go_into_the_zip(home, tmp_path):
    crmlab.student("李四")
    work = tmp_path / "work"
    work.mkdir()
    nb = work / "03_segmentation.ipynb"
    _notebook(nb, [])
    (work / "我的细分方案.xlsx").write_bytes(b"xlsx")
    (work / "我的细分方案_2.md").write_text("# 方案", encoding="utf-8")
    (work / "第4课_信用报告.xlsx").write_bytes(b"other lesson")
    (work / "我的细分方案_空.xlsx").write_bytes(b"")  # empty: not a homework file
    res = crmlab.submit(lesson=3, notebook=nb, folder=tmp_path)
    with zipfile.ZipFile(res.path) as zf:
        names = set(zf.namelist())
    assert {"files/我的细分方案.xlsx", "files/我的细分方案_2.md"} <= names
    assert "files/第4课_信用报告.xlsx" not in names and "files/我的细分方案_空.xlsx" not in names
    assert "我的细分方案.xlsx" in res.message
    assert not any(n.startswith("files/") for n in zipfile.ZipFile(crmlab.submit(lesson=1, notebook=nb,
                                                                                  folder=tmp_path).path).namelist())


def test_unsaved_notebook_is_pointed_out(home, tmp_path):
    crmlab.student("张三")
    nb = tmp_path / "01_identify_customers.ipynb"
    _notebook(nb, [])
    old = time.time() - 60
    os.utime(nb, (old, old))
    Q[1, 1].check(1)  # after the last save
    res = crmlab.submit(lesson=1, notebook=nb, folder=tmp_path)
    assert res.unsaved and "Ctrl+S" in res.message
    _notebook(nb, [])  # saved again
    assert not crmlab.submit(lesson=1, notebook=nb, folder=tmp_path).unsaved


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
@pytest.fixture
def class_folder(tmp_path, home):
    """Four students on one login, one with an older and a newer file, plus broken and foreign files."""
    folder = tmp_path / "收作业"
    folder.mkdir()
    crmlab.student("张三", student_id="01", class_name="营销1班")
    Q[1, 1].check(1)
    Q[1, 2].check(5)
    Q[1, 3].solution()
    Q[1, 3].check(1)
    crmlab.submit(lesson=1, folder=folder)

    crmlab.student("李四", class_name="营销1班")
    Q[1, 1].check(5)
    Q[1, 3].check(1)
    Q[2, 1].check(1)
    crmlab.submit(folder=folder)  # all lessons

    crmlab.student("王五", student_id="03", class_name="营销1班")
    Q[1, 3].check(5)
    first = crmlab.submit(lesson=1, folder=folder)
    first.path.rename(folder / "作业_第1课_王五(1).zip")  # the older copy, as a download folder keeps it
    Q[1, 1].check(1)
    Q[1, 2].check(1)
    crmlab.submit(lesson=1, folder=folder)

    crmlab.student("孙八", class_name="营销1班")
    Q[1, 1].check(5)
    crmlab.submit(lesson=1, folder=folder)

    (folder / "坏文件.zip").write_bytes(b"PK\x03\x04 broken")
    (folder / "别的.json").write_text('{"hello": 1}', encoding="utf-8")
    (folder / "说明.txt").write_text("not a submission", encoding="utf-8")
    return folder


NA = None


def _row(table, name, n):
    return [None if pd.isna(v) else int(v) for v in table.loc[name, [f"第1课·练习{i}" for i in range(1, n + 1)]]]


def test_class_table_right_wrong_and_not_tried(class_folder):
    table = grade.class_table(class_folder).set_index("姓名")
    assert sorted(table.index) == ["孙八", "张三", "李四", "王五"]
    assert _row(table, "张三", 4) == [1, 0, 1, NA]  # 1 right, 0 wrong, empty: not tried
    assert _row(table, "李四", 4) == [0, NA, 1, NA]
    assert _row(table, "王五", 4) == [1, 1, 0, NA]  # the newer file counts
    assert _row(table, "孙八", 4) == [0, NA, NA, NA]
    # lesson 2 was handed in by 李四 only: empty for the others
    assert table.loc["李四", "第2课·练习1"] == 1
    assert pd.isna(table.loc["张三", "第2课·练习1"]) and pd.isna(table.loc["张三", "第2课通过题数"])
    assert table["第1课通过题数"].to_dict() == {"孙八": 0, "张三": 2, "李四": 1, "王五": 2}
    assert table["合计通过题数"].to_dict() == {"孙八": 0, "张三": 2, "李四": 2, "王五": 2}
    assert table.loc["张三", "通过前看过答案"] == "第1课·练习3" and table.loc["王五", "通过前看过答案"] == ""
    assert table["作业文件数"].to_dict() == {"孙八": 1, "张三": 1, "李四": 1, "王五": 2}
    assert table["学号"].to_dict() == {"孙八": "", "张三": "01", "李四": "", "王五": "03"}
    skipped = dict(table.attrs["skipped"])
    assert set(skipped) == {"坏文件.zip", "别的.json"}
    assert "损坏" in skipped["坏文件.zip"] and "不是 crmlab 作业文件" in skipped["别的.json"]
    assert any("王五" in note and "作业_第1课_王五.zip" in note for note in table.attrs["replaced"])


def test_mistakes_count_attempts_only(class_folder):
    missed = grade.missed_questions(grade.class_table(class_folder)).set_index("练习")
    assert missed.loc["第1课·练习1", ["做错人数", "做过人数", "未做人数"]].tolist() == [2, 4, 0]
    assert missed.loc["第1课·练习1", "说明"] == "2 / 4 做错"
    assert missed.loc["第1课·练习3", "说明"] == "1 / 3 做错，1 人未做"
    assert missed.loc["第1课·练习2", "说明"] == "1 / 2 做错，2 人未做"
    # nobody tried 练习4: nothing to re-teach, not "4 of 4 wrong"
    assert missed.loc["第1课·练习4", ["做错人数", "做过人数", "未做人数"]].tolist() == [0, 0, 4]
    assert missed.loc["第2课·练习1", "说明"] == "0 / 1 做错"  # only 李四 handed lesson 2 in
    assert missed.loc["第1课·练习1", "做错率"] == pytest.approx(0.5)
    assert list(missed["做错人数"]) == sorted(missed["做错人数"], reverse=True)


def test_conflicting_records_are_reported_not_guessed(home, tmp_path):
    crmlab.student("张三")
    Q[1, 1].check(5)
    Q[1, 2].check(1)
    nb = tmp_path / "01_identify_customers.ipynb"
    # the saved notebook shows 练习1 passed (the store never saw it) and 练习2 answered wrong last
    from crmlab.exercises import CheckResult

    record = {"format": "crmlab-check", "version": 1, "lesson": "lesson1", "question": "q1", "name": "练习1",
              "event": "check", "result": "correct", "student": "张三", "student_id": ""}
    _notebook(nb, [CheckResult("correct", "做得好！", "练习1", record=record), Q[1, 2].check(5)])
    out = tmp_path / "out"
    out.mkdir()
    crmlab.submit(lesson=1, notebook=nb, folder=out)
    table = grade.class_table(out)
    conflicts = {q: text for _who, q, text in table.attrs["conflicts"]}
    assert set(conflicts) == {"第1课·练习1", "第1课·练习2"}
    assert "笔记本里显示通过" in conflicts["第1课·练习1"] and "笔记本里最后显示的是答错" in conflicts["第1课·练习2"]
    assert table.loc[0, "记录冲突"] == 2


def test_grade_command_writes_excel_and_chart_and_never_overwrites(class_folder, tmp_path, capsys):
    out = tmp_path / "班级成绩.xlsx"
    assert grade.main([str(class_folder), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "读到 5 份作业，共 4 位学生" in printed
    assert "坏文件.zip" in printed and "别的.json" in printed and "重复提交" in printed
    assert out.exists() and (tmp_path / "班级成绩_错题图.png").exists()
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["成绩表", "错题统计", "跳过的文件"]
    assert len(wb["错题统计"]._images) == 1
    header = [c.value for c in wb["成绩表"][1]]
    assert wb["成绩表"].cell(row=2, column=header.index("完成率") + 1).number_format == "0.0%"
    back = pd.read_excel(out, sheet_name="成绩表", dtype={"学号": str}).set_index("姓名")
    assert back.loc["王五", "第1课·练习2"] == 1 and back.loc["张三", "第1课·练习2"] == 0
    assert pd.isna(back.loc["张三", "第1课·练习4"])  # not tried stays an empty cell in Excel
    assert back.loc["张三", "学号"] == "01"
    # a second run keeps the first file
    assert grade.main([str(class_folder), "-o", str(out)]) == 0
    assert "没有覆盖" in capsys.readouterr().out and (tmp_path / "班级成绩_2.xlsx").exists()
    assert grade.main([str(class_folder), "-o", str(out), "--overwrite"]) == 0
    assert not (tmp_path / "班级成绩_3.xlsx").exists()


def test_grade_extracts_notebooks(home, tmp_path, capsys):
    crmlab.student("李四")
    nb = tmp_path / "01_identify_customers.ipynb"
    _notebook(nb, [Q[1, 1].check(1)])
    folder = tmp_path / "in"
    folder.mkdir()
    res = crmlab.submit(lesson=1, notebook=nb, folder=folder)
    long_name = "很长的名字" * 20  # a 100-character name (made by hand: submit() stops at 40) is fine
    with zipfile.ZipFile(res.path) as src, zipfile.ZipFile(folder / "长名字.zip", "w") as dst:
        data = json.loads(src.read("submission.json")) | {"name": long_name}
        dst.writestr("submission.json", json.dumps(data, ensure_ascii=False))
        dst.writestr("notebook/01_identify_customers.ipynb", src.read("notebook/01_identify_customers.ipynb"))
    dest = tmp_path / "笔记本"
    assert grade.main([str(folder), "-o", str(tmp_path / "x.xlsx"), "--notebooks", str(dest)]) == 0
    names = sorted(p.name for p in dest.iterdir())
    assert "李四_01_identify_customers.ipynb" in names and len(names) == 2
    assert "取出了 2 个笔记本" in capsys.readouterr().out


def test_grade_empty_or_missing_folder(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert grade.main([str(empty)]) == 1
    assert "没有可用的作业文件" in capsys.readouterr().out
    assert grade.main([str(tmp_path / "nope")]) == 2
    assert "找不到文件夹" in capsys.readouterr().err
    assert grade.class_table(empty).empty


def test_plot_missed_labels_attempts(class_folder):
    import matplotlib.pyplot as plt

    missed = grade.missed_questions(grade.class_table(class_folder))
    ax = grade.plot_missed(missed, top=5)
    try:
        labels = [t.get_text() for t in ax.get_yticklabels()]
        assert labels[-1] == "第1课·练习1" and "第1课·练习4" not in labels  # untried is not a mistake
        assert "2 / 4 做错" in [t.get_text() for t in ax.texts]
        assert "错得最多" in ax.get_title()
    finally:
        plt.close(ax.figure)
    nobody = missed.assign(做错人数=0)
    ax = grade.plot_missed(nobody)
    try:
        assert not ax.patches and "都做对了" in ax.texts[0].get_text()
    finally:
        plt.close(ax.figure)
