"""How result tables are shown to learners: one relabel, one set of number formats, one Styler.

Domain functions return English column names (see :mod:`crmlab.labels`).  Each lesson has a
``relabel``/``label_columns`` and a ``styled`` that choose *which* labels and formats apply
(lesson 4 writes ``（元）`` into money headers, lesson 3 names the currency); the mechanics
they share live here, so a table is relabelled and formatted the same way in every lesson:

* :func:`relabel` — Chinese names for columns, the column axis, index levels (or a Series).
* :func:`number_formats` — shares as ``55.8%``, yuan as ``1,234``, counts as ``1,234``,
  other decimals with one place.
* :func:`style` — the pandas ``Styler`` with ``—`` for missing values and text left-aligned.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

import pandas as pd

PERCENT_FORMAT = "{:.1%}"
MONEY_FORMAT = "{:,.0f}"
COUNT_FORMAT = "{:,}"
DECIMAL_FORMAT = "{:,.1f}"


def _name(names: Mapping[str, str], n: Any) -> Any:
    return names.get(n, n) if isinstance(n, str) else n


def relabel(obj, names: Mapping[str, str]):
    """A copy of ``obj`` (DataFrame or Series) with the labels of ``names``; values unchanged.

    Renames a Series' name, a DataFrame's columns and column-axis names, and the index level
    names.  Names that ``names`` does not hold (``customer_id``, a category such as 服装) stay.
    """
    if isinstance(obj, pd.Series):
        out = obj.rename(_name(names, obj.name))
    else:
        out = obj.rename(columns=lambda c: _name(names, c))
        out.columns.names = [_name(names, n) for n in out.columns.names]
    out.index.names = [_name(names, n) for n in out.index.names]
    return out


def number_formats(frame: pd.DataFrame, *, money: Collection = (), percent: Collection = (),
                   fixed: Mapping[Any, str] | None = None, integers: str | None = COUNT_FORMAT,
                   booleans: str | Callable | None = None, decimals: str | None = DECIMAL_FORMAT) -> dict:
    """The display format of each column of ``frame`` (keyed by its English name).

    In order: ``percent`` columns as percentages, ``money`` columns without decimals and with
    thousands separators, ``fixed`` columns as given, then by dtype: booleans (``booleans``),
    integers (``integers``) and other numbers (``decimals``).  ``None`` leaves a kind as it is.
    """
    fixed = fixed or {}
    formats = {}
    for c, dtype in frame.dtypes.items():
        if c in percent:
            fmt = PERCENT_FORMAT
        elif c in money:
            fmt = MONEY_FORMAT
        elif c in fixed:
            fmt = fixed[c]
        elif pd.api.types.is_bool_dtype(dtype):
            fmt = booleans
        elif pd.api.types.is_integer_dtype(dtype):
            fmt = integers
        elif pd.api.types.is_float_dtype(dtype):
            fmt = decimals
        else:
            fmt = None
        if fmt is not None:
            formats[c] = fmt
    return formats


def style(table: pd.DataFrame, formats: Mapping, *, left_text: bool = True, plain_when_not_unique: bool = True):
    """A pandas ``Styler`` of an already relabelled ``table``: ``formats`` applied, ``—`` for blanks.

    Text columns (names, reasons, strategies) are left-aligned when ``left_text``.  A table whose
    labels are not unique cannot be styled by pandas; it comes back as the plain DataFrame.
    """
    if plain_when_not_unique and not (table.columns.is_unique and table.index.is_unique):
        return table
    styler = table.style.format(dict(formats), na_rep="—")
    text = [c for c in table.columns if not pd.api.types.is_numeric_dtype(table[c].dtype)] if left_text else []
    if text:
        styler = styler.set_table_styles({c: [{"selector": "td", "props": "text-align: left"}] for c in text},
                                         overwrite=False)
    return styler


__all__ = ["COUNT_FORMAT", "DECIMAL_FORMAT", "MONEY_FORMAT", "PERCENT_FORMAT", "number_formats", "relabel", "style"]
