"""Question / CheckResult: the feedback learners see after q.check(), q.hint(), q.solution()."""

from __future__ import annotations

import pandas as pd
import pytest

from crmlab.exercises import NOT_ANSWERED, CheckResult, Question, Wrong
from crmlab.exercises._core import CORRECT, INCORRECT


def _checker(answer):
    if answer == -42:
        raise Wrong("符号反了：应该是正数。")
    if answer == 0.42:
        raise Wrong("单位不对：题目要的是百分数，不是小数。")
    if answer != 42:
        raise Wrong(f"还不对：你的结果是 {answer}。")


@pytest.fixture
def q():
    return Question("练习1", "计算 6 × 7", _checker, hint="乘法表第 6 行。", solution="answer = 6 * 7")


@pytest.mark.parametrize("stub", [..., None])
def test_stub_is_not_answered(q, stub):
    res = q.check(stub)
    assert res.status == NOT_ANSWERED
    assert not res and not res.correct
    assert "尚未作答" in repr(res)
    assert "尚未作答" in res._repr_html_()


def test_default_argument_is_not_answered(q):
    assert q.check().status == NOT_ANSWERED


def test_falsy_answers_are_checked_not_treated_as_stub(q):
    # 0, "" and an empty frame are answers (wrong ones), unlike ... / None
    for answer in (0, "", pd.DataFrame()):
        res = q.check(answer)
        assert res.status == INCORRECT, answer


def test_correct(q):
    res = q.check(42)
    assert res.status == CORRECT
    assert res and res.correct
    assert "正确" in repr(res)
    assert repr(res).startswith("[练习1]")


@pytest.mark.parametrize(
    "answer, expected",
    [(-42, "符号反了"), (0.42, "百分数"), (41, "你的结果是 41")],
)
def test_wrong_shows_targeted_message(q, answer, expected):
    res = q.check(answer)
    assert res.status == INCORRECT
    assert not res
    assert expected in res.message
    assert expected in repr(res)
    assert "还不对" in repr(res)


def test_wrong_without_message_still_says_something():
    def checker(answer):
        raise Wrong()

    res = Question("q", "p", checker, "h", "s").check(1)
    assert res.status == INCORRECT
    assert res.message.strip()


@pytest.mark.parametrize("odd", ["四十二", [42], {"a": 1}, pd.Series([1, 2])])
def test_checker_crash_on_odd_type_gives_chinese_message(odd):
    def checker(answer):  # written for numbers only
        if round(answer, 2) != 42:
            raise Wrong("不对")

    res = Question("q", "p", checker, "h", "s").check(odd)
    assert res.status == INCORRECT
    assert "答案的形式不对" in res.message
    assert type(odd).__name__ in res.message
    assert "Traceback" not in res.message


def test_check_never_raises_even_for_ambiguous_truth_values():
    def checker(answer):
        if answer == 3:  # Series == 3 is a Series; `if` raises ValueError
            return
        raise Wrong("不对")

    res = Question("q", "p", checker, "h", "s").check(pd.Series([3, 3]))
    assert res.status == INCORRECT


def test_hint_and_solution_render(q):
    hint = q.hint()
    sol = q.solution()
    assert isinstance(hint, CheckResult) and isinstance(sol, CheckResult)
    assert "乘法表" in repr(hint) and "提示" in repr(hint)
    assert "answer = 6 * 7" in repr(sol) and "参考答案" in repr(sol)
    assert "<pre" in sol._repr_html_() and "answer = 6 * 7" in sol._repr_html_()
    assert not hint and not sol  # not "correct"
    assert "计算 6 × 7" in repr(q)


def test_html_escaping():
    def checker(answer):
        raise Wrong("列名应该是 <amount> & 不是 'price'")

    q = Question("<b>x</b>", "p", checker, hint="用 a < b 比较", solution="df[df.amount > 0]\nprint('<ok>')")
    wrong = q.check(1)._repr_html_()
    assert "<amount>" not in wrong and "&lt;amount&gt;" in wrong and "&amp;" in wrong
    assert "<b>x</b>" not in wrong and "&lt;b&gt;x&lt;/b&gt;" in wrong
    assert "a &lt; b" in q.hint()._repr_html_()
    sol = q.solution()._repr_html_()
    assert "df.amount &gt; 0" in sol and "&lt;ok&gt;" in sol
    # text/plain (what nbval compares) is not escaped
    assert "<amount>" in repr(q.check(1))


def test_inline_code_and_newlines_in_html(q):
    html = q.check(...)._repr_html_()
    assert "<code>...</code>" in html
    res = CheckResult(INCORRECT, "第一行\n第二行", "q")
    assert "第一行<br>第二行" in res._repr_html_()


def test_result_is_immutable(q):
    res = q.check(42)
    with pytest.raises(Exception):
        res.status = INCORRECT  # type: ignore[misc]


def test_number_typed_as_text_gets_a_hint_on_how_to_fix_it():
    from crmlab.exercises._core import Wrong, as_number

    assert as_number("12") == 12.0
    for text, tip in [("¥1,200", "¥"), ("¥1,200", "逗号"), ("35%", "0.35"), ("1.2万", "12000"), ("abc", "直接写数字")]:
        with pytest.raises(Wrong) as info:
            as_number(text)
        assert tip in str(info.value), (text, str(info.value))
