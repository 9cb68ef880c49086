"""Lesson 3's budget widget (why segment: limited resources), called without a browser."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import math

import numpy as np
import pandas as pd
import pytest

import crmlab
from crmlab import CRMDataError
from crmlab import segment as S
from crmlab.widgets.budget import BudgetView, budget_base, outcome_html, plan_outcome, preset_spend


def _summary(group: int = 0) -> pd.DataFrame:
    return S.segment_summary(S.rfm(crmlab.datasets.load("orders", group=group), crmlab.course.COURSE_DATE))


@pytest.fixture(scope="module")
def summary():
    return _summary()


@pytest.fixture(scope="module")
def base(summary):
    return budget_base(summary)


def test_base_has_the_segments_rates_and_order_values(summary, base):
    nonempty = summary[summary["customers"] > 0]
    assert list(base.index) == list(nonempty.index)
    assert (base["customers"] == nonempty["customers"]).all()
    expected_value = nonempty["monetary_mean"] / nonempty["frequency_mean"]
    assert np.allclose(base["order_value"], expected_value)
    assert np.allclose(base["expected_per_contact"], base["response_rate"] * base["order_value"])


def test_outcome_is_contacts_times_rate_times_value(base):
    spend = {"重要价值客户": 3000, "一般挽留客户": 1005}  # 1005 yuan buy 100 contacts, not 100.5
    res = plan_outcome(base, spend, budget=20000)
    assert res.loc["重要价值客户", "contacts"] == 300
    assert res.loc["一般挽留客户", "contacts"] == 100 and res.loc["一般挽留客户", "spend"] == 1000
    row = res.loc["重要价值客户"]
    assert math.isclose(row["revenue"], 300 * row["response_rate"] * row["order_value"])
    assert math.isclose(res.attrs["spent"], 4000) and math.isclose(res.attrs["left"], 16000)
    assert math.isclose(res.attrs["revenue"], res["revenue"].sum())
    assert res.loc["重要发展客户", "contacts"] == 0


def test_presets_reproduce_the_reference_plans(base):
    ref = S.budget_allocation(base, 20000, cost_per_contact=10)
    targeted = plan_outcome(base, preset_spend(base, "targeted"), budget=20000)
    assert math.isclose(targeted.attrs["revenue"], ref.attrs["return_targeted"], rel_tol=1e-9)
    even = plan_outcome(base, preset_spend(base, "even"), budget=20000)
    # whole customers only: at most one contact per segment below the (fractional) reference plan
    per = base["expected_per_contact"]
    assert ref.attrs["return_even"] - per.sum() <= even.attrs["revenue"] <= ref.attrs["return_even"] + 1e-9
    assert even.attrs["spent"] <= 20000
    assert plan_outcome(base, preset_spend(base, "zero")).attrs["revenue"] == 0


def test_targeting_beats_spreading_only_while_money_is_short(base):
    short = plan_outcome(base, preset_spend(base, "targeted"), budget=20000)
    assert short.attrs["revenue_targeted"] > short.attrs["revenue_even"] * 1.1
    everyone = float(base["customers"].sum() * 10)
    assert everyone <= 30000  # the lesson's "30000 元 reach everyone" holds for the course company
    rich = plan_outcome(base, preset_spend(base, "targeted", budget=30000), budget=30000)
    assert math.isclose(rich.attrs["revenue_targeted"], rich.attrs["revenue_even"], rel_tol=1e-9)


@pytest.mark.parametrize("group", [0, 1, 2, 3, 4])
def test_every_group_reaches_everyone_with_30000(group):
    base = budget_base(_summary(group))
    assert base["customers"].sum() * 10 <= 30000, group
    res = plan_outcome(base, preset_spend(base, "targeted", budget=30000), budget=30000)
    assert math.isclose(res.attrs["revenue_targeted"], res.attrs["revenue_even"], rel_tol=1e-9)
    assert res.attrs["left"] >= 0


@pytest.mark.parametrize(
    "spend, budget, words",
    [
        ({"重要价值客户": 1000, "一般挽留客户": 1000}, 1500, ["超出预算", "多了 500 元"]),
        ({"重要价值客户": 10**6}, 10**7 - 1, ["最多花", "重要价值客户"]),
        ({"VIP": 100}, 20000, ["没有名为「VIP」", "重要价值客户"]),
        ({"重要价值客户": "很多"}, 20000, ["要填数字"]),
        ({"重要价值客户": -100}, 20000, ["不能是负数"]),
        ({"重要价值客户": float("nan")}, 20000, ["不能是负数或空值"]),
        ({}, 5, ["连一位客户都联系不了"]),
        ({}, 10**9, ["太大了"]),
        ({}, "两万", ["总预算要填数字"]),
    ],
)
def test_bad_plans_get_a_chinese_message(base, spend, budget, words):
    with pytest.raises(CRMDataError) as err:
        plan_outcome(base, spend, budget=budget)
    for w in words:
        assert w in str(err.value), (w, str(err.value))


def test_unknown_preset_is_refused(base):
    with pytest.raises(CRMDataError, match="平均撒网"):
        preset_spend(base, "random")


def test_view_updates_and_never_raises(summary):
    v = BudgetView(summary)
    assert v.message == "" and v.result.attrs["spent"] == 0
    res = v.preset("targeted")
    assert v.message == "" and math.isclose(res.attrs["spent"], 20000)
    assert all(v.sliders[s].value == res.loc[s, "spend"] for s in v.sliders)
    assert "预计" in v.spent.value and "重要价值客户" in v.table.value and "合计" in v.table.value
    assert v.figure is not None
    over = v.update(spend={s: sl.max for s, sl in v.sliders.items()}, budget=20000)
    assert over is None and "超出预算" in v.message and v.table.value == "" and "Traceback" not in v.message
    assert v.update(spend={"重要价值客户": 1000}, budget=30000) is not None and v.message == ""
    v._preset_clicked("nope")
    assert "没有名为" in v.message


def test_view_sliders_follow_the_controls(summary):
    v = BudgetView(summary, budget=20000, cost_per_contact=10)
    v.sliders["重要价值客户"].value = 2000.0  # observers recompute with the current slider values
    assert v.result is not None and v.result.loc["重要价值客户", "contacts"] == 200
    v.budget.value = 1000  # now 2000 yuan are more than the budget
    assert v.result is None and "超出预算" in v.message
    for s, slider in v.sliders.items():
        assert slider.max == summary.loc[s, "customers"] * 10 and slider.step == 10


def test_view_fits_a_1024_pixel_projector(summary):
    v = BudgetView(summary)
    grid = v.widget.children[2]
    assert int(grid.layout.width.rstrip("px")) <= 900  # JupyterLab's notebook column on a 1024-px projector
    assert all(2 * int(s.layout.width.rstrip("px")) <= int(grid.layout.width.rstrip("px")) for s in v.sliders.values())
    fig = v.figure
    assert fig.get_figwidth() * fig.dpi <= 1000


def test_outcome_table_has_chinese_headers(base):
    html = outcome_html(plan_outcome(base, preset_spend(base, "even")))
    for word in ("客户群", "响应率", "联系人数", "预计回头客（人）", "预计销售额（元）", "合计"):
        assert word in html
    assert "response_rate" not in html


def test_view_refuses_a_summary_without_customers():
    with pytest.raises(CRMDataError):
        BudgetView(pd.DataFrame({"x": [1]}))
