"""Property-based tests (hypothesis) for the readers in crmlab.io.

Values are generated, written the way learners' files write them (¥1,200.00,
1.2万, (300), full-width digits, 2024年1月5日, Excel serials, GBK / UTF-8-BOM /
UTF-16 files, column-name variants), and must read back exactly.  Junk of any
kind must end in a :class:`crmlab.CRMDataError` with a Chinese message, never in
another exception.  Profiles (deadline, CI derandomisation) are set in conftest.py.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from crmlab import CRMDataError
from crmlab import io as cio
from crmlab.io import column_key

SETTINGS = settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
HAN = re.compile(r"[\u4e00-\u9fff]")
FULL_WIDTH = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def assert_chinese_error(exc: CRMDataError) -> None:
    assert isinstance(exc, ValueError)
    assert HAN.search(str(exc)), f"message without Chinese: {exc}"


# ---------------------------------------------------------------------------
# Amounts
# ---------------------------------------------------------------------------

cents = st.integers(min_value=-10**11, max_value=10**11)


def _grouped(n: int) -> str:
    return f"{n:,}"


def write_amount(c: int, style: int) -> str:
    """Write ``c`` cents (as learners' files do) in one of several styles."""
    sign = "-" if c < 0 else ""
    whole, frac = divmod(abs(c), 100)
    dec = f"{whole}.{frac:02d}"
    if style == 0:
        return f"{sign}{dec}"
    if style == 1:
        return f"{sign}¥{_grouped(whole)}.{frac:02d}"
    if style == 2:
        return f"  {sign}￥{_grouped(whole)}.{frac:02d} "
    if style == 3:
        return f"{sign}{_grouped(whole)}.{frac:02d}元"
    if style == 4:
        return f"({_grouped(whole)}.{frac:02d})" if c < 0 else f"{_grouped(whole)}.{frac:02d}"
    if style == 5:
        return f"{sign}{dec}".translate(FULL_WIDTH)
    if style == 6:
        return f"RMB {sign}{dec}"
    return f"{sign}{dec}块"


@SETTINGS
@given(st.lists(st.tuples(cents, st.integers(0, 7)), min_size=1, max_size=30))
def test_amounts_read_back_in_every_style(items):
    texts = [write_amount(c, style) for c, style in items]
    got = cio.parse_amounts(texts)
    expected = np.array([c / 100 for c, _ in items])
    np.testing.assert_allclose(got.to_numpy(), expected, rtol=0, atol=1e-6)


@SETTINGS
@given(st.integers(min_value=-99999, max_value=99999), st.integers(0, 3),
       st.sampled_from([("千", 10**3), ("万", 10**4), ("百万", 10**6), ("亿", 10**8)]))
def test_amounts_with_chinese_units(digits, decimals, unit):
    """1.2万 = 12,000 exactly: the unit scales the written digits without float noise."""
    word, factor = unit
    sign = "-" if digits < 0 else ""
    whole, frac = divmod(abs(digits), 10**decimals)
    text = f"{sign}{whole}.{frac:0{decimals}d}{word}" if decimals else f"{sign}{whole}{word}"
    got = cio.parse_amounts([text]).iloc[0]
    assert got == digits * factor // 10**decimals, text


@SETTINGS
@given(st.lists(st.tuples(cents, st.integers(0, 7)), min_size=2, max_size=20), st.randoms(use_true_random=False))
def test_amounts_parse_elementwise(items, rnd):
    """Each value is parsed on its own: shuffling the input shuffles the output."""
    texts = [write_amount(c, style) for c, style in items]
    perm = list(range(len(texts)))
    rnd.shuffle(perm)
    a = cio.parse_amounts(texts).to_numpy()
    b = cio.parse_amounts([texts[i] for i in perm]).to_numpy()
    np.testing.assert_array_equal(a[perm], b)


junk_scalars = st.one_of(
    st.text(max_size=12),
    st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.binary(max_size=6),
    st.sampled_from(["-", "¥-", "(-300)", "1,20", "#VALUE!", "12..5", "1.2.3", "万", "(", "()", "0x10", "1e400"]),
)


@SETTINGS
@given(st.lists(junk_scalars, min_size=1, max_size=15))
def test_amount_junk_raises_crmdataerror_or_parses(values):
    try:
        got = cio.parse_amounts(values)
    except CRMDataError as exc:
        assert_chinese_error(exc)
        return
    assert len(got) == len(values)
    assert got.dtype == float
    assert not np.isinf(got.to_numpy()).any()
    coerced = cio.parse_amounts(values, errors="coerce")
    np.testing.assert_array_equal(coerced.to_numpy(), got.to_numpy())


@SETTINGS
@given(st.lists(junk_scalars, min_size=1, max_size=15))
def test_amount_coerce_never_raises(values):
    got = cio.parse_amounts(values, errors="coerce")
    assert len(got) == len(values) and not np.isinf(got.to_numpy()).any()


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

dates = st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2150, 12, 31))


