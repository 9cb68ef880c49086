"""Association rules (crmlab.basket): hand-checked numbers, thresholds, errors, the planted pattern."""

from __future__ import annotations

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from crmlab import CRMDataError, analysis, basket, datasets
from crmlab.charts.basket import plot_rules
from crmlab.datasets import get_company

# 8 orders, 4 customers.  面包 5/8, 牛奶 6/8, 鸡蛋 3/8; 面包+牛奶 4/8, 牛奶+鸡蛋 2/8, 面包+鸡蛋 1/8.
ORDERS = {
    "O1": ("K1", ["面包", "牛奶"]),
    "O2": ("K1", ["面包", "牛奶"]),
    "O3": ("K2", ["面包", "牛奶", "鸡蛋"]),
    "O4": ("K3", ["面包"]),
    "O5": ("K3", ["牛奶", "鸡蛋"]),
    "O6": ("K4", ["鸡蛋"]),
    "O7": ("K4", ["牛奶"]),
    "O8": ("K5", ["面包", "牛奶"]),
}


@pytest.fixture
def lines():
    rows = [(o, k, c) for o, (k, cats) in ORDERS.items() for c in cats]
    return pd.DataFrame(rows, columns=["order_id", "customer_id", "category"])


@pytest.fixture(scope="module")
def course_lines():
    return datasets.load("order_lines")


def _rule(rules, a, c):
    hit = rules[(rules["antecedents"] == frozenset([a])) & (rules["consequents"] == frozenset([c]))]
    assert len(hit) == 1, (a, c)
    return hit.iloc[0]


def test_basket_matrix_one_row_per_basket(lines):
    m = basket.basket_matrix(lines)
    assert m.shape == (8, 3) and m.dtypes.eq(bool).all()
    assert m.loc["O3"].all() and m.loc["O6"].tolist() == [False, False, True]  # columns sorted: 牛奶 面包 鸡蛋
    c = basket.basket_matrix(lines, by="customer")
    assert c.shape == (5, 3) and c.loc["K3"].all()


def test_support_confidence_lift_by_hand(lines):
    rules = basket.find_rules(lines, min_support=0.1, min_confidence=0.1)
    r = _rule(rules, "面包", "牛奶")
    assert r["support"] == pytest.approx(4 / 8)
    assert r["confidence"] == pytest.approx(4 / 5)
    assert r["lift"] == pytest.approx((4 / 5) / (6 / 8))
    r = _rule(rules, "鸡蛋", "牛奶")  # high confidence, yet lift below 1
    assert r["confidence"] == pytest.approx(2 / 3) and r["lift"] == pytest.approx((2 / 3) / (6 / 8))
    assert r["lift"] < 1
    assert rules["lift"].is_monotonic_decreasing
    assert rules.attrs["n_baskets"] == 8 and rules.attrs["by"] == "order"
    # lift ties (A → B and B → A) go to the higher confidence
    assert rules.iloc[0]["rule"] == "面包 → 牛奶"


def test_thresholds_filter(lines):
    rules = basket.find_rules(lines, min_support=0.2, min_confidence=0.5, min_lift=1.0)
    assert set(rules["rule"]) == {"面包 → 牛奶", "牛奶 → 面包"}
    assert (rules["support"] >= 0.2).all() and (rules["confidence"] >= 0.5).all()
    per_customer = basket.find_rules(lines, min_support=0.5, min_confidence=0.5, by="customer")
    assert per_customer.attrs["n_baskets"] == 5
    assert _rule(per_customer, "面包", "牛奶")["support"] == pytest.approx(4 / 5)


