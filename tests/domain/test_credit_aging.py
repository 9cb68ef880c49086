"""Receivables ageing, provision, DSO, collection priority and credit hold."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import crmlab
from crmlab.credit import BUCKETS, aging, collection_priority, credit_hold, dso, dso_trend, open_invoices, provision

ASOF = pd.Timestamp("2026-01-01")


def _inv(rows):
    out = []
    for i, (cust, amount, overdue_days, paid, issued) in enumerate(rows):
        due = ASOF - pd.Timedelta(days=overdue_days)
        issue = pd.Timestamp(issued) if issued else due - pd.Timedelta(days=30)
        out.append(
            {
                "customer_id": cust,
                "invoice_id": f"I{i:03d}",
                "amount": amount,
                "issue_date": issue,
                "due_date": due,
                "paid_date": pd.Timestamp(paid) if paid else pd.NaT,
            }
        )
    return pd.DataFrame(out)


# customer, amount, days overdue at ASOF (negative = due later), paid date, issue date
ROWS = [
    ("A", 1.0, 0, None, None),  # due today -> not overdue
    ("A", 2.0, 1, None, None),
    ("A", 4.0, 30, None, None),
    ("A", 8.0, 31, None, None),
    ("A", 16.0, 60, None, None),
    ("A", 32.0, 61, None, None),
    ("A", 64.0, 90, None, None),
    ("A", 128.0, 91, None, None),
    ("A", 256.0, 180, None, None),
    ("A", 512.0, 181, None, None),
    ("A", 1024.0, 400, None, None),
    ("A", 2048.0, 45, "2025-12-31", None),  # paid before asof -> closed
    ("A", 4096.0, 45, "2026-01-01", None),  # paid on asof -> closed
    ("A", 8192.0, 12, "2026-01-10", None),  # paid after asof -> still open, 12 days overdue
    ("A", 16384.0, -30, None, "2026-01-02"),  # issued after asof -> not included
    ("B", 3.0, -31, None, "2025-12-15"),  # due next month
    ("B", 5.0, 100, "2026-02-01", None),  # paid after asof, 100 days overdue at asof
]


def test_aging_bucket_totals_exact():
    tab = aging(_inv(ROWS), "2026-01-01")
    assert list(tab.columns) == list(BUCKETS) + ["合计"]
    assert list(tab.index) == ["A", "B"]
    a = tab.loc["A"]
    assert a["未到期"] == 1.0
    assert a["逾期1-30天"] == 2.0 + 4.0 + 8192.0
    assert a["逾期31-60天"] == 8.0 + 16.0
    assert a["逾期61-90天"] == 32.0 + 64.0
    assert a["逾期91-180天"] == 128.0 + 256.0
    assert a["逾期180天以上"] == 512.0 + 1024.0
    assert a["合计"] == 1 + 2 + 4 + 8 + 16 + 32 + 64 + 128 + 256 + 512 + 1024 + 8192
    b = tab.loc["B"]
    assert b["未到期"] == 3.0 and b["逾期91-180天"] == 5.0 and b["合计"] == 8.0
    assert b[["逾期1-30天", "逾期31-60天", "逾期61-90天", "逾期180天以上"]].sum() == 0


def test_open_invoices_days_and_string_dates():
    inv = _inv(ROWS)
    for col in ("issue_date", "due_date", "paid_date"):
        inv[col] = inv[col].dt.strftime("%Y-%m-%d")
    op = open_invoices(inv, "2026-01-01").set_index("invoice_id")
    assert op.loc["I000", "days_overdue"] == 0 and op.loc["I000", "bucket"] == "未到期"
    assert op.loc["I002", "days_overdue"] == 30 and op.loc["I003", "bucket"] == "逾期31-60天"
    assert "I011" not in op.index and "I012" not in op.index and "I014" not in op.index
    assert "I013" in op.index


def test_aging_asof_moves_invoices():
    inv = _inv(ROWS)
    # before the 8192 invoice was issued it is not open
    early = aging(inv, ASOF - pd.Timedelta(days=60))
    assert early.loc["A", "合计"] < aging(inv, ASOF).loc["A", "合计"]
    assert early.loc["A", "未到期"] > 0


def test_aging_empty_and_bad_input():
    empty = _inv(ROWS).iloc[0:0]
    tab = aging(empty, ASOF)
    assert tab.empty and list(tab.columns) == list(BUCKETS) + ["合计"]
    with pytest.raises(crmlab.CRMDataError, match="缺少列"):
        aging(_inv(ROWS).drop(columns=["due_date"]), ASOF)
    with pytest.raises(crmlab.CRMDataError, match="日期"):
        aging(_inv(ROWS), "not a date")


def test_provision_rates_and_total():
    tab = aging(_inv(ROWS), ASOF)
    prov = provision(tab, rates={"逾期180天以上": 1.0})
    assert prov.loc["逾期180天以上", "provision"] == pytest.approx(512 + 1024)
    assert prov.loc["未到期", "provision_rate"] == 0.01
    assert prov.loc["合计", "provision"] == pytest.approx(prov["provision"].iloc[:-1].sum())
    assert prov.loc["合计", "receivable"] == pytest.approx(tab["合计"].sum())
    custom = provision(tab, rates=[0, 0, 0, 0, 0, 0.5])
    assert custom.loc["合计", "provision"] == pytest.approx(0.5 * (512 + 1024))
    with pytest.raises(crmlab.CRMDataError, match="百分数"):
        provision(tab, rates={"逾期1-30天": 5})
    with pytest.raises(crmlab.CRMDataError, match="未知"):
        provision(tab, rates={"1-30": 0.05})


def test_dso_by_hand():
    inv = pd.DataFrame(
        {
            "customer_id": ["A", "A", "B"],
            "invoice_id": ["1", "2", "3"],
            "amount": [900.0, 300.0, 600.0],
            "issue_date": pd.to_datetime(["2025-12-01", "2025-11-01", "2025-06-01"]),
            "due_date": pd.to_datetime(["2025-12-31", "2025-12-01", "2025-07-01"]),
            "paid_date": pd.to_datetime([None, "2025-12-05", None]),
        }
    )
    # open: 900 + 600 = 1500; sales in last 90 days: 900 + 300 = 1200
    assert dso(inv, ASOF, period_days=90) == pytest.approx(1500 / 1200 * 90)
    assert math.isnan(dso(inv, "2024-01-01"))
    trend = dso_trend(inv, "2025-10-01", "2025-12-31")
    assert list(trend.index.month) == [10, 11, 12]
    assert trend.iloc[-1] == pytest.approx(dso(inv, "2025-12-31"))


def test_collection_priority_and_hold():
    inv = _inv(ROWS)
    pri = collection_priority(inv, ASOF)
    assert list(pri["customer_id"]) == ["A", "B"]  # A owes far more, older
    assert pri.loc[0, "max_days_overdue"] == 400
    assert pri["action"].str.len().gt(0).all()
    tab = aging(inv, ASOF)
    accounts = pd.DataFrame({"customer_id": ["A", "B", "C"], "credit_limit": [1e6, 100.0, 0.0]})
    hold = credit_hold(accounts, tab).set_index("customer_id")
    assert hold.loc["A", "hold"] and not hold.loc["A", "exceeds_limit"] and hold.loc["A", "seriously_overdue"]
    assert hold.loc["B", "hold"] and hold.loc["B", "seriously_overdue"]  # 100 days overdue
    assert not hold.loc["C", "hold"] and hold.loc["C", "hold_reason"] == "正常"
    small = pd.DataFrame({"customer_id": ["B"], "credit_limit": [1.0]})
    assert credit_hold(small, tab).loc[0, "exceeds_limit"]
    # only anything over 90 days flags: an account with just recent overdue is fine
    recent = aging(_inv([("D", 50.0, 20, None, None)]), ASOF)
    d = credit_hold(pd.DataFrame({"customer_id": ["D"], "credit_limit": [1000.0]}), recent)
    assert not d.loc[0, "hold"]


def test_aging_on_course_data_is_consistent():
    inv = crmlab.datasets.load("invoices")  # the course data ship with the package: a load error is a failure
    tab = aging(inv, "2026-01-01")
    assert np.allclose(tab[list(BUCKETS)].sum(axis=1), tab["合计"])
    assert (tab.to_numpy() >= 0).all()


def test_absurd_aging_parameters_give_chinese_errors():
    inv = _inv(ROWS)
    with pytest.raises(crmlab.CRMDataError, match="整数"):
        dso(inv, "2026-01-01", period_days="90天")
    with pytest.raises(crmlab.CRMDataError, match="早于"):
        dso_trend(inv, "2025-12-31", "2024-01-01")
    with pytest.raises(crmlab.CRMDataError, match="数字"):
        crmlab.credit.bucket_of("三十")
    assert crmlab.credit.bucket_of(30) == "逾期1-30天" and crmlab.credit.bucket_of(31) == "逾期31-60天"


# --------------------------------------------------------------------------- credit notes and partial payments


def _with_adjustments():
    """Invoices of A and B plus a credit note, two partial payments and an over-credit, each tied to its invoice."""
    base = _inv([
        ("A", 1000.0, 45, None, None),  # I000: 31-60 days overdue
        ("A", 500.0, 200, None, None),  # I001: over 180 days
        ("B", 800.0, -10, None, None),  # I002: not yet due
        ("B", 300.0, 10, None, None),  # I003: 1-30 days
    ])
    adj = pd.DataFrame({
        "customer_id": ["A", "A", "B", "B", "A"],
        "invoice_id": ["CN01", "PAY01", "PAY02", "CN02", "PAY03"],
        "amount": [-200.0, -300.0, -800.0, -400.0, -100.0],
        "issue_date": pd.to_datetime(["2025-12-01", "2025-12-20", "2025-12-28", "2025-12-30", "2026-01-05"]),
        "due_date": pd.NaT,
        "paid_date": pd.NaT,
        "ref_invoice_id": ["I000", "I000", "I002", "I003", "I001"],  # PAY03 is after ASOF
    })
    return pd.concat([base.assign(ref_invoice_id=np.nan), adj], ignore_index=True)


def test_credit_notes_and_partial_payments_net_against_their_invoice():
    inv = _with_adjustments()
    op = open_invoices(inv, ASOF).set_index("invoice_id")
    # I000: 1000 - 200 (credit note) - 300 (partial payment) = 500 still owed
    assert op.loc["I000", "amount"] == 500.0 and op.loc["I000", "invoiced"] == 1000.0
    assert op.loc["I000", "adjusted"] == -500.0
    # I002 fully paid by PAY02; I003 over-credited (300 - 400): both settled, never negative
    assert "I002" not in op.index and "I003" not in op.index
    # payment lines are never invoices of their own; PAY03 (after asof) does not count yet
    assert set(op.index) == {"I000", "I001"} and op.loc["I001", "amount"] == 500.0
    tab = aging(inv, ASOF)
    assert (tab.to_numpy() >= 0).all()
    assert tab.loc["A", "逾期31-60天"] == 500.0 and tab.loc["A", "逾期180天以上"] == 500.0
    assert list(tab.index) == ["A"]  # B owes nothing
    # on 2026-01-10 PAY03 has come in
    assert aging(inv, "2026-01-10").loc["A", "逾期180天以上"] == 400.0


def test_provision_and_collection_follow_the_netting():
    inv = _with_adjustments()
    p = provision(aging(inv, ASOF))
    assert p.loc["合计", "receivable"] == 1000.0
    assert p.loc["合计", "provision"] == pytest.approx(500 * 0.10 + 500 * 0.80)
    pri = collection_priority(inv, ASOF).set_index("customer_id")
    assert list(pri.index) == ["A"]  # B's only overdue invoice was credited in full
    assert pri.loc["A", "overdue_amount"] == 1000.0 and pri.loc["A", "overdue_invoices"] == 2
    assert pri.loc["A", "expected_loss"] == pytest.approx(500 * 0.10 + 500 * 0.80)
    # DSO: receivables are net, sales are the invoices' own amounts (no payment counted as a sale)
    sales_90 = inv.loc[inv["ref_invoice_id"].isna() & (inv["issue_date"] > ASOF - pd.Timedelta(days=90))
                       & (inv["issue_date"] <= ASOF), "amount"].sum()
    assert dso(inv, ASOF) == pytest.approx(1000.0 / sales_90 * 90)


def test_negative_line_without_reference_is_refused():
    inv = _with_adjustments()
    with pytest.raises(crmlab.CRMDataError, match="ref_invoice_id") as err:
        aging(inv.drop(columns="ref_invoice_id"), ASOF)
    assert "负数" in str(err.value) and "第 5、6、7、8、9 行" in str(err.value)
    blank = inv.copy()
    blank.loc[5, "ref_invoice_id"] = " "
    with pytest.raises(crmlab.CRMDataError, match="第 6 行"):
        aging(blank, ASOF)
    wrong = inv.copy()
    wrong.loc[5, "ref_invoice_id"] = "I999"
    with pytest.raises(crmlab.CRMDataError, match="找不到对应的原发票"):
        open_invoices(wrong, ASOF)
    other = inv.copy()
    other.loc[5, "ref_invoice_id"] = "I002"  # A's credit note against B's invoice
    with pytest.raises(crmlab.CRMDataError, match="另一位客户"):
        open_invoices(other, ASOF)


def test_repeated_invoice_ids_are_refused():
    inv = _inv(ROWS)
    twice = pd.concat([inv, inv.iloc[[3]]], ignore_index=True)
    with pytest.raises(crmlab.CRMDataError, match="invoice_id 有重复：I003"):
        aging(twice, ASOF)
    with pytest.raises(crmlab.CRMDataError, match="重复"):
        collection_priority(twice, ASOF)
