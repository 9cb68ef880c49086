"""Tests for crmlab.value (delivered value, CLV three ways), its charts and widgets."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from crmlab import CRMDataError
from crmlab import value as V
from crmlab.charts import value as C

DATA = Path(__file__).resolve().parents[2] / "data"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def chinese(text: str) -> bool:
    return bool(text) and bool(CHINESE.search(text))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def offers_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "product_value": [60, 50],
            "service_value": [20, 30],
            "personnel_value": [10, 10],
            "image_value": [10, 5],
            "money_cost": [70, 50],
            "time_cost": [5, 10],
            "energy_cost": [3, 4],
            "physical_cost": [2, 6],
        },
        index=["A", "B"],
    )


def metrics_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "gross_profit": [100.0, 300.0, 200.0],
            "volume": [10.0, 10.0, 10.0],  # constant column
            "service_cost": [0.0, 50.0, 100.0],  # negative indicator
            "satisfaction": [5.0, 3.0, 1.0],
            "loyalty": [4.0, 2.0, 3.0],
            "trust": [1.0, 5.0, 3.0],
        },
        index=pd.Index(["C1", "C2", "C3"], name="customer_id"),
    )


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    assert (DATA / "cdnow_summary.csv").exists(), "data/cdnow_summary.csv ships with the course"
    import crmlab

    return crmlab.datasets.load("cdnow_summary")


@pytest.fixture(scope="module")
def fitted(cdnow):
    bg = V.BGNBD().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    gg = V.GammaGamma().fit(cdnow["frequency"], cdnow["monetary_value"])
    return bg, gg


# ---------------------------------------------------------------------------
# delivered value
# ---------------------------------------------------------------------------


def test_delivered_value_arithmetic_and_best():
    res = V.delivered_value(offers_frame())
    # A: value 100, cost 80 -> 20; B: value 95, cost 70 -> 25
    assert res.loc["A", "total_value"] == 100 and res.loc["A", "total_cost"] == 80
    assert res.loc["B", "total_value"] == 95 and res.loc["B", "total_cost"] == 70
    assert res.loc["A", "delivered_value"] == 20 and res.loc["B", "delivered_value"] == 25
    assert res.loc["B", "value_cost_ratio"] == pytest.approx(95 / 70)
    # the cheaper-looking offer in money is not what matters: B wins on delivered value
    assert res["best"].tolist() == [False, True]


def test_delivered_value_ties_and_lower_price_not_always_best():
    offers = offers_frame()
    offers.loc["B", "money_cost"] = 55  # B now 20 as well -> tie
    res = V.delivered_value(offers)
    assert res["best"].all()
    offers.loc["B", "money_cost"] = 40  # cheapest money cost...
    offers.loc["B", "time_cost"] = 40  # ...but costs a lot of time -> B = -5
    res = V.delivered_value(offers)
    assert res.loc["A", "best"] and not res.loc["B", "best"]


def test_delivered_value_rejects_negative_and_missing():
    offers = offers_frame()
    offers.loc["A", "time_cost"] = -1
    with pytest.raises(CRMDataError, match="时间成本") as err:
        V.delivered_value(offers)
    assert chinese(str(err.value))
    with pytest.raises(CRMDataError, match="形象价值"):
        V.delivered_value(offers_frame().drop(columns="image_value"))
    with pytest.raises(CRMDataError):
        V.delivered_value(pd.DataFrame())


# ---------------------------------------------------------------------------
# indicator method
# ---------------------------------------------------------------------------


def test_indicator_normalisation_negative_and_constant():
    res = V.indicator_clv(metrics_frame())
    assert res.loc["C1", "gross_profit_norm"] == 0.0
    assert res.loc["C2", "gross_profit_norm"] == 1.0
    assert res.loc["C3", "gross_profit_norm"] == 0.5
    # constant column -> 0.5, not NaN
    assert (res["volume_norm"] == 0.5).all()
    # service cost is a negative indicator: lowest cost -> 1
    assert res.loc["C1", "service_cost_norm"] == 1.0
    assert res.loc["C3", "service_cost_norm"] == 0.0
    assert res.loc["C2", "trust_norm"] == 1.0 and res.loc["C1", "trust_norm"] == 0.0


def test_indicator_scores_by_hand():
    w = {"gross_profit": 2, "volume": 0, "service_cost": 1, "satisfaction": 1, "loyalty": 0, "trust": 0}
    res = V.indicator_clv(metrics_frame(), w)
    # weights rescale to sum 1: current 3/4, potential 1/4
    # C1: gp 0, sc 1 -> current = 100*(2*0+1*1)/3 ; potential = sat 1 -> 100
    assert res.loc["C1", "current_value"] == pytest.approx(100 / 3)
    assert res.loc["C1", "potential_value"] == pytest.approx(100)
    assert res.loc["C1", "clv_score"] == pytest.approx(100 * (0 + 1 + 1) / 4)
    # C2: gp 1, sc .5, sat .5 -> (2 + .5 + .5) / 4
    assert res.loc["C2", "clv_score"] == pytest.approx(75)
    # C3: gp .5, sc 0, sat 0 -> 1 / 4
    assert res.loc["C3", "clv_score"] == pytest.approx(25)
    assert list(res.index) == ["C2", "C1", "C3"]
    assert list(res["rank"]) == [1, 2, 3]
    np.testing.assert_allclose(res["current_contribution"] + res["potential_contribution"], res["clv_score"])


def test_indicator_default_weights_sum_to_one_and_split():
    w = V.DEFAULT_WEIGHTS
    assert sum(w.values()) == pytest.approx(1.0)
    assert sum(w[k] for k in V.CURRENT_INDICATORS) == pytest.approx(0.6)
    res = V.indicator_clv(metrics_frame())
    assert res["clv_score"].between(0, 100).all()
    np.testing.assert_allclose(res["clv_score"], 0.6 * res["current_value"] + 0.4 * res["potential_value"])


def test_indicator_errors_are_chinese():
    with pytest.raises(CRMDataError) as err:
        V.indicator_clv(metrics_frame(), dict.fromkeys(V.INDICATORS, 0))
    assert "权重" in str(err.value)
    with pytest.raises(CRMDataError, match="负数"):
        V.indicator_clv(metrics_frame(), {"gross_profit": -0.5, "trust": 1})
    with pytest.raises(CRMDataError, match="未知"):
        V.indicator_clv(metrics_frame(), {"profit": 1})
    bad = metrics_frame()
    bad.loc["C2", "loyalty"] = np.nan
    with pytest.raises(CRMDataError, match="C2"):
        V.indicator_clv(bad)
    with pytest.raises(CRMDataError, match="服务成本"):
        V.indicator_clv(metrics_frame().drop(columns="service_cost"))


def test_indicator_rank_method():
    res = V.indicator_clv(metrics_frame(), method="rank")
    assert res.loc["C2", "gross_profit_norm"] == 1.0 and res.loc["C1", "gross_profit_norm"] == 0.0
    assert (res["volume_norm"] == 0.5).all()
    with pytest.raises(CRMDataError):
        V.indicator_clv(metrics_frame(), method="zscore")


def test_clv_metrics_from_small_frames():
    orders = pd.DataFrame(
        {
            "customer_id": ["C1", "C1", "C2", "C3"],
            "order_date": pd.to_datetime(["2024-01-05", "2025-03-01", "2025-06-01", "2023-12-01"]),
            "quantity": [2, 3, 1, 9],
            "amount": [200.0, 300.0, 80.0, 900.0],
            "gross_profit": [50.0, 70.0, 20.0, 100.0],
        }
    )
    interactions = pd.DataFrame({"customer_id": ["C1", "C1"], "date": pd.to_datetime(["2024-02-01", "2025-01-01"]), "service_cost": [10.0, 5.5]})
    survey = pd.DataFrame(
        {
            "customer_id": ["C1", "C1", "C3"],
            "survey_date": pd.to_datetime(["2025-12-01", "2024-06-01", "2025-01-01"]),
            "satisfaction": [5, 1, 3],
            "loyalty": [4, 1, 2],
            "trust": [5, 1, 1],
        }
    )
    m = V.clv_metrics(orders, interactions, survey)
    assert list(m.columns) == V.INDICATORS
    assert m.loc["C1", "gross_profit"] == 120 and m.loc["C1", "volume"] == 5
    assert m.loc["C1", "service_cost"] == 15.5 and m.loc["C2", "service_cost"] == 0
    assert m.loc["C1", "satisfaction"] == 5  # latest answer
    assert m.loc["C2", "satisfaction"] == 4  # no answer -> median of C1 (5) and C3 (3)
    windowed = V.clv_metrics(orders, interactions, survey, start="2024-01-01", end="2025-12-31", volume="orders")
    assert "C3" not in windowed.index and windowed.loc["C1", "volume"] == 2
    V.indicator_clv(m)  # complete metrics feed the indicator method


def test_clv_metrics_on_course_data():
    assert (DATA / "orders.csv").exists(), "data/orders.csv ships with the course"
    import crmlab

    m = V.clv_metrics(crmlab.datasets.load("orders"), crmlab.datasets.load("interactions"), crmlab.datasets.load("survey"))
    assert m.notna().all().all() and len(m) > 100
    res = V.indicator_clv(m)
    assert res["rank"].iloc[0] == 1 and res["clv_score"].is_monotonic_decreasing


# ---------------------------------------------------------------------------
# discounted CLV
# ---------------------------------------------------------------------------


def test_discounted_clv_by_hand():
    table = V.discounted_clv(100, 0.5, 0.1, 3)
    expected = [100 * 0.5 / 1.1, 100 * 0.25 / 1.21, 100 * 0.125 / 1.331]
    np.testing.assert_allclose(table["discounted_margin"], expected)
    np.testing.assert_allclose(table["survival"], [0.5, 0.25, 0.125])
    assert list(table.index) == [1, 2, 3]
    assert V.clv_value(100, 0.5, 0.1, 3) == pytest.approx(sum(expected))
    assert V.clv_value(100, 0.5, 0.1, 3, acquisition_cost=30) == pytest.approx(sum(expected) - 30)
    grow = V.discounted_clv([100, 200, 300], 1.0, 0.0, 3)
    assert grow["cumulative_clv"].tolist() == [100, 300, 600]


@pytest.mark.parametrize("args", [(100, 0.5, 0.1, 3, 0.0), ([100, 110, 121.5, 90], 0.8, 0.08, 4, 250.0),
                                  (-40, 1.0, 0.0, 20, 10.0), (1e6, 0.99, 0.5, 1000, 0.0)])
def test_discounted_margins_are_the_tables_numbers(args):
    """The table-free form gives exactly the table's discounted margins and last cumulative CLV."""
    margin, retention, discount, periods, acq = args
    table = V.discounted_clv(margin, retention, discount, periods, acquisition_cost=acq)
    flows, clv = V.discounted_margins(margin, retention, discount, periods, acquisition_cost=acq)
    assert np.array_equal(flows, table["discounted_margin"].to_numpy())
    assert clv == table["cumulative_clv"].iloc[-1] == V.clv_value(margin, retention, discount, periods,
                                                                  acquisition_cost=acq)


