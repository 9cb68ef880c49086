"""5C scoring, grades, credit limits and over-limit flags."""

from __future__ import annotations

import pandas as pd
import pytest

import crmlab
from crmlab.credit import DEFAULT_GRADES, credit_limit, grade_of, over_limit, score_5c

BASE = {
    "customer_id": "K1",
    "years_in_business": 5,
    "on_time_payment_rate": 0.85,
    "late_payments_12m": 2,
    "net_worth": 1_000_000.0,
    "working_capital": 400_000.0,
    "annual_revenue": 3_000_000.0,
    "debt_ratio": 0.55,
    "collateral_value": 20_000.0,
    "industry_outlook": 3,
    "payment_terms_days": 30,
    "avg_monthly_sales": 90_000.0,
    "credit_limit": 50_000.0,
}

BETTER = {
    "years_in_business": 12,
    "on_time_payment_rate": 0.97,
    "late_payments_12m": 0,
    "net_worth": 5_000_000.0,
    "working_capital": 2_000_000.0,
    "annual_revenue": 20_000_000.0,
    "debt_ratio": 0.35,
    "collateral_value": 80_000.0,
    "industry_outlook": 5,
}


def _acc(**kw):
    return pd.DataFrame([{**BASE, **kw}])


def test_score_columns_and_range():
    s = score_5c(_acc())
    for col in ("character", "capacity", "capital", "collateral", "conditions", "score", "grade", "reason"):
        assert col in s.columns
    assert 0 <= s.loc[0, "score"] <= 100
    assert s.loc[0, "grade"] == grade_of(s.loc[0, "score"])
    assert "优势" in s.loc[0, "reason"] and "短板" in s.loc[0, "reason"]
    assert s.loc[0, "weakest"] in s.loc[0, "reason"]


@pytest.mark.parametrize("fact", sorted(BETTER))
def test_better_fact_never_lowers_score(fact):
    base = score_5c(_acc()).loc[0, "score"]
    better = score_5c(_acc(**{fact: BETTER[fact]})).loc[0, "score"]
    assert better >= base
    worse_value = {"late_payments_12m": 5, "debt_ratio": 0.8}.get(fact)
    if worse_value is not None:
        assert score_5c(_acc(**{fact: worse_value})).loc[0, "score"] <= base


def test_all_better_is_strictly_better():
    assert score_5c(_acc(**BETTER)).loc[0, "score"] > score_5c(_acc()).loc[0, "score"] + 10


@pytest.mark.parametrize(
    "score, grade",
    [(100, "AAA"), (90, "AAA"), (89.9, "AA"), (80, "AA"), (79.99, "A"), (70, "A"), (60, "BBB"),
     (59.9, "BB"), (50, "BB"), (49.9, "B"), (0, "B")],
)
def test_grades_at_thresholds(score, grade):
    assert grade_of(score) == grade


def test_custom_thresholds_and_weights():
    assert grade_of(75, {"优": 75, "良": 60}) == "优"
    assert grade_of(59, {"优": 75, "良": 60}) == "B"
    assert DEFAULT_GRADES["AAA"] == 90
    # all weight on conditions: score equals the conditions sub-score
    s = score_5c(_acc(), weights={"character": 0, "capacity": 0, "capital": 0, "collateral": 0, "conditions": 1})
    assert s.loc[0, "score"] == pytest.approx(s.loc[0, "conditions"]) and s.loc[0, "score"] == 50
    s2 = score_5c(_acc(), scales={"industry_outlook": {"worst": 3, "best": 4}},
                  weights={"character": 0, "capacity": 0, "capital": 0, "collateral": 0, "conditions": 1})
    assert s2.loc[0, "score"] == 0


@pytest.mark.parametrize(
    "kw, msg",
    [
        ({"on_time_payment_rate": 85}, "0~1"),
        ({"debt_ratio": -0.2}, "资产负债率"),
        ({"industry_outlook": 9}, "1~5"),
        ({"years_in_business": -3}, "经营年限"),
        ({"net_worth": "很多"}, "不是数字"),
    ],
)
def test_absurd_facts_raise_chinese(kw, msg):
    with pytest.raises(crmlab.CRMDataError, match=msg):
        score_5c(_acc(**kw))


