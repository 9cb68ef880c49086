"""Live widget charts: redrawn on kept Axes, turned into PNG once, with cached text, and unchanged in look."""

from __future__ import annotations

import contextlib
import io

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import crmlab
from crmlab import segment as S
from crmlab.course import COURSE_DATE
from crmlab.widgets import encode_png, figure_png
from crmlab.widgets.segment import KMeansExplorer, RFMExplorer


@pytest.fixture(scope="module")
def orders():
    return crmlab.datasets.load("orders")


def test_rfm_explorer_redraws_on_the_same_axes_without_leftovers(orders):
    with contextlib.redirect_stdout(io.StringIO()):
        view = RFMExplorer(orders)
        view.update(asof=COURSE_DATE, scheme="rf_grid", chart="sizes")
        first = view.figure.axes[0]
        view.update(asof=COURSE_DATE, scheme="cn8", chart="sizes")
    ax = view.figure.axes[0]
    assert ax is first  # kept, not rebuilt
    assert len(view.figure.axes) == 2  # the bars' Axes and its twin for the revenue line, no stale twins
    n = len(view.result["summary"])
    assert n == 8 and len(ax.patches) == n  # eight cn8 bars, none of the eleven rf_grid bars left
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(s) for s in view.result["summary"].index]
    twin = view.figure.axes[1]
    assert len(twin.lines) == 1 and len(twin.texts) == n
    assert max(ax.get_ylim()) >= view.result["summary"]["customers"].max()


def test_kmeans_radar_keeps_a_full_circle_after_fewer_features(orders):
    table = S.rfm(orders, COURSE_DATE)
    with contextlib.redirect_stdout(io.StringIO()):
        view = KMeansExplorer(table)
        view.update(k=8, features=["recency", "frequency", "monetary", "R", "F", "M"], chart="radar")
        view.update(k=3, features=["recency", "frequency", "monetary"], chart="radar")
    ax = view.figure.axes[0]
    assert ax.name == "polar"
    assert ax.get_xlim() == pytest.approx((0, 2 * np.pi))
    assert len([line for line in ax.lines if line.get_label().startswith(("0", "1", "2"))]) == 3
    assert sum(t.get_text().startswith("●") for t in ax.texts) == 4  # three clusters and the average ring


def test_live_chart_png_has_the_figure_size(orders):
    with contextlib.redirect_stdout(io.StringIO()):
        view = RFMExplorer(orders)
        view.update(asof=COURSE_DATE, chart="heatmap")
    from PIL import Image

    png = Image.open(io.BytesIO(figure_png(view.figure)))
    w, h = view.figure.get_size_inches() * view.figure.dpi
    assert png.size == (round(w), round(h))


def test_cached_text_looks_like_matplotlibs_own(orders):
    """The cached-text renderer draws the same picture as matplotlib's Agg (tiny anti-aliasing differences)."""
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text
    from PIL import Image

    from crmlab.charts.segment import plot_segment_sizes

    summary = S.segment_summary(S.rfm(orders, COURSE_DATE))
    pictures, boxes = [], []
    for fast in (False, True):
        fig = plt.figure(figsize=(8, 4.2))
        fig.subplots_adjust(left=0.09, right=0.9, bottom=0.25, top=0.9)
        fig._crmlab_fixed_layout = True
        plot_segment_sizes(summary, ax=fig.add_subplot())
        if fast:
            png = figure_png(fig)
        else:
            FigureCanvasAgg(fig)
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=fig.dpi)
            png = buf.getvalue()
            renderer = fig.canvas.get_renderer()
            boxes = [t.get_window_extent(renderer) for t in fig.findobj(Text) if t.get_text() and t.get_visible()]
        plt.close(fig)
        pictures.append(np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float))
    standard, fast = pictures
    assert standard.shape == fast.shape
    assert (fast < 128).sum() == pytest.approx((standard < 128).sum(), rel=0.03)  # the same amount of ink
    height = standard.shape[0]
    assert len(boxes) > 20
    for box in boxes:  # every label of matplotlib's picture is drawn in the same place (within a pixel)
        rows = slice(max(int(height - box.y1) - 1, 0), int(height - box.y0) + 2)
        cols = slice(max(int(box.x0) - 1, 0), int(box.x1) + 2)
        ink = [(255 - p[rows, cols]).sum() for p in (standard, fast)]
        assert ink[1] == pytest.approx(ink[0], rel=0.25), box


