"""Charts for lesson 1, 识别客户: customer states, transitions, attitude types, profit tiers.

Each function takes the result of a :mod:`crmlab.customers` function, draws on
``ax`` (or a new Axes) and returns the Axes.  Titles and labels are Chinese.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.charts import get_ax
from crmlab.charts import need_data as _need

STATE_COLORS = {
    "非客户": "#bdbdbd",
    "潜在客户": "#9ecae1",
    "目标客户": "#4292c6",
    "现实客户-初次购买": "#a1d99b",
    "现实客户-重复购买": "#41ab5d",
    "现实客户-忠诚": "#006d2c",
    "流失客户": "#d6604d",
}
ATTITUDE_COLORS = {"灯塔型": "#e08214", "跟随型": "#2166ac", "理性型": "#1b7837", "逐利型": "#b2182b"}
TIER_COLORS = {"关键客户": "#b2182b", "普通客户": "#2166ac", "小客户": "#bababa"}


def _date_text(ts) -> str:
    try:
        return pd.Timestamp(ts).strftime("%Y-%m-%d")
    except (TypeError, ValueError):
        return ""


def plot_state_counts(counts: pd.DataFrame, ax=None, *, title: str | None = None):
    """Bar chart of customers per state (the result of :func:`crmlab.customers.state_counts`)."""
    _need(counts, ["customers"], "请传入 state_counts(customer_states(...)) 的结果。")
    _fig, ax = get_ax(ax, figsize=(8, 4.2))
    labels = [str(i) for i in counts.index]
    values = counts["customers"].to_numpy()
    colors = [STATE_COLORS.get(s, "#777777") for s in labels]
    x = np.arange(len(labels))
    ax.bar(x, values, color=colors)
    top = max(values.max(), 1)
    for xi, v in zip(x, values):
        ax.text(xi, v + top * 0.01, f"{int(v)}", ha="center", va="bottom", fontsize=10)
    ax.set_xticks(x, [s.replace("现实客户-", "现实客户\n") for s in labels], fontsize=10)
    ax.set_ylabel("客户数（人）")
    ax.set_ylim(0, top * 1.12)
    asof = counts.attrs.get("asof")
    ax.set_title(title or (f"{_date_text(asof)} 各状态的客户数" if asof is not None else "各状态的客户数"))
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_transition_heatmap(table: pd.DataFrame, ax=None, *, hide_empty: bool = True):
    """Heat map of a transition table (rows: state at the start, columns: state at the end)."""
    if table is None or table.size == 0:
        raise CRMDataError("没有可以画图的转移表。请传入 state_transitions(...) 的结果。")
    t = table.copy()
    if hide_empty and list(t.index) == list(t.columns):
        keep = (t.sum(axis=1) > 0).to_numpy() | (t.sum(axis=0) > 0).to_numpy()
        if keep.any():
            t = t.loc[keep, keep]
    _fig, ax = get_ax(ax, figsize=(8.2, 5.4))
    values = t.to_numpy(dtype=float)
    shown = np.log1p(values)
    im = ax.imshow(shown, cmap="Blues", aspect="auto")
    vmax = shown.max() if shown.size else 0
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            v = int(values[i, j])
            color = "white" if vmax and shown[i, j] > 0.6 * vmax else "#222222"
            ax.text(j, i, str(v), ha="center", va="center", fontsize=11 if t.index[i] == t.columns[j] else 10,
                    color=color)
    short = lambda s: str(s).replace("现实客户-", "现实-")  # noqa: E731
    ax.set_xticks(np.arange(values.shape[1]), [short(c) for c in t.columns], rotation=30, ha="right", fontsize=10)
    ax.set_yticks(np.arange(values.shape[0]), [short(r) for r in t.index], fontsize=10)
    start, end = table.attrs.get("start"), table.attrs.get("end")
    ax.set_xlabel(f"结束时的状态（{_date_text(end)}）" if end is not None else "结束时的状态")
    ax.set_ylabel(f"开始时的状态（{_date_text(start)}）" if start is not None else "开始时的状态")
    ax.set_title("客户状态转移：每格是从“行”状态变成“列”状态的人数")
    del im
    return ax


def _cut(threshold: float, shift: float) -> float:
    """Where to draw a rule line on 1-5 integer scores: between two scores for integer thresholds."""
    t = float(threshold)
    return t + shift if t == int(t) else t


def plot_attitude_quadrant(attitude: pd.DataFrame, ax=None, *, jitter: float = 0.18, random_state: int = 0):
    """Scatter of novelty seeking vs price sensitivity, coloured by attitude type, with the rule lines."""
    _need(attitude, ["novelty_seeking", "price_sensitivity", "attitude"], "请传入 classify_attitude(survey) 的结果。")
    _fig, ax = get_ax(ax, figsize=(6.8, 5.4))
    rng = np.random.default_rng(random_state)
    x = attitude["price_sensitivity"].to_numpy(float) + rng.uniform(-jitter, jitter, len(attitude))
    y = attitude["novelty_seeking"].to_numpy(float) + rng.uniform(-jitter, jitter, len(attitude))
    for name, color in ATTITUDE_COLORS.items():
        sel = (attitude["attitude"] == name).to_numpy()
        if sel.any():
            ax.scatter(x[sel], y[sel], s=12, alpha=0.55, color=color, label=f"{name}（{int(sel.sum())} 人）")
    th = attitude.attrs
    if "novelty_high" in th:
        ax.axhline(_cut(th["novelty_high"], -0.5), color="#555555", lw=1, ls="--")
        ax.axhline(_cut(th["novelty_mid"], -0.5), color="#999999", lw=1, ls=":")
        ax.axvline(_cut(th["price_low"], +0.5), color="#555555", lw=1, ls="--")
        ax.axvline(_cut(th["price_high"], -0.5), color="#555555", lw=1, ls="--")
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_xticks(range(1, 6))
    ax.set_yticks(range(1, 6))
    ax.set_xlabel("价格敏感度（1 = 不在乎价格，5 = 非常在乎）")
    ax.set_ylabel("求新程度（1 = 不爱尝鲜，5 = 最爱尝鲜）")
    ax.set_title("按求新程度 × 价格敏感度划分客户（点略微错开，避免重叠）")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False, fontsize=10)
    return ax


def plot_profit_tiers(summary: pd.DataFrame, ax=None, *, title: str | None = None):
    """Customer share vs gross-profit share per group.

    ``summary`` is :func:`crmlab.customers.profit_tier_summary` or
    :func:`crmlab.customers.value_type_summary` (any table with ``share`` and ``profit_share``).
    """
    _need(summary, ["share", "profit_share"], "请传入 profit_tier_summary(classify_by_profit(orders)) 的结果。")
    _fig, ax = get_ax(ax, figsize=(7.2, 4.2))
    labels = [str(i) for i in summary.index]
    x = np.arange(len(labels))
    w = 0.38
    a = ax.bar(x - w / 2, summary["share"] * 100, w, color="#bababa", label="客户人数占比")
    b = ax.bar(x + w / 2, summary["profit_share"] * 100, w, color=TIER_COLORS["关键客户"], label="毛利占比")
    for bars in (a, b):
        for r in bars:
            h = r.get_height()
            if np.isfinite(h):
                ax.text(r.get_x() + r.get_width() / 2, h + 1, f"{h:.0f}%", ha="center", va="bottom", fontsize=10)
    ax.set_xticks(x, [s.replace("-", "\n", 1) for s in labels])
    ax.set_ylabel("占比（%）")
    ax.set_ylim(0, 100)
    ax.set_title(title or "关键客户人数少，却贡献了大部分毛利")
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_profit_curve(tiers: pd.DataFrame, ax=None):
    """Cumulative gross-profit share against cumulative customer share (Pareto curve), tiers shaded."""
    _need(tiers, ["cum_customer_share", "cum_profit_share", "tier"], "请传入 classify_by_profit(orders) 的结果。")
    _fig, ax = get_ax(ax, figsize=(6.8, 4.4))
    x = np.r_[0, tiers["cum_customer_share"].to_numpy() * 100]
    y = np.r_[0, tiers["cum_profit_share"].to_numpy() * 100]
    ax.plot(x, y, color="#222222", lw=1.8)
    start = 0.0
    for name in tiers["tier"].cat.categories:
        sel = (tiers["tier"] == name).to_numpy()
        if sel.any():
            end = float(tiers["cum_customer_share"].to_numpy()[sel].max() * 100)
            ax.axvspan(start, end, color=TIER_COLORS.get(name, "#dddddd"), alpha=0.18, lw=0)
            ax.text((start + end) / 2, 4, name, ha="center", fontsize=10)
            start = end
    ax.plot([0, 100], [0, 100], color="#999999", ls=":", lw=1)
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 105)
    ax.set_xlabel("按毛利从高到低排队后的累计客户占比（%）")
    ax.set_ylabel("累计毛利占比（%）")
    ax.set_title("客户利润的二八现象")
    ax.spines[["top", "right"]].set_visible(False)
    return ax


__all__ = [
    "ATTITUDE_COLORS",
    "STATE_COLORS",
    "TIER_COLORS",
    "plot_attitude_quadrant",
    "plot_profit_curve",
    "plot_profit_tiers",
    "plot_state_counts",
    "plot_transition_heatmap",
]
