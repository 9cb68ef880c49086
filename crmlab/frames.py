"""The course's data contract: canonical orders, customers and invoices, checked once at the boundary.

Every lesson function that reads an orders (customers, invoices) table calls
:func:`orders` (:func:`customers`, :func:`invoices`) first and then trusts what it
gets back.  The contract, one set of Chinese messages for the whole package:

* the table is a pandas DataFrame (not a file name: files are read with
  :func:`crmlab.io.read_transactions` / :func:`crmlab.io.read_customers`);
* the columns the caller needs are there (a message names them in English and
  Chinese, :mod:`crmlab.labels`, and lists the columns that *are* there);
* date columns are ``datetime64`` without time zone; text dates such as
  ``2024年1月5日`` or ``2024/1/5`` are parsed by :func:`crmlab.io.parse_dates`;
* money and count columns are numbers; text such as ``¥1,200`` or ``1.2万`` is
  parsed by :func:`crmlab.io.parse_amounts`; infinite values are refused;
* the columns the caller needs have no missing cells (NaN / None / NaT; ``due_date``
  and ``paid_date`` of invoices and the dates of customers may be missing).

Columns that are already canonical are returned untouched (same dtype, no copy):
integer quantities stay integers, ``datetime64[us]`` stays ``[us]``.  A frame that
passed is marked in ``frame.attrs["crmlab_frame"]``, so checking the same frame
again (the lesson-3 explorer asks on every slider move) costs a dictionary lookup.
The mark belongs to that frame object and its columns: a copy, a filtered frame or
an ``assign`` result is checked again (cheap when its columns are already canonical);
a value written *in place* into a checked frame is trusted, so build a new frame
(``df.assign(...)``) rather than editing a checked one in place.

>>> import pandas as pd
>>> raw = pd.DataFrame({"customer_id": ["C1"], "order_date": ["2024年1月5日"], "amount": ["¥1,200"]})
>>> df = orders(raw)
>>> float(df["amount"].iloc[0]), str(df["order_date"].iloc[0].date())
(1200.0, '2024-01-05')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from crmlab._checks import require_frame
from crmlab._errors import CRMDataError
from crmlab.io import parse_amounts, parse_dates
from crmlab.labels import label

#: the ``attrs`` key that marks a checked frame
MARK = "crmlab_frame"


@dataclass(frozen=True)
class Kind:
    """What one canonical table holds: its typed columns and what a caller needs by default."""

    name: str
    what: str  # the Chinese name used in messages
    dates: tuple[str, ...]
    numbers: tuple[str, ...]
    required: tuple[str, ...]
    may_be_blank: tuple[str, ...]  # required columns whose blank cells are allowed
    hint: str


_COURSE = "课程数据请用 crmlab.datasets.load(\"{name}\") 读取，自己的文件请用 crmlab.io.{reader}(...) 读取。"

ORDERS = Kind("orders", "订单表", ("order_date",), ("amount", "cost", "gross_profit", "quantity", "unit_price"),
              ("customer_id", "order_date", "amount"), (),
              _COURSE.format(name="orders", reader="read_transactions"))
CUSTOMERS = Kind("customers", "客户表", ("signup_date", "birth_date", "targeted_date"), (),
                 ("customer_id",), ("signup_date", "birth_date", "targeted_date"),
                 _COURSE.format(name="customers", reader="read_customers"))
INVOICES = Kind("invoices", "发票表", ("issue_date", "due_date", "paid_date"), ("amount",),
                ("customer_id", "amount", "issue_date", "due_date"), ("due_date", "paid_date"),
                "课程数据请用 crmlab.datasets.load(\"invoices\") 读取。")


def orders(frame: Any, *, require: Iterable[str] | None = None, what: str | None = None, allow_empty: bool = True,
           dates: Iterable[str] = (), numbers: Iterable[str] = ()) -> pd.DataFrame:
    """The canonical orders table: ``order_date`` a date, ``amount``/``cost``/``gross_profit``/``quantity`` numbers.

    ``require`` (default ``customer_id``, ``order_date``, ``amount``) lists the columns
    the caller needs: present and without blank cells.  ``dates`` / ``numbers`` add
    columns of other names to parse (e.g. a ``date_col=`` the caller was given).
    """
    return check(frame, ORDERS, require=require, what=what, allow_empty=allow_empty, dates=dates, numbers=numbers)


#: numeric columns of the orders table that :func:`orders_for_sums` turns into floats when present
ORDER_NUMBERS: tuple[str, ...] = ("amount", "cost", "gross_profit", "quantity")


def orders_for_sums(frame: Any, *, require: Iterable[str] = (), what: str = "订单表") -> pd.DataFrame:
    """The canonical orders (``customer_id``, ``order_date`` and ``require`` filled) ready to add up.

    Customer ids become text (``1`` and ``"1"`` are one customer) and the money and quantity
    columns floats, so sums over customers and windows never mix integer and float types.
    """
    out = orders(frame, require=("customer_id", "order_date", *require), what=what)
    money = [c for c in ORDER_NUMBERS if c in out.columns]
    return out.assign(customer_id=out["customer_id"].astype(str), **{c: out[c].astype(float) for c in money})


def customers(frame: Any, *, require: Iterable[str] | None = None, what: str | None = None,
              allow_empty: bool = True, dates: Iterable[str] = ()) -> pd.DataFrame:
    """The canonical customers table: ``signup_date``, ``birth_date``, ``targeted_date`` dates (when present)."""
    return check(frame, CUSTOMERS, require=require, what=what, allow_empty=allow_empty, dates=dates)


def invoices(frame: Any, *, require: Iterable[str] | None = None, what: str | None = None,
             allow_empty: bool = True) -> pd.DataFrame:
    """The canonical invoices table: ``issue_date``/``due_date``/``paid_date`` dates, ``amount`` a number.

    ``due_date`` and ``paid_date`` may be blank (an unpaid invoice; a credit note has no due date).
    """
    return check(frame, INVOICES, require=require, what=what, allow_empty=allow_empty)


def check(frame: Any, kind: Kind, *, require: Iterable[str] | None = None, what: str | None = None,
          allow_empty: bool = True, dates: Iterable[str] = (), numbers: Iterable[str] = ()) -> pd.DataFrame:
    """``frame`` checked against ``kind``: the frame itself when it is canonical, else a parsed copy."""
    what = what or kind.what
    need = tuple(dict.fromkeys(kind.required if require is None else require))
    df = require_frame(frame, what, allow_empty=allow_empty, hint=kind.hint)
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise CRMDataError(
            f"{what}缺少列：{'、'.join(_named(c) for c in missing)}。"
            f"现有的列是：{'、'.join(map(str, df.columns)) or '（没有列）'}。请补上这些列，或检查列名的拼写。{kind.hint}"
        )
    date_cols = [c for c in dict.fromkeys((*kind.dates, *dates)) if c in df.columns]
    num_cols = [c for c in dict.fromkeys((*kind.numbers, *numbers)) if c in df.columns and c not in date_cols]
    complete = [c for c in need if c not in kind.may_be_blank]
    if _marked(df, kind.name, [*date_cols, *num_cols], complete):
        return df
    out = _typed(df, what, date_cols, num_cols)
    for col in complete:
        _no_blanks(out[col], what, col)
    for col in num_cols:
        _finite(out[col], what, col)
    _mark(out, kind.name, [*date_cols, *num_cols], complete)
    return out


def is_canonical(frame: Any, kind: Kind = ORDERS) -> bool:
    """Whether ``frame`` carries the mark of a check against ``kind`` (cheap; for callers that cache)."""
    mark = frame.attrs.get(MARK) if isinstance(frame, pd.DataFrame) else None
    return isinstance(mark, _Mark) and mark.kind == kind.name and mark.frame_id == id(frame)


def _named(col: str) -> str:
    text = label(col)
    return f"{col}（{text}）" if text != col else str(col)


def _typed(df: pd.DataFrame, what: str, date_cols: list[str], num_cols: list[str]) -> pd.DataFrame:
    """``df`` with its date and number columns parsed (a copy only when something changes)."""
    new: dict[str, pd.Series] = {}
    for col in date_cols:
        s = df[col]
        if not pd.api.types.is_datetime64_any_dtype(s):
            new[col] = parse_dates(s, name=f"{what}的 {_named(col)}列")
        elif getattr(s.dt, "tz", None) is not None:
            new[col] = s.dt.tz_localize(None)
    for col in num_cols:
        s = df[col]
        if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            new[col] = parse_amounts(s, name=f"{what}的 {_named(col)}列")
    if not new:
        return df
    out = df.copy()
    for col, values in new.items():
        out[col] = values
    return out


def _blank_mask(s: pd.Series) -> np.ndarray:
    """Missing cells (NaN, None, NaT); :mod:`crmlab.io` reads an empty or blank cell of a file as missing."""
    return s.isna().to_numpy(dtype=bool, copy=True)


def _where(index: pd.Index, mask: np.ndarray) -> str:
    shown = "、".join(map(str, index[mask][:10]))
    return shown + (" 等" if mask.sum() > 10 else "")


def _no_blanks(s: pd.Series, what: str, col: str) -> None:
    mask = _blank_mask(s)
    if mask.any():
        raise CRMDataError(
            f"{what}的 {_named(col)}列有 {int(mask.sum())} 个空值，位置（索引）：{_where(s.index, mask)}。"
            "请补上这些值，或删除这些行。"
        )


def _finite(s: pd.Series, what: str, col: str) -> None:
    values = s.to_numpy(dtype="float64", na_value=np.nan)
    mask = np.isinf(values)
    if mask.any():
        raise CRMDataError(
            f"{what}的 {_named(col)}列有 {int(mask.sum())} 个无穷大的值，位置（索引）：{_where(s.index, mask)}。"
            "请改成正常的数字，或删除这些行。"
        )


@dataclass(frozen=True)
class _Mark:
    """What a check found, kept in ``attrs``: pandas deep-copies ``attrs`` on every operation, so it copies as itself."""

    kind: str
    frame_id: int
    columns: tuple[str, ...]
    typed: frozenset[str]
    complete: frozenset[str]

    def __deepcopy__(self, memo: dict) -> _Mark:
        return self


def _mark(df: pd.DataFrame, kind: str, typed: list[str], complete: list[str]) -> None:
    previous = df.attrs.get(MARK)
    columns = tuple(df.columns)
    if isinstance(previous, _Mark) and (previous.kind, previous.frame_id, previous.columns) == (kind, id(df), columns):
        typed, complete = [*typed, *previous.typed], [*complete, *previous.complete]  # keep what it knew
    df.attrs[MARK] = _Mark(kind, id(df), columns, frozenset(typed), frozenset(complete))


def _marked(df: pd.DataFrame, kind: str, typed: list[str], complete: list[str]) -> bool:
    """Checked before as this very frame object, with these columns, for at least these needs."""
    mark = df.attrs.get(MARK)
    return (isinstance(mark, _Mark) and mark.kind == kind and mark.frame_id == id(df)
            and mark.columns == tuple(df.columns) and mark.typed.issuperset(typed)
            and mark.complete.issuperset(complete))


__all__ = ["CUSTOMERS", "INVOICES", "MARK", "ORDERS", "ORDER_NUMBERS", "Kind", "check", "customers", "invoices",
           "is_canonical", "orders", "orders_for_sums"]