@pytest.mark.parametrize("shape", [(1, 1), (1, 7), (5, 1), (37, 53), (400, 920)])
def test_png_encoder_round_trips_every_pixel(shape):
    """The widget PNG writer (Up filter, zlib) decodes to exactly the pixels it was given, in Pillow."""
    from PIL import Image

    rng = np.random.default_rng(sum(shape))
    pixels = rng.integers(0, 256, size=(*shape, 4), dtype=np.uint8)
    pixels[: shape[0] // 2, :, 3] = 255  # opaque rows and wrap-around differences (0 - 255) both occur
    decoded = Image.open(io.BytesIO(encode_png(pixels)))
    assert decoded.mode == "RGBA" and decoded.size == (shape[1], shape[0])
    assert np.array_equal(np.asarray(decoded), pixels)


def test_figure_png_of_a_fixed_figure_shows_its_pixels():
    """The fast path encodes exactly what the canvas drew."""
    import matplotlib.pyplot as plt
    from PIL import Image

    from crmlab.widgets import fixed_figure

    fig = fixed_figure((4, 2), left=0.15, right=0.95, bottom=0.2, top=0.85)
    fig.add_subplot().bar(["甲", "乙"], [3, 5])
    png = figure_png(fig)
    drawn = np.asarray(fig.canvas.buffer_rgba())
    plt.close(fig)
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(png))), drawn)


def test_figure_png_draws_a_constrained_figure_once():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3), layout="constrained")
    ax.plot([1, 2, 3])
    ax.set_ylabel("客户数（人）")
    ax.set_title("一张约束布局的图")
    draws = []
    fig.canvas.mpl_connect("draw_event", lambda _e: draws.append(1))
    png = figure_png(fig)
    plt.close(fig)
    assert png.startswith(b"\x89PNG") and len(draws) == 1


def test_kept_axes_forget_legends_categories_inversion_and_colour_bars():
    """A redraw on a kept Axes looks like a first draw: no stale legend entries, category order,
    flipped axis or shrinking Axes (colour bars)."""
    from crmlab.widgets.info import AgeFavouriteView, MonthCompareView, RegionSalesView
    from crmlab.widgets.value import DiscountedCLVView

    orders, customers = crmlab.datasets.load("orders"), crmlab.datasets.load("customers")
    interactions = crmlab.datasets.load("interactions")
    with contextlib.redirect_stdout(io.StringIO()):
        clv = DiscountedCLVView()
        for periods in (5, 12, 30):
            clv.update(periods=periods)
        regions = RegionSalesView(orders, customers)
        regions.update(month="全年")
        table = regions.update(month="2024-01")
        months = MonthCompareView(orders, interactions, customers)
        for month in ("2025-06", "2025-07", "2025-08"):
            months.update(month=month)
        ages = AgeFavouriteView(orders, customers)
        ages.update(bands="每 10 岁一段")
        first = ages.figure.axes[0].get_position().bounds
        ages.update(bands="三段（青年/中年/老年）")
        ages.update(bands="每 10 岁一段")
    texts = [t.get_text() for t in clv.figure.axes[0].get_legend().get_texts()]
    assert len(texts) == 3 and len(set(texts)) == 3
    ax = regions.figure.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(table.sort_values("sales").index.astype(str))
    assert months.figure.axes[0].yaxis_inverted()  # the first indicator stays on top at every redraw
    assert len(ages.figure.axes) == 2  # the heat map and one colour bar
    assert ages.figure.axes[0].get_position().bounds == pytest.approx(first)
