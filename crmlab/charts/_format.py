"""Axis number formats shared by the lesson charts (read from the back of a classroom)."""

from __future__ import annotations


def thousands():
    """A tick formatter that writes 1234567 as ``1,234,567`` (no scientific offset like ``1e6``)."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _pos: f"{value:,.0f}")
