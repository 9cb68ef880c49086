"""Base class for crmlab widgets: thin views over domain functions and charts."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from crmlab._errors import CRMDataError


def friendly_message(exc: BaseException) -> str:
    """A Chinese message for an exception, without a traceback."""
    if isinstance(exc, CRMDataError):
        return str(exc)
    if isinstance(exc, (ValueError, KeyError, TypeError)):
        return f"输入有误：{exc}。请检查输入的数值和所选的列后再试。"
    return f"出现了意外的问题（{type(exc).__name__}）。请调整输入后重试；如果一直出现，请告诉老师。"


def captured_outputs(draw: Callable[[], Any]) -> tuple[dict, ...]:
    """Run ``draw()`` and return what it displayed or printed as Output-widget output dicts.

    Nothing is sent to the front end while ``draw`` runs: the outputs are collected with
    IPython's ``capture_output`` (outside IPython, ``display`` falls back to printing, which is
    captured as text).
    """
    from IPython.utils.capture import capture_output

    with capture_output() as captured:
        draw()
    outputs: list[dict] = []
    for name, text in (("stdout", captured.stdout), ("stderr", captured.stderr)):
        if text:
            outputs.append({"output_type": "stream", "name": name, "text": text})
    outputs += [{"output_type": "display_data", "data": _json_safe(item.data), "metadata": dict(item.metadata or {})}
                for item in captured.outputs]
    return tuple(outputs)


def _json_safe(data) -> dict:
    """A display's mime bundle with bytes (raw PNG) as base64 text, as the notebook format keeps images.

    An Output widget's ``outputs`` would send bytes as a binary buffer, which the browser shows
    as ``data:image/png;base64,[object Object]``: a broken image.
    """
    import base64

    return {k: base64.b64encode(v).decode("ascii") if isinstance(v, (bytes, bytearray)) else v
            for k, v in dict(data).items()}


def show_in(out: Any, draw: Callable[[], Any]) -> None:
    """Replace the contents of the Output widget ``out`` with what ``draw()`` displays, in one step.

    Use this instead of ``with out:`` / ``out.clear_output()``.  Those route every display
    through the kernel's output capture: a notebook runner (nbclient, nbval, nbconvert, Voilà)
    then mirrors each captured output back to the kernel as a ``comm_msg`` on the shell channel
    while it is waiting for the cell's ``execute_reply``; when that send meets the arriving reply,
    pyzmq's asyncio socket can miss the reply's wake-up and the run waits forever (the
    intermittent "kernel idle, cell never finishes" hang).  Setting ``out.outputs`` directly
    is a plain widget-state update the runner never answers.  It also redraws without flicker.
    """
    out.outputs = captured_outputs(draw)


def fixed_figure(figsize: tuple[float, float], **adjust: float):
    """A new figure with fixed margins (``subplots_adjust(**adjust)``) for a live widget chart.

    A live update then skips the slow constrained layout, and the figure is shown as drawn,
    without a second pass to crop it (``fig._crmlab_fixed_layout``; see ``widgets._png``).
    """
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=figsize)
    fig.subplots_adjust(**adjust)
    fig._crmlab_fixed_layout = True
    return fig


def inch_rect(figsize: tuple[float, float], *, left: float, right: float, bottom: float, top: float) -> tuple:
    """The ``rect`` (figure fractions) of an Axes with these margins in inches, for a figure of ``figsize``.

    For a chart whose height follows its data: the margins around it stay the same at every height.
    """
    w, h = figsize
    return (left / w, bottom / h, 1 - (left + right) / w, 1 - (bottom + top) / h)


def _reset_axis_state(a) -> None:
    """Undo what a chart may set on an Axes and that would outlive it: log scales, inverted axes, categories.

    A chart draws on a kept Axes as on a new one: a bar chart of region names must not keep the
    previous chart's category order, an inverted y axis must not flip back at the next draw.
    """
    for axis, scale, inverted, lim in ((a.xaxis, a.get_xscale, a.xaxis_inverted, a.set_xlim),
                                       (a.yaxis, a.get_yscale, a.yaxis_inverted, a.set_ylim)):
        if scale() != "linear":
            axis._set_axes_scale("linear")
        if inverted():
            lo, hi = sorted(axis.get_view_interval())
            lim(lo, hi)
        if axis.units is not None or getattr(axis, "_converter", None) is not None:
            axis._converter, axis._converter_is_explicit, axis.units = None, False, None


def _clear_for_redraw(ax) -> None:
    """Remove what a chart drew on ``ax`` (and on its twin), keeping the Axes, its ticks and its twin."""
    fig = ax.figure
    kept = getattr(fig, "_crmlab_axes", [ax])  # every Axes of a live figure (one, or a row of them)
    keep = [*kept, *(t for a in kept if (t := getattr(a, "_crmlab_twin", None)) is not None)]
    for other in list(fig.axes):
        if other not in keep:
            fig.delaxes(other)  # a colour bar, or a stale twin
    for a in kept:
        if getattr(a, "_crmlab_spec", None) is not None:
            a.set_subplotspec(a._crmlab_spec)  # a colour bar took room from it (and split its grid cell)
        if getattr(a, "_crmlab_position", None) is not None:
            a.set_position(a._crmlab_position)
    for a in keep:
        for container in list(a.containers):  # bars: else a legend would list the removed ones too
            container.remove()
        for artist in (*a.lines, *a.patches, *a.texts, *a.images, *a.collections, *a.artists, *a.tables):
            artist.remove()
        if a.legend_ is not None:
            a.legend_.remove()
        a.relim()
        if getattr(a, "name", "") == "polar":
            a.set_autoscaley_on(True)  # the angle axis always spans the full circle
        else:
            _reset_axis_state(a)
            a.set_autoscale_on(True)
    for artist in (*fig.texts, *fig.legends):
        artist.remove()
    fig.set_size_inches(ax._crmlab_figsize)  # presentation mode scales it again if it is on
    fig._crmlab_enlarged = False


class View:
    """A widget view.

    Subclasses build their controls in ``__init__``, call ``self._finish(controls)``
    and implement :meth:`compute` (pure: inputs -> result) and :meth:`render`
    (result -> figure / HTML).  :meth:`update` runs both and catches every error,
    storing a Chinese message in ``self.message`` instead of raising.
    """

    def __init__(self) -> None:
        import ipywidgets as w

        self.out = w.Output()
        self.status = w.HTML()
        self.message: str = ""
        self.result: Any = None
        self.figure = None

    # -- to override -------------------------------------------------------
    def compute(self, **values: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def render(self, result: Any) -> Any:
        """Return a Figure/Axes, an HTML string or ``None`` for ``result``."""
        return None

    # -- shared ------------------------------------------------------------
    def live_axes(self, key: str, figsize: tuple[float, float], *, rect=None, projection=None, **adjust: float):
        """An Axes this view keeps for chart ``key`` and draws on again at every update.

        The first call makes a figure with fixed margins (``adjust``, or the Axes at ``rect``);
        later calls return the same Axes with the previous chart's lines, bars, texts and
        legends removed.  A chart function then redraws on Axes, ticks and tick labels that
        already exist, which is most of the time a new figure costs (a slider drag redraws many
        times).  Switching presentation mode starts new figures at the new size.
        """
        from crmlab import presentation

        cache = self.__dict__.setdefault("_live", {})
        state = (key, tuple(figsize), presentation.is_on())
        ax = cache.get(state)
        if ax is not None and ax.figure is not None:
            _clear_for_redraw(ax)
            return ax
        from matplotlib.figure import Figure  # not pyplot: the figure is kept, never auto-shown

        fig = Figure(figsize=figsize)
        fig.subplots_adjust(**adjust)
        fig._crmlab_fixed_layout = True
        ax = fig.add_axes(rect, projection=projection) if rect is not None else fig.add_subplot(projection=projection)
        ax._crmlab_figsize = tuple(figsize)
        ax._crmlab_position = ax.get_position(original=True)
        ax._crmlab_spec = ax.get_subplotspec()  # None for an Axes at ``rect``
        cache[state] = ax
        return ax

    def live_axes_row(self, key: str, figsize: tuple[float, float], rects) -> list:
        """Several Axes side by side at fixed ``rects`` (figure fractions), kept like :meth:`live_axes`.

        Returns the Axes in the order of ``rects``; at every later call they come back with the
        previous charts removed (colour bars too; the Axes get their place back).
        """
        first = self.live_axes(key, figsize, rect=rects[0])
        fig = first.figure
        if getattr(fig, "_crmlab_axes", None) is None:
            fig._crmlab_axes = [first]
            for rect in rects[1:]:
                ax = fig.add_axes(rect)
                ax._crmlab_position = ax.get_position(original=True)
                fig._crmlab_axes.append(ax)
        return list(fig._crmlab_axes)

    def control_values(self, values: dict) -> dict:
        """``values`` completed with the current value of each control in ``self.controls``.

        Names that are not controls raise a Chinese error (a typo in a test or notebook).
        """
        unknown = [k for k in values if k not in self.controls]
        if unknown:
            raise CRMDataError(f"不认识的输入：{'、'.join(unknown)}。")
        return {k: values.get(k, c.value) for k, c in self.controls.items()}

    def _on_change(self, change=None) -> None:
        """Default observer for controls: recompute with their current values."""
        self.update()

    def error(self, text: str) -> None:
        self.message = text
        self.status.value = (
            "<div style='color:#b3261e;border-left:4px solid #b3261e;padding:4px 8px'>"
            f"⚠ {html.escape(text)}</div>"
        )

    def update(self, **values: Any) -> Any:
        """Recompute and redraw; returns the result, or ``None`` on error.

        ``render(result)`` may return a matplotlib Figure (shown, then closed),
        an HTML string, or ``None`` (it displayed something itself).
        """
        self.message = ""
        self.status.value = ""
        self._last_values = dict(values)  # presentation mode redraws with the same inputs
        try:
            result = self.compute(**values)
        except Exception as exc:  # never show a traceback to a learner
            self.result = None
            self.error(friendly_message(exc))
            self.out.outputs = ()
            return None
        self.result = result

        def draw() -> None:
            try:
                self._show(self.render(result))
            except Exception as exc:
                self.error(friendly_message(exc))

        show_in(self.out, draw)
        return result

    def _show(self, shown: Any) -> None:
        from IPython.display import HTML, display

        if shown is None:
            return
        if isinstance(shown, str):
            display(HTML(shown))
            return
        fig = getattr(shown, "figure", shown)  # Axes -> Figure
        if hasattr(fig, "savefig"):
            import matplotlib.pyplot as plt

            from crmlab.presentation import follow, prepare_figure
            from crmlab.widgets._png import figure_png

            prepare_figure(fig)  # teacher's presentation mode: also for figures not made by get_ax
            follow(self)  # switching the mode redraws this chart at the new size
            self.figure = fig
            png = figure_png(fig)  # one draw with cached text: a live chart redraws in tens of milliseconds
            width, height = fig.get_size_inches() * fig.dpi
            display({"image/png": png, "text/plain": f"<Figure size {width:.0f}x{height:.0f} with {len(fig.axes)} Axes>"},
                    raw=True)
            plt.close(fig)
        else:
            display(shown)

    def displayed(self):
        """The widget to show: ``self.widget``, preceded by the presentation-mode CSS when that mode is on."""
        from crmlab import presentation as _present

        _present.from_env()
        style = _present.style_widget() if _present.is_on() else None
        if style is None:
            return self.widget
        import ipywidgets as w

        return w.VBox([style, self.widget])

    def _ipython_display_(self) -> None:  # pragma: no cover - display only
        from IPython.display import display

        display(self.displayed())


def table_html(frame, formats: dict | None = None) -> str:
    """A DataFrame as a plain HTML table for a view (escaped text, blanks as —).

    ``formats`` maps a column to a format string such as ``"{:,.0f}"``; the one table helper
    the lesson views share.
    """
    import pandas as pd

    shown = frame.copy()
    for column, fmt in (formats or {}).items():
        if column in shown.columns:
            shown[column] = ["—" if pd.isna(v) else fmt.format(v) for v in shown[column]]
    return shown.to_html(border=0, escape=True, na_rep="—")
