"""Teacher's presentation mode: charts, widgets and tables readable from the back row.

``crmlab.present()`` switches it on, ``crmlab.present(False)`` switches it off.

* Charts: matplotlib rcParams get larger fonts, thicker lines and a high-contrast
  palette; :func:`crmlab.charts.get_ax` scales every figure size by
  :data:`FIGURE_SCALE`.  Switching off restores exactly the rcParams that were in
  effect before (the bundled Chinese font is never touched).
* Widgets and tables: one shared, invisible ``ipywidgets.HTML`` holds a CSS block
  (bigger widget text, controls and tables in output areas).  It is displayed by
  ``present()`` and by every :class:`crmlab.widgets._base.View` while the mode is
  on; switching off empties it, so every page that shows it returns to normal at
  once, without re-running cells.

* Charts already on show follow the switch: every widget view that has shown a figure
  is registered (:func:`follow`), and switching the mode re-runs its last update, so its
  chart is drawn again at the new size without re-running a cell.
* A projector is often 1024×768: in the mode a figure grows by :data:`FIGURE_SCALE` but
  never beyond :data:`MAX_WIDTH_IN` inches (what fits beside the page margins at 100 dpi).
* :func:`switch` is the mode as a toggle button (the dashboards show one; a notebook gets
  one with ``crmlab.projector()``); every switch on show follows the mode.

The environment variable ``CRMLAB_PRESENT=1`` switches the mode on the first time a
chart or widget is made (for a teacher who starts JupyterLab/Voilà in projector mode), and
so does a Voilà dashboard address ending in ``?projector=1`` (Voilà hands the address's
query to its kernel as ``QUERY_STRING``).
"""

from __future__ import annotations

import functools
import html
import os
import weakref
from typing import Any
from urllib.parse import parse_qs

FIGURE_SCALE = 1.35
"""Figures made by ``get_ax`` are this much wider and taller in presentation mode."""

MAX_WIDTH_IN = 9.2
"""Widest figure in presentation mode (inches at 100 dpi): fits a 1024 px wide screen beside the margins."""

# High contrast on a washed-out projector: dark, saturated, distinguishable colours
# (blue, vermilion, green, purple, amber, black, teal, red-brown).
PALETTE = ["#0044aa", "#d55e00", "#007a3d", "#6a1b9a", "#b07800", "#000000", "#00707a", "#a1192e"]

RC = {
    "font.size": 15.0,
    "axes.titlesize": "large",
    "axes.labelsize": "medium",
    "xtick.labelsize": "medium",
    "ytick.labelsize": "medium",
    "legend.fontsize": "medium",
    "legend.title_fontsize": "medium",
    "legend.framealpha": 1.0,
    "lines.linewidth": 3.0,
    "lines.markersize": 9.0,
    "patch.linewidth": 1.5,
    "axes.linewidth": 1.6,
    "axes.edgecolor": "#000000",
    "axes.labelcolor": "#000000",
    "axes.facecolor": "#ffffff",
    "figure.facecolor": "#ffffff",
    "savefig.facecolor": "#ffffff",
    "text.color": "#000000",
    "xtick.color": "#000000",
    "ytick.color": "#000000",
    "xtick.major.width": 1.6,
    "ytick.major.width": 1.6,
    "xtick.major.size": 6.0,
    "ytick.major.size": 6.0,
    "grid.color": "#707070",
    "grid.linewidth": 1.0,
}

# CSS for output areas (JupyterLab and Voilà): ipywidgets 8 sizes come from
# --jp-widgets-* variables; derived ones are set explicitly (they are computed at :root).
CSS = """
.jp-OutputArea-output, .jp-OutputArea-output .jupyter-widgets {
  --jp-widgets-font-size: 20px;
  --jp-widgets-inline-height: 40px;
  --jp-widgets-inline-label-width: 150px;
  --jp-widgets-inline-width: 460px;
  --jp-widgets-inline-width-short: 220px;
  --jp-widgets-inline-width-tiny: 100px;
  --jp-widgets-slider-handle-size: 24px;
  --jp-widgets-slider-track-thickness: 8px;
  --jp-widgets-horizontal-tab-height: 44px;
  --jp-widgets-horizontal-tab-width: 210px;
  --jp-widgets-menu-item-height: 36px;
  --jp-widgets-radio-item-height: 32px;
  --jp-widgets-color: #000000;
  --jp-widgets-label-color: #000000;
  --jp-widgets-readout-color: #000000;
}
.jp-OutputArea-output .jupyter-widgets, .jp-OutputArea-output .widget-label,
.jp-OutputArea-output .widget-html-content, .jp-OutputArea-output .widget-readout { font-size: 20px; }
.jp-OutputArea-output table, .jp-OutputArea-output .dataframe { font-size: 17px; }
.jp-OutputArea-output th, .jp-OutputArea-output td { padding: 4px 8px; }
.jp-OutputArea-output pre { font-size: 18px; line-height: 1.4; }
.jp-RenderedMarkdown { --jp-content-font-size1: 19px; font-size: 19px; }
"""

