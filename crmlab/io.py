"""Reading learners' own files: messy CSV / Excel exports to canonical frames.

Students and teachers bring exports from cash registers, online shops, CRM
systems and hand-made Excel sheets.  :func:`read_transactions` and
:func:`read_customers` turn such a file into the canonical frames used by the
rest of crmlab, and fail with a :class:`crmlab.CRMDataError` whose Simplified
Chinese message names the file, the column, the rows (as numbered in Excel) and
how to fix the problem.

Accepted sources (``src``)
    * a path (``str`` or :class:`pathlib.Path`) to ``.csv`` / ``.txt`` / ``.tsv``
      or ``.xlsx`` / ``.xlsm`` (old binary ``.xls`` only if ``xlrd`` is installed);
    * ``bytes`` (or a binary file object) plus ``filename=`` -- e.g. the content of
      an ``ipywidgets.FileUpload``; an upload item (the ``dict`` with ``"name"``
      and ``"content"`` keys, or the one-element ``upload.value`` tuple) is also
      accepted directly;
    * a text file object, or a ``str`` holding CSV text (it must contain a line
      break, otherwise it is taken as a path);
    * a :class:`pandas.DataFrame` (row numbers in messages are then index labels).

Text files: the encoding is detected by trying UTF-8 (with or without BOM),
UTF-16 (with BOM, Excel's "Unicode text") and GB18030 (a superset of GBK and
GB2312, what Excel on Chinese Windows writes); the separator (comma, tab,
semicolon or ``|``) is sniffed.  Title and preamble lines above the header
("2024年销售明细", the 16 lines of a WeChat Pay bill) are skipped when a later line
looks like the header; a two-row header (group labels such as 订单信息 merged over
the real column names) is combined into one; summary lines below the data (合计,
"共3笔记录", "-----") are dropped.  Column names are stripped
of spaces, full-width spaces and the BOM, and matched to canonical names through
Chinese/English aliases, ignoring case, spaces, ``_``/``-`` and a trailing unit
such as ``（元）``.  ``columns={"我的列": "amount"}`` maps a column explicitly
(explicit mappings win over aliases).

Values: amounts like ``¥1,200.00``, ``￥1,200``, ``1.2万``, `` 300 ``,
``1,200元``, full-width ``１２００``; refunds written ``-300`` or ``(300)`` are
kept **negative**.  Cells written ``="0012345"`` or with a leading tab (how shops
keep long numbers as text in Excel) are unwrapped.  Dates like ``2024-01-05``, ``2024/1/5``, ``2024年1月5日``,
``20240105``, ``2024.1.5``, ``2024-01-05 13:45:00``, ``2024/1/5 下午 1:45``, Excel serial numbers
(``45296``, 10000-99999) and real Excel date cells.  ``05/01/2024`` style dates
are read only when the column itself shows the order (a day above 12), or when
``dayfirst=`` is given; otherwise they are reported, never guessed.

Fully empty rows are dropped.  Any other row with a value that cannot be read
(or a missing required value) makes the reader raise, listing the rows; with
``errors="drop"`` those rows are dropped instead and described in
``df.attrs["crmlab_dropped"]`` (columns ``row``, ``column``, ``value``,
``reason``; only set when something was dropped -- use :func:`dropped_rows`).

Note: pandas compares ``attrs`` when concatenating, so ``pd.concat`` of two
frames that *both* carry a ``crmlab_dropped`` table fails; clear it first with
``df.attrs.pop("crmlab_dropped", None)``.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError

__all__ = [
    "CUSTOMER_ALIASES",
    "TRANSACTION_ALIASES",
    "dropped_rows",
    "parse_amounts",
    "parse_dates",
    "read_customers",
    "read_table",
    "read_transactions",
]

# ---------------------------------------------------------------------------
# Column aliases
# ---------------------------------------------------------------------------

_CUSTOMER_ID_ALIASES = (
    "customer_id", "客户编号", "客户ID", "客户号", "客户代码", "客户编码", "客户账号",
    "会员号", "会员编号", "会员ID", "会员卡号", "会员代码", "用户ID", "用户编号", "用户号",
    "顾客编号", "顾客ID", "顾客号", "买家会员名", "买家昵称", "买家账号", "买家ID", "下单账号", "下单帐号",
    "CustomerID", "Customer ID", "Customer No", "Cust ID", "Client ID", "Member ID", "User ID",
)

TRANSACTION_ALIASES: dict[str, tuple[str, ...]] = {
    "customer_id": _CUSTOMER_ID_ALIASES,
    "order_id": (
        "order_id", "订单号", "订单编号", "订单ID", "订单代码", "单号", "单据号", "单据编号",
        "交易号", "交易编号", "交易单号", "流水号", "小票号", "发票号", "InvoiceNo",
        "Invoice", "Invoice No", "Invoice ID", "Order ID", "Order No", "Order Number",
        "Transaction ID",
    ),
    "order_date": (
        "order_date", "日期", "下单时间", "下单日期", "消费日期", "消费时间", "交易日期",
        "交易时间", "购买日期", "购买时间", "订单日期", "订单时间", "成交日期", "成交时间",
        "付款日期", "付款时间", "支付时间", "订单付款时间", "销售日期", "InvoiceDate", "Invoice Date", "date",
        "Order Date", "Purchase Date", "Transaction Date",
    ),
    "amount": (
        "amount", "金额", "消费金额", "实付金额", "订单金额", "销售额", "销售金额", "交易金额",
        "支付金额", "付款金额", "实收金额", "实付", "实付款", "买家实际支付金额", "总金额", "成交金额", "消费额", "合计",
        "sales", "revenue", "total", "Total Amount", "Order Amount",
    ),
    "quantity": ("quantity", "数量", "购买数量", "件数", "销量", "销售数量", "订购数量", "商品数量", "qty"),
    "unit_price": ("unit_price", "单价", "价格", "售价", "销售单价", "UnitPrice", "Unit Price", "price"),
    "category": ("category", "品类", "类别", "商品类别", "商品类型", "产品类别", "商品分类"),
    "product": ("product", "商品", "商品名称", "产品", "产品名称", "品名", "Description", "Product Name"),
    "channel": ("channel", "渠道", "销售渠道", "购买渠道", "下单渠道"),
}
"""Accepted column names for :func:`read_transactions` (canonical name first)."""

# Column names that only appear in one platform's export, next to other aliases of the
# same target (Taobao: 总金额 is before discounts, 买家实际支付金额 is what was paid):
# when one of several matching columns has such a name, it is taken without asking.
_PLATFORM_PREFERRED: dict[str, tuple[str, ...]] = {"amount": ("买家实际支付金额",)}

CUSTOMER_ALIASES: dict[str, tuple[str, ...]] = {
    "customer_id": _CUSTOMER_ID_ALIASES,
    "customer_type": ("customer_type", "客户类型", "客户类别", "Customer Type"),
    "name": (
        "name", "姓名", "名字", "客户姓名", "客户名称", "会员姓名", "顾客姓名", "用户姓名", "名称",
        "Customer Name", "Full Name",
    ),
    "gender": ("gender", "性别", "sex"),
    "birth_date": ("birth_date", "出生日期", "生日", "出生年月日", "Birthday", "Birth Date", "DOB", "Date of Birth"),
    "age": ("age", "年龄"),
    "city": ("city", "城市", "所在城市", "所在地"),
    "city_tier": ("city_tier", "城市等级", "城市级别", "城市线级"),
    "province": ("province", "省份", "省", "所在省份"),
    "region": ("region", "地区", "区域", "大区", "所属区域", "所在地区", "area"),
    "address": ("address", "地址", "详细地址", "联系地址", "通讯地址", "收货地址"),
    "acquisition_channel": ("acquisition_channel", "获客渠道", "来源渠道", "渠道", "注册渠道", "channel"),
    "source": ("source", "来源", "数据来源", "客户来源"),
    "signup_date": (
        "signup_date", "注册日期", "注册时间", "入会日期", "入会时间", "开户日期", "加入日期",
        "开卡日期", "Signup Date", "Register Date", "Registration Date", "Join Date",
    ),
    "phone": (
        "phone", "手机", "手机号", "手机号码", "电话", "联系电话", "电话号码", "移动电话", "联系方式",
        "mobile", "tel", "telephone", "Phone Number",
    ),
    "email": ("email", "邮箱", "电子邮箱", "电子邮件", "邮件", "E-mail", "mail"),
    "id_number": ("id_number", "身份证号", "身份证号码", "身份证", "证件号", "证件号码", "ID Card"),
    "consent_marketing": (
        "consent_marketing", "同意营销", "营销同意", "是否同意营销", "接受营销", "是否接受营销",
    ),
    "customer_role": ("customer_role", "客户角色", "Customer Role"),
    "targeted_date": ("targeted_date", "首次接触日期", "目标客户日期"),
    "company": ("company", "公司", "公司名称", "单位", "工作单位", "企业名称"),
}
"""Accepted column names for :func:`read_customers` (canonical name first)."""

_LABELS = {
    "customer_id": "客户编号", "order_id": "订单号", "order_date": "日期", "amount": "金额",
    "quantity": "数量", "unit_price": "单价", "category": "品类", "product": "商品",
    "channel": "渠道", "customer_type": "客户类型", "name": "姓名", "gender": "性别",
    "birth_date": "出生日期", "age": "年龄", "city": "城市", "city_tier": "城市等级",
    "province": "省份", "region": "地区", "address": "地址", "acquisition_channel": "获客渠道",
    "source": "来源", "signup_date": "注册日期", "phone": "手机", "email": "邮箱",
    "id_number": "身份证号", "consent_marketing": "同意营销", "customer_role": "客户角色",
    "targeted_date": "首次接触日期", "company": "公司",
}

_NA_TOKENS = frozenset(
    {"nan", "NaN", "NAN", "null", "NULL", "Null", "None", "none", "NA", "N/A", "n/a", "#N/A", "#NULL!", "NaT"}
)
_TEXT_EXT = {".csv", ".txt", ".tsv", ".tab", ""}
_XLSX_EXT = {".xlsx", ".xlsm"}
_XLS_EXT = {".xls"}
_MAX_ROWS_LISTED = 10


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------

_STR_DTYPE: Any = "str" if int(pd.__version__.split(".")[0]) >= 3 else object
# BOM, zero-width characters, no-break and ideographic (full-width) space; built with chr()
# so that no string literal holds glyphs a chart font cannot draw
_BOM = chr(0xFEFF)
_INVISIBLE = "".join(map(chr, (0xFEFF, 0x200B, 0x200C, 0x200D, 0x2060, 0x00A0, 0x3000)))


def _clean_name(name: Any) -> str:
    """Display form of a header cell: stripped of spaces, BOM, full-width spaces."""
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return ""
    if isinstance(name, float) and name.is_integer():
        name = int(name)
    text = str(name).replace(_BOM, "")
    return text.strip(" \t\r\n" + _INVISIBLE)


def _key(name: str) -> str:
    """Matching key of a column name: NFKC, lower case, no spaces/_/-/./unit suffix."""
    text = unicodedata.normalize("NFKC", name).strip().lower()
    text = re.sub(r"\s*[\(\[【].*?[\)\]】]\s*$", "", text)  # 金额（元）, amount (rmb)
    return re.sub(r"[\s_\-\.·/\\:：]+", "", text)


def _rows_text(rows: Iterable[Any], excel: bool) -> str:
    rows = list(rows)
    shown = "、".join(str(r) for r in rows[:_MAX_ROWS_LISTED])
    more = f" 等共 {len(rows)} 行" if len(rows) > _MAX_ROWS_LISTED else ""
    if excel:
        return f"第 {shown} 行{more}"
    return f"索引为 {shown} 的行{more}"


def _show_value(v: Any) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
        return "（空）"
    text = str(v)
    if not text.strip():
        return "（空）"
    return f"「{text if len(text) <= 30 else text[:30] + '…'}」"


def _split_kinds(s: pd.Series):
    """For an object column: masks of numbers, datetime-likes and strings."""
    vals = s.to_numpy(dtype=object)
    kind = pd.api.types.infer_dtype(vals, skipna=True)
    n = len(vals)
    if kind in ("string", "empty"):
        return vals, np.zeros(n, bool), np.zeros(n, bool)
    import datetime as _dt

    is_num = np.fromiter(
        (isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)) for v in vals),
        bool, n,
    )
    is_dt = np.fromiter(
        (isinstance(v, (_dt.date, np.datetime64)) and v is not pd.NaT for v in vals), bool, n
    )
    # float NaN counts as missing, not as a number
    is_nan = np.fromiter((isinstance(v, float) and v != v for v in vals), bool, n)
    is_num &= ~is_nan
    return vals, is_num, is_dt


_WS = " \t\r\n" + _INVISIBLE


def _has_edge_ws(joined: str) -> bool:
    """Does some value (in a NUL-joined string) start or end with whitespace?"""
    if not joined:
        return False
    if joined[0] in _WS or joined[-1] in _WS:
        return True
    if not any(c in joined for c in _WS):  # single-character scans are very fast
        return False
    return any(("\x00" + c) in joined or (c + "\x00") in joined for c in _WS)


def _joined(s: pd.Series) -> str:
    """All non-missing strings of ``s`` joined by NUL: one C-level scan finds rare patterns."""
    arr = s.to_numpy(dtype=object)
    return "\x00".join(arr[~s.isna().to_numpy(dtype=bool)].tolist())


def _has_empty(joined: str, n_present: int) -> bool:
    """Does some value (in a NUL-joined string of ``n_present`` values) equal ""?"""
    if n_present == 0:
        return False
    return joined == "" or joined[0] == "\x00" or joined[-1] == "\x00" or "\x00\x00" in joined


def _to_str_series(s: pd.Series) -> pd.Series:
    if isinstance(s.dtype, pd.StringDtype):
        return s
    vals = s.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(vals, skipna=True) not in ("string", "empty"):
        vals = np.array([v if (v is None or isinstance(v, str) or (isinstance(v, float) and v != v))
                         else str(v) for v in vals], dtype=object)
    return pd.Series(vals, index=s.index, dtype=_STR_DTYPE)


def _prepare_strings(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Stripped string values (NaN where missing) and the missing mask.

    Non-string elements are converted with ``str``.  Missing = NA, blank or an NA token.
    The slow per-element steps (strip, blank and token checks) run only when a
    single scan of the joined values shows they are needed.
    """
    st = _to_str_series(s)
    arr = st.to_numpy(dtype=object)
    na = st.isna().to_numpy(dtype=bool, copy=True)
    present = arr[~na].tolist()
    joined = "\x00".join(present)
    missing = na.copy()
    if '="' in joined:  # ="0012345": Excel formula some exporters (Taobao) use to keep text
        st = st.str.strip(_WS).str.replace(r'^="(.*)"$', r"\1", regex=True)
        arr = st.to_numpy(dtype=object)
        joined = "\x00".join(arr[~na].tolist())
    if _has_edge_ws(joined):
        st = st.str.strip(_WS)
        arr = st.to_numpy(dtype=object)
        missing |= arr == ""
    elif _has_empty(joined, len(present)):
        missing |= arr == ""
    if ("n" in joined or "N" in joined) and any(tok in joined for tok in _NA_TOKENS):
        missing |= st.isin(list(_NA_TOKENS)).to_numpy(dtype=bool)
    if (missing != na).any():
        st = st.mask(missing)
    return st, missing


