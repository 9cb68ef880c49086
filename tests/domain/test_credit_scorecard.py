"""The WOE scorecard: scikit-learn compatibility, no leakage, AUC on German Credit."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import crmlab


def _toy(n=600, seed=0):
    rng = np.random.default_rng(seed)
    income = rng.lognormal(8, 0.5, n)
    late = rng.poisson(1.0, n)
    city = rng.choice(["北京", "上海", "成都", "西安", "拉萨"], n, p=[0.3, 0.3, 0.2, 0.18, 0.02])
    logit = -1.0 - 0.8 * (np.log(income) - 8) / 0.5 + 0.7 * late + np.where(city == "西安", 0.8, 0)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    X = pd.DataFrame({"income": income, "late": late, "city": city})
    X.loc[rng.random(n) < 0.05, "income"] = np.nan
    return X, y


def _german():
    df = crmlab.datasets.load("german_credit")  # shipped in data/: a load error is a failure, not a skip
    return crmlab.credit.german_credit_xy(df)


def test_import_crmlab_credit_does_not_load_sklearn():
    code = "import crmlab, crmlab.credit, sys; print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_sklearn_compatible_clone_and_params():
    from sklearn.base import clone, is_classifier

    sc = crmlab.credit.Scorecard(n_bins=7, pdo=30)
    assert is_classifier(sc)
    assert sc.get_params()["n_bins"] == 7
    sc.set_params(n_bins=4)
    c = clone(sc)
    assert c.get_params() == sc.get_params() and c is not sc
    assert not hasattr(c, "bins_")


def test_fit_tables_and_predictions():
    X, y = _toy()
    sc = crmlab.credit.Scorecard().fit(X, y)
    assert list(sc.classes_) == [0, 1]
    iv = sc.iv_table_
    assert set(iv["feature"]) == {"income", "late", "city"}
    assert iv["iv"].is_monotonic_decreasing
    woe = sc.woe_table_
    assert {"feature", "bin", "count", "good", "bad", "woe", "iv"} <= set(woe.columns)
    assert woe.groupby("feature")["count"].sum().eq(len(X)).all()
    assert "缺失" in set(woe.loc[woe.feature == "income", "bin"])
    assert "其他" in set(woe.loc[woe.feature == "city", "bin"])  # 拉萨 is rare (2%)
    # monotone binning: bad rate of the numeric bins goes one way
    num = woe[(woe.feature == "late") & (woe.bin != "缺失")]["bad_rate"].to_numpy()
    assert np.all(np.diff(num) >= 0) or np.all(np.diff(num) <= 0)
    p = sc.predict_proba(X)
    assert p.shape == (len(X), 2) and np.allclose(p.sum(axis=1), 1)
    assert set(np.unique(sc.predict(X))) <= {0, 1}
    # unseen category and missing values do not break scoring
    new = X.head(3).copy()
    new.loc[new.index[0], "city"] = "火星"
    new.loc[new.index[1], "late"] = np.nan
    assert np.isfinite(sc.points(new)).all()


def test_points_scaling_and_monotone():
    X, y = _toy()
    sc = crmlab.credit.Scorecard().fit(X, y)
    pts = sc.points(X)
    p_good = sc.predict_proba(X)[:, 0]
    order = np.argsort(p_good)
    assert np.all(np.diff(pts[order]) >= -1e-9)
    # 600 at odds 50:1, +20 per doubling of the odds
    odds = p_good / (1 - p_good)
    assert np.allclose(pts, 600 + 20 / np.log(2) * (np.log(odds) - np.log(50)))
    # score table adds up (up to rounding) to the points
    tab = sc.score_table()
    assert tab.iloc[0]["feature"] == "基础分"
    assert tab.groupby("feature").size().drop("基础分").le(10).all()


def test_cross_val_score_and_bins_refit_per_fold():
    from sklearn.model_selection import StratifiedKFold, cross_val_score, cross_validate

    X, y = _toy()
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    scores = cross_val_score(crmlab.credit.Scorecard(), X, y, cv=cv, scoring="roc_auc")
    assert scores.shape == (3,) and (scores > 0.6).all()
    res = cross_validate(crmlab.credit.Scorecard(), X, y, cv=cv, return_estimator=True)
    edges = [tuple(est.bins_["income"]["edges"]) for est in res["estimator"]]
    assert len(set(edges)) == 3  # each fold learned its own bins: no leak from the test fold
    full = crmlab.credit.Scorecard().fit(X, y)
    assert all(e != tuple(full.bins_["income"]["edges"]) for e in edges)


def test_bad_target_message():
    X, _ = _toy(50)
    with pytest.raises(crmlab.CRMDataError, match="0/1"):
        crmlab.credit.Scorecard().fit(X, ["good", "bad"] * 25)
    with pytest.raises(crmlab.CRMDataError, match="只有一种"):
        crmlab.credit.Scorecard().fit(X, np.zeros(50, dtype=int))


def test_german_credit_cv_auc_band():
    X, y = _german()
    assert X.shape == (1000, 20) and y.mean() == pytest.approx(0.3)
    res = crmlab.credit.cross_validate_scorecard(X, y, cv=5, random_state=0)
    assert len(res.folds) == 5
    assert 0.72 <= res.mean_auc <= 0.85
    assert (res.folds["KS"] > 0.2).all()
    fold_bins = {tuple(e.bins_["duration_in_month"]["edges"]) for e in res.estimators}
    assert len(fold_bins) > 1


def test_cross_validate_scorecard_out_of_fold():
    from sklearn.metrics import roc_auc_score

    X, y = _toy()
    res = crmlab.credit.cross_validate_scorecard(X, y, cv=3)
    assert np.isfinite(res.points).all() and np.isfinite(res.proba_bad).all()
    # out-of-fold AUC is close to the mean fold AUC, and lower than the in-sample AUC
    oof = roc_auc_score(y, res.proba_bad)
    assert abs(oof - res.mean_auc) < 0.05
    insample = roc_auc_score(y, crmlab.credit.Scorecard().fit(X, y).predict_proba(X)[:, 1])
    assert insample > oof


@pytest.mark.parametrize(
    "call, msg",
    [
        (lambda X, y: crmlab.credit.Scorecard().points(X), "还没有训练"),
        (lambda X, y: crmlab.credit.Scorecard(n_bins="五").fit(X, y), "整数"),
        (lambda X, y: crmlab.credit.Scorecard(pdo="二十").fit(X, y), "pdo"),
        (lambda X, y: crmlab.credit.cross_validate_scorecard(X, y, cv=1), "折数"),
        (lambda X, y: crmlab.credit.cross_validate_scorecard(X, y, cv=len(y) + 5), "折数"),
        (lambda X, y: crmlab.credit.cross_validate_scorecard(X, y[:10]), "一样多"),
        (lambda X, y: crmlab.credit.ks_score(y, y[:3]), "一一对应"),
        (lambda X, y: crmlab.credit.ks_score(np.zeros(4), [1, 2, 3, 4]), "好客户和坏客户"),
    ],
)
def test_absurd_scorecard_input_gives_chinese_error(call, msg):
    X, y = _toy(200)
    with pytest.raises(crmlab.CRMDataError, match=msg):
        call(X, y)


def test_not_fitted_is_still_a_sklearn_not_fitted_error():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        crmlab.credit.Scorecard().predict_proba(_toy(50)[0])


# --------------------------------------------------------------------------- one KS, ties handled


def _ks_by_definition(y, s) -> float:
    """max over every possible cut-off c of |P(score <= c | bad) - P(score <= c | good)|, by brute force."""
    y, s = np.asarray(y), np.asarray(s, dtype=float)
    return max(abs((s[y == 1] <= c).mean() - (s[y == 0] <= c).mean()) for c in np.unique(s))


def test_ks_with_tied_scores_does_not_depend_on_the_order_of_ties():
    # all four customers share one score: no cut-off separates anybody, KS = 0
    assert crmlab.credit.ks_score([1, 0, 1, 0], [5, 5, 5, 5]) == 0.0
    y = np.array([1, 1, 0, 1, 0, 0, 0, 1])
    s = np.array([300, 300, 300, 450, 450, 500, 500, 500])
    expected = _ks_by_definition(y, s)
    assert crmlab.credit.ks_score(y, s) == pytest.approx(expected)
    rev = np.argsort(-np.arange(len(y)))  # the same customers in the opposite order
    assert crmlab.credit.ks_score(y[rev], s[rev]) == pytest.approx(expected)
    t = crmlab.credit.ks_table(y, s)
    assert t["cutoff"].tolist() == [300, 450, 500]  # one row per distinct score
    assert t["cum_bad_share"].iloc[-1] == 1 and t["cum_good_share"].iloc[-1] == 1


def test_ks_chart_shows_the_domain_ks():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from crmlab.charts.credit import plot_ks

    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 300)
    points = np.round(rng.normal(500 + 40 * (1 - y), 30) / 10) * 10  # rounded: many ties
    ax = plot_ks(y, points)
    legend = ax.get_legend().get_texts()[-1].get_text()
    assert f"KS = {crmlab.credit.ks_score(y, points):.2f}" in legend
    # the curves step once per distinct score (a cut-off never splits customers with equal scores)
    assert list(ax.lines[0].get_xdata()) == sorted(set(points.tolist()))
    gap = ax.collections[-1].get_segments()[0]  # the dashed KS line: its length is the KS
    assert abs(gap[1][1] - gap[0][1]) == pytest.approx(crmlab.credit.ks_score(y, points))
    assert crmlab.credit.ks_score(y, points) == pytest.approx(_ks_by_definition(y, points))
    plt.close("all")


def test_cutoff_roc_and_auc_are_domain_functions():
    import crmlab.credit as cc

    y = np.array([1, 1, 0, 0, 0, 1])
    points = np.array([500, 520, 600, 640, 700, 610])
    s = cc.cutoff_summary(points, y, 600)
    assert s["approved"] == 4 and s["approval_rate"] == pytest.approx(4 / 6)
    assert s["bad_rate_approved"] == pytest.approx(1 / 4) and s["bad_rate_refused"] == 1.0
    assert s["bads_caught"] == pytest.approx(2 / 3)
    assert np.isnan(cc.cutoff_summary(points, y, 10_000)["bad_rate_approved"])
    with pytest.raises(crmlab.CRMDataError, match="没有客户分数"):
        cc.cutoff_summary([], [], 600)
    proba = np.array([0.9, 0.8, 0.2, 0.1, 0.3, 0.4])  # every bad above every good
    assert cc.auc_score(y, proba) == 1.0
    roc = cc.roc_table(y, proba)
    assert list(roc.columns) == ["cutoff", "fpr", "tpr"] and roc["tpr"].iloc[-1] == 1.0
    assert cc.auc_score(y, -proba) == 0.0