def write_date(d: dt.date, style: int):
    """Write ``d`` in one of the styles of Chinese exports (str, or an int Excel serial)."""
    y, m, day = d.year, d.month, d.day
    if style == 0:
        return d.isoformat()
    if style == 1:
        return f"{y}/{m}/{day}"
    if style == 2:
        return f"{y}年{m}月{day}日"
    if style == 3:
        return f"{y}{m:02d}{day:02d}"
    if style == 4:
        return f"{y}.{m}.{day}"
    if style == 5:
        return f"{y}年{m:02d}月{day:02d}日".translate(FULL_WIDTH)
    if style == 6:
        return f"{y}/{m:02d}/{day:02d} 00:00:00"
    if style == 7:
        return (d - EXCEL_EPOCH).days  # Excel serial (a number cell)
    if style == 8:
        return str((d - EXCEL_EPOCH).days)  # Excel serial written as text
    if style == 9:
        return dt.datetime(y, m, day)  # a real Excel date cell
    return f" {y}-{m}-{day} "


def serial_ok(d: dt.date) -> bool:
    return 10000 <= (d - EXCEL_EPOCH).days < 100000


@SETTINGS
@given(st.lists(st.tuples(dates, st.integers(0, 10)), min_size=1, max_size=30))
def test_dates_read_back_in_every_style(items):
    items = [(d, s) for d, s in items if s not in (7, 8) or serial_ok(d)]
    assume(items)
    values = [write_date(d, s) for d, s in items]
    got = cio.parse_dates(pd.Series(values, dtype=object))
    expected = pd.to_datetime([d.isoformat() for d, _ in items]).to_numpy("datetime64[ns]")
    np.testing.assert_array_equal(got.to_numpy("datetime64[ns]"), expected)


@SETTINGS
@given(st.lists(dates, min_size=1, max_size=20), st.booleans())
def test_day_first_dates_decided_by_the_column(ds, with_big_day):
    """05/01/2024: read when a day above 12 shows the order (or dayfirst= is given), never guessed."""
    if with_big_day:
        ds = [*ds, dt.date(2024, 3, 25)]
    values = [f"{d.day:02d}/{d.month:02d}/{d.year}" for d in ds]
    expected = pd.to_datetime([d.isoformat() for d in ds]).to_numpy("datetime64[ns]")
    np.testing.assert_array_equal(cio.parse_dates(values, dayfirst=True).to_numpy("datetime64[ns]"), expected)
    evident = any(d.day > 12 for d in ds)
    ambiguous = any(d.day <= 12 and d.day != d.month for d in ds)
    if evident:
        np.testing.assert_array_equal(cio.parse_dates(values).to_numpy("datetime64[ns]"), expected)
    elif ambiguous:
        with pytest.raises(CRMDataError, match="dayfirst"):
            cio.parse_dates(values)


@SETTINGS
@given(st.lists(st.tuples(dates, st.integers(0, 10)), min_size=2, max_size=20), st.randoms(use_true_random=False))
def test_dates_parse_elementwise(items, rnd):
    items = [(d, s) for d, s in items if s not in (7, 8) or serial_ok(d)]
    assume(len(items) >= 2)
    values = [write_date(d, s) for d, s in items]
    perm = list(range(len(values)))
    rnd.shuffle(perm)
    a = cio.parse_dates(pd.Series(values, dtype=object)).to_numpy("datetime64[ns]")
    b = cio.parse_dates(pd.Series([values[i] for i in perm], dtype=object)).to_numpy("datetime64[ns]")
    np.testing.assert_array_equal(a[perm], b)


@SETTINGS
@given(st.lists(junk_scalars, min_size=1, max_size=15))
def test_date_junk_raises_crmdataerror_or_parses(values):
    try:
        got = cio.parse_dates(values)
    except CRMDataError as exc:
        assert_chinese_error(exc)
        return
    assert len(got) == len(values)
    assert str(got.dtype) == "datetime64[ns]"
    coerced = cio.parse_dates(values, errors="coerce")
    np.testing.assert_array_equal(coerced.to_numpy(), got.to_numpy())


