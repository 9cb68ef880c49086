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


def plot_rules(rules: pd.DataFrame, ax=None, label_top: int | None = None):
    """Support (x) against confidence (y) of each rule, coloured by lift; every point is numbered.

    ``rules`` comes from :func:`crmlab.basket.find_rules` (sorted by lift, highest first).
    Point ``k`` is the ``k``-th rule (its 排名 in :func:`crmlab.basket.rules_table`): its number sits beside it, placed so that no two
    numbers overlap each other or a point, and the key below the chart names every rule
    with its lift.  Lift 1 is the white middle of the colour scale (red: bought together
    more often than chance, blue: less often).  ``label_top`` is accepted for old notebooks
    and ignored: every rule is labelled now.
    """
    need = ["support", "confidence", "lift"]
    if not isinstance(rules, pd.DataFrame) or len(rules) == 0 or any(c not in rules.columns for c in need):
        raise CRMDataError("没有可以画图的规则：请先用 find_rules(...) 找出规则，必要时降低门槛。")
    import matplotlib as mpl
    from matplotlib.colors import Normalize
    from matplotlib.lines import Line2D

    n = len(rules)
    columns = 1 if n <= 6 else 2 if n <= 24 else 3
    rows = -(-n // columns)
    fig, ax = get_ax(ax, figsize=(7.6, 4.2 + 0.26 * rows))
    x, y = rules["support"].to_numpy(float) * 100, rules["confidence"].to_numpy(float) * 100
    lift = rules["lift"].to_numpy(dtype=float)
    top = max(float(lift.max()), 1.1)
    norm = Normalize(vmin=max(0.0, 2.0 - top), vmax=top)
    ax.scatter(x, y, c=lift, cmap="coolwarm", norm=norm, s=POINT_SIZE, edgecolors="#333333", linewidths=0.6)
    fig.colorbar(mpl.cm.ScalarMappable(norm=norm, cmap="coolwarm"), ax=ax).set_label("提升度（1 = 没有关联）")
    ax.set_xlabel("支持度（%）：两类一起买的篮子占全部篮子的比例")
    ax.set_ylabel("置信度（%）")
    ax.set_title(f"{n} 条关联规则（越红越值得交叉销售，越蓝越没用）")
    ax.margins(x=0.18, y=0.12)
    size = max(9.0, float(mpl.rcParams["font.size"]) * 0.8)
    handles = [Line2D([], [], linestyle="none", marker=f"${k}$", markersize=size * (0.9 if k < 10 else 1.3),
                      color="#222222") for k in range(1, n + 1)]
    names = [f"{_rule_label(rules, i)}（提升度 {lift[i]:.2f}）" for i in range(n)]
    key = {"ncol": columns, "fontsize": size, "frameon": False, "handletextpad": 0.4, "columnspacing": 1.2,
           "title": "点旁的编号 = 规则表里的排名", "title_fontsize": size}
    if fig.get_layout_engine() is not None:  # a figure of its own: the layout makes room below
        fig.legend(handles, names, loc="outside lower center", **key)
    else:  # the caller's axes: the key hangs below them
        ax.legend(handles, names, loc="upper center", bbox_to_anchor=(0.5, -0.16), **key)
    fig.draw_without_rendering()  # final layout (and projector sizes) before the numbers are placed
    place_point_labels(ax, x, y, [str(k) for k in range(1, n + 1)], fontsize=size)
    return ax


POINT_SIZE = 90  # scatter marker area (pt²)
# Where a point's number may go: distance (points) from the point and direction (degrees),
# nearest first, upper right first; a number further away than _NEAR gets a leader line.
_SPOTS = [(r, a) for r in (7, 12, 18, 26, 36, 48, 62, 80, 100, 125) for a in (35, -35, 145, -145, 90, -90, 0, 180,
                                                                                 60, -60, 120, -120)]
_NEAR = 12


def place_point_labels(ax, x, y, texts, *, fontsize: float = 10.0, marker_area: float = POINT_SIZE):
    """Write ``texts[i]`` beside point ``(x[i], y[i])`` where it overlaps no other label and no point.

    Deterministic: each label takes the first free spot of a fixed list (nearest first, on
    rings further and further out); a label away from its point gets a thin leader line.
    Labels stay inside the axes and out of the layout, so placing them never moves the axes.
    Returns the texts.
    """
    from matplotlib.text import Text
    from matplotlib.transforms import ScaledTranslation

    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    px_per_pt = fig.dpi / 72
    radius = (marker_area ** 0.5) / 2 * px_per_pt
    centres = ax.transData.transform(np.column_stack([np.asarray(x, float), np.asarray(y, float)]))
    taken = [(cx - radius, cy - radius, cx + radius, cy + radius) for cx, cy in centres]
    frame = ax.get_window_extent(renderer)
    placed = []
    for (cx, cy), (px, py), text in zip(centres, np.column_stack([x, y]), texts):
        probe = Text(0, 0, text, fontsize=fontsize, figure=fig).get_window_extent(renderer)
        spot, box = _free_spot(cx, cy, probe.width, probe.height, radius, px_per_pt, taken, frame)
        dx, dy = ((box[0] + box[2]) / 2 - cx) / px_per_pt, ((box[1] + box[3]) / 2 - cy) / px_per_pt
        if spot[0] > _NEAR:  # a thin leader line from the number to its point
            line = ax.annotate("", (px, py), xytext=(dx, dy), textcoords="offset points", annotation_clip=False,
                               arrowprops={"arrowstyle": "-", "color": "#777777", "lw": 0.6,
                                           "shrinkA": 0.6 * fontsize, "shrinkB": radius / px_per_pt})
            line.set_in_layout(False)
        shift = ScaledTranslation(dx / 72, dy / 72, fig.dpi_scale_trans)  # follows the point if the axes move
        label = ax.text(px, py, text, transform=ax.transData + shift, fontsize=fontsize, ha="center", va="center")
        label.set_in_layout(False)
        taken.append(box)
        placed.append(label)
    return placed


def _free_spot(cx, cy, width, height, radius, px_per_pt, taken, frame):
    """The first spot of :data:`_SPOTS` where a ``width`` × ``height`` box is inside ``frame`` and free."""
    best = None
    for distance, angle in _SPOTS:
        r = radius + distance * px_per_pt
        c, s = np.cos(np.radians(angle)), np.sin(np.radians(angle))
        # the box's nearest edge (not its centre) lies at distance r in that direction
        bx, by = cx + c * (r + width / 2 * abs(c)), cy + s * (r + height / 2 * abs(s))
        box = (bx - width / 2, by - height / 2, bx + width / 2, by + height / 2)
        if not (frame.x0 <= box[0] and box[2] <= frame.x1 and frame.y0 <= box[1] and box[3] <= frame.y1):
            continue
        best = best or ((distance, angle), box)
        if not any(_overlap(box, other) for other in taken):
            return (distance, angle), box
    return best or ((_SPOTS[0]), (cx, cy, cx + width, cy + height))  # nowhere free: nearest inside


def _overlap(a, b, gap: float = 1.0) -> bool:
    """Whether boxes ``(x0, y0, x1, y1)`` ``a`` and ``b`` come closer than ``gap`` pixels."""
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


__all__ = ["place_point_labels", "plot_rules"]