# ---------------------------------------------------------------------------
# Value parsers (vectorised fast path, slow path only for values that failed)
# ---------------------------------------------------------------------------


@dataclass
class _Parsed:
    values: pd.Series
    missing: np.ndarray  # value absent (blank)
    bad: np.ndarray  # present but unreadable
    reason: str = ""
    hint: str = ""
    extra_hint: str = ""


_AMOUNT_HINT = (
    "金额只能是数字，例如 1200、1,200.00、¥1,200、1.2万；退款请写成负数（-300 或 (300)）。"
)
_DATE_HINT = (
    "日期请写成 2024-01-05、2024/1/5、2024年1月5日 或 20240105 这样的格式，"
    "也可以在 Excel 中把该列设置为「日期」格式。"
)
_AMBIGUOUS_HINT = (
    "像 03/04/2024 这样的日期无法确定是 3月4日 还是 4月3日：请改写成 2024-03-04，"
    "或传入 dayfirst=True（日/月/年）或 dayfirst=False（月/日/年）。"
)
_SCI_HINT = (
    "这些值被 Excel 显示成了科学计数法（如 4.40101E+17），后面的数字已经丢失：请在 Excel 中"
    "把这一列设置为「文本」格式，重新填入正确的值后再保存。"
)


def _number_slow(t: pd.Series) -> pd.Series:
    """Parse messy number strings (already stripped, non-missing); NaN where unreadable."""
    t = t.str.normalize("NFKC").str.replace(r"\s+", "", regex=True)
    t = t.str.replace("\u2212", "-", regex=False).str.replace("\u2014", "-", regex=False)
    paren = t.str.match(r"^\(.*\)$").fillna(False).to_numpy(dtype=bool)
    t = t.str.replace(r"^\((.*)\)$", r"\1", regex=True)
    t = t.str.replace(r"(?i)rmb|cny|人民币|[¥$元块]", "", regex=True)
    parts = t.str.extract(r"^(?P<num>.*?)(?P<unit>百万|千万|万|亿|千)?$")
    num = parts["num"].fillna("")
    unit = parts["unit"]
    has_comma = num.str.contains(",", regex=False).fillna(False).to_numpy(dtype=bool)
    good_comma = num.str.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?").fillna(False).to_numpy(dtype=bool)
    num = num.str.replace(",", "", regex=False)
    value = pd.to_numeric(num, errors="coerce").to_numpy(dtype=float, copy=True)
    value[has_comma & ~good_comma] = np.nan
    mult = unit.map({"千": 1e3, "万": 1e4, "百万": 1e6, "千万": 1e7, "亿": 1e8}).fillna(1.0).to_numpy(dtype=float)
    value = value * mult
    scaled = mult != 1.0
    value[scaled] = np.round(value[scaled], 6)
    neg_inside = paren & (value < 0)
    value[paren] = -value[paren]
    value[neg_inside] = np.nan  # "(-300)" is not a refund notation we can trust
    return pd.Series(value, index=t.index)


