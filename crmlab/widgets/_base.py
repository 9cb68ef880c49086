"""Base class for crmlab widgets: thin views over domain functions and charts."""

from __future__ import annotations

import html
from typing import Any

from crmlab._errors import CRMDataError


def friendly_message(exc: BaseException) -> str:
    """A Chinese message for an exception, without a traceback."""
    if isinstance(exc, CRMDataError):
        return str(exc)
    if isinstance(exc, (ValueError, KeyError, TypeError)):
        return f"输入有误：{exc}。请检查输入的数值和所选的列后再试。"
    return f"出现了意外的问题（{type(exc).__name__}）。请调整输入后重试；如果一直出现，请告诉老师。"


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
        try:
            result = self.compute(**values)
        except Exception as exc:  # never show a traceback to a learner
            self.result = None
            self.error(friendly_message(exc))
            self.out.clear_output()
            return None
        self.result = result
        self.out.clear_output(wait=True)
        with self.out:
            try:
                shown = self.render(result)
                self._show(shown)
            except Exception as exc:
                self.error(friendly_message(exc))
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

            from crmlab._present import prepare_figure

            prepare_figure(fig)  # teacher's presentation mode: also for figures not made by get_ax
            self.figure = fig
            display(fig)
            plt.close(fig)
        else:
            display(shown)

    def displayed(self):
        """The widget to show: ``self.widget``, preceded by the presentation-mode CSS when that mode is on."""
        from crmlab import _present

        _present.from_env()
        style = _present.style_widget() if _present.is_on() else None
        if style is None:
            return self.widget
        import ipywidgets as w

        return w.VBox([style, self.widget])

    def _ipython_display_(self) -> None:  # pragma: no cover - display only
        from IPython.display import display

        display(self.displayed())
