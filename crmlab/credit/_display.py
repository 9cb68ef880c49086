"""Display helpers for lesson 4: formatted tables and Chinese German Credit bin labels.

Nothing here changes a number: :func:`styled` returns a pandas ``Styler`` for the
notebook (the functions of :mod:`crmlab.credit` keep returning plain fractions and
yuan amounts), and :func:`german_bin_label` only translates bin names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from crmlab import display
from crmlab.credit.receivables import TOTAL
from crmlab.labels import pick

#: column names (as returned by crmlab.credit) that hold yuan amounts (shown with （元） in the header)
MONEY_COLUMNS = frozenset({
    "amount", "avg_value", "sales", "avg_sales", "gross_profit", "overdue_now", "by_net_worth", "by_working_capital",
    "by_sales", "base_limit", "credit_limit", "current_limit", "balance", "excess", "overdue_amount",
    "expected_loss", "overdue_over_90", "receivable", "provision", "current_policy", "new_policy", "change", TOTAL,
    "现行额度",
})
#: column names that hold fractions between 0 and 1 (shown as percentages); the Chinese ones are
#: columns a notebook builds itself for a side-by-side table
PERCENT_COLUMNS = frozenset({
    "customer_share", "value_share", "cum_customer_share", "cum_value_share", "sales_share", "late_rate", "share",
    "provision_rate", "坏客户比例", "按销售额：金额占比", "按毛利：毛利占比",
})
_DECIMALS3 = frozenset({"WOE", "woe", "IV", "iv"})
#: the Chinese headers of lesson 4's tables (display only; the domain returns the English names)
HEADER_LABELS = pick((
    "customer_id", "company_name", "grade", "over_limit", "score", "reason", "strongest", "weakest", "credit_limit",
    "character", "capacity", "capital", "collateral", "conditions", "by_net_worth", "by_working_capital", "by_sales",
    "base_limit", "grade_factor", "limit_note", "current_limit", "balance", "excess",
    "customers", "customer_share", "amount", "layer", "value_share", "avg_value", "cum_customer_share",
    "cum_value_share", "cash_sales", "credit_sales", "sales", "credit_share", "gross_profit", "payment_segment",
    "invoice_count", "late_invoices", "late_rate", "avg_days_late", "overdue_now", "sales_share", "avg_sales",
    "current_days", "bad_debt_rate", "annual_sales", "gross_margin", "credited", "avg_receivable", "capital_cost",
    "expected_bad_debt", "net_profit", "deposit_share", "terms_days", "avg_receivable_change",
    "expected_bad_debt_change", "net_profit_change", "current_policy", "new_policy", "change", "item",
    "sales_growth", "bucket", "share", "receivable", "provision_rate", "provision", "dso", "month_end",
    "overdue_amount", "max_days_overdue", "overdue_invoices", "expected_loss", "action", "exceeds_limit",
    "seriously_overdue", "hold", "hold_reason", "overdue_over_90", "overdue_over_180", "cutoff", "cum_bad_share",
    "cum_good_share", "ks_gap", "fpr", "tpr",
))
#: headers whose label already says the unit
_HEADER_WITH_UNIT = {"amount": "金额", "gross_profit": "毛利"}


def header(name) -> str:
    """The Chinese header of a lesson-4 result column (its English name when it has none)."""
    return HEADER_LABELS.get(name, name) if isinstance(name, str) else name


def relabel(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a lesson-4 result with the Chinese headers (columns and index names); numbers unchanged.

    For showing a table as a plain DataFrame, writing it out, or reading it in Chinese.
    """
    return display.relabel(frame, HEADER_LABELS)


def _yes_no(value) -> str:
    if pd.isna(value):
        return "—"
    return "是" if value else "否"


def styled(frame: pd.DataFrame, *, money: Iterable[str] | None = None, percent: Iterable[str] | None = None,
           yuan_in_header: bool = True):
    """Display version of a lesson-4 table (a pandas ``Styler``), numbers unchanged.

    Money columns (default: :data:`MONEY_COLUMNS` present in ``frame``) get thousands
    separators without decimals and ``（元）`` in the header; share columns
    (default: :data:`PERCENT_COLUMNS`) are shown as percentages; other floats with
    one decimal; True/False as 是/否; English headers of :data:`HEADER_LABELS` in
    Chinese.  Pass ``money=`` / ``percent=`` to choose the columns yourself.
    """
    money = [c for c in frame.columns if c in MONEY_COLUMNS] if money is None else list(money)
    percent = [c for c in frame.columns if c in PERCENT_COLUMNS] if percent is None else list(percent)
    formats = display.number_formats(frame, money=money, percent=percent, fixed=dict.fromkeys(_DECIMALS3, "{:.3f}"),
                                     booleans=_yes_no)
    rename = {c: _HEADER_WITH_UNIT.get(c) or header(c) for c in frame.columns if isinstance(c, str)}
    for c in money:
        if yuan_in_header and isinstance(c, str) and "元" not in rename.get(c, c):
            rename[c] = f"{rename.get(c, c)}（元）"
    out = frame.rename(columns=rename)
    out.index.names = [header(n) for n in out.index.names]
    formats = {rename.get(c, c): f for c, f in formats.items()}
    return display.style(out, formats)  # Chinese text (reasons, actions) left-aligned


