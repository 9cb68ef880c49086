"""Customer codes and validation of mobile numbers, e-mail addresses and ID numbers.

Customer code rule (编码规则)
----------------------------
A customer code has 10 characters ``T RR SSSSSS C``:

* ``T`` -- customer type: ``P`` for 个人 (person), ``B`` for 企业 (business);
* ``RR`` -- region number, see :data:`REGION_CODES` (华东 = 01 ... 东北 = 07, 00 = unknown);
* ``SSSSSS`` -- a sequence number, unique inside the information base;
* ``C`` -- a check digit: the Luhn (mod 10) digit over the eight digits ``RRSSSSSS``.

Example: an individual customer in 华北 with sequence 42 gets ``P02000042`` + check
digit.  The check digit catches every single mistyped digit and most swaps of two
neighbouring digits, so a code typed wrongly by a clerk is rejected at once.

Resident ID numbers (GB 11643-1999): 17 digits + a check digit.  The check digit
is ``"10X98765432"[sum(d_i * w_i) mod 11]`` with weights
``7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2``; digits 7-14 are the birth date.

All functions accept scalars; the ``*_series`` / :func:`validate_frame` variants
are vectorised for large imports (100,000 rows in well under a second).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.labels import pick

REGION_CODES: dict[str, str] = {
    "华东": "01",
    "华北": "02",
    "华南": "03",
    "华中": "04",
    "西南": "05",
    "西北": "06",
    "东北": "07",
}
TYPE_CODES: dict[str, str] = {"个人": "P", "企业": "B"}

ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
ID_CHECK_CHARS = "10X98765432"

_MOBILE_RE = r"^1[3-9][0-9]{9}$"
_EMAIL_RE = r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$"
_NON_DIGIT = re.compile(r"[\s\-–—()（）.·]")


# --------------------------------------------------------------------------
# Luhn check digit and customer codes
# --------------------------------------------------------------------------
def luhn_digit(digits: str) -> str:
    """Luhn check digit for a string of digits."""
    if not digits.isdigit():
        raise CRMDataError(f"编码主体“{digits}”只能包含数字。")
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:  # rightmost digit of the body is doubled
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def make_customer_code(customer_type: str, region: str, sequence: int) -> str:
    """Code for one customer, e.g. ``make_customer_code("个人", "华北", 42)``."""
    if customer_type not in TYPE_CODES:
        raise CRMDataError(f"客户类型“{customer_type}”无法编码：只能是“个人”或“企业”。")
    if not isinstance(sequence, (int, np.integer)) or not 0 < int(sequence) < 1_000_000:
        raise CRMDataError(f"顺序号 {sequence} 无效：必须是 1 到 999999 之间的整数。")
    body = REGION_CODES.get(region, "00") + f"{int(sequence):06d}"
    return TYPE_CODES[customer_type] + body + luhn_digit(body)


def make_customer_codes(types: Iterable, regions: Iterable, start: int = 1) -> pd.Series:
    """Vectorised :func:`make_customer_code` for sequences ``start, start+1, ...``."""
    def as_obj(v):
        return pd.Series(v.to_numpy(dtype=object) if isinstance(v, pd.Series) else list(v), dtype=object)

    types, regions = as_obj(types), as_obj(regions)
    if len(types) != len(regions):
        raise CRMDataError(f"客户类型有 {len(types)} 个，地区有 {len(regions)} 个：两者必须一一对应。")
    n = len(types)
    if n == 0:
        return pd.Series([], dtype=object)
    if start < 1 or start + n - 1 >= 1_000_000:
        raise CRMDataError("顺序号已用完（最多 999999 位客户），请检查起始顺序号。")
    t = types.map(TYPE_CODES)
    if t.isna().any():
        bad = types[t.isna()].unique()[:3]
        raise CRMDataError(f"客户类型 {list(bad)} 无法编码：只能是“个人”或“企业”。")
    r = regions.map(REGION_CODES).fillna("00").tolist()
    seq = np.arange(start, start + n, dtype=np.int64)
    body_num = np.array(r, dtype=np.int64) * 1_000_000 + seq
    digits = np.stack([(body_num // 10**k) % 10 for k in range(8)], axis=1)  # column 0 = rightmost
    doubled = digits[:, 0::2] * 2
    doubled = np.where(doubled > 9, doubled - 9, doubled)
    check = ((10 - (doubled.sum(axis=1) + digits[:, 1::2].sum(axis=1)) % 10) % 10).tolist()
    return pd.Series(
        [f"{tt}{b:08d}{c}" for tt, b, c in zip(t.tolist(), body_num.tolist(), check)], dtype=object
    )


def check_customer_code(code: str) -> bool:
    """True when ``code`` follows the rule and its check digit is right."""
    if not isinstance(code, str) or not re.fullmatch(r"[PB][0-9]{9}", code):
        return False
    return luhn_digit(code[1:9]) == code[9]


# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------
def to_halfwidth(text: str) -> str:
    """Full-width digits/letters/punctuation -> ASCII (NFKC)."""
    return unicodedata.normalize("NFKC", text)


def normalize_phone(value) -> str:
    """Digits of a mobile number: drops ``+86``/``0086``, spaces, dashes, full-width forms."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    s = _NON_DIGIT.sub("", to_halfwidth(str(value)))
    s = s.lstrip("+")
    if s.startswith("0086") and len(s) == 15:  # 0086 + 11 digits (a shorter number is left as typed)
        s = s[4:]
    elif s.startswith("86") and len(s) == 13:
        s = s[2:]
    return s