# CSS for a narrow screen (a 1024×768 projector), in both modes on a dashboard and with the
# mode in a notebook: nothing cut off, nothing pushed past the right edge.  Rows of controls
# wrap; a label (whose width a widget fixes inline, for aligned columns) grows when its text
# needs more; a drop-down is as wide as its chosen text, never wider than the page; the tabs
# of a dashboard wrap onto a second row instead of shrinking their titles; table cells wrap.
LAYOUT_CSS = """
.jp-OutputArea-output .widget-label, .jp-OutputArea-output .widget-label-basic { min-width: max-content; }
.jp-OutputArea-output .widget-checkbox { width: auto !important; min-width: max-content; }
.jp-OutputArea-output .widget-hbox { flex-wrap: wrap; max-width: 100%; }
.jp-OutputArea-output .jupyter-button { min-width: max-content; }
.jp-OutputArea-output .widget-inline-hbox { max-width: 100%; }
.jp-OutputArea-output .widget-dropdown > select { field-sizing: content; min-width: 6em; max-width: 100%; }
.jp-OutputArea-output .widget-dropdown { width: auto !important; max-width: 100%; }
.jp-OutputArea-output .widget-tab > .lm-TabBar { height: auto; min-height: var(--jp-widgets-horizontal-tab-height); }
.jp-OutputArea-output .widget-tab > .lm-TabBar .lm-TabBar-content { flex-wrap: wrap; }
.jp-OutputArea-output .widget-tab > .lm-TabBar .lm-TabBar-tab { flex: 0 0 auto; min-width: max-content; max-width: none; }
.jp-OutputArea-output .widget-output table { max-width: 100%; }
.jp-OutputArea-output .widget-output td, .jp-OutputArea-output .widget-output th { overflow-wrap: anywhere; }
.jp-OutputArea-output .widget-html-content, .jp-OutputArea-output .widget-output { max-width: 100%; }
.jp-OutputArea-output .widget-output img { max-width: 100%; height: auto; }
"""

_saved: dict[str, Any] | None = None  # rcParams before the mode was switched on
_style = None  # the shared ipywidgets.HTML holding CSS while the mode is on
_env_checked = False
_live: weakref.WeakSet = weakref.WeakSet()  # views whose charts are redrawn when the mode changes
_switches: weakref.WeakSet = weakref.WeakSet()  # toggle buttons that show the mode


def is_on() -> bool:
    """Whether presentation mode is on."""
    return _saved is not None


def scaled_figsize(figsize):
    """``figsize`` scaled for presentation mode (unchanged when the mode is off)."""
    from_env()
    if not is_on():
        return figsize
    width, height = figsize
    factor = _factor(width)
    return (width * factor, height * factor)


def _factor(width: float) -> float:
    """How much a figure ``width`` inches wide grows: :data:`FIGURE_SCALE`, less if it would not fit a projector."""
    return FIGURE_SCALE if width <= 0 else min(FIGURE_SCALE, MAX_WIDTH_IN / width)


def figure_class():
    """The Figure class for ``plt.subplots(FigureClass=...)``: enlarges small fixed-size text when presenting.

    Chart code often sets small sizes explicitly (bar labels at ``fontsize=9``), which
    rcParams cannot change; this figure scales those up just before its first draw.
    ``None`` when the mode is off.
    """
    from_env()
    return _present_figure() if is_on() else None


@functools.cache
def _present_figure():
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    class PresentFigure(Figure):
        def draw(self, renderer):
            if not getattr(self, "_crmlab_enlarged", False):
                self._crmlab_enlarged = True
                for ax in self.axes:
                    _enlarge_tick_labels(ax)
                _enlarge_small_text(self.findobj(Text))
            return super().draw(renderer)

    return PresentFigure


