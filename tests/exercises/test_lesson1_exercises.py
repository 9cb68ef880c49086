"""Lesson 1 exercises: tiers and kinds, reference answers pass, typical wrong answers get their targeted hint."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crmlab
from crmlab import customers as cu
from crmlab.exercises import lesson1, questions


def _solve(q):
    from crmlab.value import COST_PARTS, VALUE_PARTS

    ns = {
        "crmlab": crmlab, "np": np, "pd": pd, "cu": cu,
        "orders": crmlab.datasets.load("orders"), "customers": crmlab.datasets.load("customers"),
        "survey": crmlab.datasets.load("survey"), "interactions": crmlab.datasets.load("interactions"),
        "VALUE_PARTS": VALUE_PARTS, "COST_PARTS": COST_PARTS,
    }
    ns.update({k: getattr(lesson1, k) for k in lesson1.__all__})
    src = q._solution if isinstance(q._solution, str) else q._solution()
    exec(src, ns)
    return ns["answer"]


def test_tiers_kinds_and_order():
    qs = questions(1)
    assert [q.name for q in qs] == [f"练习{i}" for i in range(1, 22)]
    core = [q for q in qs if q.tier == "基础"]
    assert len(core) >= 8 and all(q.kind != "code" for q in core)
    assert qs[: len(core)] == core  # core questions come first
    assert all(q.tier == "拓展" and q.kind == "code" for q in qs[len(core):])
    for q in qs:
        assert q.expected() not in (None, ""), q.name


def test_every_solution_passes():
    for q in questions(1):
        assert q.check(_solve(q)).correct, q.name
        assert q.check(...).status == "not_answered"


def _message(q, answer) -> str:
    res = q.check(answer)
    assert not res.correct
    return str(res.message)


def test_core_choices_explain_each_wrong_option():
    q = lesson1
    assert "付钱" in _message(q.q1, "A") and "生活" in _message(q.q1, "b")
    assert "同一家企业" in _message(q.q2, "A")
    assert "540" in _message(q.q4, "C") and "365" in _message(q.q4, "A")
    assert "下降" in _message(q.q7, "C")
    assert "价格" in _message(q.q8, "AB") or "价格" in _message(q.q8, "A")
    assert "心思" in _message(q.q8, "BCD")
    assert "利润高" in _message(q.q10, "A")


def test_core_numbers_catch_typical_slips():
    states = cu.customer_states(crmlab.datasets.load("customers"), crmlab.datasets.load("orders"),
                                interactions=crmlab.datasets.load("interactions"))
    non = int((states["state"] == "非客户").sum())
    assert lesson1.q3.check(non).correct
    assert "旧说法" in _message(lesson1.q3, 0)
    assert "流失客户的人数" in _message(lesson1.q3, int((states["state"] == "流失客户").sum()))
    assert "联系多次" in _message(lesson1.q3, int((states["days_since_last"] > cu.NON_CUSTOMER_DAYS).sum()))

    moves = cu.state_transitions(crmlab.datasets.load("customers"), crmlab.datasets.load("orders"),
                                 "2025-10-01", "2026-01-01", interactions=crmlab.datasets.load("interactions"))
    assert moves.loc["流失客户", "非客户"] > 0
    assert lesson1.q5.check(int(moves.loc["流失客户", "非客户"])).correct
    assert "现在全部非客户" in _message(lesson1.q5, int(moves["非客户"].sum()))

    share = float(cu.profit_tier_summary(cu.classify_by_profit(crmlab.datasets.load("orders"))).loc["关键客户", "profit_share"])
    assert lesson1.q6.check(round(share * 100)).correct
    assert "小数" in _message(lesson1.q6, round(share, 2))
    assert "人数" in _message(lesson1.q6, 20)

    offers = cu.example_offers()
    total_value = float(offers.iloc[0, :4].sum())
    assert "总成本" in _message(lesson1.q9, total_value)
    assert "符号" in _message(lesson1.q9, -(total_value - float(offers.iloc[0, 4:].sum())))


def test_code_exercises_keep_their_targeted_checks():
    from crmlab.value import COST_PARTS, VALUE_PARTS

    orders = crmlab.datasets.load("orders")
    days = (pd.Timestamp("2026-01-01") - orders.groupby("customer_id")["order_date"].max()).dt.days
    assert "> 90" in _message(lesson1.q12, int((days >= 90).sum()))
    assert "365" in _message(lesson1.q12, int((days > 365).sum()))
    good = _solve(lesson1.q15)
    assert "百分数" in _message(lesson1.q15, good * 100)
    profit = orders.groupby("customer_id")["gross_profit"].sum()
    n = round(0.2 * len(profit))
    assert "排序" in _message(lesson1.q15, profit.iloc[:n].sum() / profit.sum())
    o = lesson1.practice_offers()
    assert "符号" in _message(lesson1.q16, o[COST_PARTS].sum(axis=1) - o[VALUE_PARTS].sum(axis=1))
    t = np.arange(1, 6)
    assert "百分数" in _message(lesson1.q17, float((300 * 80**t / 1.1**t).sum()))
    assert "折现" in _message(lesson1.q17, float((300 * 0.8**t).sum()))
    top = _solve(lesson1.q21)
    assert "顺序" in _message(lesson1.q21, top[::-1])
    # the life-cycle stage follows the purchase timing, not the shrinking order amounts
    assert lesson1.q19.check(_solve(lesson1.q19)).correct
    assert "沉默" in _message(lesson1.q19, "退化期") and "58%" in _message(lesson1.q19, "形成期")
    # the baby-formula case accepts 消费者 as the lesson's definition supports
    assert lesson1.q11.check({"distributor": "客户", "baby_formula": "消费者", "free_app": "用户"}).correct


def test_repeated_hint_says_more():
    first, second = str(lesson1.q4.hint().message), str(lesson1.q4.hint().message)
    assert first != second


@pytest.mark.parametrize("group", [0, 1, 2, 3, 4])
def test_classroom_answers_for_every_group(group, monkeypatch):
    from crmlab import course

    monkeypatch.setattr(course, "_group", group)
    assert len(lesson1.CLASSROOM) >= 4
    for question, answer in lesson1.CLASSROOM:
        text = answer()
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text) and text, question
    for q in questions(1)[:10]:
        assert q.expected() not in (None, "")
    data = {n: crmlab.datasets.load(n, group=group) for n in ("customers", "orders", "interactions")}
    states = cu.customer_states(data["customers"], data["orders"], interactions=data["interactions"])
    assert lesson1.q3.check(int((states["state"] == "非客户").sum())).correct  # the group's own company


@pytest.mark.parametrize("group", [0, 1, 2, 3, 4])
def test_example_offers_name_the_groups_own_company(group):
    offers = cu.example_offers(group)
    short = crmlab.datasets.company(group)["name"][:2]
    assert offers.index[0].startswith(short) and offers.attrs["ours"] == offers.index[0]
    assert "华禾" not in "".join(offers.index) or group == 0