def normalize_phone_series(values: pd.Series) -> pd.Series:
    """Vectorised :func:`normalize_phone` (returns plain str values)."""
    return pd.Series(_phone_norm_list(_as_text_list(values)), index=values.index, dtype=object)


def normalize_email(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return to_halfwidth(str(value)).strip().lower()


def normalize_id(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return re.sub(r"\s", "", to_halfwidth(str(value))).upper()


# --------------------------------------------------------------------------
# Validation (scalars)
# --------------------------------------------------------------------------
def id_check_digit(first17: str) -> str:
    """GB 11643 check character for the first 17 digits of an ID number."""
    if isinstance(first17, (int, np.integer)) and not isinstance(first17, bool):
        first17 = str(first17)
    if not isinstance(first17, str):
        raise CRMDataError("身份证号前 17 位应写成文字，例如 \"11010519491231002\"。")
    first17 = to_halfwidth(first17).strip()
    if len(first17) != 17 or not first17.isdigit():
        raise CRMDataError("身份证号前 17 位必须全是数字。")
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS))
    return ID_CHECK_CHARS[total % 11]


def validate_id_number(value) -> bool:
    """True for an 18-character ID with a valid birth date and check digit."""
    s = normalize_id(value)
    if not re.fullmatch(r"[0-9]{17}[0-9X]", s):
        return False
    try:
        pd.Timestamp(f"{s[6:10]}-{s[10:12]}-{s[12:14]}")
    except ValueError:
        return False
    return id_check_digit(s[:17]) == s[17]


def validate_mobile(value) -> bool:
    """True for an 11-digit mainland mobile number (after normalisation)."""
    return bool(re.fullmatch(_MOBILE_RE, normalize_phone(value)))


def validate_email(value) -> bool:
    return bool(re.fullmatch(_EMAIL_RE, normalize_email(value)))


# --------------------------------------------------------------------------
# Validation (vectorised)
# --------------------------------------------------------------------------
_MOBILE_C = re.compile(_MOBILE_RE)
_EMAIL_C = re.compile(_EMAIL_RE)
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def _as_text_list(values) -> list[str]:
    """Values as a list of str ('' for missing), NFKC-normalised when non-ASCII."""
    vals = values.to_numpy(dtype=object, na_value=None).tolist() if isinstance(values, pd.Series) else list(values)
    out = [v if type(v) is str else ("" if v is None or v is pd.NA or v is pd.NaT or v != v else str(v)) for v in vals]
    return [v if v.isascii() else unicodedata.normalize("NFKC", v) for v in out]


def _phone_digits(v: str) -> str:
    if len(v) == 11 and v.isdigit():
        return v
    v = _NON_DIGIT.sub("", v).lstrip("+")
    if v.startswith("0086") and len(v) == 15:
        return v[4:]
    if v.startswith("86") and len(v) == 13:
        return v[2:]
    return v