@pytest.mark.parametrize("bad", [{"retention": 80}, {"discount": -0.1}, {"periods": 0}, {"margin": [1, 2]},
                                 {"acquisition_cost": -5}, {"margin": 1e308, "retention": 1.0, "discount": 0.0}])
def test_discounted_margins_refuse_what_the_table_refuses(bad):
    args = {"margin": 100, "retention": 0.8, "discount": 0.1, "periods": 3, "acquisition_cost": 0.0} | bad
    with pytest.raises(CRMDataError) as table_error:
        V.discounted_clv(**args)
    with pytest.raises(CRMDataError) as flows_error:
        V.discounted_margins(**args)
    assert str(flows_error.value) == str(table_error.value)


def test_discounted_clv_validation():
    with pytest.raises(CRMDataError, match="除以 100"):
        V.discounted_clv(100, 80, 0.1)
    with pytest.raises(CRMDataError, match="折现率"):
        V.discounted_clv(100, 0.8, -0.1)
    with pytest.raises(CRMDataError, match="期数"):
        V.discounted_clv(100, 0.8, 0.1, 0)
    with pytest.raises(CRMDataError, match="期数"):
        V.discounted_clv(100, 0.8, 0.1, 2.5)
    with pytest.raises(CRMDataError):
        V.discounted_clv([1, 2], 0.8, 0.1, 3)
    with pytest.raises(CRMDataError, match="获客成本"):
        V.discounted_clv(100, 0.8, 0.1, acquisition_cost=-5)


