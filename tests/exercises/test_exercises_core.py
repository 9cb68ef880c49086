"""Question / CheckResult: the feedback learners see after q.check(), q.hint(), q.solution()."""

from __future__ import annotations

import pandas as pd
import pytest

from crmlab import CRMDataError
from crmlab.exercises import (
    CORRECT,
    INCORRECT,
    KINDS,
    NOT_ANSWERED,
    RECORD_MIME,
    TIERS,
    CheckResult,
    Question,
    Wrong,
    choice,
    number,
)


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
    from crmlab.exercises import Wrong, as_number

    assert as_number("12") == 12.0
    for text, tip in [("¥1,200", "¥"), ("¥1,200", "逗号"), ("35%", "0.35"), ("1.2万", "12000"), ("abc", "直接写数字")]:
        with pytest.raises(Wrong) as info:
            as_number(text)
        assert tip in str(info.value), (text, str(info.value))


# ---------------------------------------------------------------- hints that teach (issue 14)


def _levels_q(**kw):
    return Question("练习3", "计算 6 × 7", _checker, hint=["想一想乘法表。", "第 6 行第 7 个数：6 × 7。"],
                    solution="answer = 6 * 7", **kw)


def test_repeated_hint_says_more_each_time():
    q = _levels_q()
    first, second, third = q.hint(), q.hint(), q.hint()
    assert "想一想乘法表" in first.message and "6 × 7" not in first.message
    assert "6 × 7" in second.message
    assert "1/2" in repr(first) and "2/2" in repr(second)
    # after the last level: everything, and where the solution is
    assert "想一想乘法表" in third.message and "6 × 7" in third.message and "q3.solution()" in third.message
    assert len(third.message) > len(second.message) > 0


def test_first_hint_reacts_to_the_last_wrong_answer():
    q = _levels_q()
    q.check(-42)
    hint = q.hint()
    assert "上一次的答案" in hint.message and "符号反了" in hint.message
    assert "想一想乘法表" in hint.message
    # the reaction is given once per wrong answer, the next call goes on to the next level
    assert "上一次" not in q.hint().message
    # a correct check clears it
    q2 = _levels_q()
    q2.check(-42)
    q2.check(42)
    assert "上一次" not in q2.hint().message


def test_wrong_can_carry_its_own_hint_reaction():
    def checker(answer):
        raise Wrong("你数的是订单条数。", hint="每位客户只算一次：先按客户分组。")

    q = Question("练习2", "p", checker, hint="数客户。", solution="s")
    q.check(5)
    text = q.hint().message
    assert "每位客户只算一次" in text and "数客户" in text


def test_single_string_hint_still_has_a_second_level():
    q = Question("练习1", "p", _checker, hint="乘法表第 6 行。", solution="answer = 42")
    assert q.hint().message == "乘法表第 6 行。"
    more = q.hint().message
    assert more != "乘法表第 6 行。" and "q1.solution()" in more


def test_not_answered_names_the_variable():
    assert "运行 q3.hint() 看提示" in _levels_q().check(...).message
    assert "运行 q7.hint()" in _levels_q(qid="q7").check(...).message
    from crmlab.exercises import lesson1

    assert "运行 q2.hint()" in lesson1.q2.check(...).message


def test_feedback_never_repeats_itself():
    def checker(answer):
        raise Wrong("还不对：还不对。")

    res = Question("练习1", "p", checker, hint="h", solution="s").check(1)
    assert "还不对：还不对" not in repr(res)
    assert "还不对" in repr(res)  # the title still says so once

    def plain(answer):
        raise Wrong("还不对：你的结果是 5。")

    q = Question("练习1", "p", plain, hint="h", solution="s")
    first = repr(q.check(5))
    assert first.count("还不对") == 1 and "你的结果是 5" in first
    again = q.check(5).message
    assert "和上一次的反馈一样" in again and "q1.hint()" in again  # the same answer twice: something new


def test_empty_wrong_names_the_answer():
    def checker(answer):
        raise Wrong()

    res = Question("练习1", "p", checker, hint="h", solution="s").check([1, 2])
    assert "[1, 2]" in res.message


def test_tier_and_kind_are_validated():
    q = _levels_q(tier="基础", kind="number")
    assert (q.tier, q.kind) == ("基础", "number")
    with pytest.raises(ValueError):
        _levels_q(tier="basic")
    with pytest.raises(ValueError):
        _levels_q(kind="essay")


def test_expected_value_or_callable():
    assert _levels_q(expected=42).expected() == 42
    calls = []
    q = _levels_q(expected=lambda: calls.append(1) or 7)
    assert q.expected() == 7 and calls == [1]
    assert _levels_q().expected() is None


# ---------------------------------------------------------------- choice


OPTIONS = {"A": "只看购买金额", "B": "看客户带来的利润", "C": "看客户的忠诚度", "D": "看客户的年龄"}


def _single():
    return choice("练习1", "哪一项最能说明客户价值？", OPTIONS, "B",
                  explain={"A": "金额高不等于利润高：还要减去成本。"}, hint="想想企业最终关心什么。")


@pytest.mark.parametrize("answer", ["B", "b", "Ｂ", " B ", ["B"], {"b"}])
def test_choice_accepts_the_usual_spellings(answer):
    assert _single().check(answer).correct