def _codepoints(texts: list[str], lengths: np.ndarray) -> np.ndarray:
    """``(n, width)`` array of Unicode code points, 0-padded on the right.

    Built in C by numpy's fixed-width unicode dtype; ``lengths`` (the true
    ``len`` of each text) guards against numpy dropping trailing NUL characters.
    """
    n = len(texts)
    if n == 0:
        return np.zeros((0, 0), dtype=np.uint32)
    u = np.array(texts, dtype=str)
    width = u.dtype.itemsize // 4
    cp = u.view(np.uint32).reshape(n, width) if width else np.zeros((n, 0), dtype=np.uint32)
    # a text that ends in NUL characters is shortened by numpy: mark it as not matching any shape
    short = (cp != 0).sum(axis=1) != lengths
    if short.any():
        cp = cp.copy()
        cp[short] = 0xFFFF
    return cp


def _is_digit_cp(cp: np.ndarray) -> np.ndarray:
    return (cp >= 48) & (cp <= 57)


def _phone_norm_list(text: list[str]) -> list[str]:
    """Normalised phone digits for already text-normalised values.

    Fast path (vectorised): values that are exactly 11 ASCII digits are already
    normalised; only the others (spaces, +86, dashes ...) go through the regex.
    """
    n = len(text)
    if n == 0:
        return []
    lengths = np.fromiter(map(len, text), dtype=np.int64, count=n)
    plain = lengths == 11
    if plain.any():
        cp = _codepoints([text[i] for i in np.flatnonzero(plain)], np.full(int(plain.sum()), 11))
        plain[np.flatnonzero(plain)] = _is_digit_cp(cp[:, :11]).all(axis=1) if cp.shape[1] >= 11 else False
    if plain.all():
        return list(text)
    out = list(text)
    for i in np.flatnonzero(~plain).tolist():
        out[i] = _phone_digits(out[i]) if out[i] else ""
    return out


def _mobile_ok(digits: list[str]) -> np.ndarray:
    """``^1[3-9][0-9]{9}$`` on normalised digits, vectorised."""
    n = len(digits)
    lengths = np.fromiter(map(len, digits), dtype=np.int64, count=n)
    ok = lengths == 11
    if not ok.any():
        return ok
    idx = np.flatnonzero(ok)
    cp = _codepoints([digits[i] for i in idx], np.full(len(idx), 11))[:, :11]
    good = _is_digit_cp(cp).all(axis=1) & (cp[:, 0] == ord("1")) & (cp[:, 1] >= ord("3")) & (cp[:, 1] <= ord("9"))
    ok[idx] = good
    return ok


def _email_ok(text: list[str]) -> np.ndarray:
    match = _EMAIL_C.match
    return np.fromiter((match(v.strip().lower()) is not None for v in text), dtype=bool, count=len(text))


def _valid_ymd(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """True where year/month/day form a real calendar date (Gregorian leap years)."""
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    mdays = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[np.clip(m, 0, 12)]
    mdays = mdays + ((m == 2) & leap)
    return (y >= 1) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= mdays)


def _id_ok(text: list[str]) -> np.ndarray:
    """18-character GB 11643 ID: shape, real birth date and check character, vectorised."""
    s = [v.replace(" ", "").upper() if v else "" for v in text]
    n = len(s)
    lengths = np.fromiter(map(len, s), dtype=np.int64, count=n)
    out = lengths == 18
    if not out.any():
        return out
    idx = np.flatnonzero(out)
    cp = _codepoints([s[i] for i in idx], np.full(len(idx), 18))[:, :18].astype(np.int64)
    if cp.shape[1] < 18:
        out[idx] = False
        return out
    shape = _is_digit_cp(cp[:, :17]).all(axis=1) & (_is_digit_cp(cp[:, 17]) | (cp[:, 17] == ord("X")))
    digits = np.where(_is_digit_cp(cp[:, :17]), cp[:, :17] - 48, 0)
    expected = np.frombuffer(ID_CHECK_CHARS.encode(), dtype=np.uint8)[(digits @ ID_WEIGHTS) % 11]
    ok = shape & (expected == cp[:, 17])
    y = digits[:, 6:10] @ np.array([1000, 100, 10, 1])
    m = digits[:, 10:12] @ np.array([10, 1])
    d = digits[:, 12:14] @ np.array([10, 1])
    ok &= _valid_ymd(y, m, d)
    out[idx] = ok
    return out


