"""Chart labels a projector can show (issue 17): heat-map cell labels big enough in both modes,
and no line marker drawn over a label.

Every chart of every dashboard page is drawn in projector mode and measured with the renderer;
the heat maps are also drawn in normal mode.  Sizes are in screen pixels at the figure's dpi:
the dashboard browser test (tests/widgets/test_dashboard_offline.py) checks that the pictures
are shown at their own size, not shrunk.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.image import AxesImage
from matplotlib.text import Text

import crmlab
from crmlab import datasets, segment
from crmlab.app import dashboard

NORMAL_MIN_PX = 10.0  # the smallest heat-map cell label in normal mode
PROJECTOR_MIN_PX = 13.0  # ... and in projector mode (a back row at a 1024x768 projector)


def _px(text: Text) -> float:
    return text.get_fontsize() * text.figure.dpi / 72


def heatmap_cell_labels(fig) -> list[Text]:
    """The texts written inside the image of every axes that shows a heat map (imshow)."""
    found = []
    for ax in fig.axes:
        images = [a for a in ax.get_children() if isinstance(a, AxesImage)]
        if not images:
            continue
        x0, x1, y0, y1 = images[0].get_extent()
        for text in ax.texts:
            x, y = text.get_position()
            if text.get_text().strip() and min(x0, x1) <= x <= max(x0, x1) and min(y0, y1) <= y <= max(y0, y1):
                found.append(text)
    return found


def _draw_order(fig) -> list:
    """Axes in the order the figure draws them (zorder, then the order they were added)."""
    return sorted(fig.axes, key=lambda ax: ax.get_zorder())


def covered_labels(fig) -> list[str]:
    """Labels with a line marker drawn over them: the marker's disc meets the text's box and the
    line is drawn after the text, or the text has no opaque box of its own to stay readable."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    order = _draw_order(fig)
    found = []
    for ax in fig.axes:
        for line in ax.get_lines():
            if not line.get_visible() or line.get_marker() in (None, "None", "", " "):
                continue
            reach = line.get_markersize() * fig.dpi / 72 / 2
            points = line.get_transform().transform(line.get_xydata())
            for text in (t for other in fig.axes for t in other.texts):
                if not text.get_visible() or not text.get_text().strip():
                    continue
                box = text.get_window_extent(renderer).expanded(1, 1).padded(reach)
                if not any(box.contains(x, y) for x, y in points):
                    continue
                above = (order.index(text.axes) > order.index(ax)
                         or (text.axes is ax and text.get_zorder() > line.get_zorder()))
                patch = text.get_bbox_patch()
                opaque = patch is not None and patch.get_facecolor()[3] >= 0.85  # alpha included
                if not (above and opaque):
                    found.append(f"{text.get_text()!r} under the markers of {line.get_label()!r}")
    return found


def _dashboard_figures():
    """(where, figure) for every chart the four dashboards show on opening their pages."""
    for lesson in (1, 2, 3, 4):
        board = dashboard(lesson)
        for index, (title, _build) in enumerate(board.pages):
            view = board.open(index)
            if view is not None and getattr(view, "figure", None) is not None:
                yield f"第{lesson}课「{title}」", view.figure


def test_dashboard_charts_in_projector_mode():
    crmlab.present()
    try:
        small, covered, charts = [], [], 0
        for where, fig in _dashboard_figures():
            charts += 1
            small += [f"{where}: {t.get_text()!r} {_px(t):.1f} px" for t in heatmap_cell_labels(fig)
                      if _px(t) < PROJECTOR_MIN_PX]
            covered += [f"{where}: {c}" for c in covered_labels(fig)]
            plt.close(fig)
    finally:
        crmlab.present(False)
    assert charts >= 20  # the check saw the dashboards' charts, not an empty list
    assert small == [], small
    assert covered == [], covered


def _heatmaps():
    from crmlab import analysis, customers
    from crmlab.charts import customers as cc
    from crmlab.charts import info as ci
    from crmlab.charts import segment as cs

    orders, people = datasets.load("orders"), datasets.load("customers")
    yield "各年龄段最爱的品类", ci.plot_favourite_by_age(analysis.favourite_by_age(orders, people))
    moves = customers.state_transitions(people, orders, "2025-10-01", crmlab.course.COURSE_DATE)
    yield "状态转移", cc.plot_transition_heatmap(moves)
    rfm = segment.rfm(orders, crmlab.course.COURSE_DATE)
    yield "R×F 热力图", cs.plot_rf_heatmap(rfm)
    yield "R×F 网格名", cs.plot_rf_heatmap(segment.rfm(orders, crmlab.course.COURSE_DATE, scheme="rf_grid"))


@pytest.mark.parametrize("projector", [False, True], ids=["normal", "projector"])
def test_heatmap_cell_labels_are_readable(projector):
    crmlab.present(projector)
    try:
        least = PROJECTOR_MIN_PX if projector else NORMAL_MIN_PX
        seen = 0
        for name, ax in _heatmaps():
            fig = ax.figure
            fig.draw_without_rendering()  # projector mode enlarges small text when the figure is drawn
            labels = heatmap_cell_labels(fig)
            seen += len(labels)
            small = [f"{t.get_text()!r} {_px(t):.1f} px" for t in labels if _px(t) < least]
            assert small == [], (name, small)
            plt.close(fig)
    finally:
        crmlab.present(False)
    assert seen >= 50


def test_checker_sees_a_label_under_markers():
    """The checker itself: a bar label under a line's markers is found; the same label drawn above
    the line on an opaque box is not."""
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.bar([0, 1, 2], [3, 4, 5])
    ax.plot([0, 1, 2], [3.1, 4.1, 5.1], marker="o", label="折线")
    ax.text(1, 4, "4 人", ha="center", va="bottom", fontsize=10)
    assert covered_labels(fig) == ["'4 人' under the markers of '折线'"]
    ax.texts[0].remove()
    ax.text(1, 4, "4 人", ha="center", va="bottom", fontsize=10, zorder=5, bbox={"fc": "white", "ec": "none"})
    assert covered_labels(fig) == []
    plt.close(fig)
