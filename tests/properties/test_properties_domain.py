"""Property-based tests (hypothesis) for RFM, receivables ageing and 5C scoring.

Scores stay in range, totals are preserved, the order of the rows (and the
index labels) do not matter, boundaries are exact.  Expected values are
computed independently in plain Python, never with the code under test.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmlab import CRMDataError
from crmlab import credit as C
from crmlab.credit import LOWEST_GRADE
from crmlab.segment import quintile_scores, rfm

SETTINGS = settings(max_examples=50, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])  # for calls of ~0.1 s
ASOF = pd.Timestamp("2026-01-01")
DAY0 = dt.date(2024, 1, 1)

# ---------------------------------------------------------------------------
# RFM
# ---------------------------------------------------------------------------

tx_rows = st.lists(
    st.tuples(
        st.integers(0, 11),  # customer
        st.integers(0, 40),  # order number (lines of one order share it)
        st.integers(0, 730),  # day
        st.integers(1, 10**7),  # amount in cents
    ),
    min_size=1, max_size=60,
)


def transactions(rows, *, order_ids: bool = True) -> pd.DataFrame:
    """One customer per order: the order id includes the customer."""
    df = pd.DataFrame({
        "customer_id": [f"C{c:03d}" for c, _, _, _ in rows],
        "order_id": [f"O{c:03d}-{o:03d}" for c, o, _, _ in rows],
        "order_date": [pd.Timestamp(DAY0) + pd.Timedelta(days=d) for _, _, d, _ in rows],
        "amount": [a / 100 for _, _, _, a in rows],
    })
    return df if order_ids else df.drop(columns="order_id")


def expected_rfm(rows) -> dict[str, tuple[int, int, float]]:
    """recency, frequency (distinct orders), monetary per customer, in plain Python."""
    out: dict[str, list] = {}
    for c, o, d, a in rows:
        rec = out.setdefault(f"C{c:03d}", [-1, set(), 0])
        rec[0] = max(rec[0], d)
        rec[1].add(o)
        rec[2] += a
    asof_day = (ASOF.date() - DAY0).days
    return {k: (asof_day - last, len(orders), cents / 100) for k, (last, orders, cents) in out.items()}


@SETTINGS
@given(tx_rows, st.sampled_from(["cn8", "rf_grid"]), st.sampled_from(["score_mean", "value_mean", "value_median"]))
def test_rfm_values_and_score_ranges(rows, scheme, high_rule):
    table = rfm(transactions(rows), ASOF, scheme=scheme, high_rule=high_rule)
    exp = expected_rfm(rows)
    assert sorted(exp) == table.index.tolist()
    for cid, (rec, freq, mon) in exp.items():
        assert table.at[cid, "recency"] == rec
        assert table.at[cid, "frequency"] == freq
        assert table.at[cid, "monetary"] == pytest.approx(mon, abs=1e-6)
    for col in "RFM":
        assert table[col].between(1, 5).all()
        assert table[col].dtype.kind == "i"
    assert table["segment"].notna().all()
    # totals preserved: every yuan of the period is in exactly one customer's monetary
    assert table["monetary"].sum() == pytest.approx(sum(a for *_, a in rows) / 100, rel=1e-12)


@SETTINGS
@given(tx_rows)
def test_rfm_scores_follow_the_values(rows):
    """A larger value never gets a smaller score (recency: a smaller value)."""
    table = rfm(transactions(rows), ASOF)
    for value, score, sign in (("frequency", "F", 1), ("monetary", "M", 1), ("recency", "R", -1)):
        v = table[value].to_numpy(float) * sign
        s = table[score].to_numpy()
        order = np.argsort(v, kind="stable")
        assert (np.diff(s[order]) >= 0).all()
        equal = v[:, None] == v[None, :]
        assert not (equal & (s[:, None] != s[None, :])).any()  # equal values, equal scores
        strictly = v[:, None] > v[None, :]
        assert not (strictly & (s[:, None] < s[None, :])).any()


@SETTINGS
@given(tx_rows, st.randoms(use_true_random=False), st.booleans())
def test_rfm_row_order_and_index_do_not_matter(rows, rnd, order_ids):
    df = transactions(rows, order_ids=order_ids)
    perm = list(range(len(df)))
    rnd.shuffle(perm)
    shuffled = df.iloc[perm]
    shuffled.index = [0] * len(df)  # duplicated index labels, as after a careless concat
    a = rfm(df, ASOF)
    b = rfm(shuffled, ASOF)
    pd.testing.assert_frame_equal(a, b)


@SETTINGS
@given(tx_rows, st.randoms(use_true_random=False))
def test_rfm_does_not_depend_on_customer_ids(rows, rnd):
    """Relabelling the customers (a random one-to-one renaming) moves nobody between scores or segments."""
    df = transactions(rows)
    old = sorted(df["customer_id"].unique())
    new = [f"Z{i:03d}" for i in range(len(old))]
    rnd.shuffle(new)
    rename = dict(zip(old, new))
    renamed = df.assign(customer_id=df["customer_id"].map(rename))
    a = rfm(df, ASOF)
    b = rfm(renamed, ASOF).loc[[rename[c] for c in a.index]]
    for col in ("recency", "frequency", "R", "F", "M", "code", "segment"):
        assert a[col].tolist() == b[col].tolist(), col


score_values = st.lists(st.integers(0, 6), min_size=1, max_size=40)  # small range: many ties


@SETTINGS
@given(score_values, st.randoms(use_true_random=False), st.booleans())
def test_quintile_scores_ties_and_permutations(values, rnd, ascending):
    v = np.array(values, dtype=float)
    s = quintile_scores(v, ascending=ascending)
    perm = list(range(len(v)))
    rnd.shuffle(perm)
    assert quintile_scores(v[perm], ascending=ascending).tolist() == s[perm].tolist()  # order invariant
    for x in set(values):  # equal values, equal scores
        assert len(set(s[v == x])) == 1
    # never more distinct scores than distinct values, and never outside 1..5
    assert len(set(s)) <= len(set(values)) and s.min() >= 1 and s.max() <= 5
    # independent reference: ceil(5 * mid rank / n), the group's mid rank being the mean of its places
    n = len(v)
    for i, x in enumerate(v):
        before = sum(1 for y in v if (y < x if ascending else y > x))
        places = range(before + 1, before + 1 + sum(1 for y in v if y == x))
        mid = sum(places) / len(places)
        assert s[i] == math.ceil(5 * mid / n - 1e-12)


@SETTINGS
@given(tx_rows)
def test_rfm_duplicated_rows_count_money_not_orders(rows):
    """The same order lines twice: monetary doubles, orders and recency do not change."""
    df = transactions(rows)
    once = rfm(df, ASOF)
    twice = rfm(pd.concat([df, df]), ASOF)  # index labels repeat too
    np.testing.assert_array_equal(once["frequency"], twice["frequency"])
    np.testing.assert_array_equal(once["recency"], twice["recency"])
    np.testing.assert_allclose(twice["monetary"], 2 * once["monetary"], rtol=1e-12)


@SETTINGS
@given(tx_rows, st.lists(st.tuples(st.integers(0, 11), st.integers(1, 10**6)), max_size=10))
def test_rfm_returns_reduce_monetary_never_below_zero(rows, returns):
    df = transactions(rows)
    ret = pd.DataFrame({
        "customer_id": [f"C{c:03d}" for c, _ in returns],
        "order_id": [f"R{i}" for i in range(len(returns))],
        "order_date": pd.Timestamp("2025-06-01"),
        "amount": [-a / 100 for _, a in returns],
    })
    table = rfm(pd.concat([df, ret], ignore_index=True), ASOF)
    exp = expected_rfm(rows)
    assert sorted(exp) == table.index.tolist()  # returns alone make no customer
    for cid, (rec, freq, mon) in exp.items():
        back = sum(a for c, a in returns if f"C{c:03d}" == cid) / 100
        assert table.at[cid, "monetary"] == pytest.approx(max(mon - back, 0.0), abs=1e-6)
        assert table.at[cid, "frequency"] == freq and table.at[cid, "recency"] == rec
    assert (table["monetary"] >= 0).all()


@SETTINGS
@given(st.lists(st.one_of(st.none(), st.text(max_size=5), st.floats(), st.integers(), st.booleans()),
                min_size=1, max_size=8), st.sampled_from(["customer_id", "order_date", "amount"]))
def test_rfm_junk_gives_crmdataerror(junk, column):
    """A Chinese error, or scores in range; never a pandas warning (a learner would see it in pink)."""
    df = transactions([(i % 3, i, i, 100) for i in range(len(junk))])
    df[column] = pd.Series(junk, dtype=object)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            table = rfm(df, ASOF)
    except CRMDataError as exc:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(exc))
        return
    assert table[list("RFM")].isin(range(1, 6)).all().all()


# ---------------------------------------------------------------------------
# Receivables ageing
# ---------------------------------------------------------------------------

BOUNDS = [(0, C.BUCKETS[0]), (30, C.BUCKETS[1]), (60, C.BUCKETS[2]), (90, C.BUCKETS[3]), (180, C.BUCKETS[4])]


def bucket_by_hand(days: int) -> str:
    for upper, name in BOUNDS:
        if days <= upper:
            return name
    return C.BUCKETS[5]


invoice_rows = st.lists(
    st.tuples(
        st.integers(0, 7),  # customer
        st.integers(1, 10**8),  # amount in cents
        st.integers(0, 700),  # issue day
        st.integers(0, 120),  # terms
        st.one_of(st.none(), st.integers(0, 400)),  # paid after issue (None: unpaid)
    ),
    min_size=1, max_size=50,
)


def invoices(rows) -> pd.DataFrame:
    issue = [pd.Timestamp(DAY0) + pd.Timedelta(days=i) for _, _, i, _, _ in rows]
    return pd.DataFrame({
        "invoice_id": [f"INV{k:04d}" for k in range(len(rows))],
        "customer_id": [f"K{c}" for c, *_ in rows],
        "amount": [a / 100 for _, a, *_ in rows],
        "issue_date": issue,
        "due_date": [d + pd.Timedelta(days=t) for d, (_, _, _, t, _) in zip(issue, rows)],
        "paid_date": [pd.NaT if p is None else d + pd.Timedelta(days=p) for d, (*_, p) in zip(issue, rows)],
    })


def open_by_hand(rows, asof_day: int) -> list[tuple[str, float, int]]:
    """(customer, amount, days overdue) of invoices open at ``asof_day`` (days since DAY0)."""
    out = []
    for c, a, issue, terms, paid in rows:
        if issue <= asof_day and (paid is None or issue + paid > asof_day):
            out.append((f"K{c}", a / 100, asof_day - (issue + terms)))
    return out


@SETTINGS
@given(invoice_rows, st.integers(0, 900))
def test_aging_totals_and_buckets(rows, asof_day):
    asof = pd.Timestamp(DAY0) + pd.Timedelta(days=asof_day)
    inv = invoices(rows)
    expected = open_by_hand(rows, asof_day)
    op = C.open_invoices(inv, asof)
    assert len(op) == len(expected)
    assert op["bucket"].isin(C.BUCKETS).all()  # every open invoice in exactly one bucket
    assert sorted(zip(op["customer_id"], op["days_overdue"], op["bucket"])) == sorted(
        (c, d, bucket_by_hand(d)) for c, _, d in expected
    )
    table = C.aging(inv, asof)
    total = sum(a for _, a, _ in expected)
    assert table[C.TOTAL].sum() == pytest.approx(total, abs=1e-6)
    np.testing.assert_allclose(table[list(C.BUCKETS)].sum(axis=1), table[C.TOTAL], atol=1e-6)
    for bucket in C.BUCKETS:
        by_hand = sum(a for _, a, d in expected if bucket_by_hand(d) == bucket)
        assert table[bucket].sum() == pytest.approx(by_hand, abs=1e-6)
    assert (table[C.TOTAL] > 0).all()
    summary = C.aging_summary(table)
    assert summary["amount"].sum() == pytest.approx(total, abs=1e-6)


@SETTINGS
@given(st.integers(-5, 400), st.integers(1, 10**6))
def test_aging_boundary_days_are_exact(days, cents):
    """Due ``days`` before asof: 0 -> 未到期, 30 -> 1-30, 31 -> 31-60, ..., 181 -> 180+."""
    asof = pd.Timestamp("2025-12-31")
    inv = pd.DataFrame({
        "customer_id": ["K1"], "amount": [cents / 100], "issue_date": [asof - pd.Timedelta(days=500)],
        "due_date": [asof - pd.Timedelta(days=days)], "paid_date": [pd.NaT],
    })
    op = C.open_invoices(inv, asof)
    assert op["days_overdue"].tolist() == [days]
    assert op["bucket"].tolist() == [bucket_by_hand(days)] == [C.bucket_of(days)]


@pytest.mark.parametrize("days,bucket", [(0, 0), (1, 1), (30, 1), (31, 2), (60, 2), (61, 3), (90, 3), (91, 4),
                                         (180, 4), (181, 5)])
def test_bucket_boundaries_listed(days, bucket):
    assert C.bucket_of(days) == C.BUCKETS[bucket]


@FEW
@given(invoice_rows, st.integers(0, 900), st.randoms(use_true_random=False))
def test_aging_row_order_and_index_do_not_matter(rows, asof_day, rnd):
    asof = pd.Timestamp(DAY0) + pd.Timedelta(days=asof_day)
    inv = invoices(rows)
    perm = list(range(len(inv)))
    rnd.shuffle(perm)
    shuffled = inv.iloc[perm]
    shuffled.index = [7] * len(inv)
    pd.testing.assert_frame_equal(C.aging(inv, asof), C.aging(shuffled, asof))
    a = C.collection_priority(inv, asof)
    b = C.collection_priority(shuffled, asof)
    pd.testing.assert_frame_equal(a.drop(columns="逾期发票数", errors="ignore"),
                                  b.drop(columns="逾期发票数", errors="ignore"), check_exact=False, atol=1e-6)


# ---------------------------------------------------------------------------
# 5C scoring and credit limits
# ---------------------------------------------------------------------------

SUBSCORES = list(C.FIVE_C)  # the sub-score columns (English); their Chinese names are C.FIVE_C's values


def maybe(strategy):
    return st.one_of(strategy, st.none())


account = st.fixed_dictionaries({
    "years_in_business": st.integers(0, 60),
    "on_time_payment_rate": st.floats(0, 1),
    "late_payments_12m": st.integers(0, 30),
    "net_worth": st.floats(-1e7, 1e8),
    "working_capital": st.floats(-1e7, 1e8),
    "annual_revenue": st.floats(0, 1e9),
    "debt_ratio": st.floats(0, 2),
    "collateral_value": st.floats(0, 1e7),
    "industry_outlook": st.integers(1, 5),
    "payment_terms_days": st.integers(0, 180),
    "avg_monthly_sales": maybe(st.floats(0, 1e7)),
    "credit_limit": maybe(st.floats(0, 1e7)),
})
accounts_st = st.lists(account, min_size=1, max_size=10)


def accounts(dicts) -> pd.DataFrame:
    df = pd.DataFrame(dicts)
    df.insert(0, "customer_id", [f"K{i:03d}" for i in range(len(df))])
    return df.astype({"avg_monthly_sales": float, "credit_limit": float})


@FEW
@given(accounts_st)
def test_5c_scores_in_range_and_grades_consistent(dicts):
    out = C.score_5c(accounts(dicts))
    assert len(out) == len(dicts)
    for col in [*SUBSCORES, "score"]:
        assert out[col].between(0, 100).all(), col
    assert out["grade"].tolist() == [C.grade_of(s) for s in out["score"]]
    assert set(out["grade"]) <= {*C.DEFAULT_GRADES, LOWEST_GRADE}
    names = list(C.FIVE_C.values())
    assert out["strongest"].isin(names).all() and out["weakest"].isin(names).all()


MONOTONE = {  # fact -> +1 if more is better, -1 if less is better
    "on_time_payment_rate": (1, st.floats(0, 1)),
    "late_payments_12m": (-1, st.integers(0, 30)),
    "years_in_business": (1, st.integers(0, 60)),
    "annual_revenue": (1, st.floats(0, 1e9)),
    "working_capital": (1, st.floats(-1e7, 1e8)),
    "debt_ratio": (-1, st.floats(0, 2)),
    "net_worth": (1, st.floats(-1e7, 1e8)),
    "collateral_value": (1, st.floats(0, 1e7)),
    "industry_outlook": (1, st.integers(1, 5)),
}


@FEW
@given(account, st.sampled_from(sorted(MONOTONE)), st.data())
def test_5c_score_is_monotone_in_each_fact(base, fact, data):
    sign, values = MONOTONE[fact]
    lo, hi = sorted([data.draw(values), data.draw(values)])
    worse, better = (lo, hi) if sign > 0 else (hi, lo)
    out = C.score_5c(accounts([{**base, fact: worse}, {**base, fact: better}]))
    # the one deliberate exception: more net worth at the same debt ratio means larger debts, so the same
    # collateral covers a smaller share of them (the capital C rewards the net worth itself)
    cs = [col for col in SUBSCORES if not (fact == "net_worth" and col == "collateral")]
    for col in cs:
        assert out.at[1, col] >= out.at[0, col]
    if fact != "net_worth":
        assert out.at[1, "score"] >= out.at[0, "score"]


@FEW
@given(accounts_st, st.sampled_from(["net_worth", "working_capital", "sales", "combined"]),
       st.sampled_from(["min", "mean", {"net_worth": 1, "sales": 2}]), st.sampled_from([1, 100, 1000, 0]))
def test_credit_limits_are_nonnegative_and_rounded(dicts, method, combine, round_to):
    out = C.credit_limit(accounts(dicts), method=method, combine=combine, round_to=round_to)
    assert len(out) == len(dicts)
    assert (out["credit_limit"] >= 0).all()
    assert (out["base_limit"] >= 0).all()
    step = round_to or 1
    np.testing.assert_allclose(out["credit_limit"] % step, 0, atol=1e-6)
    assert (out["credit_limit"] <= out["base_limit"] * out["grade_factor"] + 1e-6).all()
    assert out["limit_note"].map(lambda t: isinstance(t, str) and len(t) > 0).all()


@FEW
@given(accounts_st, st.randoms(use_true_random=False))
def test_5c_row_order_and_index_do_not_matter(dicts, rnd):
    acc = accounts(dicts)
    perm = list(range(len(acc)))
    rnd.shuffle(perm)
    shuffled = acc.iloc[perm]
    shuffled.index = [3] * len(acc)  # duplicated index labels, as after a careless concat
    a = C.score_5c(acc).set_index("customer_id").sort_index()
    b = C.score_5c(shuffled).set_index("customer_id").sort_index()
    pd.testing.assert_frame_equal(a, b)
    la = C.credit_limit(acc).set_index("customer_id").sort_index()
    lb = C.credit_limit(shuffled).set_index("customer_id").sort_index()
    pd.testing.assert_frame_equal(la, lb)


@FEW
@given(account, st.sampled_from(sorted(MONOTONE)),
       st.one_of(st.text(max_size=4), st.floats(allow_nan=True, allow_infinity=True), st.none(), st.booleans()))
def test_5c_junk_gives_crmdataerror(base, fact, junk):
    acc = accounts([base, base])
    acc[fact] = pd.Series([junk, base[fact]], dtype=object)
    try:
        out = C.score_5c(acc)
    except CRMDataError as exc:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(exc))
        return
    assert out["score"].between(0, 100).all()
