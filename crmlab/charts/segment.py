"""Charts for lesson 3, 细分客户 (segmentation, RFM, KMeans).

Each function takes the result of a :mod:`crmlab.segment` function, draws on
``ax`` (or a new Axes) and returns the Axes.  Titles and labels are Chinese.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.charts import get_ax
from crmlab.charts import need_data as _need
from crmlab.charts._format import thousands

#: one colour per cn8 segment (重要 = saturated, 一般 = light), also used for other schemes.
SEGMENT_COLORS = [
    "#1b7837", "#2166ac", "#b35806", "#b2182b",
    "#7fbf7b", "#92c5de", "#fdb863", "#d6604d",
    "#8073ac", "#b8e186", "#bababa",
]
CLUSTER_COLORS = ["#2166ac", "#b2182b", "#1b7837", "#e08214", "#762a83", "#35978f", "#8c510a", "#c51b7d", "#4d4d4d"]


def _fixed_label_positions(*axes) -> None:
    """Put axis labels at fixed spots instead of beside the widest tick label.

    matplotlib measures every tick label at every draw to place an axis label (and, unless
    ``set_title(..., y=...)`` is given, the title); charts that a widget redraws live have
    short tick labels, so fixed spots look the same and the chart draws faster.
    """
    for ax in axes:
        if ax.yaxis.get_label_text():
            ax.yaxis.set_label_coords(1.075 if ax.yaxis.get_label_position() == "right" else -0.075, 0.5)
        if ax.xaxis.get_label_text():
            ax.xaxis.set_label_coords(0.5, -0.1)


def _twin(ax):
    """``ax.twinx()``, or the twin made for ``ax`` before when a widget redraws on the same Axes."""
    twin = getattr(ax, "_crmlab_twin", None)
    if twin is None or twin not in ax.figure.axes:
        twin = ax.twinx()
        ax._crmlab_twin = twin
    return twin


def _colour_key(ax, entries: list[tuple[str, str]], *, x: float = 1.02, top: float = 1.0, step: float = 0.075):
    """A legend as coloured lines of text beside the Axes: ``entries`` = [(label, colour), ...].

    Each entry is one text ("● label" in its line's colour), placed at a fixed spot: it reads
    like a legend and draws several times faster than ``ax.legend`` (which lays out boxes of
    handles and texts at every draw), which matters for a chart redrawn while a slider moves.
    """
    y = top
    for label, colour in entries:
        ax.text(x, y, f"● {label}", transform=ax.transAxes, color=colour, fontsize=10, va="top", ha="left")
        y -= step * (1 + label.count("\n"))


def _fmt(v: float) -> str:
    if not np.isfinite(v):
        return "—"
    if abs(v) >= 10000:
        return f"{v / 10000:,.1f}万"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:,.1f}"


# ---------------------------------------------------------------------------
# why segment
# ---------------------------------------------------------------------------


def plot_budget_demo(allocation: pd.DataFrame, ax=None):
    """Expected return per segment: budget spread evenly vs spent on the best segments."""
    _need(allocation, ["return_even", "return_targeted"], "请先用 budget_allocation(...) 计算。")
    _fig, ax = get_ax(ax, figsize=(8, 4.2))
    n = len(allocation)
    x = np.arange(n)
    w = 0.38
    ax.bar(x - w / 2, allocation["return_even"], w, color="#bababa", label="平均撒网")
    ax.bar(x + w / 2, allocation["return_targeted"], w, color="#1b7837", label="重点投放")
    ax.set_xticks(x, [str(i) for i in allocation.index], rotation=30, ha="right")
    ax.set_ylabel("预计带来的销售额（元）")
    ax.yaxis.set_major_formatter(thousands())
    ev = allocation.attrs.get("return_even", float(allocation["return_even"].sum()))
    tg = allocation.attrs.get("return_targeted", float(allocation["return_targeted"].sum()))
    budget = allocation.attrs.get("spent", float("nan"))
    ax.set_title(f"同样花 {_fmt(budget)} 元：平均撒网带来 {_fmt(ev)} 元，重点投放带来 {_fmt(tg)} 元")
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


# ---------------------------------------------------------------------------
# segment tables (demographic, behavioural, RFM)
# ---------------------------------------------------------------------------


def plot_segment_shares(table: pd.DataFrame, ax=None, *, title: str = "各客户群的人数占比与金额占比"):
    """Customer share vs revenue share per segment (horizontal bars).

    Works for :func:`crmlab.segment.segment_summary` and :func:`crmlab.segment.segment_table`.
    """
    _need(table, ["customer_share", "revenue_share"], "请传入 segment_summary(...) 或 segment_table(...) 的结果。")
    labels = [" × ".join(map(str, i)) if isinstance(i, tuple) else str(i) for i in table.index]
    _fig, ax = get_ax(ax, figsize=(8, max(3.0, 0.42 * len(table) + 1.2)))
    y = np.arange(len(table))[::-1]
    h = 0.38
    cs = table["customer_share"].to_numpy(float) * 100
    rs = table["revenue_share"].to_numpy(float) * 100
    ax.barh(y + h / 2, cs, h, color="#92c5de", label="客户数占比")
    ax.barh(y - h / 2, rs, h, color="#2166ac", label="消费金额占比")
    for yy, c, r in zip(y, cs, rs):
        ax.text(c + 0.5, yy + h / 2, f"{c:.1f}%", va="center", fontsize=9)
        ax.text(r + 0.5, yy - h / 2, f"{r:.1f}%", va="center", fontsize=9)
    ax.set_yticks(y, labels)
    ax.set_xlabel("占比（%）")
    ax.set_xlim(0, max(float(np.nanmax(np.r_[cs, rs, 1.0])) * 1.15, 5))
    ax.set_title(title)
    ax.legend(frameon=False, loc="lower left", bbox_to_anchor=(1.0, 0.0), fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_segment_sizes(summary: pd.DataFrame, ax=None):
    """Customers (bars) and revenue (line, right axis) per RFM segment."""
    _need(summary, ["customers", "revenue"], "请传入 segment_summary(...) 的结果。")
    _fig, ax = get_ax(ax, figsize=(8, 4.2))
    x = np.arange(len(summary))
    colors = [SEGMENT_COLORS[i % len(SEGMENT_COLORS)] for i in range(len(summary))]
    ax.bar(x, summary["customers"], color=colors, alpha=0.85)
    ax.set_ylabel("客户数（柱）")
    ax.set_xticks(x, [str(i) for i in summary.index], rotation=30, ha="right")
    ax.set_ylim(top=max(float(summary["customers"].max()), 1.0) * 1.1)
    ax2 = _twin(ax)
    ax2.plot(x, summary["revenue"].to_numpy(float) / 10000, "o-", color="#333333", label="消费金额")
    ax2.set_ylabel("消费金额（万元，折线）")
    ax2.set_ylim(bottom=0)
    # bar labels on the twin axes (drawn last) with a white box, so the line never hides them
    for xx, c in zip(x, summary["customers"]):
        ax2.annotate(f"{int(c)}", (xx, c), xycoords=ax.transData, xytext=(0, 3), textcoords="offset points",
                     ha="center", va="bottom", fontsize=9,
                     bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 1.0})
    ax.set_title("各 RFM 客户群的人数与消费金额", y=1.0)
    ax.spines[["top"]].set_visible(False)
    _fixed_label_positions(ax, ax2)
    return ax


def _squarify(values: list[float], x: float, y: float, w: float, h: float) -> list[tuple[float, float, float, float]]:
    """Squarified treemap layout (Bruls et al.) of positive ``values`` sorted descending."""
    total = sum(values)
    if total <= 0:
        return [(x, y, 0.0, 0.0) for _ in values]
    scaled = [v * w * h / total for v in values]
    rects: list[tuple[float, float, float, float]] = []

    def worst(row: list[float], side: float) -> float:
        s = sum(row)
        if s <= 0 or side <= 0:
            return float("inf")
        return max(max(side * side * r / (s * s), (s * s) / (side * side * r)) for r in row if r > 0)

    i = 0
    while i < len(scaled):
        side = min(w, h)
        row = [scaled[i]]
        i += 1
        while i < len(scaled) and worst(row + [scaled[i]], side) <= worst(row, side):
            row.append(scaled[i])
            i += 1
        s = sum(row)
        if w >= h:  # lay the row out as a column on the left
            cw = s / h if h else 0.0
            yy = y
            for r in row:
                rh = r / cw if cw else 0.0
                rects.append((x, yy, cw, rh))
                yy += rh
            x, w = x + cw, w - cw
        else:  # a row on the bottom
            rh = s / w if w else 0.0
            xx = x
            for r in row:
                rw = r / rh if rh else 0.0
                rects.append((xx, y, rw, rh))
                xx += rw
            y, h = y + rh, h - rh
    return rects


def _text_px(text: str, size_pt: float, dpi: float) -> tuple[float, float]:
    """Approximate pixel width and height of ``text`` (CJK characters 1 em wide, others 0.62 em)."""
    em = size_pt * dpi / 72
    lines = text.split("\n")
    width = max(sum(1.0 if ord(ch) > 0x2E80 else 0.62 for ch in line) for line in lines) * em
    return width, len(lines) * em * 1.25


def _tile_label(name: str, share: str, w_px: float, h_px: float, dpi: float) -> tuple[str, float] | None:
    """The longest label that fits inside a w_px x h_px tile, and its font size; None if none does."""
    for text in (f"{name}\n{share}", f"{name} {share}"):
        for size in (10, 9, 8):
            tw, th = _text_px(text, size, dpi)
            if tw <= w_px - 6 and th <= h_px - 4:
                return text, float(size)
    return None


CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def plot_segment_treemap(summary: pd.DataFrame, ax=None, *, by: str = "customers"):
    """Treemap of segment shares (``by`` = ``"customers"`` or ``"revenue"``), drawn with rectangles.

    Every tile is labelled inside its rectangle: with its name and share when they fit,
    otherwise with a number (①, ②, ...) explained in a key under the tiles.
    """
    _need(summary, [by], "请传入 segment_summary(...) 的结果。")
    from matplotlib.patches import Rectangle

    values = summary[by].astype(float)
    colors = {s: SEGMENT_COLORS[i % len(SEGMENT_COLORS)] for i, s in enumerate(summary.index)}
    values = values[values > 0].sort_values(ascending=False)
    if len(values) == 0:
        raise CRMDataError("所有客户群都是 0，无法画树状图。")
    fig, ax = get_ax(ax, figsize=(8, 4.6))
    rects = _squarify(list(values), 0.0, 0.0, 100.0, 60.0)
    box = ax.get_window_extent()
    sx, sy = box.width / 100.0, box.height / 68.0  # pixels per data unit (the key takes y -8..0)
    total = values.sum()
    key = []
    for (name, v), (x, y, w, h) in zip(values.items(), rects):
        ax.add_patch(Rectangle((x, y), w, h, facecolor=colors[name], edgecolor="white", linewidth=2))
        color = "white" if list(colors).index(name) < 4 else "black"
        label = _tile_label(str(name), f"{v / total:.1%}", w * sx, h * sy, fig.dpi)
        if label is None:
            mark = CIRCLED[len(key) % len(CIRCLED)]
            key.append(f"{mark} {name} {v / total:.1%}")
            size = max(6.0, min(9.0, 0.8 * min(w * sx, h * sy) * 72 / fig.dpi))
            label = (mark, size)
        ax.text(x + w / 2, y + h / 2, label[0], ha="center", va="center", fontsize=label[1], color=color)
    if key:
        ax.text(0, -4, "小块：" + "　".join(key), ha="left", va="center", fontsize=9, color="#333333")
    ax.set_xlim(0, 100)
    ax.set_ylim(-8 if key else 0, 60)
    ax.set_axis_off()
    what = "客户数" if by == "customers" else ("消费金额" if by == "revenue" else by)
    ax.set_title(f"各客户群的{what}占比（面积越大占比越高）", y=1.0)
    return ax


def plot_rf_heatmap(rfm_frame: pd.DataFrame, ax=None, *, show_names: bool | None = None):
    """R x F heat map: colour = number of customers, text = count and mean monetary.

    ``show_names`` writes the Chinese R x F grid name (冠军客户, ...) in each cell;
    by default it does so when ``rfm_frame`` was made with ``scheme="rf_grid"``.
    """
    _need(rfm_frame, ["R", "F", "monetary"], "请传入 rfm(...) 的结果。")
    _fig, ax = get_ax(ax, figsize=(6.4, 5.0))
    try:
        r = rfm_frame["R"].to_numpy(int)
        f = rfm_frame["F"].to_numpy(int)
    except (TypeError, ValueError) as exc:
        raise CRMDataError("R、F 分必须是 1 到 5 的整数，请传入 rfm(...) 的结果。") from exc
    if ((r < 1) | (r > 5) | (f < 1) | (f > 5)).any():
        raise CRMDataError("R、F 分必须是 1 到 5 的整数，请传入 rfm(...) 的结果。")
    cell = (r - 1) * 5 + (f - 1)
    counts = np.bincount(cell, minlength=25).reshape(5, 5)
    sums = np.bincount(cell, weights=rfm_frame["monetary"].to_numpy(float), minlength=25).reshape(5, 5)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_m = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    ax.imshow(counts, cmap="Blues", origin="lower", aspect="auto")
    vmax = counts.max() if counts.max() > 0 else 1
    if show_names is None:
        show_names = rfm_frame.attrs.get("scheme") == "rf_grid"
    if show_names:
        from crmlab.segment import RF_GRID, RF_GRID_NAMES
    for i in range(5):
        for j in range(5):
            color = "white" if counts[i, j] > 0.6 * vmax else "black"
            text = f"{counts[i, j]}人\n均{_fmt(mean_m[i, j])}元" if counts[i, j] else "0"
            if show_names:
                name = RF_GRID_NAMES[RF_GRID[(i + 1, j + 1)]]
                ax.text(j, i + 0.3, name, ha="center", va="center", fontsize=8.5, color=color)
                ax.text(j, i - 0.1, text, ha="center", va="center", fontsize=9, color=color)
            else:
                ax.text(j, i, text, ha="center", va="center", fontsize=10, color=color)
    ax.set_xticks(range(5), [str(k) for k in range(1, 6)])
    ax.set_yticks(range(5), [str(k) for k in range(1, 6)])
    ax.set_xlabel("F 分（购买次数，5 = 最多）")
    ax.set_ylabel("R 分（最近购买，5 = 最近）")
    ax.set_title("R × F 热力图：人数（颜色越深人越多）与平均消费金额", y=1.0)
    _fixed_label_positions(ax)
    return ax


# ---------------------------------------------------------------------------
# KMeans
# ---------------------------------------------------------------------------


def plot_elbow(scores: pd.DataFrame, ax=None):
    """Elbow (inertia) and silhouette per k, from :func:`crmlab.segment.choose_k`."""
    _need(scores, ["inertia", "silhouette"], "请传入 choose_k(...) 的结果。")
    _fig, ax = get_ax(ax, figsize=(7, 4.0))
    k = scores.index.to_numpy()
    ax.plot(k, scores["inertia"], "o-", color="#2166ac", label="组内平方和（肘部法）")
    ax.set_xlabel("聚类数 k")
    ax.set_ylabel("组内平方和（越小越紧凑）", color="#2166ac")
    ax2 = ax.twinx()
    ax2.plot(k, scores["silhouette"], "s--", color="#b2182b", label="轮廓系数")
    ax2.set_ylabel("轮廓系数（越大越好）", color="#b2182b")
    best = scores["silhouette"].idxmax()
    ax2.annotate(f"轮廓系数最高：k = {best}", (best, scores.loc[best, "silhouette"]),
                 xytext=(12, -14), textcoords="offset points", ha="left", color="#b2182b", fontsize=9)
    ax.set_xticks(k)
    ax.set_title("选择聚类数 k：肘部法与轮廓系数")
    ax.spines[["top"]].set_visible(False)
    return ax


def plot_silhouette(scores: pd.DataFrame, ax=None):
    """Silhouette score per k as bars (best k highlighted)."""
    _need(scores, ["silhouette"], "请传入 choose_k(...) 的结果。")
    _fig, ax = get_ax(ax, figsize=(6, 3.6))
    k = scores.index.to_numpy()
    best = scores["silhouette"].idxmax()
    ax.bar(k, scores["silhouette"], color=["#b2182b" if kk == best else "#bababa" for kk in k])
    ax.set_xticks(k)
    ax.set_xlabel("聚类数 k")
    ax.set_ylabel("轮廓系数")
    ax.set_title("不同 k 的轮廓系数（红色最高）")
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_cluster_profiles(result, ax=None, *, labels=None):
    """Snake chart: standardised mean of every feature per cluster (0 = average customer)."""
    z = getattr(result, "zscores", None)
    if z is None or len(z) == 0:
        raise CRMDataError("请传入 kmeans_segments(...) 的结果。")
    from crmlab.segment import COLUMN_LABELS, SURVEY_LABELS

    names = result.profiles["name"] if "name" in result.profiles else pd.Series(z.index, index=z.index)
    lab = {**COLUMN_LABELS, **SURVEY_LABELS, **(labels or {})}
    _fig, ax = get_ax(ax, figsize=(max(6.0, 0.7 * z.shape[1] + 3), 4.2))
    x = np.arange(z.shape[1])
    key: list[tuple[str, str]] = []
    for i, (c, row) in enumerate(z.iterrows()):
        size = int(result.profiles.loc[c, "size"])
        name = f"{c}：{names.loc[c]}"
        color = CLUSTER_COLORS[i % len(CLUSTER_COLORS)]
        ax.plot(x, row.to_numpy(float), "o-", color=color, label=f"{name}（{size}人）")
        key.append((f"{name}\n    （{size}人）" if len(name) > 14 else f"{name}（{size}人）", color))
    ax.axhline(0, color="#888888", linewidth=0.8)
    ax.set_xticks(x, [lab.get(c, c) for c in z.columns], rotation=30 if z.shape[1] > 4 else 0, ha="right" if z.shape[1] > 4 else "center")
    ax.set_ylabel("与平均水平的差距（标准差）")
    ax.set_title(f"各类客户的画像（k = {result.k}，轮廓系数 {result.silhouette:.2f}）", y=1.0)
    _colour_key(ax, key)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_cluster_radar(result, ax=None, *, labels=None):
    """Radar chart: standardised mean of every feature per cluster, one polygon per cluster.

    The dashed circle is the average customer (0); points outside it are above
    average.  Needs at least 3 features (use :func:`plot_cluster_profiles`, the
    snake chart, otherwise).  ``ax`` should be a polar Axes; a normal Axes is
    replaced by a polar one in the same place (the returned Axes is the polar one).
    """
    z = getattr(result, "zscores", None)
    if z is None or len(z) == 0:
        raise CRMDataError("请传入 kmeans_segments(...) 或 psychographic_segments(...) 的结果。")
    if z.shape[1] < 3:
        raise CRMDataError(
            f"雷达图至少需要 3 个特征，现在只有 {z.shape[1]} 个。请多选几个特征，或改用 plot_cluster_profiles（蛇形图）。"
        )
    import matplotlib.pyplot as plt

    from crmlab.segment import COLUMN_LABELS, SURVEY_LABELS

    if ax is None:
        fig = plt.figure(figsize=(8.4, 5.6), layout="constrained")
        ax = fig.add_subplot(projection="polar")
    elif getattr(ax, "name", "") != "polar":
        fig = ax.figure
        spec = ax.get_subplotspec()
        pos = ax.get_position()
        ax.remove()
        ax = fig.add_subplot(spec, projection="polar") if spec is not None else fig.add_axes(pos, projection="polar")
    fig = ax.figure
    names = result.profiles["name"] if "name" in result.profiles else pd.Series(z.index, index=z.index)
    lab = {**COLUMN_LABELS, **SURVEY_LABELS, **(labels or {})}
    values = z.to_numpy(float)
    lo = float(np.floor(min(values.min(), 0.0) * 2) / 2 - 0.5)
    hi = float(np.ceil(max(values.max(), 0.0) * 2) / 2)
    m = z.shape[1]
    angles = np.linspace(0, 2 * np.pi, m, endpoint=False)
    closed = np.r_[angles, angles[:1]]
    key: list[tuple[str, str]] = []
    for i, (c, row) in enumerate(z.iterrows()):
        color = CLUSTER_COLORS[i % len(CLUSTER_COLORS)]
        v = row.to_numpy(float)
        size = int(result.profiles.loc[c, "size"])
        ax.plot(closed, np.r_[v, v[:1]], "o-", color=color, linewidth=2, markersize=4,
                label=f"{c}：{names.loc[c]}（{size}人）")
        key.append((f"{c}：{names.loc[c]}（{size}人）", color))
        ax.fill(closed, np.r_[v, v[:1]], color=color, alpha=0.08)
    ring = np.linspace(0, 2 * np.pi, 200)
    ax.plot(ring, np.zeros_like(ring), "--", color="#555555", linewidth=1.2, label="平均水平（0）")
    ax.set_ylim(lo, hi)
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_xticks(angles, [lab.get(c, c) for c in z.columns], fontsize=11)
    ticks = list(np.arange(np.ceil(lo), hi + 0.01, 1.0))
    ax.set_yticks(ticks, [f"{t:+.0f}" if t else "0" for t in ticks], fontsize=8, color="#666666")
    ax.set_title(f"各类客户的画像雷达图（k = {result.k}，圈外 = 高于平均）", pad=18)
    _colour_key(ax, [*key, ("平均水平（0，虚线圈）", "#555555")], x=1.08, top=1.05)
    return ax


def plot_crosstab(
    table: pd.DataFrame,
    ax=None,
    *,
    title: str = "聚类结果 × RFM 客户群（人数）",
    xlabel: str = "RFM 客户群",
    ylabel: str = "K 均值聚类（建议名称）",
):
    """Heat map of a cross table (e.g. :func:`crmlab.segment.crosstab_segments`)."""
    if table is None or table.size == 0:
        raise CRMDataError("交叉表是空的，无法画图。")
    fig, ax = get_ax(ax, figsize=(max(6.0, 0.9 * table.shape[1] + 2), max(3.0, 0.55 * table.shape[0] + 1.5)))
    v = table.to_numpy(float)
    im = ax.imshow(v, cmap="Greens", aspect="auto")
    vmax = v.max() if v.max() > 0 else 1
    for i in range(v.shape[0]):
        for j in range(v.shape[1]):
            ax.text(j, i, f"{int(v[i, j])}", ha="center", va="center", fontsize=10,
                    color="white" if v[i, j] > 0.6 * vmax else "black")
    ax.set_xticks(range(v.shape[1]), [str(c) for c in table.columns], rotation=30, ha="right")
    ax.set_yticks(range(v.shape[0]), [str(i) for i in table.index])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    fig.colorbar(im, ax=ax, label="客户数", shrink=0.85)
    return ax


__all__ = [
    "plot_budget_demo",
    "plot_cluster_profiles",
    "plot_cluster_radar",
    "plot_crosstab",
    "plot_elbow",
    "plot_rf_heatmap",
    "plot_segment_shares",
    "plot_segment_sizes",
    "plot_segment_treemap",
    "plot_silhouette",
]
