"""Lesson 3 exercises: the reference solutions pass, typical mistakes get targeted hints."""

from __future__ import annotations

import pandas as pd
import pytest

import crmlab
import crmlab.exercises
from crmlab.exercises import lesson3 as L
from crmlab.segment import budget_allocation, kmeans_segments, rfm, usage_rate


def _msg(res):
    return res.message


def test_unanswered():
    assert L.q2.check(...).status == "not_answered"


def test_q2_budget():
    alloc = budget_allocation(L.practice_segments(), 10000, cost_per_contact=10)
    assert L.q2.check(alloc["return_targeted"].sum()).correct
    assert "平均撒网" in _msg(L.q2.check(alloc["return_even"].sum()))
    assert "100 倍" in _msg(L.q2.check(alloc["return_targeted"].sum() * 100))
    assert not L.q2.check(alloc).correct
    assert L.q2.check(45500).correct  # worked by hand: 200 x 120 + 300 x 45 + 500 x 16
    assert "800 个名额" in _msg(L.q2.check(24000))  # stopped after the best segment
    assert "最多联系 200 人" in _msg(L.q2.check(120000))  # gave every contact to the best segment
    assert "1000 人" in _msg(L.q2.check(float((L.practice_segments().prod(axis=1)).sum())))


def test_q13_demographic():
    customers = crmlab.datasets.load("customers")
    orders = crmlab.datasets.load("orders")
    people = customers[customers["customer_type"] == "个人"].set_index("customer_id")
    spend = orders.groupby("customer_id")["amount"].sum()
    right = spend.reindex(people.index).fillna(0).groupby(people["city_tier"]).mean()
    assert L.q13.check(right).correct
    buyers = spend.reindex(people.index).dropna().groupby(people["city_tier"]).mean()
    assert "没买过" in _msg(L.q13.check(buyers))
    total = spend.reindex(people.index).fillna(0).groupby(people["city_tier"]).sum()
    assert "人均" in _msg(L.q13.check(total))


def test_q14_usage():
    freq = L.practice_orders().groupby("customer_id")["order_id"].nunique()
    assert L.q14.check(usage_rate(freq)).correct
    flipped = usage_rate(-freq)
    assert "颠倒" in _msg(L.q14.check(flipped))
    rows = L.practice_orders().groupby("customer_id").size()
    assert "行数" in _msg(L.q14.check(usage_rate(rows)))


def test_q15_recency():
    orders = L.practice_orders()
    last = orders.groupby("customer_id")["order_date"].max()
    right = (pd.Timestamp("2026-01-01") - last).dt.days
    assert L.q15.check(right).correct
    assert "方向反了" in _msg(L.q15.check(-right))
    first = (pd.Timestamp("2026-01-01") - orders.groupby("customer_id")["order_date"].min()).dt.days
    assert "第一次" in _msg(L.q15.check(first))
    assert "分组" in _msg(L.q15.check(pd.Series(range(len(orders)))))


def test_q16_frequency():
    orders = L.practice_orders()
    assert L.q16.check(orders.groupby("customer_id")["order_id"].nunique()).correct
    assert "行数" in _msg(L.q16.check(orders.groupby("customer_id").size()))


def test_q17_r_score():
    table = rfm(L.practice_orders(), "2026-01-01")
    assert L.q17.check(table["R"]).correct
    assert "方向反了" in _msg(L.q17.check(6 - table["R"]))
    assert "F 分" in _msg(L.q17.check(table["F"]))


def test_q8_segment_codes():
    right = ["重要价值客户", "重要发展客户", "重要保持客户", "一般挽留客户", "一般价值客户", "一般保持客户"]
    assert L.q8.check(right).correct
    assert "顺序" in _msg(L.q8.check(L._q8_names("FRM")))
    assert "3 分" in _msg(L.q8.check(L._q8_names(strict=False)))
    assert "八类" in _msg(L.q8.check(["VIP"] * 6))


