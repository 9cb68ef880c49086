"""Charts for lesson 4 (客户信用管理).  Every function returns the matplotlib Axes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.charts import bars_figsize, get_ax
from crmlab.charts._format import thousands

BUCKET_COLORS = ("#4caf50", "#cddc39", "#ffc107", "#ff9800", "#f4511e", "#b71c1c")
TIER_COLORS = ("#b71c1c", "#ef6c00", "#f9a825", "#9e9e9e", "#78909c", "#90a4ae")


def plot_pyramid(result, ax=None, title=None):
    """Customer pyramid: one trapezoid layer per tier (top tier on top), with shares.

    ``result`` is a :class:`crmlab.credit.PyramidResult` (or its ``tiers`` table).
    Layers have equal height so small top tiers stay readable; the labels give the
    share of customers and of value of each tier.
    """
    tiers = getattr(result, "tiers", result)
    by = getattr(result, "by", "amount")
    if tiers is None or len(tiers) == 0:
        raise CRMDataError("没有分层结果可以画图。")
    _fig, ax = get_ax(ax, figsize=(8, 4.8))
    k = len(tiers)
    word = "毛利" if by == "gross_profit" else "金额"
    for i, (name, row) in enumerate(tiers.iloc[::-1].iterrows()):  # bottom first
        y0, y1 = i, i + 1
        w0 = 1 - i / k  # half-width at the bottom of this layer
        w1 = 1 - (i + 1) / k
        w1 = max(w1, 0.06)
        xs = [-w0, w0, w1, -w1]
        ys = [y0, y0, y1, y1]
        color = TIER_COLORS[(k - 1 - i) % len(TIER_COLORS)]
        ax.fill(xs, ys, color=color, alpha=0.85, edgecolor="white", linewidth=2)
        ax.text(0, (y0 + y1) / 2, str(name), ha="center", va="center", fontsize=11, color="white")
        ax.text(
            1.08,
            (y0 + y1) / 2,
            f"客户 {int(row['customers']):,} 位（{row['customer_share']:.1%}）\n{word}占比 {row['value_share']:.1%}",
            ha="left",
            va="center",
            fontsize=9,
        )
    ax.set_xlim(-1.05, 2.1)
    ax.set_ylim(0, k)
    ax.axis("off")
    ax.set_title(title or f"客户金字塔（按{word}排名分层）")
    return ax


def plot_payment_segments(segments: pd.DataFrame, ax=None):
    """Share of customers vs share of sales per payment segment, with overdue rates."""
    if segments is None or len(segments) == 0:
        raise CRMDataError("没有付款方式细分结果可以画图。")
    _fig, ax = get_ax(ax)
    x = np.arange(len(segments))
    ax.bar(x - 0.2, segments["customer_share"] * 100, width=0.4, label="客户占比", color="#90a4ae")
    ax.bar(x + 0.2, segments["sales_share"] * 100, width=0.4, label="销售额占比", color="#1f77b4")
    if "late_rate" in segments.columns:
        tops = np.maximum(segments["customer_share"], segments["sales_share"]).to_numpy() * 100
        for xi, rate, top in zip(x, segments["late_rate"], tops):
            text = "无赊销发票" if pd.isna(rate) else f"发票逾期率 {rate:.0%}"
            ax.text(xi, top + 2, text, ha="center", va="bottom", fontsize=9, color="#b3261e")
    ax.set_xticks(x, list(segments.index))
    ax.set_ylim(0, 118)
    ax.set_ylabel("占比（%）")
    ax.set_title("现金客户与赊销客户：人数、销售额和逾期")
    ax.legend(loc="upper right")
    return ax


def plot_credit_policy(result, ax=None):
    """Net profit change of the new policy against the sales increase, with the break-even."""
    _fig, ax = get_ax(ax)
    c = result.curve
    ax.plot(c["sales_growth"] * 100, c["net_profit_change"], color="#1f77b4", label="新政策的净收益变化")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.scatter([result.sales_increase * 100], [result.profit_change], color="#b3261e", zorder=3,
               label=f"当前假设：增长 {result.sales_increase:.0%}，净收益变化 {result.profit_change:,.0f} 元")
    be = result.breakeven_increase
    if np.isfinite(be) and c["sales_growth"].min() <= be <= c["sales_growth"].max():
        ax.axvline(be * 100, color="#2e7d32", linestyle="--", label=f"保本点：销售增长 {be:.1%}")
    ax.set_xlabel("放宽信用后销售额增长（%）")
    ax.set_ylabel("净收益变化（元）")
    ax.yaxis.set_major_formatter(thousands())
    ax.set_title("信用政策：放宽账期值不值？")
    ax.legend(fontsize=9, loc="best")
    return ax


def plot_5c(scored: pd.DataFrame | pd.Series, ax=None):
    """Horizontal bars of the five C sub-scores of one scored account (a row of ``score_5c``)."""
    from crmlab.credit import FIVE_C

    row = scored.iloc[0] if isinstance(scored, pd.DataFrame) else scored
    names = list(FIVE_C.values())  # the Chinese names label the bars; the columns are the English keys
    vals = [float(row[c]) for c in FIVE_C]
    _fig, ax = get_ax(ax, figsize=(6, 3.2))
    colors = ["#2e7d32" if v >= 70 else "#f9a825" if v >= 50 else "#c62828" for v in vals]
    ax.barh(names[::-1], vals[::-1], color=colors[::-1])
    for i, v in enumerate(vals[::-1]):
        ax.text(v + 1, i, f"{v:.0f}", va="center", fontsize=9)
    ax.set_xlim(0, 110)
    ax.set_xlabel("分项得分（0-100）")
    ax.set_title(f"5C 评分：总分 {row['score']:.1f}，等级 {row['grade']}")
    return ax


def plot_score_distribution(points, y, ax=None, bins=30):
    """Histograms of scorecard points for good (y=0) and bad (y=1) customers."""
    points = np.asarray(points, dtype=float)
    y = np.asarray(y).astype(int)
    _fig, ax = get_ax(ax)
    edges = np.histogram_bin_edges(points, bins=bins)
    ax.hist(points[y == 0], bins=edges, alpha=0.6, color="#2e7d32", label="好客户", density=True)
    ax.hist(points[y == 1], bins=edges, alpha=0.6, color="#c62828", label="坏客户", density=True)
    ax.set_xlabel("评分卡分数（越高越安全）")
    ax.set_ylabel("密度")
    ax.set_title("好客户和坏客户的分数分布")
    ax.legend()
    return ax


def plot_iv(iv_table: pd.DataFrame, ax=None, top=20, labels=None):
    """Information value (IV) per feature, strongest on top; dotted/dashed lines at 0.02 / 0.1.

    ``labels``: optional mapping feature -> display name (e.g. Chinese meanings).
    Grey bars: features left out of the model (IV below ``min_iv``).
    """
    t = iv_table.head(top).iloc[::-1]
    _fig, ax = get_ax(ax, figsize=(8, max(3, 0.3 * len(t) + 1)))
    colors = ["#1f77b4" if s else "#b0bec5" for s in t.get("selected", pd.Series(True, index=t.index))]
    names = [str(labels.get(f, f)) if labels is not None else f for f in t["feature"]]
    ax.barh(names, t["iv"], color=colors)
    for v, style in ((0.02, ":"), (0.1, "--")):
        ax.axvline(v, color="gray", linestyle=style, linewidth=0.8)
    ax.set_xlabel("IV（信息值）：0.02 以下几乎无用（灰色，未进模型），0.1 以上较有用")
    ax.set_title("各特征的预测力（IV）")
    ax.tick_params(axis="y", labelsize=8)
    return ax


def plot_ks(y, points, ax=None):
    """KS curve: cumulative share of bads vs goods by score; the largest gap is the KS.

    Uses the domain's :func:`crmlab.credit.ks_table`, so the KS in the legend
    is exactly :func:`crmlab.credit.ks_score` (equal scores enter together).
    """
    from crmlab.credit import ks_table

    t = ks_table(y, points)
    _fig, ax = get_ax(ax)
    ax.plot(t["cutoff"], t["cum_bad_share"], color="#c62828", label="累计坏客户占比")
    ax.plot(t["cutoff"], t["cum_good_share"], color="#2e7d32", label="累计好客户占比")
    i = int(t["ks_gap"].abs().idxmax())
    ks = abs(t.loc[i, "ks_gap"])
    ax.vlines(t.loc[i, "cutoff"], t.loc[i, "cum_good_share"], t.loc[i, "cum_bad_share"], color="black", linestyle="--",
              label=f"KS = {ks:.2f}（分数 {t.loc[i, 'cutoff']:.0f}）")
    ax.set_xlabel("评分卡分数")
    ax.set_ylabel("累计占比")
    ax.set_title("KS 曲线：坏客户集中在低分段")
    ax.legend()
    return ax


def plot_roc(y, proba_bad, ax=None):
    """ROC curve of a bad-customer probability, with the AUC in the legend (both from :mod:`crmlab.credit`)."""
    from crmlab.credit import auc_score, roc_table

    roc = roc_table(y, proba_bad)
    auc = auc_score(y, proba_bad)
    _fig, ax = get_ax(ax, figsize=(5, 5))
    ax.plot(roc["fpr"], roc["tpr"], color="#1f77b4", label=f"评分卡 AUC = {auc:.3f}")
    ax.plot([0, 1], [0, 1], color="gray", linestyle=":", label="随机猜测 AUC = 0.5")
    ax.set_xlabel("误伤的好客户比例（假阳性率）")
    ax.set_ylabel("抓到的坏客户比例（真阳性率）")
    ax.set_title("ROC 曲线")
    ax.legend(loc="lower right")
    return ax


def plot_aging(aging_table: pd.DataFrame, top: int = 15, ax=None):
    """Stacked bars of open receivables by ageing bucket for the ``top`` customers by total."""
    from crmlab.credit import BUCKETS, TOTAL

    if aging_table is None or len(aging_table) == 0:
        raise CRMDataError("截止日没有未收回的应收账款，没有账龄可以画。")
    t = aging_table.sort_values(TOTAL, ascending=False).head(int(top)).iloc[::-1]
    _fig, ax = get_ax(ax, figsize=bars_figsize(len(t), 8))
    left = np.zeros(len(t))
    for b, color in zip(BUCKETS, BUCKET_COLORS):
        ax.barh(t.index.astype(str), t[b], left=left, color=color, label=b)
        left += t[b].to_numpy()
    ax.set_xlabel("应收余额（元）")
    ax.xaxis.set_major_formatter(thousands())
    ax.set_title(f"应收账款账龄（余额最大的 {len(t)} 位客户）")
    ax.legend(fontsize=9, loc="lower right")
    ax.tick_params(axis="y", labelsize=9)
    return ax


def plot_provision(provision_table: pd.DataFrame, ax=None):
    """Open amount and bad-debt provision per ageing bucket."""
    from crmlab.credit import BUCKETS

    t = provision_table.loc[list(BUCKETS)]
    _fig, ax = get_ax(ax)
    x = np.arange(len(t))
    ax.bar(x - 0.2, t["receivable"], width=0.4, color="#90a4ae", label="应收金额")
    ax.bar(x + 0.2, t["provision"], width=0.4, color="#c62828", label="坏账准备")
    for xi, rate, amount in zip(x, t["provision_rate"], t["provision"]):
        ax.text(xi + 0.2, amount, f"{rate:.0%}", ha="center", va="bottom", fontsize=9, color="#b3261e")
    ax.set_xticks(x, list(t.index), rotation=20)
    ax.set_ylabel("金额（元）")
    ax.yaxis.set_major_formatter(thousands())
    ax.set_title("按账龄计提坏账准备（红柱上方数字为计提比例）")
    ax.legend()
    return ax


def plot_dso_trend(trend: pd.Series, ax=None, target=None):
    """Monthly DSO (days sales outstanding); optional target line (e.g. the usual payment terms)."""
    if trend is None or len(trend) == 0:
        raise CRMDataError("没有 DSO 数据可以画。")
    _fig, ax = get_ax(ax)
    ax.plot(trend.index, trend.to_numpy(), marker="o", color="#1f77b4", label="DSO（应收账款周转天数）")
    if target is not None:
        ax.axhline(float(target), color="#2e7d32", linestyle="--", label=f"目标：{float(target):.0f} 天")
    ax.set_ylabel("天")
    ax.set_title("应收账款周转天数（DSO）月度趋势")
    ax.legend()
    # like fig.autofmt_xdate(), which warns under the constrained layout on matplotlib<3.8
    for label in ax.get_xticklabels():
        label.set_rotation(30)
        label.set_horizontalalignment("right")
    return ax


__all__ = [
    "plot_5c",
    "plot_aging",
    "plot_credit_policy",
    "plot_dso_trend",
    "plot_iv",
    "plot_ks",
    "plot_payment_segments",
    "plot_provision",
    "plot_pyramid",
    "plot_roc",
    "plot_score_distribution",
]