# ---------------------------------------------------------------------------
# Whole files: encodings, column aliases, junk
# ---------------------------------------------------------------------------

# common characters of Chinese product names: all in GBK (the U+4E00-U+9FA5 block is)
hanzi = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
name_text = st.text(
    alphabet=st.one_of(hanzi, st.sampled_from(list("abcXYZ0123456789 ,-（）·"))), min_size=1, max_size=12
).map(str.strip).filter(lambda t: t != "" and t.lower() not in {"nan", "na", "null", "none", "n/a"})

rows = st.lists(
    st.tuples(st.integers(1, 99999), dates, cents, name_text), min_size=1, max_size=25,
)


def frame_of(rows) -> pd.DataFrame:
    return pd.DataFrame({
        "客户编号": [f"C{c:05d}" for c, _, _, _ in rows],
        "订单号": [f"O{i:06d}" for i in range(len(rows))],
        "日期": [d.isoformat() for _, d, _, _ in rows],
        "金额": [f"{a / 100:.2f}" for _, _, a, _ in rows],
        "商品名称": [t for _, _, _, t in rows],
    })


def check_read(got: pd.DataFrame, frame: pd.DataFrame) -> None:
    assert list(got.columns[:4]) == ["customer_id", "order_id", "order_date", "amount"]
    assert got["customer_id"].tolist() == frame["客户编号"].tolist()
    assert got["order_id"].tolist() == frame["订单号"].tolist()
    np.testing.assert_array_equal(got["order_date"].to_numpy(), pd.to_datetime(frame["日期"]).to_numpy("datetime64[ns]"))
    np.testing.assert_allclose(got["amount"].to_numpy(), frame["金额"].astype(float).to_numpy(), rtol=0, atol=1e-9)
    assert got["product"].tolist() == frame["商品名称"].tolist()


@SETTINGS
@given(rows, st.sampled_from(["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"]), st.sampled_from([",", "\t", ";"]))
def test_csv_in_any_encoding_reads_back(rows, encoding, sep):
    frame = frame_of(rows)
    data = frame.to_csv(index=False, sep=sep).encode(encoding)
    got = cio.read_transactions(data, filename="销售.csv")
    check_read(got, frame)


def mutate_name(name: str, how: int) -> str:
    """A column name as people type it: other case, spaces, a unit suffix."""
    if how == 0:
        return name.upper()
    if how == 1:
        return f" {name.lower()} "
    if how == 2:
        return name.replace(" ", "_")
    if how == 3:
        return f"{name}（元）"
    if how == 4:
        return f"{name} (RMB)"
    return name


def alias_for(canon: str):
    return st.tuples(st.sampled_from(cio.TRANSACTION_ALIASES[canon]), st.integers(0, 5))


@SETTINGS
@given(alias_for("customer_id"), alias_for("order_id"), alias_for("order_date"), alias_for("amount"), rows)
def test_any_alias_of_the_columns_is_recognised(cid, oid, date, amount, rows):
    frame = frame_of(rows)
    names = [mutate_name(a, how) for a, how in (cid, oid, date, amount)]
    frame.columns = [*names, "商品名称"]
    got = cio.read_transactions(frame.to_csv(index=False).encode("utf-8"), filename="x.csv")
    frame.columns = ["客户编号", "订单号", "日期", "金额", "商品名称"]
    check_read(got, frame)


def test_every_alias_key_belongs_to_one_column():
    """No column name is an alias of two canonical columns (the table itself is consistent)."""
    for aliases in (cio.TRANSACTION_ALIASES, cio.CUSTOMER_ALIASES):
        owner: dict[str, str] = {}
        for canon, names in aliases.items():
            for a in names:
                key = column_key(a)
                assert owner.setdefault(key, canon) == canon, f"{a!r}: {owner[key]} and {canon}"


BAD_CELLS = {
    "金额": ["abc", "1,20", "#VALUE!", "12..5", "2024-01-05", "-", "(-300)", "", "N/A"],
    "日期": ["abc", "2024-13-45", "明天", "=SUM(A1)", "2024年2月30日", "", "NULL"],
    "客户编号": ["", "  ", "N/A", "4.40101E+17"],
}