def prepare_figure(fig) -> None:
    """Make a figure not created by ``get_ax`` presentation-sized before it is shown (no-op when off).

    Widgets that build their own figures call this through ``View``: the figure is
    scaled by :data:`FIGURE_SCALE` and its small fixed-size text is enlarged, once.
    """
    from_env()
    if not is_on() or isinstance(fig, _present_figure()) or getattr(fig, "_crmlab_enlarged", False):
        return
    fig._crmlab_enlarged = True
    width, height = fig.get_size_inches()
    factor = _factor(width)
    fig.set_size_inches(width * factor, height * factor)
    from matplotlib.text import Text

    for ax in fig.axes:
        _enlarge_tick_labels(ax)
    _enlarge_small_text(fig.findobj(Text))
    # A live chart with fixed margins (crmlab.widgets.fixed_figure) is shown uncropped; its larger
    # text may now reach past those margins (a y label cut off at the left), so crop to the contents.
    if getattr(fig, "_crmlab_fixed_layout", False):
        fig._crmlab_fixed_layout = False


def _larger(size: float) -> float:
    """``size`` scaled by the mode's font ratio, at most to the presentation base size."""
    base = float(RC["font.size"])
    normal = float(_saved["font.size"]) if _saved else base
    ratio = base / normal if normal > 0 else 1.0
    return min(size * ratio, base) if size < base else size


def _enlarge_small_text(texts) -> None:
    for text in texts:
        if text.get_text():
            text.set_fontsize(_larger(text.get_fontsize()))


def _enlarge_tick_labels(ax) -> None:
    """Tick labels are re-created at draw time from the axis settings, so change those."""
    for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
        labels = axis.get_ticklabels()
        if labels:
            size = labels[0].get_fontsize()
            if _larger(size) != size:
                ax.tick_params(axis=name, which="both", labelsize=_larger(size))


def from_env() -> None:
    """Switch the mode on once if ``CRMLAB_PRESENT`` is set (not "0") or a Voilà address asked ``?projector=1``."""
    global _env_checked
    if _env_checked:
        return
    _env_checked = True
    if (_wanted(os.environ.get("CRMLAB_PRESENT", "")) or asked_by_address()) and not is_on():
        _switch_rc(True)
        _set_css(True)


def _wanted(text: str) -> bool:
    return text.strip().lower() not in ("", "0", "false", "no", "off")


def asked_by_address() -> bool:
    """A Voilà kernel whose page address carries ``projector=1`` (or ``投影=1``)."""
    query = parse_qs(os.environ.get("QUERY_STRING", ""), keep_blank_values=True)
    values = query.get("projector", []) + query.get("投影", [])
    return any(_wanted(v or "1") for v in values)


def style_widget():
    """The shared CSS widget (empty when the mode is off); ``None`` without ipywidgets."""
    global _style
    if _style is None:
        try:
            import ipywidgets as w
        except ImportError:  # pragma: no cover - ipywidgets is a dependency
            return None
        _style = w.HTML(value=_css_value(is_on()), layout=w.Layout(height="0px", margin="0px"))
        _style.add_class("crmlab-present-style")
    return _style


def _css_value(on: bool) -> str:
    return f"<style>{CSS}{LAYOUT_CSS}</style>" if on else ""


def layout_widget():
    """An invisible ``ipywidgets.HTML`` holding :data:`LAYOUT_CSS` (always on): the dashboards show it."""
    import ipywidgets as w

    holder = w.HTML(value=f"<style>{LAYOUT_CSS}</style>", layout=w.Layout(height="0px", margin="0px"))
    holder.add_class("crmlab-present-style")
    return holder


def _set_css(on: bool) -> None:
    if _style is not None:
        _style.value = _css_value(on)


def _switch_rc(on: bool) -> None:
    global _saved
    import matplotlib as mpl
    from cycler import cycler

    if on and _saved is None:
        keys = [*RC, "axes.prop_cycle"]
        _saved = {k: mpl.rcParams[k] for k in keys}
        mpl.rcParams.update(RC)
        mpl.rcParams["axes.prop_cycle"] = cycler(color=PALETTE)
    elif not on and _saved is not None:
        mpl.rcParams.update(_saved)
        _saved = None


