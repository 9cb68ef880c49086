"""Lesson 4 客户信用管理: customer pyramid, payment segments, credit policy,
5C scoring and limits, a WOE scorecard, receivables ageing.

Plain functions over pandas objects, in one module per concept of the lesson:

* :mod:`crmlab.credit.customer_pyramid` -- customer pyramid, ABC tiers, payment-method segments;
* :mod:`crmlab.credit.terms` -- payment terms per payment segment (cash vs credit);
* :mod:`crmlab.credit.policy` -- the credit policy simulator;
* :mod:`crmlab.credit.five_c` -- 5C scoring, grades and credit limits;
* :mod:`crmlab.credit.scorecard` -- the WOE scorecard, KS, ROC/AUC (拓展);
* :mod:`crmlab.credit.receivables` -- receivables ageing, provision, DSO, collection.

Every name is re-exported here.  Display helpers (:func:`styled`, :func:`relabel`,
:func:`header`) are in the private ``_display``, input checks in ``_common``.
``crmlab.credit.scorecard`` imports scikit-learn: it and its names (``Scorecard``,
``cross_validate_scorecard``, ``ks_score``, ``german_credit_xy`` ...) load on first
access, so ``import crmlab.credit`` stays light.
"""

from __future__ import annotations

from importlib import import_module as _import_module

from crmlab.credit._display import (
    GERMAN_CREDIT_LABELS,
    MONEY_COLUMNS,
    PERCENT_COLUMNS,
    german_bin_label,
    header,
    relabel,
    styled,
)
from crmlab.credit.customer_pyramid import (
    ABC_CUTOFFS,
    ABC_LABELS,
    PYRAMID_CUTOFFS,
    PYRAMID_LABELS,
    PyramidResult,
    abc_tiers,
    check_cutoffs,
    customer_values,
    payment_profile,
    payment_segments,
    pyramid,
)
from crmlab.credit.five_c import (
    DEFAULT_GRADE_FACTORS,
    DEFAULT_GRADES,
    DEFAULT_SCALES,
    DEFAULT_WEIGHTS,
    FIVE_C,
    ITEM_NAMES,
    LOWEST_GRADE,
    credit_limit,
    grade_of,
    over_limit,
    score_5c,
)
from crmlab.credit.policy import CreditPolicyResult, credit_policy
from crmlab.credit.receivables import (
    BUCKETS,
    DEFAULT_PROVISION_RATES,
    TOTAL,
    aging,
    aging_summary,
    bucket_of,
    collection_priority,
    credit_hold,
    dso,
    dso_trend,
    open_invoices,
    provision,
)
from crmlab.credit.terms import SegmentTermsResult, segment_baseline, segment_terms

_LAZY = {"Scorecard", "cross_validate_scorecard", "ks_score", "ks_table", "roc_table", "auc_score", "cutoff_summary",
         "german_credit_xy", "CVResult"}


def __getattr__(name: str):
    if name in _LAZY or name == "scorecard":
        module = _import_module("crmlab.credit.scorecard")
        if name == "scorecard":
            return module
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'crmlab.credit' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _LAZY | {"scorecard"})


__all__ = [
    "ABC_CUTOFFS",
    "ABC_LABELS",
    "BUCKETS",
    "DEFAULT_GRADES",
    "DEFAULT_GRADE_FACTORS",
    "DEFAULT_PROVISION_RATES",
    "DEFAULT_SCALES",
    "DEFAULT_WEIGHTS",
    "FIVE_C",
    "GERMAN_CREDIT_LABELS",
    "ITEM_NAMES",
    "LOWEST_GRADE",
    "MONEY_COLUMNS",
    "PERCENT_COLUMNS",
    "PYRAMID_CUTOFFS",
    "PYRAMID_LABELS",
    "TOTAL",
    "CVResult",
    "CreditPolicyResult",
    "PyramidResult",
    "Scorecard",
    "SegmentTermsResult",
    "abc_tiers",
    "aging",
    "aging_summary",
    "auc_score",
    "bucket_of",
    "check_cutoffs",
    "collection_priority",
    "credit_hold",
    "credit_limit",
    "credit_policy",
    "cross_validate_scorecard",
    "customer_values",
    "cutoff_summary",
    "dso",
    "dso_trend",
    "german_bin_label",
    "german_credit_xy",
    "grade_of",
    "header",
    "ks_score",
    "ks_table",
    "open_invoices",
    "over_limit",
    "payment_profile",
    "payment_segments",
    "provision",
    "pyramid",
    "relabel",
    "roc_table",
    "score_5c",
    "segment_baseline",
    "segment_terms",
    "styled",
]