# ---------------------------------------------------------------------------
# BG/NBD and Gamma-Gamma
# ---------------------------------------------------------------------------


def test_bgnbd_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)
    n = 300
    x = rng.poisson(1.5, n).astype(float)
    T = rng.uniform(20, 40, n)
    tx = np.where(x > 0, rng.uniform(0, 1, n) * T, 0.0)
    theta = np.log([0.4, 5.0, 0.8, 2.5])
    args = (x, tx, T, x > 0, np.maximum(x, 1) - 1)
    _, grad = V._bgnbd_loglik_terms(theta, *args, True)
    for i in range(4):
        e = np.zeros(4)
        e[i] = 1e-6
        up = V._bgnbd_loglik_terms(theta + e, *args, False)[0].sum()
        down = V._bgnbd_loglik_terms(theta - e, *args, False)[0].sum()
        assert grad.sum(axis=1)[i] == pytest.approx((up - down) / 2e-6, rel=1e-5)


def test_bgnbd_reproduces_fader_hardie_lee_2005(fitted):
    bg, _ = fitted
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for key, value in published.items():
        assert bg.params_[key] == pytest.approx(value, rel=0.005), key
    assert bg.log_likelihood_ == pytest.approx(-9582.4, abs=0.1)
    assert bg.n_ == 2357


