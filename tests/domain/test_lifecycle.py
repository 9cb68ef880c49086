"""Tests for crmlab.lifecycle (relationships, Kotler levels, life cycle, retention economics)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crmlab
from crmlab import CRMDataError
from crmlab import lifecycle as lc


def _orders(rows):
    df = pd.DataFrame(rows, columns=["customer_id", "order_date", "amount", "category"])
    df["order_date"] = pd.to_datetime(df["order_date"])
    df["gross_profit"] = df["amount"] * 0.25
    return df


@pytest.fixture
def orders():
    return _orders(
        [
            # new: first purchase 30 days before asof
            ("new", "2025-12-02", 50, "x"),
            # stable: two years, similar spend per year
            ("stable", "2024-02-01", 100, "x"), ("stable", "2024-08-15", 100, "y"),
            ("stable", "2025-02-01", 100, "x"), ("stable", "2025-07-20", 110, "z"),
            # growing: spend triples
            ("grow", "2024-03-01", 100, "x"), ("grow", "2025-03-01", 150, "x"), ("grow", "2025-11-01", 150, "y"),
            # declining: bought every month in early 2024, then seldom; still buys
            *[("down", d, 500, "x") for d in ("2024-01-10", "2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01",
                                               "2024-06-01", "2024-08-01")],
            ("down", "2025-06-01", 300, "x"), ("down", "2025-12-01", 300, "x"),
            # lost: bought every two to three months, silent for 346 days now
            ("lost", "2024-06-01", 100, "x"), ("lost", "2024-08-01", 100, "x"), ("lost", "2024-10-01", 100, "x"),
            ("lost", "2025-01-20", 100, "x"),
        ]
    )


def test_lifecycle_stage_rules(orders):
    st = lc.lifecycle_stage(orders, "2026-01-01")
    got = st["stage"].astype(str).to_dict()
    assert got == {"new": "考察期", "stable": "稳定期", "grow": "形成期", "down": "退化期", "lost": "退化期"}
    # purchase centre of "grow": repeat purchases 365 and 610 days after the first, 671 days to asof
    assert st.loc["grow", "centre"] == pytest.approx((365 / 671 + 610 / 671) / 2)
    assert st.loc["stable", "usual_gap"] == pytest.approx(535 / 3, abs=0.05)
    # rules are parameters: a stricter "deepening" rule turns "grow" into a stable customer
    st = lc.lifecycle_stage(orders, "2026-01-01", late=0.8)
    assert st.loc["grow", "stage"] == "稳定期"
    # a short exploration period lets the one-purchase newcomer out of 考察期
    st = lc.lifecycle_stage(orders, "2026-01-01", explore_days=20)
    assert st.loc["new", "stage"] == "稳定期"


def test_lifecycle_uses_the_course_churn_rule(orders):
    from crmlab.course import CHURN_DAYS

    st = lc.lifecycle_stage(orders, "2026-01-01")
    assert st.attrs["churn_days"] == CHURN_DAYS
    assert lc.relationship_metrics(orders, "2026-01-01").attrs["churn_days"] == CHURN_DAYS
    # silent for 346 days, within the 365-day churn rule: 退化期, but not yet 离网 (lost)
    assert st.loc["lost", "days_since_last"] == 346 and st.loc["lost", "stage"] == "退化期"
    assert lc.telecom_stage(orders, "2026-01-01").loc["lost", "stage"] == "D 衰退"
    # a yearly buyer silent for 396 days is beyond the churn rule, whatever its rhythm
    yearly = _orders([("Y", "2023-12-01", 100, "x"), ("Y", "2024-12-01", 100, "x")])
    assert lc.lifecycle_stage(yearly, "2026-01-01").loc["Y", "stage"] == "退化期"
    assert lc.telecom_stage(yearly, "2026-01-01").loc["Y", "stage"] == "E 离网"


def test_stage_rules_are_written_in_numbers():
    t = lc.stage_rules()
    assert t["阶段"].tolist() == ["退化期", "考察期", "形成期", "稳定期"]
    text = "".join(t["规则"])
    for number in ("365 天", "183 天", "180 天", "3 倍", "41%", "58%"):
        assert number in text
    for name in ("explore_days", "early", "late", "silence", "churn_days"):
        assert name not in text  # plain numbers, not parameter names
    assert "45%" in "".join(lc.stage_rules(early=0.45)["规则"])
    with pytest.raises(CRMDataError, match="没有这些规则参数"):
        lc.stage_rules(growth=0.5)


def test_stages_recover_the_planted_patterns_of_the_course_company():
    st = lc.lifecycle_stage(crmlab.datasets.load("orders"))
    tab = lc.stage_confusion(st, crmlab.datasets.load("customer_truth"))
    assert tab.index.tolist() == ["新客户", "成长客户", "稳定客户", "衰退客户", "流失客户"]
    assert (tab["合计"] == tab[list(lc.STAGES)].sum(axis=1)).all()
    rate = tab["识别率"]
    assert rate["新客户"] >= 0.95 and rate["流失客户"] >= 0.95
    assert rate[["成长客户", "稳定客户", "衰退客户"]].min() >= 0.8
    assert tab.loc["稳定客户", "稳定期"] == max(tab.loc["稳定客户", list(lc.STAGES)])


@pytest.mark.parametrize("group", range(5))
def test_stages_recover_the_planted_patterns_of_every_group(group):
    """The same plain-number rules recover every planted pattern of each group's company for 80 % or more.

    Issue 18 (item 5): the growing / stable / declining customers of every group buy often enough and
    change fast enough for the purchase timing to tell them apart (85 % or more in every group).
    """
    st = lc.lifecycle_stage(crmlab.datasets.load("orders", group=group))
    tab = lc.stage_confusion(st, crmlab.datasets.load("customer_truth", group=group))
    rate = tab["识别率"]
    assert rate.index.tolist() == list(lc.PATTERN_STAGE)
    assert rate["新客户"] >= 0.95 and rate["流失客户"] >= 0.95
    assert (rate >= 0.8).all(), rate.to_dict()
    for pattern, stage in lc.PATTERN_STAGE.items():  # each pattern lands most often in its own stage
        assert tab.loc[pattern, stage] == max(tab.loc[pattern, list(lc.STAGES)])


def test_telecom_stage(orders):
    customers = pd.DataFrame({"customer_id": ["new", "stable", "grow", "down", "lost", "lead"],
                              "signup_date": pd.to_datetime(["2024-01-01"] * 6)})
    st = lc.telecom_stage(orders, "2026-01-01", customers, churn_days=300)
    got = st["stage"].astype(str).to_dict()
    assert got == {"new": "A 获取", "stable": "C 成熟", "grow": "B 提升", "down": "D 衰退", "lost": "E 离网",
                   "lead": "A 获取"}
    summ = lc.stage_summary(st)
    assert list(summ.index) == list(lc.TELECOM_STAGES)
    assert summ["customers"].sum() == 6


@pytest.mark.parametrize(
    "bad", [{"early": 41}, {"early": 0.6, "late": 0.5}, {"silence_factor": 0.5}, {"explore_days": 0},
            {"churn_days": -1}]
)
def test_lifecycle_bad_rules(orders, bad):
    with pytest.raises(CRMDataError):
        lc.lifecycle_stage(orders, "2026-01-01", **bad)


def test_lifecycle_empty():
    with pytest.raises(CRMDataError, match="没有任何订单"):
        lc.lifecycle_stage(_orders([]), "2026-01-01")


def test_stage_strategy():
    four = lc.stage_strategy()
    assert list(four.index) == list(lc.STAGES)
    tel = lc.stage_strategy("telecom")
    assert list(tel.index) == list(lc.TELECOM_STAGES)
    assert "预警" in tel.loc["D 衰退", "主要策略"]
    with pytest.raises(CRMDataError):
        lc.stage_strategy("six")


def test_relationship_metrics(orders):
    m = lc.relationship_metrics(orders, "2026-01-01", churn_days=180).set_index("metric")["value"]
    assert m["活跃客户数"] == 4  # all but "lost"
    assert m["新客户数（窗口内首次购买）"] == 1
    assert m["挽回的流失客户数"] == 2  # a 2025 purchase after a gap of > 180 days: grow, down
    assert m["流失客户数"] == 1
    # depth: customers who bought in 2025: new, stable, grow, down, lost -> 2+ orders: stable, grow, down
    assert m["重复购买率（窗口内买了 2 次及以上）"] == pytest.approx(3 / 5)


def test_kotler_grid_corners():
    assert lc.recommend_level(1_000_000, 0.02).level == "基本型"
    assert lc.recommend_level(20, 0.6).level == "伙伴型"
    assert lc.recommend_level(1_000_000, 0.6).level == "负责型"
    assert lc.recommend_level(20, 0.02).level == "负责型"
    assert lc.recommend_level(2000, 0.2).level == "负责型"
    assert lc.recommend_level(2000, 0.05).level == "被动型"
    assert lc.recommend_level(50, 0.2).level == "能动型"
    # boundaries: "many" starts at the upper threshold, "high" margin too
    assert lc.recommend_level(10000, 0.3).customer_band == "大量客户"
    assert lc.recommend_level(10000, 0.3).margin_band == "高边际利润"
    # thresholds are parameters
    assert lc.recommend_level(2000, 0.2, thresholds={"customers": (5000, 50000)}).level == "能动型"
    m = lc.kotler_matrix()
    assert m.shape == (3, 3)
    assert m.iloc[0, 0] == "基本型" and m.iloc[2, 2] == "伙伴型"


@pytest.mark.parametrize("n,margin,match", [(0, 0.2, "至少"), (100, 25, "百分数"), (100, -0.1, "亏本"), ("abc", 0.2, "数字")])
def test_kotler_bad_inputs(n, margin, match):
    with pytest.raises(CRMDataError, match=match):
        lc.recommend_level(n, margin)


def test_kotler_inputs_from_data(orders):
    k = lc.kotler_inputs(orders, "2026-01-01")
    assert k["n_customers"] == 5
    assert k["unit_margin"] == pytest.approx(0.25)


def _direct_clv(churn, growth, years=20, margin=100.0, discount=0.08, acq=100.0):
    """End-of-year convention, written out: profit of year t kept with (1-churn)^t, discounted by 1.08^t."""
    t = np.arange(1, years + 1)
    return ((1 - churn) ** t * margin * (1 + growth) ** (t - 1) / (1 + discount) ** t).sum() - acq


def test_retention_economics_depends_on_margin_growth():
    r = lc.retention_economics()
    inc = r.by_margin_growth["profit_increase"].to_numpy()
    assert (np.diff(inc) > 0).all()  # faster-growing margin -> larger gain from retention
    for g, value in zip(r.by_margin_growth["margin_growth"], inc):
        assert value == pytest.approx(_direct_clv(0.15, g) / _direct_clv(0.20, g) - 1, rel=1e-3)
    assert r.summary.loc["clv_improved", "value"] == pytest.approx(_direct_clv(0.15, 0.10), abs=0.01)
    assert r.summary.loc["clv_base", "value"] == pytest.approx(_direct_clv(0.20, 0.10), abs=0.01)
    assert r.summary.loc["retention_cost", "value"] == pytest.approx(20)
    assert r.selling["预计成交（单）"].tolist() == [15.0, 50.0]
    assert r.referrals["人数"].iloc[0] == pytest.approx(200 * 0.6)
    # no churn reduction -> no gain
    assert lc.retention_economics(churn_reduction=0).profit_increase == pytest.approx(0)


def test_one_discounting_convention_in_lesson_1():
    """Lifecycle's lifetime profit is crmlab.value's discounted CLV with the same inputs."""
    from crmlab.value import clv_value

    r = lc.retention_economics(margin_growth=0.0, years=10, discount_rate=0.1, base_churn=0.3, churn_reduction=0.1)
    assert r.summary.loc["clv_base", "value"] == pytest.approx(clv_value(100.0, 0.7, 0.1, 10, acquisition_cost=100), abs=0.005)
    assert r.summary.loc["clv_improved", "value"] == pytest.approx(clv_value(100.0, 0.8, 0.1, 10, acquisition_cost=100), abs=0.005)
    assert r.yearly["survival_base"].iloc[0] == pytest.approx(0.7)  # the first year's profit needs the first year's stay


@pytest.mark.parametrize(
    "bad,match",
    [({"base_churn": 20}, "百分数"), ({"churn_reduction": 0.3}, "调小"), ({"n_customers": -5}, "正整数"),
     ({"margin_growth": 10}, "百分数"), ({"retention_cost_ratio": 0}, "大于 0")],
)
def test_retention_bad_inputs(bad, match):
    with pytest.raises(CRMDataError, match=match):
        lc.retention_economics(**bad)


def test_on_course_data():
    orders = crmlab.datasets.load("orders")
    st = lc.lifecycle_stage(orders)
    assert len(st) == orders["customer_id"].nunique()
    truth = crmlab.datasets.load("customer_truth").set_index("customer_id").loc[st.index, "pattern"]
    # the customers the generator made "lost" are in the decline stage, the new ones in 考察期
    assert (st.loc[truth == "lost", "stage"] == "退化期").mean() > 0.95
    assert (st.loc[truth == "new", "stage"] == "考察期").mean() > 0.95
    k = lc.kotler_inputs(orders)
    assert 0 < k["unit_margin"] < 1
    assert lc.recommend_level(**k).level in lc.KOTLER_LEVELS


def test_money_written_as_text_gives_chinese_error(orders):
    bad = orders.astype({"amount": object})
    bad.loc[5, "amount"] = "一千二"  # "¥1,200" is read as 1200 by the data contract (crmlab.frames)
    for call in (lambda: lc.lifecycle_stage(bad), lambda: lc.telecom_stage(bad),
                 lambda: lc.relationship_metrics(bad), lambda: lc.kotler_inputs(bad)):
        with pytest.raises(CRMDataError, match="amount.*位置（索引）：5"):
            call()
    fixed = bad.assign(amount=bad["amount"].replace("一千二", f"¥{orders.loc[5, 'amount']:,}"))
    assert lc.lifecycle_stage(fixed).equals(lc.lifecycle_stage(orders))


def test_huge_comparison_window_is_a_chinese_error():
    """A window of 1e12 days used to overflow pandas' Timedelta with an English message."""
    orders = pd.DataFrame({"customer_id": ["A", "A"], "order_date": pd.to_datetime(["2025-01-05", "2025-06-01"]),
                           "amount": [100.0, 80.0]})
    with pytest.raises(CRMDataError, match="window_days"):
        lc.lifecycle_stage(orders, "2026-01-01", window_days=10**12)
    assert len(lc.lifecycle_stage(orders, "2026-01-01", window_days=3650)) == 1