@SETTINGS
@given(rows, st.integers(0, 100), st.sampled_from(sorted(BAD_CELLS)), st.integers(0, 100))
def test_a_bad_cell_is_reported_with_its_excel_row(rows, pos, column, which):
    frame = frame_of(rows)
    i = pos % len(frame)
    frame.loc[i, column] = BAD_CELLS[column][which % len(BAD_CELLS[column])]
    data = frame.to_csv(index=False).encode("utf-8")
    with pytest.raises(CRMDataError) as info:
        cio.read_transactions(data, filename="x.csv")
    assert_chinese_error(info.value)
    assert re.search(rf"第 ([0-9、]+、)?{i + 2}(、| 行)", str(info.value)), str(info.value)
    if len(frame) == 1:  # nothing would be left: still an error, not an empty frame
        with pytest.raises(CRMDataError):
            cio.read_transactions(data, filename="x.csv", errors="drop")
        return
    dropped = cio.read_transactions(data, filename="x.csv", errors="drop")
    assert len(dropped) == len(frame) - 1
    assert cio.dropped_rows(dropped)["row"].tolist() == [i + 2]


@settings(max_examples=100)
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300).map(lambda t: t.encode("utf-8"))),
       st.sampled_from(["x.csv", "x.xlsx", "x.txt", "x.xls", "x.json", None]))
def test_junk_files_raise_crmdataerror(data, filename):
    try:
        got = cio.read_transactions(data, filename=filename)
    except CRMDataError as exc:
        assert_chinese_error(exc)
        return
    assert {"customer_id", "order_id", "order_date", "amount"} <= set(got.columns)


@settings(max_examples=60)
@given(st.lists(st.lists(junk_scalars, min_size=4, max_size=4), min_size=1, max_size=8))
def test_junk_cells_under_a_good_header_raise_crmdataerror(cells):
    frame = pd.DataFrame(cells, columns=["客户编号", "订单号", "日期", "金额"])
    for reader in (cio.read_transactions, cio.read_customers):
        try:
            reader(frame)
        except CRMDataError as exc:
            assert_chinese_error(exc)
        try:
            reader(frame.map(str).to_csv(index=False).encode("gbk", errors="replace"), filename="x.csv")
        except CRMDataError as exc:
            assert_chinese_error(exc)


@settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow])
@given(rows, st.integers(0, 3))
def test_excel_workbook_reads_back(rows, title_lines):
    """Real Excel cells: dates as date cells, amounts as numbers, a title block above the header."""
    openpyxl = pytest.importorskip("openpyxl")
    import io

    frame = frame_of(rows)
    wb = openpyxl.Workbook()
    ws = wb.active
    for k in range(title_lines):
        ws.append([f"2024年销售明细（第{k + 1}页）"])
    ws.append(list(frame.columns))
    for r in frame.itertuples(index=False):
        ws.append([r[0], r[1], dt.datetime.fromisoformat(r[2]), float(r[3]), r[4]])
    buf = io.BytesIO()
    wb.save(buf)
    got = cio.read_transactions(buf.getvalue(), filename="销售.xlsx")
    check_read(got, frame)


@SETTINGS
@given(st.lists(st.integers(1, 30), min_size=1, max_size=30))
def test_repeated_customer_ids_are_reported(ids):
    frame = pd.DataFrame({"客户编号": [f"C{i:03d}" for i in ids], "姓名": ["张三"] * len(ids)})
    seen: set[int] = set()
    repeated = []
    for row, i in enumerate(ids):
        if i in seen:
            repeated.append(row + 2)
        seen.add(i)
    data = frame.to_csv(index=False).encode("utf-8-sig")
    if not repeated:
        assert cio.read_customers(data, filename="客户.csv")["customer_id"].tolist() == frame["客户编号"].tolist()
        return
    with pytest.raises(CRMDataError, match="重复"):
        cio.read_customers(data, filename="客户.csv")
    kept = cio.read_customers(data, filename="客户.csv", errors="drop")
    assert kept["customer_id"].tolist() == sorted(set(frame["客户编号"]), key=frame["客户编号"].tolist().index)
    assert cio.dropped_rows(kept)["row"].tolist() == repeated


@pytest.mark.parametrize("word", ["inf", "-inf", "Infinity", "nan"])
def test_extra_column_with_infinity_text_found_by_hypothesis(word):
    """A column that is not read (金额 in a customer list) holding 'inf' was cast to int64 and crashed."""
    data = f"客户编号,金额\nC1,{word}\nC2,5\n".encode()
    got = cio.read_customers(data, filename="客户.csv")
    assert got["customer_id"].tolist() == ["C1", "C2"]
    assert len(got["金额"]) == 2
