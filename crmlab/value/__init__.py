"""What a customer is worth: delivered value and customer lifetime value (CLV).

Three ways to put a number on a customer, as in lesson 1 (识别客户):

* :func:`delivered_value` -- customer delivered value (客户让渡价值) of competing
  offers: total customer value minus total customer cost.
* :func:`indicator_clv` -- the weighted indicator method (指标综合评价法) of the
  syllabus: current value (gross profit, volume, service cost) and potential
  value (satisfaction, loyalty, trust), normalised and weighted.
  :func:`clv_metrics` builds the six indicators from the course data.
* :func:`discounted_clv` -- the textbook formula
  ``CLV = sum_t margin * retention**t / (1 + discount)**t``.
* :class:`BGNBD` and :class:`GammaGamma` -- probabilistic models fitted by maximum
  likelihood (Fader, Hardie & Lee 2005; Fader & Hardie 2013) that predict future
  purchases, the probability a customer is still "alive" and the spend per
  purchase; :func:`predict_clv` combines them into a per-customer CLV and
  :func:`at_risk` lists valuable customers who are probably leaving (高危客户预警).

Discounting convention (one for all of lesson 1, also used by
:func:`crmlab.lifecycle.retention_economics`): money is counted at the *end* of
each period.  The customer is won at t = 0 (an acquisition cost is paid then,
undiscounted); the profit of period t is earned at the end of period t, only if the
customer is still there, and is discounted by ``(1 + discount)**t``.  So the first
period's profit is already discounted once and already needs one retention.
:func:`predict_clv` does the same month by month (``(1 + d)**m``, m = 1, 2, ...).

Modules, one per way of valuing a customer: :mod:`crmlab.value.delivered` (delivered
value), :mod:`crmlab.value.clv` (indicator method and discounted formula),
:mod:`crmlab.value.clv_models` (BG/NBD, Gamma-Gamma, predictions); every name is
re-exported here.  Shared names and checks are in the private ``_common``. scipy is
imported inside the functions that need it, so ``import crmlab.value`` stays light.
"""

from __future__ import annotations

from crmlab.value._common import (
    COST_PARTS,
    CURRENT_INDICATORS,
    DEFAULT_WEIGHTS,
    INDICATORS,
    LABELS,
    NEGATIVE_INDICATORS,
    POTENTIAL_INDICATORS,
    VALUE_PARTS,
    WEEKS_PER_MONTH,
)
from crmlab.value.clv import clv_metrics, clv_value, discounted_clv, discounted_margins, indicator_clv
from crmlab.value.clv_models import (
    BGNBD,
    GammaGamma,
    _bgnbd_loglik_terms,  # noqa: F401  (tests check the gradient)
    at_risk,
    predict_clv,
    summary_from_orders,
)
from crmlab.value.delivered import delivered_value

__all__ = [
    "BGNBD",
    "COST_PARTS",
    "CURRENT_INDICATORS",
    "DEFAULT_WEIGHTS",
    "INDICATORS",
    "LABELS",
    "NEGATIVE_INDICATORS",
    "POTENTIAL_INDICATORS",
    "VALUE_PARTS",
    "WEEKS_PER_MONTH",
    "GammaGamma",
    "at_risk",
    "clv_metrics",
    "clv_value",
    "delivered_value",
    "discounted_clv",
    "discounted_margins",
    "indicator_clv",
    "predict_clv",
    "summary_from_orders",
]