#: Chinese meaning of the category values of the German Credit data (see data/README.md)
GERMAN_CREDIT_LABELS: dict[str, dict[str, str]] = {
    "status_of_existing_checking_account": {
        "... < 0 DM": "透支（余额小于 0）",
        "0 <= ... < 200 DM": "余额 0-200 马克",
        "... >= 200 DM / salary assignments for at least 1 year": "余额 200 马克以上或工资代发满 1 年",
        "no checking account": "没有支票账户",
    },
    "credit_history": {
        "no credits taken/ all credits paid back duly": "从未借款或借款都已按时还清",
        "all credits at this bank paid back duly": "在本银行的借款都按时还清",
        "existing credits paid back duly till now": "现有借款至今按时还款",
        "delay in paying off in the past": "过去有过拖延还款",
        "critical account/ other credits existing (not at this bank)": "高风险账户或在其他银行有借款",
    },
    "purpose": {
        "business": "经营", "car (new)": "买新车", "car (used)": "买二手车", "domestic appliances": "家用电器",
        "education": "教育", "furniture/equipment": "家具/设备", "others": "其他用途",
        "radio/television": "收音机/电视", "repairs": "修理", "retraining": "再培训",
    },
    "savings_account_and_bonds": {
        "... < 100 DM": "100 马克以下",
        "100 <= ... < 500 DM": "100-500 马克",
        "500 <= ... < 1000 DM": "500-1000 马克",
        "... >= 1000 DM": "1000 马克以上",
        "unknown/ no savings account": "不详或没有储蓄账户",
    },
    "present_employment_since": {
        "unemployed": "失业", "... < 1 year": "不满 1 年", "1 <= ... < 4 years": "1-4 年",
        "4 <= ... < 7 years": "4-7 年", "... >= 7 years": "7 年以上",
    },
    "personal_status_and_sex": {
        "female : divorced/separated/married": "女：离异/分居/已婚",
        "male : divorced/separated": "男：离异/分居",
        "male : married/widowed": "男：已婚/丧偶",
        "male : single": "男：单身",
    },
    "other_debtors_or_guarantors": {"co-applicant": "有共同借款人", "guarantor": "有担保人", "none": "无"},
    "property": {
        "real estate": "房产",
        "building society savings agreement/ life insurance": "住房储蓄合同或人寿保险",
        "car or other, not in attribute Savings account/bonds": "汽车或其他财产",
        "unknown / no property": "不详或没有财产",
    },
    "other_installment_plans": {"bank": "银行分期", "stores": "商店分期", "none": "无"},
    "housing": {"for free": "免费居住", "own": "自有住房", "rent": "租房"},
    "job": {
        "unemployed/ unskilled - non-resident": "失业或非常住的非技术工人",
        "unskilled - resident": "常住的非技术工人",
        "skilled employee / official": "技术工人/职员",
        "management/ self-employed/ highly qualified employee/ officer": "管理人员/自雇/高级技术人员",
    },
    "telephone": {"none": "没有", "yes, registered under the customers name": "有（登记在本人名下）"},
    "foreign_worker": {"yes": "是", "no": "否"},
}
#: units of the numeric German Credit attributes (for bin labels)
GERMAN_CREDIT_UNITS = {"duration_in_month": " 个月", "credit_amount": " 马克", "age_in_years": " 岁"}

_INTERVAL = re.compile(r"^\((?P<lo>[^,]+), (?P<hi>[^\]]+)\]$")


def german_bin_label(feature: str, label: str) -> str:
    """Chinese text for a scorecard bin of the German Credit data.

    Category bins are translated with :data:`GERMAN_CREDIT_LABELS`; numeric bins such
    as ``(12, 24]`` become ``超过 12、不超过 24 个月``.  Unknown labels are returned unchanged.
    """
    if not isinstance(label, str):
        return label
    table = GERMAN_CREDIT_LABELS.get(feature)
    if table is not None:
        return table.get(label, label)
    m = _INTERVAL.match(label)
    if m is None:
        return label
    unit = GERMAN_CREDIT_UNITS.get(feature, "")
    lo, hi = m["lo"], m["hi"]
    if lo in ("-∞", "-inf"):
        return f"{hi}{unit}及以下"
    if hi in ("∞", "inf"):
        return f"{lo}{unit}以上"
    return f"超过 {lo}、不超过 {hi}{unit}"
