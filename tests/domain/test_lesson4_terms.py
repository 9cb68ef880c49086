"""Payment terms per payment segment (crmlab.credit.segment_baseline / segment_terms) and PaymentTermsView."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest

import crmlab
import crmlab.credit as cc
from crmlab import CRMDataError
from crmlab.widgets.credit import PaymentTermsView

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _orders():
    """Customer A buys only in cash, B only on credit, C both; one year before the course date."""
    return pd.DataFrame({
        "customer_id": ["A", "A", "B", "B", "C", "C"],
        "order_date": pd.to_datetime(["2025-03-01", "2025-09-01", "2025-04-01", "2025-10-01", "2025-05-01",
                                      "2025-11-01"]),
        "amount": [1000.0, 1000.0, 3000.0, 3000.0, 2000.0, 6000.0],
        "gross_profit": [200.0, 200.0, 600.0, 600.0, 400.0, 1200.0],
        "payment_method": ["现金", "现金", "赊销", "赊销", "现金", "赊销"],
    })


def _invoices():
    """B: one invoice paid 10 days late, one never paid (due > 90 days before the cut-off); C: on time."""
    return pd.DataFrame({
        "customer_id": ["B", "B", "C"],
        "invoice_id": ["1", "2", "3"],
        "amount": [3000.0, 3000.0, 6000.0],
        "issue_date": pd.to_datetime(["2025-04-01", "2025-06-01", "2025-11-01"]),
        "due_date": pd.to_datetime(["2025-05-01", "2025-07-01", "2025-12-01"]),
        "paid_date": pd.to_datetime(["2025-05-11", None, "2025-12-01"]),
    })


def test_baseline_by_hand():
    b = cc.segment_baseline(_orders(), _invoices(), "2026-01-01")
    assert list(b.index) == ["现金客户", "赊销客户", "混合客户"]
    assert b.loc["现金客户", "annual_sales"] == 2000 and b.loc["现金客户", "credit_share"] == 0
    assert b.loc["赊销客户", "annual_sales"] == 6000 and b.loc["赊销客户", "credit_share"] == 1
    assert b.loc["混合客户", "credit_share"] == pytest.approx(0.75)
    assert b.loc["赊销客户", "gross_margin"] == pytest.approx(0.2)
    assert b.loc["赊销客户", "current_days"] == 30
    # B: invoice 1 was 10 days late, invoice 2 is 184 days late at the cut-off -> amount-weighted mean 97
    assert b.loc["赊销客户", "avg_days_late"] == pytest.approx((10 * 3000 + 184 * 3000) / 6000)
    assert b.loc["赊销客户", "bad_debt_rate"] == pytest.approx(0.5)    # invoice 2 never paid
    assert b.loc["混合客户", "bad_debt_rate"] == 0                      # due only 31 days ago: not old enough to count
    # the cash segment has no invoices: priced like the whole company
    assert b.loc["现金客户", "bad_debt_rate"] == pytest.approx(0.5)


def test_current_terms_change_nothing_and_numbers_follow_the_formula():
    b = cc.segment_baseline(_orders(), _invoices(), "2026-01-01")
    r = cc.segment_terms(b, {})
    assert (r.table[["avg_receivable_change", "expected_bad_debt_change", "net_profit_change"]].abs() < 1e-9).all().all()
    row = b.loc["赊销客户"]
    assert r.current.loc["赊销客户", "avg_receivable"] == pytest.approx(6000 / 360 * (30 + row["avg_days_late"]))
    assert r.current.loc["赊销客户", "expected_bad_debt"] == pytest.approx(6000 * 0.5)
    assert r.current.loc["合计", "sales"] == pytest.approx(2000 + 6000 + 8000)


def test_deposit_and_shorter_days_cut_risk_and_money_tied_up_but_lose_credit_sales():
    b = cc.segment_baseline(_orders(), _invoices(), "2026-01-01")
    r = cc.segment_terms(b, {"赊销客户": (0.5, 30)}, sensitivity=0.5)
    # half the credit withdrawn -> a quarter of the credit-dependent sales lost (0.5 x 0.5)
    assert r.new.loc["赊销客户", "sales"] == pytest.approx(6000 * 0.75)
    assert r.new.loc["赊销客户", "credited"] == pytest.approx(6000 * 0.75 * 0.5)
    assert r.table.loc["赊销客户", "expected_bad_debt_change"] < 0
    assert r.table.loc["赊销客户", "avg_receivable_change"] < 0


def test_cash_only_removes_receivables_and_credit_for_cash_customers_adds_risk():
    b = cc.segment_baseline(_orders(), _invoices(), "2026-01-01")
    r = cc.segment_terms(b, {"混合客户": (0, 0), "现金客户": (0, 30)})
    assert r.new.loc["混合客户", "avg_receivable"] == 0 and r.new.loc["混合客户", "expected_bad_debt"] == 0
    assert r.new.loc["混合客户", "sales"] == pytest.approx(8000 * (1 - 0.75 * 0.5))
    assert r.new.loc["现金客户", "sales"] == 2000  # more credit does not raise sales (cautious assumption)
    assert r.table.loc["现金客户", "expected_bad_debt_change"] > 0
    assert r.table.loc["现金客户", "net_profit_change"] < 0


@pytest.mark.parametrize("terms, word", [
    ({"某客户": (0, 30)}, "不认识"), ({"赊销客户": (1.5, 30)}, "小数"), ({"赊销客户": (0, -5)}, "不小于 0"),
    ({"赊销客户": ("x", 30)}, "数字"), ([("赊销客户", (0, 30))], "按客户类别"),
])
def test_bad_terms_get_chinese_messages(terms, word):
    b = cc.segment_baseline(_orders(), _invoices(), "2026-01-01")
    with pytest.raises(CRMDataError, match=word):
        cc.segment_terms(b, terms)


def test_orders_without_dates_are_refused():
    with pytest.raises(CRMDataError, match="order_date"):
        cc.segment_baseline(_orders().drop(columns="order_date"), _invoices())


def test_view_updates_and_never_raises():
    v = PaymentTermsView(_orders(), _invoices(), asof="2026-01-01")
    assert v.result is not None and v.message == ""
    assert "付款方式细分" not in v.summary.value and "混合客户" in v.summary.value
    r = v.update(terms={"赊销客户": (50, 30)})
    assert r.table.loc["赊销客户", "deposit_share"] == 0.5
    assert "定金 50%，余款赊销 30 天" in v.summary.value
    for bad in ({"赊销客户": (150, 30)}, {"赊销客户": ("abc", 30)}, {"赊销客户": 30}, {"谁": (0, 0)}, "x"):
        assert v.update(terms=bad) is None
        assert CHINESE.search(v.message) and "Traceback" not in v.message
        assert v.summary.value == ""


def test_view_controls_drive_the_update():
    v = PaymentTermsView(_orders(), _invoices(), asof="2026-01-01")
    deposit, days = v.controls["混合客户"]
    days.value = 0
    assert v.result.table.loc["混合客户", "terms_days"] == 0
    assert "现金（货到付款）" in v.summary.value
    deposit.value = 100
    assert "全额预付" in v.summary.value


@pytest.mark.parametrize("group", [0, 1, 2, 3, 4])
def test_course_companies(group):
    orders = crmlab.datasets.load("orders", group=group)
    invoices = crmlab.datasets.load("invoices", group=group)
    b = cc.segment_baseline(orders, invoices)
    assert (b["annual_sales"] > 0).all() and b.notna().all().all()
    r = cc.segment_terms(b, {"混合客户": (0.3, 30)})
    assert r.table.loc["混合客户", "avg_receivable_change"] < 0
    assert r.table.loc["混合客户", "expected_bad_debt_change"] <= 0


def test_credit_notes_and_partial_payments_are_netted():
    """A credit note (红字发票) cancelling B's unpaid invoice 2 removes it from the bad debts and from the
    late invoices; a partial payment only lowers what is owed (issue 18: the same netting as the ageing)."""
    base = _invoices()
    note = pd.DataFrame({"customer_id": ["B"], "invoice_id": ["2-红字"], "amount": [-3000.0],
                         "issue_date": pd.to_datetime(["2025-07-15"]), "due_date": pd.NaT, "paid_date": pd.NaT,
                         "ref_invoice_id": ["2"]})
    with_note = pd.concat([base.assign(ref_invoice_id=None), note], ignore_index=True)
    b = cc.segment_baseline(_orders(), with_note, "2026-01-01")
    assert b.loc["赊销客户", "bad_debt_rate"] == 0
    assert b.loc["赊销客户", "avg_days_late"] == pytest.approx(10)
    prof = cc.payment_profile(_orders(), with_note, "2026-01-01")
    assert prof.loc["B", "invoice_count"] == 1 and prof.loc["B", "overdue_now"] == 0
    part = note.assign(invoice_id="2-回款", amount=-1000.0)
    with_part = pd.concat([base.assign(ref_invoice_id=None), part], ignore_index=True)
    prof = cc.payment_profile(_orders(), with_part, "2026-01-01")
    assert prof.loc["B", "invoice_count"] == 2 and prof.loc["B", "overdue_now"] == pytest.approx(2000)
    b = cc.segment_baseline(_orders(), with_part, "2026-01-01")
    assert b.loc["赊销客户", "bad_debt_rate"] == pytest.approx(2000 / 5000)
