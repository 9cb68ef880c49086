"""Charts for lesson 2 (收集客户信息): the four analyses and data quality.

Each function takes the result of a :mod:`crmlab.analysis` (or
:mod:`crmlab.infobase`) function, draws on ``ax`` (or a new Axes) and returns it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab.charts import get_ax, need_data

MAIN = "#1f5fa8"
ACCENT = "#f2a900"
BAD = "#b3261e"
GOOD = "#1b7f3b"


def _check(df, cols, what):
    need_data(df, cols, f"请先用 {what} 计算结果。")


def plot_sales_by_region(table: pd.DataFrame, ax=None):
    """Horizontal bars of sales per region (from :func:`crmlab.analysis.sales_by_region`)."""
    _check(table, ["sales", "sales_share"], "sales_by_region(...)")
    _fig, ax = get_ax(ax)
    t = table.sort_values("sales")
    bars = ax.barh(t.index.astype(str), t["sales"] / 10_000, color=MAIN)
    bars[-1].set_color(ACCENT)
    for b, share in zip(bars, t["sales_share"]):
        ax.text(b.get_width(), b.get_y() + b.get_height() / 2, f" {share:.1%}", va="center", fontsize=11)
    ax.set_xlabel("销售额（万元）")
    ax.set_title("各地区销售额（橙色为主要销售地区）")
    ax.margins(x=0.15)
    return ax


def plot_favourite_by_age(table: pd.DataFrame, ax=None):
    """Heat map age band x category with the favourite of each band outlined."""
    from matplotlib.patches import Rectangle

    _check(table, ["favourite"], "favourite_by_age(...)")
    data = table.drop(columns="favourite")
    fig, ax = get_ax(ax, figsize=(8, 4.2))
    share = data.div(data.sum(axis=1), axis=0)
    im = ax.imshow(share.to_numpy(dtype=float), cmap="Blues", aspect="auto")
    ax.set_xticks(range(data.shape[1]), data.columns.astype(str), rotation=30, ha="right")
    ax.set_yticks(range(data.shape[0]), data.index.astype(str))
    for i, fav in enumerate(table["favourite"]):
        j = list(data.columns).index(fav)
        ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor=ACCENT, linewidth=2.5))
        for jj in range(data.shape[1]):
            v = share.iat[i, jj]
            ax.text(jj, i, f"{v:.0%}", ha="center", va="center", fontsize=10, color="white" if v > 0.22 else "black")
    fig.colorbar(im, ax=ax, label="该年龄段购买量占比")
    ax.set_title("各年龄段最爱的品类（橙框）")
    return ax


def plot_pareto(shares: pd.DataFrame, top: float = 0.2, ax=None):
    """Pareto curve: cumulative share of sales against cumulative share of customers."""
    _check(shares, ["cum_share", "cum_customer_share"], "customer_shares(...)")
    _fig, ax = get_ax(ax)
    x = np.r_[0, shares["cum_customer_share"].to_numpy()] * 100
    y = np.r_[0, shares["cum_share"].to_numpy()] * 100
    ax.plot(x, y, color=MAIN, linewidth=2, label="累计销售额占比")
    ax.plot([0, 100], [0, 100], color="gray", linestyle="--", linewidth=1, label="人人贡献相同")
    k = max(1, round(top * len(shares)))
    yk = shares["cum_share"].iloc[k - 1] * 100
    ax.axvline(top * 100, color=ACCENT, linestyle=":")
    ax.scatter([top * 100], [yk], color=ACCENT, zorder=3)
    ax.annotate(f"前 {top:.0%} 的客户\n贡献 {yk:.1f}% 的销售额", (top * 100, yk), xytext=(10, -40),
                textcoords="offset points", fontsize=10, arrowprops={"arrowstyle": "->"})
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 102)
    ax.set_xlabel("客户累计占比（%，按销售额从高到低）")
    ax.set_ylabel("销售额累计占比（%）")
    ax.set_title("客户销售额帕累托曲线")
    ax.legend(loc="lower right")
    return ax


def plot_forecast(table: pd.DataFrame, ax=None):
    """Actual monthly sales, the model (trend + seasons), the trend alone and the forecast band."""
    _check(table, ["month", "kind", "sales", "fitted", "forecast", "lower", "upper"], "forecast_sales(...)")
    _fig, ax = get_ax(ax, figsize=(10, 4.8))
    x = np.arange(len(table))
    hist = (table["kind"] == "实际").to_numpy()
    fut = ~hist
    wan = 10_000
    ax.plot(x[hist], table.loc[hist, "sales"] / wan, marker="o", color=MAIN, linewidth=2, label="实际销售额")
    ax.plot(x[hist], table.loc[hist, "fitted"] / wan, color="gray", linestyle="--", label="模型拟合（趋势+季节）")
    if "trend_line" in table.columns:
        ax.plot(x, table["trend_line"] / wan, color=BAD, linewidth=1.5, linestyle="-.", label="长期趋势（去掉季节）")
    level = table.attrs.get("level", 0.9)
    if fut.any():
        # start the forecast line at the last actual month so the two lines join
        last = np.flatnonzero(hist)[-1] if hist.any() else None
        xf = x[fut] if last is None else np.r_[x[last], x[fut]]
        yf = table.loc[fut, "forecast"].to_numpy() / wan
        yf = yf if last is None else np.r_[table["sales"].iloc[last] / wan, yf]
        ax.plot(xf, yf, marker="o", color=ACCENT, linewidth=2, label="预测")
        ax.fill_between(x[fut], table.loc[fut, "lower"] / wan, table.loc[fut, "upper"] / wan,
                        color=ACCENT, alpha=0.25, label=f"{level:.0%} 预测区间")
        ax.axvline(x[fut][0] - 0.5, color="black", linewidth=0.8, linestyle=":")
    step = max(1, len(x) // 12)
    ax.set_xticks(x[::step], table["month"].iloc[::step], rotation=45, ha="right")
    ax.set_ylabel("销售额（万元）")
    # head room so that the legend (in one row at the top) never covers data
    top = np.nanmax(np.r_[table["sales"].to_numpy(dtype=float), table["upper"].to_numpy(dtype=float),
                          table["fitted"].to_numpy(dtype=float)]) / wan
    ax.set_ylim(0, top * 1.3)
    h = int(fut.sum())
    ax.set_title("月度销售额与未来半年预测" if h == 6 else f"月度销售额与未来 {h} 个月预测")
    ax.legend(loc="upper center", ncol=5, fontsize=9, frameon=False)
    return ax


def plot_month_over_month(table: pd.DataFrame, ax=None):
    """Bars of the change against last month per indicator, coloured by the judgement.

    Each bar is labelled with last month -> this month, the change, the judgement
    and (when the table has them) the weighted points; the title gives the
    weighted total and the overall verdict.
    """
    _check(table, ["previous", "current", "rating"], "month_over_month(...)")
    _fig, ax = get_ax(ax, figsize=(9, 4))
    n = len(table)
    y = np.arange(n)
    rel = table["change_rate"].to_numpy(dtype=float) * 100 if "change_rate" in table.columns else np.full(n, np.nan)
    colors = [GOOD if e == "好转" else BAD if e == "变坏" else "gray" for e in table["rating"]]
    ax.barh(y, np.nan_to_num(rel), color=colors, alpha=0.85)
    lim = max(10.0, float(np.nanmax(np.abs(rel))) * 1.15) if np.isfinite(rel).any() else 10.0
    has_score = "score" in table.columns
    for yi, r, row in zip(y, rel, table.itertuples()):
        txt = "—" if not np.isfinite(r) else f"{r:+.0f}%"
        pts = f"，{row.score:+.2f} 分" if has_score else ""
        fmt = ",.1f" if getattr(row, "unit", "") == "次/千件" else ",.0f"  # rates per 1,000 units: one decimal
        # label on the side of the axis away from the bar, so it never covers it
        right = not (np.isfinite(r) and r > 0)
        ax.text(lim * 0.02 if right else -lim * 0.02, yi, f"{row.previous:{fmt}} → {row.current:{fmt}}（{txt}，{row.rating}{pts}）",
                va="center", ha="left" if right else "right", fontsize=11)
    ax.axvline(0, color="black", linewidth=0.8)
    labels = [f"{name}\n权重 {w:g}" for name, w in zip(table.index.astype(str), table["weight"])] if "weight" in table.columns \
        else list(table.index.astype(str))
    ax.set_yticks(y, labels, fontsize=11)
    ax.invert_yaxis()
    ax.set_xlabel("与上月相比的变化（%）")
    ax.set_xlim(-lim, lim)
    verdict = table.attrs.get("verdict", "")
    score = table.attrs.get("score")
    total = f"总分 {score:+.2f}，" if isinstance(score, (int, float)) else ""
    ax.set_title(f"{table.attrs.get('month', '')} 对比 {table.attrs.get('previous', '')}：{total}经营情况{verdict}")
    return ax


def plot_accuracy(report: pd.DataFrame, ax=None):
    """Fill rate and accuracy per field (from :func:`crmlab.infobase.accuracy_report`)."""
    _check(report, ["填写率", "准确率"], "accuracy_report(...)")
    _fig, ax = get_ax(ax, figsize=(6, 3.2))
    y = np.arange(len(report))
    fill = ax.barh(y - 0.18, report["填写率"] * 100, height=0.35, color="#9db9dc", label="填写率")
    acc = ax.barh(y + 0.18, report["准确率"].fillna(0) * 100, height=0.35, color=MAIN, label="准确率（有效/已填）")
    for bars in (fill, acc):
        for b in bars:
            ax.text(b.get_width(), b.get_y() + b.get_height() / 2, f" {b.get_width():.0f}%", va="center", fontsize=10)
    ax.set_yticks(y, report.index.astype(str))
    ax.set_xlim(0, 115)
    ax.set_xlabel("%")
    ax.set_title("信息收录的完整性与准确性")
    # legend below the axes: it must not cover the bars that reach 100 %
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=10, frameon=False)
    return ax


__all__ = [
    "plot_accuracy",
    "plot_favourite_by_age",
    "plot_forecast",
    "plot_month_over_month",
    "plot_pareto",
    "plot_sales_by_region",
]