def test_bgnbd_predictions(fitted, cdnow):
    bg, _ = fitted
    # FHL 2005: customer with x=2, t_x=30.43, T=38.86 expects 1.226 purchases in the next 39 weeks
    assert bg.expected_purchases(39, 2, 30.43, 38.86) == pytest.approx(1.226, abs=0.002)
    assert bg.expected_purchases(0, 2, 30.43, 38.86) == 0
    p = bg.prob_alive(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    assert isinstance(p, pd.Series) and len(p) == len(cdnow)
    assert ((p > 0) & (p <= 1)).all()
    assert (p[cdnow["frequency"] == 0] == 1).all()
    # same frequency, older last purchase -> less likely alive
    assert bg.prob_alive(5, 5.0, 38.0) < bg.prob_alive(5, 35.0, 38.0)
    # the fitted model reproduces the calibration-period repeat purchases in aggregate
    total = np.sum(bg.expected_purchases_new(cdnow["T"].to_numpy()))
    assert total == pytest.approx(cdnow["frequency"].sum(), rel=0.02)
    new = bg.expected_purchases_new(np.array([0.0, 10.0, 39.0, 78.0]))
    assert new[0] == 0 and np.all(np.diff(new) > 0)


def test_bgnbd_frequency_zero_only_few_and_bad_input():
    x = np.array([0, 0, 0, 0, 1, 3, 0, 2])
    tx = np.array([0, 0, 0, 0, 5.0, 20.0, 0, 12.0])
    T = np.full(8, 30.0)
    bg = V.BGNBD().fit(x, tx, T)
    assert all(np.isfinite(v) and v > 0 for v in bg.params_.values())
    assert np.isfinite(bg.log_likelihood_)
    with pytest.raises(CRMDataError, match="recency"):
        V.BGNBD().fit([1, 2], [10.0, 50.0], [30.0, 30.0])
    with pytest.raises(CRMDataError):
        V.BGNBD().fit([], [], [])
    with pytest.raises(CRMDataError, match="拟合"):
        V.BGNBD().prob_alive(1, 1, 2)


def test_gamma_gamma_reproduces_published(fitted):
    _, gg = fitted
    for key, value in {"p": 6.25, "q": 3.74, "v": 15.44}.items():
        assert gg.params_[key] == pytest.approx(value, rel=0.005), key
    assert gg.n_ == 946
    p, q, v = gg.params_["p"], gg.params_["q"], gg.params_["v"]
    population_mean = p * v / (q - 1)
    assert gg.conditional_expected_average_profit(0, 0) == pytest.approx(population_mean)
    # a customer's estimate lies between the population mean and their own mean, closer to own with more purchases
    few = gg.conditional_expected_average_profit(1, 100.0)
    many = gg.conditional_expected_average_profit(20, 100.0)
    assert population_mean < few < many < 100


def test_summary_from_orders_rebuilds_cdnow_summary(cdnow):
    import crmlab

    assert (DATA / "cdnow.csv").exists(), "data/cdnow.csv ships with the course"
    rebuilt = V.summary_from_orders(crmlab.datasets.load("cdnow"), today="1997-09-30")
    ref = cdnow.set_index("customer_id").reindex(rebuilt.index)
    assert (rebuilt["frequency"] == ref["frequency"]).all()
    for col in ["recency", "T", "monetary_value"]:
        assert np.abs(rebuilt[col] - ref[col]).max() < 0.01, col


def test_predict_clv_shapes_and_monotonicity(fitted, cdnow):
    bg, gg = fitted
    clv = V.predict_clv(cdnow, months=12, bgnbd=bg, gg=gg)
    assert len(clv) == len(cdnow) and list(clv.index) == list(cdnow["customer_id"])
    for col in ["prob_alive", "expected_purchases", "expected_avg_value", "clv", "historical_value"]:
        assert col in clv.columns and clv[col].notna().all()
    assert (clv["clv"] >= 0).all() and (clv["expected_purchases"] >= 0).all()
    longer = V.predict_clv(cdnow, months=24, bgnbd=bg, gg=gg)
    assert (longer["clv"] >= clv["clv"] - 1e-12).all() and longer["clv"].sum() > clv["clv"].sum()
    half = V.predict_clv(cdnow, months=12, margin=0.5, bgnbd=bg, gg=gg)
    np.testing.assert_allclose(half["clv"], 0.5 * clv["clv"])
    no_discount = V.predict_clv(cdnow, months=12, discount_rate_annual=0.0, bgnbd=bg, gg=gg)
    np.testing.assert_allclose(no_discount["clv"], clv["expected_purchases"] * clv["expected_avg_value"], rtol=1e-9)
    with pytest.raises(CRMDataError, match="除以 100"):
        V.predict_clv(cdnow, discount_rate_annual=10, bgnbd=bg, gg=gg)


def test_predict_clv_fits_models_when_not_given():
    rng = np.random.default_rng(3)
    n = 400
    x = rng.poisson(2, n)
    T = rng.uniform(30, 50, n)
    tx = np.where(x > 0, rng.uniform(0.2, 1, n) * T, 0.0)
    mv = np.where(x > 0, rng.gamma(5, 10, n), 0.0)
    summary = pd.DataFrame({"frequency": x, "recency": tx, "T": T, "monetary_value": mv}, index=[f"K{i}" for i in range(n)])
    out = V.predict_clv(summary, months=6)
    assert out.shape[0] == n and out["clv"].gt(0).all()


def test_at_risk_selection():
    frame = pd.DataFrame(
        {
            "historical_value": [1000, 900, 800, 50, 40, 30, 20, 10, 5, 0],
            "prob_alive": [0.9, 0.2, 0.1, 0.05, 0.3, 0.9, 0.9, 0.9, 0.9, 0.01],
            "clv": [500, 10, 5, 1, 1, 1, 1, 1, 1, 0],
        },
        index=list("abcdefghij"),
    )
    risky = V.at_risk(frame, value_quantile=0.7, alive_below=0.5)
    threshold = frame["historical_value"][frame["historical_value"] > 0].quantile(0.7)
    expected = frame[(frame["historical_value"] >= threshold) & (frame["prob_alive"] < 0.5)]
    assert list(risky.index) == ["b", "c"] == list(expected.sort_values("historical_value", ascending=False).index)
    assert V.at_risk(frame, 0.7, 0.0).empty
    with pytest.raises(CRMDataError, match="除以 100"):
        V.at_risk(frame, 0.8, 50)


def test_at_risk_on_cdnow(fitted, cdnow):
    bg, gg = fitted
    clv = V.predict_clv(cdnow, bgnbd=bg, gg=gg)
    risky = V.at_risk(clv)
    assert len(risky) > 0
    assert (risky["prob_alive"] < 0.5).all()
    assert risky["historical_value"].is_monotonic_decreasing
    threshold = clv["historical_value"][clv["historical_value"] > 0].quantile(0.8)
    missed = clv[(clv["historical_value"] >= threshold) & (clv["prob_alive"] < 0.5)].index.difference(risky.index)
    assert missed.empty


# ---------------------------------------------------------------------------
# charts
# ---------------------------------------------------------------------------


def _texts(ax) -> str:
    return " ".join([ax.get_title(), ax.get_xlabel(), ax.get_ylabel()] + [t.get_text() for t in ax.texts])


def test_charts_return_axes_with_chinese(fitted, cdnow):
    bg, gg = fitted
    ax = C.plot_delivered_value(V.delivered_value(offers_frame()))
    assert chinese(_texts(ax)) and "★" in _texts(ax)
    ax = C.plot_clv_ranking(V.indicator_clv(metrics_frame()), top=2)
    assert len(ax.get_yticklabels()) == 2 and chinese(_texts(ax))
    ax = C.plot_discounted_clv(V.discounted_clv(1000, 0.8, 0.1, 10))
    assert chinese(_texts(ax))
    ax = C.plot_prob_alive(bg, 10, 39)
    assert chinese(_texts(ax))
    ax = C.plot_at_risk(V.predict_clv(cdnow, bgnbd=bg, gg=gg))
    assert chinese(_texts(ax))
    with pytest.raises(CRMDataError):
        C.plot_delivered_value(pd.DataFrame())
    with pytest.raises(CRMDataError):
        C.plot_prob_alive(V.BGNBD(), 10, 39)


# ---------------------------------------------------------------------------
# widgets
# ---------------------------------------------------------------------------


def test_delivered_value_view():
    from crmlab.widgets.value import DeliveredValueView

    view = DeliveredValueView()
    assert view.message == "" and view.result is not None
    assert chinese(view.text) and "理性客户" in view.text
    assert view.update(offers=offers_frame()) is not None
    assert "B" in view.text and view.message == ""
    # moving a box recomputes through the observer
    name = view.names[1]
    view.boxes[(name, "money_cost")].value = 0
    assert view.result.loc[name, "best"]
    for bad in (pd.DataFrame(), offers_frame().assign(money_cost=-1), offers_frame().assign(product_value=1e308, service_value=1e308), "abc"):
        assert view.update(offers=bad) is None
        assert chinese(view.message)
    everything_negative = offers_frame().assign(money_cost=1000)
    assert view.update(offers=everything_negative) is not None and "负数" in view.text
    assert chinese(DeliveredValueView(pd.DataFrame({"x": [1]})).note)


def test_indicator_clv_view():
    from crmlab.widgets.value import IndicatorCLVView

    view = IndicatorCLVView(metrics_frame())
    assert view.message == "" and chinese(view.text)
    res = view.update(gross_profit=1, volume=0, service_cost=0, satisfaction=0, loyalty=0, trust=0)
    assert list(res.index) == ["C2", "C3", "C1"]
    assert view.update(gross_profit=0, volume=0, service_cost=0, satisfaction=0, loyalty=0, trust=0) is None
    assert "权重" in view.message
    for bad in ({"gross_profit": -1}, {"gross_profit": 1e300}, {"top": -5}, {"method": "what"}, {"nonsense": 1}):
        view.update(**bad)
        assert view.message == "" or chinese(view.message)
    assert view.update(method="what") is None and chinese(view.message)
    view.sliders["trust"].value = 1.0  # observer path
    assert view.message == ""
    for metrics in (pd.DataFrame(), None, metrics_frame().drop(columns="trust")):
        empty = IndicatorCLVView(metrics)
        assert empty.result is None and chinese(empty.message)


def test_discounted_clv_view():
    from crmlab.widgets.value import DiscountedCLVView

    view = DiscountedCLVView()
    assert view.message == "" and chinese(view.text)
    table = view.update(margin=100, retention=0.5, discount=0.1, periods=3, acquisition_cost=0)
    assert table["cumulative_clv"].iloc[-1] == pytest.approx(75.5071, abs=1e-3)
    for bad in ({"retention": 80}, {"discount": -1}, {"periods": 0}, {"margin": "abc"}, {"margin": 1e308, "retention": 1, "discount": 0}):
        assert view.update(**bad) is None
        assert chinese(view.message)
    assert view.update(margin=-100) is not None and "负" in view.text
    assert view.update(retention=0) is not None and view.message == ""
    view.controls["periods"].value = 20  # observer path
    assert len(view.result) == 20


def test_at_risk_view(fitted, cdnow):
    from crmlab.widgets.value import AtRiskView

    bg, gg = fitted
    clv = V.predict_clv(cdnow, bgnbd=bg, gg=gg)
    view = AtRiskView(clv)
    assert view.message == "" and chinese(view.text)
    risky = view.update(value_quantile=0.9, alive_below=0.3)
    assert list(risky.index) == list(V.at_risk(clv, 0.9, 0.3).index)
    none = view.update(value_quantile=0.9, alive_below=0.0)
    assert none is not None and none.empty and chinese(view.text)
    for bad in ({"alive_below": 50}, {"value_quantile": -1}, {"value_quantile": "x"}, {"oops": 1}):
        assert view.update(**bad) is None and chinese(view.message)
    for frame in (None, pd.DataFrame(), clv.drop(columns="prob_alive")):
        empty = AtRiskView(frame)
        assert empty.result is None and chinese(empty.message)


def test_indicator_accepts_customer_id_column():
    frame = metrics_frame().reset_index()
    res = V.indicator_clv(frame)
    assert set(res.index) == {"C1", "C2", "C3"}
    pd.testing.assert_series_equal(res["clv_score"], V.indicator_clv(metrics_frame())["clv_score"])


def _text_money_orders():
    return pd.DataFrame(
        {
            "customer_id": ["C1", "C1", "C2"],
            "order_date": ["2025-01-05", "2025-03-01", "2025-06-01"],
            "quantity": [2, 3, 1],
            "amount": [200.0, "¥1,200", 80.0],
            "gross_profit": [50.0, "¥300", 20.0],
        }
    )


def test_clv_metrics_and_summary_read_money_text_through_the_data_contract():
    orders = _text_money_orders()
    ok = orders.assign(amount=[200.0, 1200.0, 80.0], gross_profit=[50.0, 300.0, 20.0])
    # "¥1,200" / "¥300" are read as 1200 / 300 (crmlab.frames.orders), never silently as 0
    pd.testing.assert_frame_equal(V.clv_metrics(orders), V.clv_metrics(ok))
    pd.testing.assert_frame_equal(V.summary_from_orders(orders), V.summary_from_orders(ok))
    assert V.clv_metrics(ok).loc["C1", "gross_profit"] == 350
    assert V.summary_from_orders(ok).loc["C1", "monetary_value"] == 1200
    with pytest.raises(CRMDataError, match="gross_profit.*无法识别为金额.*三百"):
        V.clv_metrics(orders.assign(gross_profit=[50.0, "三百", 20.0]))
    with pytest.raises(CRMDataError, match="amount.*空值"):
        V.summary_from_orders(ok.assign(amount=[200.0, None, 80.0]))
    interactions = pd.DataFrame({"customer_id": ["C1"], "date": ["2025-02-01"], "service_cost": ["¥5"]})
    with pytest.raises(CRMDataError, match="service_cost"):
        V.clv_metrics(ok, interactions)
    with pytest.raises(CRMDataError, match="负数"):
        V.summary_from_orders(ok.assign(amount=[200.0, -5.0, 80.0]))


def test_clv_dates_are_checked():
    orders = _text_money_orders().assign(amount=1.0, gross_profit=1.0)
    with pytest.raises(CRMDataError, match="日期"):
        V.clv_metrics(orders, start="上个月")
    with pytest.raises(CRMDataError, match="日期"):
        V.summary_from_orders(orders, today="今天")
    with pytest.raises(CRMDataError, match="order_date.*位置（索引）：1"):
        V.summary_from_orders(orders.assign(order_date=["2025-01-05", "昨天", "2025-06-01"]))


def test_prob_alive_chart_marks_one_customer(fitted):
    bg, _ = fitted
    ax = C.plot_prob_alive(bg, max_frequency=10, max_recency=30, T=30, mark=(25, 4))
    star = [line for line in ax.lines if line.get_marker() == "*"]
    assert len(star) == 1 and list(star[0].get_xdata()) == [25] and list(star[0].get_ydata()) == [4]
    assert ax.get_legend() is not None


# ---------------------------------------------------------------------------
# package layout and display details found in the lesson review
# ---------------------------------------------------------------------------


def test_value_package_keeps_public_api_and_one_job_per_module():
    import subprocess
    import sys

    for name in V.__all__:
        assert hasattr(V, name), name
    homes = {"delivered_value": "delivered value", "indicator_clv": "CLV", "clv_metrics": "CLV",
             "discounted_clv": "CLV", "clv_value": "CLV", "BGNBD": "models", "GammaGamma": "models",
             "predict_clv": "models", "at_risk": "models", "summary_from_orders": "models"}
    modules = {job: {getattr(V, n).__module__ for n, j in homes.items() if j == job} for job in set(homes.values())}
    assert all(len(m) == 1 for m in modules.values()), modules  # one module per job
    assert len({next(iter(m)) for m in modules.values()}) == len(modules)  # and a different one for each job
    # importing crmlab.value does not load scipy: the models import it only inside functions
    code = "import sys, crmlab.value; assert 'scipy' not in sys.modules, sorted(m for m in sys.modules if 'scipy' in m)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).returncode == 0


def test_delivered_value_numbers_are_formatted_alike():
    """Whole numbers are shown without a trailing '.0' next to numbers >= 100 (was '85.0' beside '110')."""
    from crmlab.widgets.value import DeliveredValueView, format_number

    assert (format_number(85.0), format_number(110.0), format_number(5.0), format_number(2.5), format_number(1234.5)) == ("85", "110", "5", "2.5", "1,234")
    view = DeliveredValueView(offers_frame())
    assert ".0" not in view.text


def test_customer_alive_view_names_the_currency():
    import crmlab
    from crmlab.widgets.value import CustomerAliveView

    cd = crmlab.datasets.load("cdnow_summary")
    bg = V.BGNBD().fit(cd["frequency"], cd["recency"], cd["T"])
    rep = cd[cd["frequency"] > 0]
    gg = V.GammaGamma().fit(rep["frequency"], rep["monetary_value"])
    dollars = CustomerAliveView(bg, gg, currency="美元")
    assert "美元" in dollars.text and " 元" not in dollars.text
    assert "美元" in dollars.controls["monetary_value"].description
    assert "元" in CustomerAliveView(bg, gg).text


def test_at_risk_and_discounted_clv_carry_the_numbers_their_views_and_charts_show():
    frame = pd.DataFrame({"historical_value": [0.0, 10.0, 20.0, 30.0, 40.0], "prob_alive": [0.9, 0.9, 0.9, 0.9, 0.9]})
    risky = V.at_risk(frame, 0.5, 0.5)
    assert risky.empty and risky.attrs["value_threshold"] == pytest.approx(25.0)  # known with nobody at risk
    assert V.at_risk(frame.assign(historical_value=0.0)).attrs["value_threshold"] == float("inf")
    table = V.discounted_clv(100, 0.8, 0.1, 3, acquisition_cost=50)
    assert table.attrs["undiscounted_clv"] == pytest.approx(100 * (0.8 + 0.64 + 0.512) - 50)
