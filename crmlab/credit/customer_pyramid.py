"""Customer pyramid (客户金字塔), ABC tiers and payment-method segments."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlab import frames
from crmlab._errors import CRMDataError
from crmlab.credit._common import to_numbers, to_timestamp
from crmlab.tiers import tier_bounds

PYRAMID_CUTOFFS = (0.01, 0.04, 0.15, 0.80)
PYRAMID_LABELS = ("VIP客户", "主要客户", "中等客户", "大众客户")
ABC_CUTOFFS = (0.20, 0.30, 0.50)
ABC_LABELS = ("A类客户", "B类客户", "C类客户")


@dataclass
class PyramidResult:
    """Result of :func:`pyramid`.

    ``tiers``: one row per tier (top first, index ``layer``) with ``customers``, ``customer_share``,
    ``amount``, ``value_share``, ``avg_value``, ``cum_customer_share``, ``cum_value_share``
    (Chinese headers: :func:`crmlab.credit.relabel`).  ``customers``: one row per customer with
    its value, rank (1 = most valuable) and tier.
    """

    tiers: pd.DataFrame
    customers: pd.DataFrame
    by: str
    cutoffs: tuple
    labels: tuple


def _values(orders_or_values, by: str, customer_col: str) -> pd.Series:
    data = orders_or_values
    if isinstance(data, pd.Series):
        values = to_numbers(data, str(data.name or "value"), "客户价值")
        values.index = values.index.astype(str)
        values = values.groupby(level=0).sum()
    else:
        data = frames.orders(data, require=(customer_col, by), what="订单表", numbers=[by])
        v = data[by].astype(float)
        values = v.groupby(data[customer_col].astype(str).values).sum()
    values = values.dropna()
    values.index.name = "customer_id"
    values.name = by
    if values.empty:
        raise CRMDataError("没有可用的客户数据：表格是空的，无法划分客户金字塔。")
    return values


def customer_values(orders, by: str = "amount", customer_col: str = "customer_id") -> pd.Series:
    """Each customer's total ``by`` (amount or gross_profit): what :func:`pyramid` ranks.

    Passing it to :func:`pyramid` instead of the orders gives the same result without summing
    the orders again (a widget whose sliders move only the tier shares).
    """
    return _values(orders, by, customer_col)


def check_cutoffs(cutoffs, labels) -> tuple[tuple, tuple]:
    """Validate tier shares: positive fractions summing to 1, one label per share."""
    try:
        cuts = tuple(float(c) for c in cutoffs)
    except (TypeError, ValueError) as exc:
        raise CRMDataError("各层的客户比例 cutoffs 应该是一组小数，例如 (0.01, 0.04, 0.15, 0.80)。") from exc
    labels = tuple(labels)
    if len(cuts) != len(labels):
        raise CRMDataError(f"比例有 {len(cuts)} 个，但层级名称有 {len(labels)} 个，两者个数要一样。")
    if len(cuts) < 2:
        raise CRMDataError("至少要分成两层。")
    if any(not math.isfinite(c) or c <= 0 for c in cuts):
        raise CRMDataError("每一层的客户比例都要大于 0。")
    if any(c > 1 for c in cuts):
        raise CRMDataError("客户比例要写成小数，例如 1% 写成 0.01，而不是 1。")
    total = sum(cuts)
    if abs(total - 1) > 1e-6:
        raise CRMDataError(
            f"各层的客户比例加起来应该等于 100%，现在是 {total:.0%}。请调整各层比例（例如 1%、4%、15%、80%）。"
        )
    return cuts, labels


def pyramid(
    orders_or_values,
    by: str = "amount",
    cutoffs=PYRAMID_CUTOFFS,
    labels=PYRAMID_LABELS,
    customer_col: str = "customer_id",
) -> PyramidResult:
    """Customer pyramid: rank customers by ``by`` (amount or gross_profit) and cut into tiers.

    ``cutoffs`` are the shares of customers in each tier from the top (they must
    sum to 1).  With ``n`` customers the top ``n * c1`` customers (rounded half up,
    :func:`crmlab.tiers.tier_bounds`, the same rule as lesson 1's
    ``classify_by_profit``) form the first tier, the next ones up to ``n * (c1 + c2)``
    the second, and so on;
    ties in value are broken by customer id so the result is reproducible.
    ``orders_or_values``: an orders table (summed per customer) or a Series of
    values indexed by customer id.
    """
    cuts, labels = check_cutoffs(cutoffs, labels)
    values = _values(orders_or_values, by, customer_col)
    n = len(values)
    order = pd.DataFrame({"customer_id": values.index, "value": values.values})
    order = order.sort_values(["value", "customer_id"], ascending=[False, True], kind="mergesort")
    order = order.reset_index(drop=True)
    order["rank"] = np.arange(1, n + 1)
    bounds = tier_bounds(n, cuts)
    bounds[-1] = n
    tier_idx = np.searchsorted(np.array(bounds), np.arange(n), side="right")
    order["tier"] = pd.Categorical([labels[i] for i in tier_idx], categories=list(labels), ordered=True)
    total_value = order["value"].sum()
    g = order.groupby("tier", observed=False)["value"]
    tiers = pd.DataFrame({"customers": g.size(), "amount": g.sum()})
    tiers["customer_share"] = tiers["customers"] / n
    tiers["value_share"] = tiers["amount"] / total_value if total_value else 0.0
    tiers["avg_value"] = (tiers["amount"] / tiers["customers"].where(tiers["customers"] > 0)).fillna(0.0)
    tiers["cum_customer_share"] = tiers["customer_share"].cumsum()
    tiers["cum_value_share"] = tiers["value_share"].cumsum()
    tiers = tiers[["customers", "customer_share", "amount", "value_share", "avg_value", "cum_customer_share", "cum_value_share"]]
    tiers.index = pd.Index(list(labels), name="layer")
    customers = order.rename(columns={"value": by})
    return PyramidResult(tiers=tiers, customers=customers, by=by, cutoffs=cuts, labels=labels)


def abc_tiers(orders_or_values, by: str = "amount", cutoffs=ABC_CUTOFFS, labels=ABC_LABELS, **kw) -> PyramidResult:
    """ABC classification: top 20% A, next 30% B, last 50% C (shares are parameters)."""
    return pyramid(orders_or_values, by=by, cutoffs=cutoffs, labels=labels, **kw)


# ---------------------------------------------------------------- payment method
CASH, CREDIT = "现金", "赊销"
SEGMENTS = ("现金客户", "赊销客户", "混合客户")


def payment_profile(orders, invoices=None, asof=None) -> pd.DataFrame:
    """Per customer: cash and credit sales, credit share, payment segment and overdue behaviour.

    Segment: 现金客户 (only cash), 赊销客户 (only credit), 混合客户 (both).
    With ``invoices`` (and ``asof``, default the course date COURSE_DATE,
    :data:`crmlab.course.COURSE_DATE`, as in every lesson) it adds the
    number of invoices issued by ``asof``, how many were (or are) paid late,
    the mean days late of those, and the overdue amount still open at ``asof``.
    """
    orders = frames.orders(orders, require=("customer_id", "amount", "payment_method"), what="订单表 orders")
    o = orders.assign(customer_id=orders["customer_id"].astype(str), amount=orders["amount"].astype(float))
    unknown = sorted(set(o["payment_method"].dropna().astype(str)) - {CASH, CREDIT})
    if unknown:
        raise CRMDataError(f"payment_method 列只能是「现金」或「赊销」，发现了：{'、'.join(unknown[:5])}。")
    if o.empty:
        raise CRMDataError("订单表是空的，无法按付款方式细分客户。")
    sales = o.pivot_table(index="customer_id", columns="payment_method", values="amount", aggfunc="sum", fill_value=0.0)
    sales = sales.reindex(columns=[CASH, CREDIT], fill_value=0.0)
    prof = pd.DataFrame({"cash_sales": sales[CASH], "credit_sales": sales[CREDIT]})
    prof["sales"] = prof["cash_sales"] + prof["credit_sales"]
    prof["credit_share"] = (prof["credit_sales"] / prof["sales"].where(prof["sales"] > 0)).fillna(0.0)
    if "gross_profit" in o.columns:
        prof["gross_profit"] = o.groupby("customer_id")["gross_profit"].sum().reindex(prof.index).fillna(0.0)
    prof["payment_segment"] = np.select(
        [prof["credit_sales"] <= 0, prof["cash_sales"] <= 0], ["现金客户", "赊销客户"], default="混合客户"
    )
    if invoices is not None:
        from crmlab.course import COURSE_DATE
        from crmlab.credit.receivables import _clean_invoices, _net_invoices, open_invoices

        asof = to_timestamp(COURSE_DATE if asof is None else asof, "截止日 asof")
        # credit notes and partial payments net against their invoice; a fully credited invoice is no invoice
        inv = _net_invoices(_clean_invoices(invoices), asof)
        inv = inv[(inv["issue_date"] <= asof) & (inv["amount"] > 0)].copy()
        settled = inv["paid_date"].where(inv["paid_date"] <= asof, asof)
        inv["days_late"] = (settled - inv["due_date"]).dt.days
        inv["late"] = inv["days_late"] > 0
        g = inv.groupby("customer_id")
        prof["invoice_count"] = g.size().reindex(prof.index).fillna(0).astype(int)
        prof["late_invoices"] = g["late"].sum().reindex(prof.index).fillna(0).astype(int)
        prof["late_rate"] = (prof["late_invoices"] / prof["invoice_count"].where(prof["invoice_count"] > 0))
        late = inv[inv["late"]]
        prof["avg_days_late"] = late.groupby("customer_id")["days_late"].mean().reindex(prof.index)
        op = open_invoices(inv, asof)
        prof["overdue_now"] = (
            op[op["days_overdue"] > 0].groupby("customer_id")["amount"].sum().reindex(prof.index).fillna(0.0)
        )
    prof.index.name = "customer_id"
    return prof


def payment_segments(orders, invoices=None, asof=None) -> pd.DataFrame:
    """Summary per payment segment (现金客户 / 赊销客户 / 混合客户): size, value, overdue behaviour.

    ``asof`` defaults to the course date COURSE_DATE (see :func:`payment_profile`).
    """
    prof = payment_profile(orders, invoices, asof)
    g = prof.groupby("payment_segment")
    out = pd.DataFrame({"customers": g.size(), "sales": g["sales"].sum()})
    out = out.reindex(list(SEGMENTS)).fillna(0)
    out["customers"] = out["customers"].astype(int)
    out["customer_share"] = out["customers"] / out["customers"].sum()
    out["sales_share"] = out["sales"] / out["sales"].sum()
    out["avg_sales"] = (out["sales"] / out["customers"].where(out["customers"] > 0)).fillna(0.0)
    if "gross_profit" in prof.columns:
        out["gross_profit"] = g["gross_profit"].sum().reindex(out.index).fillna(0.0)
    if "invoice_count" in prof.columns:
        n_inv = g["invoice_count"].sum().reindex(out.index).fillna(0)
        n_late = g["late_invoices"].sum().reindex(out.index).fillna(0)
        out["late_rate"] = n_late / n_inv.where(n_inv > 0)
        out["overdue_now"] = g["overdue_now"].sum().reindex(out.index).fillna(0.0)
    out.index.name = "payment_segment"
    return out


__all__ = [
    "ABC_CUTOFFS",
    "ABC_LABELS",
    "PYRAMID_CUTOFFS",
    "PYRAMID_LABELS",
    "PyramidResult",
    "abc_tiers",
    "check_cutoffs",
    "customer_values",
    "payment_profile",
    "payment_segments",
    "pyramid",
]
