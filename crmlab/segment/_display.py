"""How lesson-3 tables are shown to learners: Chinese column labels and number formats.

Re-exported by :mod:`crmlab.segment` (``label_columns``, ``styled``, ``COLUMN_LABELS`` ...).
"""

from __future__ import annotations

import pandas as pd

from crmlab import display
from crmlab.labels import pick

#: Chinese labels for columns shown to learners.
COLUMN_LABELS: dict[str, str] = pick((
    "recency", "frequency", "monetary", "R", "F", "M", "code", "segment", "segment_en", "customers",
    "customer_share", "revenue", "revenue_share", "recency_mean", "frequency_mean", "monetary_mean",
    "R_mean", "F_mean", "M_mean", "strategy", "size", "share", "name", "cluster",
    "revenue_per_customer", "inertia", "silhouette", "usage", "loyalty", "occasion", "payment_method",
    "channel", "city_tier", "age_band", "gender", "response_rate", "order_value", "contacts_even",
    "contacts_targeted", "return_even", "return_targeted", "revenue_share_cluster",
), "segment")


def label_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` with Chinese column (and index) labels for display."""
    return display.relabel(frame, COLUMN_LABELS)


#: columns holding fractions (0.558 = 55.8%); shown as percentages by :func:`styled`.
PERCENT_COLUMNS = frozenset(
    {"customer_share", "revenue_share", "share", "response_rate", "revenue_share_cluster"}
)
#: columns holding yuan amounts; shown with thousands separators and no decimals by :func:`styled`.
MONEY_COLUMNS = frozenset(
    {"monetary", "revenue", "monetary_mean", "revenue_per_customer", "order_value", "return_even", "return_targeted"}
)
_DISPLAY_FORMATS = {
    "silhouette": "{:.3f}", "R_mean": "{:.2f}", "F_mean": "{:.2f}", "M_mean": "{:.2f}",
    "contacts_even": "{:,.0f}", "contacts_targeted": "{:,.0f}",  # numbers of people
}


def styled(frame: pd.DataFrame, currency: str = "元"):
    """Display version of a lesson-3 table: Chinese labels, shares as percentages, money as ``1,234``.

    ``currency`` names the money unit in the headers (e.g. ``"美元"`` for CDNOW).

    Only for showing a table in the notebook: it returns a pandas ``Styler``; the
    numbers in ``frame`` (and everything the functions of this module return) stay
    unchanged, shares as fractions between 0 and 1.  Tables whose column labels are
    not unique after translation are returned as plain labelled DataFrames.
    """
    def unit(label: str) -> str:
        return label.replace("（元）", f"（{currency}）")

    formats = display.number_formats(frame, money=MONEY_COLUMNS, percent=PERCENT_COLUMNS, fixed=_DISPLAY_FORMATS)
    formats = {unit(COLUMN_LABELS.get(c, c)): fmt for c, fmt in formats.items()}
    out = label_columns(frame)
    out.columns = [unit(str(c)) for c in out.columns]
    return display.style(out, formats)  # long Chinese text (strategies, names) left-aligned

