"""Property-based tests (hypothesis) for the codes and checks of the customer information base.

The vectorised checks (used by imports of 100,000 rows) must agree with the
scalar ones (used by the data-card form) on any input; generated valid
numbers must pass, one changed digit must fail.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmlab.infobase import codes

SETTINGS = settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])

digits = st.text(alphabet="0123456789", min_size=1, max_size=20)
FULL = str.maketrans("0123456789+-", "０１２３４５６７８９＋－")

# what people type into a phone / ID / e-mail field, valid or not
phone_like = st.one_of(
    st.builds(lambda p, n: p + n, st.sampled_from(["", "+86", "0086", "86", "+86-", "(+86) "]),
              st.text(alphabet="0123456789 -", min_size=0, max_size=15)),
    st.builds(lambda n: ("1" + n).translate(FULL), st.text(alphabet="0123456789", min_size=10, max_size=10)),
    st.text(max_size=15),
    st.integers(min_value=0, max_value=10**13),
    st.none(),
)


@SETTINGS
@given(st.lists(phone_like, min_size=1, max_size=20))
def test_phone_checks_agree_scalar_and_vectorised(values):
    s = pd.Series(values, dtype=object)
    assert codes.normalize_phone_series(s).tolist() == [codes.normalize_phone(v) for v in values]
    assert codes.validate_mobile_series(s).tolist() == [codes.validate_mobile(v) for v in values]


def id_number(birth: dt.date, area: int, seq: int) -> str:
    body = f"{area:06d}{birth:%Y%m%d}{seq:03d}"
    return body + codes.id_check_digit(body)


ids = st.builds(id_number, st.dates(dt.date(1900, 1, 1), dt.date(2025, 12, 31)), st.integers(110000, 659999),
                st.integers(0, 999))
id_like = st.one_of(
    ids,
    ids.map(lambda s: s[:-1] + str((int(s[-1]) + 1) % 10) if s[-1] != "X" else s[:-1] + "0"),  # wrong check digit
    ids.map(lambda s: s.lower()),
    ids.map(lambda s: s.translate(FULL)),
    ids.map(lambda s: f" {s[:6]} {s[6:14]} {s[14:]} "),
    st.text(alphabet="0123456789Xx", min_size=15, max_size=19),
    st.text(max_size=20),
    st.none(),
)


@SETTINGS
@given(st.lists(id_like, min_size=1, max_size=20))
def test_id_checks_agree_scalar_and_vectorised(values):
    s = pd.Series(values, dtype=object)
    assert codes.validate_id_series(s).tolist() == [codes.validate_id_number(v) for v in values]


@SETTINGS
@given(ids, st.integers(0, 16), st.integers(1, 9))
def test_valid_ids_pass_and_one_changed_digit_fails(value, pos, delta):
    assert codes.validate_id_number(value)
    changed = value[:pos] + str((int(value[pos]) + delta) % 10) + value[pos + 1:]
    assert not codes.validate_id_number(changed)  # GB 11643 detects every single-digit error


email_like = st.one_of(
    st.emails(),
    st.emails().map(str.upper),
    st.emails().map(lambda e: f"  {e} "),
    st.text(max_size=25),
    st.builds(lambda a, b: f"{a}@{b}", st.text(max_size=8), st.text(max_size=8)),
    st.none(),
)


@SETTINGS
@given(st.lists(email_like, min_size=1, max_size=20))
def test_email_checks_agree_scalar_and_vectorised(values):
    s = pd.Series(values, dtype=object)
    assert codes.validate_email_series(s).tolist() == [codes.validate_email(v) for v in values]


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["个人", "企业"]), st.sampled_from([*codes.REGION_CODES, "火星", None])),
                min_size=1, max_size=30), st.integers(1, 999_000))
def test_customer_codes_agree_and_check(items, start):
    types = [t for t, _ in items]
    regions = [r for _, r in items]
    got = codes.make_customer_codes(types, regions, start=start).tolist()
    assert got == [codes.make_customer_code(t, r, start + i) for i, (t, r) in enumerate(items)]
    assert all(codes.check_customer_code(c) for c in got)
    assert len(set(got)) == len(got)
    for c in got:  # one changed digit of the body is detected by the Luhn check digit
        body = c[1:9]
        wrong = c[0] + body[:-1] + str((int(body[-1]) + 1) % 10) + c[9]
        assert not codes.check_customer_code(wrong)


def test_phone_found_by_hypothesis_normalised_the_same_way():
    """'00860000000' (11 digits) was '0000000' for the form but kept as typed by the import."""
    for v in ("00860000000", "0086 138 1234 5678", "+86 138-1234-5678", "8613812345678", "13812345678"):
        assert codes.normalize_phone_series(pd.Series([v])).tolist() == [codes.normalize_phone(v)]
    assert codes.normalize_phone("0086 138 1234 5678") == "13812345678"
    assert codes.normalize_phone("00860000000") == "00860000000"
