"""The projector switch (issue 17): charts on show follow it, it fits 1024x768, and a teacher
can flip it from a dashboard, a notebook, a Voilà address or the command line."""

from __future__ import annotations

import os

import matplotlib.pyplot as plt
import pytest

import crmlab
from crmlab import datasets, presentation
from crmlab.app import __main__ as app_cli
from crmlab.app import dashboard
from crmlab.charts import get_ax


@pytest.fixture(autouse=True)
def normal_mode():
    """Every test starts and ends in normal mode."""
    crmlab.present(False)
    yield
    crmlab.present(False)
    plt.close("all")


@pytest.fixture
def ipython():
    """An IPython shell, as in a notebook or Voilà kernel: displays become outputs, not printed text."""
    from IPython.core.interactiveshell import InteractiveShell

    existed = InteractiveShell.initialized()
    yield InteractiveShell.instance()
    if not existed:  # later tests in this process see no shell, as before
        InteractiveShell.clear_instance()


def _png(view) -> object:
    """The chart the view's Output widget holds."""
    return next(o["data"]["image/png"] for o in view.out.outputs if "image/png" in o.get("data", {}))


def _region_view():
    from crmlab.widgets.info import RegionSalesView

    view = RegionSalesView(datasets.load("orders"), datasets.load("customers"))
    view.update(month="2025-06")
    return view


def test_charts_on_show_are_redrawn_at_the_new_size_with_the_same_inputs(ipython):
    view = _region_view()
    normal, result = view.figure, view.result
    width = normal.get_size_inches()[0]
    crmlab.present(True)
    assert view.figure is not normal  # drawn again, without the learner touching anything
    assert view.figure.get_size_inches()[0] > width
    assert view.result.equals(result)  # the same month as before, not the default 全年
    assert _png(view)
    crmlab.present(False)
    assert view.figure.get_size_inches()[0] == pytest.approx(width)
    assert view.result.equals(result)


def test_switching_to_the_same_mode_redraws_nothing():
    view = _region_view()
    shown = view.figure
    crmlab.present(False)
    assert view.figure is shown


def test_a_view_that_fails_to_redraw_does_not_stop_the_switch():
    class Broken:
        def update(self, **values):
            raise RuntimeError("boom")

    broken = Broken()
    presentation.follow(broken)
    view = _region_view()
    shown = view.figure
    crmlab.present(True)
    assert presentation.is_on() and view.figure is not shown
    del broken  # held weakly: gone from the registry with the object


def test_widget_png_is_text_the_browser_can_show(ipython):
    """An Output widget sends bytes as a binary buffer (a broken image in the browser): PNGs go as base64 text."""
    view = _region_view()
    png = _png(view)
    assert isinstance(png, str) and png.startswith("iVBORw0KGgo")  # base64 of the PNG signature


def test_projector_figures_fit_1024_pixels():
    crmlab.present(True)
    for width, height in ((6, 4), (7, 4.2), (10, 4.8), (12.5, 4.4)):
        fig, _ax = get_ax(figsize=(width, height))
        w, h = fig.get_size_inches()
        assert w * fig.dpi <= presentation.MAX_WIDTH_IN * 100 + 1e-6 < 1024
        assert w / h == pytest.approx(width / height)  # scaled, not squeezed
        assert w == pytest.approx(min(width * presentation.FIGURE_SCALE, presentation.MAX_WIDTH_IN))
        plt.close(fig)


def test_switch_button_follows_the_mode_everywhere():
    one, two = presentation.switch(), presentation.switch()
    assert not one.value and one.description == "投影模式" and "crmlab-projector" in one._dom_classes
    one.value = True  # the teacher clicks one button
    assert presentation.is_on() and two.value
    crmlab.present(False)
    assert not one.value and not two.value


def test_projector_in_a_notebook():
    box = crmlab.projector()
    style, button = box.children
    assert style is presentation.style_widget() and button.description == "投影模式"
    assert not presentation.is_on()
    box = crmlab.projector(True)
    assert presentation.is_on() and box.children[1].value
    assert "--jp-widgets-font-size" in style.value and "flex-wrap" in style.value


@pytest.mark.parametrize(("query", "on"), [("projector=1", True), ("a=2&projector=true", True), ("投影=1", True),
                                           ("projector", True), ("projector=0", False), ("", False),
                                           ("projectors=1", False)])
def test_voila_address_asks_for_projector_mode(monkeypatch, query, on):
    monkeypatch.setenv("QUERY_STRING", query)
    monkeypatch.delenv("CRMLAB_PRESENT", raising=False)
    monkeypatch.setattr(presentation, "_env_checked", False)
    presentation.from_env()
    assert presentation.is_on() is on


def test_dashboard_switch_redraws_the_opened_pages():
    board = dashboard(2)
    first = board.views[0]
    shown = first.figure
    board.projector.value = True
    assert presentation.is_on() and first.figure is not shown
    assert first.figure.get_size_inches()[0] > shown.get_size_inches()[0]
    assert "投影模式已打开" in board.status.value
    layout = [c for c in board.widget.children if "flex-wrap" in str(getattr(c, "value", ""))]
    assert layout, "the dashboard always carries the narrow-screen layout CSS"
    board.projector.value = False
    assert not presentation.is_on()


def test_crmlab_app_projector_option(monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(app_cli, "run_server", lambda cmd, root: calls.append(cmd) or 0)
    monkeypatch.setenv("CRMLAB_PRESENT", "0")  # recorded, so main()'s change is undone after the test
    assert app_cli.main(["3", "--projector", "--no-browser"]) == 0
    assert os.environ["CRMLAB_PRESENT"] == "1"
    assert "--projector" not in calls[-1] and "--no-browser" in calls[-1]
    assert "投影模式" in capsys.readouterr().out


def test_fixed_margin_charts_are_cropped_to_their_contents_in_projector_mode(ipython):
    """A live chart with fixed margins keeps its larger projector text: a y label past the margin is not cut off."""
    import base64
    import io

    from PIL import Image

    from crmlab.widgets import View, fixed_figure

    class FixedMargins(View):  # laid out once, shown uncropped (the fast path of live charts)
        def compute(self, **values):
            return None

        def render(self, result):
            fig = fixed_figure((6, 3), left=0.03, right=0.98, bottom=0.15, top=0.9)
            ax = fig.add_subplot()
            ax.plot([0, 1], [1000, 2000])
            ax.set_ylabel("客户数（人）", fontsize=9)
            return fig

    def shown_and_drawn(on: bool) -> tuple[int, float]:
        crmlab.present(on)
        view = FixedMargins()
        view.update()
        image = Image.open(io.BytesIO(base64.b64decode(_png(view))))
        return image.width, view.figure.get_size_inches()[0] * view.figure.dpi

    shown, drawn = shown_and_drawn(True)
    assert shown > drawn  # widened to hold the label and tick numbers left of the axes
    shown, drawn = shown_and_drawn(False)
    assert shown == round(drawn)  # normal mode: shown exactly as laid out (the fast path)
