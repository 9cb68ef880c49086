"""Axis number formats shared by the lesson charts (read from the back of a classroom)."""

from __future__ import annotations


def number(value) -> str:
    """A number as learners read it: ``1,234`` from 100 up (and for whole numbers), ``12.5`` below; ``—`` if missing."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return str(value)
    if value != value or value in (float("inf"), float("-inf")):
        return "—"
    if abs(value) >= 100 or value == round(value):
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def thousands():
    """A tick formatter that writes 1234567 as ``1,234,567`` (no scientific offset like ``1e6``)."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _pos: f"{value:,.0f}")
