"""Charts: functions that take data (and an optional ``ax=``) and return the Axes.

Module per lesson: ``crmlab.charts.customers``, ``crmlab.charts.segment`` ...
Helpers shared by all live here.
"""

from __future__ import annotations


def get_ax(ax=None, figsize=(7, 4.2)):
    """Return ``(fig, ax)``: the given Axes and its figure, or a new pair.

    In the teacher's presentation mode (``crmlab.present()``) a new figure is
    larger than ``figsize`` by ``crmlab.presentation.FIGURE_SCALE`` and its small
    fixed-size labels are enlarged when it is drawn.
    """
    import matplotlib.pyplot as plt

    from crmlab.presentation import figure_class, scaled_figsize

    if ax is not None:
        return ax.figure, ax
    extra = {"FigureClass": cls} if (cls := figure_class()) is not None else {}
    fig, ax = plt.subplots(figsize=scaled_figsize(figsize), layout="constrained", **extra)
    return fig, ax


def bars_figsize(n_bars: int, width: float) -> tuple[float, float]:
    """Figure size of a horizontal bar chart with ``n_bars`` bars: about a third of an inch per bar."""
    return (width, max(3.0, 0.32 * n_bars + 1.2))


def need_data(df, columns, what: str) -> None:
    """Refuse to draw an empty table or one without ``columns``; ``what`` says which result to pass."""
    from crmlab._errors import CRMDataError

    if df is None or len(df) == 0:
        raise CRMDataError(f"没有可以画图的数据。{what}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise CRMDataError(f"画图需要的列缺失：{'、'.join(map(str, missing))}。{what}")


from crmlab.charts._format import number, thousands  # noqa: E402 - the shared number formats

__all__ = ["bars_figsize", "get_ax", "need_data", "number", "thousands"]