def validate_mobile_series(values: pd.Series) -> pd.Series:
    ok = _mobile_ok(_phone_norm_list(_as_text_list(values)))
    return pd.Series(ok, index=values.index, dtype=bool)


def validate_email_series(values: pd.Series) -> pd.Series:
    return pd.Series(_email_ok(_as_text_list(values)), index=values.index, dtype=bool)


def validate_id_series(values: pd.Series) -> pd.Series:
    """Vectorised :func:`validate_id_number` (check digit and birth date)."""
    return pd.Series(_id_ok(_as_text_list(values)), index=values.index, dtype=bool)


_VALIDATORS = {
    "phone": validate_mobile_series,
    "email": validate_email_series,
    "id_number": validate_id_series,
}
FIELD_LABELS = pick((
    "phone", "email", "id_number",
), "infobase")


def validate_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Boolean columns ``phone_ok``, ``email_ok``, ``id_number_ok`` for the columns present.

    Empty values count as not valid; :func:`accuracy_report` separates them.
    Each column is turned into text once; the checks themselves are numpy
    operations on the code points (only unusual values go through a regex).
    """
    if not isinstance(df, pd.DataFrame):
        raise CRMDataError("需要一个 DataFrame（表格），其中有 phone、email 或 id_number 列。")
    out = {}
    checks = {"phone": lambda t: _mobile_ok(_phone_norm_list(t)), "email": _email_ok, "id_number": _id_ok}
    for col, fn in checks.items():
        if col in df.columns:
            text = _as_text_list(df[col])
            out[f"{col}_ok"] = pd.Series(fn(text), index=df.index, dtype=bool)
            out[f"{col}_filled"] = pd.Series(
                np.fromiter((bool(v) and not v.isspace() for v in text), dtype=bool, count=len(text)),
                index=df.index,
            )
    return pd.DataFrame(out, index=df.index)


def accuracy_report(df: pd.DataFrame, checks: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per field: records, filled, valid, invalid, 填写率 and 准确率 (valid / filled).

    ``checks`` may pass the result of :func:`validate_frame` to avoid validating twice.
    """
    if checks is None:
        checks = validate_frame(df)
    rows = []
    for col in _VALIDATORS:
        if col not in df.columns:
            continue
        filled = checks[f"{col}_filled"]
        valid = checks[f"{col}_ok"] & filled
        n_filled = int(filled.sum())
        rows.append(
            {
                "字段": FIELD_LABELS[col],
                "记录数": len(df),
                "已填写": n_filled,
                "有效": int(valid.sum()),
                "无效": n_filled - int(valid.sum()),
                "填写率": n_filled / len(df) if len(df) else float("nan"),
                "准确率": valid.sum() / n_filled if n_filled else float("nan"),
            }
        )
    if not rows:
        raise CRMDataError("表中没有 phone、email 或 id_number 列，无法做准确性检查。")
    return pd.DataFrame(rows).set_index("字段")


def birth_date_from_id(value) -> pd.Timestamp:
    """Birth date encoded in an ID number (NaT when invalid)."""
    s = normalize_id(value)
    if not validate_id_number(s):
        return pd.NaT
    return pd.Timestamp(f"{s[6:10]}-{s[10:12]}-{s[12:14]}")


__all__ = [
    "REGION_CODES",
    "TYPE_CODES",
    "accuracy_report",
    "birth_date_from_id",
    "check_customer_code",
    "id_check_digit",
    "luhn_digit",
    "make_customer_code",
    "make_customer_codes",
    "normalize_email",
    "normalize_id",
    "normalize_phone",
    "normalize_phone_series",
    "to_halfwidth",
    "validate_email",
    "validate_email_series",
    "validate_frame",
    "validate_id_number",
    "validate_id_series",
    "validate_mobile",
    "validate_mobile_series",
]
