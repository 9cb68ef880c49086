"""Lesson 2 widgets: called through update(), never raising, Chinese messages."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest

from crmlab import datasets
from crmlab.infobase import InfoBase
from crmlab.widgets import info as W


@pytest.fixture(scope="module")
def data():
    return datasets.load("orders"), datasets.load("customers"), datasets.load("interactions")


@pytest.fixture
def base():
    b = InfoBase(":memory:", clock=lambda: "2026-01-01 09:00:00")
    yield b
    b.close()


def test_data_card_saves_valid_customer(base):
    v = W.DataCardView(base)
    cid = v.update(name="张三", phone="+86 138-1234-5678", email="zs@example.com", source="展会", channel="当面交谈", consent=True, region="华东")
    assert cid is not None and v.message == ""
    c = base.customer(cid)
    assert c["phone"] == "13812345678" and c["source"] == "展会" and c["collect_channel"] == "当面交谈"
    assert c["consent_marketing"] == 1 and c["code"].startswith("P01")


@pytest.mark.parametrize(
    "values, fragment",
    [
        ({"name": "", "source": "展会"}, "姓名"),
        ({"name": "张三", "source": ""}, "来源"),
        ({"name": "张三", "source": "展会", "phone": "123"}, "手机号"),
        ({"name": "张三", "source": "展会", "email": "abc"}, "邮箱"),
        ({"name": "张三", "source": "展会", "id_number": "110101199001011230"}, "身份证号"),
        ({"name": "某公司", "customer_type": "企业", "source": "展会", "id_number": "11010519491231002X"}, "企业"),
        ({"name": "张三", "source": "展会", "channel": "偷拍"}, "收集渠道"),
    ],
)
def test_data_card_rejects_bad_input(base, values, fragment):
    v = W.DataCardView(base)
    assert v.update(**values) is None
    assert v.message and fragment in v.message
    assert "Traceback" not in v.message
    assert base.counts()["customers"] == 0


def test_data_card_stores_injection_text_and_survives_closed_base(base):
    v = W.DataCardView(base)
    evil = "'); DROP TABLE customers;--"
    cid = v.update(name=evil, phone="13912345678", source="门店")
    assert cid is not None and base.customer(cid)["name"] == evil and base.counts()["customers"] == 1
    base.close()
    assert v.update(name="李四", source="门店") is None
    assert "已经关闭" in v.message and "ProgrammingError" not in v.message


def test_role_view_masks(base):
    base.add_customer({"name": "张三", "phone": "13812345678"}, source="门店", channel="当面交谈")
    v = W.RoleView(base)
    role, view = v.update(role="客服")
    assert view.loc[0, "phone"] == "138****5678"
    assert v.update(role="老板") is None and "角色" in v.message


def test_analysis_views(data):
    orders, customers, interactions = data
    r = W.RegionSalesView(orders, customers)
    assert r.update(month="2025-12") is not None
    assert r.update(month="2031-01") is None and "没有订单" in r.message
    a = W.AgeFavouriteView(orders, customers)
    assert "favourite" in a.update(bands="每 10 岁一段").columns
    assert a.update(edges=(50, 20)) is None and a.message
    p = W.ParetoView(orders, customers)
    shares, top, share = p.update(top=0.2, region="华东")
    assert 0 < share < 1
    assert p.update(top=-1) is None and a.message
    assert p.update(top=0.2, region="火星") is None and "火星" in p.message
    f = W.ForecastView(orders, customers)
    assert len(f.update(horizon=3, level=0.8, region="西北")) > 3
    assert f.update(horizon=0) is None and f.message
    assert f.update(horizon=10**9) is None and f.message
    m = W.MonthCompareView(orders, interactions, customers)
    assert m.update(month="2025-12", region="全部").attrs["verdict"] in ("变好", "变差", "持平")
    assert m.update(month="2030-01") is None and "范围" in m.message
    assert m.update(month="abc") is None and m.message


def test_views_survive_empty_frames(data):
    orders, customers, interactions = data
    empty = orders.iloc[:0]
    for view, kw in (
        (W.ParetoView(orders, customers), {"top": 0.2}),
        (W.ForecastView(orders, customers), {"horizon": 6}),
    ):
        view.orders = empty
        assert view.update(**kw) is None and view.message


def test_views_on_empty_orders_explain_in_chinese(data):
    from crmlab import CRMDataError

    orders, customers, interactions = data
    for make in (lambda: W.RegionSalesView(orders.iloc[:0], customers),
                 lambda: W.MonthCompareView(orders.iloc[:0], interactions, customers)):
        with pytest.raises(CRMDataError, match="没有可以选择的月份"):
            make()
    for view in (W.ParetoView(orders.iloc[:0], customers), W.ForecastView(orders.iloc[:0], customers)):
        assert view.update() is None and view.message and "Traceback" not in view.message


def test_data_card_rejects_unknown_type(base):
    v = W.DataCardView(base)
    assert v.update(name="张三", source="门店", customer_type="猫") is None
    assert "个人" in v.message and "[" not in v.message


# ------------------------------------------------------------------ association rules


@pytest.fixture(scope="module")
def order_lines():
    return datasets.load("order_lines")


def test_rules_view_defaults_show_planted_rule_and_a_recommendation(order_lines):
    import matplotlib.pyplot as plt

    from crmlab.widgets.basket import RulesView

    v = RulesView(order_lines)
    assert v.message == "" and v.result is not None
    rules = v.result["rules"]
    assert rules.iloc[0]["rule"] == "休闲零食 → 酒水饮料"
    recs = v.result["recommendations"]
    assert v.controls["customer"].value and recs.loc[1, "推荐类别"] == "酒水饮料"
    assert v.figure is not None and not plt.fignum_exists(v.figure.number)  # shown, then closed
    high = v.update(min_lift=1.5)
    assert set(high["rules"]["lift"].round(6)) == {round(rules.iloc[0]["lift"], 6)}
    per_customer = v.update(by="customer", min_support=0.3, min_confidence=0.8, min_lift=0)
    assert per_customer["rules"].attrs["n_baskets"] > 2000


@pytest.mark.parametrize(
    "values, fragment",
    [
        ({"min_support": 0.99}, "降低"),
        ({"min_support": 0}, "0 到 1"),
        ({"min_confidence": -1}, "0 到 1"),
        ({"min_lift": -5}, "负数"),
        ({"min_lift": 1e9}, "降低"),
        ({"by": "年份"}, "按订单"),
        ({"nope": 1}, "不认识"),
    ],
)
def test_rules_view_absurd_inputs_give_chinese_messages(order_lines, values, fragment):
    from crmlab.widgets.basket import RulesView

    v = RulesView(order_lines)
    assert v.update(**values) is None
    assert fragment in v.message and "Traceback" not in v.message


def test_rules_view_unknown_customer_still_shows_rules(order_lines):
    from crmlab.widgets.basket import RulesView

    v = RulesView(order_lines, customer="C99999")
    assert v.message == "" and "没有客户 C99999" in v.result["problem"]
    assert len(v.result["rules"]) > 0
    assert v.update(customer="")["recommendations"] is None


def test_rules_view_on_empty_or_wrong_table():
    import pandas as pd

    from crmlab.widgets.basket import RulesView

    empty = RulesView(pd.DataFrame(columns=["order_id", "customer_id", "category"]))
    assert empty.result is None and "空的" in empty.message
    wrong = RulesView(pd.DataFrame({"x": [1]}))
    assert wrong.result is None and "缺少列" in wrong.message


# --------------------------------------------------------------------------- issue 9: absurd inputs, then recovery
# Every input of every lesson-2 widget fed empty, None, huge, negative, zero, non-numeric text and NaN through
# update(...): never an exception, never the generic fallback of View.update (输入有误 / 意外, which would show a
# raw English error), a specific Chinese message whenever no result is produced, and the next valid update works
# again.  ``legit`` lists the kinds that are valid values of that input (e.g. an empty region means 全部).

ABSURD = {"empty": "", "none": None, "huge": 1e12, "negative": -5, "zero": 0, "text": "abc", "yuan": "¥1,200",
          "nan": float("nan")}
ANY = frozenset(ABSURD)
EMPTY = frozenset({"empty", "none"})
CHINESE_RE = __import__("re").compile(r"[\u4e00-\u9fff]")

#: widget -> {input: kinds that are legitimate values}
L2_INPUTS = {
    "DataCardView": {"phone": EMPTY, "email": EMPTY, "id_number": EMPTY, "address": ANY, "city": ANY,
                     "gender": EMPTY, "region": EMPTY, "customer_type": frozenset(), "channel": frozenset(),
                     "consent": ANY, "source": ANY - EMPTY - {"zero"}, "name": ANY - EMPTY - {"zero"}},
    "RoleView": {"role": frozenset(), "user": {"text", "yuan"}},  # user: a name, any non-empty text
    "RegionSalesView": {"month": EMPTY},
    "AgeFavouriteView": {"bands": frozenset(), "value": frozenset(), "edges": {"none"}},
    "ParetoView": {"top": frozenset(), "region": EMPTY},
    "ForecastView": {"horizon": frozenset(), "level": frozenset(), "region": EMPTY},
    "MonthCompareView": {"month": frozenset(), "region": EMPTY},
    # a customer id that does not exist still shows the rules, with a Chinese note (tested below)
    "RulesView": {"min_support": frozenset(), "min_confidence": frozenset(), "min_lift": {"zero"},
                  "by": frozenset(), "customer": ANY},
}
#: fields a valid DataCardView entry needs besides the one under test
CARD_BASE = {"name": "张三", "source": "门店"}


@pytest.fixture(scope="module")
def l2_views(data, order_lines):
    orders, customers, interactions = data
    base = InfoBase(":memory:", clock=lambda: "2026-01-01 09:00:00")
    base.add_customer({"name": "王五", "phone": "13812345678"}, source="门店", channel="当面交谈")
    from crmlab.widgets.basket import RulesView

    views = {
        "DataCardView": W.DataCardView(base), "RoleView": W.RoleView(base),
        "RegionSalesView": W.RegionSalesView(orders, customers), "AgeFavouriteView": W.AgeFavouriteView(orders, customers),
        "ParetoView": W.ParetoView(orders, customers), "ForecastView": W.ForecastView(orders, customers),
        "MonthCompareView": W.MonthCompareView(orders, interactions, customers), "RulesView": RulesView(order_lines),
    }
    yield views
    base.close()


def _valid_update(view, name):
    return view.update(**CARD_BASE) if name == "DataCardView" else view.update()


@pytest.mark.parametrize("kind", list(ABSURD))
@pytest.mark.parametrize("name", list(L2_INPUTS))
def test_every_lesson2_widget_survives_absurd_input(l2_views, name, kind):
    import matplotlib.pyplot as plt

    v = l2_views[name]
    bad = ABSURD[kind]
    for field, legit in L2_INPUTS[name].items():
        extra = CARD_BASE if name == "DataCardView" else {}
        result = v.update(**{**extra, field: bad})  # must not raise
        where = f"{name}.{field}={bad!r}"
        assert "输入有误" not in v.message and "意外" not in v.message, f"{where}: generic message {v.message!r}"
        if kind in legit:
            assert result is not None and v.message == "", f"{where} rejected: {v.message!r}"
        else:
            assert result is None, f"{where} was accepted"
            assert CHINESE_RE.search(v.message) and "Traceback" not in v.message, where
            assert "⚠" in v.status.value
        if name == "RulesView" and field == "customer" and str(bad or "").strip():
            assert CHINESE_RE.search(result["problem"]), result["problem"]  # no such customer, said in Chinese
        plt.close("all")
        assert _valid_update(v, name) is not None and v.message == "", f"{name} did not recover after {where}"
        assert v.status.value == ""


def test_lesson2_slider_extremes_give_normal_results(order_lines, data):
    from crmlab.widgets.basket import RulesView

    orders, customers, _ = data
    r = RulesView(order_lines, customer="")
    for key in ("min_support", "min_confidence", "min_lift"):
        s = r.controls[key]
        for value in (s.min, s.max):
            s.value = value  # through the control, as a learner drags it
            assert (r.result is not None and r.message == "") or CHINESE_RE.search(r.message), (key, value, r.message)
            assert "输入有误" not in r.message and "意外" not in r.message
        s.value = {"min_support": 0.02, "min_confidence": 0.3, "min_lift": 0.0}[key]
        assert r.result is not None and r.message == ""
    f = W.ForecastView(orders, customers)
    for value in (f.horizon.min, f.horizon.max):
        f.horizon.value = value
        assert f.result is not None and len(f.result[f.result["kind"] == "预测"]) == value
    p = W.ParetoView(orders, customers)
    for value in (p.top.min, p.top.max):
        p.top.value = value
        assert p.result is not None and 0 < p.result[2] <= 1


def test_data_card_absurd_entries_leave_the_base_clean(base):
    v = W.DataCardView(base)
    for field in ("phone", "email", "id_number", "gender", "region"):
        assert v.update(name="张三", source="门店", **{field: "abc"}) is None and CHINESE_RE.search(v.message)
    assert base.counts()["customers"] == 0
    assert v.update(name="张三", source="门店", gender="女", region="华东") is not None
    assert base.counts()["customers"] == 1


def test_month_given_as_a_bare_number_is_refused_without_warning(data):
    import warnings

    orders, customers, interactions = data
    m = W.MonthCompareView(orders, interactions, customers)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pandas would warn that an integer Period is deprecated
        assert m.update(month=0) is None and "2025-12" in m.message
        assert m.update(month=202512) is None and "2025-12" in m.message
