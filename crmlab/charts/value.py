"""Charts for lesson 1, "what a customer is worth" (客户让渡价值与客户终身价值).

Each function takes the result of a :mod:`crmlab.value` function, draws on
``ax`` (or a new Axes) and returns the Axes. Titles and labels are Chinese.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.charts import bars_figsize, get_ax
from crmlab.charts._format import number

VALUE_COLORS = ["#1b7837", "#5aae61", "#a6dba0", "#d9f0d3"]
COST_COLORS = ["#b2182b", "#d6604d", "#f4a582", "#fddbc7"]
HIGHLIGHT = "#f2a900"


def _labels():
    from crmlab.value import LABELS

    return LABELS


_fmt = number  # one number format with the views (crmlab.charts._format)


def plot_delivered_value(result: pd.DataFrame, ax=None):
    """Stacked value and cost bars per offer, delivered value marked, winner highlighted.

    ``result`` is the output of :func:`crmlab.value.delivered_value`.
    """
    from crmlab.value import COST_PARTS, VALUE_PARTS

    labels = _labels()
    needed = VALUE_PARTS + COST_PARTS + ["delivered_value", "best"]
    if result is None or len(result) == 0 or any(c not in result.columns for c in needed):
        raise CRMDataError("没有可以画图的方案。请先用 delivered_value(...) 计算各方案的让渡价值。")
    _fig, ax = get_ax(ax, figsize=(max(6.0, 2.4 * len(result) + 2), 4.6))
    n = len(result)
    centers = np.arange(n, dtype=float)
    width = 0.36
    for _side, parts, colors, shift in (
        ("value", VALUE_PARTS, VALUE_COLORS, -width / 2),
        ("cost", COST_PARTS, COST_COLORS, width / 2),
    ):
        bottom = np.zeros(n)
        for part, color in zip(parts, colors):
            heights = result[part].to_numpy(dtype=float)
            ax.bar(centers + shift, heights, width, bottom=bottom, color=color, edgecolor="white", linewidth=0.6, label=labels[part])
            bottom += heights
    top = np.maximum(result["total_value"].to_numpy(float), result["total_cost"].to_numpy(float))
    span = float(top.max()) if len(top) and top.max() > 0 else 1.0
    for i, (_name, row) in enumerate(result.iterrows()):
        winner = bool(row["best"])
        text = f"让渡价值 {_fmt(float(row['delivered_value']))}"
        if winner:
            text = "★ " + text
            ax.axvspan(i - 0.48, i + 0.48, color=HIGHLIGHT, alpha=0.15, zorder=0)
        ax.text(
            i,
            top[i] + 0.03 * span,
            text,
            ha="center",
            va="bottom",
            fontsize=12 if winner else 10,
            color="#7a4f00" if winner else "#333333",
        )
    ticks = [f"{name}\n（理性选择）" if best else str(name) for name, best in zip(result.index, result["best"])]
    ax.set_xticks(centers, ticks)
    ax.set_xlim(-0.6, n - 0.4)
    ax.set_ylim(0, span * 1.2)
    ax.set_ylabel("金额 / 分值")
    ax.set_title("各方案的客户总价值（左柱）与客户总成本（右柱）")
    ax.legend(ncol=2, fontsize=10, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return ax


def plot_clv_ranking(result: pd.DataFrame, top: int = 15, ax=None):
    """Horizontal bars of the ``top`` customers' CLV score, split into current and potential value.

    ``result`` is the output of :func:`crmlab.value.indicator_clv`.
    """
    if result is None or len(result) == 0 or "clv_score" not in result.columns:
        raise CRMDataError("没有可以画图的客户。请先用 indicator_clv(...) 计算终身价值得分。")
    top = max(1, min(int(top), 50))
    data = result.sort_values("clv_score", ascending=False, kind="stable").head(top).iloc[::-1]
    _fig, ax = get_ax(ax, figsize=bars_figsize(len(data), 7))
    names = [str(i) for i in data.index]
    y = np.arange(len(data))
    if {"current_contribution", "potential_contribution"} <= set(data.columns):
        cur = data["current_contribution"].fillna(0).to_numpy(float)
        pot = data["potential_contribution"].fillna(0).to_numpy(float)
        ax.barh(y, cur, color="#2c7fb8", label="当前价值贡献")
        ax.barh(y, pot, left=cur, color="#7fcdbb", label="潜在价值贡献")
        ax.legend(loc="lower right", fontsize=10)
    else:
        ax.barh(y, data["clv_score"].to_numpy(float), color="#2c7fb8")
    for yi, score in zip(y, data["clv_score"].to_numpy(float)):
        ax.text(score + 1, yi, f"{score:.1f}", va="center", fontsize=10)
    ax.set_yticks(y, names)
    ax.set_xlim(0, 110)
    ax.set_xlabel("终身价值得分（0-100）")
    ax.set_title(f"客户终身价值得分排名（前 {len(data)} 名）")
    ax.grid(axis="x", alpha=0.3)
    return ax


def plot_discounted_clv(table: pd.DataFrame, ax=None):
    """Per-period discounted margin (bars) and cumulative CLV (line).

    ``table`` is the output of :func:`crmlab.value.discounted_clv`.
    """
    needed = ["expected_margin", "discounted_margin", "cumulative_clv"]
    if table is None or len(table) == 0 or any(c not in table.columns for c in needed):
        raise CRMDataError("没有可以画图的期数。请先用 discounted_clv(...) 计算每期的利润。")
    _fig, ax = get_ax(ax)
    t = np.asarray(table.index, dtype=float)
    width = 0.8 if len(t) < 2 else 0.8 * float(np.min(np.diff(t)))
    ax.bar(t, table["expected_margin"], width, color="#c6dbef", label="期望利润（未折现）")
    ax.bar(t, table["discounted_margin"], width * 0.6, color="#2171b5", label="折现后利润")
    ax.plot(t, table["cumulative_clv"], color="#d94801", marker="o" if len(t) <= 40 else None, label="累计终身价值")
    final = float(table["cumulative_clv"].iloc[-1])
    ax.annotate(
        f"终身价值 {_fmt(final)}",
        (t[-1], final),
        textcoords="offset points",
        xytext=(-8, -28 if final >= 0 else 12),
        ha="right",
        color="#d94801",
        fontsize=11,
        bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": "#d94801", "alpha": 0.9},
    )
    ax.axhline(0, color="#555555", linewidth=0.8)
    ax.set_xlabel("第 t 期")
    ax.set_ylabel("金额（元）")
    ax.set_title("每期利润与累计客户终身价值")
    ax.legend(fontsize=10, loc="best")
    ax.grid(axis="y", alpha=0.3)
    return ax


def plot_prob_alive(
    model,
    max_frequency: int = 20,
    max_recency: float = 40.0,
    ax=None,
    *,
    T: float | None = None,
    mark: tuple[float, float] | None = None,
):
    """Heat map of P(alive) for frequency 0..max_frequency and recency 0..max_recency.

    All customers are assumed observed for ``T`` (default ``max_recency``) time
    units, as in Fader, Hardie & Lee (2005): high frequency with an old last
    purchase means the customer has probably left.  ``mark=(recency, frequency)``
    draws a star on one customer.
    """
    if not hasattr(model, "params_"):
        raise CRMDataError("模型还没有拟合。请先调用 BGNBD().fit(frequency, recency, T)。")
    max_frequency = int(max_frequency)
    if max_frequency < 1 or not np.isfinite(max_recency) or max_recency <= 0:
        raise CRMDataError("最大购买次数和最大时点都必须大于 0。")
    max_frequency = min(max_frequency, 200)
    T = float(max_recency if T is None else T)
    if max_recency > T:
        raise CRMDataError("观察时长 T 不能小于最大的 recency。")
    recency = np.linspace(0, float(max_recency), 60)
    freq = np.arange(0, max_frequency + 1)
    F, R = np.meshgrid(freq, recency, indexing="ij")
    prob = np.asarray(model.prob_alive(F, R, np.full_like(R, T)), dtype=float)
    fig, ax = get_ax(ax, figsize=(7, 4.8))
    image = ax.imshow(
        prob,
        origin="lower",
        aspect="auto",
        cmap="RdYlGn",
        vmin=0,
        vmax=1,
        extent=(0, float(max_recency), -0.5, max_frequency + 0.5),
    )
    fig.colorbar(image, ax=ax, label="仍活跃的概率")
    ax.set_xlabel(f"最近一次购买的时点 recency（观察期共 {T:g} 周）")
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("重复购买次数 frequency")
    ax.set_title("客户仍然活跃的概率（BG/NBD 模型）")
    if mark is not None:
        rec, freq_mark = (float(v) for v in mark)
        ax.plot([rec], [freq_mark], marker="*", markersize=20, color="#1f3a93", markeredgecolor="white",
                linestyle="none", label="这位客户")
        ax.legend(loc="upper left", fontsize=10, framealpha=0.9)
    return ax


def plot_at_risk(
    clv_frame: pd.DataFrame,
    ax=None,
    *,
    value_col: str = "historical_value",
    value_quantile: float = 0.8,
    alive_below: float = 0.5,
):
    """Scatter of customer value against probability alive, with the warning quadrant shaded.

    ``clv_frame`` is the output of :func:`crmlab.value.predict_clv`; the
    quadrant (value at or above its ``value_quantile`` quantile, probability
    alive below ``alive_below``) is the list of :func:`crmlab.value.at_risk`.
    """
    from crmlab.value import at_risk

    if clv_frame is None or len(clv_frame) == 0 or value_col not in clv_frame.columns or "prob_alive" not in clv_frame.columns:
        raise CRMDataError("没有可以画图的客户。请先用 predict_clv(...) 计算每位客户的活跃概率和价值。")
    risky = at_risk(clv_frame, value_quantile, alive_below, value_col=value_col)
    value = pd.to_numeric(clv_frame[value_col], errors="coerce").to_numpy(float)
    alive = pd.to_numeric(clv_frame["prob_alive"], errors="coerce").to_numpy(float)
    positive = value[value > 0]
    threshold = risky.attrs["value_threshold"]  # the domain's threshold (inf when no value is positive)
    _fig, ax = get_ax(ax, figsize=(7, 4.6))
    ymax = float(np.nanmax(value)) if np.isfinite(value).any() else 1.0
    skewed = bool(len(positive) and np.nanmax(positive) / np.median(positive) > 20)
    ymax = ymax * (2.0 if skewed else 1.05) if ymax > 0 else 1.0
    if np.isfinite(threshold):
        ax.fill_between([0, alive_below], threshold, ymax, color="#d7301f", alpha=0.12, label="高危预警区")
        ax.axhline(threshold, color="#d7301f", linestyle="--", linewidth=0.8)
    ax.axvline(alive_below, color="#d7301f", linestyle="--", linewidth=0.8)
    mask = clv_frame.index.isin(risky.index)
    ax.scatter(alive[~mask], value[~mask], s=10, color="#7f7f7f", alpha=0.5, label="其他客户")
    ax.scatter(alive[mask], value[mask], s=18, color="#d7301f", label=f"高危客户（{int(mask.sum())} 位）")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(bottom=min(0.0, float(np.nanmin(value)) if np.isfinite(value).any() else 0.0), top=ymax)
    labels = _labels()
    ylabel = labels.get(value_col, value_col)
    if skewed:
        # skewed spend: a symmetric-log axis keeps the many small customers readable
        ax.set_yscale("symlog", linthresh=float(max(np.quantile(positive, 0.1), 1e-9)))
        ylabel += "（对数刻度）"
    ax.set_xlabel("仍活跃的概率")
    ax.set_ylabel(ylabel)
    ax.set_title("高危客户预警：价值高但可能已经流失")
    ax.legend(fontsize=10, loc="upper right")
    ax.grid(alpha=0.3)
    return ax


__all__ = [
    "plot_at_risk",
    "plot_clv_ranking",
    "plot_delivered_value",
    "plot_discounted_clv",
    "plot_prob_alive",
]
