"""The public readers: map columns, parse values, report or drop bad rows, assemble the frame."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.io._columns import (
    _LABELS,
    CUSTOMER_ALIASES,
    TRANSACTION_ALIASES,
    _guess_hint,
    _header_keys,
    _map_columns,
    _missing_column_error,
)
from crmlab.io._common import _STR_DTYPE, _WS, _has_edge_ws, _is_blank_cell, _joined, _rows_text, _show_value, _Table
from crmlab.io._sources import _load, _tidy
from crmlab.io._values import (
    _AMOUNT_HINT,
    _parse_age,
    _parse_bool,
    _parse_date,
    _parse_gender,
    _parse_id,
    _parse_number,
    _parse_text,
    _Parsed,
)

_MAX_ISSUES = 8  # problems listed in one message (the message stays readable)


@dataclass
class _Issue:
    pos: int  # column position in the table
    column: str
    positions: np.ndarray
    reason: str
    hint: str


class _Collector:
    def __init__(self, table: _Table):
        self.table = table
        self.issues: list[_Issue] = []

    def add(self, pos: int, mask: np.ndarray, reason: str, hint: str) -> None:
        if mask.any():
            self.issues.append(_Issue(pos, self.table.names[pos], np.flatnonzero(mask), reason, hint))

    def add_parsed(self, pos: int, p: _Parsed, *, required: bool, label: str) -> None:
        if p.bad.any():
            hint = p.hint + (p.extra_hint and " " + p.extra_hint)
            self.add(pos, p.bad, p.reason, hint)
        if p.far is not None and p.far.any():
            self.add(pos, p.far, p.far_reason, p.far_hint)
        if required and p.missing.any():
            self.add(pos, p.missing, f"{label}为空", f"每一行都必须填写{label}。")

    def bad_positions(self) -> np.ndarray:
        if not self.issues:
            return np.zeros(0, int)
        return np.unique(np.concatenate([i.positions for i in self.issues]))

    def message(self) -> str:
        t = self.table
        lines = [f"{t.label}中有无法读取的数据："]
        for iss in self.issues[:_MAX_ISSUES]:
            raw = self.raw_values(iss)
            sample, seen = [], set()
            for v in raw:
                shown = _show_value(v)
                if shown not in seen:
                    seen.add(shown)
                    sample.append(shown)
                if len(sample) >= 5:
                    break
            lines.append(
                f"- 列「{iss.column if len(iss.column) <= 30 else iss.column[:30] + '…'}」：{_rows_text(t.rows[iss.positions], t.excel_rows)}{iss.reason}"
                f"（示例：{'、'.join(sample)}）。{iss.hint}"
            )
        if len(self.issues) > _MAX_ISSUES:
            lines.append(f"- 另外还有 {len(self.issues) - _MAX_ISSUES} 处问题没有列出。")
        where = "（行号就是用 Excel 打开时左侧显示的行号）" if t.excel_rows else ""
        lines.append(
            f"请改正这些单元格后重新读取{where}；或者传入 errors=\"drop\" 跳过这些行"
            "（被跳过的行会记录在 df.attrs[\"crmlab_dropped\"] 中）。"
        )
        return "\n".join(lines)

    def raw_values(self, iss: _Issue) -> list[Any]:
        return self.table.frame[iss.pos].to_numpy(dtype=object)[iss.positions].tolist()

    def dropped_frame(self) -> pd.DataFrame:
        recs = []
        for iss in self.issues:
            raw = self.raw_values(iss)
            for p, v in zip(iss.positions, raw):
                recs.append((self.table.rows[p], iss.column, "" if _is_blank_cell(v) else str(v), iss.reason, p))
        df = pd.DataFrame(recs, columns=["row", "column", "value", "reason", "_pos"])
        df = df.sort_values(["_pos", "column"], kind="stable").drop(columns="_pos").reset_index(drop=True)
        return df


def _check_errors(errors: str) -> None:
    if errors not in ("raise", "drop"):
        raise CRMDataError(f"errors 参数只能是 \"raise\"（遇到问题就报错）或 \"drop\"（跳过有问题的行），不能是 {errors!r}。")


def _assemble(table: _Table, mapping: dict[str, int], parsed: dict[str, pd.Series], order: list[str],
              coll: _Collector, errors: str) -> pd.DataFrame:
    """Raise or drop bad rows, then build the output: canonical columns first, extras after."""
    bad_pos = coll.bad_positions()
    if len(bad_pos) and errors == "raise":
        raise CRMDataError(coll.message())
    keep = np.ones(len(table.frame), bool)
    keep[bad_pos] = False
    out: dict[str, Any] = {}
    for canon in order:
        if canon in parsed:
            out[canon] = parsed[canon]
    target_of = {pos: canon for canon, pos in mapping.items()}
    taken = set(out)
    for pos, nm in enumerate(table.names):
        if pos in target_of:
            if target_of[pos] in parsed:
                continue
            nm = target_of[pos]  # explicitly renamed by the user, no parsing rule: keep as is
        name = nm
        k = 1
        while name in taken:
            name = f"{nm}.{k}"
            k += 1
        taken.add(name)
        out[name] = _extra_column(table.frame[pos], from_file=table.excel_rows, text=table.text)
    df = pd.DataFrame({k: (v.reset_index(drop=True) if isinstance(v, pd.Series) else v) for k, v in out.items()})
    if len(bad_pos):
        df = df.loc[keep].reset_index(drop=True)
        if df.empty:
            raise CRMDataError(coll.message().replace(
                "；或者传入 errors=\"drop\" 跳过这些行（被跳过的行会记录在 df.attrs[\"crmlab_dropped\"] 中）",
                "（所有数据行都有问题，跳过之后什么也不剩）"))
        df.attrs["crmlab_dropped"] = coll.dropped_frame()
    return df


_LEADING_ZERO = re.compile(r"^[+-]?0\d")


def _extra_column(s: pd.Series, *, from_file: bool, text: bool = False) -> pd.Series:
    """An unrecognised column.

    DataFrame input: unchanged.  Excel: cells keep their types (a column of numbers
    becomes numeric).  CSV text: a column whose every value is a plain number (and
    no value has a leading zero, like 邮编 010020) becomes numeric; otherwise the
    stripped strings are kept.
    """
    s = s.reset_index(drop=True)
    if not from_file:
        return s
    if s.dtype == object and not text:  # Excel cells (pandas<3 also reads CSV text as object)
        kind = pd.api.types.infer_dtype(s.to_numpy(dtype=object), skipna=True)
        if kind in ("string", "empty"):
            return s.astype(_STR_DTYPE)
        inferred = s.infer_objects()
        return inferred if inferred.dtype != object else s
    if not text and not isinstance(s.dtype, pd.StringDtype):
        return s
    st = s.str.strip(_WS) if _has_edge_ws(_joined(s)) else s
    present = (st.notna() & (st != "")).to_numpy(bool)
    if not present.all():
        st = st.mask(~present)
    if not present.any():
        return st
    vals = st[present]
    if pd.to_numeric(vals.iloc[:50], errors="coerce").isna().any():
        return st
    num = pd.to_numeric(vals, errors="coerce")
    x = num.to_numpy(dtype=float)
    if not np.isfinite(x).all() or vals.str.match(_LEADING_ZERO).any() or (np.abs(x) >= 2**53).any():
        return st  # text, 010020 (leading zero), "inf" or a 20-digit number: kept as written
    if present.all() and not vals.str.contains(r"[.eE]", regex=True).any():
        return num.astype(np.int64).reindex(s.index)
    out = pd.Series(np.nan, index=s.index)
    out[present] = num.to_numpy(float)
    return out


def read_table(src: Any, *, filename: str | None = None, encoding: str | None = None,
               sheet_name: int | str = 0) -> pd.DataFrame:
    """Read a CSV/Excel file (or bytes, file object, DataFrame) as a plain table.

    Same source handling as :func:`read_transactions` (encoding and separator
    detection, cleaned unique column names, fully empty rows and unnamed empty
    columns dropped), but no column mapping or value parsing: text columns stay
    strings, clean numeric columns become numbers.
    """
    table = _tidy(_load(src, filename=filename, encoding=encoding, sheet_name=sheet_name, header_keys=frozenset()))
    if len(table.frame) == 0:
        raise CRMDataError(f"{table.label}只有表头，没有数据行。请确认导出时包含了数据。")
    return _assemble(table, {}, {}, [], _Collector(table), "raise")


def read_transactions(
    src: Any,
    *,
    filename: str | None = None,
    encoding: str | None = None,
    columns: Mapping[str, str] | None = None,
    sheet_name: int | str = 0,
    errors: str = "raise",
    dayfirst: bool | None = None,
) -> pd.DataFrame:
    """Read purchases from a CSV/Excel file, upload or DataFrame into the canonical frame.

    Parameters
    ----------
    src : path, bytes, file object, upload item or DataFrame
        See the module docstring.  With ``bytes`` pass ``filename="x.csv"`` so the
        messages name the file (the format itself is detected from the content).
    filename : str, optional
        Name shown in messages (and used for the extension) when ``src`` is bytes.
    encoding : str, optional
        Force a text encoding; by default UTF-8 (BOM or not), UTF-16 and GB18030
        (GBK) are tried in turn.
    columns : dict, optional
        Explicit ``{"column in the file": "canonical name"}`` mapping; wins over
        the aliases in :data:`TRANSACTION_ALIASES`.
    sheet_name : int or str
        Excel sheet (index or name), default the first.
    errors : {"raise", "drop"}
        ``"raise"`` (default): any unreadable or missing required value raises a
        :class:`~crmlab.CRMDataError` naming the column and the Excel rows.
        ``"drop"``: such rows are removed and listed in ``df.attrs["crmlab_dropped"]``.
    dayfirst : bool, optional
        Only for ``05/01/2024``-style dates: ``True`` = day/month/year,
        ``False`` = month/day/year.  By default the order must be evident from
        the column (a value above 12), otherwise those dates are reported.

    Returns
    -------
    DataFrame
        ``customer_id`` (str), ``order_id`` (str), ``order_date`` (datetime64[ns]),
        ``amount`` (float; refunds/returns stay negative), then recognised optional
        columns (``quantity``, ``unit_price``, ``category``, ``product``, ``channel``)
        and all other columns under their own (cleaned) names.

    Notes
    -----
    * When there is no amount column but a quantity column (数量 / Quantity) and a
      unit-price column (单价 / UnitPrice) -- as in the "Online Retail" data set --
      ``amount = quantity * unit_price``.
    * When there is no order id column, ids ``A000001``, ``A000002``... are made up
      deterministically: rows with the same customer and the same ``order_date``
      (date and time as written) form one order, numbered in file order.
    * Zero and negative amounts are kept as they are (a negative amount is a refund).
    """
    _check_errors(errors)
    aliases = TRANSACTION_ALIASES
    table = _tidy(_load(src, filename=filename, encoding=encoding, sheet_name=sheet_name,
                        header_keys=_header_keys(aliases, ("customer_id", "order_date", "amount", "order_id"), columns)))
    mapping = _map_columns(table, aliases, columns)
    _check_transaction_columns(table, mapping)
    coll = _Collector(table)
    parsed = _transaction_values(table, mapping, coll, dayfirst)
    order = ["customer_id", "order_id", "order_date", "amount", "quantity", "unit_price", "category", "product", "channel"]
    df = _assemble(table, mapping, parsed, order, coll, errors)
    if "order_id" not in mapping:
        df.insert(1, "order_id", _made_up_order_ids(df))
    df["amount"] = df["amount"].astype(float)
    df["order_date"] = df["order_date"].astype("datetime64[ns]")
    return df


def _check_transaction_columns(table: _Table, mapping: dict[str, int]) -> None:
    """Required columns (customer, date, amount or quantity and unit price) and at least one data row."""
    aliases = TRANSACTION_ALIASES
    for canon in ("customer_id", "order_date"):
        if canon not in mapping:
            raise _missing_column_error(table, canon, aliases, _guess_hint(table, canon))
    if "amount" not in mapping and not ("quantity" in mapping and "unit_price" in mapping):
        raise _missing_column_error(
            table, "amount", aliases,
            "（如果文件中有「数量」和「单价」两列，也会自动用 数量×单价 计算金额。）",
        )
    if len(table.frame) == 0:
        raise CRMDataError(f"{table.label}只有表头，没有数据行。请确认导出时包含了数据。")


def _transaction_values(table: _Table, mapping: dict[str, int], coll: _Collector,
                        dayfirst: bool | None) -> dict[str, pd.Series]:
    """Parse the recognised transaction columns; problems go to ``coll``."""
    col = table.frame
    parsed: dict[str, pd.Series] = {}
    for canon, label in (("customer_id", "客户编号"), ("order_id", "订单号")):
        if canon in mapping:
            p = _parse_id(col[mapping[canon]])
            coll.add_parsed(mapping[canon], p, required=True, label=label)
            parsed[canon] = p.values
    p = _parse_date(col[mapping["order_date"]], dayfirst=dayfirst)
    coll.add_parsed(mapping["order_date"], p, required=True, label="日期")
    parsed["order_date"] = p.values
    computed_amount = "amount" not in mapping
    parsed.update(_quantity_and_price(col, mapping, coll, computed_amount))
    if computed_amount:
        parsed["amount"] = np.round(parsed["quantity"] * parsed["unit_price"], 6)
    else:
        p = _parse_number(col[mapping["amount"]])
        p.reason, p.hint = "无法识别为金额", _AMOUNT_HINT
        coll.add_parsed(mapping["amount"], p, required=True, label="金额")
        parsed["amount"] = p.values
    for opt in ("category", "product", "channel"):
        if opt in mapping:
            parsed[opt] = _parse_text(col[mapping[opt]]).values
    return parsed


def _quantity_and_price(col: pd.DataFrame, mapping: dict[str, int], coll: _Collector,
                        computed_amount: bool) -> dict[str, pd.Series]:
    """Quantity and unit price: required numbers when they make the amount, else kept as written if unreadable."""
    parsed: dict[str, pd.Series] = {}
    for opt in ("quantity", "unit_price"):
        if opt not in mapping:
            continue
        raw = col[mapping[opt]]
        p = _parse_number(raw)
        if computed_amount:
            coll.add_parsed(mapping[opt], p, required=True, label=_LABELS[opt])
            parsed[opt] = p.values
            if opt == "quantity" and not (p.bad | p.missing).any():
                parsed[opt] = _maybe_int(p.values)
        elif not p.bad.any():
            parsed[opt] = _maybe_int(p.values) if opt == "quantity" else p.values
        else:  # not needed for the amount: keep as written rather than fail
            parsed[opt] = _parse_text(raw).values
    return parsed


def _made_up_order_ids(df: pd.DataFrame) -> pd.Series:
    """A000001, A000002...: one order per customer and order_date (as written), numbered in file order."""
    codes = df.groupby(["customer_id", "order_date"], sort=False, dropna=False).ngroup().to_numpy()
    width = max(6, len(str(len(codes))))
    ids = np.char.add("A", np.char.zfill((codes + 1).astype(str), width)) if len(codes) else np.array([], dtype=str)
    return pd.Series(ids, dtype=_STR_DTYPE)


def _maybe_int(s: pd.Series) -> pd.Series:
    """Whole numbers without gaps as int64 (quantities), otherwise unchanged."""
    v = s.to_numpy(dtype=float)
    if len(v) and np.isfinite(v).all() and (v == np.round(v)).all() and np.abs(v).max() < 2**53:
        return pd.Series(v.astype(np.int64), index=s.index)
    return s


_CUSTOMER_PARSERS: dict[str, Callable[[pd.Series], _Parsed]] = {
    "customer_type": _parse_text, "name": _parse_text, "gender": _parse_gender, "age": _parse_age,
    "city": _parse_text, "city_tier": _parse_text, "province": _parse_text, "region": _parse_text,
    "address": _parse_text, "acquisition_channel": _parse_text, "source": _parse_text,
    "phone": _parse_id, "email": _parse_text, "id_number": _parse_id, "consent_marketing": _parse_bool,
    "customer_role": _parse_text, "company": _parse_text,
}


_CUSTOMER_DATES = ("birth_date", "signup_date", "targeted_date")


def read_customers(
    src: Any,
    *,
    filename: str | None = None,
    encoding: str | None = None,
    columns: Mapping[str, str] | None = None,
    sheet_name: int | str = 0,
    errors: str = "raise",
    dayfirst: bool | None = None,
) -> pd.DataFrame:
    """Read a customer list (CSV/Excel file, upload or DataFrame) into the canonical frame.

    Parameters are as in :func:`read_transactions`; aliases in :data:`CUSTOMER_ALIASES`.

    Returns
    -------
    DataFrame
        ``customer_id`` (str, unique) first, then the recognised columns in the
        course's order -- ``customer_type``, ``name``, ``gender`` (男/女; other labels
        such as 保密 kept as written), ``birth_date``, ``age`` (float, 0-130, "35岁" accepted),
        ``city``, ``city_tier``, ``province``, ``region``, ``address``,
        ``acquisition_channel``, ``source``, ``signup_date``, ``phone`` (str),
        ``email``, ``id_number`` (str), ``consent_marketing`` (bool; 是/否, Y/N, 1/0),
        ``customer_role``, ``targeted_date``, ``company`` -- dates as datetime64[ns],
        then every other column under its own name.

    A missing customer id, a repeated customer id, an unreadable date/age/是否 value,
    or a phone/ID number that Excel turned into scientific notation (digits lost)
    is reported with its rows (or dropped with ``errors="drop"``).  Missing optional
    values are simply left empty.
    """
    _check_errors(errors)
    aliases = CUSTOMER_ALIASES
    table = _tidy(_load(src, filename=filename, encoding=encoding, sheet_name=sheet_name,
                        header_keys=_header_keys(aliases, ("customer_id",), columns)))
    mapping = _map_columns(table, aliases, columns)
    if "customer_id" not in mapping:
        raise _missing_column_error(table, "customer_id", aliases)
    if len(table.frame) == 0:
        raise CRMDataError(f"{table.label}只有表头，没有数据行。请确认导出时包含了数据。")
    coll = _Collector(table)
    parsed = _customer_values(table, mapping, coll, dayfirst)
    df = _assemble(table, mapping, parsed, list(CUSTOMER_ALIASES), coll, errors)
    for c in _CUSTOMER_DATES:
        if c in df:
            df[c] = df[c].astype("datetime64[ns]")
    if "consent_marketing" in df and df["consent_marketing"].dtype != bool and df["consent_marketing"].notna().all():
        df["consent_marketing"] = df["consent_marketing"].astype(bool)
    return df


def _customer_values(table: _Table, mapping: dict[str, int], coll: _Collector,
                     dayfirst: bool | None) -> dict[str, pd.Series]:
    """Parse the recognised customer columns (ids must be present and unique); problems go to ``coll``."""
    col = table.frame
    p = _parse_id(col[mapping["customer_id"]])
    coll.add_parsed(mapping["customer_id"], p, required=True, label="客户编号")
    ids = p.values
    dup = (ids.duplicated(keep="first") & ids.notna()).to_numpy(bool)
    coll.add(mapping["customer_id"], dup, "客户编号重复（与前面的某一行相同）",
             "客户表中每个客户编号只能出现一次：请删除或合并重复的客户。")
    parsed: dict[str, pd.Series] = {"customer_id": ids}
    for canon in CUSTOMER_ALIASES:
        if canon == "customer_id" or canon not in mapping:
            continue
        raw = col[mapping[canon]]
        p = _parse_date(raw, dayfirst=dayfirst) if canon in _CUSTOMER_DATES else _CUSTOMER_PARSERS[canon](raw)
        coll.add_parsed(mapping[canon], p, required=False, label=_LABELS[canon])
        parsed[canon] = p.values
    return parsed


def dropped_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Rows dropped by ``errors="drop"`` (columns row, column, value, reason); empty if none."""
    got = df.attrs.get("crmlab_dropped")
    if isinstance(got, pd.DataFrame):
        return got.copy()
    return pd.DataFrame({"row": pd.Series(dtype=object), "column": pd.Series(dtype=_STR_DTYPE),
                         "value": pd.Series(dtype=_STR_DTYPE), "reason": pd.Series(dtype=_STR_DTYPE)})
