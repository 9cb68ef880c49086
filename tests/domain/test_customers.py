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
    long_lost = (st["days_since_last"] > cu.NON_CUSTOMER_DAYS).sum()
    real_or_lost = st["state"].isin(list(cu.REAL_STATES) + ["流失客户"]).sum()
    assert long_lost > 0
    assert real_or_lost + long_lost == buyers  # every buyer is real, lost, or lost too long (非客户)
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
# 非客户 as the syllabus means it: will not or cannot buy
# ---------------------------------------------------------------------------


def test_default_rules_are_the_course_rules():
    import inspect

    from crmlab.course import CHURN_DAYS, COURSE_DATE

    sig = inspect.signature(cu.customer_states)
    assert sig.parameters["churn_days"].default == CHURN_DAYS == 365
    assert sig.parameters["asof"].default == COURSE_DATE
    assert sig.parameters["non_customer_days"].default == cu.NON_CUSTOMER_DAYS > CHURN_DAYS
    assert inspect.signature(cu.value_types).parameters["churn_days"].default == CHURN_DAYS


def test_long_lost_customers_become_non_customers(small):
    customers, orders = small
    # G last bought 2024-06-01: lost on 2025-07-01 (395 days), a non-customer on 2026-01-01 (579 days)
    assert cu.customer_states(customers, orders, "2025-07-01").loc["G", "state"] == "流失客户"
    st = cu.customer_states(customers, orders, "2026-01-01")
    assert st.loc["G", "state"] == "非客户"
    assert st.loc["G", "days_since_last"] == 579
    # exactly non_customer_days days is still 流失; one day more is 非客户
    st = cu.customer_states(customers, orders, "2026-01-01", non_customer_days=579)
    assert st.loc["G", "state"] == "流失客户"
    st = cu.customer_states(customers, orders, "2026-01-01", non_customer_days=578)
    assert st.loc["G", "state"] == "非客户"
    t = cu.state_transitions(customers, orders, "2025-07-01", "2026-01-01")
    assert t.loc["流失客户", "非客户"] == 1


def test_prospects_who_decline_become_non_customers(small):
    customers, orders = small
    contacts = pd.DataFrame({
        "customer_id": ["C", "C", "C", "B", "B", "C"],
        "date": pd.to_datetime(["2025-03-05", "2025-04-01", "2025-05-01", "2025-03-01", "2025-04-01", "2025-08-01"]),
        "type": ["营销接触", "营销接触", "营销接触", "营销接触", "咨询", "营销接触"],
    })
    st = cu.customer_states(customers, orders, "2025-07-01", interactions=contacts)
    assert st.loc["C", "contacts"] == 3 and st.loc["C", "state"] == "非客户"  # 3 contacts, never bought
    assert st.loc["B", "contacts"] == 1 and st.loc["B", "state"] == "潜在客户"  # a 咨询 is not a sales contact
    st = cu.customer_states(customers, orders, "2025-07-01", interactions=contacts, decline_contacts=4)
    assert st.loc["C", "state"] == "目标客户"
    # contacts on or after the analysis date do not count
    assert cu.customer_states(customers, orders, "2025-04-15", interactions=contacts).loc["C", "contacts"] == 2


@pytest.mark.parametrize("bad", [{"non_customer_days": 365}, {"non_customer_days": 100}, {"decline_contacts": 0}])
def test_non_customer_rule_checks(small, bad):
    customers, orders = small
    with pytest.raises(CRMDataError):
        cu.customer_states(customers, orders, "2025-07-01", **bad)


@pytest.mark.parametrize("group", [0, 1, 2, 3, 4])
def test_course_company_has_non_customers(group):
    customers = crmlab.datasets.load("customers", group=group)
    orders = crmlab.datasets.load("orders", group=group)
    interactions = crmlab.datasets.load("interactions", group=group)
    st = cu.customer_states(customers, orders, interactions=interactions)
    counts = cu.state_counts(st)["customers"]
    assert counts["非客户"] > 0
    assert (st.loc[st["state"] == "非客户", "n_orders"] > 0).any()  # lost customers not won back
    assert ((st["state"] == "非客户") & (st["n_orders"] == 0)).any()  # prospects who said no
    assert (counts[list(cu.STATES)] > 0).all()
    t = cu.state_transitions(customers, orders, "2025-10-01", "2026-01-01", interactions=interactions)
    assert t.loc["流失客户", "非客户"] > 0  # long-lost customers flow into 非客户


def test_rule_table_shows_numbers_not_names():
    st = cu.customer_states(crmlab.datasets.load("customers"), crmlab.datasets.load("orders"))
    table = cu.rule_table(cu.STATE_RULES, st.attrs)
    text = " ".join(table["判断规则"])
    assert "365 天" in text and "540 天" in text and "3 次" in text and "5 笔" in text
    assert not __import__("re").search(r"[a-z]+_[a-z_]+", text)
    vt = cu.rule_table(cu.VALUE_TYPE_RULES, {"window_days": 365, "top_share": 0.2}, first="类型")
    assert "前 20%" in " ".join(vt["判断规则"]) and list(vt.index) == [r[0] for r in cu.VALUE_TYPE_RULES]