class PresentMode:
    """What ``present()`` returns: shows a short Chinese confirmation (and the CSS widget)."""

    def __init__(self, on: bool):
        self.on = on

    @property
    def message(self) -> str:
        if self.on:
            return (f"投影模式已打开：图表放大（最多 {FIGURE_SCALE:g} 倍，1024×768 的投影也放得下）、字号加大、颜色对比更强，"
                    "组件和表格的文字也变大了；互动组件的图表已经重画。用 plt 直接画的图请重新运行那一格。"
                    "关闭：crmlab.present(False)")
        return "投影模式已关闭：图表、组件和表格恢复为平时的大小和颜色。"

    def _repr_html_(self) -> str:
        color = "#0044aa" if self.on else "#444444"
        return (f"<div style='border-left:5px solid {color};padding:4px 10px;color:{color}'>"
                f"{html.escape(self.message)}</div>")

    def __repr__(self) -> str:
        return self.message

    def _ipython_display_(self) -> None:  # pragma: no cover - display only
        from IPython.display import HTML, display

        style = style_widget()
        if style is not None:
            display(style)
        display(HTML(self._repr_html_()))


def follow(view) -> None:
    """Register a widget view whose chart is on show: switching the mode redraws it (weakly held).

    Redrawing calls ``view.redraw()`` when the view has one, else ``view.update(**view._last_values)``
    (the inputs of its last update, recorded by :class:`crmlab.widgets.View`).
    """
    _live.add(view)


def unfollow_all() -> None:
    """Forget every registered view: the next switch redraws only views shown after this.

    The test suite calls it after each test, so one test's views (kept alive by fixtures) are
    not redrawn by every later switch.
    """
    _live.clear()


def redraw_live() -> int:
    """Redraw every registered view's chart at the current mode's size; returns how many were redrawn.

    A view that fails keeps its Chinese error message (``View.update`` never raises); one
    that raises anyway is left out, so one broken view never stops the others.
    """
    done = 0
    for view in list(_live):
        try:
            if hasattr(view, "redraw"):
                view.redraw()
            else:
                view.update(**dict(getattr(view, "_last_values", {}) or {}))
        except Exception:  # noqa: BLE001 - a stale chart is better than a broken switch
            continue
        done += 1
    return done


def switch():
    """The mode as a toggle button (“投影模式”): clicking it calls :func:`present`; it follows the mode."""
    import ipywidgets as w

    from_env()
    button = w.ToggleButton(value=is_on(), description="投影模式", icon="television",
                            tooltip="放大图表和文字，方便投影到大屏幕（1024×768 也放得下）",
                            layout=w.Layout(width="auto", min_width="9em"))
    button.add_class("crmlab-projector")
    button.observe(lambda change: present(change["new"]) if change["new"] != is_on() else None, names="value")
    _switches.add(button)
    return button


def present(on: bool = True) -> PresentMode:
    """Switch the teacher's presentation mode (projector) on or off.

    On: larger fonts and figures, thicker lines, a high-contrast palette, bigger widget
    and table text.  Off: the previous matplotlib settings come back exactly.  Charts of
    widgets already on show are drawn again at the new size; every switch button follows.
    Calling it twice with the same value changes nothing.
    """
    global _env_checked
    _env_checked = True  # an explicit call wins over CRMLAB_PRESENT
    on = bool(on)
    changed = on != is_on()
    _switch_rc(on)
    _set_css(on)
    for button in list(_switches):
        button.value = on
    if changed:
        redraw_live()
    return PresentMode(on)


def projector(on: bool | None = None):
    """The projector switch for a notebook: ``crmlab.projector()`` shows the “投影模式” button.

    ``crmlab.projector(True)`` / ``crmlab.projector(False)`` also switch the mode at once.
    The button comes with the mode's CSS holder, so widget text grows on this page too.
    """
    import ipywidgets as w

    if on is not None:
        present(on)
    parts = [p for p in (style_widget(), switch()) if p is not None]
    return w.VBox(parts, layout=w.Layout(width="auto"))


__all__ = ["FIGURE_SCALE", "LAYOUT_CSS", "MAX_WIDTH_IN", "PresentMode", "figure_class", "follow", "is_on", "layout_widget",
           "prepare_figure", "present",
           "projector", "redraw_live", "scaled_figsize", "style_widget", "switch", "unfollow_all"]