def _parse_number(s: pd.Series) -> _Parsed:
    """Vectorised number parser used for amounts, prices and quantities."""
    n = len(s)
    if pd.api.types.is_bool_dtype(s.dtype):
        return _Parsed(pd.Series(np.full(n, np.nan), index=s.index), np.zeros(n, bool), s.notna().to_numpy(bool),
                       "无法识别为数字", _AMOUNT_HINT)
    if pd.api.types.is_numeric_dtype(s.dtype):
        out = s.to_numpy(dtype=float, na_value=np.nan, copy=True)
        missing = np.isnan(out)
        bad = np.isinf(out)
        out[bad] = np.nan
        return _Parsed(pd.Series(out, index=s.index), missing, bad, "无法识别为数字", _AMOUNT_HINT)
    out = np.full(n, np.nan)
    done = np.zeros(n, bool)
    if s.dtype == object:
        vals, is_num, _ = _split_kinds(s)
        if is_num.any():
            out[is_num] = vals[is_num].astype(float)
            done |= is_num
            s = pd.Series(np.where(is_num, None, vals), index=s.index, dtype=object)
    st, missing = _prepare_strings(s)
    missing &= ~done
    todo = ~missing & ~done
    if todo.any():
        sub = st[todo]
        fast = pd.to_numeric(sub, errors="coerce").to_numpy(dtype=float, copy=True)
        failed = np.isnan(fast)
        if failed.any():
            fast[failed] = _number_slow(sub[failed]).to_numpy(dtype=float)
        out[todo] = fast
    bad = ~missing & ~np.isfinite(out)
    out[bad] = np.nan
    return _Parsed(pd.Series(out, index=s.index), missing, bad, "无法识别为数字", _AMOUNT_HINT)


