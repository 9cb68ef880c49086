"""Lesson 4 widgets: normal, empty and absurd inputs never raise; messages are Chinese."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from crmlab.widgets.credit import AgingView, CreditApplicationView, CreditPolicyView, PyramidView, ScoreCutoffView

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _orders(n=200, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "customer_id": [f"C{i % 80:05d}" for i in range(n)],
            "amount": rng.pareto(1.5, n) * 100 + 10,
            "gross_profit": rng.pareto(1.5, n) * 20 + 2,
            "payment_method": rng.choice(["现金", "赊销"], n),
        }
    )


def _invoices():
    return pd.DataFrame(
        {
            "customer_id": ["A", "A", "B", "C"],
            "invoice_id": ["1", "2", "3", "4"],
            "amount": [100.0, 200.0, 300.0, 50.0],
            "issue_date": pd.to_datetime(["2025-06-01", "2025-11-01", "2025-12-01", "2025-12-20"]),
            "due_date": pd.to_datetime(["2025-07-01", "2025-12-01", "2025-12-31", "2026-01-19"]),
            "paid_date": pd.to_datetime([None, None, "2026-01-05", None]),
        }
    )


def _bad(view):
    assert view.result is None
    assert view.message and CHINESE.search(view.message)
    assert "Traceback" not in view.message


def test_pyramid_view():
    v = PyramidView(_orders())
    assert v.result is not None and v.message == ""
    assert list(v.result.tiers["customers"]) == [1, 3, 12, 64]
    assert v.figure is not None
    v.update(cutoffs=(20, 30, 50, 0), by="gross_profit")
    assert list(v.result.tiers.index) == ["A类客户", "B类客户", "C类客户"]
    v.update(cutoffs=(10, 10, 10, 10))
    _bad(v)
    assert "100%" in v.message
    v.update(cutoffs=(-5, 20, 5, 80))
    _bad(v)
    v.update(cutoffs=("abc", 4, 15, 80))
    _bad(v)
    v.sliders[0].value = 2  # via the controls: 2+4+15+80 != 100
    _bad(v)
    v.preset.value = "ABC 20/30/50"  # preset buttons set all sliders at once
    assert v.message == "" and list(v.result.tiers["customers"]) == [16, 24, 40]
    v.preset.value = "金字塔 1/4/15/80"
    assert v.message == "" and len(v.result.tiers) == 4


def test_pyramid_view_empty_orders():
    v = PyramidView(_orders().iloc[0:0])
    _bad(v)


def test_credit_policy_view():
    v = CreditPolicyView()
    assert v.result is not None and v.result.profit_change < 0
    r = v.update(sales=1_000_000, margin=20, sales_increase=40)
    assert r.profit_change > 0
    for absurd in ({"sales": 0}, {"sales": -5}, {"margin": 250}, {"cost_of_capital": -3},
                   {"sales": float("nan")}, {"new_days": 1e9}, {"sales": "很多"}):
        v.update(**absurd)
        _bad(v)
    v.controls["margin"].value = 0  # zero margin: allowed, no break-even possible
    assert v.result is not None and np.isnan(v.result.breakeven_increase)


def test_credit_application_view():
    v = CreditApplicationView()
    assert v.result is not None
    base = v.result["scored"].loc[0, "score"]
    better = v.update(on_time_payment_rate=100, late_payments_12m=0, years_in_business=20)
    assert better["scored"].loc[0, "score"] > base
    assert better["limit"].loc[0, "credit_limit"] >= 0
    for absurd in ({"on_time_payment_rate": 150}, {"industry_outlook": 9}, {"years_in_business": -1},
                   {"debt_ratio": -10}, {"net_worth": "abc"}, {"payment_terms_days": 1e7},
                   {"annual_revenue": float("inf")}):
        v.update(**absurd)
        _bad(v)
    zero = v.update(**dict.fromkeys(("years_in_business", "on_time_payment_rate", "annual_revenue", "working_capital", "net_worth", "collateral_value", "avg_monthly_sales", "payment_terms_days"), 0), industry_outlook=1)
    assert zero is not None and zero["scored"].loc[0, "grade"] == "B"
    assert zero["limit"].loc[0, "credit_limit"] == 0


def test_aging_view():
    v = AgingView(_invoices())
    assert v.result is not None
    assert v.result["aging"].loc["A", "合计"] == 300
    v.update(asof="2020-01-01")  # nothing issued yet
    _bad(v)
    v.update(asof=None)
    _bad(v)
    v.update(asof="2026-01-01", top=-3)
    _bad(v)
    empty = AgingView(_invoices().iloc[0:0])
    _bad(empty)


def test_score_cutoff_view():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    pts = 550 + 30 * (1 - y) + rng.normal(0, 20, 300)
    v = ScoreCutoffView(pts, y)
    r_lo = v.update(cutoff=400)
    assert r_lo["approval_rate"] == 1.0
    r_hi = v.update(cutoff=580)
    assert r_hi["bad_rate_approved"] < r_lo["bad_rate_approved"]
    v.update(cutoff=1e9)
    assert v.result["approved"] == 0 and v.message == ""
    v.update(cutoff="高")
    _bad(v)
    empty = ScoreCutoffView([], [])
    _bad(empty)


def test_credit_application_explains_a_zero_limit():
    v = CreditApplicationView()
    res = v.update(working_capital=-200_000)
    assert res is not None and res["limit"].loc[0, "credit_limit"] == 0
    assert "营运资金" in res["limit"].loc[0, "limit_note"]
    # the learner sees the cause in the rendered output, not only the number
    v2 = CreditApplicationView(working_capital=-200_000)
    assert v2.result["limit"].loc[0, "credit_limit"] == 0


def test_pyramid_abc_preset_relabels_sliders():
    v = PyramidView(_orders())
    v.preset.value = "ABC 20/30/50"
    assert [s.description for s in v.sliders[:3]] == ["A类客户%", "B类客户%", "C类客户%"]
    assert v.sliders[3].layout.display == "none"
    assert list(v.result.tiers.index) == ["A类客户", "B类客户", "C类客户"]
    v.preset.value = "金字塔 1/4/15/80"
    assert v.sliders[0].description == "VIP客户%" and v.sliders[3].layout.display is None
    assert list(v.result.tiers.index) == ["VIP客户", "主要客户", "中等客户", "大众客户"]


def test_credit_application_summary_widget_follows_state():
    v = CreditApplicationView()
    assert "信用等级" in v.summary.value and "额度测算" in v.summary.value
    v.update(on_time_payment_rate=150)
    _bad(v)
    assert v.summary.value == ""  # no stale verdict next to the error
    v.update(working_capital=-200_000)
    assert "营运资金" in v.summary.value and "不给赊销" in v.summary.value


def test_policy_and_aging_verdicts_live_in_summary_widget():
    pol = CreditPolicyView()
    assert "结论" in pol.summary.value
    pol.update(sales=-5)
    _bad(pol)
    assert pol.summary.value == ""
    ag = AgingView(_invoices())
    assert "应收余额合计" in ag.summary.value
    ag.update(asof="2020-01-01")
    _bad(ag)
    assert ag.summary.value == ""


def test_credit_application_late_payments_are_whole_numbers():
    import ipywidgets as w

    v = CreditApplicationView()
    assert isinstance(v.controls["late_payments_12m"], w.IntText)
    assert isinstance(v.controls["annual_revenue"], w.FloatText)
    v.update(late_payments_12m=2.5)
    _bad(v)
    assert "整数" in v.message
    ok = v.update(late_payments_12m=2)
    assert ok is not None and v.message == ""


# --------------------------------------------------------------------------- issue 9: absurd inputs, then recovery
# Every control of every lesson-4 widget fed empty, huge, negative, zero and non-numeric
# input: a Chinese message (or, where the value is legitimate, a normal result), never an
# exception; and the next valid input works again.  ``ok`` lists the values a control may
# legitimately take (e.g. a negative net worth, a zero margin).

_ABSURD = {"empty": "", "huge": 1e12, "negative": -5, "zero": 0, "text": "abc", "yuan": "¥1,200", "nan": float("nan")}

_L4_CONTROLS = {
    "PyramidView": {"cutoff0": (), "by": ()},
    "CreditPolicyView": {
        "sales": ("huge",), "margin": ("zero",), "sales_increase": ("zero",), "current_days": ("zero",),
        "new_days": ("zero",), "new_bad_debt": ("zero",), "new_collection_cost": ("zero",),
        "cost_of_capital": ("zero",),
    },
    "CreditApplicationView": {
        "years_in_business": ("zero",), "on_time_payment_rate": ("zero",), "late_payments_12m": ("zero",),
        "annual_revenue": ("zero", "huge"), "working_capital": ("zero", "huge", "negative"),
        "debt_ratio": ("zero",), "net_worth": ("zero", "huge", "negative"), "collateral_value": ("zero", "huge"),
        "industry_outlook": (), "avg_monthly_sales": ("zero", "huge"), "payment_terms_days": ("zero",),
    },
    "AgingView": {"asof": (), "top": ("huge",)},
    "ScoreCutoffView": {"cutoff": ("huge", "negative", "zero")},
}


def _l4_view(name):
    if name == "PyramidView":
        return PyramidView(_orders())
    if name == "AgingView":
        return AgingView(_invoices(), asof="2026-01-01")
    if name == "ScoreCutoffView":
        rng = np.random.default_rng(0)
        y = rng.integers(0, 2, 200)
        return ScoreCutoffView(550 + 30 * (1 - y) + rng.normal(0, 20, 200), y)
    return {"CreditPolicyView": CreditPolicyView, "CreditApplicationView": CreditApplicationView}[name]()


def _l4_update(view, name, control, value):
    if control == "cutoff0":
        return view.update(cutoffs=(value, 4, 15, 80))
    return view.update(**{control: value})


@pytest.mark.parametrize(
    "name, control, kind",
    [(n, c, k) for n, controls in _L4_CONTROLS.items() for c in controls for k in _ABSURD],
)
def test_lesson4_widget_absurd_input_then_recovers(name, control, kind):
    view = _l4_view(name)
    valid = view.result
    assert valid is not None and view.message == ""
    res = _l4_update(view, name, control, _ABSURD[kind])
    if kind in _L4_CONTROLS[name][control]:
        assert res is not None and view.message == "", view.message  # a legitimate value
    else:
        assert res is None, f"{name}.{control} accepted {kind}"
        assert CHINESE.search(view.message) and "Traceback" not in view.message, view.message
        assert "nan" not in view.message.lower() or kind == "nan"
        if kind == "yuan" and control not in ("by", "asof"):  # a number typed with ¥ and a comma
            assert "1200" in view.message  # says how to write it
    view.update()  # the defaults / control values again: works
    assert view.result is not None and view.message == "", view.message


def test_aging_view_rejects_numbers_as_dates():
    v = AgingView(_invoices())
    v.update(asof=0)
    _bad(v)
    assert "日期" in v.message and "1970" not in v.message
