"""The customer information base: one SQLite file behind :class:`InfoBase`.

Rules the class enforces (the syllabus's principles of a customer database):

* **Keep raw data complete** -- ``import_records`` stores records exactly as
  received in ``raw_records``; triggers forbid changing or deleting them.
* **Keep the source** -- every row of every table carries ``source``,
  ``collect_channel`` and ``collected_at``.
* **All or nothing** -- every import is one transaction (``BEGIN IMMEDIATE`` ...
  ``COMMIT``); if the process dies half-way, SQLite's journal rolls it back.
* **Parameters only** -- every value reaches SQL as a ``?`` parameter.  Table and
  column names are never taken from the caller: they come from the fixed lists
  in :mod:`crmlab.infobase.schema`.
* **Keep it up to date, keep history** -- ``update_customer`` records old value,
  new value, source and time; the replaced value is retired (``valid_to``), not
  deleted.
* **Keep it safe** -- role-based, masked reads with an audit log;
  ``backup``/``restore`` with SQLite's online backup API and an integrity check.
"""

from __future__ import annotations

import datetime as _dt
import json
import sqlite3
import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.infobase import _files
from crmlab.infobase import codes as _codes
from crmlab.infobase import schema as _schema
from crmlab.infobase import security as _security

STATUSES = ("潜在", "现实", "流失")
#: seconds a writer waits for another program's write transaction on the same file (SQLite busy timeout)
BUSY_TIMEOUT = 30.0
#: default "today" of the course
from crmlab.course import COURSE_DATE as COURSE_TODAY  # noqa: E402 - one course date (crmlab.course)
from crmlab.labels import pick  # noqa: E402 - the course vocabulary (crmlab.labels)

