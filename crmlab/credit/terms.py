"""Payment terms per payment-method segment (按付款方式细分，给每一类客户定付款条件).

:func:`segment_baseline` measures, for each payment segment (现金客户 / 赊销客户 /
混合客户, see :func:`crmlab.credit.payment_segments`), what the last year looked
like: sales, margin, how much was bought on credit, the usual credit days, how
late customers paid and how much of the credit went bad.  :func:`segment_terms`
then applies the terms a learner chooses per segment (a deposit share paid
before delivery and the credit days for the rest) and reports the effect on
cash flow (money tied up in receivables and its cost) and on risk (expected bad
debts), against the current terms.

The model is deliberately small and every assumption is a parameter:

* terms apply to the share of a segment's sales that its customers buy on credit
  when credit is offered (their share last year; customers without any credit
  history are assumed to use the credit fully);
* receivables = credit sales x (1 - deposit) / ``year_days`` x (credit days +
  the segment's average days late) - the course formula 日销售额 x 收账期;
* bad debts = credited amount x the segment's bad-debt rate (share of the invoice
  amount due 90+ days before the cut-off that was paid more than 90 days late or
  is still unpaid; the whole company's rate for a segment without invoices);
  credit notes and partial payments (lines with ``ref_invoice_id``) are netted
  into their invoice first, as in the ageing of :func:`crmlab.credit.aging`;
* offering less credit than today loses part of the credit-dependent sales:
  ``sensitivity`` x credit sales x (1 - offered / current credit); offering more
  credit is assumed *not* to raise sales (a cautious assumption - the credit
  policy simulator :func:`crmlab.credit.credit_policy` is where growth is tried).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlab import frames
from crmlab._errors import CRMDataError
from crmlab.credit._common import check_fraction, check_nonnegative, to_timestamp

SEGMENTS = ("现金客户", "赊销客户", "混合客户")
#: days after the due date after which an invoice counts as gone bad
BAD_DAYS = 90


def _window_orders(orders: pd.DataFrame, asof: pd.Timestamp, days: int) -> pd.DataFrame:
    dates = orders["order_date"]  # already dates: crmlab.frames.orders
    return orders[(dates > asof - pd.Timedelta(days=days)) & (dates <= asof)]


def _invoice_stats(inv: pd.DataFrame, asof: pd.Timestamp) -> dict:
    """Usual credit days, average days late (amount-weighted, on-time = 0) and bad-debt rate."""
    year = inv[(inv["issue_date"] > asof - pd.Timedelta(days=365)) & (inv["issue_date"] <= asof)]
    terms = (year["due_date"] - year["issue_date"]).dt.days
    due = inv[(inv["due_date"] > asof - pd.Timedelta(days=365)) & (inv["due_date"] <= asof)]
    settled = due["paid_date"].where(due["paid_date"] <= asof, asof)
    late = (settled - due["due_date"]).dt.days.clip(lower=0)
    old = inv[inv["due_date"] <= asof - pd.Timedelta(days=BAD_DAYS)]
    old = old[old["due_date"] > asof - pd.Timedelta(days=365 + BAD_DAYS)]
    old_settled = old["paid_date"].where(old["paid_date"] <= asof, pd.NaT)
    gone_bad = old_settled.isna() | ((old_settled - old["due_date"]).dt.days > BAD_DAYS)
    return {
        "current_days": float(terms.median()) if len(terms) else np.nan,
        "avg_days_late": float(np.average(late, weights=due["amount"])) if due["amount"].sum() > 0 else np.nan,
        "bad_debt_rate": float(old.loc[gone_bad, "amount"].sum() / old["amount"].sum()) if old["amount"].sum() > 0 else np.nan,
    }


def segment_baseline(orders, invoices, asof=None, days: int = 365) -> pd.DataFrame:
    """Last year per payment segment: ``annual_sales``, ``gross_margin``, ``credit_share``, ``current_days``,
    ``avg_days_late``, ``bad_debt_rate`` (年销售额, 毛利率, 赊销占比, 现行账期, 平均逾期天数, 坏账率).

    ``asof`` defaults to the course date; sales are the ``days`` days up to ``asof``.
    A segment without invoices (现金客户) gets the whole company's late days and
    bad-debt rate, so offering it credit is priced like the average credit customer.
    """
    from crmlab.course import COURSE_DATE
    from crmlab.credit.customer_pyramid import payment_profile
    from crmlab.credit.receivables import _clean_invoices, _net_invoices

    asof = to_timestamp(COURSE_DATE if asof is None else asof, "截止日")
    orders = frames.orders(orders, require=("customer_id", "order_date", "amount", "payment_method"),
                           what="订单表 orders")
    prof = payment_profile(orders, None)
    recent = _window_orders(orders, asof, days)
    recent = recent.assign(seg=recent["customer_id"].astype(str).map(prof["payment_segment"]))
    inv = _net_invoices(_clean_invoices(invoices), asof)  # credit notes and partial payments netted
    inv = inv[inv["amount"] > 0]
    inv = inv.assign(seg=inv["customer_id"].astype(str).map(prof["payment_segment"]))
    overall = _invoice_stats(inv, asof)
    rows = {}
    for seg in SEGMENTS:
        o = recent[recent["seg"] == seg]
        sales = float(o["amount"].sum())
        credit = float(o.loc[o["payment_method"] == "赊销", "amount"].sum())
        stats = _invoice_stats(inv[inv["seg"] == seg], asof) if (inv["seg"] == seg).any() else {}
        rows[seg] = {
            "annual_sales": sales,
            "gross_margin": float(o["gross_profit"].sum() / sales) if sales > 0 and "gross_profit" in o else 0.0,
            "credit_share": credit / sales if sales > 0 else 0.0,
            "current_days": stats.get("current_days", 0.0),
            "avg_days_late": stats.get("avg_days_late", overall["avg_days_late"]),
            "bad_debt_rate": stats.get("bad_debt_rate", overall["bad_debt_rate"]),
        }
    out = pd.DataFrame(rows).T.fillna(0.0)
    out.index.name = "payment_segment"
    return out


@dataclass
class SegmentTermsResult:
    """``table``: per segment (+ 合计) the new terms' ``sales``, ``credited``, ``avg_receivable``,
    ``capital_cost``, ``expected_bad_debt``, ``net_profit`` (销售额, 赊销额, 应收账款平均余额, 资金成本,
    预计坏账, 净收益), the terms (``deposit_share``, ``terms_days``) and the change of three of them
    against the current terms (columns ``…_change``).
    ``current`` / ``new``: the same items under the current and the chosen terms."""

    table: pd.DataFrame
    current: pd.DataFrame
    new: pd.DataFrame


def _check_terms(terms: Mapping, baseline: pd.DataFrame) -> dict:
    if not isinstance(terms, Mapping):
        raise CRMDataError("付款条件要按客户类别给出，例如 {'赊销客户': (20, 30)}：定金 20%、余款 30 天。")
    unknown = [k for k in terms if k not in baseline.index]
    if unknown:
        raise CRMDataError(f"不认识的客户类别：{'、'.join(map(str, unknown))}；可选：{'、'.join(baseline.index)}。")
    out = {}
    for seg in baseline.index:
        deposit, days = terms.get(seg, (0.0, baseline.loc[seg, "current_days"]))
        out[seg] = (check_fraction(deposit, f"{seg}的定金比例"), check_nonnegative(days, f"{seg}的账期（天）", upper=365))
    return out


def _segment_items(row: pd.Series, deposit: float, days: float, *, sensitivity, cost_of_capital, year_days) -> dict:
    """The money items of one segment under terms (deposit share, credit days)."""
    d0 = row["current_days"]
    used = row["credit_share"] if d0 > 0 else 1.0  # no credit history: assume the credit would be used fully
    offered = (1 - deposit) * days
    current = d0 if d0 > 0 else 0.0
    shortfall = 0.0 if current == 0 else max(0.0, 1 - offered / current)
    sales = row["annual_sales"] * (1 - row["credit_share"] * sensitivity * shortfall)
    credited = sales * used * (1 - deposit) if days > 0 else 0.0
    receivable = credited / year_days * (days + row["avg_days_late"]) if days > 0 else 0.0
    gross = sales * row["gross_margin"]
    fin = receivable * cost_of_capital
    bad = credited * row["bad_debt_rate"]
    return {"sales": sales, "credited": credited, "avg_receivable": receivable, "capital_cost": fin, "expected_bad_debt": bad,
            "net_profit": gross - fin - bad}


def segment_terms(baseline: pd.DataFrame, terms: Mapping, *, sensitivity: float = 0.5,
                  cost_of_capital: float = 0.10, year_days: int = 360) -> SegmentTermsResult:
    """Apply payment terms per segment: ``terms = {segment: (deposit_share, credit_days)}``.

    ``deposit_share`` is the fraction paid before delivery (0-1); ``credit_days``
    the days the rest may wait (0 = the rest is paid on delivery: a cash sale).
    Segments left out keep their current terms (no deposit, current credit days).
    ``sensitivity``: share of the credit-dependent sales lost when credit is
    withdrawn completely (linear in between).
    """
    k = check_fraction(cost_of_capital, "资金成本率")
    s = check_fraction(sensitivity, "客户对赊销的依赖程度")
    yd = check_nonnegative(year_days, "全年天数", positive=True, upper=366)
    chosen = _check_terms(terms, baseline)
    kw = {"sensitivity": s, "cost_of_capital": k, "year_days": yd}
    cur = pd.DataFrame({seg: _segment_items(row, 0.0, row["current_days"], **kw)
                        for seg, row in baseline.iterrows()}).T
    new = pd.DataFrame({seg: _segment_items(row, *chosen[seg], **kw) for seg, row in baseline.iterrows()}).T
    cur.loc["合计"], new.loc["合计"] = cur.sum(), new.sum()
    table = new.copy()
    table.insert(0, "deposit_share", [chosen[s_][0] for s_ in baseline.index] + [np.nan])
    table.insert(1, "terms_days", [chosen[s_][1] for s_ in baseline.index] + [np.nan])
    for col in ("avg_receivable", "expected_bad_debt", "net_profit"):
        table[f"{col}_change"] = new[col] - cur[col]
    for frame in (table, cur, new):
        frame.index.name = "payment_segment"
    return SegmentTermsResult(table=table, current=cur, new=new)


__all__ = ["BAD_DAYS", "SEGMENTS", "SegmentTermsResult", "segment_baseline", "segment_terms"]
