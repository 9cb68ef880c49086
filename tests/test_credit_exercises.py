"""Lesson 4 exercise checkers: the reference answer passes, typical mistakes get targeted hints."""

from __future__ import annotations

import numpy as np
import pytest

import crmlab
import crmlab.credit as cc
from crmlab.exercises import lesson4 as L


def _orders():
    try:
        return crmlab.datasets.load("orders")
    except crmlab.CRMDataError:
        pytest.skip("course data not generated yet")


def _wrong(res, word):
    assert not res.correct and res.status == "incorrect"
    assert word in res.message, res.message


def test_at_least_eight_questions_and_stubs():
    assert len(L.QUESTIONS) >= 8
    for q in L.QUESTIONS:
        assert q.check(...).status == "not_answered"
        assert q.hint().message and q.solution().message


def test_q1_boundaries():
    right = ["未到期", "逾期1-30天", "逾期31-60天", "逾期61-90天", "逾期180天以上"]
    assert L.q1.check(right).correct
    _wrong(L.q1.check(["逾期1-30天", *right[1:]]), "到期当天")
    _wrong(L.q1.check([right[0], "逾期31-60天", *right[2:]]), "30 天")
    _wrong(L.q1.check([*right[:2], "逾期1-30天", *right[3:]]), "31 天")
    _wrong(L.q1.check("未到期"), "列表")


def test_q2_open_at_asof():
    tab = cc.aging(L.practice_invoices(), L.ASOF)
    assert L.q2.check(tab["逾期31-60天"].sum()).correct
    correct, unpaid_only, with_paid, paid_on_asof = L._q2_variants()
    assert len({correct, unpaid_only, with_paid, paid_on_asof}) == 4
    _wrong(L.q2.check(unpaid_only), "之后才付款")
    _wrong(L.q2.check(paid_on_asof), "当天")
    _wrong(L.q2.check(with_paid), "之前已经付清")


def test_q3_percent():
    ans = sum(L.Q3_AMOUNTS[k] * L.Q3_RATES_PERCENT[k] / 100 for k in L.Q3_AMOUNTS)
    assert L.q3.check(ans).correct
    _wrong(L.q3.check(ans * 100), "百分数")
    # the same answer through the library
    prov = cc.provision(
        __import__("pandas").DataFrame([L.Q3_AMOUNTS]),
        rates={k: v / 100 for k, v in L.Q3_RATES_PERCENT.items()},
    )
    assert L.q3.check(prov.loc["合计", "坏账准备"]).correct


def test_q4_q5_course_data():
    orders = _orders()
    t = cc.pyramid(orders).tiers
    assert L.q4.check(t.loc["VIP客户", "金额占比"]).correct
    _wrong(L.q4.check(t.loc["VIP客户", "客户占比"]), "人数")
    _wrong(L.q4.check(t.loc["VIP客户", "金额占比"] * 100), "小数")
    credit = orders["payment_method"] == "赊销"
    assert L.q5.check(orders.loc[credit, "amount"].sum() / orders["amount"].sum()).correct
    _wrong(L.q5.check(credit.mean()), "笔数")


def test_q6_q7_policy():
    assert L.q6.check(7_200_000 / 360 * 45 * 0.10).correct
    _wrong(L.q6.check(7_200_000 / 360 * 45), "资金成本率")
    _wrong(L.q6.check(7_200_000 / 365 * 45 * 0.10), "360")
    r = cc.credit_policy(**L.Q7)
    assert L.q7.check(r.profit_change).correct
    _wrong(L.q7.check(-r.profit_change), "符号")
    _wrong(L.q7.check(cc.credit_policy(**{**L.Q7, "cost_of_capital": 0}).profit_change), "资金成本")


def test_q8_to_q11():
    assert L.q8.check(["AAA", "AA", "AA", "A", "BB"]).correct
    _wrong(L.q8.check(["AAA", "AAA", "AA", "A", "BB"]), "四舍五入")
    _wrong(L.q8.check(["AAA", "AA", "A", "A", "BB"]), "门槛")
    assert L.q9.check(120_000).correct
    _wrong(L.q9.check(300_000), "最小值")
    _wrong(L.q9.check(9_000_000), "天")
    assert L.q10.check(30).correct
    _wrong(L.q10.check(270), "颠倒")
    assert L.q11.check(600 + 20 * np.log2(4)).correct
    _wrong(L.q11.check(660), "翻一倍")
    _wrong(L.q11.check(560), "反")


def test_odd_answer_types_do_not_raise():
    import pandas as pd

    for q in L.QUESTIONS:
        for odd in ("abc", pd.Series([1, 2]), [1, 2, 3], float("nan"), {"a": 1}):
            res = q.check(odd)
            assert res.status == "incorrect"


# ---------------------------------------------------------------- issue 9: slips found by doing every exercise wrongly
@pytest.mark.parametrize(
    "q, answer, word",
    [
        (L.q1, [0, 30, 31, 90, 180], "逾期天数"),
        (L.q2, "¥1,200", "写成 1200"),
        (L.q3, -15_600.0, "符号反了"),
        (L.q4, "19%", "0.19"),
        (L.q6, 9.0, "万元"),
        (L.q6, -90_000.0, "符号反了"),
        (L.q9, 12.0, "万元"),
        (L.q9, 20_000_000.0, "100 倍"),
        (L.q10, 1_500_000 / 4_500_000 * 365, "90"),
        (L.q11, 600 + 20 * np.log(4), "log2"),
        (L.q11, "640分", "写成 640"),
    ],
)
def test_typical_slips_get_targeted_hints(q, answer, word):
    res = q.check(answer)
    _wrong(res, word)
    assert "还不对" not in res.message  # the title already says so


def test_whole_result_objects_and_amounts_instead_of_shares():
    res = L.q7.check(cc.credit_policy(**L.Q7))
    _wrong(res, ".profit_change")
    assert len(res.message) < 80  # no repr of the whole table
    _wrong(L.q7.check(cc.credit_policy(**L.Q7).table.loc["净收益", "新政策"]), "新政策的净收益")
    orders = _orders()
    _wrong(L.q4.check(cc.pyramid(orders).tiers.loc["VIP客户", "金额"]), "不是占比")
    _wrong(L.q5.check(orders.loc[orders["payment_method"] == "赊销", "amount"].sum()), "不是占比")
    assert L.q7.check(str(cc.credit_policy(**L.Q7).profit_change)).correct  # a plain number as text is fine
