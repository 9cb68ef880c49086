"""Lesson 4 exercise checkers: the reference answer passes, typical mistakes get targeted hints,
every wrong answer's message names the mistake (never only the rule), core questions need no code."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crmlab
import crmlab.credit as cc
from crmlab import course
from crmlab.exercises import lesson4 as L
from crmlab.exercises import questions


def _orders():
    return crmlab.datasets.load("orders")


def _wrong(res, word):
    assert not res.correct and res.status == "incorrect"
    assert word in res.message, res.message
    assert "还不对" not in res.message  # the title already says so


def test_questions_in_order_with_tier_kind_expected():
    qs = questions(4)
    assert qs == L.QUESTIONS
    assert [q.name for q in qs] == [f"练习{i}" for i in range(1, len(qs) + 1)]
    tiers = [q.tier for q in qs]
    assert tiers == sorted(tiers, key=lambda t: t != "基础")  # core first, then 拓展
    core = [q for q in qs if q.tier == "基础"]
    assert len(core) >= 8 and all(q.kind != "code" for q in core)
    assert {q.kind for q in qs if q.tier == "拓展"} >= {"code"}
    for q in qs:
        assert q.expected() not in (None, "")
        assert q.check(...).status == "not_answered"


def test_hints_say_more_the_second_time_and_react_to_a_wrong_answer():
    for q in L.QUESTIONS:
        first, second = q.hint().message, q.hint().message
        assert first != second
    L.q9.check("AAA AAA AA A BB")
    assert "89.5" in L.q9.hint().message


def test_q1_pyramid_rank():
    assert L.q1.check("B").correct
    assert L.q1.check("b").correct
    _wrong(L.q1.check("A"), "前 1%")
    _wrong(L.q1.check("C"), "第三层")
    _wrong(L.q1.check("D"), "最底层")


def test_q2_vip_share_from_the_table():
    t = cc.pyramid(_orders()).tiers
    share = t.iloc[0]["value_share"]
    for ok in (share, round(share * 100, 1), f"{share:.1%}"):
        assert L.q2.check(ok).correct, ok
    _wrong(L.q2.check(t.iloc[0]["customer_share"]), "客户占比")
    _wrong(L.q2.check(t.iloc[1]["cum_value_share"]), "前两层")
    _wrong(L.q2.check(t.iloc[0]["amount"]), "金额")
    _wrong(L.q2.check(share * 0.5), "第一行")


@pytest.mark.parametrize("q, right, wrong, word", [
    (L.q3, "B", "A", "放弃"), (L.q3, "B", "C", "资源有限"), (L.q4, "AB", "ABC", "利润"),
    (L.q4, "AB", "A", "少选"), (L.q5, "B", "A", "付款记录"), (L.q5, "B", "D", "账期越长"),
])
def test_choice_questions(q, right, wrong, word):
    assert q.check(right).correct
    _wrong(q.check(wrong), word)


def test_q6_payment_terms_widget_number():
    from crmlab.widgets.credit import PaymentTermsView

    view = PaymentTermsView(_orders(), crmlab.datasets.load("invoices"))
    res = view.update(terms={"混合客户": (20, 30)})
    read = -res.table.loc["混合客户", "expected_bad_debt"] + res.current.loc["混合客户", "expected_bad_debt"]
    assert read > 0
    assert L.q6.check(round(read)).correct
    _wrong(L.q6.check(-round(read)), "方向")
    _wrong(L.q6.check(res.new.loc["合计", "expected_bad_debt"]), "合计")
    _wrong(L.q6.check(read * 3), "定金是 20%")


def test_q7_capital_cost():
    assert L.q7.check(90_000).correct
    _wrong(L.q7.check(900_000), "资金成本率")
    _wrong(L.q7.check(7_200_000 / 365 * 45 * 0.10), "360")
    _wrong(L.q7.check(720_000), "收账期")
    _wrong(L.q7.check(9.0), "万元")
    _wrong(L.q7.check(-90_000), "符号反了")
    _wrong(L.q7.check(12_345), "三步")


def test_q8_five_c_classification():
    assert L.q8.check("CADEB").correct
    assert L.q8.check("c a d e b").correct
    assert L.q8.check(["资本", "品格", "抵押", "条件", "能力"]).correct
    _wrong(L.q8.check("CBDEA"), "第 2 条")
    _wrong(L.q8.check("CADEC"), "有没有能力")
    _wrong(L.q8.check("CADE"), "5 条")
    _wrong(L.q8.check("CADEX"), "不是选项")


def test_q9_grades_name_the_mistake():
    assert L.q9.check("AAA AA AA A BB").correct
    assert L.q9.check(["aaa", "AA", "AA", "A", "BB"]).correct
    _wrong(L.q9.check("AAA AAA AA A BB"), "四舍五入")
    _wrong(L.q9.check("AAA AA A A BB"), "正好 80 分")
    _wrong(L.q9.check("AAA AA AA BBB BB"), "正好 70 分")
    _wrong(L.q9.check("AAA AA AA A BBB"), "59.9")
    _wrong(L.q9.check("AAA AA AA A B"), "59.9 分评成了 B")
    _wrong(L.q9.check("AA AA AA A BB"), "90 分评成了 AA")
    _wrong(L.q9.check("AAA AA AA A"), "5 个分数")
    _wrong(L.q9.check("AAA AA AA A CC"), "不是信用等级")


def test_q10_credit_limit():
    assert L.q10.check(96_000).correct
    _wrong(L.q10.check(120_000), "等级系数")
    _wrong(L.q10.check(300_000 * 0.8), "最大")
    _wrong(L.q10.check(300_000), "最大")
    _wrong(L.q10.check((200_000 + 120_000 + 300_000) / 3 * 0.8), "平均值")
    _wrong(L.q10.check(150_000 * 60 * 0.8), "换算成月")
    _wrong(L.q10.check(50_000), "200,000、120,000")


def test_q11_ageing_buckets():
    assert L.q11.check("ABCDF").correct
    assert L.q11.check(["未到期", "逾期1-30天", "逾期31-60天", "逾期61-90天", "逾期180天以上"]).correct
    _wrong(L.q11.check("BBCDF"), "到期当天")
    _wrong(L.q11.check("ACCDF"), "逾期 30 天")
    _wrong(L.q11.check("ABBDF"), "12 月有 31 天")
    _wrong(L.q11.check("ABCDE"), "181 天")


def test_q12_provision():
    assert L.q12.check(15_600).correct
    prov = cc.provision(pd.DataFrame([L.Q12_AMOUNTS]), rates={k: v / 100 for k, v in L.Q12_RATES_PERCENT.items()})
    assert L.q12.check(prov.loc["合计", "provision"]).correct
    _wrong(L.q12.check(1_560_000), "100 倍")
    _wrong(L.q12.check(13_600), "未到期")
    _wrong(L.q12.check(330_000), "还没有乘")
    _wrong(L.q12.check(16_000), "有一段")


def test_q13_dso():
    assert L.q13.check(30).correct
    _wrong(L.q13.check(270), "颠倒")
    _wrong(L.q13.check(1 / 3), "乘以期间天数")
    _wrong(L.q13.check(1_500_000 / 4_500_000 * 365), "365")
    _wrong(L.q13.check(1), "月")
    _wrong(L.q13.check(45), "每天的赊销额")


def test_q14_reads_the_provision_table():
    p = cc.provision(cc.aging(crmlab.datasets.load("invoices"), L.ASOF))
    share = p.loc["逾期180天以上", "provision"] / p.loc["合计", "provision"]
    assert share > 0.5
    for ok in (share, round(share * 100, 1), f"{share:.1%}"):
        assert L.q14.check(ok).correct, ok
    _wrong(L.q14.check(p.loc["逾期180天以上", "receivable"] / p.loc["合计", "receivable"]), "账龄表")
    _wrong(L.q14.check(80), "计提比例")
    _wrong(L.q14.check(p.loc["合计", "provision_rate"]), "合计行")
    _wrong(L.q14.check(share / 2), "比正确答案小")
    _wrong(L.q14.check(p.loc["逾期180天以上", "provision"]), "金额")


def test_q15_to_q18_extension():
    tab = cc.aging(L.practice_invoices(), L.ASOF)
    assert L.q15.check(tab["逾期31-60天"].sum()).correct
    correct, unpaid_only, with_paid, paid_on_asof = L._q15_variants()
    assert len({correct, unpaid_only, with_paid, paid_on_asof}) == 4
    _wrong(L.q15.check(unpaid_only), "之后才付款")
    _wrong(L.q15.check(paid_on_asof), "当天")
    _wrong(L.q15.check(with_paid), "之前已经付清")
    _wrong(L.q15.check(correct + 123), "逐张核对")
    orders = _orders()
    credit = orders["payment_method"] == "赊销"
    assert L.q16.check(orders.loc[credit, "amount"].sum() / orders["amount"].sum()).correct
    _wrong(L.q16.check(credit.mean()), "笔数")
    _wrong(L.q16.check(orders.loc[credit, "amount"].sum()), "不是占比")
    r = cc.credit_policy(**L.Q17)
    assert L.q17.check(r.profit_change).correct
    _wrong(L.q17.check(-r.profit_change), "符号")
    _wrong(L.q17.check(r), ".profit_change")
    _wrong(L.q17.check(cc.credit_policy(**{**L.Q17, "cost_of_capital": 0}).profit_change), "资金成本")
    assert L.q18.check(640).correct
    _wrong(L.q18.check(660), "翻一倍")
    _wrong(L.q18.check(560), "反")
    _wrong(L.q18.check(600 + 20 * np.log(4)), "log2")
    _wrong(L.q18.check(620), "两倍")
    _wrong(L.q18.check("640分"), "写成 640")


def test_odd_answer_types_do_not_raise():
    for q in L.QUESTIONS:
        for odd in ("abc", pd.Series([1, 2]), [1, 2, 3], float("nan"), {"a": 1}):
            res = q.check(odd)
            assert res.status == "incorrect", (q.name, odd)
            assert res.message


def test_no_fallback_only_repeats_the_rule():
    """Far-off answers still get a message that says what the answer looks like (issue 14, item 6)."""
    for q, far in ((L.q7, 1.0), (L.q10, 1.0), (L.q12, 1.0), (L.q13, 999.0), (L.q18, 1.0), (L.q6, 1.0), (L.q14, 0.01)):
        msg = q.check(far).message
        assert "你" in msg and ("大" in msg or "小" in msg), (q.name, msg)


@pytest.mark.parametrize("group", course.GROUPS)
def test_expected_answers_and_classroom_for_every_group(group, monkeypatch):
    monkeypatch.setattr(course, "_group", group)   # what crmlab.course.set_group does
    orders = crmlab.datasets.load("orders", group=group)
    t = cc.pyramid(orders).tiers
    assert L.q2.check(t.iloc[0]["value_share"]).correct
    assert L.q6.expected().endswith("元") and L._q6_saving() > 0   # a real reduction for every company
    for question, answer in L.CLASSROOM:
        text = answer()
        assert question and text and "nan" not in text.lower()