FIELD_LABELS = pick((
    "customer_id", "code", "customer_type", "name", "gender", "birth_date", "phone", "email",
    "id_number", "id_valid_to", "address", "city", "region", "company", "status", "consent_marketing",
    "source", "collect_channel", "collected_at", "updated_at",
), "infobase")


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def _iso(value: Any) -> str | None:
    """A value as stored text: dates as ``YYYY-MM-DD`` (or with time), None for missing."""
    if value is None:
        return None
    if isinstance(value, (pd.Timestamp, _dt.datetime, np.datetime64)):
        ts = pd.Timestamp(value)
        if pd.isna(ts):
            return None
        return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.isoformat(sep=" ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def _column_as_sql(s: pd.Series, kind: str = "text") -> list:
    """A column converted for sqlite3: list of str/float/int/None."""
    if isinstance(s.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(s):
        t = pd.to_datetime(s)
        has_time = bool(((t - t.dt.normalize()).dt.total_seconds().fillna(0) != 0).any())
        out = t.dt.strftime("%Y-%m-%d %H:%M:%S" if has_time else "%Y-%m-%d")
        return out.astype(object).where(t.notna(), None).tolist()
    if pd.api.types.is_bool_dtype(s):
        if s.notna().all():
            return s.astype(int).tolist()
        return s.astype(object).map(lambda v: None if pd.isna(v) else int(v)).tolist()
    if kind == "num":
        v = pd.to_numeric(s, errors="coerce")
        return v.astype(object).where(v.notna(), None).tolist()
    if kind == "int" and pd.api.types.is_bool_dtype(s) and s.notna().all():
        return s.astype(int).tolist()
    if kind == "int":
        return s.map(lambda v: None if pd.isna(v) else int(bool(v)) if isinstance(v, (bool, np.bool_)) else int(v)).tolist()
    if pd.api.types.is_numeric_dtype(s):
        return s.astype(object).where(s.notna(), None).map(
            lambda v: None if v is None else (str(int(v)) if float(v).is_integer() else str(v))
        ).tolist()
    vals = s.to_numpy(dtype=object, na_value=None).tolist()
    if isinstance(s.dtype, pd.StringDtype):
        return vals
    if all(v is None or isinstance(v, str) or (isinstance(v, float) and v != v) or v is pd.NA for v in vals):
        return [v if isinstance(v, str) else None for v in vals]
    return [_iso(v) for v in vals]


def _day(value: Any, what: str = "日期") -> pd.Timestamp:
    """A date given by the caller, or a Chinese error."""
    try:
        t = pd.Timestamp(value)
    except (ValueError, TypeError):
        t = pd.NaT
    if pd.isna(t):
        raise CRMDataError(f"{what}“{value}”无法识别，请写成 {COURSE_TODAY} 这样的日期。")
    return t


_CONSENT_VALUES = {"是": 1, "否": 0, "同意": 1, "不同意": 0, "1": 1, "0": 0, "true": 1, "false": 0, "True": 1, "False": 0}


def _consent_column(s: pd.Series) -> list[int]:
    """consent_marketing as 0/1: accepts bool, 0/1 and 是/否、同意/不同意; missing = 0 (no consent)."""
    out, bad = [], []
    for k, v in enumerate(s.to_numpy(dtype=object).tolist()):
        if v is None or v is pd.NA or (isinstance(v, float) and v != v):
            out.append(0)
        elif isinstance(v, (bool, np.bool_)) or (isinstance(v, (int, np.integer, float)) and v in (0, 1)):
            out.append(int(v))
        elif isinstance(v, str) and v.strip() in _CONSENT_VALUES:
            out.append(_CONSENT_VALUES[v.strip()])
        else:
            out.append(0)
            bad.append(k + 1)
    if bad:
        raise CRMDataError(
            f"consent_marketing（同意营销联系）第 {bad[:5]} 行的值无法识别：只能填 是/否、同意/不同意、True/False 或 1/0。"
        )
    return out


def _require_text(value: Any, what: str) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise CRMDataError(f"缺少{what}：每条信息都必须记录{what}。")
    return str(value).strip()


def estimate_id_valid_to(birth_date: Any, on: Any) -> str | None:
    """Estimated expiry of a resident ID card when the card's own date is not recorded.

    Rule (居民身份证法 validity periods): cards issued under 16 are valid 5 years,
    16-25 ten years, 26-45 twenty years, from 46 long-term.  Without the issue date
    we assume the card is renewed at each boundary, so it expires at the holder's
    16th, 26th or 46th birthday; from 46 on it is long-term (``None``).
    """
    b = pd.to_datetime(birth_date, errors="coerce")
    t = pd.to_datetime(on, errors="coerce")
    if pd.isna(b) or pd.isna(t):
        return None
    age = t.year - b.year - ((t.month, t.day) < (b.month, b.day))
    for limit in (16, 26, 46):
        if age < limit:
            try:
                return (b + pd.DateOffset(years=limit)).strftime("%Y-%m-%d")
            except (ValueError, OverflowError):
                return None
    return None


def estimate_id_valid_to_series(birth_dates: pd.Series, on: pd.Series | Any) -> list:
    """Vectorised :func:`estimate_id_valid_to` (list of ``YYYY-MM-DD`` or None)."""
    b = pd.to_datetime(pd.Series(birth_dates).reset_index(drop=True), errors="coerce")
    if isinstance(on, pd.Series):
        on = on.reset_index(drop=True)
        codes_, uniq = pd.factorize(on)
        t = pd.to_datetime(pd.Series(uniq), errors="coerce").to_numpy()[codes_] if len(uniq) else np.array([], "M8[ns]")
        t = pd.Series(t)
    else:
        t = pd.Series([pd.to_datetime(on, errors="coerce")] * len(b))
    by, bm, bd = b.dt.year.to_numpy(), b.dt.month.to_numpy(), b.dt.day.to_numpy()
    ty, tm, td = t.dt.year.to_numpy(), t.dt.month.to_numpy(), t.dt.day.to_numpy()
    age = ty - by - ((tm * 100 + td) < (bm * 100 + bd))
    limit = np.select([age < 16, age < 26, age < 46], [16, 26, 46], default=0)
    ok = b.notna().to_numpy() & t.notna().to_numpy() & (limit > 0)
    bd = np.where((bm == 2) & (bd == 29), 28, bd)
    ymd = np.where(ok, (np.nan_to_num(by) + limit) * 10000 + np.nan_to_num(bm) * 100 + np.nan_to_num(bd), 0)
    return [f"{v[:4]}-{v[4:6]}-{v[6:]}" if k else None for v, k in zip(ymd.astype(np.int64).astype(str).tolist(), ok.tolist())]


def _accuracy_report(df: pd.DataFrame, checks: pd.DataFrame) -> pd.DataFrame | None:
    """The accuracy report of an import, when the table has a phone, e-mail or ID column."""
    if set(df.columns) & {"phone", "email", "id_number"}:
        return _codes.accuracy_report(df, checks)
    return None


def _raw_record_rows(df: pd.DataFrame, checks: pd.DataFrame, src: list, chan: list, when: list) -> list[tuple]:
    """Rows for ``raw_records``: the known fields as text, other columns as JSON ``extra``, provenance, checks."""
    n = len(df)
    cols = {c: (_column_as_sql(df[c]) if c in df.columns else [None] * n) for c in _schema.RAW_FIELDS}
    other = [c for c in df.columns if c not in _schema.RAW_FIELDS and c not in ("source", "collect_channel", "channel", "collected_at")]
    if other:
        extra_cols = [_column_as_sql(df[c]) for c in other]
        extra = [json.dumps(dict(zip(other, vals)), ensure_ascii=False) for vals in zip(*extra_cols)]
    else:
        extra = [None] * n
    flags = {
        f: (checks[f"{f}_ok"].astype(int).tolist() if f"{f}_ok" in checks else [None] * n)
        for f in ("phone", "email", "id_number")
    }
    return list(
        zip(
            *[cols[c] for c in _schema.RAW_FIELDS],
            extra,
            src,
            chan,
            when,
            flags["phone"],
            flags["email"],
            flags["id_number"],
        )
    )


def _checked_names_and_types(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Stripped names (all present) and customer types (个人/企业, default 个人) of a customer table."""
    if not isinstance(df, pd.DataFrame) or len(df) == 0:
        raise CRMDataError("要导入的客户表是空的。")
    if "name" not in df.columns:
        raise CRMDataError("客户表缺少 name（姓名/名称）列。")
    names = df["name"].astype("string").fillna("").str.strip()
    if (names == "").any():
        rows = (np.flatnonzero((names == "").to_numpy())[:5] + 1).tolist()
        raise CRMDataError(f"第 {rows} 行缺少姓名/名称：每位客户都必须有名称。")
    n = len(df)
    types = df["customer_type"].fillna("个人") if "customer_type" in df.columns else pd.Series(["个人"] * n, index=df.index)
    bad_type = ~types.isin(["个人", "企业"])
    if bad_type.any():
        raise CRMDataError(f"客户类型只能是“个人”或“企业”，第 {(np.flatnonzero(bad_type.to_numpy())[:5] + 1).tolist()} 行不是。")
    return names, types


def _raise_if_invalid(df: pd.DataFrame, checks: pd.DataFrame) -> None:
    """Strict import: any invalid phone / e-mail / ID stops it, listing the rows."""
    problems = []
    for f in ("phone", "email", "id_number"):
        if f in df.columns:
            filled = checks[f"{f}_filled"]
            bad = filled & ~checks[f"{f}_ok"]
            if bad.any():
                problems.append(f"{_codes.FIELD_LABELS[f]}无效（第 {(np.flatnonzero(bad.to_numpy())[:5] + 1).tolist()} 行）")
    if problems:
        raise CRMDataError("；".join(problems) + "。请改正后再导入，本次没有写入任何记录。")


def _phones(df: pd.DataFrame) -> list:
    """Normalised mobile numbers (None where empty or missing)."""
    if "phone" not in df.columns:
        return [None] * len(df)
    return [v if isinstance(v, str) and v else None for v in _codes.normalize_phone_series(df["phone"]).astype(object)]


def _id_valid_to(df: pd.DataFrame, when: list) -> list:
    """ID card expiry: as given, or estimated from the birth date for rows with an ID number."""
    if "id_valid_to" in df.columns:
        return _column_as_sql(df["id_valid_to"])
    if "birth_date" in df.columns and "id_number" in df.columns:
        has_id = df["id_number"].astype("string").fillna("").ne("").to_numpy()
        est = estimate_id_valid_to_series(df["birth_date"], pd.Series(when))
        return [v if h else None for v, h in zip(est, has_id)]
    return [None] * len(df)


def _statuses(df: pd.DataFrame) -> list[str]:
    """Customer statuses (default 潜在), checked against :data:`STATUSES`."""
    given = _column_as_sql(df["status"]) if "status" in df.columns else [None] * len(df)
    status = [s if s is not None else "潜在" for s in given]
    bad_status = sorted({s for s in status if s not in STATUSES})
    if bad_status:
        raise CRMDataError(f"客户状态 {bad_status} 无效：只能是 潜在、现实、流失。")
    return status


def _checked_new_value(f: str, new: Any) -> str | None:
    """A new value for field ``f`` as stored (ISO text, normalised phone, '0'/'1'); invalid -> CRMDataError."""
    new = _iso(new) if not isinstance(new, (bool, np.bool_)) else str(int(new))
    if new is not None and f == "phone":
        if not _codes.validate_mobile(new):
            raise CRMDataError(f"新手机号“{new}”无效，没有做任何修改。")
        new = _codes.normalize_phone(new)
    if new is not None and f == "email" and not _codes.validate_email(new):
        raise CRMDataError(f"新邮箱“{new}”无效，没有做任何修改。")
    if new is not None and f == "id_number" and not _codes.validate_id_number(new):
        raise CRMDataError(f"新身份证号“{new}”无效（校验码不对），没有做任何修改。")
    if f == "status" and new not in STATUSES:
        raise CRMDataError(f"客户状态只能是 {'、'.join(STATUSES)}。")
    return new


def _locked(method):
    """Run the whole method holding the base's lock (read-then-write steps stay together)."""
    import functools

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper


@dataclass
class ImportResult:
    """What an import did: batch id, rows written, codes, validation report."""

    batch_id: int
    n_rows: int
    table: str
    customer_ids: list[str] = field(default_factory=list)
    report: pd.DataFrame | None = None

    def __repr__(self) -> str:
        return f"ImportResult(批次={self.batch_id}, 表={self.table}, 行数={self.n_rows})"


class InfoBase:
    """A customer information base in one SQLite file.

    Parameters
    ----------
    path : file name, or ``":memory:"`` for a throw-away base.
    clock : function returning the current time as text (default: now).  Pass a
        fixed clock in notebooks and tests for reproducible logs.

    Examples
    --------
    >>> base = InfoBase(":memory:", clock=lambda: f"{COURSE_DATE} 09:00:00")
    >>> r = base.add_customer({"name": "张三", "phone": "13812345678"},
    ...                       source="门店", channel="当面交谈", consent_marketing=True)
    """

    def __init__(self, path: str | Path = ":memory:", clock: Callable[[], str] | None = None):
        self.path = str(path)
        self._clock = clock or (lambda: _dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S"))
        self._connection: sqlite3.Connection | None = None
        self._opened_id: tuple[int, int] | None = None
        # JupyterLab may run widget callbacks in another thread (kernel subshells) than the
        # cell that opened the base: share the connection between threads, and let one
        # thread at a time use it (every transaction and query holds this lock).
        self._lock = threading.RLock()
        try:
            self._connection = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT,
                                               check_same_thread=False)
        except sqlite3.Error as exc:
            raise CRMDataError(f"无法打开信息库文件 {self.path}：{exc}。请检查路径是否存在、是否可写。") from exc
        try:
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._conn.executescript(_schema.SCHEMA)
            self._opened_id = self._file_id()  # the file's identity, whatever the working folder later is
        except sqlite3.DatabaseError as exc:
            self._connection.close()
            self._connection = None
            if "locked" in str(exc) or "busy" in str(exc):
                raise CRMDataError(
                    f"信息库 {Path(self.path).name} 正被另一个程序占用，等了 {BUSY_TIMEOUT:g} 秒仍未释放。请稍后再试。"
                ) from exc
            raise CRMDataError(
                f"文件 {Path(self.path).name} 不是可用的信息库（{exc}）。请换一个文件名，或从备份恢复。"
            ) from exc

    # ------------------------------------------------------------------ basics
    def close(self) -> None:
        """Close the file; any later use of this base gives a clear message."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    @property
    def closed(self) -> bool:
        return self._connection is None

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._connection is None:
            raise CRMDataError(
                f"信息库 {Path(self.path).name} 已经关闭（调用过 close()）。请重新运行创建信息库的单元格，"
                "或用 InfoBase(路径) 重新打开。"
            )
        return self._connection

    def __enter__(self) -> InfoBase:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        if self.closed:
            return f"InfoBase({Path(self.path).name}，已关闭)"
        n = self._scalar("SELECT COUNT(*) FROM customers")
        r = self._scalar("SELECT COUNT(*) FROM raw_records")
        return f"InfoBase(客户 {n} 位, 原始记录 {r} 条)"

    @property
    def connection(self) -> sqlite3.Connection:
        """The underlying sqlite3 connection (for the teacher's own SQL demos).

        This is the raw bypass: whatever is read through it is neither masked nor
        audited, whatever role the caller plays.  The roles of this class model
        access control for teaching; they do not protect a file its reader can open.
        """
        return self._conn

    def now(self) -> str:
        return self._clock()

    @contextmanager
    def _transaction(self):
        """One all-or-nothing transaction; rolls back on any error."""
        with self._lock:
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")  # waits up to BUSY_TIMEOUT for another writer
            except sqlite3.OperationalError as exc:
                raise CRMDataError(
                    f"信息库 {Path(self.path).name} 正被另一个程序写入，等了 {BUSY_TIMEOUT:g} 秒仍未结束，"
                    f"本次没有写入任何内容（{exc}）。请稍后再试；如果一直这样，请关闭其他打开此文件的笔记本。"
                ) from exc
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")

    def _scalar(self, sql: str, params: Iterable = ()):
        with self._lock:
            return self._conn.execute(sql, tuple(params)).fetchone()[0]

    def _query(self, sql: str, params: Iterable = ()) -> pd.DataFrame:
        with self._lock:
            cur = self._conn.execute(sql, tuple(params))
            cols = [d[0] for d in cur.description]
            rows = cur.fetchall()
        return pd.DataFrame(rows, columns=cols)

    def table(self, name: str, role: str = "管理员", user: str = "未署名") -> pd.DataFrame:
        """A whole table as ``role`` may see it; reads of personal data in clear are audited.

        ``customers`` is shown as in :meth:`read_customers`; personal columns of other
        tables (names, phones, raw ``extra``) and the values in ``changes`` /
        ``retired_values`` are masked or hidden by the role's rules.
        """
        if name not in _schema.TABLES:
            raise CRMDataError(f"信息库中没有表“{name}”。可用的表：{'、'.join(_schema.TABLES)}。")
        _security.check_role(role)
        df = self._query(f"SELECT * FROM {name}")  # name is from the fixed list above
        return self._shown(df, name, role, user, f"查看表 {name}")

    def _shown(self, df: pd.DataFrame, table: str, role: str, user: str, action: str) -> pd.DataFrame:
        """``df`` (rows of ``table``) masked for ``role``; an audit row when personal data is shown in clear."""
        user = _security.check_user(user)
        if table == "customers":
            view, unmasked = _security.apply_role(df, role)
        elif table in ("changes", "retired_values"):
            view, unmasked = _security.mask_field_values(df, role, ("old_value", "new_value", "value"))
        else:
            view, unmasked = _security.mask_columns(df, role)
        if unmasked and len(view):
            ids = df["customer_id"].astype(str).tolist() if "customer_id" in df.columns else []
            self._audit(user, role, action, unmasked, ids, n_rows=len(view))
        return view

    def counts(self) -> pd.Series:
        """Number of rows per table."""
        return pd.Series(
            {t: self._scalar(f"SELECT COUNT(*) FROM {t}") for t in _schema.TABLES},
            name="行数",
        )

    def integrity_check(self) -> str:
        """``PRAGMA integrity_check``: ``"ok"`` when the file is sound."""
        with self._lock:
            rows = self._conn.execute("PRAGMA integrity_check").fetchall()
        return "; ".join(r[0] for r in rows)

    def _new_batch(self, target: str, source: str, channel: str, collected_at: Any, n: int) -> int:
        cur = self._conn.execute(
            "INSERT INTO import_batches (target, source, collect_channel, collected_at, imported_at, n_rows)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (target, source, channel, _iso(collected_at), self.now(), n),
        )
        return int(cur.lastrowid)

    @staticmethod
    def _provenance(df: pd.DataFrame, source, channel, collected_at) -> tuple[list, list, list]:
        """Per-row source/channel/time: a column of ``df`` wins, the argument fills gaps."""
        n = len(df)

        def col(names, default, what):
            for c in names:
                if c in df.columns:
                    vals = _column_as_sql(df[c])
                    if default is not None:
                        d = _iso(default)
                        vals = [d if v is None or v == "" else v for v in vals]
                    if any(v is None or v == "" for v in vals):
                        raise CRMDataError(f"有记录缺少{what}：请在表中补全“{c}”列，或在调用时给出 {names[-1]}=…。")
                    return vals
            if default is None or (isinstance(default, str) and not default.strip()):
                raise CRMDataError(f"缺少{what}：请在调用时给出参数（例如 {names[-1]}=…），每条信息都要记录{what}。")
            return [_iso(default)] * n

        when = col(("collected_at",), collected_at, "收集时间")
        uniq = pd.unique(pd.Series(when, dtype=object))
        parsed = pd.to_datetime(pd.Series(uniq, dtype=object), errors="coerce", format="mixed")
        if parsed.isna().any():
            bad = [str(v) for v in uniq[parsed.isna().to_numpy()]][:3]
            raise CRMDataError(f"收集时间 {bad} 无法识别：请写成 2025-12-31 这样的日期（可带时间）。")
        return (
            col(("source",), source, "信息来源"),
            col(("collect_channel", "channel"), channel, "收集渠道"),
            when,
        )

    # ------------------------------------------------------------------ raw records
    def import_records(
        self,
        df: pd.DataFrame,
        source: str | None = None,
        channel: str | None = None,
        collected_at: Any = None,
        progress: Callable[[int, int], None] | None = None,
        chunk_size: int = 5000,
    ) -> ImportResult:
        """Store raw records exactly as received, in ONE transaction (all or nothing).

        Columns named like :data:`~crmlab.infobase.schema.RAW_FIELDS` go to their own
        columns (as text); any other column is kept in ``extra`` (JSON).  ``source``,
        ``channel`` and ``collected_at`` give the provenance; per-row columns
        ``source`` / ``collect_channel`` / ``collected_at`` in ``df`` take precedence.
        ``progress(done, total)`` is called inside the transaction after each chunk.
        """
        if not isinstance(df, pd.DataFrame):
            raise CRMDataError("import_records 需要一个 DataFrame（表格）。")
        if len(df) == 0:
            raise CRMDataError("要导入的表是空的：没有任何记录。")
        known = [c for c in _schema.RAW_FIELDS if c in df.columns]
        if not known:
            raise CRMDataError(
                f"表中没有可识别的客户信息列（需要 {', '.join(_schema.RAW_FIELDS)} 中的至少一列）。"
            )
        src, chan, when = self._provenance(df, source, channel, collected_at)
        checks = _codes.validate_frame(df)
        rows = _raw_record_rows(df, checks, src, chan, when)
        n = len(df)
        placeholders = ", ".join(["?"] * (len(_schema.RAW_FIELDS) + 8))
        sql = (
            f"INSERT INTO raw_records (batch_id, {', '.join(_schema.RAW_FIELDS)}, extra, source,"
            f" collect_channel, collected_at, phone_ok, email_ok, id_number_ok) VALUES ({placeholders})"
        )
        with self._transaction() as conn:
            batch = self._new_batch("raw_records", source or src[0], channel or chan[0], collected_at, n)
            for start in range(0, n, chunk_size):
                part = rows[start : start + chunk_size]
                conn.executemany(sql, [(batch, *r) for r in part])
                if progress is not None:
                    progress(min(start + chunk_size, n), n)
        return ImportResult(batch, n, "raw_records", report=_accuracy_report(df, checks))

    def raw_records(self, batch_id: int | None = None, role: str = "管理员", user: str = "未署名") -> pd.DataFrame:
        """The raw records as ``role`` may see them (masked; reads in clear are audited)."""
        _security.check_role(role)
        if batch_id is None:
            df = self._query("SELECT * FROM raw_records ORDER BY raw_id")
        else:
            df = self._query("SELECT * FROM raw_records WHERE batch_id = ? ORDER BY raw_id", (int(batch_id),))
        return self._shown(df, "raw_records", role, user, "查看原始记录")

    # ------------------------------------------------------------------ customers
    @_locked
    def import_customers(
        self,
        df: pd.DataFrame,
        source: str | None = None,
        channel: str | None = None,
        collected_at: Any = None,
        strict: bool = False,
        links: list[list[int]] | None = None,
    ) -> ImportResult:
        """Validate, code and insert customers in ONE transaction.

        ``df`` needs ``name``; optional columns are those of
        :data:`~crmlab.infobase.schema.CUSTOMER_FIELDS`.  Each customer gets a code by
        the documented rule (:mod:`crmlab.infobase.codes`); ``customer_id`` defaults to
        the code.  With ``strict=True`` any invalid phone / e-mail / ID stops the whole
        import with a message listing the rows; otherwise invalid values are kept and
        reported in ``result.report``.  ``links[i]`` lists raw record ids that row i
        came from (written to ``customer_raw_links``).

        Speed: validation and coding are numpy operations over whole columns
        (:func:`crmlab.infobase.codes.validate_frame`), and the rows go to SQLite
        in one ``executemany`` inside one transaction (default ``synchronous``,
        so a committed import survives a crash).  See
        ``tests/benchmarks/bench_infobase.py``.
        """
        names, types = _checked_names_and_types(df)
        checks = _codes.validate_frame(df)
        if strict:
            _raise_if_invalid(df, checks)
        src, chan, when = self._provenance(df, source, channel, collected_at)
        n = len(df)
        regions = df["region"] if "region" in df.columns else pd.Series([None] * n, index=df.index)
        given_ids = _column_as_sql(df["customer_id"]) if "customer_id" in df.columns else [None] * n

        def col(name, kind="text"):
            return _column_as_sql(df[name], kind) if name in df.columns else [None] * n

        phone, valid_to = _phones(df), _id_valid_to(df, when)
        consent = _consent_column(df["consent_marketing"]) if "consent_marketing" in df.columns else [0] * n
        status = _statuses(df)
        rows = list(
            zip(
                types.to_numpy(dtype=object).tolist(),
                names.to_numpy(dtype=object).tolist(),
                col("gender"),
                col("birth_date"),
                phone,
                col("email"),
                col("id_number"),
                valid_to,
                col("address"),
                col("city"),
                regions.astype(object).where(regions.notna(), None).tolist(),
                col("company"),
                status,
                consent,
                src,
                chan,
                when,
                [self.now()] * n,
            )
        )
        batch, ids = self._insert_customers(rows, (types, regions, given_ids), links, source or src[0],
                                            channel or chan[0], collected_at)
        return ImportResult(batch, n, "customers", customer_ids=list(ids), report=_accuracy_report(df, checks))

    def _insert_customers(self, rows: list[tuple], coding: tuple, links: list[list[int]] | None, source: str,
                          channel: str, collected_at: Any) -> tuple[int, list]:
        """Insert prepared customer rows (and raw-record links) in one transaction: (batch id, customer ids).

        The sequence numbers (and so the codes and default ids) are allocated *inside*
        the write transaction (``BEGIN IMMEDIATE`` holds the file's write lock), so two
        programs adding customers to one file at the same time never pick the same number.
        """
        types, regions, given_ids = coding
        sql = (
            "INSERT INTO customers (customer_id, code, seq, customer_type, name, gender, birth_date, phone,"
            " email, id_number, id_valid_to, address, city, region, company, status, consent_marketing,"
            " source, collect_channel, collected_at, updated_at)"
            " VALUES (" + ", ".join(["?"] * 21) + ")"
        )
        try:
            with self._transaction() as conn:
                start = int(conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM customers").fetchone()[0])
                code_list = _codes.make_customer_codes(types, regions, start=start).tolist()
                ids = [c if v is None else v for v, c in zip(given_ids, code_list)]
                batch = self._new_batch("customers", source, channel, collected_at, len(rows))
                conn.executemany(sql, [(i, c, start + k, *r) for k, (i, c, r) in enumerate(zip(ids, code_list, rows))])
                if links is not None:
                    conn.executemany(
                        "INSERT INTO customer_raw_links (customer_id, raw_id) VALUES (?, ?)",
                        [(cid, int(r)) for cid, rs in zip(ids, links) for r in rs],
                    )
        except sqlite3.IntegrityError as exc:
            raise self._integrity_error(exc, given_ids) from exc
        return batch, ids

    def _integrity_error(self, exc: sqlite3.IntegrityError, given_ids: list) -> CRMDataError:
        """A true Chinese message for a failed customer insert (nothing was written)."""
        text = str(exc)
        if "customers.customer_id" in text:
            given = [v for v in given_ids if v is not None]
            dup_in_table = sorted({v for v in given if given.count(v) > 1})[:5]
            with self._lock:
                taken = [v for v in dict.fromkeys(given)
                         if self._conn.execute("SELECT 1 FROM customers WHERE customer_id = ?", (v,)).fetchone()][:5]
            what = (f"客户编号 {taken} 在信息库中已经存在" if taken else
                    f"客户编号 {dup_in_table} 在要导入的表中出现了不止一次" if dup_in_table else "客户编号重复")
            return CRMDataError(f"导入失败，没有写入任何记录：{what}。请检查 customer_id 列（每位客户的编号必须唯一）。")
        if "customer_raw_links" in text or "FOREIGN KEY" in text:
            return CRMDataError(f"导入失败，没有写入任何记录：客户与原始记录的对应关系无效（{text}）。")
        return CRMDataError(f"导入失败，没有写入任何记录：数据违反了信息库的约束（{text}）。")

    def add_customer(
        self,
        record: dict,
        source: str,
        channel: str,
        collected_at: Any = None,
        consent_marketing: bool = False,
    ) -> str:
        """Enter one customer (the data-card form); validates strictly; returns the customer id."""
        _require_text(source, "信息来源")
        _require_text(channel, "收集渠道")
        if not isinstance(record, dict):
            raise CRMDataError("客户信息应是一个字典，例如 {'name': '张三', 'phone': '13812345678'}。")
        rec = {k: (v.strip() if isinstance(v, str) else v) for k, v in record.items()}
        rec = {k: (None if v == "" else v) for k, v in rec.items()}
        unknown = set(rec) - set(_schema.CUSTOMER_FIELDS)
        if unknown:
            raise CRMDataError(f"未知的字段 {sorted(unknown)}。可用字段：{', '.join(_schema.CUSTOMER_FIELDS)}。")
        if not rec.get("name"):
            raise CRMDataError("请填写姓名/名称。")
        for f, ok, label in (
            ("phone", _codes.validate_mobile, "手机号应是 11 位、以 1 开头的号码，例如 13812345678"),
            ("email", _codes.validate_email, "电子邮箱格式应类似 name@example.com"),
            ("id_number", _codes.validate_id_number, "身份证号应为 18 位，且最后一位校验码要正确"),
        ):
            if rec.get(f) is not None and not ok(rec[f]):
                raise CRMDataError(f"{_codes.FIELD_LABELS[f]}“{rec[f]}”无效：{label}。")
        if rec.get("birth_date") is not None:
            rec["birth_date"] = _day(rec["birth_date"], "出生日期").strftime("%Y-%m-%d")
        if rec.get("id_number") and not rec.get("birth_date"):
            rec["birth_date"] = _codes.birth_date_from_id(rec["id_number"]).strftime("%Y-%m-%d")
        rec["consent_marketing"] = bool(consent_marketing)
        when = collected_at if collected_at is not None else self.now()
        result = self.import_customers(pd.DataFrame([rec]), source=source, channel=channel, collected_at=when, strict=True)
        return result.customer_ids[0]

    def customer(self, customer_id: str, role: str = "管理员", user: str = "未署名") -> dict:
        """Current values of one customer as ``role`` may see them; a read in clear is audited."""
        _security.check_role(role)
        df = self._customer_frame(customer_id)
        return self._shown(df, "customers", role, user, "查看客户").iloc[0].to_dict()

    def _customer_frame(self, customer_id: str) -> pd.DataFrame:
        """The customer's row (internal, unmasked, not audited); a Chinese error when there is none."""
        df = self._query("SELECT * FROM customers WHERE customer_id = ?", (str(customer_id),))
        if df.empty:
            raise CRMDataError(f"信息库中没有客户“{str(customer_id)[:40]}”。请检查客户编号。")
        return df

    # ------------------------------------------------------------------ other tables
    def import_table(
        self,
        df: pd.DataFrame,
        table: str,
        source: str | None = None,
        channel: str | None = None,
        collected_at: Any = None,
    ) -> ImportResult:
        """Import orders, interactions, survey answers, companies or contacts (one transaction).

        A wide survey table (one column per item) is stored in long form
        (``customer_id, survey_date, item, value``).
        """
        if table not in _schema.DATA_TABLES:
            raise CRMDataError(f"不能导入到表“{table}”。可用的表：{'、'.join(_schema.DATA_TABLES)}。")
        if not isinstance(df, pd.DataFrame) or len(df) == 0:
            raise CRMDataError(f"要导入 {table} 的表是空的。")
        if "customer_id" not in df.columns:
            raise CRMDataError(f"导入 {table} 需要 customer_id 列。")
        if table == "survey_answers" and "item" not in df.columns:
            id_cols = [c for c in ("customer_id", "survey_date", "source", "collect_channel", "collected_at") if c in df.columns]
            items = [c for c in df.columns if c not in id_cols and pd.api.types.is_numeric_dtype(df[c])]
            df = df.melt(id_vars=id_cols, value_vars=items, var_name="item", value_name="value")
        columns = [c for c in _schema.DATA_TABLES[table] if c in df.columns]
        src, chan, when = self._provenance(df, source, channel, collected_at)
        num = {"quantity", "amount", "cost", "gross_profit", "service_cost", "value", "years_in_business", "annual_revenue", "credit_limit"}
        for c in columns:
            if c in num:
                given = df[c].notna().to_numpy()
                bad = given & pd.to_numeric(df[c], errors="coerce").isna().to_numpy()
                if bad.any():
                    rows = (np.flatnonzero(bad)[:5] + 1).tolist()
                    raise CRMDataError(
                        f"导入 {table} 失败，没有写入任何记录：{c} 列第 {rows} 行不是数字（例如“{df[c].iloc[rows[0] - 1]}”）。"
                        "请先去掉“¥”、千分位逗号等符号。"
                    )
        data = [_column_as_sql(df[c], "num" if c in num else ("int" if c == "resolved" else "text")) for c in columns]
        rows = list(zip(*data, src, chan, when))
        all_cols = columns + list(_schema.PROVENANCE)
        sql = f"INSERT INTO {table} ({', '.join(all_cols)}) VALUES ({', '.join(['?'] * len(all_cols))})"
        try:
            with self._transaction() as conn:
                batch = self._new_batch(table, source or src[0], channel or chan[0], collected_at, len(rows))
                conn.executemany(sql, rows)
        except sqlite3.IntegrityError as exc:
            raise CRMDataError(f"导入 {table} 失败，没有写入任何记录：{exc}（可能是编号重复）。") from exc
        return ImportResult(batch, len(rows), table)

    # ------------------------------------------------------------------ updating
    @_locked
    def update_customer(
        self,
        customer_id: str,
        changes: dict,
        source: str,
        at: Any = None,
        reason: str | None = None,
    ) -> pd.DataFrame:
        """Change fields of a customer; each change is logged and the old value retired.

        Returns the logged changes (field, old_value, new_value, source, changed_at).
        A value set to ``None`` is retired without replacement (e.g. a dropped phone).
        """
        _require_text(source, "信息来源")
        if not changes:
            raise CRMDataError("没有要修改的字段。")
        bad = [f for f in changes if f not in _schema.UPDATABLE]
        if bad:
            raise CRMDataError(f"字段 {bad} 不能修改。可修改的字段：{', '.join(_schema.UPDATABLE)}。")
        current = self._customer_frame(customer_id).iloc[0].to_dict()
        at = _iso(at) if at is not None else self.now()
        logged = []
        for f, new in changes.items():
            new = _checked_new_value(f, new)
            old = _iso(current[f]) if f != "consent_marketing" else str(int(current[f]))
            if old != new:
                logged.append((f, old, new))
        if not logged:
            return pd.DataFrame(columns=["field", "old_value", "new_value", "source", "changed_at"])
        with self._transaction() as conn:
            for f, old, new in logged:
                self._log_change(conn, customer_id, current, f, old, new, source, at, reason)
        return pd.DataFrame(
            [(f, o, n, source, at) for f, o, n in logged],
            columns=["field", "old_value", "new_value", "source", "changed_at"],
        )

    @staticmethod
    def _log_change(conn: sqlite3.Connection, customer_id: str, current: dict, f: str, old: str | None,
                    new: str | None, source: str, at: str, reason: str | None) -> None:
        """Write one change: the changes log, the retired old value (if any), the new current value."""
        prev = conn.execute(
            "SELECT MAX(changed_at) FROM changes WHERE customer_id = ? AND field = ?", (customer_id, f)
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO changes (customer_id, field, old_value, new_value, source, changed_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (customer_id, f, old, new, source, at),
        )
        if old is not None:
            conn.execute(
                "INSERT INTO retired_values (customer_id, field, value, source, valid_from, valid_to, reason)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (customer_id, f, old, current["source"] if prev is None else source, prev or current["collected_at"], at, reason or "被新值取代" if new is not None else reason or "已停用"),
            )
        value = int(new) if f == "consent_marketing" else new
        # f comes from the fixed list schema.UPDATABLE (checked by the caller); the value is a parameter
        conn.execute(
            f"UPDATE customers SET {f} = ?, updated_at = ? WHERE customer_id = ?", (value, at, customer_id)
        )

    def retire(self, customer_id: str, field: str, source: str, at: Any = None, reason: str = "已停用") -> pd.DataFrame:
        """Retire a stale value (dropped phone, old address): it moves to ``retired_values``."""
        return self.update_customer(customer_id, {field: None}, source=source, at=at, reason=reason)

    def history(self, customer_id: str | None = None, role: str = "管理员", user: str = "未署名") -> pd.DataFrame:
        """Change log: old value, new value, source and time of every change (values masked by role)."""
        _security.check_role(role)
        if customer_id is None:
            df = self._query("SELECT * FROM changes ORDER BY change_id")
        else:
            df = self._query("SELECT * FROM changes WHERE customer_id = ? ORDER BY change_id", (str(customer_id),))
        return self._shown(df, "changes", role, user, "查看修改记录")

    def retired(self, customer_id: str | None = None, role: str = "管理员", user: str = "未署名") -> pd.DataFrame:
        """Retired (stale) values with the period they were valid (valid_from .. valid_to), masked by role."""
        _security.check_role(role)
        if customer_id is None:
            df = self._query("SELECT * FROM retired_values ORDER BY retired_id")
        else:
            df = self._query("SELECT * FROM retired_values WHERE customer_id = ? ORDER BY retired_id", (str(customer_id),))
        return self._shown(df, "retired_values", role, user, "查看停用信息")

    def expiring_ids(self, today: Any = COURSE_TODAY, within_days: int = 90, role: str = "管理员",
                     user: str = "未署名") -> pd.DataFrame:
        """Customers whose ID card expires within ``within_days`` (or has expired); masked by role, audited."""
        _security.check_role(role)
        if isinstance(within_days, (bool, np.bool_)) or not isinstance(within_days, (int, np.integer)) or within_days < 0:
            raise CRMDataError("提前提醒的天数必须是不小于 0 的整数。")
        t = _day(today, "今天的日期")
        end = (t + pd.Timedelta(days=int(within_days))).strftime("%Y-%m-%d")
        df = self._query(
            "SELECT customer_id, name, phone, id_valid_to FROM customers"
            " WHERE id_valid_to IS NOT NULL AND id_valid_to <= ? ORDER BY id_valid_to",
            (end,),
        )
        days = (pd.to_datetime(df["id_valid_to"]) - t).dt.days
        df["days_left"] = days
        df["提醒"] = np.where(days < 0, "已过期", "即将到期")
        return self._shown(df, "expiring_ids", role, user, "查看证件到期提醒")

    @_locked
    def refresh_status(self, today: Any = COURSE_TODAY, lost_after_days: int = 365) -> pd.Series:
        """Set 潜在/现实/流失 from the orders table; changes are logged. Returns counts per status."""
        if isinstance(lost_after_days, (bool, np.bool_)) or not isinstance(lost_after_days, (int, np.integer)) or lost_after_days < 0:
            raise CRMDataError("判定流失的天数必须是不小于 0 的整数，例如 365。")
        t = _day(today, "今天的日期").strftime("%Y-%m-%d")
        last = self._query("SELECT customer_id, MAX(order_date) AS last_order FROM orders GROUP BY customer_id")
        cust = self._query("SELECT customer_id, status FROM customers")
        m = cust.merge(last, on="customer_id", how="left")
        gap = (pd.Timestamp(t) - pd.to_datetime(m["last_order"])).dt.days
        new = np.where(m["last_order"].isna(), "潜在", np.where(gap > lost_after_days, "流失", "现实"))
        changed = m[new != m["status"]].assign(new=new[new != m["status"]])
        now = self.now()
        with self._transaction() as conn:
            conn.executemany(
                "INSERT INTO changes (customer_id, field, old_value, new_value, source, changed_at) VALUES (?, 'status', ?, ?, ?, ?)",
                [(r.customer_id, r.status, r.new, "系统规则（按订单）", now) for r in changed.itertuples()],
            )
            conn.executemany(
                "UPDATE customers SET status = ?, updated_at = ? WHERE customer_id = ?",
                [(r.new, now, r.customer_id) for r in changed.itertuples()],
            )
        return pd.Series(new).value_counts().reindex(list(STATUSES), fill_value=0).rename("客户数")

    # ------------------------------------------------------------------ security
    def read_customers(
        self,
        role: str,
        user: str = "未署名",
        customer_ids: Iterable[str] | None = None,
        status: str | None = None,
        limit: int | None = None,
    ) -> pd.DataFrame:
        """Customers as ``role`` may see them (masked where needed).

        Every read that returns unmasked personal fields is written to ``audit_log``.
        ``limit``: only the first ``limit`` customers (in list order) are read, shown and audited
        (a page of the list: the other customers are not read).
        """
        _security.check_role(role)
        user = _security.check_user(user)
        sql, params = "SELECT * FROM customers", []
        where = []
        if customer_ids is not None:
            ids = [str(c) for c in customer_ids]
            if not ids:
                return _security.apply_role(self._query("SELECT * FROM customers WHERE 0"), role)[0]
            where.append(f"customer_id IN ({', '.join(['?'] * len(ids))})")
            params += ids
        if status is not None:
            if status not in STATUSES:
                raise CRMDataError(f"客户状态只能是 {'、'.join(STATUSES)}。")
            where.append("status = ?")
            params.append(status)
        if where:
            sql += " WHERE " + " AND ".join(where)
        if limit is not None:
            if isinstance(limit, bool) or not isinstance(limit, (int, np.integer)) or limit < 0:
                raise CRMDataError(f"limit（最多读几位客户）应是 0 或正整数，现在是 {limit!r}。")
            sql += " ORDER BY seq LIMIT ?"
            params.append(int(limit))
        else:
            sql += " ORDER BY seq"
        df = self._query(sql, params)
        view, unmasked = _security.apply_role(df, role)
        if unmasked and len(view):
            self._audit(user, role, "查看未脱敏信息", unmasked, df["customer_id"].tolist())
        return view

    def _audit(self, user: str, role: str, action: str, fields: list[str], ids: list[str], n_rows: int | None = None) -> None:
        """Append one row to the audit log (the table's triggers forbid changing or deleting rows)."""
        ids = list(dict.fromkeys(ids))
        row = (self.now(), user, role, action, ",".join(fields), len(ids) if n_rows is None else n_rows,
               ",".join(ids[:50]) + (",…" if len(ids) > 50 else ""))
        try:
            with self._lock:
                self._conn.execute(
                    "INSERT INTO audit_log (at, user, role, action, fields, n_rows, customer_ids) VALUES (?, ?, ?, ?, ?, ?, ?)", row)
        except sqlite3.OperationalError as exc:  # locked too long, read-only file: no unaudited read
            raise CRMDataError(f"无法写入审计日志（{exc}），因此没有显示这些个人信息。请稍后再试。") from exc

    def audit_log(self) -> pd.DataFrame:
        """Who read which personal data in clear, when and as which role (append-only)."""
        return self._query("SELECT * FROM audit_log ORDER BY audit_id")

    # ------------------------------------------------------------------ forms
    def registration_card(self, customer_id: str, role: str = "销售", user: str = "未署名") -> pd.Series:
        """客户登记卡: one customer's basic information, field by field (masked by role)."""
        view = self.read_customers(role, user, customer_ids=[customer_id])
        if view.empty:
            raise CRMDataError(f"信息库中没有客户“{customer_id}”。请检查客户编号。")
        card = view.iloc[0].astype(object)
        if "consent_marketing" in card.index:
            card["consent_marketing"] = "是" if card["consent_marketing"] in (1, True, "1") else "否"
        card = card.map(lambda v: "—" if v is None or (isinstance(v, float) and np.isnan(v)) or v == "" else v)
        card.index = [FIELD_LABELS.get(c, c) for c in card.index]
        return card.rename(f"客户登记卡 {customer_id}")

    def customer_list(self, role: str = "销售", user: str = "未署名") -> pd.DataFrame:
        """客户一览表: one line per customer with the key fields of the registration card."""
        view = self.read_customers(role, user)
        cols = [c for c in ("customer_id", "name", "customer_type", "city", "address", "phone", "status") if c in view.columns]
        return view[cols].rename(columns=FIELD_LABELS)

    def data_cards(self, status: str, role: str = "销售", user: str = "未署名", today: Any = COURSE_TODAY) -> pd.DataFrame:
        """客户资料卡 by status.

        * 潜在: basic information, source, consent;
        * 现实: basic + transaction information (orders, amount, last order, favourite category);
        * 流失: basic + last order, days since it, complaints and returns.
        """
        view = self.read_customers(role, user, status=status)
        base_cols = [c for c in ("customer_id", "name", "customer_type", "city", "phone", "source", "consent_marketing") if c in view.columns]
        view = view[base_cols]
        if status == "潜在":
            return view.rename(columns=FIELD_LABELS)
        orders = self._query(
            "SELECT customer_id, COUNT(*) AS 订单数, SUM(amount) AS 累计金额, MAX(order_date) AS 最近下单 FROM orders GROUP BY customer_id"
        )
        out = view.merge(orders, on="customer_id", how="left")
        if status == "现实":
            fav = self._query("SELECT customer_id, category, SUM(amount) AS a FROM orders GROUP BY customer_id, category")
            if not fav.empty:
                fav = fav.sort_values(["customer_id", "a"], ascending=[True, False]).drop_duplicates("customer_id")
                out = out.merge(fav[["customer_id", "category"]].rename(columns={"category": "常购品类"}), on="customer_id", how="left")
        else:
            out["距最近下单天数"] = (pd.Timestamp(today) - pd.to_datetime(out["最近下单"])).dt.days
            inter = self._query(
                "SELECT customer_id, SUM(type = '投诉') AS 投诉次数, SUM(type = '退货') AS 退货次数 FROM interactions GROUP BY customer_id"
            )
            out = out.merge(inter, on="customer_id", how="left")
            out[["投诉次数", "退货次数"]] = out[["投诉次数", "退货次数"]].fillna(0).astype(int)
        return out.rename(columns=FIELD_LABELS)

    # ------------------------------------------------------------------ screening
    def screen(self, trust: dict | None = None, collected_at: Any = None, user: str = "未署名"):
        """Merge ``raw_records`` into one customer per person and store them.

        Runs :func:`crmlab.infobase.screening.screen` on all raw records not yet linked
        to a customer, then inserts the merged customers (coded, with links back to
        their raw records) in one transaction.  Returns the
        :class:`~crmlab.infobase.screening.ScreeningResult`, whose merged table holds
        personal data in clear: screening is the administrator's work, and the run is
        written to the audit log (role 管理员).
        """
        user = _security.check_user(user)
        from crmlab.infobase import screening

        raw = self._query(
            "SELECT r.* FROM raw_records r LEFT JOIN customer_raw_links l ON l.raw_id = r.raw_id"
            " WHERE l.raw_id IS NULL ORDER BY r.raw_id"
        )
        if raw.empty:
            raise CRMDataError("没有待筛选的原始记录：请先用 import_records 导入。")
        result = screening.screen(raw, trust=trust, id_column="raw_id")
        merged = result.merged.copy()
        link_lists = [list(v) for v in merged.pop("members")]
        merged["customer_type"] = "个人"
        self.import_customers(
            merged.drop(columns=[c for c in ("person", "n_records") if c in merged.columns]),
            source="信息筛选（合并）",
            channel="内部整理",
            collected_at=collected_at if collected_at is not None else self.now(),
            links=link_lists,
        )
        shown = [f for f in _security.PERSONAL_FIELDS if f in result.merged.columns]
        self._audit(user, "管理员", "信息筛选（合并后的客户）", shown, [], n_rows=len(result.merged))
        return result

    # ------------------------------------------------------------------ backup
    def backup(self, path: str | Path, overwrite: bool = False) -> Path:
        """Copy the whole base to ``path`` with SQLite's online backup API, then verify it.

        Refuses the base itself (by file identity: relative paths, symbolic and hard
        links are recognised), folders, an existing file unless ``overwrite=True``, and
        any existing file that is not an SQLite database.  The copy goes to a temporary
        file that replaces ``path`` only after its integrity check; when the base stays
        locked by another program for :data:`BUSY_TIMEOUT` seconds the backup stops
        with a message instead of waiting for ever.
        """
        target = Path(path).expanduser()
        _files.check_backup_target(target, self._file_id(), bool(overwrite))
        with self._lock:
            _files.write_backup(self._conn, target, BUSY_TIMEOUT)
        return target

    def _file_id(self) -> tuple[int, int] | None:
        """(device, inode) of the base's file, None for an in-memory base."""
        if self.path in ("", ":memory:") or self.path.startswith("file:"):
            return None
        return self._opened_id or _files.file_id(self.path)

    def restore(self, path: str | Path) -> str:
        """Replace the content of this base with the backup at ``path`` (verified before and after).

        Refuses folders, the base itself, files that are not SQLite databases, and any
        backup whose schema -- tables, indexes and triggers, as listed in
        ``sqlite_master`` -- differs from this base's (for example one whose protective
        triggers were dropped).
        """
        path = Path(path).expanduser()
        src = _files.open_backup(path, self._file_id())
        try:
            try:
                check = _files.integrity(src)
                got = _files.schema_of(src)
            except sqlite3.DatabaseError as exc:
                raise CRMDataError(f"备份文件 {path.name} 已损坏或不是信息库文件（{exc}），没有做任何恢复。") from exc
            if check != "ok":
                raise CRMDataError(f"备份文件 {path.name} 完整性检查未通过：{check}。没有做任何恢复。")
            with self._lock:
                diff = _files.schema_difference(_files.schema_of(self._conn), got)
                if diff:
                    raise CRMDataError(
                        f"备份文件 {path.name} 不是本信息库的备份：结构与本信息库不同（{diff}），没有做任何恢复。"
                        "请选择用 backup() 生成的备份文件。"
                    )
                _files.copy_database(src, self._conn, BUSY_TIMEOUT, "恢复")
        finally:
            src.close()
        result = self.integrity_check()
        if result != "ok":
            raise CRMDataError(f"恢复后完整性检查未通过：{result}。")
        return result


__all__ = ["COURSE_TODAY", "FIELD_LABELS", "STATUSES", "ImportResult", "InfoBase", "estimate_id_valid_to", "estimate_id_valid_to_series"]