@pytest.mark.parametrize("rules", [{}, {"explore_days": 30, "early": 0.2, "late": 0.9},
                                   {"silence_days": 30, "silence_factor": 1.0, "churn_days": 100}])
def test_stages_from_precomputed_measures_equal_the_plain_function(rules):
    """The widget's fast path (lifecycle_measures once, then rules) gives the same tables on the course data."""
    orders, customers = crmlab.datasets.load("orders"), crmlab.datasets.load("customers")
    measures = lc.lifecycle_measures(orders, "2026-01-01")
    plain = lc.lifecycle_stage(orders, "2026-01-01", **rules)
    fast = lc.lifecycle_stage(orders, "2026-01-01", measures=measures, **rules)
    pd.testing.assert_frame_equal(fast, plain)
    assert fast.attrs == plain.attrs
    plain = lc.telecom_stage(orders, "2026-01-01", customers, **rules)
    fast = lc.telecom_stage(orders, "2026-01-01", customers, measures=measures, **rules)
    pd.testing.assert_frame_equal(fast, plain)
    assert fast.attrs == plain.attrs


def test_measures_of_another_date_are_refused():
    measures = lc.lifecycle_measures(crmlab.datasets.load("orders"), "2025-06-01")
    with pytest.raises(CRMDataError, match="不一致"):
        lc.lifecycle_stage(crmlab.datasets.load("orders"), "2026-01-01", measures=measures)
