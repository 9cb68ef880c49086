"""Charts for association rules (lesson 2, 数据挖掘：关联规则)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.charts import get_ax


def _rule_label(rules: pd.DataFrame, i: int) -> str:
    if "rule" in rules.columns:
        return str(rules["rule"].iloc[i])
    from crmlab.basket import rule_text

    return rule_text(rules["antecedents"].iloc[i], rules["consequents"].iloc[i])


def plot_rules(rules: pd.DataFrame, ax=None, label_top: int = 3):
    """Support (x) against confidence (y) of each rule, coloured by lift.

    ``rules`` comes from :func:`crmlab.basket.find_rules`.  The ``label_top`` rules
    with the highest lift are named on the chart; lift 1 is the white middle of the
    colour scale (red: bought together more often than chance, blue: less often).
    """
    need = ["support", "confidence", "lift"]
    if not isinstance(rules, pd.DataFrame) or len(rules) == 0 or any(c not in rules.columns for c in need):
        raise CRMDataError("没有可以画图的规则：请先用 find_rules(...) 找出规则，必要时降低门槛。")
    fig, ax = get_ax(ax)
    from matplotlib.colors import Normalize

    lift = rules["lift"].to_numpy(dtype=float)
    top = max(float(lift.max()), 1.1)
    sc = ax.scatter(rules["support"] * 100, rules["confidence"] * 100, c=lift, cmap="coolwarm",
                    norm=Normalize(vmin=max(0.0, 2.0 - top), vmax=top), s=90, edgecolors="#333333", linewidths=0.6)
    bar = fig.colorbar(sc, ax=ax)
    bar.set_label("提升度（1 = 没有关联）")
    order = np.argsort(-lift, kind="stable")
    named = [i for i in order[: max(int(label_top), 0)] if lift[i] > 1]
    if lift[order[-1]] < 1 and len(order) > len(named):
        named.append(order[-1])  # the least useful rule, for contrast
    for i in named:
        ax.annotate(_rule_label(rules, int(i)), (rules["support"].iloc[i] * 100, rules["confidence"].iloc[i] * 100),
                    xytext=(7, 5), textcoords="offset points", fontsize=10)
    ax.set_xlabel("支持度（%）：两类一起买的篮子占全部篮子的比例")
    ax.set_ylabel("置信度（%）")
    ax.set_title(f"{len(rules)} 条关联规则（越红越值得交叉销售，越蓝越没用）")
    ax.margins(x=0.18, y=0.1)
    return ax


__all__ = ["plot_rules"]
