"""Teacher's presentation mode: crmlab.present() / crmlab.present(False)."""

from __future__ import annotations

import warnings

import matplotlib as mpl
import matplotlib.pyplot as plt
import pytest

import crmlab
from crmlab import FONT_FAMILY, presentation
from crmlab.charts import get_ax

ASOF = "2026-01-01"


@pytest.fixture
def presenting():
    """Presentation mode on for one test, always switched off afterwards."""
    crmlab.present()
    try:
        yield
    finally:
        crmlab.present(False)
        plt.close("all")


def test_on_enlarges_and_off_restores_exactly():
    assert not presentation.is_on()
    mpl.rcParams["lines.linewidth"] = 1.25  # a teacher's own setting must come back too
    before = dict(mpl.rcParams)
    note = crmlab.present()
    try:
        assert presentation.is_on()
        assert mpl.rcParams["font.size"] > before["font.size"]
        assert mpl.rcParams["lines.linewidth"] > 1.25
        assert mpl.rcParams["font.sans-serif"][0] == FONT_FAMILY  # Chinese font still first
        assert mpl.rcParams["axes.prop_cycle"] != before["axes.prop_cycle"]
        fig, _ax = get_ax(figsize=(6, 4))
        assert tuple(fig.get_size_inches()) == pytest.approx((6 * presentation.FIGURE_SCALE, 4 * presentation.FIGURE_SCALE))
        plt.close(fig)
        assert "投影模式已打开" in note._repr_html_()
        crmlab.present()  # twice on: the saved settings are still the original ones
    finally:
        off = crmlab.present(False)
    assert "已关闭" in off._repr_html_()
    assert dict(mpl.rcParams) == before
    fig, _ax = get_ax(figsize=(6, 4))
    assert tuple(fig.get_size_inches()) == pytest.approx((6, 4))
    plt.close(fig)
    mpl.rcParams["lines.linewidth"] = mpl.rcParamsDefault["lines.linewidth"]


def test_css_widget_follows_the_mode():
    style = presentation.style_widget()
    assert style.value == ""
    crmlab.present()
    try:
        assert "--jp-widgets-font-size" in style.value and "table" in style.value
        assert presentation.style_widget() is style  # one shared widget: every page toggles at once
    finally:
        crmlab.present(False)
    assert style.value == ""


def test_views_show_the_css_only_in_presentation_mode(presenting):
    from crmlab.widgets.value import DiscountedCLVView

    view = DiscountedCLVView()
    shown = view.displayed()
    assert shown.children[0] is presentation.style_widget() and shown.children[1] is view.widget
    crmlab.present(False)
    assert view.displayed() is view.widget


def _small_text_chart():
    fig, ax = get_ax(figsize=(5, 3))
    ax.bar(["甲", "乙"], [3, 5])
    label = ax.text(0, 3, "3 位", fontsize=9)  # chart code often fixes small sizes like this
    ax.tick_params(axis="y", labelsize=7)
    fig.canvas.draw()
    return fig, label.get_fontsize(), ax.get_yticklabels()[0].get_fontsize()


def test_small_fixed_text_is_enlarged_only_in_presentation_mode(presenting):
    fig, label, tick = _small_text_chart()
    base = mpl.rcParams["font.size"]
    assert 9 < label <= base and 7 < tick <= base
    plt.close(fig)
    crmlab.present(False)
    fig, label, tick = _small_text_chart()
    assert (label, tick) == (9, 7)
    plt.close(fig)


class _OwnFigureView:
    """A view drawing on its own ``plt.figure`` (not get_ax), as some lesson widgets do."""

    @staticmethod
    def make():
        from crmlab.widgets import View

        class OwnFigure(View):
            def compute(self, **values):
                return 3

            def render(self, result):
                fig = plt.figure(figsize=(4, 3))
                ax = fig.add_subplot()
                ax.bar(["甲"], [result])
                ax.text(0, result, f"{result} 位", fontsize=9)
                return fig

        return OwnFigure()


def test_widget_figures_are_enlarged_in_presentation_mode(presenting):
    view = _OwnFigureView.make()
    view.update()
    assert view.message == ""
    assert view.figure.get_size_inches()[0] == pytest.approx(4 * presentation.FIGURE_SCALE)
    assert view.figure.axes[0].texts[0].get_fontsize() > 9
    crmlab.present(False)
    view.update()
    assert view.figure.get_size_inches()[0] == pytest.approx(4)
    assert view.figure.axes[0].texts[0].get_fontsize() == 9


def test_environment_variable_switches_on_once(monkeypatch):
    monkeypatch.setenv("CRMLAB_PRESENT", "1")
    monkeypatch.setattr(presentation, "_env_checked", False)
    size = mpl.rcParams["font.size"]
    try:
        fig, _ax = get_ax(figsize=(5, 3))
        assert presentation.is_on() and mpl.rcParams["font.size"] > size
        assert fig.get_size_inches()[0] == pytest.approx(5 * presentation.FIGURE_SCALE)
    finally:
        crmlab.present(False)
        plt.close("all")
    assert mpl.rcParams["font.size"] == size


def _lesson_charts():
    """One chart per lesson (and the start page), built from the course data like the notebooks do."""
    from crmlab import customers as cu
    from crmlab import datasets, segment
    from crmlab.analysis import sales_by_region
    from crmlab.charts import credit as chc
    from crmlab.charts import customers as cc
    from crmlab.charts import info as ci
    from crmlab.charts import segment as sc
    from crmlab.credit import aging
    from crmlab.widgets.start import plot_region_counts, region_counts

    customers, orders = datasets.load("customers"), datasets.load("orders")
    invoices = datasets.load("invoices")
    rfm = segment.rfm(orders, ASOF)
    return {
        "00 start": lambda: plot_region_counts(region_counts(customers, 18), 18),
        "01 states": lambda: cc.plot_state_counts(cu.state_counts(cu.customer_states(customers, orders, ASOF))),
        "02 regions": lambda: ci.plot_sales_by_region(sales_by_region(orders, customers)),
        "03 segments": lambda: sc.plot_segment_sizes(segment.segment_summary(rfm)),
        "04 aging": lambda: chc.plot_aging(aging(invoices, ASOF)),
    }


def _inside(inner, outer, tol=1.0) -> bool:
    return (inner.x0 >= outer.x0 - tol and inner.y0 >= outer.y0 - tol
            and inner.x1 <= outer.x1 + tol and inner.y1 <= outer.y1 + tol)


@pytest.mark.parametrize("name", list(_lesson_charts()))
def test_lesson_chart_fits_in_presentation_mode(presenting, name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. constrained layout giving up, missing glyphs
        ax = _lesson_charts()[name]()
        fig = ax.figure
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    title = ax.title
    assert title.get_text(), "chart without a title"
    box = title.get_window_extent(renderer)
    assert _inside(box, page), f"{name}: title clipped {box} outside {page}"
    for label in (ax.xaxis.label, ax.yaxis.label):
        if label.get_text():
            assert _inside(label.get_window_extent(renderer), page), f"{name}: axis label clipped"
    ticks = [t for t in ax.get_xticklabels() + ax.get_yticklabels() if t.get_text() and t.get_visible()]
    for t in ticks:
        assert not box.overlaps(t.get_window_extent(renderer)), f"{name}: title overlaps tick label {t.get_text()}"
    plt.close(fig)
