"""Tests for crmlab.segment (lesson 3): RFM, summaries, KMeans, budget demo, demographic/behavioural."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmlab import CRMDataError
from crmlab import segment as S

ASOF = pd.Timestamp("2026-01-01")


def _orders(spec):
    """spec: customer -> (days before ASOF of the last order, n orders, total amount)."""
    rows = []
    for cid, (days_ago, n_orders, total) in spec.items():
        last = ASOF - pd.Timedelta(days=days_ago)
        for k in range(n_orders):
            rows.append(
                {
                    "customer_id": cid,
                    "order_id": f"{cid}-{k}",
                    "order_date": last - pd.Timedelta(days=3 * k),
                    "amount": total / n_orders,
                }
            )
    return pd.DataFrame(rows)


# One customer per segment.  Each dimension has four clearly high and four clearly
# low customers (a full 2x2x2 design), with values far apart, so every rule gives
# the same answer: the rule decides, not the rank order of near ties.
EIGHT = {
    # code: (customer, days ago, orders, amount)
    "HHH": ("A", 2, 12, 9000.0),
    "HLH": ("B", 4, 2, 8000.0),
    "LHH": ("C", 300, 11, 8500.0),
    "LLH": ("D", 320, 1, 7000.0),
    "HHL": ("E", 3, 13, 300.0),
    "HLL": ("F", 5, 3, 200.0),
    "LHL": ("G", 310, 10, 250.0),
    "LLL": ("H", 330, 2, 100.0),
}


@pytest.fixture
def eight():
    return _orders({c: v for c, *v in EIGHT.values()})


@pytest.mark.parametrize("rule", ["score_mean", "value_mean", "value_median"])
def test_eight_customers_get_the_eight_segment_names(eight, rule):
    out = S.rfm(eight, ASOF, high_rule=rule)
    assert len(out) == 8
    for code, (cid, *_rest) in EIGHT.items():
        assert out.loc[cid, "code"] == code
        assert out.loc[cid, "segment"] == S.CN8_SEGMENTS[code]
    assert set(out["segment"]) == set(S.CN8_SEGMENTS.values())


def test_rfm_values(eight):
    out = S.rfm(eight, ASOF)
    assert out.index.name == "customer_id"
    assert list(out.index) == sorted(out.index)
    assert out.loc["A", "recency"] == 2
    assert out.loc["A", "frequency"] == 12
    assert out.loc["D", "monetary"] == pytest.approx(7000.0)
    assert out["R"].between(1, 5).all() and out["F"].between(1, 5).all()
    # most recent customer gets R = 5, the longest ago R = 1
    assert out.loc["A", "R"] == 5
    assert out.loc["H", "R"] == 1
    assert out.loc["E", "F"] == 5 and out.loc["D", "F"] == 1
    assert out.loc["A", "M"] == 5 and out.loc["H", "M"] == 1


def test_asof_default_is_day_after_last_order(eight):
    out = S.rfm(eight)
    assert out.attrs["asof"] == "2025-12-31"  # last order 2025-12-30 (A, 2 days before 2026-01-01)
    assert out.loc["A", "recency"] == 1
    assert out.loc["H", "recency"] == 329


def test_asof_before_last_order_is_an_error(eight):
    with pytest.raises(CRMDataError, match="早于"):
        S.rfm(eight, "2025-06-01")


def test_frequency_counts_distinct_orders_not_rows():
    df = pd.DataFrame(
        {
            "customer_id": ["X", "X", "X", "Y"],
            "order_id": ["o1", "o1", "o2", "o3"],  # o1 has two product lines
            "order_date": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-02-01", "2025-03-01"]),
            "amount": [10.0, 20.0, 5.0, 7.0],
        }
    )
    out = S.rfm(df, ASOF)
    assert out.loc["X", "frequency"] == 2
    assert out.loc["X", "monetary"] == pytest.approx(35.0)
    # without order_id every row is an order (CDNOW style)
    out2 = S.rfm(df.drop(columns="order_id"), ASOF)
    assert out2.loc["X", "frequency"] == 3


def test_order_shared_by_two_customers_counts_for_both():
    df = pd.DataFrame(
        {
            "customer_id": ["X", "Y", "Y"],
            "order_id": ["o1", "o1", "o2"],
            "order_date": pd.to_datetime(["2025-01-01"] * 3),
            "amount": [1.0, 1.0, 1.0],
        }
    )
    out = S.rfm(df, ASOF)
    assert out["frequency"].to_dict() == {"X": 1, "Y": 2}


def test_identical_customers_get_identical_scores():
    # 10 customers with identical behaviour: nothing tells them apart, so every score is the middle one
    df = pd.DataFrame(
        {
            "customer_id": [f"C{i:02d}" for i in range(10)],
            "order_date": pd.Timestamp("2025-12-01"),
            "amount": 100.0,
        }
    )
    out = S.rfm(df, ASOF)
    for col in "RFM":
        assert out[col].tolist() == [3] * 10


def test_quintile_scores_equal_values_share_the_middle_score():
    # the example: five equal values used to get 1..5 by position
    assert S.quintile_scores([10] * 5).tolist() == [3] * 5
    assert S.quintile_scores([10] * 5, ascending=False).tolist() == [3] * 5
    # six equal small values fill the first 60 % of the line: their middle place (30 %) is in the 2nd fifth
    assert S.quintile_scores([1, 1, 1, 1, 1, 1, 2, 3, 4, 5]).tolist() == [2] * 6 + [4, 4, 5, 5]


@pytest.mark.parametrize(
    ("values", "expected"),
    [([7.0], [5]), ([1, 2], [3, 5]), ([1, 2, 3], [2, 4, 5]), ([1, 1, 2], [3, 3, 5]),
     ([5, 1, 5, 1], [5, 2, 5, 2]), ([3, 3], [4, 4]), ([0, 0, 0, 0, 0, 0, 0, 1], [3] * 7 + [5])],
)
def test_quintile_scores_small_or_tied_inputs_get_fewer_scores(values, expected):
    assert S.quintile_scores(values).tolist() == expected


@pytest.mark.parametrize("n", [1, 2, 3, 4, 7, 8, 13, 101])
def test_quintile_scores_valid_for_any_size(n):
    s = S.quintile_scores(np.arange(n))
    assert s.min() >= 1 and s.max() <= 5
    assert s[-1] == 5  # the largest value is always in the top quintile
    assert np.all(np.diff(s) >= 0)  # monotone in the value
    # mean never below 3, so under "strictly above the mean" a 3 is never high
    assert s.mean() >= 3
    # untied values: the classic quintile of the rank, ceil(5 * rank / n)
    assert s.tolist() == [-(-5 * r // n) for r in range(1, n + 1)]


def test_quintile_scores_even_bins():
    s = S.quintile_scores(np.arange(100)[::-1] * 1.0, ascending=False)
    assert s[0] == 1 and s[-1] == 5
    assert np.bincount(s)[1:].tolist() == [20] * 5


def test_value_rules_differ_from_score_rule():
    # monetary skewed: one whale; with value_mean only the whale is high on M,
    # with score_mean the top two quintiles are high.
    spec = {f"C{i}": (10 + i, 1, 100.0 + i) for i in range(9)}
    spec["W"] = (5, 1, 100000.0)
    df = _orders(spec)
    by_score = S.rfm(df, ASOF)
    by_mean = S.rfm(df, ASOF, high_rule="value_mean")
    by_median = S.rfm(df, ASOF, high_rule="value_median")
    assert by_score["code"].str[2].eq("H").sum() == 4
    assert by_mean["code"].str[2].eq("H").sum() == 1
    assert by_median["code"].str[2].eq("H").sum() == 5
    # recency: lower is high
    assert by_mean.loc["W", "code"][0] == "H"
    assert by_mean.loc["C8", "code"][0] == "L"


def test_rf_grid_names():
    # 25 customers, one per (R, F) cell: recency rank and frequency rank independent
    spec = {}
    for r in range(5):
        for f in range(5):
            spec[f"R{r}F{f}"] = (200 - 40 * r, 1 + f, 100.0)
    # make F ranks distinct across cells with the same number of orders: tiny-day offsets don't matter
    df = _orders(spec)
    out = S.rfm(df, ASOF, scheme="rf_grid")
    assert set(out["segment_en"]) == set(S.RF_GRID_NAMES)
    assert len(S.RF_GRID) == 25
    champions = out[out["segment_en"] == "Champions"]
    assert (champions["R"] == 5).all() and (champions["F"] >= 4).all()
    lost = out[out["segment_en"] == "Lost"]
    assert ((lost["R"] == 1) & (lost["F"] == 1)).all()
    for _, row in out.iterrows():
        assert row["segment_en"] == S.RF_GRID[(row["R"], row["F"])]
        assert row["segment"] == S.RF_GRID_NAMES[row["segment_en"]]
    assert S.RF_GRID[(5, 1)] == "New Customers"
    assert S.RF_GRID[(1, 5)] == "Can't Lose Them"


@pytest.mark.parametrize(
    "bad, match",
    [
        (pd.DataFrame(), "空的"),
        (pd.DataFrame({"customer_id": ["a"], "order_date": ["2025-01-01"]}), "amount"),
        (pd.DataFrame({"customer_id": ["a"], "order_date": ["not a date"], "amount": [1.0]}), "日期"),
        (pd.DataFrame({"customer_id": ["a", None], "order_date": ["2025-01-01"] * 2, "amount": [1.0, 2]}), "customer_id"),
        (pd.DataFrame({"customer_id": ["a"], "order_date": ["2025-01-01"], "amount": ["十二元"]}), "数字"),
        (pd.DataFrame({"customer_id": ["a"], "order_date": ["2025-01-01"], "amount": [np.nan]}), "空值"),
        (pd.DataFrame({"customer_id": ["a"], "order_date": ["2025-01-01"], "amount": [-5.0]}), "退货"),
        ("orders.csv", "DataFrame"),
    ],
)
def test_rfm_rejects_bad_input_in_chinese(bad, match):
    with pytest.raises(CRMDataError, match=match):
        S.rfm(bad)


@pytest.mark.parametrize("high_rule", ["score_mean", "value_mean", "value_median"])
@pytest.mark.parametrize("scheme", ["cn8", "rf_grid"])
def test_relabel_rfm_equals_a_fresh_rfm(high_rule, scheme):
    import crmlab

    tx = crmlab.datasets.load("orders")
    base = S.rfm(tx, "2026-01-01", high_rule="value_median" if high_rule == "score_mean" else "score_mean")
    again = S.relabel_rfm(base, high_rule=high_rule, scheme=scheme)
    fresh = S.rfm(tx, "2026-01-01", high_rule=high_rule, scheme=scheme)
    pd.testing.assert_frame_equal(again, fresh)
    assert again.attrs == fresh.attrs


def test_relabel_rfm_rejects_other_tables_in_chinese():
    with pytest.raises(CRMDataError, match="RFM 表缺少列"):
        S.relabel_rfm(pd.DataFrame({"recency": [1]}))
    with pytest.raises(CRMDataError, match="high_rule"):
        S.relabel_rfm(pd.DataFrame({"recency": [1]}), high_rule="mode")


def test_rfm_options_validated(eight):
    with pytest.raises(CRMDataError, match="high_rule"):
        S.rfm(eight, high_rule="mean")
    with pytest.raises(CRMDataError, match="scheme"):
        S.rfm(eight, scheme="abc")


def test_returns_reduce_monetary_but_are_not_orders():
    df = pd.DataFrame(
        {
            "customer_id": ["X", "X", "Y", "Z"],
            "order_id": ["o1", "r1", "o2", "r2"],
            "order_date": pd.to_datetime(["2025-01-01", "2025-06-01", "2025-03-01", "2025-03-02"]),
            "amount": [100.0, -30.0, 50.0, -10.0],
        }
    )
    out = S.rfm(df, ASOF)
    assert list(out.index) == ["X", "Y"]  # Z has only a return
    assert out.loc["X", "frequency"] == 1
    assert out.loc["X", "monetary"] == pytest.approx(70.0)
    assert out.loc["X", "recency"] == (ASOF - pd.Timestamp("2025-01-01")).days


def test_string_dates_and_amounts_accepted():
    df = pd.DataFrame({"customer_id": ["a", "b"], "order_date": ["2025-12-30", "2025-11-01"], "amount": ["10", "20.5"]})
    out = S.rfm(df)
    assert out.loc["b", "monetary"] == pytest.approx(20.5)
    assert out.loc["a", "recency"] == 1


def test_segment_summary_sums(eight):
    table = S.rfm(eight, ASOF)
    summ = S.segment_summary(table)
    assert list(summ.index) == list(S.CN8_SEGMENTS.values())
    assert summ["customers"].sum() == 8
    assert summ["customer_share"].sum() == pytest.approx(1.0)
    assert summ["revenue"].sum() == pytest.approx(table["monetary"].sum())
    assert summ["revenue_share"].sum() == pytest.approx(1.0)
    assert summ.loc["重要价值客户", "monetary_mean"] == pytest.approx(9000.0)
    assert summ["strategy"].str.len().gt(5).all()


def test_segment_summary_keeps_empty_segments():
    df = _orders({"A": (1, 5, 100.0), "B": (100, 1, 10.0)})
    summ = S.segment_summary(S.rfm(df, ASOF))
    assert len(summ) == 8
    assert (summ["customers"] == 0).sum() == 6


def test_segment_summary_rejects_non_rfm():
    with pytest.raises(CRMDataError, match="rfm"):
        S.segment_summary(pd.DataFrame({"a": [1]}))


# --------------------------------------------------------------------------- KMeans


def _blobs(n_per=40, seed=0):
    rng = np.random.default_rng(seed)
    parts = []
    for rec, freq, mon in [(5, 30, 20000), (300, 2, 200), (20, 4, 800), (200, 15, 6000)]:
        parts.append(
            pd.DataFrame(
                {
                    "recency": rng.normal(rec, rec * 0.05, n_per).clip(1),
                    "frequency": rng.normal(freq, freq * 0.05, n_per).clip(1).round(),
                    "monetary": rng.normal(mon, mon * 0.05, n_per).clip(1),
                }
            )
        )
    df = pd.concat(parts, ignore_index=True)
    df.index = [f"C{i:03d}" for i in range(len(df))]
    return df


def test_kmeans_finds_the_blobs_and_names_them():
    data = _blobs()
    res = S.kmeans_segments(data, k=4)
    assert res.k == 4 and len(res.labels) == len(data)
    assert res.profiles["size"].tolist() == [40, 40, 40, 40]
    assert res.profiles["share"].sum() == pytest.approx(1.0)
    assert res.profiles["revenue_share"].sum() == pytest.approx(1.0)
    assert res.silhouette > 0.7
    # every blob in one cluster
    for start in range(0, 160, 40):
        assert res.labels.iloc[start : start + 40].nunique() == 1
    name_of = dict(zip(res.labels.iloc[[0, 40, 80, 120]], res.profiles["name"].iloc[res.labels.iloc[[0, 40, 80, 120]]]))
    first = res.labels.iloc[0]
    assert name_of[first] == "重要价值客户"
    assert res.profiles.loc[res.labels.iloc[40], "name"] == "一般挽留客户"
    # centers back in original units
    c = res.centers.loc[first]
    assert 3 < c["recency"] < 8 and 20000 * 0.8 < c["monetary"] < 20000 * 1.2
    assert res.profiles["name"].is_unique


def test_kmeans_deterministic():
    data = _blobs(seed=3)
    a = S.kmeans_segments(data, k=3)
    b = S.kmeans_segments(data, k=3)
    assert a.labels.equals(b.labels)
    assert a.silhouette == b.silhouette


def test_kmeans_k_errors():
    data = _blobs(n_per=2)
    with pytest.raises(CRMDataError, match="比客户数"):
        S.kmeans_segments(data, k=9)
    with pytest.raises(CRMDataError, match="至少是 2"):
        S.kmeans_segments(data, k=1)
    with pytest.raises(CRMDataError, match="至少要选择"):
        S.kmeans_segments(data, features=[], k=2)
    with pytest.raises(CRMDataError, match="缺少列"):
        S.kmeans_segments(data, features=["age"], k=2)
    same = pd.DataFrame({"recency": [1.0] * 5, "frequency": 2.0, "monetary": 3.0})
    with pytest.raises(CRMDataError, match="不同"):
        S.kmeans_segments(same, k=2)
    neg = data.assign(recency=-data["recency"])
    with pytest.raises(CRMDataError, match="负数"):
        S.kmeans_segments(neg, k=2)
    S.kmeans_segments(neg, k=2, log=False)  # fine without the log


def test_choose_k():
    data = _blobs()
    scores = S.choose_k(data, range(2, 7))
    assert list(scores.index) == [2, 3, 4, 5, 6]
    assert scores["inertia"].is_monotonic_decreasing
    assert scores["silhouette"].idxmax() == 4
    with pytest.raises(CRMDataError):
        S.choose_k(data.iloc[:3], range(2, 6))


def test_crosstab_segments(eight):
    table = S.rfm(eight, ASOF)
    res = S.kmeans_segments(table, k=2)
    tab = S.crosstab_segments(res.labels, table["segment"], names=res.names.to_dict())
    assert tab.to_numpy().sum() == 8
    assert list(tab.index) == list(res.names)


def test_name_cluster_generic_and_survey():
    assert S.name_cluster({"recency": -1.0, "frequency": 1.0, "monetary": -0.5}) == "一般价值客户"
    assert S.name_cluster({"bn_price": 1.2, "ls_budget": 0.9, "bn_quality": -1.0}) == "重实惠·会算账型"
    assert S.name_cluster({"age": 1.0, "income": -0.1}, {"age": "年龄", "income": "收入"}) == "高年龄·收入一般型"


def test_psychographic_segments_recover_profiles():
    rng = np.random.default_rng(1)
    centers = {
        "price": {"ls_budget": 4.5, "bn_price": 4.6, "bn_quality": 2.5, "ls_fitness": 2.5},
        "quality": {"ls_budget": 2.2, "bn_price": 2.2, "bn_quality": 4.6, "ls_fitness": 4.3},
    }
    rows = []
    for name, prof in centers.items():
        for i in range(60):
            rows.append({"customer_id": f"{name}{i}", **{k: np.clip(round(v + rng.normal(0, 0.5)), 1, 5) for k, v in prof.items()}})
    res = S.psychographic_segments(pd.DataFrame(rows), k=2)
    names = set(res.profiles["name"])
    assert any("重实惠" in n or "会算账" in n for n in names)
    assert any("重品质" in n or "爱运动" in n for n in names)
    with pytest.raises(CRMDataError, match="ls_"):
        S.psychographic_segments(pd.DataFrame({"customer_id": ["a"], "x": [1]}))


# --------------------------------------------------------------------------- budget demo, demographic, behavioural


def test_budget_targeted_beats_even(eight):
    summ = S.segment_summary(S.rfm(eight, ASOF))
    alloc = S.budget_allocation(summ, budget=40, cost_per_contact=10)
    assert alloc["contacts_even"].sum() == pytest.approx(4)
    assert alloc["contacts_targeted"].sum() == pytest.approx(4)
    assert alloc.attrs["return_targeted"] > alloc.attrs["return_even"]
    # targeted contacts go to the best segments first
    best = alloc["expected_per_contact"].nlargest(4).index
    assert alloc.loc[best, "contacts_targeted"].sum() == pytest.approx(4)
    # a budget bigger than everybody: both plans contact every customer, same return
    big = S.budget_allocation(summ, budget=10**6, cost_per_contact=10)
    assert big.attrs["return_targeted"] == pytest.approx(big.attrs["return_even"])
    for bad in (0, -5, float("nan")):
        with pytest.raises(CRMDataError, match="预算"):
            S.budget_allocation(summ, budget=bad)


def test_age_band_and_usage_rate():
    bands = S.age_band([18, 25, 34, 35, 60, np.nan])
    assert list(bands.astype(object)[:5]) == ["25岁以下", "25-34岁", "25-34岁", "35-44岁", "55岁及以上"]
    assert pd.isna(bands.iloc[5])
    u = S.usage_rate(pd.Series([1, 2, 3, 4, 5, 6]))
    assert u.value_counts().to_dict() == {"轻度用户": 2, "中度用户": 2, "重度用户": 2}
    assert u.iloc[0] == "轻度用户" and u.iloc[-1] == "重度用户"
    # equal usage, equal group, whatever the order: four one-time buyers are all light users
    tied = S.usage_rate(pd.Series([1, 3, 1, 1, 2, 1]))
    assert list(tied.astype(object)) == ["轻度用户", "重度用户", "轻度用户", "轻度用户", "重度用户", "轻度用户"]
    assert S.usage_rate([4] * 6).astype(object).unique().tolist() == ["中度用户"]
    t = S.usage_rate(pd.Series([1, 5, 10]), thresholds=(3, 10))
    assert list(t.astype(object)) == ["轻度用户", "中度用户", "重度用户"]
    with pytest.raises(CRMDataError):
        S.usage_rate(pd.Series([1, 2]), thresholds=(5, 3))


def test_loyalty_and_behaviour():
    rows = []
    # regular: one order every quarter of 2025
    for m in (1, 4, 7, 10, 12):
        rows.append(("R", f"R{m}", f"2025-{m:02d}-05", 10.0, "日常", "现金"))
    rows.append(("O", "O1", "2025-12-01", 10.0, "促销", "赊销"))  # one order
    rows.append(("L", "L1", "2024-06-01", 10.0, "节假日", "现金"))  # long ago
    rows.append(("L", "L2", "2024-07-01", 10.0, "节假日", "现金"))
    df = pd.DataFrame(rows, columns=["customer_id", "order_id", "order_date", "amount", "occasion", "payment_method"])
    df["order_date"] = pd.to_datetime(df["order_date"])
    loy = S.loyalty_status(df, ASOF)
    assert loy["R"] == "坚定忠诚" and loy["O"] == "一次性客户" and loy["L"] == "已流失"
    beh = S.customer_behaviour(df, ASOF)
    assert beh.loc["O", "payment_method"] == "赊销"
    assert beh.loc["L", "occasion"] == "节假日"
    tab = S.segment_table(beh, "payment_method")
    assert tab["customers"].sum() == 3
    assert tab["revenue_share"].sum() == pytest.approx(1.0)


def test_demographic_segments():
    customers = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "customer_type": ["个人", "个人", "个人", "企业"],
            "age": [22, 40, 41, np.nan],
            "gender": ["女", "男", "男", ""],
            "city_tier": ["一线", "二线", "二线", "一线"],
        }
    )
    orders = pd.DataFrame({"customer_id": ["a", "b", "d"], "amount": [100.0, 300.0, 999.0]})
    tab = S.demographic_segments(customers, orders)
    assert tab["customers"].sum() == 3  # the business customer is left out
    row = tab.loc[("35-44岁", "男", "二线")]
    assert row["customers"] == 2 and row["revenue"] == pytest.approx(300.0)
    assert row["revenue_per_customer"] == pytest.approx(150.0)
    assert tab["revenue_share"].sum() == pytest.approx(1.0)


# --------------------------------------------------------------------------- real and uploaded data


def test_rfm_on_cdnow_rows_are_orders():
    import crmlab

    cd = crmlab.datasets.load("cdnow")
    out = S.rfm(cd)
    assert len(out) == cd["customer_id"].nunique()
    rows = cd.groupby("customer_id").size()
    assert (out["frequency"] == rows.reindex(out.index)).all()
    assert out["monetary"].sum() == pytest.approx(cd["amount"].sum())
    assert out.attrs["asof"] == str((cd["order_date"].max() + pd.Timedelta(days=1)).date())
    summ = S.segment_summary(out)
    assert summ["customers"].sum() == len(out)
    # the 1,205 one-purchase customers are indistinguishable on F: one score for all of them
    one = out[out["frequency"] == 1]
    assert len(one) == 1205
    assert one["F"].nunique() == 1
    # and every frequency maps to one F score, larger frequencies never to smaller scores
    by_f = out.groupby("frequency")["F"].agg(["min", "max"])
    assert (by_f["min"] == by_f["max"]).all()
    assert by_f["min"].is_monotonic_increasing


def test_rfm_accepts_read_transactions_output():
    from crmlab.io import read_transactions

    text = "客户编号,订单号,日期,金额\nC1,O1,2025-12-01,100\nC1,O2,2025-12-20,50\nC2,O3,2025-06-01,30\n"
    data = read_transactions(text.encode("gbk"), filename="x.csv")
    out = S.rfm(data, ASOF)
    assert out.loc["C1", "frequency"] == 2 and out.loc["C1", "recency"] == 12
    assert out.loc["C2", "monetary"] == pytest.approx(30.0)


def test_segment_module_imports_without_sklearn():
    import subprocess
    import sys

    code = "import sys, crmlab.segment, crmlab.charts.segment, crmlab.widgets.segment; print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: S.rfm(pd.DataFrame({"customer_id": ["a", "b"], "order_date": ["2025-01-01"] * 2,
                                     "amount": [np.inf, 1.0]})), "无穷"),
        (lambda: S.rfm(pd.DataFrame({"customer_id": ["a"], "order_date": ["2025-01-01"], "amount": [1.0]}), 5), "日期"),
        (lambda: S.quintile_scores(["a", "b"]), "数字"),
        (lambda: S.quintile_scores([np.nan, 1.0]), "空值"),
        (lambda: S.age_band(["abc", 20]), "数字"),
        (lambda: S.age_band([-5, 30]), "负数"),
        (lambda: S.usage_rate([1, 2, 3], thresholds=(1,)), "两个数字"),
        (lambda: S.usage_rate([1, 2, 3], thresholds=("a", "b")), "两个数字"),
        (lambda: S.crosstab_segments([0, 1], ["a", "b"]), "Series"),
        (lambda: S.name_cluster({}), "特征"),
        (lambda: S.demographic_segments(pd.DataFrame({"customer_id": ["A"], "age": [20]}),
                                        pd.DataFrame({"x": [1]}), by=["age_band"]), "customer_id"),
    ],
)
def test_absurd_inputs_give_chinese_errors(call, match):
    with pytest.raises(CRMDataError, match=match):
        call()


def test_loyalty_asof_validated_like_rfm(eight):
    with pytest.raises(CRMDataError, match="无法识别"):
        S.loyalty_status(eight, "hello")
    with pytest.raises(CRMDataError, match="早于"):
        S.loyalty_status(eight, "2020-01-01")


def test_name_cluster_recency_near_average_is_not_called_active():
    near = S.name_cluster({"recency": -0.1, "frequency": 0.9})
    active = S.name_cluster({"recency": -1.2, "frequency": 0.9})
    assert near == "高购买次数·最近购买一般型"
    assert active == "近期活跃·高购买次数型"
    assert S.name_cluster({"recency": 0.8, "frequency": 0.1}) == "久未购买·购买次数一般型"


@pytest.mark.parametrize(("n", "sample"), [(800, 3000), (6000, 1000)])
def test_kmeans_silhouette_equals_scikit_learns(n, sample):
    from sklearn.metrics import silhouette_score

    rng = np.random.default_rng(3)
    table = pd.DataFrame({"recency": rng.gamma(2, 60, n), "frequency": rng.poisson(3, n) + 1,
                          "monetary": rng.gamma(2, 400, n)})
    res = S.kmeans_segments(table, k=4, n_init=2, silhouette_sample=sample)
    x = np.log1p(table.to_numpy(float))
    x = (x - x.mean(0)) / x.std(0)
    expected = silhouette_score(x, res.labels.to_numpy(), sample_size=sample if n > sample else None, random_state=0)
    assert res.silhouette == pytest.approx(expected, abs=1e-12)