_TS_MIN = pd.Timestamp("1678-01-01")
_TS_MAX = pd.Timestamp("2261-12-31")
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def _ns(values: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """datetime64[ns] array; NaT for values outside the ns range."""
    s = pd.Series(values)
    if getattr(s.dt, "tz", None) is not None:
        s = s.dt.tz_localize(None)
    s = s.where((s >= _TS_MIN) & (s <= _TS_MAX))
    return s.to_numpy(dtype="datetime64[ns]")


def _dates_from_numbers(x: np.ndarray) -> np.ndarray:
    """Excel serials (10000-99999) and yyyymmdd integers to datetime64[ns]; NaT otherwise."""
    out = np.full(len(x), np.datetime64("NaT"), dtype="datetime64[ns]")
    with np.errstate(invalid="ignore"):
        integral = np.isfinite(x) & (x == np.floor(x))
        ymd = integral & (x >= 16780101) & (x <= 22611231)
        serial = np.isfinite(x) & (x >= 10000) & (x < 100000)
    if ymd.any():
        text = pd.Series(x[ymd].astype(np.int64).astype(str))
        out[ymd] = _ns(pd.to_datetime(text, format="%Y%m%d", errors="coerce"))
    if serial.any():
        days = pd.to_timedelta(x[serial], unit="D")
        out[serial] = _ns(pd.Series(_EXCEL_EPOCH + days).dt.round("s"))
    return out


_FAST_DATE_FORMATS = (
    "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M",
)
_NORM_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f")
_ENGLISH_DATE_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%b %d %Y")


def _try_formats(sub: pd.Series, formats: Iterable[str], out: np.ndarray, ok: np.ndarray, *, sample: bool) -> None:
    """Fill ``out``/``ok`` (aligned with ``sub``) trying each format on values still unparsed."""
    for fmt in formats:
        todo = ~ok
        if not todo.any():
            return
        cand = sub[todo]
        if sample and len(cand) > 2000:
            probe = pd.to_datetime(cand.iloc[:: max(1, len(cand) // 500)], format=fmt, errors="coerce")
            if probe.isna().all():
                continue
        r = _ns(pd.to_datetime(cand, format=fmt, errors="coerce"))
        hit = ~np.isnat(r)
        idx = np.flatnonzero(todo)[hit]
        out[idx] = r[hit]
        ok[idx] = True


def _normalize_date_text(t: pd.Series) -> pd.Series:
    """Rewrite 2024年1月5日 / 2024.1.5 / 2024/1/5 13时45分 ... as 2024-1-5 13:45."""
    t = t.str.normalize("NFKC")
    t = t.str.replace(r"(?<=\d)T(?=\d)", " ", regex=True)
    t = t.str.replace(r"[(]?(星期|周)[一二三四五六日天][)]?", " ", regex=True)
    t = t.str.replace(r"^(\d{4})\s*[年./\\-]\s*(\d{1,2})\s*[月./\\-]\s*(\d{1,2})\s*[日号]?", r"\1-\2-\3 ", regex=True)
    t = t.str.replace(r"^(\d{1,2})\s*[./\\-]\s*(\d{1,2})\s*[./\\-]\s*(\d{4})", r"\1-\2-\3 ", regex=True)
    t = t.str.replace(
        r"(\d{1,2})\s*[时点]\s*(\d{1,2})\s*分?\s*(?:(\d{1,2})\s*秒?)?\s*$",
        lambda m: f"{m.group(1)}:{m.group(2)}" + (f":{m.group(3)}" if m.group(3) else ""),
        regex=True,
    )
    if t.str.contains(r"[上下中晚早]午|晚上|凌晨|早上|[AaPp][Mm]", regex=True).any():
        t = t.str.replace(_HALF_DAY, _to_24h, regex=True)
    return t.str.replace(r"\s+", " ", regex=True).str.strip()


# 2024/3/5 下午 2:20 (Chinese-locale exports), 2024/3/5 2:20 PM
_HALF_DAY = (r"(?:(?P<cn>上午|中午|下午|晚上|凌晨|早上)\s*(?P<h1>\d{1,2})(?P<r1>:\d{2}(?::\d{2})?)"
             r"|(?P<h2>\d{1,2})(?P<r2>:\d{2}(?::\d{2})?)\s*(?P<en>[AaPp][Mm])\b)")


def _to_24h(m: re.Match) -> str:
    word = m.group("cn") or m.group("en").lower()
    hour = int(m.group("h1") or m.group("h2"))
    rest = m.group("r1") or m.group("r2")
    if hour > 12:
        return f"{hour}{rest}"  # already 24-hour: keep it, the word is redundant
    if (word in ("下午", "晚上", "pm") and hour < 12) or (word == "中午" and hour < 11):
        hour += 12
    elif word in ("上午", "凌晨", "早上", "am") and hour == 12:
        hour = 0
    return f"{hour}{rest}"


def _parse_date(s: pd.Series, *, dayfirst: bool | None = None) -> _Parsed:
    """Vectorised date parser; returns datetime64[ns] values and masks."""
    n = len(s)
    index = s.index
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    extra = ""
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        out = _ns(s)
        missing = s.isna().to_numpy(bool, copy=True)
        bad = np.isnat(out) & ~missing
        return _Parsed(pd.Series(out, index=index), missing, bad, "无法识别为日期", _DATE_HINT)
    if pd.api.types.is_bool_dtype(s.dtype):
        return _Parsed(pd.Series(out, index=index), s.isna().to_numpy(bool), s.notna().to_numpy(bool),
                       "无法识别为日期", _DATE_HINT)
    if pd.api.types.is_numeric_dtype(s.dtype):
        x = s.to_numpy(dtype=float, na_value=np.nan)
        missing = np.isnan(x)
        out = _dates_from_numbers(x)
        bad = np.isnat(out) & ~missing
        return _Parsed(pd.Series(out, index=index), missing, bad, "无法识别为日期", _DATE_HINT)

    done = np.zeros(n, bool)
    if s.dtype == object:
        vals, is_num, is_dt = _split_kinds(s)
        if is_dt.any():
            conv = pd.to_datetime(pd.Series(list(vals[is_dt])), errors="coerce")
            out[is_dt] = _ns(conv)
            done |= is_dt
        if is_num.any():
            out[is_num] = _dates_from_numbers(vals[is_num].astype(float))
            done |= is_num
        if done.any():
            s = pd.Series(np.where(done, None, vals), index=index, dtype=object)
    st, missing = _prepare_strings(s)
    missing &= ~done
    todo = ~missing & ~done
    ambiguous = np.zeros(n, bool)
    if todo.any():
        sub = st[todo].reset_index(drop=True)
        m = len(sub)
        res = np.full(m, np.datetime64("NaT"), dtype="datetime64[ns]")
        ok = np.zeros(m, bool)
        _try_formats(sub, _FAST_DATE_FORMATS, res, ok, sample=True)
        if not ok.all():
            left = np.flatnonzero(~ok)
            digits = sub.iloc[left].str.fullmatch(r"\d+(\.\d+)?").to_numpy(dtype=bool)
            if digits.any():
                idx = left[digits]
                res[idx] = _dates_from_numbers(pd.to_numeric(sub.iloc[idx], errors="coerce").to_numpy(float))
                ok[idx] = True  # numeric strings are decided here (NaT = bad)
        rest = ~ok
        if rest.any():
            norm = _normalize_date_text(sub[rest]).reset_index(drop=True)
            r2 = np.full(len(norm), np.datetime64("NaT"), dtype="datetime64[ns]")
            ok2 = np.zeros(len(norm), bool)
            _try_formats(norm, _NORM_DATE_FORMATS, r2, ok2, sample=False)
            if not ok2.all() and norm[~ok2].str.contains(r"[A-Za-z]{3}", regex=True).any():
                _try_formats(norm, _ENGLISH_DATE_FORMATS, r2, ok2, sample=False)  # "Jan 5, 2024"
            # ISO 8601 leftovers (fractions, time zones), only for full y-m-d dates
            iso = ~ok2 & norm.str.match(r"^\d{4}-\d{1,2}-\d{1,2}[ T]").to_numpy(dtype=bool)
            if iso.any():
                try:
                    r = _ns(pd.to_datetime(norm[iso], format="ISO8601", errors="coerce"))
                except (ValueError, TypeError):
                    r = np.full(int(iso.sum()), np.datetime64("NaT"), dtype="datetime64[ns]")
                r2[iso] = r
                ok2[iso] = ~np.isnat(r)
            # d/m/Y or m/d/Y: decided by the whole column, never guessed
            dmy = ~ok2
            if dmy.any():
                parts = norm[dmy].str.extract(r"^(\d{1,2})-(\d{1,2})-(\d{4})(?: (\d{1,2}:\d{2}(?::\d{2})?))?$")
                found = parts[0].notna().to_numpy(bool)
                if found.any():
                    p = parts[found]
                    a = p[0].astype(int).to_numpy()
                    b = p[1].astype(int).to_numpy()
                    order = dayfirst
                    if order is None:
                        if (a > 12).any() and not (b > 12).any():
                            order = True
                        elif (b > 12).any() and not (a > 12).any():
                            order = False
                    idx_dmy = np.flatnonzero(dmy)[found]
                    if order is None:
                        amb_local = np.zeros(len(norm), bool)
                        amb_local[idx_dmy] = True
                        amb_sub = np.zeros(m, bool)
                        amb_sub[np.flatnonzero(rest)[amb_local]] = True
                        ambiguous[np.flatnonzero(todo)[amb_sub]] = True
                    else:
                        day, mon = (p[0], p[1]) if order else (p[1], p[0])
                        txt = p[2] + "-" + mon + "-" + day + (" " + p[3].fillna("")).str.rstrip()
                        txt = txt.reset_index(drop=True)
                        r3 = np.full(len(txt), np.datetime64("NaT"), dtype="datetime64[ns]")
                        ok3 = np.zeros(len(txt), bool)
                        _try_formats(txt, ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"), r3, ok3, sample=False)
                        r2[idx_dmy] = r3
                        ok2[idx_dmy] = ok3
            res[rest] = r2
            ok[rest] = ok2
        out[todo] = res
    bad = ~missing & np.isnat(out)
    if ambiguous.any():
        extra = _AMBIGUOUS_HINT
    return _Parsed(pd.Series(out, index=index), missing, bad, "无法识别为日期", _DATE_HINT, extra)


def _parse_id(s: pd.Series) -> _Parsed:
    """Identifiers (customer / order ids, phone, id numbers) as stripped strings."""
    n = len(s)
    index = s.index
    sci = np.zeros(n, bool)
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        s = s.astype(object)
    vals = s.to_numpy(dtype=object)
    if s.dtype == object and pd.api.types.infer_dtype(vals, skipna=True) not in ("string", "empty"):
        conv = np.empty(n, dtype=object)
        for i, v in enumerate(vals):
            if isinstance(v, (float, np.floating)) and v == v:
                if abs(v) >= 1e15:
                    sci[i] = True  # Excel keeps only 15 significant digits
                conv[i] = str(int(v)) if float(v).is_integer() else str(v)
            elif isinstance(v, (int, np.integer)) and not isinstance(v, bool):
                conv[i] = str(int(v))
            else:
                conv[i] = v if (v is None or isinstance(v, (str, float))) else str(v)
        s = pd.Series(conv, index=index, dtype=object)
    st, missing = _prepare_strings(s)
    joined = _joined(st)
    if "E+" in joined or "e+" in joined:
        sci |= st.str.fullmatch(r"\d+(\.\d+)?[eE]\+\d+").fillna(False).to_numpy(bool)
    present = ~missing
    if (present.any() and joined.startswith(tuple("0123456789")) and st[present].iloc[0].endswith(".0")
            and st[present].str.fullmatch(r"\d+\.0").all()):
            st = st.str.slice(0, -2)  # pandas wrote integer ids as floats ("17850.0")
    values = st.mask(sci) if sci.any() else st
    return _Parsed(values.astype(_STR_DTYPE), missing, sci & ~missing, "被 Excel 改成了科学计数法，数字已丢失", _SCI_HINT)


def _parse_text(s: pd.Series) -> _Parsed:
    """Free text: stripped strings, numbers from Excel cells written without '.0'."""
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        s = s.astype(object)
    vals = s.to_numpy(dtype=object)
    if s.dtype == object and pd.api.types.infer_dtype(vals, skipna=True) not in ("string", "empty"):
        vals = np.array([
            (str(int(v)) if isinstance(v, (float, np.floating)) and v == v and float(v).is_integer() else
             v if v is None or isinstance(v, str) or (isinstance(v, float) and v != v) else str(v))
            for v in vals], dtype=object)
        s = pd.Series(vals, index=s.index, dtype=object)
    st, missing = _prepare_strings(s)
    return _Parsed(st.astype(_STR_DTYPE), missing, np.zeros(len(s), bool))


_GENDER = {
    "男": "男", "男性": "男", "先生": "男", "m": "男", "male": "男", "man": "男",
    "女": "女", "女性": "女", "女士": "女", "f": "女", "female": "女", "woman": "女",
}


def _parse_gender(s: pd.Series) -> _Parsed:
    p = _parse_text(s)
    low = p.values.str.lower()
    mapped = low.map(_GENDER)
    values = mapped.where(mapped.notna(), p.values)  # unknown labels (保密, 未知) are kept as written
    return _Parsed(values.astype(_STR_DTYPE), p.missing, p.bad)


def _parse_age(s: pd.Series) -> _Parsed:
    if not pd.api.types.is_numeric_dtype(s.dtype):
        st, _ = _prepare_strings(s.astype(object) if s.dtype != object else s)
        s = st.str.replace(r"\s*(岁|周岁)$", "", regex=True)
    p = _parse_number(s)
    v = p.values.to_numpy(float, copy=True)
    with np.errstate(invalid="ignore"):
        out_of_range = ~np.isnan(v) & ((v < 0) | (v > 130))
    v[out_of_range] = np.nan
    return _Parsed(pd.Series(v, index=p.values.index), p.missing, p.bad | out_of_range,
                   "不是合理的年龄", "年龄应是 0 到 130 之间的数字（可以带「岁」字）。")


_YES = {"是", "y", "yes", "true", "1", "同意", "√", "✓", "对", "t"}
_NO = {"否", "n", "no", "false", "0", "不同意", "×", "✗", "x", "f"}


def _parse_bool(s: pd.Series) -> _Parsed:
    if pd.api.types.is_bool_dtype(s.dtype):
        missing = s.isna().to_numpy(bool)
        return _Parsed(s.astype("boolean") if missing.any() else s.astype(bool), missing, np.zeros(len(s), bool))
    p = _parse_text(s)
    low = p.values.str.lower().str.replace(r"\.0$", "", regex=True)
    yes = low.isin(_YES).to_numpy(bool)
    no = low.isin(_NO).to_numpy(bool)
    bad = ~p.missing & ~yes & ~no
    out = pd.array(np.where(yes, True, False), dtype="boolean")
    out[p.missing | bad] = pd.NA
    values = pd.Series(out, index=s.index)
    if not (p.missing | bad).any():
        values = values.astype(bool)
    return _Parsed(values, p.missing, bad, "无法识别为 是/否", "请用 是/否（或 Y/N、1/0、TRUE/FALSE）填写。")


# ---------------------------------------------------------------------------
# Loading a table from any source
# ---------------------------------------------------------------------------


@dataclass
class _Table:
    names: list[str]  # cleaned header names, by position (may repeat)
    frame: pd.DataFrame  # columns 0..k-1 by position
    rows: np.ndarray  # row labels: Excel row numbers or DataFrame index labels
    label: str  # e.g. 「orders.csv」
    excel_rows: bool
    text: bool = False  # read from CSV text: every cell is a string


def _source_label(name: str | None) -> str:
    if name:
        return f"文件「{os.path.basename(str(name))}」"
    return "上传的数据"


def _decode(data: bytes, encoding: str | None, label: str) -> str:
    if encoding:
        try:
            text = data.decode(encoding)
        except LookupError as exc:
            raise CRMDataError(f"不认识编码名称「{encoding}」。常用的有 utf-8、utf-8-sig、gbk、gb18030。") from exc
        except UnicodeDecodeError as exc:
            raise CRMDataError(
                f"{label}不能按指定的编码「{encoding}」读取（第 {exc.start} 个字节处出错）。"
                "请去掉 encoding 参数让程序自动识别，或在 Excel 中「另存为 → CSV UTF-8（逗号分隔）」后重试。"
            ) from exc
        return text.lstrip(_BOM)
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CRMDataError(
                f"{label}标明是 UTF-8 编码，但第 {exc.start} 个字节附近的内容不是合法的 UTF-8。"
                "文件可能已损坏或被不同编码的内容拼接过：请用 Excel 或记事本打开后重新「另存为 → CSV UTF-8」。"
            ) from exc
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise CRMDataError(f"{label}标明是 UTF-16 编码，但内容无法读取。请重新导出为 CSV UTF-8。") from exc
    head = data[:4096]
    if b"\x00" in head:
        odd_zeros = head[1::2].count(0)
        if len(head) >= 4 and odd_zeros > len(head) // 4:
            try:
                return data.decode("utf-16-le")
            except UnicodeDecodeError:
                pass
        raise CRMDataError(
            f"{label}看起来不是文本文件（CSV），无法读取。请确认上传的是 .csv 或 .xlsx 文件；"
            "如果是其他格式，请在 Excel/WPS 中「另存为」CSV 或 Excel 工作簿（.xlsx）。"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise CRMDataError(
            f"无法识别{label}的编码：它既不是 UTF-8，也不是 GBK/GB18030。"
            "请在 Excel 中打开它，选择「另存为 → CSV UTF-8（逗号分隔）」后重试；"
            "如果知道编码，也可以用 encoding=\"...\" 指定。"
        ) from exc


def _sniff_sep(lines: list[str], ext: str) -> str:
    if ext in (".tsv", ".tab"):
        return "\t"
    best, best_score = ",", (-1.0, 0)
    sample = [ln for ln in lines if ln.strip()][:40]
    if not sample:
        return ","
    for sep in ("\t", ",", ";", "|"):
        try:
            counts = [len(r) for r in csv.reader(sample, delimiter=sep)]
        except csv.Error:
            continue
        if not counts:
            continue
        vals, freq = np.unique(counts, return_counts=True)
        multi = vals > 1
        if not multi.any():
            continue
        k = int(np.argmax(np.where(multi, freq, -1)))
        score = (freq[k] / len(counts), int(vals[k]))
        if score > best_score:
            best, best_score = sep, score
    return best


def _is_blank_cell(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and v != v:
        return True
    return isinstance(v, str) and not v.strip(" \t\r\n" + _INVISIBLE)


_HEADER_SCAN = 50  # WeChat Pay / Alipay bills have 15-25 preamble lines above the header


def _find_header(records: list[list[Any]], header_keys: frozenset[str]) -> int | None:
    """Index of the header among the first records: first with a known column name."""
    first = None
    seen = 0
    for i, rec in enumerate(records):
        if all(_is_blank_cell(v) for v in rec):
            continue
        if first is None:
            first = i
        if any(_key(_clean_name(v)) in header_keys for v in rec if not _is_blank_cell(v)):
            return i
        seen += 1
        if seen >= _HEADER_SCAN:
            break
    return first


def _read_text(text: str, label: str, ext: str, header_keys: frozenset[str]) -> _Table:
    if not text.strip(" \t\r\n" + _INVISIBLE + ",;|"):
        raise CRMDataError(f"{label}是空的，没有任何内容。请确认导出时选中了数据，再重新保存。")
    head_lines = text[:200_000].splitlines()[:_HEADER_SCAN + 20]
    sep = _sniff_sep(head_lines, ext)
    records = list(csv.reader(head_lines[:_HEADER_SCAN + 10], delimiter=sep))
    h = _find_header(records, header_keys)
    if h is None:
        raise CRMDataError(f"{label}是空的，没有任何内容。请确认导出时选中了数据，再重新保存。")
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=sep, header=None, skiprows=h, dtype=str, keep_default_na=False,
            na_values=[""], skip_blank_lines=False, engine="c", quotechar='"',
        )
    except pd.errors.ParserError as exc:
        width = len(records[h])
        bad = []
        for i, rec in enumerate(csv.reader(io.StringIO(text), delimiter=sep)):
            if i > h and len(rec) > width:
                bad.append(i + 1)
        where = _rows_text(bad, True) if bad else "部分行"
        sep_name = {",": "逗号", "\t": "制表符", ";": "分号", "|": "竖线"}[sep]
        raise CRMDataError(
            f"{label}的{where}比表头（{width} 列）多出了单元格，无法对齐到列上。"
            f"最常见的原因是值里含有分隔符（{sep_name}），例如没有加引号的金额 1,200。"
            "请在 Excel 中打开并重新「另存为 CSV」（Excel 会自动加引号），或删除这些多余的单元格。"
        ) from exc
    except (UnicodeError, ValueError, csv.Error) as exc:
        raise CRMDataError(f"{label}无法按表格读取：{exc}。请在 Excel 中打开并另存为 CSV UTF-8 或 .xlsx 后重试。") from exc
    if frame.empty:
        raise CRMDataError(f"{label}是空的，没有任何内容。请确认导出时选中了数据，再重新保存。")
    names = [_clean_name(v) for v in frame.iloc[0].tolist()]
    two = _two_row_header(frame.iloc[0].tolist(), frame.iloc[1].tolist() if len(frame) > 1 else None)
    if two is not None:
        names = two
    skip = 2 if two is not None else 1
    body = frame.iloc[skip:].reset_index(drop=True)
    body.columns = range(body.shape[1])
    rows = np.arange(len(body)) + h + 1 + skip
    return _Table(names, body, rows, label, True, text=True)


def _two_row_header(top: list[Any], below: list[Any] | None) -> list[str] | None:
    """Combined names of a two-row header, or None.

    Chinese Excel reports often put group labels (订单信息) merged over several
    columns above the real names, while some names (客户编号) are merged down over
    both rows.  The row below the header is taken as the second header row when it
    holds only text, at least two known column names, and fills a column the first
    row leaves blank.
    """
    if below is None:
        return None
    if any(not isinstance(v, str) and not _is_blank_cell(v) for v in below):
        return None
    width = max(len(top), len(below))
    t = [_clean_name(v) for v in top] + [""] * (width - len(top))
    b = [_clean_name(v) for v in below] + [""] * (width - len(below))
    known = _all_alias_keys()
    if sum(_key(n) in known for n in b if n) < 2 or not any(bn and not tn for tn, bn in zip(t, b)):
        return None
    return [bn or tn for tn, bn in zip(t, b)]


def _all_alias_keys() -> frozenset[str]:
    return frozenset(_key(a) for al in (*TRANSACTION_ALIASES.values(), *CUSTOMER_ALIASES.values()) for a in al)


def _read_xlsx(data: bytes, label: str, sheet_name: int | str, header_keys: frozenset[str]) -> _Table:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException...
        raise CRMDataError(
            f"{label}不是有效的 Excel 工作簿（.xlsx），可能已损坏、加了密码或只是改了扩展名。"
            "请用 Excel/WPS 打开它，再「另存为」Excel 工作簿（.xlsx）或 CSV UTF-8 后重试。"
        ) from exc
    try:
        names = wb.sheetnames
        if isinstance(sheet_name, int):
            if not 0 <= sheet_name < len(names):
                raise CRMDataError(f"{label}只有 {len(names)} 个工作表（{'、'.join(names)}），没有第 {sheet_name + 1} 个。")
            title = names[sheet_name]
        else:
            if sheet_name not in names:
                raise CRMDataError(f"{label}中没有名为「{sheet_name}」的工作表。已有的工作表：{'、'.join(names)}。")
            title = sheet_name
        ws = wb[title]
        if not hasattr(ws, "iter_rows"):
            raise CRMDataError(f"{label}的工作表「{title}」是图表，不是数据表。请用 sheet_name= 选择数据所在的工作表。")
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # some exporters write a wrong sheet size
        rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
    except CRMDataError:
        raise
    except Exception as exc:
        raise CRMDataError(f"读取 Excel {label}时出错：{exc}。请在 Excel 中另存为新的 .xlsx 或 CSV 后重试。") from exc
    finally:
        wb.close()
    h = _find_header([list(r) for r in rows[:_HEADER_SCAN + 10]], header_keys)
    if h is None:
        where = f"{label}的工作表「{title}」" if len(names) > 1 else f"{label}"
        raise CRMDataError(f"{where}是空的，没有任何数据。请确认数据在这个工作表里（可用 sheet_name= 选择工作表）。")
    two = _two_row_header(list(rows[h]), list(rows[h + 1]) if len(rows) > h + 1 else None)
    skip = 2 if two is not None else 1
    body_rows = rows[h + skip:]
    header = two if two is not None else list(rows[h])
    width = max([len(header)] + [len(r) for r in body_rows])
    header = header + [None] * (width - len(header))
    padded = [r + (None,) * (width - len(r)) if len(r) < width else r for r in body_rows]
    body = pd.DataFrame(padded, columns=range(width), dtype=object) if padded else pd.DataFrame(columns=range(width), dtype=object)
    names_clean = [_clean_name(v) for v in header]
    rows_no = np.arange(len(body)) + h + 1 + skip
    return _Table(names_clean, body, rows_no, label, True)


def _read_xls(data: bytes, label: str, sheet_name: int | str, header_keys: frozenset[str]) -> _Table:
    import importlib.util

    if importlib.util.find_spec("xlrd") is None:
        raise CRMDataError(
            f"{label}是旧版 Excel 格式（.xls）或加了密码的 Excel 文件，本课程环境不能直接读取。"
            "请用 Excel/WPS 打开它，「另存为」Excel 工作簿（.xlsx）或 CSV UTF-8 后重试。"
        )
    try:
        raw = pd.read_excel(io.BytesIO(data), sheet_name=sheet_name, header=None, dtype=object, engine="xlrd")
    except Exception as exc:
        raise CRMDataError(f"读取旧版 Excel {label}时出错：{exc}。请另存为 .xlsx 或 CSV 后重试。") from exc
    records = raw.where(raw.notna(), None).values.tolist()
    h = _find_header(records[:_HEADER_SCAN + 10], header_keys)
    if h is None:
        raise CRMDataError(f"{label}是空的，没有任何数据。")
    body = raw.iloc[h + 1:].reset_index(drop=True)
    body.columns = range(body.shape[1])
    return _Table([_clean_name(v) for v in records[h]], body, np.arange(len(body)) + h + 2, label, True)


def _load(src: Any, *, filename: str | None, encoding: str | None, sheet_name: int | str,
          header_keys: frozenset[str]) -> _Table:
    """Read ``src`` into a raw table (strings/cells by position), without mapping."""
    if isinstance(src, pd.DataFrame):
        df = src
        if df.index.name is not None and df.index.name not in df.columns:
            df = df.reset_index()
        names = [_clean_name(c) for c in df.columns]
        frame = df.copy()
        frame.columns = range(frame.shape[1])
        return _Table(names, frame, np.asarray(df.index), "传入的表格（DataFrame）", False)
    if isinstance(src, (tuple, list)) and all(isinstance(x, Mapping) for x in src):
        if not src:
            raise CRMDataError("还没有上传文件。请先点击「上传」按钮选择一个 CSV 或 Excel 文件。")
        if len(src) > 1:
            raise CRMDataError(f"一次只能读取一个文件，但收到了 {len(src)} 个。请只上传一个文件。")
        src = src[0]
    if isinstance(src, Mapping):
        if "content" not in src:
            raise CRMDataError("不支持这种数据来源：字典中没有 \"content\"（上传文件的内容）。")
        filename = filename or src.get("name")
        src = src["content"]
    data: bytes | None = None
    text: str | None = None
    name = filename
    if isinstance(src, (bytes, bytearray, memoryview)):
        data = bytes(src)
    elif isinstance(src, str) and ("\n" in src or "\r" in src):
        text = src
    elif isinstance(src, (str, os.PathLike)):
        path = Path(src).expanduser()
        name = name or path.name
        ext = (Path(filename).suffix if filename else path.suffix).lower()
        if not path.exists():
            raise CRMDataError(
                f"找不到文件「{src}」。请检查文件名（包括扩展名 .csv/.xlsx）和所在文件夹是否正确；"
                "相对路径是相对于当前笔记本所在的文件夹。"
            )
        if path.is_dir():
            raise CRMDataError(f"「{src}」是一个文件夹，不是文件。请给出文件夹里的 CSV 或 Excel 文件名。")
        _check_ext(ext, _source_label(name))
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CRMDataError(
                f"无法打开文件「{src}」（{type(exc).__name__}）。如果它正在 Excel 中打开，请先关闭；"
                "也请检查是否有读取权限。"
            ) from exc
    elif hasattr(src, "read"):
        try:
            content = src.read()
        except Exception as exc:
            raise CRMDataError(f"无法从传入的文件对象读取内容：{exc}。") from exc
        name = name or (getattr(src, "name", None) if isinstance(getattr(src, "name", None), str) else None)
        if isinstance(content, str):
            text = content
        else:
            data = bytes(content)
    else:
        raise CRMDataError(
            f"不支持这种数据来源（{type(src).__name__}）。请传入文件路径、上传文件的内容（bytes）或 DataFrame。"
        )
    label = _source_label(name)
    ext = Path(name).suffix.lower() if name else ""
    if data is not None:
        _check_ext(ext, label)
        if not data.strip(b" \t\r\n" + codecs.BOM_UTF8):
            raise CRMDataError(f"{label}是空的（0 字节或只有空白）。请确认导出时选中了数据，再重新保存。")
        if data[:4] == b"PK\x03\x04":
            return _read_xlsx(data, label, sheet_name, header_keys)
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            return _read_xls(data, label, sheet_name, header_keys)
        if ext in _XLSX_EXT:
            raise CRMDataError(
                f"{label}的扩展名是 {ext}，但内容不是 Excel 工作簿（可能是改了扩展名的文本或网页文件）。"
                "请用 Excel/WPS 打开它，再「另存为」Excel 工作簿（.xlsx）或 CSV UTF-8 后重试。"
            )
        text = _decode(data, encoding, label)
    assert text is not None
    text = text.lstrip(_BOM)
    return _read_text(text, label, ext, header_keys)


def _check_ext(ext: str, label: str) -> None:
    if ext in _TEXT_EXT or ext in _XLSX_EXT or ext in _XLS_EXT:
        return
    raise CRMDataError(
        f"不支持的文件类型「{ext}」（{label}）。请提供 CSV（.csv/.txt/.tsv）或 Excel（.xlsx）文件；"
        "在 Excel/WPS 中可以用「另存为」选择这些格式。"
    )


# ---------------------------------------------------------------------------
# Mapping, checking and assembling
# ---------------------------------------------------------------------------


def _excel_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _tidy(table: _Table) -> _Table:
    """Drop unnamed empty columns and fully empty rows; name the remaining columns uniquely."""
    frame = table.frame
    empty = _empty_mask(frame)
    keep_cols = []
    names = []
    for pos, nm in enumerate(table.names):
        if pos >= frame.shape[1]:
            break
        if not nm:
            if empty[pos].all():
                continue
            nm = f"未命名列{_excel_letter(pos)}" if table.excel_rows else f"未命名列{pos + 1}"
        keep_cols.append(pos)
        names.append(nm)
    frame = frame[keep_cols]
    frame.columns = range(len(keep_cols))
    full_empty = empty[keep_cols].all(axis=1).to_numpy(bool) if keep_cols else np.ones(len(frame), bool)
    if table.excel_rows and len(frame):
        full_empty = full_empty | _footer_mask(frame, empty[keep_cols] if keep_cols else empty)
    if full_empty.any():
        frame = frame.loc[~full_empty].reset_index(drop=True)
        rows = table.rows[~full_empty]
    else:
        rows = table.rows
    if not names:
        raise CRMDataError(f"{table.label}没有任何列名（表头为空）。请在第一行写上列名，例如 客户编号、日期、金额。")
    return _Table(names, frame, rows, table.label, table.excel_rows, table.text)


_FOOTER = re.compile(
    r"^(?:[-=_*#—]{3,}|(?:合计|总计|小计|共计|总和|total|grand ?total|sum)\s*[:：]?$"
    r"|(?:共\s*\d+\s*笔|注[:：]|导出时间|已收入|已支出|待收入|待支出|中性交易|收入[:：]|支出[:：]))",
    re.IGNORECASE,
)


def _footer_mask(frame: pd.DataFrame, empty: pd.DataFrame) -> np.ndarray:
    """Summary lines below the data (合计 rows, "共3笔记录", "-----" in bank/payment bills).

    Only the trailing block is looked at, and only rows whose first filled cell is
    such a label (合计 rows may carry totals in other cells).
    """
    n = len(frame)
    out = np.zeros(n, bool)
    filled = ~empty.to_numpy(bool)
    i = n - 1
    while i >= 0:
        cells = np.flatnonzero(filled[i])
        if len(cells) == 0:
            out[i] = True  # (already dropped as empty)
            i -= 1
            continue
        if not _FOOTER.match(str(frame.iat[i, cells[0]]).strip(_WS)):
            break
        out[i] = True
        i -= 1
    return out


def _empty_mask(frame: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for c in frame.columns:
        s = frame[c]
        if isinstance(s.dtype, pd.StringDtype) or s.dtype == object:
            arr = s.to_numpy(dtype=object)
            m = s.isna().to_numpy(dtype=bool, copy=True)
            present = arr[~m]
            if pd.api.types.infer_dtype(present, skipna=False) in ("string", "empty"):
                joined = "\x00".join(present.tolist())
                if _has_edge_ws(joined) or _has_empty(joined, len(present)):
                    m = m | np.fromiter((isinstance(v, str) and not v.strip(_WS) for v in arr), bool, len(arr))
            else:
                m = m | np.fromiter((isinstance(v, str) and not v.strip(_WS) for v in arr), bool, len(arr))
        else:
            m = s.isna().to_numpy(bool)
        out[c] = m
    return pd.DataFrame(out, index=frame.index)


def _map_columns(table: _Table, aliases: Mapping[str, tuple[str, ...]], columns: Mapping[str, str] | None) -> dict[str, int]:
    names = table.names
    keys = [_key(n) for n in names]
    mapping: dict[str, int] = {}
    used: set[int] = set()
    for user_name, target in (columns or {}).items():
        if target is None:
            continue
        uk = _key(_clean_name(user_name))
        hits = [i for i, (n, k) in enumerate(zip(names, keys)) if n == _clean_name(user_name) or k == uk]
        if not hits:
            raise CRMDataError(
                f"columns 参数中指定的列「{user_name}」在{table.label}中不存在。"
                f"现有的列：{'、'.join(names)}。请检查列名的写法。"
            )
        if len(hits) > 1:
            raise CRMDataError(
                f"{table.label}中有 {len(hits)} 列都叫「{user_name}」（第 {'、'.join(_excel_letter(i) for i in hits)} 列），"
                "无法确定用哪一列。请在 Excel 中给它们改成不同的列名。"
            )
        if target in mapping:
            raise CRMDataError(
                f"columns 参数把两列都指定成了「{target}」：「{names[mapping[target]]}」和「{user_name}」。每个目标只能对应一列。"
            )
        mapping[target] = hits[0]
        used.add(hits[0])
    lookup: dict[str, str] = {}
    for canon, al in aliases.items():
        for a in al:
            lookup.setdefault(_key(a), canon)
    candidates: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        if i in used:
            continue
        canon = lookup.get(k)
        if canon is None or canon in mapping:
            continue
        candidates.setdefault(canon, []).append(i)
    for canon, hits in candidates.items():
        preferred = {_key(a) for a in _PLATFORM_PREFERRED.get(canon, ())}
        best = [i for i in hits if keys[i] in preferred]
        if len(hits) > 1 and len(best) == 1:
            hits = best
        if len(hits) > 1:
            cols = "、".join(f"「{names[i]}」" for i in hits)
            label = _LABELS.get(canon, canon)
            raise CRMDataError(
                f"{table.label}中有多列都可以当作{label}（{canon}）：{cols}。"
                f"请删掉多余的列，或用 columns={{\"{names[hits[0]]}\": \"{canon}\"}} 指定要用哪一列。"
            )
        mapping[canon] = hits[0]
    return mapping


def _missing_column_error(table: _Table, canon: str, aliases: Mapping[str, tuple[str, ...]], extra: str = "") -> CRMDataError:
    label = _LABELS.get(canon, canon)
    accepted = "、".join(aliases[canon])
    found = "、".join(f"「{n}」" for n in table.names)
    return CRMDataError(
        f"{table.label}缺少必需的列：{label}（{canon}）。现有的列：{found}。"
        f"可以识别的列名有：{accepted}（不区分大小写和空格）。{extra}"
        f"如果{label}在别的列里，请改列名，或用 columns={{\"你的列名\": \"{canon}\"}} 指定。"
    )


_GUESS_WORDS = {
    "customer_id": ("交易对方", "对方", "买家", "昵称", "会员", "客户", "顾客", "用户", "付款人", "姓名", "customer"),
    "order_date": ("时间", "日期", "date", "time"),
}


def _guess_hint(table: _Table, canon: str) -> str:
    """Point at a column that probably holds ``canon`` (e.g. 交易对方 in a WeChat Pay bill)."""
    for word in _GUESS_WORDS.get(canon, ()):
        for nm in table.names:
            if word in nm.lower():
                label = _LABELS.get(canon, canon)
                why = "（微信/支付宝账单没有客户编号，通常用「交易对方」代表客户）" if "对方" in nm else ""
                return f"文件里的「{nm}」列也许可以当作{label}{why}：确认后用 columns={{\"{nm}\": \"{canon}\"}} 指定。"
    return ""


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
        if required and p.missing.any():
            self.add(pos, p.missing, f"{label}为空", f"每一行都必须填写{label}。")

    def bad_positions(self) -> np.ndarray:
        if not self.issues:
            return np.zeros(0, int)
        return np.unique(np.concatenate([i.positions for i in self.issues]))

    def message(self) -> str:
        t = self.table
        lines = [f"{t.label}中有无法读取的数据："]
        for iss in self.issues:
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
                f"- 列「{iss.column}」：{_rows_text(t.rows[iss.positions], t.excel_rows)}{iss.reason}"
                f"（示例：{'、'.join(sample)}）。{iss.hint}"
            )
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
    if num.isna().any() or vals.str.match(_LEADING_ZERO).any():
        return st
    if present.all() and not vals.str.contains(r"[.eE]", regex=True).any():
        return num.astype(np.int64).reindex(s.index)
    out = pd.Series(np.nan, index=s.index)
    out[present] = num.to_numpy(float)
    return out


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def _header_keys(aliases: Mapping[str, tuple[str, ...]], required: Iterable[str], columns: Mapping[str, str] | None) -> frozenset[str]:
    keys = {_key(a) for c in required for a in aliases[c]}
    keys |= {_key(_clean_name(k)) for k in (columns or {})}
    return frozenset(keys)


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
    for canon in ("customer_id", "order_date"):
        if canon not in mapping:
            raise _missing_column_error(table, canon, aliases, _guess_hint(table, canon))
    computed_amount = "amount" not in mapping
    if computed_amount and not ("quantity" in mapping and "unit_price" in mapping):
        raise _missing_column_error(
            table, "amount", aliases,
            "（如果文件中有「数量」和「单价」两列，也会自动用 数量×单价 计算金额。）",
        )
    if len(table.frame) == 0:
        raise CRMDataError(f"{table.label}只有表头，没有数据行。请确认导出时包含了数据。")
    coll = _Collector(table)
    col = table.frame
    name_of = mapping  # canonical name -> column position
    parsed: dict[str, pd.Series] = {}

    p = _parse_id(col[mapping["customer_id"]])
    coll.add_parsed(name_of["customer_id"], p, required=True, label="客户编号")
    parsed["customer_id"] = p.values

    if "order_id" in mapping:
        p = _parse_id(col[mapping["order_id"]])
        coll.add_parsed(name_of["order_id"], p, required=True, label="订单号")
        parsed["order_id"] = p.values

    p = _parse_date(col[mapping["order_date"]], dayfirst=dayfirst)
    coll.add_parsed(name_of["order_date"], p, required=True, label="日期")
    parsed["order_date"] = p.values

    for opt in ("quantity", "unit_price"):
        if opt in mapping:
            raw = col[mapping[opt]]
            p = _parse_number(raw)
            if computed_amount:
                coll.add_parsed(name_of[opt], p, required=True, label=_LABELS[opt])
                parsed[opt] = p.values
                if opt == "quantity" and not (p.bad | p.missing).any():
                    parsed[opt] = _maybe_int(p.values)
            elif not p.bad.any():
                parsed[opt] = _maybe_int(p.values) if opt == "quantity" else p.values
            else:  # not needed for the amount: keep as written rather than fail
                parsed[opt] = _parse_text(raw).values

    if computed_amount:
        parsed["amount"] = np.round(parsed["quantity"] * parsed["unit_price"], 6)
    else:
        p = _parse_number(col[mapping["amount"]])
        p.reason, p.hint = "无法识别为金额", _AMOUNT_HINT
        coll.add_parsed(name_of["amount"], p, required=True, label="金额")
        parsed["amount"] = p.values

    for opt in ("category", "product", "channel"):
        if opt in mapping:
            parsed[opt] = _parse_text(col[mapping[opt]]).values

    order = ["customer_id", "order_id", "order_date", "amount", "quantity", "unit_price", "category", "product", "channel"]
    df = _assemble(table, mapping, parsed, order, coll, errors)
    if "order_id" not in mapping:
        codes = df.groupby(["customer_id", "order_date"], sort=False, dropna=False).ngroup().to_numpy()
        width = max(6, len(str(len(codes))))
        ids = np.char.add("A", np.char.zfill((codes + 1).astype(str), width)) if len(codes) else np.array([], dtype=str)
        df.insert(1, "order_id", pd.Series(ids, dtype=_STR_DTYPE))
    df["amount"] = df["amount"].astype(float)
    df["order_date"] = df["order_date"].astype("datetime64[ns]")
    return df


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
    col = table.frame
    name_of = mapping  # canonical name -> column position
    parsed: dict[str, pd.Series] = {}

    p = _parse_id(col[mapping["customer_id"]])
    coll.add_parsed(name_of["customer_id"], p, required=True, label="客户编号")
    ids = p.values
    dup = (ids.duplicated(keep="first") & ids.notna()).to_numpy(bool)
    coll.add(name_of["customer_id"], dup, "客户编号重复（与前面的某一行相同）",
             "客户表中每个客户编号只能出现一次：请删除或合并重复的客户。")
    parsed["customer_id"] = ids
    for canon in CUSTOMER_ALIASES:
        if canon == "customer_id" or canon not in mapping:
            continue
        raw = col[mapping[canon]]
        p = _parse_date(raw, dayfirst=dayfirst) if canon in _CUSTOMER_DATES else _CUSTOMER_PARSERS[canon](raw)
        coll.add_parsed(name_of[canon], p, required=False, label=_LABELS[canon])
        parsed[canon] = p.values
    df = _assemble(table, mapping, parsed, list(CUSTOMER_ALIASES), coll, errors)
    for c in _CUSTOMER_DATES:
        if c in df:
            df[c] = df[c].astype("datetime64[ns]")
    if "consent_marketing" in df and df["consent_marketing"].dtype != bool and df["consent_marketing"].notna().all():
        df["consent_marketing"] = df["consent_marketing"].astype(bool)
    return df


def parse_amounts(values: Any, *, errors: str = "raise", name: str = "金额") -> pd.Series:
    """Parse money values (``¥1,200.00``, ``1.2万``, ``(300)``...) to float.

    ``errors="raise"`` raises :class:`~crmlab.CRMDataError` listing the positions of
    unreadable values; ``"coerce"`` turns them into NaN.  Blank values become NaN.
    """
    s = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    p = _parse_number(s)
    if p.bad.any() and errors == "raise":
        bad_vals = s.to_numpy(dtype=object)[p.bad][:5]
        raise CRMDataError(
            f"{name}中有 {int(p.bad.sum())} 个值无法识别为金额，位置（索引）：{'、'.join(map(str, s.index[p.bad][:10]))}；"
            f"示例：{'、'.join(_show_value(v) for v in bad_vals)}。{_AMOUNT_HINT}"
        )
    return pd.Series(p.values.to_numpy(float), index=s.index, name=s.name)


def parse_dates(values: Any, *, errors: str = "raise", dayfirst: bool | None = None, name: str = "日期") -> pd.Series:
    """Parse messy dates (``2024/1/5``, ``2024年1月5日``, ``20240105``, Excel serials...).

    Returns datetime64[ns]; blanks become NaT.  ``errors="coerce"`` turns unreadable
    values into NaT instead of raising :class:`~crmlab.CRMDataError`.
    """
    s = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    p = _parse_date(s, dayfirst=dayfirst)
    if p.bad.any() and errors == "raise":
        bad_vals = s.to_numpy(dtype=object)[p.bad][:5]
        raise CRMDataError(
            f"{name}中有 {int(p.bad.sum())} 个值无法识别为日期，位置（索引）：{'、'.join(map(str, s.index[p.bad][:10]))}；"
            f"示例：{'、'.join(_show_value(v) for v in bad_vals)}。{_DATE_HINT}{p.extra_hint}"
        )
    return pd.Series(p.values.to_numpy("datetime64[ns]"), index=s.index, name=s.name)


def dropped_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Rows dropped by ``errors="drop"`` (columns row, column, value, reason); empty if none."""
    got = df.attrs.get("crmlab_dropped")
    if isinstance(got, pd.DataFrame):
        return got.copy()
    return pd.DataFrame({"row": pd.Series(dtype=object), "column": pd.Series(dtype=_STR_DTYPE),
                         "value": pd.Series(dtype=_STR_DTYPE), "reason": pd.Series(dtype=_STR_DTYPE)})