def test_longer_rules_are_readable(lines):
    rules = basket.find_rules(lines, min_support=0.1, min_confidence=0.1, max_len=3)
    assert "牛奶 + 面包 → 鸡蛋" in set(rules["rule"])
    assert basket.rule_text(frozenset(["b", "a"]), frozenset(["c"])) == "a + b → c"


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"min_support": 0}, "0 到 1"),
        ({"min_support": 5}, "0.05"),
        ({"min_confidence": 1.5}, "0 到 1"),
        ({"min_confidence": "高"}, "不是数字"),
        ({"min_support": float("nan")}, "空值"),
        ({"min_lift": -1}, "负数"),
        ({"by": "月份"}, "按订单"),
        ({"max_len": 1}, "max_len"),
    ],
)
def test_bad_thresholds_chinese_errors(lines, kwargs, fragment):
    with pytest.raises(CRMDataError, match=fragment):
        basket.find_rules(lines, **kwargs)


def test_bad_tables_and_no_rule(lines):
    with pytest.raises(CRMDataError, match="缺少列"):
        basket.find_rules(lines.drop(columns="category"))
    with pytest.raises(CRMDataError, match="空的"):
        basket.find_rules(lines.iloc[:0])
    with pytest.raises(CRMDataError, match="DataFrame"):
        basket.find_rules([1, 2, 3])
    with pytest.raises(CRMDataError, match="降低"):
        basket.find_rules(lines, min_support=0.9)
    with pytest.raises(CRMDataError, match="降低"):
        basket.find_rules(lines, min_support=0.1, min_lift=2)


def test_tables_in_chinese(lines):
    rules = basket.find_rules(lines, min_support=0.1, min_confidence=0.1)
    t = basket.rules_table(rules)
    assert list(t.columns[:6]) == ["规则", "前项", "后项", "支持度", "置信度", "提升度"]
    assert t.index[0] == 1 and t.index.name == "排名"
    html = basket.styled_rules(rules, top=3).to_html()
    assert "80.0%" in html and "提升度" in html
    text = basket.explain_rule(_rule(rules, "鸡蛋", "牛奶"))
    assert "67%" in text and "75%" in text and "0.89" in text and "没有用" in text
    with pytest.raises(CRMDataError, match="find_rules"):
        basket.rules_table(pd.DataFrame({"x": [1]}))


def test_recommend_from_rules_with_lift_above_one(lines):
    rules = basket.find_rules(lines, min_support=0.1, min_confidence=0.1)
    extra = pd.DataFrame({"order_id": ["O9"], "customer_id": ["K6"], "category": ["面包"]})
    both = pd.concat([lines, extra], ignore_index=True)
    recs = basket.recommend(rules, both, "K6")
    assert recs["推荐类别"].tolist() == ["牛奶"]  # 面包 → 鸡蛋 has lift < 1: not a reason
    assert recs.loc[1, "依据规则"] == "面包 → 牛奶" and "80%" in recs.loc[1, "理由"]
    full = basket.recommend(rules, both, "K2")  # bought everything
    assert full.empty and "没有可推荐" in full.attrs["message"]
    with pytest.raises(CRMDataError, match="没有客户"):
        basket.recommend(rules, both, "K99")


def test_no_heavy_import_at_crmlab_import():
    code = "import sys, crmlab, crmlab.basket, crmlab.analysis; print('mlxtend' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_analysis_reexports_the_rules():
    assert analysis.find_rules is basket.find_rules and analysis.recommend is basket.recommend


def test_chart_support_confidence_coloured_by_lift(lines):
    rules = basket.find_rules(lines, min_support=0.1, min_confidence=0.1)
    ax = plot_rules(rules)
    assert len(ax.collections[0].get_offsets()) == len(rules)
    colorbar_labels = [a.get_ylabel() for a in ax.figure.axes if a is not ax]
    assert any("提升度" in s for s in colorbar_labels)
    key = ax.figure.legends[0].get_texts()  # every point is numbered; the key below names each rule
    assert any("面包 → 牛奶" in t.get_text() for t in key)
    matplotlib.pyplot.close(ax.figure)
    with pytest.raises(CRMDataError, match="规则"):
        plot_rules(rules.iloc[:0])


