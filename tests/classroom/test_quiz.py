"""The end-of-class quiz: banks, answer checking, the widget and the export command."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import crmlab
from crmlab import quiz
from crmlab.quiz.view import QuizView


@pytest.mark.parametrize("lesson", [1, 2, 3, 4])
def test_each_lesson_has_at_least_ten_well_formed_items(lesson):
    items = quiz.questions(lesson)
    assert len(items) >= 10
    kinds = {item.kind for item in items}
    assert kinds <= set(quiz.KINDS)
    assert {"单选题", "判断题"} <= kinds  # choice and true/false in every lesson
    for item in items:
        assert item.stem and item.explanation
        if item.kind in ("单选题", "多选题"):
            assert len(item.options) == 4
            assert item.answer and set(item.answer) <= set("ABCD")
            assert (len(item.answer) == 1) == (item.kind == "单选题")
        elif item.kind == "判断题":
            assert item.answer in ("对", "错") and not item.options
        else:
            float(item.answer)  # 填空题: a short number
        assert quiz.check_answer(item, item.answer).correct


def test_answers_are_accepted_in_the_forms_students_type():
    item = quiz.questions(1)[0]  # 单选题, answer B
    for typed in ("B", "b", "Ｂ", " B "):
        assert quiz.check_answer(item, typed).correct, typed
    multi = next(i for i in quiz.questions(1) if i.kind == "多选题")
    assert quiz.check_answer(multi, "d,b,a" if multi.answer == "ABD" else multi.answer.lower()).correct
    assert quiz.check_answer(multi, list(multi.answer)).correct
    truth = next(i for i in quiz.questions(1) if i.kind == "判断题" and i.answer == "错")
    for typed in ("错", "×", "F", False, "错误"):
        assert quiz.check_answer(truth, typed).correct, typed
    number = next(i for i in quiz.questions(1) if i.kind == "填空题" and i.answer == "300")
    for typed in ("300", "300元", " 300.0 ", 300, "３００"):
        assert quiz.check_answer(number, typed).correct, typed


def test_wrong_answers_get_a_specific_chinese_message():
    single = quiz.questions(1)[0]
    assert "只能选一个" in quiz.check_answer(single, "AB").message
    assert "正确答案是 B" in quiz.check_answer(single, "A").message
    assert "选项字母" in quiz.check_answer(single, "客户").message
    multi = next(i for i in quiz.questions(1) if i.kind == "多选题")
    assert "漏了" in quiz.check_answer(multi, multi.answer[0]).message
    truth = next(i for i in quiz.questions(1) if i.kind == "判断题")
    assert "对”或“错" in quiz.check_answer(truth, "也许").message
    number = next(i for i in quiz.questions(1) if i.kind == "填空题")
    assert "填一个数字" in quiz.check_answer(number, "三百").message
    assert quiz.check_answer(number, "").status == "not_answered"


def test_score_counts_right_answers_only():
    items = quiz.questions(3)
    answers = {item.number: item.answer for item in items[:5]}
    answers[6] = "D" if items[5].answer != "D" else "A"
    assert quiz.score(3, answers) == (5, len(items))


@pytest.mark.parametrize("bad", [0, 5, "x", None, True])
def test_unknown_lesson_is_a_chinese_error(bad):
    with pytest.raises(crmlab.CRMDataError, match="课次"):
        quiz.questions(bad)


def test_widget_gives_instant_feedback_and_never_raises():
    view = QuizView(2)
    result = view.update(answers={1: "B", 3: "对"})
    assert [fb.status for fb in result[:3]] == ["correct", "not_answered", "incorrect"]
    assert "已答 2 / 12 题，答对 1 题" in view.score.value
    assert "✓ 正确" in view.feedback[1].value and "× 不对" in view.feedback[3].value
    # the controls drive the same update
    view.inputs[2].value = "C. 关联类信息"
    assert view.result[1].correct
    assert view.update(answers="B") is None and "字典" in view.message
    assert view.update(answers={99: "A"}) is None and "题号" in view.message


def test_excel_export_has_the_platform_columns(tmp_path):
    path = quiz.export([1], tmp_path / "第1课测试.xlsx")
    frame = pd.read_excel(path, sheet_name="第1课", dtype=str).fillna("")
    assert list(frame.columns) == list(quiz.EXPORT_COLUMNS)
    assert len(frame) == len(quiz.questions(1))
    assert frame.loc[0, "正确答案"] == quiz.questions(1)[0].answer
    assert (frame.loc[frame["题型"] == "判断题", "选项A"] == "").all()
    with pytest.raises(crmlab.CRMDataError, match="已经存在"):
        quiz.export([1], path)
    quiz.export([1, 2], path, overwrite=True)
    assert set(pd.read_excel(path, sheet_name=None)) == {"第1课", "第2课"}


def test_command_line_writes_excel_and_markdown(tmp_path):
    run = [sys.executable, "-m", "crmlab.quiz"]
    done = subprocess.run([*run, "3", "-o", str(tmp_path / "测试.xlsx")], capture_output=True, text=True,
                          encoding="utf-8")
    assert done.returncode == 0, done.stderr
    assert "已导出 12 道题" in done.stdout
    done = subprocess.run([*run, "all", "-o", str(tmp_path / "测试.md"), "--markdown"], capture_output=True,
                          text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "测试.md").read_text(encoding="utf-8")
    assert text.count("· 课后测试") == 4 and "参考答案与解析" in text
    done = subprocess.run([*run, "3", "-o", str(tmp_path / "测试.xlsx")], capture_output=True, text=True,
                          encoding="utf-8")
    assert done.returncode == 2 and "已经存在" in done.stderr and "Traceback" not in done.stderr
    done = subprocess.run([*run, "3", "-o", str(tmp_path / "没有这个文件夹" / "测试.xlsx")], capture_output=True,
                          text=True, encoding="utf-8")
    assert done.returncode == 2 and "不存在" in done.stderr


def test_start_notebook_warm_up_teaches_a_check_without_recording_it():
    from crmlab.exercises.start import error_demo, q0

    assert q0.check(...).status == "not_answered" and "q0.hint()" in q0.check(...).message
    assert "减反了" in q0.check(-180).message
    first, second = q0.hint().message, q0.hint().message
    assert first != second and "500 - 320" in second
    assert q0.check(180).correct
    assert q0.where() is None  # the warm-up is never recorded as a lesson result
    shown = error_demo().data
    assert "NameError" in shown and "名字" in shown
    assert "没有出错" in error_demo("x = 1").data
