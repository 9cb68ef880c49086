"""Receivables ageing (应收账款账龄), bad-debt provision, DSO, collection and credit hold."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab import frames
from crmlab._errors import CRMDataError
from crmlab.credit._common import (
    check_fraction,
    check_int,
    require_columns,
    require_frame,
    to_numbers,
    to_timestamp,
)

#: Ageing buckets, in order. Days overdue = (asof - due_date).days.
BUCKETS = ("未到期", "逾期1-30天", "逾期31-60天", "逾期61-90天", "逾期91-180天", "逾期180天以上")
TOTAL = "合计"
#: Upper bound (inclusive, in days overdue) of each bucket; the last one is open-ended.
BUCKET_UPPER = (0, 30, 60, 90, 180, np.inf)

#: Default bad-debt provision rates per bucket (fractions).  A teaching choice in
#: the spirit of the ageing method (账龄分析法) used in Chinese accounting practice,
#: not a legal standard: companies set their own rates from their loss history.
DEFAULT_PROVISION_RATES = {
    "未到期": 0.01,
    "逾期1-30天": 0.03,
    "逾期31-60天": 0.10,
    "逾期61-90天": 0.20,
    "逾期91-180天": 0.50,
    "逾期180天以上": 0.80,
}

INVOICE_COLUMNS = ("customer_id", "invoice_id", "amount", "issue_date", "due_date", "paid_date", "ref_invoice_id")
#: Column naming the invoice a credit note (红字发票) or a partial payment (部分回款) belongs to.
REF_COLUMN = "ref_invoice_id"


def _rows(mask) -> str:
    """The first few 1-based row numbers of ``mask`` for an error message."""
    return "、".join(str(i + 1) for i in np.flatnonzero(np.asarray(mask))[:5])


def _check_references(out: pd.DataFrame) -> None:
    """Unique invoice ids; every negative line names an invoice of the same customer."""
    ids = out["invoice_id"]
    dup = ids.notna() & ids.duplicated(keep=False)
    if dup.any():
        shown = "、".join(map(str, pd.unique(ids[dup])[:5]))
        raise CRMDataError(
            f"发票表 invoices 的 invoice_id 有重复：{shown}（第 {_rows(dup)} 行）。每张发票的编号只能出现一次；"
            f"红字发票和部分回款要用自己的编号，并在 {REF_COLUMN} 列写上它冲减的原发票编号。"
        )
    ref = out[REF_COLUMN]
    no_ref = (out["amount"] < 0) & ref.isna()
    if no_ref.any():
        raise CRMDataError(
            f"发票表 invoices 第 {_rows(no_ref)} 行的金额是负数（红字发票或部分回款），但没有写它冲减的是哪张发票。"
            f"请加一列 {REF_COLUMN}，填上原发票的 invoice_id；负数行不能单独当作一张发票。"
        )
    has_ref = ref.notna()
    originals = out.loc[~has_ref].set_index("invoice_id")["customer_id"]
    originals = originals[originals.index.notna()]
    unknown = has_ref & ~ref.isin(originals.index)
    if unknown.any():
        raise CRMDataError(
            f"发票表 invoices 第 {_rows(unknown)} 行的 {REF_COLUMN} 找不到对应的原发票"
            f"（{'、'.join(map(str, pd.unique(ref[unknown])[:5]))}）。请检查原发票编号是否写对。"
        )
    other = has_ref & (ref.map(originals) != out["customer_id"])
    if other.any():
        raise CRMDataError(
            f"发票表 invoices 第 {_rows(other)} 行冲减的原发票属于另一位客户。红字发票和回款只能冲减同一客户的发票。"
        )


def _clean_invoices(invoices) -> pd.DataFrame:
    """Validated invoice lines: ids unique, negative lines tied to their invoice by ``ref_invoice_id``.

    Lines with a ``ref_invoice_id`` are adjustments of that invoice (credit notes and
    partial payments: negative; debit notes: positive) dated by their ``issue_date``;
    they need no due date of their own.
    """
    inv = frames.invoices(invoices, what="发票表 invoices")  # the data contract: dates and amounts parsed
    out = inv.copy().reset_index(drop=True)
    if "invoice_id" not in out.columns:
        out["invoice_id"] = [f"row{i}" for i in range(len(out))]
    for col in ("paid_date", REF_COLUMN):
        if col not in out.columns:
            out[col] = pd.NaT if col == "paid_date" else np.nan
    out["customer_id"] = out["customer_id"].astype(str)
    ref = out[REF_COLUMN].where(out[REF_COLUMN].notna() & (out[REF_COLUMN].astype(str).str.strip() != ""))
    out[REF_COLUMN] = ref.astype(object)
    out["amount"] = out["amount"].astype(float)
    for col in ("issue_date", "due_date", "paid_date"):
        out[col] = pd.to_datetime(out[col]).dt.normalize()
    _check_references(out)
    missing = out["due_date"].isna() & out[REF_COLUMN].isna()  # adjustments need no due date
    if missing.any():
        raise CRMDataError(
            f"发票表 invoices 的 due_date 列有空值（第 {_rows(missing)} 行），每张发票都要有开票日和到期日"
            "（红字发票、回款行有开票日 issue_date 就够了）。"
        )
    return out


def _net_invoices(inv: pd.DataFrame, asof: pd.Timestamp) -> pd.DataFrame:
    """The original invoices with ``amount`` = what is still owed on them at ``asof``.

    ``invoiced``: the invoice's own amount; ``adjusted``: credit notes, partial payments
    and debit notes dated on or before ``asof``; ``amount`` = invoiced + adjusted,
    never below 0 (an over-credited invoice is settled; the excess is the customer's
    credit, not a negative receivable).
    """
    is_adj = inv[REF_COLUMN].notna()
    adj = inv.loc[is_adj & (inv["issue_date"] <= asof)].groupby(REF_COLUMN)["amount"].sum()
    out = inv.loc[~is_adj].drop(columns=REF_COLUMN).copy()
    out["invoiced"] = out["amount"]
    out["adjusted"] = out["invoice_id"].map(adj).fillna(0.0).astype(float)
    out["amount"] = (out["invoiced"] + out["adjusted"]).clip(lower=0.0)
    return out


def bucket_of(days_overdue) -> str:
    """The ageing bucket name for a number of days overdue (0 or less = 未到期)."""
    try:
        d = float(days_overdue)
    except (TypeError, ValueError) as exc:
        raise CRMDataError(f"逾期天数应该是数字，现在是「{days_overdue}」。") from exc
    if d != d:
        raise CRMDataError("逾期天数不能为空。")
    for name, upper in zip(BUCKETS, BUCKET_UPPER):
        if d <= upper:
            return name
    return BUCKETS[-1]  # pragma: no cover


def open_invoices(invoices, asof) -> pd.DataFrame:
    """Invoices still open at ``asof`` with ``days_overdue`` and ``bucket``.

    Open at ``asof`` means: issued on or before ``asof``, not paid on or before
    ``asof`` (an invoice paid after ``asof`` was still open that day) and something
    still owed after netting.  Credit notes (红字发票) and partial payments (部分回款)
    are negative lines whose ``ref_invoice_id`` names the invoice they reduce: they
    are netted against it (column ``amount`` = what is still owed; ``invoiced`` and
    ``adjusted`` show the two parts) and never count as invoices of their own.
    An invoice due on ``asof`` has 0 days overdue and is 未到期.
    """
    inv = _clean_invoices(invoices)
    asof = to_timestamp(asof, "截止日 asof")
    net = _net_invoices(inv, asof)
    is_open = (net["issue_date"] <= asof) & (net["paid_date"].isna() | (net["paid_date"] > asof)) & (net["amount"] > 0)
    out = net.loc[is_open].copy()
    out["days_overdue"] = (asof - out["due_date"]).dt.days.astype(int)
    bins = [-np.inf, *BUCKET_UPPER]
    out["bucket"] = pd.cut(out["days_overdue"], bins=bins, labels=list(BUCKETS), right=True).astype(str)
    return out.reset_index(drop=True)


def aging(invoices, asof) -> pd.DataFrame:
    """Open amount per customer and ageing bucket at ``asof``, plus ``合计``.

    Rows: customers with at least one open invoice (index ``customer_id``,
    sorted); columns: the six buckets of :data:`BUCKETS` then ``合计``.  Credit
    notes and partial payments are netted against their invoice first (see
    :func:`open_invoices`), so every amount is 0 or more.
    """
    op = open_invoices(invoices, asof)
    table = op.pivot_table(
        index="customer_id", columns="bucket", values="amount", aggfunc="sum", fill_value=0.0, observed=False
    )
    table = table.reindex(columns=list(BUCKETS), fill_value=0.0).astype(float)
    table[TOTAL] = table[list(BUCKETS)].sum(axis=1)
    table.columns.name = None
    table.index.name = "customer_id"
    return table.sort_index()


def aging_summary(aging_table: pd.DataFrame) -> pd.DataFrame:
    """Totals per bucket: amount and share of all open receivables."""
    tab = require_frame(aging_table, "账龄表")
    require_columns(tab, BUCKETS, "账龄表")
    amounts = tab[list(BUCKETS)].sum()
    total = amounts.sum()
    out = pd.DataFrame({"amount": amounts, "share": amounts / total if total else 0.0})
    out.index.name = "bucket"
    return out


def _rates(rates) -> dict:
    if rates is None:
        return dict(DEFAULT_PROVISION_RATES)
    if isinstance(rates, pd.Series):
        rates = rates.to_dict()
    if not isinstance(rates, dict):
        try:
            rates = list(rates)
        except TypeError as exc:
            raise CRMDataError("计提比例 rates 应该是 {账龄段: 比例} 的字典，或 6 个比例的列表。") from exc
        if len(rates) != len(BUCKETS):
            raise CRMDataError(f"计提比例需要 {len(BUCKETS)} 个（每个账龄段一个），现在有 {len(rates)} 个。")
        rates = dict(zip(BUCKETS, rates))
    unknown = [k for k in rates if k not in BUCKETS]
    if unknown:
        raise CRMDataError(f"计提比例里有未知的账龄段：{'、'.join(map(str, unknown))}。可用的是：{'、'.join(BUCKETS)}。")
    full = dict(DEFAULT_PROVISION_RATES)
    for k, v in rates.items():
        full[k] = check_fraction(v, f"账龄段「{k}」的计提比例")
    return full


def provision(aging_table: pd.DataFrame, rates=None) -> pd.DataFrame:
    """Bad-debt provision (坏账准备) by bucket: amount x rate, with a ``合计`` row.

    ``rates``: dict bucket -> fraction (0.05 = 5%), or a list of six fractions
    in bucket order; missing buckets use :data:`DEFAULT_PROVISION_RATES`.
    """
    tab = require_frame(aging_table, "账龄表")
    require_columns(tab, BUCKETS, "账龄表")
    r = _rates(rates)
    amounts = tab[list(BUCKETS)].sum().astype(float)
    out = pd.DataFrame(
        {
            "receivable": amounts,
            "provision_rate": pd.Series(r)[list(BUCKETS)].astype(float),
        }
    )
    out["provision"] = out["receivable"] * out["provision_rate"]
    total = pd.DataFrame(
        {
            "receivable": [out["receivable"].sum()],
            "provision_rate": [out["provision"].sum() / out["receivable"].sum() if out["receivable"].sum() else 0.0],
            "provision": [out["provision"].sum()],
        },
        index=[TOTAL],
    )
    out = pd.concat([out, total])
    out.index.name = "bucket"
    return out


def dso(invoices, asof, period_days: int = 90) -> float:
    """Days sales outstanding at ``asof``.

    DSO = open receivables at ``asof`` / credit sales invoiced in the last
    ``period_days`` days (``asof - period_days < issue_date <= asof``) x ``period_days``.
    Sales are the invoices' own amounts (adjustment lines are netted in the
    receivables, not counted as sales).  Returns NaN when there were no sales in the period.
    """
    period_days = check_int(period_days, "统计天数 period_days", low=1, high=3650)
    inv = _clean_invoices(invoices)
    asof = to_timestamp(asof, "截止日 asof")
    op = open_invoices(inv, asof)
    start = asof - pd.Timedelta(days=period_days)
    own = inv[REF_COLUMN].isna()
    sales = inv.loc[own & (inv["issue_date"] > start) & (inv["issue_date"] <= asof), "amount"].sum()
    if sales <= 0:
        return float("nan")
    return float(op["amount"].sum() / sales * period_days)


def dso_trend(invoices, start=None, end=None, period_days: int = 90) -> pd.Series:
    """DSO at each month end between ``start`` and ``end`` (default: the invoices' span)."""
    inv = _clean_invoices(invoices)
    if inv.empty:
        raise CRMDataError("发票表是空的，无法计算应收账款周转天数（DSO）。")
    start = to_timestamp(start, "开始日期") if start is not None else inv["issue_date"].min()
    end = to_timestamp(end, "结束日期") if end is not None else inv["issue_date"].max()
    if end < start:
        raise CRMDataError(f"结束日期 {end.date()} 早于开始日期 {start.date()}，请对调。")
    months = pd.date_range(start, end, freq=pd.offsets.MonthEnd())  # "ME" needs pandas>=2.2, "M" warns there
    values = [dso(inv, d, period_days) for d in months]
    s = pd.Series(values, index=months, name="dso")
    s.index.name = "month_end"
    return s


def collection_priority(invoices, asof, accounts=None, rates=None) -> pd.DataFrame:
    """Customers with overdue receivables, most urgent first.

    Priority = expected loss = sum over overdue buckets of amount x provision
    rate (so old and large debts come first).  Amounts are what is still owed
    after credit notes and partial payments; an invoice settled by them is not
    overdue, and a payment line is never counted as an overdue invoice.  Columns: open amount, overdue
    amount, maximum days overdue, expected loss, suggested action (Chinese).
    With ``accounts`` the company name is added.
    """
    op = open_invoices(invoices, asof)
    r = _rates(rates)
    op = op[op["days_overdue"] > 0].copy()
    cols = ["customer_id", "overdue_amount", "max_days_overdue", "overdue_invoices", "expected_loss", "action"]
    if op.empty:
        return pd.DataFrame(columns=cols)
    op["loss"] = op["amount"] * op["bucket"].map(r).astype(float)
    g = op.groupby("customer_id")
    out = pd.DataFrame(
        {
            "overdue_amount": g["amount"].sum(),
            "max_days_overdue": g["days_overdue"].max().astype(int),
            "overdue_invoices": g["invoice_id"].count().astype(int),
            "expected_loss": g["loss"].sum(),
        }
    ).reset_index()

    def action(days):
        if days <= 30:
            return "电话或短信提醒"
        if days <= 90:
            return "发催款函，业务员上门沟通"
        if days <= 180:
            return "暂停赊销发货，制定还款计划"
        return "考虑委托催收或法律途径"

    out["action"] = out["max_days_overdue"].map(action)
    out = out.sort_values(["expected_loss", "overdue_amount", "customer_id"], ascending=[False, False, True])
    if accounts is not None:
        acc = require_frame(accounts, "客户信用档案 accounts")
        if "company_name" in acc.columns and "customer_id" in acc.columns:
            names = acc.assign(customer_id=acc["customer_id"].astype(str)).set_index("customer_id")["company_name"]
            out.insert(1, "company_name", out["customer_id"].map(names))
    return out.reset_index(drop=True)


def credit_hold(accounts, aging_table, limit_col: str = "credit_limit", days: int = 90) -> pd.DataFrame:
    """Credit-hold flags (暂停赊销): open receivables over the limit, or anything over ``days`` days overdue.

    ``days`` must be 90 or 180 (a bucket boundary).  Returns one row per account
    with open amount, limit, the two flags, ``hold`` and a Chinese reason.
    """
    acc = require_frame(accounts, "客户信用档案 accounts")
    require_columns(acc, ("customer_id", limit_col), "客户信用档案 accounts")
    tab = require_frame(aging_table, "账龄表")
    require_columns(tab, (*BUCKETS, TOTAL), "账龄表")
    if days not in (90, 180):
        raise CRMDataError("days 只能是 90 或 180（账龄段的分界）。")
    old = [b for b, up in zip(BUCKETS, BUCKET_UPPER) if up > days]
    limits = to_numbers(acc[limit_col], limit_col, "客户信用档案 accounts")
    out = pd.DataFrame({"customer_id": acc["customer_id"].astype(str).values, "current_limit": limits.values})
    tab = tab.copy()
    tab.index = tab.index.astype(str)
    out["balance"] = out["customer_id"].map(tab[TOTAL]).fillna(0.0).astype(float)
    out[f"overdue_over_{days}"] = out["customer_id"].map(tab[old].sum(axis=1)).fillna(0.0).astype(float)
    out["exceeds_limit"] = out["balance"] > out["current_limit"].fillna(np.inf)
    out["seriously_overdue"] = out[f"overdue_over_{days}"] > 0
    out["hold"] = out["exceeds_limit"] | out["seriously_overdue"]

    def reason(row):
        parts = []
        if row["exceeds_limit"]:
            parts.append(f"应收余额 {row['balance']:,.0f} 元超过额度 {row['current_limit']:,.0f} 元")
        if row["seriously_overdue"]:
            parts.append(f"有 {row[f'overdue_over_{days}']:,.0f} 元逾期超过 {days} 天")
        return "；".join(parts) if parts else "正常"

    out["hold_reason"] = out.apply(reason, axis=1) if len(out) else pd.Series(dtype=str)
    return out


__all__ = [
    "BUCKETS",
    "DEFAULT_PROVISION_RATES",
    "TOTAL",
    "aging",
    "aging_summary",
    "bucket_of",
    "collection_priority",
    "credit_hold",
    "dso",
    "dso_trend",
    "open_invoices",
    "provision",
]
