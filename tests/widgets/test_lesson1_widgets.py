"""Lesson 1 widgets: update logic without a browser, absurd inputs give Chinese messages."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import crmlab
from crmlab.widgets.customers import CustomerStateView, RoleQuizView
from crmlab.widgets.lifecycle import KotlerLevelView, LifecycleView, RetentionView


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.fixture(scope="module")
def data():
    return crmlab.datasets.load("customers"), crmlab.datasets.load("orders")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_role_quiz_feedback_and_score():
    v = RoleQuizView()
    assert v.message == ""
    res = v.update(answers={"car_company": "客户", "car_manager": "客户"})
    assert [fb.correct for fb in res] == [True, False]
    assert "答对 1 题" in v.score.value
    assert "用户" in v.feedback["car_manager"].value
    # the drop-downs drive the same logic
    v.dropdowns["free_app"].value = "用户"
    assert v.result[-1].correct and "已作答 1" in v.score.value
    assert v.update(answers={"nope": "客户"}) is None
    assert _chinese(v.message)
    assert v.update(answers="客户") is None and _chinese(v.message)


def test_customer_state_view_moves_with_rules(data):
    customers, orders = data
    v = CustomerStateView(customers, orders)
    base = v.result["counts"]["customers"]
    assert v.message == "" and base.sum() == len(customers)
    res = v.update(asof="2026-01-01", compare_months=3, churn_days=60, loyal_min_orders=5)
    assert res["counts"].loc["流失客户", "customers"] > base["流失客户"]
    assert res["transitions"].to_numpy().sum() == len(customers)
    assert "换了状态" in v.table.value
    earlier = v.update(asof="2025-01-01", compare_months=6, churn_days=180, loyal_min_orders=5)
    assert earlier["counts"].loc["非客户", "customers"] > 0
    # the course rules by default: 365-day churn, long-lost customers are 非客户 on the course date
    now = v.update()
    assert now["states"].attrs["churn_days"] == 365 and now["counts"].loc["非客户", "customers"] > 0
    fewer = v.update(non_customer_days=700)
    assert fewer["counts"].loc["非客户", "customers"] < now["counts"].loc["非客户", "customers"]
    assert v.update(churn_days=600, non_customer_days=540) is None and "流失" in v.message
    # the controls call update
    v.churn_days.value = 90
    assert v.result["states"].attrs["churn_days"] == 90


@pytest.mark.parametrize(
    "values",
    [
        {"asof": "2026-01-01", "churn_days": 0},
        {"asof": "2026-01-01", "churn_days": -30},
        {"asof": "不是日期", "churn_days": 180},
        {"asof": "2026-01-01", "compare_months": 0},
        {"asof": "2026-01-01", "loyal_min_orders": 10**12 + 0.5},
    ],
)
def test_customer_state_view_absurd(data, values):
    customers, orders = data
    v = CustomerStateView(customers, orders)
    assert v.update(**values) is None
    assert _chinese(v.message) and "Traceback" not in v.message


def test_customer_state_view_empty_frames(data):
    customers, orders = data
    v = CustomerStateView(customers.iloc[0:0], orders.iloc[0:0])
    assert v.result is None and _chinese(v.message)
    v = CustomerStateView(customers, orders.iloc[0:0])  # no orders: everyone is a prospect
    assert v.message == ""
    assert v.result["counts"].loc["流失客户", "customers"] == 0


def test_kotler_view():
    v = KotlerLevelView()
    assert v.update(n_customers=50, unit_margin=0.5).level == "伙伴型"
    assert "伙伴型" in v.text.value
    assert v.figure is not None
    assert v.update(n_customers=10**7, unit_margin=0.01).level == "基本型"
    for bad in ({"n_customers": 0, "unit_margin": 0.2}, {"n_customers": -3, "unit_margin": 0.2},
                {"n_customers": 100, "unit_margin": 30}, {"n_customers": None, "unit_margin": 0.2}):
        assert v.update(**bad) is None
        assert _chinese(v.message)
    v.unit_margin.value = 0.05
    v.n_customers.value = 50000
    assert v.result.level == "基本型"


def test_lifecycle_view(data):
    customers, orders = data
    v = LifecycleView(orders, customers)
    four = v.result["summary"]
    assert list(four.index) == ["考察期", "形成期", "稳定期", "退化期"]
    tel = v.update(model="telecom", explore_days=183, silence_days=180, silence_factor=3, late=0.58, early=0.41,
                   churn_days=180)
    assert tel["summary"]["customers"].sum() > four["customers"].sum()  # prospects are in A 获取
    assert "离网" in v.table.value
    strict = v.update(model="four", explore_days=183, silence_days=180, silence_factor=3, late=0.58, early=0.41,
                      churn_days=60)
    assert strict["summary"].loc["退化期", "customers"] > four.loc["退化期", "customers"]
    for bad in ({"early": 0.7, "late": 0.5}, {"silence_factor": 0.5}, {"model": "six"}, {"churn_days": 0}):
        assert v.update(**bad) is None
        assert _chinese(v.message)
    v.model.value = "telecom"
    assert next(iter(v.result["summary"].index)) == "A 获取"


def test_lifecycle_view_empty():
    v = LifecycleView(pd.DataFrame({"customer_id": [], "order_date": [], "amount": []}))
    assert v.result is None and _chinese(v.message)


def test_retention_view():
    v = RetentionView()
    assert v.message == ""
    low = v.update(margin_growth=0.0).profit_increase
    high = v.update(margin_growth=0.3).profit_increase
    assert high > low > 0
    assert "利润增幅" in v.table.value
    for bad in ({"base_churn": 0.05, "churn_reduction": 0.1}, {"n_customers": 0}, {"acquisition_cost": -1},
                {"base_churn": 35}, {"margin_growth": float("inf")}):
        assert v.update(**bad) is None
        assert _chinese(v.message)
    v.controls["churn_reduction"].value = 0.0
    assert v.result.profit_increase == pytest.approx(0)


@pytest.fixture(scope="module")
def bgnbd_models():
    from crmlab.value import BGNBD, GammaGamma

    cd = crmlab.datasets.load("cdnow_summary")
    bg = BGNBD().fit(cd["frequency"], cd["recency"], cd["T"])
    rep = cd[cd["frequency"] > 0]
    return bg, GammaGamma().fit(rep["frequency"], rep["monetary_value"])


def test_customer_alive_view_follows_the_model(bgnbd_models):
    from crmlab.widgets.value import CustomerAliveView

    bg, gg = bgnbd_models
    v = CustomerAliveView(bg, gg, frequency=5, recency=35, T=39)
    assert v.message == "" and v.figure is not None
    recent = v.result.iloc[0]
    assert recent["prob_alive"] == pytest.approx(bg.prob_alive(5, 35, 39))
    assert recent["expected_purchases"] == pytest.approx(bg.expected_purchases(12 * 365.25 / 84, 5, 35, 39), rel=1e-6)
    old = v.update(recency=5).iloc[0]
    assert old["prob_alive"] < 0.5 < recent["prob_alive"]
    assert "挽留" in v.text and f"{old['prob_alive']:.0%}" in v.text
    longer = v.update(recency=35, months=24).iloc[0]
    assert longer["expected_purchases"] > recent["expected_purchases"] and longer["clv"] > recent["clv"]
    # the sliders drive the same logic
    v.controls["recency"].value = 20
    assert v.result.iloc[0]["recency"] == 20
    # no repeat purchase: the last purchase is the first one
    zero = v.update(frequency=0, recency=20).iloc[0]
    assert zero["prob_alive"] == 1 and zero["recency"] == 0 and "第 0 周" in v.text


@pytest.mark.parametrize(
    "values",
    [{"recency": 50, "T": 39}, {"frequency": -3}, {"T": "abc"}, {"months": 0}, {"monetary_value": -5},
     {"foo": 1}],
)
def test_customer_alive_view_absurd(bgnbd_models, values):
    from crmlab.widgets.value import CustomerAliveView

    v = CustomerAliveView(*bgnbd_models)
    assert v.update(**values) is None
    assert _chinese(v.message) and "Traceback" not in v.message


def test_customer_alive_view_needs_fitted_models(bgnbd_models):
    from crmlab.value import BGNBD
    from crmlab.widgets.value import CustomerAliveView

    for args in ((), (BGNBD(),), (bgnbd_models[0],)):
        v = CustomerAliveView(*args)
        assert v.result is None and _chinese(v.message)


def test_retention_view_tables_are_readable():
    v = RetentionView()
    v.update(n_customers=1000, acquisition_cost=100, base_churn=0.2, churn_reduction=0.05)
    assert "20,000" in v.table.value and "20000.0" not in v.table.value  # yuan with separators
    assert "15%" in v.table.value and "50%" in v.table.value  # selling success rates as percentages


# --------------------------------------------------------------------------- absurd input, every lesson-1 widget
# Each widget class, each of its inputs, fed empty, huge (1e12), negative, zero and non-numeric values through
# update(...): never an exception, never the generic fallback message (which would show a raw English error),
# a Chinese message whenever no result is produced (always for empty and non-numeric input), and the next valid
# update works again.

BAD_INPUTS = {"empty": "", "none": None, "huge": 1e12, "negative": -5, "zero": 0, "text": "abc", "yuan": "¥1,200"}
#: kinds of bad input that can never be a valid value of a numeric (or date / choice) input
#: (``None`` is not among them: some views document it as "keep the control's value")
ALWAYS_REJECTED = {"empty", "text", "yuan"}


@pytest.fixture(scope="module")
def lesson1_inputs(data, bgnbd_models):
    from crmlab.value import clv_metrics, predict_clv

    customers, orders = data
    metrics = clv_metrics(orders, crmlab.datasets.load("interactions"), crmlab.datasets.load("survey"))
    clv = predict_clv(crmlab.datasets.load("cdnow_summary"), bgnbd=bgnbd_models[0], gg=bgnbd_models[1])
    return {"customers": customers, "orders": orders, "metrics": metrics, "clv": clv, "models": bgnbd_models}


def _make_view(name, inputs):
    from crmlab.widgets.customers import ValueTypeView
    from crmlab.widgets.start import SetupCheckView
    from crmlab.widgets.value import AtRiskView, CustomerAliveView, DiscountedCLVView, IndicatorCLVView

    makers = {
        "ValueTypeView": lambda: ValueTypeView(inputs["orders"]),
        "CustomerStateView": lambda: CustomerStateView(inputs["customers"], inputs["orders"]),
        "KotlerLevelView": KotlerLevelView,
        "LifecycleView": lambda: LifecycleView(inputs["orders"], inputs["customers"]),
        "RetentionView": RetentionView,
        "IndicatorCLVView": lambda: IndicatorCLVView(inputs["metrics"]),
        "DiscountedCLVView": DiscountedCLVView,
        "AtRiskView": lambda: AtRiskView(inputs["clv"]),
        "CustomerAliveView": lambda: CustomerAliveView(*inputs["models"]),
        "SetupCheckView": lambda: SetupCheckView(inputs["customers"]),
    }
    return makers[name]()


WIDGET_INPUTS = {
    "CustomerStateView": ["asof", "compare_months", "churn_days", "non_customer_days", "loyal_min_orders"],
    "ValueTypeView": ["top_share", "window_days"],
    "KotlerLevelView": ["n_customers", "unit_margin"],
    "LifecycleView": ["model", "explore_days", "silence_days", "silence_factor", "late", "early", "churn_days"],
    "RetentionView": ["n_customers", "acquisition_cost", "retention_cost_ratio", "base_churn", "churn_reduction",
                      "margin_growth", "referral_share"],
    "IndicatorCLVView": ["gross_profit", "volume", "service_cost", "satisfaction", "loyalty", "trust", "method", "top"],
    "DiscountedCLVView": ["margin", "retention", "discount", "periods", "acquisition_cost"],
    "AtRiskView": ["value_quantile", "alive_below"],
    "CustomerAliveView": ["frequency", "recency", "T", "monetary_value", "months"],
    "SetupCheckView": ["min_age"],
}


@pytest.fixture(scope="module")
def views(lesson1_inputs):
    return {}  # one view per class, built on first use and reused: state must survive bad input


def _view(views, name, inputs):
    if name not in views:
        views[name] = _make_view(name, inputs)
        assert views[name].message == "" and views[name].result is not None, views[name].message
    return views[name]


@pytest.mark.parametrize("kind", list(BAD_INPUTS))
@pytest.mark.parametrize("name", list(WIDGET_INPUTS))
def test_every_lesson1_widget_survives_absurd_input(views, lesson1_inputs, name, kind):
    v = _view(views, name, lesson1_inputs)
    bad = BAD_INPUTS[kind]
    for field in WIDGET_INPUTS[name]:
        result = v.update(**{field: bad})  # must not raise
        where = f"{name}.{field}={bad!r}"
        assert "输入有误" not in v.message and "意外" not in v.message, f"{where}: generic message {v.message!r}"
        if kind in ALWAYS_REJECTED:
            assert result is None, f"{where} was accepted"
        if result is None:
            assert _chinese(v.message), f"{where}: no Chinese message ({v.message!r})"
            assert "Traceback" not in v.message and "⚠" in v.status.value
        else:
            assert v.message == "", where
        plt.close("all")
        # keeps working: the next valid input (the controls' current values) gives a result again
        assert v.update() is not None and v.message == "", f"{name} did not recover after {where}: {v.message!r}"
        assert v.status.value == ""


@pytest.mark.parametrize("kind", list(BAD_INPUTS))
def test_delivered_value_view_survives_absurd_cells(kind):
    from crmlab.widgets.value import DeliveredValueView

    v = DeliveredValueView()
    good = v.current_offers()
    offers = good.astype(object)
    offers.iloc[0, 0] = BAD_INPUTS[kind]  # product value of the first offer
    result = v.update(offers=offers)
    assert "输入有误" not in v.message and "意外" not in v.message
    if kind in ALWAYS_REJECTED | {"negative", "none"}:  # an empty box is not 0
        assert result is None and _chinese(v.message)
    else:
        assert result is not None and v.message == ""
    assert v.update(offers=good) is not None and v.message == ""
    # the number boxes drive the same logic, also with absurd numbers
    box = v.boxes[(v.names[0], "money_cost")]
    box.value = -10
    assert v.result is None and "负数" in v.message
    box.value = 1e12
    assert v.result is not None and v.message == ""
    box.value = 50
    assert v.result is not None and v.message == ""


@pytest.mark.parametrize("kind", list(BAD_INPUTS))
def test_role_quiz_survives_absurd_answers(kind):
    v = RoleQuizView()
    result = v.update(answers={"car_company": BAD_INPUTS[kind]})
    assert result is not None and v.message == ""
    text = v.feedback["car_company"].value
    assert text == "" or _chinese(text)  # empty answer: not answered yet; anything else: "not an option"
    assert v.update(answers=BAD_INPUTS[kind]) is None or BAD_INPUTS[kind] in ("", None, 0)
    v.dropdowns["car_company"].value = "客户"
    assert v.result[-1].correct and "答对 1 题" in v.score.value


def test_controls_with_absurd_numbers_keep_working():
    v = KotlerLevelView()
    for bad in (0, -5, 10**12):
        v.n_customers.value = bad
        assert (v.result is None and _chinese(v.message)) or (v.result is not None and v.message == "")
    v.n_customers.value = 50
    v.unit_margin.value = 0.5
    assert v.result.level == "伙伴型" and v.message == ""


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("CustomerStateView", lambda c, o: CustomerStateView(c.iloc[0:0], o)),
        ("LifecycleView", lambda c, o: LifecycleView(o.iloc[0:0], c)),
        ("IndicatorCLVView", lambda c, o: __import__("crmlab.widgets.value").widgets.value.IndicatorCLVView(
            pd.DataFrame())),
        ("AtRiskView", lambda c, o: __import__("crmlab.widgets.value").widgets.value.AtRiskView(pd.DataFrame())),
        ("SetupCheckView", lambda c, o: __import__("crmlab.widgets.start").widgets.start.SetupCheckView(
            c.iloc[0:0])),
    ],
)
def test_widgets_fed_empty_data_show_a_chinese_message(data, name, make):
    v = make(*data)
    assert v.result is None or name == "SetupCheckView", name
    if v.result is None:
        assert _chinese(v.message) and "输入有误" not in v.message and "意外" not in v.message, v.message


def test_value_type_view_moves_with_its_rule(data):
    from crmlab.widgets.customers import ValueTypeView

    _customers, orders = data
    v = ValueTypeView(orders)
    base = v.result["summary"]
    assert v.message == "" and base.loc["关系型-利润最大", "customers"] > 0
    assert "近期毛利占比" in v.table.value
    smaller = v.update(top_share=0.1)["summary"]
    assert smaller.loc["关系型-利润最大", "customers"] < base.loc["关系型-利润最大", "customers"]
    assert smaller["customers"].sum() == base["customers"].sum()  # the same current customers, other groups
    v.controls["window_days"].value = 180
    assert v.result["types"].attrs["window_days"] == 180
    for bad in ({"top_share": 5}, {"top_share": "很多"}, {"window_days": 0}, {"nope": 1}):
        assert v.update(**bad) is None and _chinese(v.message) and "Traceback" not in v.message
    assert v.update() is not None and v.message == ""
