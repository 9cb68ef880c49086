"""Customer segmentation (lesson 3, 细分客户).

Plain functions over pandas objects, in one module per concept of the lesson:

* :mod:`crmlab.segment.rfm_analysis` -- RFM: :func:`rfm`, :func:`quintile_scores`,
  :func:`relabel_rfm`, :func:`segment_summary` and the segment names;
* :mod:`crmlab.segment.variables` -- demographic and behavioural segmentation:
  :func:`age_band`, :func:`usage_rate`, :func:`loyalty_status`, :func:`customer_behaviour`,
  :func:`segment_table`, :func:`demographic_segments`;
* :mod:`crmlab.segment.kmeans` -- clustering: :func:`kmeans_segments`, :func:`choose_k`,
  :func:`psychographic_segments`, :func:`crosstab_segments`;
* :mod:`crmlab.segment.plan` -- why segment: :func:`budget_allocation` (the same budget
  spread evenly vs spent on the segments that return most).

Every name is re-exported here (``crmlab.segment.rfm(...)``).  Display helpers
(:func:`styled`, :func:`label_columns`) are in the private ``_display``, shared input
checks in ``_base``.  scikit-learn is imported inside the functions that need it.
"""

from __future__ import annotations

from crmlab.segment._display import (
    COLUMN_LABELS,
    MONEY_COLUMNS,
    PERCENT_COLUMNS,
    label_columns,
    styled,
)
from crmlab.segment.kmeans import (
    FEATURE_LABELS,
    SURVEY_LABELS,
    KMeansResult,
    choose_k,
    crosstab_segments,
    kmeans_segments,
    name_cluster,
    psychographic_segments,
    survey_item_label,
)
from crmlab.segment.plan import DEFAULT_RESPONSE_RATES, budget_allocation
from crmlab.segment.rfm_analysis import (
    CN8_SEGMENTS,
    RF_GRID,
    RF_GRID_NAMES,
    SEGMENT_ORDER,
    STRATEGIES,
    quintile_scores,
    relabel_rfm,
    rfm,
    segment_summary,
)
from crmlab.segment.variables import (  # noqa: F401 - the *_BINS/*_LABELS constants stay outside __all__
    DEFAULT_AGE_BINS,
    LOYALTY_LABELS,
    USAGE_LABELS,
    age_band,
    customer_behaviour,
    demographic_segments,
    loyalty_status,
    segment_table,
    usage_rate,
)

__all__ = [
    "CN8_SEGMENTS",
    "COLUMN_LABELS",
    "DEFAULT_RESPONSE_RATES",
    "FEATURE_LABELS",
    "MONEY_COLUMNS",
    "PERCENT_COLUMNS",
    "RF_GRID",
    "RF_GRID_NAMES",
    "SEGMENT_ORDER",
    "STRATEGIES",
    "SURVEY_LABELS",
    "KMeansResult",
    "age_band",
    "budget_allocation",
    "choose_k",
    "crosstab_segments",
    "customer_behaviour",
    "demographic_segments",
    "kmeans_segments",
    "label_columns",
    "loyalty_status",
    "name_cluster",
    "psychographic_segments",
    "quintile_scores",
    "relabel_rfm",
    "rfm",
    "segment_summary",
    "segment_table",
    "styled",
    "survey_item_label",
    "usage_rate",
]
