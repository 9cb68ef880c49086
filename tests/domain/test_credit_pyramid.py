"""Customer pyramid, ABC tiers, payment segments and the credit policy simulator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crmlab
from crmlab.credit import abc_tiers, credit_policy, payment_profile, payment_segments, pyramid


def _values(n, seed=0):
    rng = np.random.default_rng(seed)
    return pd.Series(rng.pareto(1.5, n) * 100 + 1, index=[f"C{i:05d}" for i in range(n)])


def test_pyramid_sizes_follow_cutoffs_and_shares_sum_to_one():
    res = pyramid(_values(1000))
    t = res.tiers
    assert list(t.index) == ["VIP客户", "主要客户", "中等客户", "大众客户"]
    assert list(t["customers"]) == [10, 40, 150, 800]
    assert t["customer_share"].sum() == pytest.approx(1.0)
    assert t["value_share"].sum() == pytest.approx(1.0)
    # higher tiers hold the higher values
    c = res.customers
    mins = c.groupby("tier", observed=True)[res.by].min()
    maxs = c.groupby("tier", observed=True)[res.by].max()
    assert all(mins.iloc[i] >= maxs.iloc[i + 1] for i in range(3))
    assert t.loc["VIP客户", "value_share"] > t.loc["VIP客户", "customer_share"]


def test_pyramid_from_orders_and_profit():
    orders = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "c", "d", "e"],
            "amount": [50, 50, 80, 10, 5, 1],
            "gross_profit": [1, 1, 40, 5, 1, 0.5],
        }
    )
    by_amount = pyramid(orders, cutoffs=(0.2, 0.2, 0.6), labels=("高", "中", "低"))
    assert by_amount.customers.iloc[0]["customer_id"] == "a"
    assert list(by_amount.tiers["customers"]) == [1, 1, 3]
    by_profit = pyramid(orders, by="gross_profit", cutoffs=(0.2, 0.2, 0.6), labels=("高", "中", "低"))
    assert by_profit.customers.iloc[0]["customer_id"] == "b"
    assert by_profit.tiers.loc["高", "amount"] == 40


def test_abc_tiers():
    t = abc_tiers(_values(100)).tiers
    assert list(t["customers"]) == [20, 30, 50]
    assert list(t.index) == ["A类客户", "B类客户", "C类客户"]


@pytest.mark.parametrize(
    "cutoffs, msg",
    [((0.1, 0.1, 0.1, 0.1), "100%"), ((0.5, 0.5, 0, 0), "大于 0"), ((1, 4, 15, 80), "小数"), ((0.5, 0.5), "个数")],
)
def test_pyramid_bad_cutoffs(cutoffs, msg):
    with pytest.raises(crmlab.CRMDataError, match=msg):
        pyramid(_values(50), cutoffs=cutoffs)


def test_pyramid_empty():
    with pytest.raises(crmlab.CRMDataError, match="空"):
        pyramid(pd.Series([], dtype=float))


def test_payment_segments():
    orders = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "c", "c"],
            "amount": [100.0, 100.0, 300.0, 50.0, 150.0],
            "payment_method": ["现金", "现金", "赊销", "现金", "赊销"],
        }
    )
    inv = pd.DataFrame(
        {
            "customer_id": ["b", "b", "c"],
            "invoice_id": ["1", "2", "3"],
            "amount": [200.0, 100.0, 150.0],
            "issue_date": pd.to_datetime(["2025-10-01", "2025-11-01", "2025-11-01"]),
            "due_date": pd.to_datetime(["2025-10-31", "2025-12-01", "2025-12-01"]),
            "paid_date": pd.to_datetime(["2025-11-10", None, "2025-11-20"]),
        }
    )
    prof = payment_profile(orders, inv, "2026-01-01")
    assert prof.loc["a", "payment_segment"] == "现金客户"
    assert prof.loc["b", "payment_segment"] == "赊销客户"
    assert prof.loc["c", "payment_segment"] == "混合客户"
    assert prof.loc["c", "credit_share"] == pytest.approx(0.75)
    assert prof.loc["b", "late_invoices"] == 2 and prof.loc["c", "late_invoices"] == 0
    assert prof.loc["b", "avg_days_late"] == pytest.approx((10 + 31) / 2)
    assert prof.loc["b", "overdue_now"] == 100.0
    seg = payment_segments(orders, inv, "2026-01-01")
    assert list(seg.index) == ["现金客户", "赊销客户", "混合客户"]
    assert seg["customers"].sum() == 3 and seg["sales_share"].sum() == pytest.approx(1)
    assert seg.loc["赊销客户", "late_rate"] == 1.0 and seg.loc["混合客户", "late_rate"] == 0.0
    with pytest.raises(crmlab.CRMDataError, match="现金"):
        payment_profile(orders.assign(payment_method="刷卡"))


def test_credit_policy_by_hand():
    r = credit_policy(1_000_000, 0.2, sales_increase=0.15)
    t = r.table
    assert t.loc["应收账款平均余额", "current_policy"] == pytest.approx(1_000_000 / 360 * 30)
    assert t.loc["应收账款资金成本", "new_policy"] == pytest.approx(1_150_000 / 360 * 60 * 0.10)
    assert t.loc["坏账损失", "new_policy"] == pytest.approx(34_500)
    assert r.profit_change == pytest.approx(164_833.3333 - 176_666.6667, abs=0.01)
    u0 = 0.2 - 0.01 - 0.005 - 30 / 360 * 0.1
    u1 = 0.2 - 0.03 - 0.01 - 60 / 360 * 0.1
    assert r.breakeven_increase == pytest.approx(u0 / u1 - 1)
    # at the break-even increase the profit change is zero
    at_be = credit_policy(1_000_000, 0.2, sales_increase=r.breakeven_increase)
    assert at_be.profit_change == pytest.approx(0, abs=1e-6)
    # a higher cost of capital makes the looser policy worse
    assert credit_policy(1_000_000, 0.2, cost_of_capital=0.2).profit_change < r.profit_change


@pytest.mark.parametrize(
    "kw, msg",
    [
        ({"sales": 0}, "大于 0"),
        ({"margin": 20}, "百分数"),
        ({"cost_of_capital": -0.1}, "负数"),
        ({"sales_increase": 15}, "不合常理"),
        ({"new_days": 1e9}, "太大"),
    ],
)
def test_credit_policy_bad_input(kw, msg):
    args = {"sales": 1e6, "margin": 0.2, **kw}
    with pytest.raises(crmlab.CRMDataError, match=msg):
        credit_policy(**args)


@pytest.mark.parametrize("by", ["amount", "gross_profit"])
@pytest.mark.parametrize("cutoffs", [(0.01, 0.04, 0.15, 0.80), (0.2, 0.3, 0.5), (0.1, 0.1, 0.3, 0.5)])
def test_pyramid_from_precomputed_customer_values_equals_from_orders(by, cutoffs):
    """The widget's fast path (customer_values once, then tiers) gives the same result on the course data."""
    from crmlab.credit import customer_values

    orders = crmlab.datasets.load("orders")
    labels = [f"第{i}层" for i in range(len(cutoffs))]
    plain = pyramid(orders, by=by, cutoffs=cutoffs, labels=labels)
    fast = pyramid(customer_values(orders, by=by), by=by, cutoffs=cutoffs, labels=labels)
    pd.testing.assert_frame_equal(fast.tiers, plain.tiers)
    pd.testing.assert_frame_equal(fast.customers, plain.customers)
