"""Charts of lesson 3: every function draws on a given Axes, returns it, and refuses empty input in Chinese."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from crmlab import CRMDataError
from crmlab import segment as S
from crmlab.charts import segment as C


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    n = 400
    tx = pd.DataFrame(
        {
            "customer_id": [f"C{i:03d}" for i in rng.integers(0, 80, n)],
            "order_date": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D"),
            "amount": rng.gamma(2, 100, n),
        }
    )
    table = S.rfm(tx, "2026-01-01")
    return table, S.segment_summary(table)


def test_charts_draw_and_return_axes(data):
    table, summary = data
    km = S.kmeans_segments(table, k=3)
    scores = S.choose_k(table, range(2, 5))
    calls = [
        lambda ax: C.plot_budget_demo(S.budget_allocation(summary, 200), ax=ax),
        lambda ax: C.plot_segment_shares(summary, ax=ax),
        lambda ax: C.plot_segment_sizes(summary, ax=ax),
        lambda ax: C.plot_segment_treemap(summary, ax=ax, by="revenue"),
        lambda ax: C.plot_rf_heatmap(table, ax=ax),
        lambda ax: C.plot_elbow(scores, ax=ax),
        lambda ax: C.plot_silhouette(scores, ax=ax),
        lambda ax: C.plot_cluster_profiles(km, ax=ax),
        lambda ax: C.plot_crosstab(S.crosstab_segments(km.labels, table["segment"]), ax=ax),
    ]
    for call in calls:
        fig, ax = plt.subplots()
        assert call(ax) is ax
        assert ax.get_title()  # every chart has a (Chinese) title
        fig.canvas.draw()
        plt.close(fig)


def test_heatmap_counts_match(data):
    table, _ = data
    ax = C.plot_rf_heatmap(table)
    counts = ax.images[0].get_array()
    assert counts.sum() == len(table)
    assert counts[4, 4] == ((table["R"] == 5) & (table["F"] == 5)).sum()
    plt.close(ax.figure)


def test_treemap_areas_proportional(data):
    _, summary = data
    rects = C._squarify([6.0, 3.0, 1.0], 0, 0, 10, 5)
    areas = [w * h for _, _, w, h in rects]
    assert np.allclose(areas, [30.0, 15.0, 5.0])
    for x, y, w, h in rects:
        assert x >= 0 and x + w <= 10 + 1e-9 and y >= 0 and y + h <= 5 + 1e-9


@pytest.mark.parametrize(
    "fn",
    [C.plot_segment_shares, C.plot_segment_sizes, C.plot_segment_treemap, C.plot_rf_heatmap, C.plot_elbow,
     C.plot_budget_demo, C.plot_crosstab],
)
def test_empty_input_is_a_chinese_error(fn):
    with pytest.raises(CRMDataError):
        fn(pd.DataFrame())


def test_radar_one_polygon_per_cluster(data):
    table, _ = data
    km = S.kmeans_segments(table, k=3)
    fig, flat = plt.subplots()
    ax = C.plot_cluster_radar(km, ax=flat)  # a normal Axes is replaced by a polar one
    assert ax.name == "polar" and flat not in fig.axes
    assert ax.get_title()
    lines = [ln for ln in ax.get_lines() if ln.get_label().startswith(tuple("0123456789"))]
    assert len(lines) == km.k
    for c, ln in zip(km.zscores.index, lines):  # closed polygon through the cluster's z-scores
        r = np.asarray(ln.get_ydata(), float)
        assert np.allclose(r[:-1], km.zscores.loc[c].to_numpy()) and r[-1] == r[0]
    lo, hi = ax.get_ylim()
    assert lo < km.zscores.to_numpy().min() and hi >= km.zscores.to_numpy().max()
    fig.canvas.draw()
    plt.close(fig)


def test_radar_needs_three_features(data):
    table, _ = data
    km = S.kmeans_segments(table, ["frequency", "monetary"], k=2)
    with pytest.raises(CRMDataError, match="3 个特征"):
        C.plot_cluster_radar(km)
    with pytest.raises(CRMDataError):
        C.plot_cluster_radar(pd.DataFrame())
    plt.close("all")
