"""Tests for crmlab.customers (lesson 1: who is a customer)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crmlab
from crmlab import CRMDataError
from crmlab import customers as cu


@pytest.fixture
def small():
    """Hand-made customer list and orders with one customer per state on 2025-07-01."""
    customers = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C", "D", "E", "F", "G", "H"],
            "signup_date": pd.to_datetime(
                ["2025-08-01", "2024-01-01", "2024-01-01", "2024-01-01", "2024-01-01",
                 "2024-01-01", "2024-01-01", "2024-01-01"]
            ),
            "targeted_date": pd.to_datetime([None, None, "2025-03-01", None, None, None, None, None]),
            "customer_role": ["终端客户", "终端客户", "中间商", "终端客户", "中间商", "终端客户", "终端客户", "终端客户"],
            "customer_type": ["个人", "个人", "企业", "个人", "企业", "个人", "个人", "个人"],
        }
    )
    rows = [
        ("D", "2025-06-01"),  # first purchase
        ("E", "2025-03-01"), ("E", "2025-05-01"),  # repeat
        ("F", "2024-01-10"), ("F", "2024-04-01"), ("F", "2024-09-01"), ("F", "2025-01-01"), ("F", "2025-06-30"),
        ("G", "2024-02-01"), ("G", "2024-06-01"),  # lost: last purchase 2024-06-01
        ("H", "2025-01-02"),  # exactly 180 days before 2025-07-01
        ("H", "2025-07-01"),  # on the observation day: must not count
        ("A", "2025-09-01"),
    ]
    orders = pd.DataFrame(rows, columns=["customer_id", "order_date"])
    orders["order_date"] = pd.to_datetime(orders["order_date"])
    orders["amount"] = 100.0
    orders["gross_profit"] = 20.0
    orders["occasion"] = "日常"
    return customers, orders


def test_states_follow_rules(small):
    customers, orders = small
    st = cu.customer_states(customers, orders, "2025-07-01")
    got = st["state"].astype(str).to_dict()
    assert got == {
        "A": "非客户",
        "B": "潜在客户",
        "C": "目标客户",
        "D": "现实客户-初次购买",
        "E": "现实客户-重复购买",
        "F": "现实客户-忠诚",
        "G": "流失客户",
        "H": "现实客户-初次购买",
    }
    # only orders before the observation day count
    assert st.loc["H", "n_orders"] == 1
    assert st.loc["H", "days_since_last"] == 180


def test_churn_rule_is_strictly_more_than(small):
    customers, orders = small
    st = cu.customer_states(customers, orders, "2025-07-01", churn_days=179)
    assert st.loc["H", "state"] == "流失客户"
    st = cu.customer_states(customers, orders, "2025-07-01", churn_days=180)
    assert st.loc["H", "state"] == "现实客户-初次购买"


def test_loyal_rule_parameters(small):
    customers, orders = small
    st = cu.customer_states(customers, orders, "2025-07-01", loyal_min_orders=6)
    assert st.loc["F", "state"] == "现实客户-重复购买"
    st = cu.customer_states(customers, orders, "2025-07-01", loyal_min_tenure_days=600)
    assert st.loc["F", "state"] == "现实客户-重复购买"
    st = cu.customer_states(customers, orders, "2025-07-01", loyal_min_orders=2, loyal_min_tenure_days=100)
    assert st.loc["E", "state"] == "现实客户-忠诚"


def test_state_counts_and_transitions(small):
    customers, orders = small
    counts = cu.state_counts(cu.customer_states(customers, orders, "2025-07-01"))
    assert list(counts.index) == list(cu.STATES)
    assert counts["customers"].sum() == len(customers)
    assert counts.loc["现实客户-初次购买", "customers"] == 2
    t = cu.state_transitions(customers, orders, "2025-07-01", "2025-10-01")
    assert t.shape == (7, 7)
    assert t.to_numpy().sum() == len(customers)
    assert t.loc["非客户", "现实客户-初次购买"] == 1  # A signed up and bought
    assert t.loc["现实客户-初次购买", "现实客户-重复购买"] == 1  # H bought again on 2025-07-01
    # the row sums are the counts at the start, column sums the counts at the end
    end = cu.state_counts(cu.customer_states(customers, orders, "2025-10-01"))
    assert (t.sum(axis=0).to_numpy() == end["customers"].to_numpy()).all()


def test_transition_dates_must_be_ordered(small):
    customers, orders = small
    with pytest.raises(CRMDataError, match="晚于"):
        cu.state_transitions(customers, orders, "2025-10-01", "2025-07-01")


@pytest.mark.parametrize("bad", [{"churn_days": 0}, {"churn_days": -5}, {"churn_days": 1.5}, {"loyal_min_orders": 1}])
def test_bad_rules_give_chinese_errors(small, bad):
    customers, orders = small
    with pytest.raises(CRMDataError) as exc:
        cu.customer_states(customers, orders, "2025-07-01", **bad)
    assert "参数" in str(exc.value)


def test_bad_date_and_missing_columns(small):
    customers, orders = small
    with pytest.raises(CRMDataError, match="日期"):
        cu.customer_states(customers, orders, "去年")
    with pytest.raises(CRMDataError, match="order_date"):
        cu.customer_states(customers, orders.drop(columns="order_date"))


def test_role_quiz_feedback():
    fb = cu.check_role_answer("car_manager", "用户")
    assert fb.correct and "用户" in fb.message
    fb = cu.check_role_answer("car_manager", "客户")
    assert not fb.correct and "不对" in fb.message
    fb = cu.check_role_answer("milk_self", "客户")
    assert not fb.correct and "不够准确" in fb.message
    assert not cu.check_role_answer("milk_self", "老板").correct
    with pytest.raises(CRMDataError):
        cu.check_role_answer("no_such_case", "客户")
    for s in cu.ROLE_SCENARIOS:
        assert s["answer"] in cu.ROLE_OPTIONS
        assert cu.check_role_answer(s["id"], s["answer"]).correct


def test_end_intermediate(small):
    customers, orders = small
    roles = cu.classify_end_intermediate(customers)
    assert roles.loc["C", "role"] == "中间客户"
    assert roles.loc["B", "role"] == "终端客户"
    summ = cu.end_intermediate_summary(customers, orders)
    assert summ.loc["中间客户", "customers"] == 2
    assert summ.loc["中间客户", "orders"] == 2  # E's two orders
    assert summ["amount_share"].sum() == pytest.approx(1.0)


def test_attitude_rules():
    survey = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d", "e"],
            "novelty_seeking": [5, 3, 1, 2, 4],
            "price_sensitivity": [1, 3, 3, 5, 5],
        }
    )
    att = cu.classify_attitude(survey)
    assert att["attitude"].astype(str).tolist() == ["灯塔型", "跟随型", "理性型", "逐利型", "跟随型"]
    # thresholds are parameters
    att = cu.classify_attitude(survey, price_high=4, novelty_mid=4)
    assert att.loc["b", "attitude"] == "理性型"
    with pytest.raises(CRMDataError):
        cu.classify_attitude(survey, novelty_high=7)
    with pytest.raises(CRMDataError):
        cu.classify_attitude(survey, price_low=5, price_high=4)


def test_profit_tiers_rule():
    orders = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(10)] + ["c0"],
            "order_date": pd.Timestamp("2025-01-01"),
            "gross_profit": [100, 50, 40, 30, 20, 10, 5, 4, 3, 2, 100],
        }
    )
    t = cu.classify_by_profit(orders)
    assert t.index[0] == "c0" and t.loc["c0", "gross_profit"] == 200
    assert (t["tier"] == "关键客户").sum() == 2
    assert (t["tier"] == "普通客户").sum() == 3
    assert (t["tier"] == "小客户").sum() == 5
    assert t["gross_profit"].is_monotonic_decreasing
    assert t["cum_profit_share"].iloc[-1] == pytest.approx(1.0)
    summ = cu.profit_tier_summary(t)
    assert summ.loc["关键客户", "gross_profit"] == 250
    assert summ["profit_share"].sum() == pytest.approx(1.0)
    with pytest.raises(CRMDataError, match="百分数"):
        cu.classify_by_profit(orders, shares=(20, 30))


def test_on_course_data():
    customers = crmlab.datasets.load("customers")
    orders = crmlab.datasets.load("orders")
    st = cu.customer_states(customers, orders, "2026-01-01")
    assert len(st) == len(customers)
    buyers = orders["customer_id"].nunique()
    real_or_lost = st["state"].isin(list(cu.REAL_STATES) + ["流失客户"]).sum()
    assert real_or_lost == buyers  # every buyer is a real or a lost customer
    # a shorter churn rule can only make more customers lost
    short = cu.customer_states(customers, orders, "2026-01-01", churn_days=60)
    assert (short["state"] == "流失客户").sum() > (st["state"] == "流失客户").sum()
    tiers = cu.classify_by_profit(orders)
    summ = cu.profit_tier_summary(tiers)
    assert summ.loc["关键客户", "profit_share"] > 0.5  # Pareto-like data
    att = cu.classify_attitude(crmlab.datasets.load("survey"))
    truth = crmlab.datasets.load("customer_truth").set_index("customer_id").loc[att.index, "buyer_type"]
    assert (att["attitude"].astype(str).to_numpy() == truth.to_numpy()).mean() > 0.6
    assert np.isfinite(cu.attitude_summary(att, orders)["promo_share"]).all()


# ---------------------------------------------------------------------------
# lesson 1 exercises: reference solutions pass, typical mistakes get targeted hints
# ---------------------------------------------------------------------------


def _solve(q):
    from crmlab.exercises import lesson1
    from crmlab.value import COST_PARTS, VALUE_PARTS

    ns = {
        "crmlab": crmlab, "np": np, "pd": pd,
        "orders": crmlab.datasets.load("orders"), "customers": crmlab.datasets.load("customers"),
        "survey": crmlab.datasets.load("survey"), "interactions": crmlab.datasets.load("interactions"),
        "VALUE_PARTS": VALUE_PARTS, "COST_PARTS": COST_PARTS,
    }
    ns.update({k: getattr(lesson1, k) for k in lesson1.__all__})
    exec(q._solution, ns)
    return ns["answer"]


def test_lesson1_solutions_pass():
    from crmlab.exercises import lesson1

    names = [n for n in lesson1.__all__ if n.startswith("q") and n[1:].isdigit()]
    assert len(names) >= 8
    for n in names:
        q = getattr(lesson1, n)
        assert q.check(_solve(q)).correct, n
        assert q.check(...).status == "not_answered"


def test_lesson1_targeted_hints():
    from crmlab.exercises.lesson1 import practice_offers, q2, q5, q6, q7, q11
    from crmlab.value import COST_PARTS, VALUE_PARTS

    orders = crmlab.datasets.load("orders")
    days = (pd.Timestamp("2026-01-01") - orders.groupby("customer_id")["order_date"].max()).dt.days
    assert "> 90" in q2.check(int((days >= 90).sum())).message
    assert "180" in q2.check(int((days > 180).sum())).message
    good5 = _solve(q5)
    assert "百分数" in q5.check(good5 * 100).message
    profit = orders.groupby("customer_id")["gross_profit"].sum()
    n = round(0.2 * len(profit))
    assert "排序" in q5.check(profit.iloc[:n].sum() / profit.sum()).message
    o = practice_offers()
    assert "符号" in q6.check(o[COST_PARTS].sum(axis=1) - o[VALUE_PARTS].sum(axis=1)).message
    t = np.arange(1, 6)
    assert "百分数" in q7.check(float((300 * 80**t / 1.1**t).sum())).message
    assert "折现" in q7.check(float((300 * 0.8**t).sum())).message
    top = _solve(q11)
    assert "顺序" in q11.check(top[::-1]).message


def test_lesson1_more_typical_mistakes():
    """Mistakes found by doing the exercises wrongly: each gets its own Chinese hint, not the generic one."""
    from crmlab.exercises.lesson1 import Q11_WEIGHTS, q2, q4, q5, q7, q9, q10, q11
    from crmlab.lifecycle import retention_economics
    from crmlab.value import clv_metrics, indicator_clv

    orders = crmlab.datasets.load("orders")
    last = orders.groupby("customer_id")["order_date"].max()
    days = (pd.Timestamp("2026-01-01") - last).dt.days
    assert "比例或百分数" in q2.check(float((days > 90).mean())).message
    assert "没有流失" in q2.check(int((days <= 90).sum())).message
    assert "订单条数" in q2.check(int(((pd.Timestamp("2026-01-01") - orders["order_date"]).dt.days > 90).sum())).message
    assert '"理性型"' in q4.check(0.5).message  # the example names a customer type, not a relationship level
    profit = orders.groupby("customer_id")["gross_profit"].sum().sort_values(ascending=False)
    n = round(0.2 * len(profit))
    assert "方向反了" in q5.check(profit.sort_values().iloc[:n].sum() / profit.sum()).message
    assert "80%" in q5.check(profit.iloc[n:].sum() / profit.sum()).message
    assert "毛利金额" in q5.check(profit.iloc[:n].sum()).message
    t = np.arange(1, 6)
    exact = float((300 * 0.8**t / 1.1**t).sum())
    assert q7.check(round(exact, 2)).correct  # rounded to cents is fine
    assert "取整" in q7.check(round(exact)).message
    assert "乘" in q7.check(float((300 * 0.8**t * 1.1**t).sum())).message
    t6 = np.arange(1, 7)
    assert "6 期" in q7.check(float((300 * 0.8**t6 / 1.1**t6).sum())).message
    assert "形成期" in q9.check("成长期").message
    assert "25%" in q10.check(retention_economics(margin_growth=0.15).profit_increase).message
    assert "margin_growth=0" in q10.check(
        retention_economics(base_churn=0.25, churn_reduction=0.05, margin_growth=0).profit_increase).message
    r = retention_economics(base_churn=0.25, churn_reduction=0.05, margin_growth=0.15)
    gain = float(r.summary.loc["clv_improved", "value"] - r.summary.loc["clv_base", "value"])
    assert "金额" in q10.check(gain).message
    # ranking only by gross profit is not the indicator method; with Q11_WEIGHTS the two differ
    metrics = clv_metrics(orders, crmlab.datasets.load("interactions"), crmlab.datasets.load("survey"))
    by_profit = list(metrics["gross_profit"].sort_values(ascending=False).index[:5])
    assert by_profit != list(indicator_clv(metrics, Q11_WEIGHTS).index[:5])
    assert "只按毛利" in q11.check(by_profit).message


# ---------------------------------------------------------------------------
# bad input from spreadsheets: money as text, empty or wrong state tables
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("column", ["amount", "gross_profit"])
def test_money_written_as_text_is_named(small, column):
    customers, orders = small
    orders = orders.astype({column: object})
    orders.loc[3, column] = "¥1,200"
    for call in (lambda: cu.customer_states(customers, orders, "2025-07-01"),
                 lambda: cu.classify_by_profit(orders),
                 lambda: cu.end_intermediate_summary(customers, orders)):
        with pytest.raises(CRMDataError, match=f"{column}.*行 3.*¥1,200"):
            call()
    # plain numbers written as text are fine
    orders.loc[3, column] = "1200"
    assert cu.classify_by_profit(orders).loc["F", "gross_profit"] > 0


def test_state_counts_rejects_tables_without_states(small):
    customers, orders = small
    with pytest.raises(CRMDataError, match="state"):
        cu.state_counts(pd.DataFrame())
    with pytest.raises(CRMDataError, match="customer_states"):
        cu.state_counts(None)
    with pytest.raises(CRMDataError, match="没有客户"):
        cu.state_counts(cu.customer_states(customers, orders, "2025-07-01").iloc[0:0])


def test_unreadable_order_dates_no_warning(small):
    import warnings

    customers, orders = small
    orders = orders.astype({"order_date": object})
    orders.loc[2, "order_date"] = "昨天"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(CRMDataError, match="行 2"):
            cu.customer_states(customers, orders, "2025-07-01")