def test_q18_kmeans():
    table = rfm(crmlab.datasets.load("orders"), "2026-01-01")
    assert L.q18.check(kmeans_segments(table, k=4).silhouette).correct
    raw = kmeans_segments(table, k=4, log=False, standardize=False).silhouette
    res = L.q18.check(raw)
    assert not res.correct and ("对数" in res.message or "标准化" in res.message)


def test_q19_choose_k():
    scores = L._q19_scores()
    best = int(scores["silhouette"].idxmax())
    smallest_inertia = int(scores["inertia"].idxmin())
    assert L.q19.check(best).correct
    if smallest_inertia != best:
        assert "组内平方和" in _msg(L.q19.check(smallest_inertia))
    other = next(int(k) for k in scores.index if k not in (best, smallest_inertia))
    res = L.q19.check(other)
    assert not res.correct and "不是最高" in res.message
    assert "2 到 8" in _msg(L.q19.check(20))
    assert "整数" in _msg(L.q19.check(best + 0.5))


def test_q10_strategy():
    assert L.q10.check("b").correct
    assert "一刀切" in _msg(L.q10.check("A"))
    assert "字母" in _msg(L.q10.check("E"))


@pytest.mark.parametrize("q", crmlab.exercises.questions(3), ids=lambda q: q.name)
def test_every_question_has_chinese_hint_and_solution(q):
    assert any("\u4e00" <= ch <= "\u9fff" for ch in q.hint().message)
    assert q.solution().message
    assert not q.check("nonsense").correct


# ---------------------------------------------------------------- issue 9: slips found by doing every exercise wrongly
def test_typical_slips_get_targeted_hints():
    alloc = budget_allocation(L.practice_segments(), 10000, cost_per_contact=10)
    right = alloc["return_targeted"].sum()
    assert "符号反了" in _msg(L.q2.check(-right))
    assert "万" in _msg(L.q2.check(right / 1e4))
    assert "写成 1200" in _msg(L.q2.check("¥1,200"))
    orders = L.practice_orders()
    last = orders.groupby("customer_id")["order_date"].max()
    assert "日期" in _msg(L.q15.check(last))
    recency = (pd.Timestamp("2026-01-01") - last).dt.days
    assert "recency 天数本身" in _msg(L.q17.check(recency))
    km = kmeans_segments(rfm(crmlab.datasets.load("orders"), "2026-01-01"), k=4)
    assert ".silhouette" in _msg(L.q18.check(km))
    assert L.q18.check(f"{km.silhouette:.3f}").correct  # a plain number typed as text is accepted
    for q in crmlab.exercises.questions(3):
        res = q.check("¥1,200")
        assert not res.correct and "检查时出错" not in res.message, (q.name, res.message)


def test_q13_wrong_type_names_the_right_index_and_enterprises():
    assert "城市等级" in _msg(L.q13.check(123.0)) and "客户编号" not in _msg(L.q13.check(123.0))
    customers = crmlab.datasets.load("customers").set_index("customer_id")
    orders = crmlab.datasets.load("orders")
    spend = orders.groupby("customer_id")["amount"].sum().reindex(customers.index).fillna(0)
    assert "企业客户" in _msg(L.q13.check(spend.groupby(customers["city_tier"]).mean()))


def test_no_feedback_starts_by_repeating_the_title():
    import re
    from pathlib import Path

    for name in ("lesson3.py", "lesson4.py"):
        src = (Path(L.__file__).parent / name).read_text(encoding="utf-8")
        assert not re.search(r'Wrong\(f?"还不对', src), name


def test_q16_counting_dates_is_not_frequency():
    orders = L.practice_orders()
    assert not orders.groupby("customer_id")["order_date"].nunique().equals(
        orders.groupby("customer_id")["order_id"].nunique())
    assert "购买日期" in _msg(L.q16.check(orders.groupby("customer_id")["order_date"].nunique()))
