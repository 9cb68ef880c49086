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

The environment variable ``CRMLAB_PRESENT=1`` switches the mode on the first time a
chart or widget is made (for a teacher who starts JupyterLab/Voilà in projector mode).
"""

from __future__ import annotations

import functools
import html
import os
from typing import Any

FIGURE_SCALE = 1.35
"""Figures made by ``get_ax`` are this much wider and taller in presentation mode."""

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

_saved: dict[str, Any] | None = None  # rcParams before the mode was switched on
_style = None  # the shared ipywidgets.HTML holding CSS while the mode is on
_env_checked = False


def is_on() -> bool:
    """Whether presentation mode is on."""
    return _saved is not None


def scaled_figsize(figsize):
    """``figsize`` scaled for presentation mode (unchanged when the mode is off)."""
    from_env()
    if not is_on():
        return figsize
    width, height = figsize
    return (width * FIGURE_SCALE, height * FIGURE_SCALE)


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
    fig.set_size_inches(width * FIGURE_SCALE, height * FIGURE_SCALE)
    from matplotlib.text import Text

    for ax in fig.axes:
        _enlarge_tick_labels(ax)
    _enlarge_small_text(fig.findobj(Text))


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
    """Switch the mode on once if the environment variable ``CRMLAB_PRESENT`` is set (not "0")."""
    global _env_checked
    if _env_checked:
        return
    _env_checked = True
    if os.environ.get("CRMLAB_PRESENT", "").strip() not in ("", "0") and not is_on():
        _switch_rc(True)
        _set_css(True)


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
    return f"<style>{CSS}</style>" if on else ""


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
            return (f"投影模式已打开：图表放大 {FIGURE_SCALE:g} 倍、字号加大、颜色对比更强，组件和表格的文字也变大了。"
                    "新画的图表才会变大；已有的图请重新运行那一格。关闭：crmlab.present(False)")
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


def present(on: bool = True) -> PresentMode:
    """Switch the teacher's presentation mode (projector) on or off.

    On: larger fonts and figures, thicker lines, a high-contrast palette, bigger widget
    and table text.  Off: the previous matplotlib settings come back exactly.
    Calling it twice with the same value changes nothing.
    """
    global _env_checked
    _env_checked = True  # an explicit call wins over CRMLAB_PRESENT
    on = bool(on)
    _switch_rc(on)
    _set_css(on)
    return PresentMode(on)


__all__ = ["FIGURE_SCALE", "PresentMode", "figure_class", "is_on", "prepare_figure", "present", "scaled_figsize", "style_widget"]
