"""Charts: functions that take data (and an optional ``ax=``) and return the Axes.

Module per lesson: ``crmlab.charts.customers``, ``crmlab.charts.segment`` ...
Helpers shared by all live here.
"""

from __future__ import annotations


def get_ax(ax=None, figsize=(7, 4.2)):
    """Return ``(fig, ax)``: the given Axes and its figure, or a new pair."""
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return fig, ax


__all__ = ["get_ax"]