def test_choice_explains_the_chosen_wrong_option():
    q = _single()
    assert "金额高不等于利润高" in q.check("A").message
    assert "选项 C 不对" in q.check("C").message
    assert "只有一个正确选项" in q.check("AB").message
    assert "不是选项" in q.check("E").message and "A、B、C、D" in q.check("E").message
    assert "选项字母" in q.check(2).message
    assert q.kind == "choice" and q.tier == "基础"
    assert q.expected() == "B（看客户带来的利润）"
    assert "A. 只看购买金额" in repr(q)
    assert 'answer = "B"' in q.solution().message


@pytest.mark.parametrize("answer", ["A,C", "AC", "ca", "A、C", "Ａ，Ｃ", ["A", "C"], ("c", "a"), {"A", "C"}])
def test_multiple_choice_accepts_the_usual_spellings(answer):
    q = choice("练习2", "选出两项", OPTIONS, {"A", "C"}, hint="两项。")
    assert q.check(answer).correct, answer


def test_multiple_choice_says_what_is_missing_or_extra():
    q = choice("练习2", "选出两项", OPTIONS, ["A", "C"], explain={"D": "年龄和价值无关。"}, hint="两项。")
    assert "少选了 1 个" in q.check("A").message
    msg = q.check("ACD").message
    assert "多选了 1 个" in msg and "年龄和价值无关" in msg
    assert "（多选）" in q.prompt


# ---------------------------------------------------------------- number


def test_number_tolerance_slips_and_text():
    q = number("练习4", "留存率是多少？", lambda: 0.35, rel=0.01, slips=[(0.65, "这是流失率：留存率 = 1 − 流失率。")],
               hint="看表的最后一行。")
    assert q.check(0.35).correct and q.check(0.3502).correct
    assert not q.check(0.36).correct
    assert "流失率" in q.check(0.65).message
    assert "100 倍" in q.check(35).message
    assert "0.35" in q.check("35%").message and "answer = 0.35" in q.check("35%").message  # typed as text
    assert q.check("0.35").correct  # a plain number in quotes is the number it spells
    pct = number("练习6", "留存率是百分之几？", 35, hint="看表。")
    msg = pct.check("35%").message
    assert "answer = 35" in msg and "0.35" not in msg  # the advice fits what this question wants
    assert "¥" in number("练习7", "多少元？", 1200, hint="看表。").check("¥1,300").message
    assert "偏" not in q.check(0.2).message and "小" in q.check(0.2).message
    assert "大" in q.check(0.5).message
    assert q.kind == "number" and q.expected() == "0.35"
    assert "answer = 0.35" in q.solution().message


def test_number_with_unit_and_abs_tolerance():
    q = number("练习5", "利润是多少元？", 12000, abs_=1, unit="元", hint="看表。")
    assert q.check(12000.5).correct and q.check("12000").correct  # a plain number in quotes is accepted
    assert "万" in q.check(1.2).message
    assert "符号反了" in q.check(-12000).message
    assert q.expected() == "12,000元"


# ---------------------------------------------------------------- registry and records


def test_questions_are_listed_in_definition_order_and_bound():
    from crmlab.exercises import lesson2, questions

    qs = questions(2)
    names = [n for n, v in vars(lesson2).items() if isinstance(v, Question)]
    assert [q.qid for q in qs] == [n for n in names if n[1:].isdigit()]
    assert all(q.lesson == "lesson2" and q.tier in TIERS and q.kind in KINDS for q in qs)
    assert questions("第2课") == qs
    with pytest.raises(CRMDataError):
        questions(9)


def test_lesson_check_leaves_a_deterministic_record_in_the_output(tmp_path, monkeypatch):
    monkeypatch.setenv("CRMLAB_HOME", str(tmp_path))
    from crmlab.exercises import lesson1

    res = lesson1.q1.check("wrong")
    bundle = res._repr_mimebundle_()
    assert bundle == {RECORD_MIME: {"format": "crmlab-check", "version": 1, "lesson": "lesson1", "question": "q1",
                                    "name": "练习1", "event": "check", "result": "incorrect"}}
    assert lesson1.q1.check("wrong")._repr_mimebundle_() == bundle  # no time or identity: nbval can compare it
    assert lesson1.q1.check(...)._repr_mimebundle_() == {}  # not an attempt
    sol = lesson1.q1.solution()._repr_mimebundle_()[RECORD_MIME]
    assert sol["event"] == "solution" and "result" not in sol
    assert _levels_q().check(42)._repr_mimebundle_() == {}  # not a lesson question


def test_ipython_shows_text_html_and_the_record(tmp_path, monkeypatch):
    monkeypatch.setenv("CRMLAB_HOME", str(tmp_path))
    from IPython.core.formatters import DisplayFormatter

    q = _levels_q(lesson=1, qid="q3")
    data, _md = DisplayFormatter().format(q.check(42))
    assert {"text/plain", "text/html", RECORD_MIME} <= set(data)
    assert data[RECORD_MIME]["result"] == "correct" and data[RECORD_MIME]["question"] == "q3"


def test_solution_is_recorded_with_before_pass(tmp_path, monkeypatch):
    import json

    monkeypatch.setenv("CRMLAB_HOME", str(tmp_path))
    q = _levels_q(lesson=1, qid="q3")
    q.check(41)
    assert "记录" in repr(q.solution())
    q.hint()
    q.check(42)
    rec = json.loads((tmp_path / "progress.json").read_text(encoding="utf-8"))["checks"]["lesson1"]["q3"]
    assert rec["solution_before_pass"] is True and rec["solution_views"] == 1 and rec["hints"] == 1
    assert rec["passed"] is True