def test_weights_validation():
    with pytest.raises(crmlab.CRMDataError, match="未知"):
        score_5c(_acc(), weights={"charm": 1})
    with pytest.raises(crmlab.CRMDataError, match="负数"):
        score_5c(_acc(), weights={"character": -1})


def test_credit_limit_methods():
    acc = _acc(**BETTER)  # high grade
    lim = credit_limit(acc, round_to=1)
    row = lim.iloc[0]
    assert row["by_net_worth"] == pytest.approx(0.10 * 5_000_000)
    assert row["by_working_capital"] == pytest.approx(0.20 * 2_000_000)
    assert row["by_sales"] == pytest.approx(90_000)
    assert row["base_limit"] == pytest.approx(90_000)  # min of the three
    assert row["credit_limit"] == pytest.approx(90_000 * row["grade_factor"])
    mean = credit_limit(acc, combine="mean", round_to=1).iloc[0]
    assert mean["base_limit"] == pytest.approx((500_000 + 400_000 + 90_000) / 3)
    w = credit_limit(acc, combine={"net_worth": 1, "sales": 1}, round_to=1).iloc[0]
    assert w["base_limit"] == pytest.approx((500_000 + 90_000) / 2)
    nw = credit_limit(acc, method="net_worth", round_to=1000).iloc[0]
    assert nw["credit_limit"] % 1000 == 0
    longer = credit_limit(acc, terms_days=60, round_to=1).iloc[0]
    assert longer["by_sales"] == pytest.approx(180_000)


def test_credit_limit_scaled_by_grade():
    good = credit_limit(_acc(**BETTER), round_to=1).iloc[0]
    poor = credit_limit(_acc(on_time_payment_rate=0.6, late_payments_12m=8, industry_outlook=1, debt_ratio=0.9,
                             collateral_value=0), round_to=1).iloc[0]
    assert poor["grade"] == "B" and poor["credit_limit"] == 0
    assert good["credit_limit"] > 0
    with pytest.raises(crmlab.CRMDataError, match="method"):
        credit_limit(_acc(), method="gut feeling")


def test_over_limit():
    accounts = pd.DataFrame({"customer_id": ["A", "B", "C"], "credit_limit": [100.0, 1000.0, 0.0]})
    inv = pd.DataFrame(
        {
            "customer_id": ["A", "A", "B", "C"],
            "invoice_id": ["1", "2", "3", "4"],
            "amount": [80.0, 70.0, 500.0, 10.0],
            "issue_date": pd.to_datetime(["2025-12-01"] * 4),
            "due_date": pd.to_datetime(["2025-12-31"] * 4),
            "paid_date": pd.to_datetime([None, None, None, "2025-12-20"]),
        }
    )
    out = over_limit(accounts, inv, "2026-01-01").set_index("customer_id")
    assert out.loc["A", "over_limit"] and out.loc["A", "excess"] == 50
    assert not out.loc["B", "over_limit"] and not out.loc["C", "over_limit"]


def test_course_accounts_score():
    acc = crmlab.datasets.load("accounts")  # the course data ship with the package: a load error is a failure
    s = score_5c(acc)
    assert s["score"].between(0, 100).all()
    assert s["grade"].nunique() >= 3


def test_zero_limit_has_a_reason():
    # negative working capital: the prudent minimum is 0 and the note says why
    neg = credit_limit(_acc(**{**BETTER, "working_capital": -50_000.0}), round_to=1).iloc[0]
    assert neg["by_working_capital"] == 0 and neg["credit_limit"] == 0
    assert "营运资金" in neg["limit_note"]
    # no purchases: the sales method is 0
    idle = credit_limit(_acc(**{**BETTER, "avg_monthly_sales": 0.0}), round_to=1).iloc[0]
    assert idle["credit_limit"] == 0 and "采购额" in idle["limit_note"]
    # grade B: cash only
    poor = credit_limit(_acc(on_time_payment_rate=0.4, late_payments_12m=9, industry_outlook=1, debt_ratio=0.9,
                             collateral_value=0), round_to=1).iloc[0]
    assert poor["grade"] == "B" and "现金" in poor["limit_note"]
    # a positive limit names the binding method
    good = credit_limit(_acc(**BETTER), round_to=1).iloc[0]
    assert good["credit_limit"] > 0 and "销售额法" in good["limit_note"]


