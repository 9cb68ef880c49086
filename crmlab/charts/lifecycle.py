"""Charts for lesson 1, second class: Kotler's relationship levels, the life cycle, retention economics.

Each function draws on ``ax`` (or a new Axes) and returns the Axes.  Titles and
labels are Chinese.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab.charts import get_ax, need_data

LEVEL_COLORS = {
    "基本型": "#f7f7f7",
    "被动型": "#d1e5f0",
    "负责型": "#92c5de",
    "能动型": "#4393c3",
    "伙伴型": "#2166ac",
}
STAGE_COLORS = ["#9ecae1", "#41ab5d", "#006d2c", "#d6604d", "#8c2d04"]


def plot_kotler_matrix(choice=None, ax=None):
    """The 3 x 3 customer-count x margin matrix; the recommended cell of ``choice`` is highlighted.

    ``choice`` is the result of :func:`crmlab.lifecycle.recommend_level` (or ``None``).
    """
    from matplotlib.patches import Rectangle

    from crmlab.lifecycle import CUSTOMER_BANDS, KOTLER_DESCRIPTIONS, KOTLER_GRID, MARGIN_BANDS

    _fig, ax = get_ax(ax, figsize=(7.2, 5.0))
    for r in range(3):
        for c in range(3):
            level = KOTLER_GRID[r][c]
            chosen = choice is not None and (choice.row, choice.col) == (r, c)
            ax.add_patch(
                Rectangle(
                    (c, 2 - r), 1, 1,
                    facecolor="#fdb863" if chosen else LEVEL_COLORS[level],
                    edgecolor="#b35806" if chosen else "white",
                    lw=4 if chosen else 2,
                )
            )
            text_color = "white" if (not chosen and level in ("能动型", "伙伴型")) else "#222222"
            ax.text(c + 0.5, 2 - r + 0.5, level + ("\n← 建议" if chosen else ""), ha="center", va="center",
                    fontsize=13 if chosen else 11, color=text_color)
    ax.set_xlim(0, 3)
    ax.set_ylim(0, 3)
    ax.set_xticks([0.5, 1.5, 2.5], list(MARGIN_BANDS))
    ax.set_yticks([2.5, 1.5, 0.5], list(CUSTOMER_BANDS))
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    ax.set_xlabel("产品的边际利润水平 →")
    ax.set_ylabel("客户数量")
    if choice is not None:
        ax.set_title(
            f"客户 {choice.n_customers:,.0f} 人、边际利润率 {choice.unit_margin:.0%} → {choice.level}\n"
            f"{KOTLER_DESCRIPTIONS[choice.level]}",
            fontsize=10,
        )
    else:
        ax.set_title("科特勒：按客户数量和边际利润选择客户关系水平")
    return ax


def plot_lifecycle_curve(summary: pd.DataFrame, ax=None, *, title: str | None = None):
    """Idealised life-cycle curve with the number of customers sitting in each stage.

    ``summary`` is :func:`crmlab.lifecycle.stage_summary` (4 stages or telecom A-E).
    The curve shows the typical level of the relationship over time; the labels and
    bars underneath show how many of *our* customers are in each stage.
    """
    need_data(summary, ["customers"], "请传入 stage_summary(lifecycle_stage(orders)) 的结果。")
    n = len(summary)
    _fig, ax = get_ax(ax, figsize=(8.4, 4.6))
    # typical relationship level: rises, plateaus, falls (E stage: drops to zero)
    if n == 4:
        knots_x, knots_y = [0, 1, 2, 3, 4], [0.08, 0.35, 0.95, 0.95, 0.25]
    else:
        knots_x, knots_y = list(range(n + 1)), ([0.05, 0.3, 0.85, 0.95, 0.45, 0.05] + [0.05] * n)[: n + 1]
    xs = np.linspace(0, n, 300)
    ys = np.interp(xs, knots_x, knots_y)
    ys = np.convolve(np.r_[np.full(15, ys[0]), ys, np.full(15, ys[-1])], np.ones(31) / 31, mode="valid")
    ax.plot(xs, ys, color="#222222", lw=2.2)
    counts = summary["customers"].to_numpy()
    total = max(int(counts.sum()), 1)
    for i, (name, row) in enumerate(summary.iterrows()):
        color = STAGE_COLORS[i % len(STAGE_COLORS)]
        ax.axvspan(i, i + 1, color=color, alpha=0.16, lw=0)
        ax.text(i + 0.5, 1.12, str(name), ha="center", va="center", fontsize=11)
        ax.text(i + 0.5, 1.03, f"{int(row['customers'])} 人（{row['customers'] / total:.0%}）",
                ha="center", va="center", fontsize=10)
        h = 0.25 * row["customers"] / max(counts.max(), 1)
        ax.bar(i + 0.5, h, width=0.5, bottom=0, color=color, alpha=0.9)
    ax.set_xlim(0, n)
    ax.set_ylim(0, 1.2)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("时间 →（下方柱子高度 = 该阶段的客户人数）")
    ax.set_ylabel("客户关系水平 →")
    ax.set_title(title or "客户关系生命周期：我们的客户分别处在哪个阶段", pad=12)
    for s in ("top", "right"):
        ax.spines[s].set_visible(False)
    return ax


def plot_retention_growth(result, ax=None):
    """Profit increase from lower churn for each margin-growth level (the 25-85% range)."""
    table = result.by_margin_growth
    need_data(table, [], "请传入 retention_economics(...) 的结果。")
    _fig, ax = get_ax(ax, figsize=(7.0, 4.2))
    x = np.arange(len(table))
    inc = table["profit_increase"].to_numpy(float) * 100
    chosen = result.params.get("margin_growth")
    colors = ["#b35806" if np.isclose(g, chosen) else "#4393c3" for g in table["margin_growth"]]
    ax.axhspan(25, 85, color="#fee0b6", alpha=0.6, lw=0, label="文献中的范围 25%-85%")
    ax.bar(x, np.nan_to_num(inc), color=colors)
    for xi, v in zip(x, inc):
        if np.isfinite(v):
            ax.text(xi, v + 1.5 if v >= 0 else v - 1.5, f"{v:.0f}%", ha="center",
                    va="bottom" if v >= 0 else "top", fontsize=10)
    ax.set_xticks(x, [f"{g:.0%}" for g in table["margin_growth"]])
    ax.set_xlabel("每位老客户的利润每年增长多少")
    ax.set_ylabel("客户终身利润增幅（%）")
    p = result.params
    ax.set_title(f"流失率从 {p['base_churn']:.0%} 降到 {p['improved_churn']:.0%}，利润能多多少？", fontsize=11)
    ax.legend(frameon=False, loc="upper left")
    ax.axhline(0, color="#555555", lw=0.8)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_retention_curves(result, ax=None):
    """Cumulative (discounted) profit of one customer over the years, at the two churn rates."""
    y = result.yearly
    need_data(y, [], "请传入 retention_economics(...) 的结果。")
    p = result.params
    _fig, ax = get_ax(ax, figsize=(7.0, 4.2))
    ax.plot(y["year"], y["cum_profit_base"], marker="o", ms=3, color="#999999", label=f"流失率 {p['base_churn']:.0%}")
    ax.plot(y["year"], y["cum_profit_improved"], marker="o", ms=3, color="#b35806",
            label=f"流失率 {p['improved_churn']:.0%}")
    ax.fill_between(y["year"], y["cum_profit_base"], y["cum_profit_improved"], color="#fdb863", alpha=0.35)
    ax.axhline(0, color="#555555", lw=0.8)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("客户关系的第几年")
    ax.set_ylabel("每位新客户的累计利润（元，已折现）")
    ax.set_title(f"一位新客户带来的累计利润（获客成本 {p['acquisition_cost']:,.0f} 元，利润年增 {p['margin_growth']:.0%}）",
                 fontsize=11)
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_retention_economics(result, axes=None):
    """Both retention charts side by side; returns the array of two Axes."""
    import matplotlib.pyplot as plt

    if axes is None:
        _fig, axes = plt.subplots(1, 2, figsize=(12.5, 4.4), layout="constrained")
    plot_retention_curves(result, ax=axes[0])
    plot_retention_growth(result, ax=axes[1])
    return axes


__all__ = [
    "LEVEL_COLORS",
    "plot_kotler_matrix",
    "plot_lifecycle_curve",
    "plot_retention_curves",
    "plot_retention_economics",
    "plot_retention_growth",
]