# ------------------------------------------------------------------ the course data


def test_planted_rule_is_top_by_lift_at_default_thresholds(course_lines):
    rules = basket.find_rules(course_lines)  # the notebook's defaults
    x, y = get_company(0).cross_sell
    top = rules.iloc[0]
    assert top["antecedents"] == frozenset([x]) and top["consequents"] == frozenset([y])
    assert top["lift"] > 1.8 and top["confidence"] > 0.6 and top["support"] > 0.1
    others = rules[~rules["antecedents"].isin([frozenset([x]), frozenset([y])])]
    assert others["lift"].max() < 1.1  # everything else is near independence


def test_course_data_has_a_useless_high_confidence_rule(course_lines):
    rules = basket.find_rules(course_lines)
    staple, rare = get_company(0).staple
    r = _rule(rules, rare, staple)
    assert r["confidence"] >= 0.6 and r["lift"] < 0.9
    assert r["lift"] == rules["lift"].min()


def test_customers_like_them_get_the_planted_consequent(course_lines):
    rules = basket.find_rules(course_lines)
    x, y = get_company(0).cross_sell
    m = basket.basket_matrix(course_lines, by="customer")
    cid = m.index[m[x] & ~m[y]][0]
    recs = basket.recommend(rules, course_lines, cid)
    assert recs.loc[1, "推荐类别"] == y and "订单" in recs.loc[1, "理由"]


@pytest.mark.slow
@pytest.mark.parametrize("group", [1, 2, 3, 4])
def test_planted_rule_is_top_in_every_group(group):
    rules = basket.find_rules(datasets.load("order_lines", group=group))
    x, y = get_company(group).cross_sell
    assert rules.iloc[0]["rule"] == f"{x} → {y}"
    assert np.isclose(rules.iloc[1]["lift"], rules.iloc[0]["lift"])  # the reverse rule, less confident


# ------------------------------------------------------------------ lesson-2 exercises 11-13


def test_exercises_accept_answers_and_catch_mistakes(course_lines):
    from crmlab.exercises import lesson2 as L

    rules = basket.find_rules(course_lines)
    r = _rule(rules, *L.Q11_RULE)
    assert L.q11.check(r["lift"]).correct and L.q11.check(round(r["lift"], 2)).correct
    for wrong, fragment in [(r["confidence"], "置信度"), (r["support"], "支持度"), (1 / r["lift"], "除反"),
                            (r["lift"] * 100, "百分数"), (5.0, "方向")]:
        res = L.q11.check(wrong)
        assert not res.correct and fragment in res.message, (wrong, res.message)
    top = rules.iloc[0]["lift"]
    assert L.q12.check(1.2).correct and L.q12.check(round(top, 2) - 0.01).correct
    assert "太低" in L.q12.check(0.9).message and "太高" in L.q12.check(top + 0.1).message
    assert "负数" in L.q12.check(-1).message
    assert L.q13.check("B").correct and L.q13.check(" b ").correct
    for choice in "ACD":
        res = L.q13.check(choice)
        assert not res.correct and res.message and "正确" not in res.message
    assert "选项字母" in L.q13.check("E").message


def test_exercise_13_numbers_match_the_data(course_lines):
    from crmlab.exercises import lesson2 as L

    staple, rare = get_company(0).staple
    r = _rule(basket.find_rules(course_lines), rare, staple)
    assert f"{r['consequent support']:.0%}" in L.Q13_OPTIONS["B"] and f"{r['confidence']:.0%}" in L.Q13_OPTIONS["B"]
    assert f"{r['support']:.0%}" in L.Q13_OPTIONS["C"] and f"{r['lift']:.2f}" in L.Q13_OPTIONS["D"]
    assert f"{r['confidence']:.0%}" in L.q13.prompt and f"{r['lift']:.2f}" in L.q13.prompt
