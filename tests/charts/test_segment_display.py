"""Display helpers of lesson 3: shares shown as percentages, numbers unchanged."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import crmlab.charts.segment as sc
import crmlab.segment as seg


@pytest.fixture()
def orders():
    rows = []
    for i in range(40):
        for k in range(1 + i % 5):
            rows.append({"customer_id": f"C{i:03d}", "order_id": f"O{i:03d}-{k}",
                         "order_date": pd.Timestamp("2025-01-01") + pd.Timedelta(days=7 * i + 3 * k),
                         "amount": 1000.0 * (1 + i % 7) + 0.37 * k})
    return pd.DataFrame(rows)


def test_styled_shows_shares_as_percent_and_money_with_separators(orders):
    summary = seg.segment_summary(seg.rfm(orders, "2026-01-01"))
    before = summary.copy()
    html = seg.styled(summary).to_html()
    share = summary["customer_share"].dropna().iloc[0]
    assert f"{share:.1%}" in html
    big = summary["revenue"].max()
    assert f"{big:,.0f}" in html and big >= 1000
    assert "客户占比" in html and "customer_share" not in html
    # the function itself still returns fractions
    pd.testing.assert_frame_equal(summary, before)
    assert summary["customer_share"].between(0, 1).all()


def test_styled_keeps_small_decimals_and_counts(orders):
    scores = seg.choose_k(seg.rfm(orders, "2026-01-01"), range(2, 4))
    html = seg.styled(scores).to_html()
    assert f"{scores['silhouette'].iloc[0]:.3f}" in html
    assert "轮廓系数" in html


def test_rf_heatmap_writes_grid_names_only_for_rf_grid(orders):
    grid = seg.rfm(orders, "2026-01-01", scheme="rf_grid")
    ax = sc.plot_rf_heatmap(grid)
    texts = {t.get_text() for t in ax.texts}
    assert seg.RF_GRID_NAMES[seg.RF_GRID[(5, 5)]] in texts
    assert seg.RF_GRID_NAMES[seg.RF_GRID[(1, 1)]] in texts
    plt.close(ax.figure)
    ax = sc.plot_rf_heatmap(seg.rfm(orders, "2026-01-01"))
    assert not set(seg.RF_GRID_NAMES.values()) & {t.get_text() for t in ax.texts}
    plt.close(ax.figure)


def test_styled_names_the_currency():
    from crmlab import segment as seg

    frame = pd.DataFrame({"monetary_mean": [12.5, 30.0]}, index=["a", "b"])
    assert any("（元）" in str(c) for c in seg.styled(frame).data.columns)
    usd = seg.styled(frame, currency="美元").data.columns
    assert any("（美元）" in str(c) for c in usd) and not any("（元）" in str(c) for c in usd)