# ---------------------------------------------------------------------------
# 交易型 / 关系型 customers from the profit trend
# ---------------------------------------------------------------------------


def _trend_orders():
    rows = [
        # customer, date, gross profit, occasion
        ("ONE", "2025-06-01", 50.0, "日常"),  # one order only -> transactional
        ("PROMO", "2025-03-01", 30.0, "促销"), ("PROMO", "2025-11-11", 30.0, "促销"),  # promotions only
        ("BIG", "2024-05-01", 400.0, "日常"), ("BIG", "2025-05-01", 900.0, "日常"),
        ("UP", "2024-05-01", 100.0, "日常"), ("UP", "2025-05-01", 150.0, "促销"), ("UP", "2025-09-01", 30.0, "日常"),
        ("DOWN", "2024-03-01", 300.0, "日常"), ("DOWN", "2025-02-01", 100.0, "日常"),
        ("LOST", "2024-01-05", 500.0, "日常"), ("LOST", "2024-02-05", 500.0, "日常"),  # lost: left out
    ]
    o = pd.DataFrame(rows, columns=["customer_id", "order_date", "gross_profit", "occasion"])
    o["order_date"] = pd.to_datetime(o["order_date"])
    return o


def test_value_types_follow_rules():
    vt = cu.value_types(_trend_orders(), "2026-01-01", top_share=0.3)
    got = vt["value_type"].astype(str).to_dict()
    assert got == {
        "BIG": "关系型-利润最大", "UP": "关系型-利润上升", "DOWN": "关系型-正在失去价值",
        "ONE": "交易型客户", "PROMO": "交易型客户",
    }
    assert vt.loc["DOWN", "recent_profit"] == 100 and vt.loc["DOWN", "earlier_profit"] == 300
    assert vt.loc["DOWN", "profit_change"] == pytest.approx(-2 / 3, abs=1e-4)
    assert np.isnan(vt.loc["ONE", "profit_change"])
    summ = cu.value_type_summary(vt)
    assert list(summ.index) == list(cu.VALUE_TYPES) and summ["customers"].sum() == 5
    with pytest.raises(CRMDataError, match="0 和 1"):
        cu.value_types(_trend_orders(), top_share=20)


@pytest.mark.parametrize("group", [0, 1, 2, 3, 4])
def test_value_types_on_course_data(group):
    orders = crmlab.datasets.load("orders", group=group)
    vt = cu.value_types(orders)
    summ = cu.value_type_summary(vt)
    assert (summ["customers"] > 0).all()
    # the most profitable relational customers carry most of the recent profit
    assert summ.loc["关系型-利润最大", "profit_share"] > 0.5
    st = cu.customer_states(crmlab.datasets.load("customers", group=group), orders)
    assert len(vt) == st["state"].isin(cu.REAL_STATES).sum()  # the current customers, no one else


# ---------------------------------------------------------------------------
# roles: the seed's definitions
# ---------------------------------------------------------------------------


def test_role_quiz_accepts_consumer_for_the_baby():
    for answer in ("用户", "消费者"):
        assert cu.check_role_answer("baby_formula", answer).correct
    fb = cu.check_role_answer("baby_formula", "客户")
    assert not fb.correct and "父母" in fb.message
    assert cu.check_role_answer("milk_self", "消费者").correct
    assert not cu.check_role_answer("car_manager", "客户").correct




@pytest.mark.parametrize("asof", ["2024-02-01", "2024-09-15", "2025-07-01", "2026-01-01"])
def test_state_timeline_equals_the_plain_functions_on_the_course_data(asof):
    """The widget's fast path (tables prepared once) gives the same tables as customer_states / state_transitions."""
    customers, orders, interactions = (crmlab.datasets.load(n) for n in ("customers", "orders", "interactions"))
    timeline = cu.StateTimeline(customers, orders, interactions=interactions)
    for rules in ({}, {"churn_days": 30, "loyal_min_orders": 2}, {"non_customer_days": 900, "loyal_min_tenure_days": 0}):
        plain = cu.customer_states(customers, orders, asof, interactions=interactions, **rules)
        fast = timeline.states(asof, **rules)
        pd.testing.assert_frame_equal(fast, plain)
        assert fast.attrs.keys() == plain.attrs.keys()
        assert all(fast.attrs[k] == plain.attrs[k] for k in plain.attrs)
        start = pd.Timestamp(asof) - pd.DateOffset(months=3)
        plain_moves = cu.state_transitions(customers, orders, start, asof, interactions=interactions, **rules)
        fast_moves = timeline.transitions(start, asof, **rules)
        pd.testing.assert_frame_equal(fast_moves, plain_moves)
        assert fast_moves.attrs == plain_moves.attrs
    kept = timeline.states(asof).copy()
    mine = timeline.states(asof)
    mine.loc[:, "n_orders"] = -1  # a caller changing its table changes nothing kept
    pd.testing.assert_frame_equal(timeline.states(asof), kept)
    orders_of_strangers = pd.concat([orders, orders.head(3).assign(customer_id="X-unknown")])
    assert (cu.StateTimeline(customers, orders_of_strangers).states(asof).attrs["unknown_ids"]
            == cu.customer_states(customers, orders_of_strangers, asof).attrs["unknown_ids"])
