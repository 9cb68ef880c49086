"""Lesson 2's rule scatter names every point, and no two labels overlap (issue 17: readable on a projector).

Measured the way a reader sees the chart: the figure is drawn and each label's box is taken
from the renderer (``Text.get_window_extent``), on the course company's data and every
group's, with the notebook's thresholds and with a low one that gives many crowded rules,
in normal and in projector mode.
"""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import pytest

import crmlab
from crmlab import analysis, datasets
from crmlab.charts.basket import place_point_labels, plot_rules


@pytest.fixture(params=[False, True], ids=["normal", "projector"])
def mode(request):
    crmlab.present(request.param)
    try:
        yield request.param
    finally:
        crmlab.present(False)
        plt.close("all")


def _boxes(ax):
    """Window boxes of the point numbers and of the points, after a full draw."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    labels = [t for t in ax.texts if t.get_text().isdigit()]
    return labels, [t.get_window_extent(renderer) for t in labels]


def _overlapping(boxes):
    return [(i, j) for (i, a), (j, b) in itertools.combinations(enumerate(boxes), 2) if a.overlaps(b)]


# the notebook's thresholds (8-9 rules), and low ones a student may try with the sliders (23-42 rules)
THRESHOLDS = {"notebook": (0.02, 0.3), "crowded": (0.01, 0.05)}


def _rules(group: int, thresholds: str):
    support, confidence = THRESHOLDS[thresholds]
    lines = datasets.load("order_lines", group=group)
    return analysis.find_rules(lines, min_support=support, min_confidence=confidence, min_lift=0)


# every group's company at the notebook's thresholds; the crowded case (42 rules) on the course company
CASES = [(group, "notebook") for group in range(5)] + [(0, "crowded"), (2, "crowded")]


@pytest.mark.parametrize(("group", "thresholds"), CASES)
def test_every_rule_is_numbered_without_overlap(mode, group, thresholds):
    rules = _rules(group, thresholds)
    ax = plot_rules(rules)
    labels, boxes = _boxes(ax)
    # one number per rule, 1..n in the rules' order (highest lift first)
    assert [t.get_text() for t in labels] == [str(k) for k in range(1, len(rules) + 1)]
    assert _overlapping(boxes) == []
    # each number sits inside the plotting area, beside (not on) every point
    frame = ax.get_window_extent()
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1 for b in boxes)
    centres = ax.transData.transform(ax.collections[0].get_offsets())
    assert not [(k, c) for k, b in enumerate(boxes) for c in centres if b.contains(*c)]
    # the key names every rule next to its number
    key = ax.figure.legends[0] if ax.figure.legends else ax.get_legend()
    texts = [t.get_text() for t in key.get_texts()]
    assert len(texts) == len(rules)
    assert all(str(rule) in text for rule, text in zip(rules["rule"], texts))


def test_course_data_is_crowded_enough_to_need_placement():
    """The course data has points closer than a label's width: without placement labels would collide."""
    rules = _rules(0, "notebook")
    ax = plot_rules(rules)
    centres = ax.transData.transform(ax.collections[0].get_offsets())
    closest = min(abs(a - b).max() for a, b in itertools.combinations(centres, 2))
    plt.close(ax.figure)
    assert closest < 12  # pixels: two numbers written at the same offset would overlap


def test_placement_keeps_labels_apart_on_identical_points():
    """Many rules on one spot (ties in support and confidence) still get separate, readable labels."""
    fig, ax = plt.subplots(figsize=(6, 4))
    xs, ys = [10, 10, 10, 10, 11, 30], [50, 50, 50, 50, 51, 80]
    ax.scatter(xs, ys, s=90)
    ax.set_xlim(0, 40)
    ax.set_ylim(0, 100)
    fig.canvas.draw()
    labels = place_point_labels(ax, xs, ys, [str(k) for k in range(1, 7)])
    renderer = fig.canvas.get_renderer()
    assert _overlapping([t.get_window_extent(renderer) for t in labels]) == []
    plt.close(fig)