def test_course_accounts_grades_spread_and_most_credit_customers_get_a_limit():
    """Default scales must suit the course company: grades spread out, and
    every credit customer without a limit has a stated cause."""
    acc = crmlab.datasets.load("accounts")  # the course data ship with the package: a load error is a failure
    lim = credit_limit(acc)
    share = lim["grade"].value_counts(normalize=True)
    assert share.max() < 0.30  # no grade holds almost a third of the accounts
    assert {"AAA", "AA", "A", "BBB", "BB", "B"} <= set(share.index)
    terms = acc["payment_terms_days"].gt(0).to_numpy()
    assert (lim.loc[terms, "credit_limit"] > 0).mean() > 0.5
    zero = lim[terms & (lim["credit_limit"] == 0).to_numpy()]
    assert zero["limit_note"].str.contains("现金|营运资金|采购额|取整").all()


@pytest.mark.parametrize(
    "kw, msg",
    [
        ({"combine": {"sales": "a"}}, "数字"),
        ({"round_to": "百"}, "round_to"),
        ({"round_to": -100}, "round_to"),
        ({"grade_factors": {"AAA": -1, "AA": 1, "A": 1, "BBB": 1, "BB": 1, "B": 1}}, "0~10"),
        ({"thresholds": [1, 2]}, "字典"),
        ({"scales": {"net_worth": 5}}, "字典"),
        ({"scales": {"net_worth": {"worst": "低"}}}, "数字"),
    ],
)
def test_absurd_limit_parameters_give_chinese_errors(kw, msg):
    with pytest.raises(crmlab.CRMDataError, match=msg):
        credit_limit(_acc(), **kw)


def test_grade_of_text_score():
    with pytest.raises(crmlab.CRMDataError, match="0-100"):
        grade_of("高")


# --------------------------------------------------------------------------- the collateral C, graded


def _collateral(**kw) -> float:
    return score_5c(_acc(**kw)).loc[0, "collateral"]


def test_a_customer_who_owes_us_nothing_gets_full_collateral_marks():
    # a cash customer (no terms, no limit) owes nothing: there is nothing to secure
    assert _collateral(payment_terms_days=0, avg_monthly_sales=90_000.0, credit_limit=0.0, collateral_value=0.0) == 100
    # a customer without any debts at all, even on credit terms
    assert _collateral(debt_ratio=0.0, avg_monthly_sales=0.0, credit_limit=0.0, collateral_value=0.0) == 100


def test_collateral_score_is_graded_by_how_much_of_the_debts_it_covers():
    # debts: exposure to us 90,000 x 30 / 30 = 90,000 plus other debts 1,000,000 x 0.5 / 0.5 = 1,000,000
    debts = 90_000 + 1_000_000
    scores = [_collateral(debt_ratio=0.5, collateral_value=share * debts) for share in (0, 0.25, 0.5, 0.75, 1.0, 2.0)]
    assert scores == pytest.approx([0, 25, 50, 75, 100, 100], abs=0.05)


def test_insolvent_customer_has_no_collateral_cover():
    # debts at least as large as the assets: the collateral secures nothing
    assert _collateral(debt_ratio=1.2, collateral_value=500_000.0) == 0
    assert _collateral(debt_ratio=0.5, collateral_value=500_000.0) > 0


def test_course_accounts_collateral_scores_are_graded():
    s = score_5c(crmlab.datasets.load("accounts"))["collateral"]
    strictly_between = s[(s > 0) & (s < 100)]
    assert len(strictly_between) >= 0.2 * len(s)  # not a 0/100 switch
    assert strictly_between.round().nunique() >= 20
